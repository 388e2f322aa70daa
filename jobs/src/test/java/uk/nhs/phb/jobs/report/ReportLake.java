package uk.nhs.phb.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.pipelines.synth.FaultRates;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.LakeTables;

/**
 * A small lake for report tests, built without the slow commands: a fault-free synthetic population typed into
 * bronze exactly as ingest types valid rows, a person index made from the generator's truth (perfect linkage,
 * hashed with the lake key as {@code phb link} hashes), person_features computed by the real transformation, and
 * the truth of the PHB effect in the landing folder.
 */
final class ReportLake {
    static final LocalDate REFERENCE = LocalDate.of(2026, 3, 31);
    static final SecretKey LAKE_KEY = SecretKey.fromBase64("cmVwb3J0LXRlc3QtbGFrZS1rZXktMDAwMDAwMDAwMDA=");
    private static final SecretKey PROVIDER_KEY = SecretKey.fromBase64("cmVwb3J0LXRlc3QtcHJvdmlkZXIta2V5LTAwMDAwMDA=");

    private ReportLake() {
    }

    /** Builds lake/ and landing/_truth/phb_effect under {@code dir}; returns the bronze tables as written. */
    static Map<String, Dataset<Row>> build(SparkSession spark, Path dir, int people, long seed) {
        Lake lake = new Lake(dir.resolve("lake").toString());
        SyntheticPopulation pop = SyntheticPopulation.of(spark, SynthSettings.of(people, seed).withFaults(FaultRates.none()), PROVIDER_KEY);
        Dataset<Row> records = pop.records().cache();
        Map<String, Dataset<Row>> bronze = new HashMap<>();
        for (FeedContract feed : Feeds.all()) {
            Dataset<Row> raw = SyntheticPopulation.table(records, feed.name());
            Column[] typed = new Column[feed.typedSchema().size()];
            int i = 0;
            List<String> present = List.of(raw.columns());
            for (StructField f : feed.typedSchema().fields()) {
                // a field the generator leaves out gets what ingest gives it
                Column c = present.contains(f.name()) ? col(f.name()) : org.apache.spark.sql.functions.expr(feed.field(f.name()).orElseThrow().whenAbsent());
                typed[i++] = (f.dataType().equals(DataTypes.BooleanType) ? when(c.equalTo("Y"), lit(true)).when(c.equalTo("N"), lit(false))
                        : c.cast(f.dataType())).alias(f.name());
            }
            raw.select(typed).withColumn("_source_file", lit("synthetic/" + feed.name())).withColumn("_source_line", lit(0L))
                    .withColumn("_ingest_run_id", lit("report-lake")).write().format("delta").mode(SaveMode.Overwrite).save(lake.bronze(feed.name()));
            bronze.put(feed.name(), spark.read().format("delta").load(lake.bronze(feed.name())));
        }
        Column source = when(col("feed").equalTo("nhs_token"), lit("patients")).when(col("feed").equalTo("la_person_token"), lit("asc_cld"))
                .when(col("feed").equalTo("child_token"), lit("csc")).when(col("feed").equalTo("pupil_token"), lit("education"));
        Dataset<Row> index = SyntheticPopulation.table(records, SyntheticPopulation.TRUTH_PERSON_RECORDS).withColumn("source", source)
                .filter(col("source").isNotNull()).select("source", "record_key", "person_id").distinct()
                .select(col("source"), PersonIndex.entityHash(LAKE_KEY, col("source"), col("record_key")).alias("entity_hash"),
                        PersonIndex.personId(LAKE_KEY, col("person_id")).alias("person_id"), lit("TRUTH").alias("method"),
                        lit(null).cast("double").alias("match_weight"), lit(1.0).alias("match_probability"));
        index.write().format("delta").mode(SaveMode.Overwrite).save(lake.path(LakeTables.PERSON_INDEX));
        Dataset<Row> storedIndex = spark.read().format("delta").load(lake.path(LakeTables.PERSON_INDEX));
        PersonFeatures.compute(new PersonFeatures.Inputs(bronze, storedIndex, LAKE_KEY), REFERENCE).withColumn("run_id", lit("report-lake"))
                .write().format("delta")
                .mode(SaveMode.Overwrite).save(lake.path(LakeTables.PERSON_FEATURES));
        SyntheticPopulation.table(records, SyntheticPopulation.TRUTH_PHB_EFFECT).coalesce(1).write().option("header", true)
                .csv(dir.resolve("landing/_truth/phb_effect").toString());
        records.unpersist();
        return bronze;
    }
}
