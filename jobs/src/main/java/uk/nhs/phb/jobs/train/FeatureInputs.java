package uk.nhs.phb.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.schemas.Feeds;

/**
 * What training reads: bronze feeds and the person index (for outcomes, and for features not yet computed), and
 * {@code gold/person_features} partitions, each recorded with its Delta version in the run.
 */
final class FeatureInputs {
    private FeatureInputs() {
    }

    static PersonFeatures.Inputs load(SparkSession spark, Lake lake, SecretKey lakeKey, JobRun run) {
        String indexPath = lake.silver("person_index");
        if (!DeltaTables.exists(spark, indexPath)) {
            throw new InputException("no silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
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
        if (!bronze.containsKey("apc_spells")) {
            throw new InputException("no bronze/apc_spells in " + lake.root() + ": the outcome (emergency admissions) comes from it; "
                    + "ingest the admitted patient care feed first");
        }
        run.input("silver/person_index", DeltaTables.version(spark, indexPath));
        return new PersonFeatures.Inputs(bronze, spark.read().format("delta").load(indexPath), lakeKey);
    }

    /** Whether {@code gold/person_features} holds the partition of a date. */
    static boolean hasFeatures(SparkSession spark, Lake lake, LocalDate date) {
        String path = lake.gold(FeaturesJob.TABLE);
        return DeltaTables.exists(spark, path)
                && !spark.read().format("delta").load(path).filter(col("reference_date").equalTo(lit(date.toString()).cast("date")))
                .limit(1).isEmpty();
    }

    /** Computes and writes one date's features partition exactly as {@code phb features} does. */
    static void writeFeatures(SparkSession spark, Lake lake, PersonFeatures.Inputs inputs, LocalDate date, String runId) {
        PersonFeatures.compute(inputs, date).write().format("delta").mode(SaveMode.Overwrite)
                .partitionBy("reference_date")
                .option("replaceWhere", "reference_date = DATE'" + date + "'")
                .option("userMetadata", "{\"run_id\":\"" + runId + "\"}")
                .save(lake.gold(FeaturesJob.TABLE));
    }

    static Dataset<Row> features(SparkSession spark, Lake lake, LocalDate date) {
        return spark.read().format("delta").load(lake.gold(FeaturesJob.TABLE))
                .filter(col("reference_date").equalTo(lit(date.toString()).cast("date")));
    }
}
