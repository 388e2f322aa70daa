package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 18: a run replays from its record through {@code phb replay}, on the lake {@link EndToEndTest} has built: the
 * latest features run is made again from what it recorded and every table it wrote is equal. A rules file changed after
 * a scoring run is found: the replay reads the file as it is now, and the eligibility it makes is not the one the run
 * made, while the risk scores, which read no rules, are. Called from that test so the lake is built once.
 */
final class ReplayStages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Replayed here: features, whose latest run is the one {@code phb run}'s features step made (so the stage run alone
     * records what the batch's step recorded), and below a scoring run. An ingest run's replay is IngestJobTest's; link,
     * train and budget replay equal too (docs/BENCHMARKS.md, "Replay"), left out here for the suite's time.
     */
    private static final List<String> STAGES = List.of("features");

    private ReplayStages() {
    }

    static void everyStageReplays(Path dir, Path lakeKey, SparkSession spark, IdentifyStages.Runner run, IdentifyStages.Args args)
            throws Exception {
        Map<String, Row> latest = latestRuns(spark, dir.resolve("lake"));
        for (String stage : STAGES) {
            Row past = latest.get(stage);
            assertThat(past).as("a %s run to replay", stage).isNotNull();
            JsonNode outputs = JSON.readTree(past.<String>getAs("outputs"));
            JsonNode r = run.run(args.common("replay", past.getAs("run_id"), "--lake-key-file", lakeKey.toString()));
            assertThat(r.get("command").asText()).isEqualTo(stage);
            assertThat(r.get("replayed_run_id").asText()).isEqualTo(past.<String>getAs("run_id"));
            assertThat(r.get("equal").asBoolean()).as("%s: %s", stage, r).isTrue();
            assertThat(r.get("differences").toString()).as(stage).isEqualTo("{\"parameters\":[],\"input_files\":[],\"counts\":[]}");
            assertThat(r.get("tables")).as(stage).hasSize(outputs.size());
            long rows = 0;
            for (JsonNode t : r.get("tables")) {
                assertThat(t.get("rows_replayed").asLong()).as("%s %s", stage, t).isEqualTo(t.get("rows_recorded").asLong());
                rows += t.get("rows_recorded").asLong();
            }
            assertThat(rows).as("%s made rows again", stage).isPositive();
            assertThat(r.get("scratch_lake").isNull()).isTrue();
        }
        assertThat(dir.resolve("lake/_replay")).as("every scratch lake removed").doesNotExist();

        // the local rules file the scoring run read, changed since: the same version line, another threshold
        Path rules = dir.resolve("local_rules.csv");
        Files.writeString(rules, Files.readString(rules).replace("multimorbidity_score >= 3", "multimorbidity_score >= 2"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.common("replay", latest.get("score").getAs("run_id"), "--lake-key-file", lakeKey.toString()));
        assertThat(code).as(err.toString()).isEqualTo(LakeDiffCommand.EXIT_DIFFERENT);
        JsonNode changed = JSON.readTree(out.toString());
        assertThat(changed.get("equal").asBoolean()).isFalse();
        Map<String, JsonNode> byTable = new LinkedHashMap<>();
        changed.get("tables").forEach(t -> byTable.put(t.get("table").asText(), t));
        assertThat(byTable.get("gold/phb_eligibility").get("equal").asBoolean()).isFalse();
        assertThat(byTable.get("gold/phb_eligibility").get("rows_replayed").asLong())
                .isGreaterThan(byTable.get("gold/phb_eligibility").get("rows_recorded").asLong());
        assertThat(byTable.get("gold/risk_scores").get("equal").asBoolean()).as("the risk model read no rules").isTrue();
        assertThat(byTable.get("gold/risk_scores").get("rows_replayed").asLong()).isPositive();
        assertThat(changed.get("differences").get("parameters").size()).as("the file's version line is unchanged").isZero();
    }

    /** The latest run of each command that succeeded, by command. */
    private static Map<String, Row> latestRuns(SparkSession spark, Path lake) {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : spark.read().format("delta").load(lake.resolve("audit/runs").toString()).filter(col("status").equalTo("SUCCEEDED"))
                .orderBy(col("started_at").desc(), col("run_id").desc()).collectAsList()) {
            out.putIfAbsent(r.getAs("command"), r);
        }
        return out;
    }
}
