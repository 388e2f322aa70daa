package uk.nhs.phb.jobs.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.audit.AuditLog;

/**
 * Decides whether a batch step is already done: the latest successful run recorded in {@code audit/runs}
 * under the same step key read exactly the tables (same Delta versions) and landing files (same size and
 * modification time) that are there now, and every table it wrote is still at the version it wrote.
 */
final class StepLedger {
    private final SparkSession spark;
    private final JobSettings settings;

    StepLedger(SparkSession spark, JobSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /** The previous run that makes this step unnecessary, with the reason it is still valid, or empty. */
    Optional<String> upToDate(String stepKey, Map<String, JobRun.InputFile> landingNow) {
        Optional<Row> last = lastSucceeded(stepKey);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        AuditLog.RunRecord r = AuditLog.record(last.get());
        List<JobRun.Output> outputs;
        Map<String, Long> tables;
        Map<String, JobRun.InputFile> files;
        try {
            outputs = r.tablesWritten();
            tables = r.tablesRead();
            files = r.filesRead();
        } catch (InputException e) {
            return Optional.empty();
        }
        if (outputs.isEmpty()) {
            return Optional.empty();
        }
        // a step that reads the landing folder: the set of files must be the same, not only the ones it read
        if (landingNow != null && !files.equals(new TreeMap<>(landingNow))) {
            return Optional.empty();
        }
        for (Map.Entry<String, Long> in : tables.entrySet()) {
            if (currentVersion(in.getKey()) != in.getValue()) {
                return Optional.empty();
            }
        }
        if (landingNow == null) {
            for (Map.Entry<String, JobRun.InputFile> f : files.entrySet()) {
                if (!sameFile(f.getKey(), f.getValue())) {
                    return Optional.empty();
                }
            }
        }
        for (JobRun.Output out : outputs) {
            if (currentVersion(out.table()) != out.version()) {
                return Optional.empty();
            }
        }
        return Optional.of(r.runId());
    }

    private Optional<Row> lastSucceeded(String stepKey) {
        String runs = settings.lakeLayout().runs();
        if (!DeltaTables.exists(spark, runs)) {
            return Optional.empty();
        }
        Dataset<Row> rows = spark.read().format("delta").load(runs)
                .filter(col("status").equalTo("SUCCEEDED"))
                .filter(get_json_object(col("parameters"), "$.step_key").equalTo(stepKey))
                .orderBy(col("ended_at").desc())
                .limit(1);
        List<Row> found = rows.collectAsList();
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The Delta version of a lake table named relative to the lake root ({@code gold/person_features}), or -1. */
    private long currentVersion(String table) {
        String path = settings.lakeLayout().root() + "/" + table;
        return DeltaTables.exists(spark, path) ? DeltaTables.version(spark, path) : -1;
    }

    private boolean sameFile(String relative, JobRun.InputFile recorded) {
        Path p = new Path(settings.landing(), relative);
        try {
            FileStatus st = Files2.fs(spark, p.toString()).getFileStatus(p);
            return st.getLen() == recorded.bytes()
                    && java.time.Instant.ofEpochMilli(st.getModificationTime()).toString().equals(recorded.modified());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
