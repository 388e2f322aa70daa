package uk.nhs.phb.jobs.link;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.ProviderFiles;
import uk.nhs.phb.pipelines.link.LinkFiles;
import uk.nhs.phb.pipelines.link.LinkPersons;

/**
 * {@code phb link --left A --right B}: links a provider's two pseudonymised files with the same model as
 * the lake's linkage, outside any lake. Writes {@code links/} (CSV: left_id, right_id, method, match_weight,
 * match_probability), {@code review/} (pairs for clerical review), {@code model.txt} and {@code summary.json}
 * to the output folder, published atomically.
 */
public final class LinkFilesJob {
    /** The two files and how to read them. */
    public record Request(String left, String right, String format, String delimiter, LinkFiles.Mapping mapping,
                          LinkPersons.Settings link, String out, boolean force) {
    }

    private LinkFilesJob() {
    }

    /**
     * The linkage of two files: the left file's records, how each was linked (or not), how many found a right record, the
     * pairs left for clerical review, the linkage model's diagnostics (their own keys) and where the results went. Also
     * {@code summary.json} in the results.
     */
    public record Result(long leftRecords, Map<String, Long> linksByMethod, long linked, long reviewPairs,
                         @JsonUnwrapped LinkPersons.Diagnostics diagnostics, String out, double seconds) {
    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        long t0 = System.nanoTime();
        progress.stage("read files");
        Dataset<Row> entities;
        try {
            entities = LinkFiles.entities(readClean(spark, req.left(), req), "left", req.mapping())
                    .unionByName(LinkFiles.entities(readClean(spark, req.right(), req), "right", req.mapping()));
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
        progress.stage("link");
        LinkPersons.Result result;
        try {
            result = LinkPersons.link(entities, "right", req.link());
        } catch (LinkPersons.EncodingMismatchException e) {
            throw new InputException(e.getMessage(), e);
        }
        String staging = Files2.stagingFor(req.out());
        try {
            Dataset<Row> pairs = LinkFiles.pairs(result);
            pairs.write().option("header", true).csv(staging + "/links");
            result.review().filter(col("source").equalTo("left"))
                    .select(col("entity_key").alias("left_id"), col("candidate_key").alias("candidate_right_id"),
                            col("match_weight"), col("match_probability"), col("reason"))
                    .write().option("header", true).csv(staging + "/review");
            Files2.nameSparkFiles(spark, staging + "/links", "links", "csv");
            Files2.nameSparkFiles(spark, staging + "/review", "review", "csv");
            Dataset<Row> written = spark.read().option("header", true).csv(staging + "/links");
            long leftRecords = written.count();
            Map<String, Long> byMethod = new LinkedHashMap<>();
            for (Row r : written.groupBy("method").count().orderBy("method").collectAsList()) {
                byMethod.put(r.getString(0), r.getLong(1));
            }
            Result summary = new Result(leftRecords, byMethod, written.filter(col("right_id").isNotNull()).count(),
                    spark.read().option("header", true).csv(staging + "/review").count(), result.diagnostics(), req.out(),
                    Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            Files2.writeText(spark, staging + "/model.txt", result.model().explain());
            Files2.writeText(spark, staging + "/summary.json", Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            Files2.publish(spark, staging, req.out(), req.force());
            return summary;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            Files2.discard(spark, staging);
            spark.catalog().clearCache();
            progress.finish();
        }
    }

    private static Dataset<Row> readClean(SparkSession spark, String path, Request req) {
        Dataset<Row> d = ProviderFiles.read(spark, path, req.format(), req.delimiter());
        if (java.util.Arrays.asList(d.columns()).contains(ProviderFiles.CORRUPT)) {
            // Spark answers a query on the corrupt-record column of a raw file only from a cached copy
            d = d.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            long bad = d.filter(col(ProviderFiles.CORRUPT).isNotNull()).count();
            if (bad > 0) {
                throw new InputException(bad + " rows of " + path + " could not be parsed (wrong number of columns or broken "
                        + "quotes); fix them before linking");
            }
            d = d.drop(ProviderFiles.CORRUPT);
        }
        return d;
    }
}
