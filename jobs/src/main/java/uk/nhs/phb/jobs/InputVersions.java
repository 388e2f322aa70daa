package uk.nhs.phb.jobs;

import java.util.Collections;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.schemas.LakeTable;

/**
 * Which Delta version of each input table a job reads: the latest committed one (an ordinary run), or the one a
 * past run recorded in {@code audit/runs} (a replay through Delta time travel, to regenerate an output exactly as
 * that run made it). Tables are named lake-relative, as runs record them: {@code bronze/patients},
 * {@code gold/person_features}.
 */
public final class InputVersions {
    private final String replayedRunId;
    private final Map<String, Long> recorded;

    private InputVersions(String replayedRunId, Map<String, Long> recorded) {
        this.replayedRunId = replayedRunId;
        this.recorded = recorded;
    }

    /** An ordinary run: every table at its latest version. */
    public static InputVersions latest() {
        return new InputVersions(null, null);
    }

    /** The versions {@code run} recorded; a table it did not read counts as absent. */
    public static InputVersions of(AuditLog.RunRecord run) {
        return new InputVersions(run.runId(), Collections.unmodifiableMap(run.tablesRead()));
    }

    /** The run being replayed, or null for an ordinary run. */
    public String replayedRunId() {
        return replayedRunId;
    }

    public boolean replaying() {
        return replayedRunId != null;
    }

    /** The version of {@code table} to read: the latest committed or the recorded one; -1 when there is none to read. */
    public long version(SparkSession spark, Lake lake, LakeTable table) {
        if (recorded == null) {
            return DeltaTables.logVersion(spark, lake.path(table));
        }
        return recorded.getOrDefault(table.path(), -1L);
    }

    /**
     * {@code table} at {@code version}, or an {@link InputException} naming both when the lake no longer keeps that
     * version (VACUUM removed its files, or its log entries expired).
     */
    public static Dataset<Row> read(SparkSession spark, Lake lake, LakeTable table, long version) {
        Dataset<Row> d;
        try {
            d = spark.read().format("delta").option("versionAsOf", version).load(lake.path(table));
        } catch (Exception e) {
            throw new InputException("cannot read version " + version + " of " + table.path() + " in " + lake.root() + ": " + firstLine(e.getMessage())
                    + "; a past version can be read only while the lake keeps it (Delta keeps old files until VACUUM and log entries for "
                    + "delta.logRetentionDuration, 30 days by default)", e);
        }
        DeltaTables.check(lake, table, d.schema());
        return d;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
