package uk.nhs.phb.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.schemas.LakeTables;

/**
 * What training reads: bronze feeds and the person index (for outcomes, and for features not yet computed), and
 * {@code gold/person_features} partitions, each recorded with its Delta version in the run.
 */
final class FeatureInputs {
    private FeatureInputs() {
    }

    static PersonFeatures.Inputs load(SparkSession spark, Lake lake, SecretKey lakeKey, JobRun run) {
        PersonFeatures.Inputs inputs = FeaturesJob.inputs(spark, lake, lakeKey, run);
        if (!inputs.bronze().containsKey("apc_spells")) {
            throw new InputException("no bronze/apc_spells in " + lake.root() + ": the outcome (emergency admissions) comes from it; "
                    + "ingest the admitted patient care feed first");
        }
        return inputs;
    }

    /** Whether {@code gold/person_features} holds the partition of a date. */
    static boolean hasFeatures(SparkSession spark, Lake lake, LocalDate date) {
        String path = lake.path(LakeTables.PERSON_FEATURES);
        return DeltaTables.exists(spark, path)
                && !spark.read().format("delta").load(path).filter(col("reference_date").equalTo(lit(date.toString()).cast("date")))
                .limit(1).isEmpty();
    }

    static Dataset<Row> features(SparkSession spark, Lake lake, LocalDate date) {
        return DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES)
                .filter(col("reference_date").equalTo(lit(date.toString()).cast("date")));
    }
}
