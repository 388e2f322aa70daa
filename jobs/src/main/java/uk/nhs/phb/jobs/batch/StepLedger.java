package uk.nhs.phb.jobs.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.get_json_object;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.JobSettings;

/**
 * Decides whether a batch step is already done: the latest successful run recorded in {@code audit/runs}
 * under the same step key read exactly the tables (same Delta versions) and landing files (same size and
 * modification time) that are there now, and every table it wrote is still at the version it wrote.
 */
final class StepLedger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;
    private final JobSettings settings;

    StepLedger(SparkSession spark, JobSettings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /** The previous run that makes this step unnecessary, with the reason it is still valid, or empty. */
    Optional<String> upToDate(String stepKey, Map<String, Object> landingNow) {
        Optional<Row> last = lastSucceeded(stepKey);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Row r = last.get();
        Map<String, Object> inputs = parse(r.getAs("inputs"), new TypeReference<>() { });
        List<Map<String, Object>> outputs = parse(r.getAs("outputs"), new TypeReference<>() { });
        if (inputs == null || outputs == null || outputs.isEmpty()) {
            return Optional.empty();
        }
        if (landingNow != null) {
            // a step that reads the landing folder: the set of files must be the same, not only the ones it read
            Map<String, Object> recordedFiles = new java.util.TreeMap<>();
            inputs.forEach((k, v) -> {
                if (v instanceof Map<?, ?>) {
                    recordedFiles.put(k, v);
                }
            });
            Map<String, Object> now = parse(json(landingNow), new TypeReference<java.util.TreeMap<String, Object>>() { });
            if (!recordedFiles.equals(now)) {
                return Optional.empty();
            }
        }
        for (Map.Entry<String, Object> in : inputs.entrySet()) {
            if (in.getValue() instanceof Number version) {
                if (currentVersion(in.getKey()) != version.longValue()) {
                    return Optional.empty();
                }
            } else if (in.getValue() instanceof Map<?, ?> file && landingNow == null && !sameFile(in.getKey(), file)) {
                return Optional.empty();
            }
        }
        for (Map<String, Object> out : outputs) {
            Object table = out.get("table");
            Object version = out.get("version");
            if (!(table instanceof String t) || !(version instanceof Number v) || currentVersion(t) != v.longValue()) {
                return Optional.empty();
            }
        }
        return Optional.of(r.getAs("run_id"));
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

    private boolean sameFile(String relative, Map<?, ?> recorded) {
        Path p = new Path(settings.landing(), relative);
        try {
            FileStatus st = Files2.fs(spark, p.toString()).getFileStatus(p);
            return Long.valueOf(st.getLen()).equals(((Number) recorded.get("bytes")).longValue())
                    && java.time.Instant.ofEpochMilli(st.getModificationTime()).toString().equals(recorded.get("modified"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            return null;
        }
    }
}
