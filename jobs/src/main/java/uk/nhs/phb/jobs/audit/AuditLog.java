package uk.nhs.phb.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;

/**
 * Reads the run records in {@code audit/runs} ({@link JobRun}). Each run has a RUNNING row from its start and,
 * once it ends, a SUCCEEDED or FAILED row; a run's latest status is its ending row when there is one, so a
 * run that crashed stays visible as RUNNING.
 */
public final class AuditLog {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final JobSettings settings;

    private AuditLog(JobSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public static AuditLog of(JobSettings settings) {
        return new AuditLog(settings);
    }

    /** One line of {@code phb audit}; {@code seconds} is null while a run has not ended. */
    public record RunSummary(String runId, String command, String status, Instant started, Double seconds, String user) {
    }

    /**
     * A run in full. {@code parameters}, {@code inputs}, {@code outputs} and {@code counts} are JSON text as
     * recorded; {@code error} is null unless it failed.
     */
    public record RunRecord(String runId, String command, String status, String user, Instant started, Instant ended,
                            Double seconds, String parameters, String inputs, String outputs, String counts, String error,
                            String phbVersion) {
        public RunSummary summary() {
            return new RunSummary(runId, command, status, started, seconds, user);
        }

        /** The lake tables this run read (named lake-relative, {@code gold/person_features}) with the versions it read. */
        public Map<String, Long> tablesRead() {
            Map<String, Long> out = new LinkedHashMap<>();
            tree(inputs, "inputs").fields().forEachRemaining(e -> {
                if (e.getValue().isIntegralNumber()) {
                    out.put(e.getKey(), e.getValue().longValue());
                }
            });
            return out;
        }

        /** The files this run read (landing feeds, {@code feed/file}), each with the size and time it recorded, by name. */
        public Map<String, JobRun.InputFile> filesRead() {
            Map<String, JobRun.InputFile> out = new TreeMap<>();
            tree(inputs, "inputs").fields().forEachRemaining(e -> {
                if (e.getValue().isObject()) {
                    out.put(e.getKey(), new JobRun.InputFile(e.getValue().path("bytes").asLong(), e.getValue().path("modified").asText()));
                }
            });
            return out;
        }

        /** The lake tables this run wrote, with the version each write made. */
        public List<JobRun.Output> tablesWritten() {
            List<JobRun.Output> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode o : tree(outputs, "outputs")) {
                out.add(new JobRun.Output(o.path("table").asText(), o.path("version").asLong(), o.path("rows").asLong()));
            }
            return out;
        }

        private com.fasterxml.jackson.databind.JsonNode tree(String text, String what) {
            try {
                com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(text == null ? "null" : text);
                return node == null || node.isNull() ? JSON.createObjectNode() : node;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InputException("run " + runId + " has an unreadable record of its " + what + " in audit/runs: "
                        + e.getOriginalMessage(), e);
            }
        }

        /**
         * The parameters this run recorded, to make its output again: an {@link InputException} unless it is a
         * {@code expectedCommand} run (its output called {@code output}, e.g. "a report") that succeeded.
         */
        public Map<?, ?> parametersToReplay(String expectedCommand, String output) {
            if (!expectedCommand.equals(command)) {
                throw new InputException("run " + runId + " is a '" + command + "' run, not " + output + "; 'phb audit' lists the runs");
            }
            if (!"SUCCEEDED".equals(status)) {
                throw new InputException("run " + runId + " did not succeed (" + status + "), so it published nothing to make again");
            }
            try {
                return JSON.readValue(parameters, Map.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InputException("run " + runId + " has unreadable parameters in audit/runs: " + e.getOriginalMessage());
            }
        }
    }

    /** Every run, latest status each, newest first; at most {@code limit} when {@code limit > 0}. */
    public List<RunSummary> list(int limit) {
        List<RunSummary> out = new ArrayList<>();
        Dataset<Row> latest = latest();
        if (latest == null) {
            return out;
        }
        Dataset<Row> ordered = latest.orderBy(col("started_at").desc(), col("run_id").desc());
        for (Row r : (limit > 0 ? ordered.limit(limit) : ordered).collectAsList()) {
            out.add(record(r).summary());
        }
        return out;
    }

    /** One run by id; an {@link InputException} naming the id when there is no such run. */
    public RunRecord show(String runId) {
        Dataset<Row> latest = latest();
        List<Row> rows = latest == null ? List.of() : latest.filter(col("run_id").equalTo(runId)).collectAsList();
        if (rows.isEmpty()) {
            throw new InputException("no run with id '" + runId + "' in " + settings.lakeLayout().runs()
                    + "; 'phb audit' lists the recorded runs");
        }
        return record(rows.get(0));
    }

    /** The latest row of each run, or null when nothing has been recorded yet. */
    private Dataset<Row> latest() {
        String path = settings.lakeLayout().runs();
        SparkSession spark = SparkSessions.forJob(settings);
        if (!DeltaTables.exists(spark, path)) {
            return null;
        }
        Dataset<Row> runs = spark.read().format("delta").load(path);
        return runs.withColumn("__n", row_number().over(Window.partitionBy(col("run_id"))
                        .orderBy(col("ended_at").desc_nulls_last())))
                .filter(col("__n").equalTo(1)).drop("__n");
    }

    /** A row of {@code audit/runs} as a record. */
    public static RunRecord record(Row r) {
        Instant started = instant(r.getAs("started_at"));
        Instant ended = instant(r.getAs("ended_at"));
        Double seconds = ended == null ? null : Duration.between(started, ended).toMillis() / 1000.0;
        return new RunRecord(r.getAs("run_id"), r.getAs("command"), r.getAs("status"), r.getAs("user"), started, ended, seconds,
                r.getAs("parameters"), r.getAs("inputs"), r.getAs("outputs"), r.getAs("counts"), r.getAs("error"),
                r.getAs("phb_version"));
    }

    private static Instant instant(Object t) {
        if (t == null) {
            return null;
        }
        return t instanceof Timestamp ts ? ts.toInstant() : (Instant) t;
    }
}
