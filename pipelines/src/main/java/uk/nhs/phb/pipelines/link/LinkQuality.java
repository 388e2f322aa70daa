package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Aggregate figures about a linkage run (no person-level rows). */
public final class LinkQuality {
    private LinkQuality() {
    }

    /** True for links that joined an entity to a person known elsewhere (not the spine itself, not a new person). */
    public static Column linked() {
        return col("method").isin("NHS_TOKEN", "PROBABILISTIC");
    }

    /**
     * Link rate of non-spine entities by source and the given group columns of the entities (e.g. an age
     * band and sex): {@code entities, linked, by_token, probabilistic, link_rate}.
     */
    public static Dataset<Row> rates(Dataset<Row> links, Dataset<Row> entities, int referenceYear, String... groups) {
        Dataset<Row> grouped = links.filter(col("method").notEqual("SPINE"))
                .join(entities.select(col("source"), col("entity_key"), col("birth_year"), col("sex")), new String[] {"source", "entity_key"})
                .withColumn("age_band", ageBand(lit(referenceYear).minus(col("birth_year"))))
                .withColumn("sex", when(col("sex").equalTo("1"), lit("male")).when(col("sex").equalTo("2"), lit("female"))
                        .otherwise(lit("unknown")));
        Column[] keys = new Column[groups.length + 1];
        keys[0] = col("source");
        for (int i = 0; i < groups.length; i++) {
            keys[i + 1] = col(groups[i]);
        }
        return grouped.groupBy(keys).agg(count(lit(1)).alias("entities"),
                        sum(when(linked(), 1).otherwise(0)).alias("linked"),
                        sum(when(col("method").equalTo("NHS_TOKEN"), 1).otherwise(0)).alias("by_token"),
                        sum(when(col("method").equalTo("PROBABILISTIC"), 1).otherwise(0)).alias("probabilistic"),
                        avg(when(linked(), 1.0).otherwise(0.0)).alias("link_rate"))
                .orderBy(keys);
    }

    /** Age bands used in every linkage report: 0-17, 18-39, 40-64, 65-79, 80+, unknown. */
    public static Column ageBand(Column age) {
        return when(age.isNull(), lit("unknown")).when(age.lt(18), lit("0-17")).when(age.lt(40), lit("18-39"))
                .when(age.lt(65), lit("40-64")).when(age.lt(80), lit("65-79")).otherwise(lit("80+"));
    }

    /**
     * Histogram of the best match weight of every entity scored probabilistically, in whole-bit bins clamped
     * to [-20, 40]: {@code weight_bin, entities, linked}.
     */
    public static Dataset<Row> weightHistogram(Dataset<Row> links) {
        return links.filter(col("method").isin("PROBABILISTIC", "NEW_PERSON").and(col("match_weight").isNotNull()))
                .withColumn("weight_bin", least(lit(40), greatest(lit(-20), floor(col("match_weight")))).cast("int"))
                .groupBy("weight_bin")
                .agg(count(lit(1)).alias("entities"), sum(when(linked(), 1).otherwise(0)).alias("linked"))
                .orderBy("weight_bin");
    }
}
