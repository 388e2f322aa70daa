package uk.nhs.phb.jobs.features;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
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
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.Rerun;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb features --as-of DATE}: {@code gold/person_features} for one reference date, partitioned by
 * {@code reference_date}; a re-run replaces that date's partition only (Delta {@code replaceWhere}). Each row
 * carries the {@code run_id} that made it (the last column), so a decision built on it can be traced to the run.
 */
public final class FeaturesJob {
    private FeaturesJob() {
    }

    /** The features written for one date: how many people, three means to sanity-check them, and each feed's attrition. */
    public record Result(String runId, LocalDate referenceDate, long persons,
                         @JsonProperty("mean_emergency_admissions_365d") Double meanEmergencyAdmissions365d,
                         @JsonProperty("total_spend_12m") BigDecimal totalSpend12m, Double meanEfi,
                         Map<String, FeedAttrition> attrition, String table, double seconds) implements JobResult {
    }

    /** A feed's rows, and those that belong to a person of the index (the rest cannot reach any feature). */
    public record FeedAttrition(long rowsIn, long rowsWithPerson) {
    }

    public static Result run(SparkSession spark, JobSettings settings, SecretKey lakeKey, LocalDate asOf, Progress progress) {
        Lake lake = settings.lakeLayout();
        if (!DeltaTables.exists(spark, lake, LakeTables.PERSON_INDEX)) {
            throw new InputException("no silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
        uk.nhs.phb.jobs.LakeKeys.check(spark, lake, lakeKey);
        long t0 = System.nanoTime();
        return JobRun.execute(spark, lake, "features", RunParameters.of(settings, lakeKey).with("as_of", asOf), progress, run -> {
            PersonFeatures.Inputs inputs = inputs(spark, lake, lakeKey, run);
            run.stage("features at " + asOf);
            String path = write(lake, inputs, asOf, run.runId());
            Dataset<Row> written = DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES).filter(col("reference_date").equalTo(asOf.toString()));
            Row means = written.agg(avg("emergency_admissions_365d"), sum("spend_total"), avg("efi_score"), count(lit(1))).first();
            long persons = means.getLong(3);
            run.stage("attrition");
            Map<String, FeedAttrition> attrition = new LinkedHashMap<>();
            for (Row r : PersonFeatures.attrition(inputs).collectAsList()) {
                attrition.put(r.getAs("feed"), new FeedAttrition(r.<Long>getAs("rows_in"), r.<Long>getAs("rows_with_person")));
            }
            run.output(LakeTables.PERSON_FEATURES, DeltaTables.version(spark, path), persons);
            run.count("persons", persons);
            return new Result(run.runId(), asOf, persons, means.isNullAt(0) ? null : means.getDouble(0),
                    means.isNullAt(1) ? null : means.getDecimal(1), means.isNullAt(2) ? null : means.getDouble(2), attrition, path,
                    Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        });
    }

    /** Runs again as a recorded run ran ({@code phb replay}): the same reference date. */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        return run(spark, r.settings(), r.lakeKey(), r.parameters().date("as_of"), progress);
    }

    /**
     * What features are computed from: every bronze feed the lake holds and the person index, each read at its latest
     * version and recorded with it in the run.
     */
    public static PersonFeatures.Inputs inputs(SparkSession spark, Lake lake, SecretKey lakeKey, JobRun run) {
        Map<String, Dataset<Row>> bronze = new HashMap<>();
        for (var feed : Feeds.all()) {
            LakeTable table = LakeTables.bronze(feed);
            long version = DeltaTables.logVersion(spark, lake.path(table));
            if (version >= 0) {
                bronze.put(feed.name(), DeltaTables.read(spark, lake, table));
                run.input(table, version);
            }
        }
        if (!bronze.containsKey("patients")) {
            throw new InputException("no bronze/patients in " + lake.root() + "; run 'phb ingest' first");
        }
        long indexVersion = DeltaTables.logVersion(spark, lake.path(LakeTables.PERSON_INDEX));
        if (indexVersion < 0) {
            throw new InputException("no silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
        run.input(LakeTables.PERSON_INDEX, indexVersion);
        return new PersonFeatures.Inputs(bronze, DeltaTables.read(spark, lake, LakeTables.PERSON_INDEX), lakeKey);
    }

    /**
     * Computes one reference date's features and replaces that date's partition only; every row carries the
     * {@code run_id} of the run that made it. {@code phb features} and training (for the dates it lacks) both write
     * through here. Returns the table's path.
     */
    public static String write(Lake lake, PersonFeatures.Inputs inputs, LocalDate date, String runId) {
        String path = lake.path(LakeTables.PERSON_FEATURES);
        PersonFeatures.compute(inputs, date).withColumn("run_id", lit(runId))
                .write().format("delta").mode(SaveMode.Overwrite)
                .partitionBy("reference_date")
                .option("mergeSchema", "true")
                .option("replaceWhere", "reference_date = DATE'" + date + "'")
                .option("userMetadata", "{\"run_id\":\"" + runId + "\"}")
                .save(path);
        return path;
    }
}
