package uk.nhs.phb.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.schemas.LakeTable;

/**
 * The batch's skip-and-resume rules on two small real steps: "copy" turns a landing file into
 * {@code silver/numbers}, "double" turns that into {@code gold/doubled}; each records what it read and wrote.
 */
class BatchRunTest {
    private static final LakeTable NUMBERS = new LakeTable(LakeTable.Layer.SILVER, "numbers", StructType.fromDDL("value BIGINT"), List.of(),
            "copy", "the landing file's numbers");
    private static final LakeTable DOUBLED = new LakeTable(LakeTable.Layer.GOLD, "doubled", StructType.fromDDL("value BIGINT"), List.of(),
            "double", "the numbers doubled");
    @TempDir
    Path dir;

    private SparkSession spark;
    private JobSettings settings;
    private Path landingFile;

    @BeforeEach
    void setUp() throws IOException {
        spark = TestSpark.get();
        settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        landingFile = dir.resolve("landing/ehcp/numbers.csv");
        Files.createDirectories(landingFile.getParent());
        Files.writeString(landingFile, "1\n2\n3\n");
    }

    @Test
    void skipsStepsWhoseInputsAndOutputsAreUnchangedAndRerunsFromTheFirstChange() throws IOException {
        BatchRun.Result first = batch(false).execute();
        assertThat(first.steps()).extracting(BatchRun.StepOutcome::status).containsExactly("ran", "ran");
        assertThat(doubled()).containsExactly(2L, 4L, 6L);

        BatchRun.Result second = batch(false).execute();
        assertThat(second.steps()).extracting(BatchRun.StepOutcome::status).containsExactly("skipped", "skipped");
        assertThat(second.steps()).extracting(BatchRun.StepOutcome::runId)
                .containsExactlyElementsOf(first.steps().stream().map(BatchRun.StepOutcome::runId).toList());
        assertThat(second.runId()).isNotEqualTo(first.runId());

        // phb run --json: the batch, then each step by name with its status, run, Spark's work and its own summary
        com.fasterxml.jackson.databind.JsonNode json = uk.nhs.phb.jobs.Json.mapper().valueToTree(second);
        assertThat(json.fieldNames()).toIterable().containsExactly("run_id", "batch", "steps", "seconds");
        assertThat(json.get("steps").fieldNames()).toIterable().containsExactly("copy", "double");
        assertThat(json.get("steps").get("copy").fieldNames()).toIterable().containsExactly("status", "run_id", "seconds", "spark", "summary");
        assertThat(json.get("steps").get("copy").get("summary").size()).as("a skipped step's summary is empty").isZero();
        assertThat(uk.nhs.phb.jobs.Json.mapper().valueToTree(first).get("steps").get("copy").get("summary").get("run_id").asText())
                .isEqualTo(first.steps().get(0).runId());

        // someone rewrote the last table outside the batch: only that step runs again
        spark.createDataset(List.of(99L), Encoders.LONG()).toDF("value").write().format("delta").mode(SaveMode.Overwrite)
                .save(settings.lake() + "/gold/doubled");
        assertThat(batch(false).execute().steps()).extracting(BatchRun.StepOutcome::status).containsExactly("skipped", "ran");
        assertThat(doubled()).containsExactly(2L, 4L, 6L);

        // a changed landing file: everything downstream runs again
        Files.writeString(landingFile, "1\n2\n3\n4\n");
        assertThat(batch(false).execute().steps()).extracting(BatchRun.StepOutcome::status).containsExactly("ran", "ran");
        assertThat(doubled()).containsExactly(2L, 4L, 6L, 8L);

        // a new landing file, even in a feed the step did not read before
        Files.writeString(dir.resolve("landing/ehcp/more.csv"), "5\n");
        assertThat(batch(false).execute().steps().get(0).status()).isEqualTo("ran");

        assertThat(batch(true).execute().steps()).extracting(BatchRun.StepOutcome::status).containsExactly("ran", "ran");
    }

    @Test
    void aFailedStepStopsTheBatchKeepsEarlierOutputsAndTheNextRunResumesThere() {
        batch(false).execute();
        long versionBefore = DeltaTables.version(spark, settings.lake() + "/gold/doubled");
        BatchRun.Step failing = new BatchRun.Step("publish", "publish", false, (s, p) -> {
            throw new InputException("no such recipient 'nobody'");
        });
        assertThatThrownBy(() -> BatchRun.of(settings, "test", List.of(copy(), doubleStep(), failing), Map.of()).execute())
                .isInstanceOf(InputException.class)
                .hasMessageContaining("step 'publish' (3 of 3) failed: no such recipient 'nobody'")
                .hasMessageContaining("running the batch again resumes at 'publish'");
        assertThat(DeltaTables.version(spark, settings.lake() + "/gold/doubled")).isEqualTo(versionBefore);
        assertThat(doubled()).containsExactly(2L, 4L, 6L);

        Dataset<Row> batches = spark.read().format("delta").load(settings.lakeLayout().runs()).filter(col("command").equalTo("run"));
        assertThat(batches.filter(col("status").equalTo("FAILED")).count()).isEqualTo(1);

        BatchRun.Step fixed = new BatchRun.Step("publish", "publish", false, (s, p) -> new Done("none"));
        BatchRun.Result resumed = BatchRun.of(settings, "test", List.of(copy(), doubleStep(), fixed), Map.of()).execute();
        assertThat(resumed.steps()).extracting(BatchRun.StepOutcome::status).containsExactly("skipped", "skipped", "ran");
    }

    @Test
    void stepRunsAreTaggedWithTheBatchRunId() {
        BatchRun.Result r = batch(false).execute();
        List<Row> steps = spark.read().format("delta").load(settings.lakeLayout().runs())
                .filter(col("command").isin("copy", "double").and(col("status").equalTo("SUCCEEDED")))
                .select(org.apache.spark.sql.functions.get_json_object(col("parameters"), "$.batch_run_id")).collectAsList();
        assertThat(steps).hasSize(2).allSatisfy(row -> assertThat(row.getString(0)).isEqualTo(r.runId()));
    }

    private BatchRun batch(boolean force) {
        return BatchRun.of(settings, "test", List.of(copy(), doubleStep()), Map.of()).force(force);
    }

    private List<Long> doubled() {
        return spark.read().format("delta").load(settings.lake() + "/gold/doubled").orderBy("value").as(Encoders.LONG()).collectAsList();
    }

    private BatchRun.Step copy() {
        return new BatchRun.Step("copy", "copy", true, (s, progress) -> {
            return JobRun.execute(s, settings.lakeLayout(), "copy", RunParameters.of(settings, null), Progress.NONE, run -> {
                long rows = 0;
                List<Long> values = new java.util.ArrayList<>();
                try (var files = Files.list(landingFile.getParent())) {
                    for (Path f : files.sorted().toList()) {
                        run.inputFile("ehcp/" + f.getFileName(), Files.size(f), Instant.ofEpochMilli(Files.getLastModifiedTime(f).toMillis()));
                        for (String line : Files.readAllLines(f)) {
                            values.add(Long.parseLong(line.strip()));
                            rows++;
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                String path = settings.lakeLayout().path(NUMBERS);
                s.createDataset(values, Encoders.LONG()).toDF("value").write().format("delta").mode(SaveMode.Overwrite).save(path);
                run.output(NUMBERS, DeltaTables.version(s, path), rows);
                return new Done(run.runId());
            });
        });
    }

    private BatchRun.Step doubleStep() {
        return new BatchRun.Step("double", "double", false, (s, progress) -> {
            return JobRun.execute(s, settings.lakeLayout(), "double", RunParameters.of(settings, null), Progress.NONE, run -> {
                String in = settings.lakeLayout().path(NUMBERS);
                run.input(NUMBERS, DeltaTables.version(s, in));
                String path = settings.lakeLayout().path(DOUBLED);
                s.read().format("delta").load(in).select(col("value").multiply(2).as("value"))
                        .write().format("delta").mode(SaveMode.Overwrite).save(path);
                run.output(DOUBLED, DeltaTables.version(s, path), 0);
                return new Done(run.runId());
            });
        });
    }

    /** What a test step returns: the run that did it. */
    private record Done(String runId) implements JobResult {
    }
}
