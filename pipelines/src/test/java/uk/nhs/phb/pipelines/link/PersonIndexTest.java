package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;

class PersonIndexTest {
    private static final SecretKey LAKE_KEY = SecretKey.fromBase64("cGVyc29uLWluZGV4LXRlc3QtbGFrZS1rZXktMDAwMDA=");
    private static SparkSession spark;

    @BeforeAll
    static void spark() {
        spark = SharedSpark.get();
    }

    @Test
    void recordsReachTheirPersonThroughTheirKeyedHashAndEachHashIsComputedOnce() {
        // from range, not a local list: Spark would compute a projection of local rows while planning
        Dataset<Row> index = spark.range(1, 3).select(concat(lit("t"), col("id").cast("string")).alias("token"))
                .select(lit("patients").alias("source"), PersonIndex.entityHash(LAKE_KEY, lit("patients"), col("token")).alias("entity_hash"),
                        col("token").alias("person_id"));
        Dataset<Row> records = spark.range(0, 5).select(col("id"),
                when(col("id").lt(4), concat(lit("t"), col("id").mod(3).plus(1).cast("string"))).alias("nhs_token"));
        Dataset<Row> events = PersonIndex.withPerson(records, "patients", "nhs_token", index, LAKE_KEY).filter(col("id").gt(0));

        assertThat(events.select("nhs_token", "person_id").orderBy("nhs_token").collectAsList())
                .extracting(r -> r.getString(0) + ">" + r.getString(1)).containsExactly("t1>t1", "t2>t2");
        // the join's inferred not-null filter must not copy the keyed hash below the projection
        String plan = events.queryExecution().optimizedPlan().toString();
        assertThat(plan.split("UDF\\(patients, nhs_token", -1)).as(plan).hasSize(2);   // once, in the records' projection
        // and a later filter still runs before the hash
        assertThat(plan.indexOf("(id#")).as(plan).isGreaterThan(plan.indexOf("UDF(patients, nhs_token"));
    }
}
