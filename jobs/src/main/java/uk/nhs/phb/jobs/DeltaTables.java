package uk.nhs.phb.jobs;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.LakeTable;

/** Small helpers over Delta's Java API. */
public final class DeltaTables {
    private DeltaTables() {
    }

    public static boolean exists(SparkSession spark, Lake lake, LakeTable table) {
        return exists(spark, lake.path(table));
    }

    public static long version(SparkSession spark, Lake lake, LakeTable table) {
        return version(spark, lake.path(table));
    }

    /** The latest version of a catalogued table, checked to hold the columns this phb reads (see {@link #check}). */
    public static Dataset<Row> read(SparkSession spark, Lake lake, LakeTable table) {
        Dataset<Row> d = spark.read().format("delta").load(lake.path(table));
        check(lake, table, d.schema());
        return d;
    }

    /**
     * Refuses a table that lacks a column of its catalogue entry or holds one with another type, naming the table, the
     * columns and the stage that rewrites it: a stage never reads a table it does not understand.
     */
    public static void check(Lake lake, LakeTable table, StructType actual) {
        List<String> problems = table.mismatches(actual);
        if (!problems.isEmpty()) {
            throw new InputException(table.path() + " in " + lake.root() + " is not the table this phb reads: " + String.join("; ", problems)
                    + ". It was written by another version of phb or another tool; run 'phb " + table.stage() + "' to write it again"
                    + " (docs/ARCHITECTURE.md, the table catalogue)");
        }
    }

    public static boolean exists(SparkSession spark, String path) {
        return DeltaTable.isDeltaTable(spark, path);
    }

    /** The user metadata of the latest commit (what phb recorded with it), or null. */
    public static String lastUserMetadata(SparkSession spark, String path) {
        LastCommit last = lastCommit(spark, path);
        return last == null ? null : last.userMetadata();
    }

    /** The latest committed version of a table, or -1 when there is no table at the path. */
    public static long version(SparkSession spark, String path) {
        LastCommit last = lastCommit(spark, path);
        return last == null ? -1 : last.version();
    }

    /**
     * A table's latest commit: its version, the user metadata phb wrote with it (null when none) and the writer's
     * operation metrics (e.g. {@code numOutputRows}; empty when the writer recorded none).
     */
    public record LastCommit(long version, String userMetadata, java.util.Map<String, String> operationMetrics, boolean replacedAll) {
    }

    /**
     * The latest commit of the table at {@code path}, or null when there is none: read from its commit file in
     * {@code _delta_log}, as Delta's own history would give it, without loading the table's state or running a Spark job
     * (a batch asks this of every table it reads and writes, about two hundred times).
     */
    public static LastCommit lastCommit(SparkSession spark, String path) {
        long version = logVersion(spark, path);
        return version < 0 ? null : commit(spark, path, version);
    }

    /** The commit that made {@code version} of the table at {@code path}, read from its commit file in {@code _delta_log}. */
    public static LastCommit commit(SparkSession spark, String path, long version) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path, "_delta_log"),
                String.format("%020d.json", version));
        try {
            org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file), java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    com.fasterxml.jackson.databind.JsonNode info = Json.mapper().readTree(line).get("commitInfo");
                    if (info != null) {
                        java.util.Map<String, String> metrics = new java.util.LinkedHashMap<>();
                        com.fasterxml.jackson.databind.JsonNode m = info.get("operationMetrics");
                        if (m != null) {
                            m.fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asText()));
                        }
                        com.fasterxml.jackson.databind.JsonNode user = info.get("userMetadata");
                        com.fasterxml.jackson.databind.JsonNode op = info.path("operationParameters");
                        boolean replacedAll = "WRITE".equals(info.path("operation").asText()) && "Overwrite".equals(op.path("mode").asText())
                                && !op.has("predicate");
                        return new LastCommit(version, user == null || user.isNull() ? null : user.asText(), metrics, replacedAll);
                    }
                }
            }
            return new LastCommit(version, null, java.util.Map.of(), false);
        } catch (java.io.IOException e) {
            throw new InputException("cannot read the Delta log of " + path + " at version " + version + ": " + e.getMessage(), e);
        }
    }

    /**
     * The version a table was at before run {@code runId} first wrote it, given the version the run recorded as its
     * output: phb writes the run id in each commit's user metadata, so the run's commits are those carrying it. A
     * commit without it counts as the run's only one. -1 when the run created the table.
     */
    public static long versionBeforeRun(SparkSession spark, String path, String runId, long recorded) {
        long v = recorded;
        while (v >= 0 && runId.equals(runIdOf(commit(spark, path, v).userMetadata()))) {
            v--;
        }
        return v == recorded ? recorded - 1 : v;
    }

    /**
     * What a table held before run {@code runId} wrote it that the run's writes left in place: the version before the
     * run ({@link #versionBeforeRun}), or -1 when there is none or the run's first commit replaced the whole table.
     */
    public static long versionKeptByRun(SparkSession spark, String path, String runId, long recorded) {
        long before = versionBeforeRun(spark, path, runId, recorded);
        return before < 0 || commit(spark, path, before + 1).replacedAll() ? -1 : before;
    }

    private static String runIdOf(String userMetadata) {
        if (userMetadata == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode id = Json.mapper().readTree(userMetadata).get("run_id");
            return id == null ? null : id.asText();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * A table at {@code target} that holds {@code version} of the one at {@code source} without copying it: a Delta
     * shallow clone, whose log names the source's data files. Writes to the clone leave the source as it was.
     */
    public static void shallowClone(SparkSession spark, String source, long version, String target) {
        spark.sql("CREATE TABLE delta.`" + target.replace("`", "``") + "` SHALLOW CLONE delta.`" + source.replace("`", "``")
                + "` VERSION AS OF " + version).collect();
    }

    /**
     * The latest committed version of a table read from the names of its {@code _delta_log/<version>.json} commit
     * files (Delta writes one per commit and keeps the latest), without running a Spark job; -1 when there is no
     * table at the path. For jobs that record the versions of many inputs.
     */
    public static long logVersion(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
        try {
            org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(log)) {
                return -1;
            }
            long latest = -1;
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
                String name = f.getPath().getName();
                if (name.matches("[0-9]{20}\\.json")) {
                    latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
                }
            }
            return latest;
        } catch (java.io.IOException e) {
            throw new InputException("cannot read the Delta log of " + path + ": " + e.getMessage(), e);
        }
    }
}
