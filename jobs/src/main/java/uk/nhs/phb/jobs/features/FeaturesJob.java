package uk.nhs.phb.jobs.features;

import static org.apache.spark.sql.functions.col;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.schemas.Feeds;

/**
 * {@code phb features --as-of DATE}: {@code gold/person_features} for one reference date, partitioned by
 * {@code reference_date}; a re-run replaces that date's partition only (Delta {@code replaceWhere}). Each row
 * carries the {@code run_id} that made it (the last column), so a decision built on it can be traced to the run.
 */
public final class FeaturesJob {
    public static final String TABLE = "person_features";

    private FeaturesJob() {
    }

    public static Map<String, Object> run(SparkSession spark, JobSettings settings, SecretKey lakeKey, LocalDate asOf,
                                          Map<String, Object> parameters, Progress progress) {
        Lake lake = settings.lakeLayout();
        String indexPath = lake.silver("person_index");
        if (!DeltaTables.exists(spark, indexPath)) {
            throw new InputException("no silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
        uk.nhs.phb.jobs.LakeKeys.check(spark, lake, lakeKey);
        long t0 = System.nanoTime();
        try (JobRun run = JobRun.start(spark, lake, "features", parameters, progress)) {
            try {
                Map<String, Dataset<Row>> bronze = new HashMap<>();
                for (var feed : Feeds.all()) {
                    String path = lake.bronze(feed.name());
                    if (DeltaTables.exists(spark, path)) {
                        bronze.put(feed.name(), spark.read().format("delta").load(path));
                        run.input("bronze/" + feed.name(), DeltaTables.version(spark, path));
                    }
                }
                if (!bronze.containsKey("patients")) {
                    throw new InputException("no bronze/patients in " + lake.root() + "; run 'phb ingest' first");
                }
                run.input("silver/person_index", DeltaTables.version(spark, indexPath));
                PersonFeatures.Inputs inputs = new PersonFeatures.Inputs(bronze, spark.read().format("delta").load(indexPath), lakeKey);
                run.stage("features at " + asOf);
                String path = lake.gold(TABLE);
                PersonFeatures.compute(inputs, asOf).withColumn("run_id", org.apache.spark.sql.functions.lit(run.runId()))
                        .write().format("delta").mode(SaveMode.Overwrite)
                        .partitionBy("reference_date")
                        .option("mergeSchema", "true")
                        .option("replaceWhere", "reference_date = DATE'" + asOf + "'")
                        .option("userMetadata", "{\"run_id\":\"" + run.runId() + "\"}")
                        .save(path);
                Dataset<Row> written = spark.read().format("delta").load(path).filter(col("reference_date").equalTo(asOf.toString()));
                Row means = written.agg(org.apache.spark.sql.functions.avg("emergency_admissions_365d"),
                        org.apache.spark.sql.functions.sum("spend_total"), org.apache.spark.sql.functions.avg("efi_score"),
                        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1))).first();
                long persons = means.getLong(3);
                run.stage("attrition");
                Map<String, Object> attrition = new LinkedHashMap<>();
                for (Row r : PersonFeatures.attrition(inputs).collectAsList()) {
                    attrition.put(r.getAs("feed"), Map.of("rows_in", r.getAs("rows_in"), "rows_with_person", r.getAs("rows_with_person")));
                }
                run.output("gold/" + TABLE, DeltaTables.version(spark, path), persons);
                run.count("persons", persons);
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("run_id", run.runId());
                summary.put("reference_date", asOf.toString());
                summary.put("persons", persons);
                summary.put("mean_emergency_admissions_365d", means.isNullAt(0) ? null : means.getDouble(0));
                summary.put("total_spend_12m", means.isNullAt(1) ? null : means.getDecimal(1));
                summary.put("mean_efi", means.isNullAt(2) ? null : means.getDouble(2));
                summary.put("attrition", attrition);
                summary.put("table", path);
                summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                run.succeeded();
                return summary;
            } catch (RuntimeException e) {
                run.failed(e);
                throw e;
            }
        }
    }
}
