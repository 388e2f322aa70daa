package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb audit --explain}: a hand-built lake with a person index, features and an eligibility table (in
 * the shared contract's shape) made by three recorded runs; the trail shows each of the person's rows with
 * its rule version and run, the table version that run wrote, and what each run read.
 */
class ExplainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theTrailNamesEveryRowRunRuleAndTableVersion() throws Exception {
        SparkSession spark = SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false));
        Lake lake = new Lake(dir.resolve("lake").toString());
        JobSettings settings = new JobSettings(lake.root(), "landing", "out", "local[2]", false);

        JobRun link = JobRun.start(spark, lake, "link", RunParameters.of(settings, null), Progress.NONE);
        link.input(LakeTables.bronze("patients"), 4);
        StructType index = new StructType().add("source", DataTypes.StringType).add("entity_hash", DataTypes.StringType)
                .add("person_id", DataTypes.StringType).add("method", DataTypes.StringType).add("match_weight", DataTypes.DoubleType);
        spark.createDataFrame(List.of(RowFactory.create("patients", "e1", "P1", "SPINE", null),
                        RowFactory.create("asc_cld", "e2", "P1", "PROBABILISTIC", 12.5), RowFactory.create("patients", "e3", "P2", "SPINE", null)),
                index).write().format("delta").option("userMetadata", "{\"run_id\":\"" + link.runId() + "\",\"lake_key_fingerprint\":\"x\"}")
                .save(lake.path(LakeTables.PERSON_INDEX));
        link.output(LakeTables.PERSON_INDEX, 0, 3);
        link.succeeded();

        JobRun features = JobRun.start(spark, lake, "features", RunParameters.of(settings, null).with("as_of", "2026-03-31"), Progress.NONE);
        features.input(LakeTables.PERSON_INDEX, 0);
        StructType feat = new StructType().add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
                .add("age", DataTypes.IntegerType).add("run_id", DataTypes.StringType);
        // an older version first, so the run's rows are in version 1 of the table
        spark.createDataFrame(List.of(RowFactory.create("P9", Date.valueOf("2025-03-31"), 40, "old")), feat).write().format("delta")
                .save(lake.path(LakeTables.PERSON_FEATURES));
        spark.createDataFrame(List.of(RowFactory.create("P1", Date.valueOf("2026-03-31"), 71, features.runId()),
                        RowFactory.create("P2", Date.valueOf("2026-03-31"), 30, features.runId())), feat)
                .write().format("delta").mode(SaveMode.Append).option("userMetadata", "{\"run_id\":\"" + features.runId() + "\"}")
                .save(lake.path(LakeTables.PERSON_FEATURES));
        features.output(LakeTables.PERSON_FEATURES, 1, 2);
        features.succeeded();

        JobRun score = JobRun.start(spark, lake, "score", RunParameters.of(settings, null).with("quarter", "2025-26Q4"), Progress.NONE);
        score.input(LakeTables.PERSON_FEATURES, 1);
        StructType elig = new StructType().add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
                .add("cohort", DataTypes.StringType).add("basis", DataTypes.StringType).add("rule_id", DataTypes.StringType)
                .add("rules_version", DataTypes.StringType).add("reason", DataTypes.StringType).add("run_id", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create("P1", Date.valueOf("2026-03-31"), "CHC", "legal_right", "chc-eligible", "2026.1",
                "eligible for NHS continuing healthcare", score.runId()));
        rows.add(RowFactory.create("P1", Date.valueOf("2026-03-31"), "WHEELCHAIR", "legal_right", "wheelchair-long-term", "2026.1",
                "long-term wheelchair user", score.runId()));
        rows.add(RowFactory.create("P2", Date.valueOf("2026-03-31"), "S117", "legal_right", "s117-aftercare", "2026.1",
                "s117 aftercare", score.runId()));
        spark.createDataFrame(rows, elig).write().format("delta").option("userMetadata", "{\"run_id\":\"" + score.runId() + "\"}")
                .save(lake.path(LakeTables.PHB_ELIGIBILITY));
        score.output(LakeTables.PHB_ELIGIBILITY, 0, 3);
        score.succeeded();

        CliTest.Run r = CliTest.run("audit", "--explain", "P1", "--lake", lake.root(), "--master", "local[2]", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("person_id").asText()).isEqualTo("P1");
        assertThat(j.get("decisions").asLong()).isEqualTo(2 + 1 + 2);
        List<String> tables = new ArrayList<>();
        j.get("tables").forEach(t -> tables.add(t.get("table").asText() + "@" + t.get("version").asLong()));
        assertThat(tables).containsExactly("gold/person_features@1", "gold/phb_eligibility@0", "silver/person_index@0");

        JsonNode eligibility = j.get("tables").get(1);
        assertThat(eligibility.get("rows")).hasSize(2);
        assertThat(eligibility.get("rows").findValuesAsText("rule_id")).containsExactlyInAnyOrder("chc-eligible", "wheelchair-long-term");
        assertThat(eligibility.get("rows").findValuesAsText("rules_version")).containsOnly("2026.1");
        assertThat(eligibility.get("rows").findValuesAsText("run_id")).containsOnly(score.runId());
        assertThat(eligibility.get("written_by_run_in_version").get(score.runId()).asLong()).isZero();
        JsonNode feat1 = j.get("tables").get(0);
        assertThat(feat1.get("rows").get(0).get("age").asInt()).isEqualTo(71);
        assertThat(feat1.get("written_by_run_in_version").get(features.runId()).asLong()).isEqualTo(1);
        JsonNode idx = j.get("tables").get(2);
        assertThat(idx.get("rows").findValuesAsText("method")).containsExactlyInAnyOrder("SPINE", "PROBABILISTIC");
        assertThat(idx.get("rows").findValuesAsText("run_id")).as("from the commit metadata").containsOnly(link.runId());

        Map<String, JsonNode> runs = new java.util.HashMap<>();
        j.get("runs").forEach(run -> runs.put(run.get("run_id").asText(), run));
        assertThat(runs).containsOnlyKeys(link.runId(), features.runId(), score.runId());
        assertThat(runs.get(score.runId()).get("command").asText()).isEqualTo("score");
        assertThat(runs.get(score.runId()).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(runs.get(score.runId()).get("inputs").get("gold/person_features").asLong()).isEqualTo(1);
        assertThat(runs.get(features.runId()).get("inputs").get("silver/person_index").asLong()).isZero();

        CliTest.Run text = CliTest.run("audit", "--explain", "P1", "--lake", lake.root(), "--master", "local[2]");
        assertThat(text.out()).contains("gold/phb_eligibility (current version 0)").contains("rule_id=chc-eligible")
                .contains("rules_version=2026.1").contains("by run " + score.runId() + " (table version 0)")
                .contains(features.runId() + "  features  SUCCEEDED");

        CliTest.Run unknown = CliTest.run("audit", "--explain", "NOBODY", "--lake", lake.root(), "--master", "local[2]");
        assertThat(unknown.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(unknown.err()).contains("no rows for person_id 'NOBODY'");
    }
}
