package uk.nhs.phb.pipelines.extract;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.PersonIndex;

/**
 * Opt-outs applied to an extract's population. The opt-out list carries NHS-number tokens; a token reaches its
 * person exactly as a GP registration does, through the keyed hash {@code silver/person_index} stores for source
 * {@code patients} ({@link PersonIndex#entityHash}), so the person's linked social care and education records go
 * with them.
 */
public final class OptOuts {
    /** The column {@link #mark} adds: the rule that removed the person, or null when they stay. */
    public static final String REMOVED_BY = "removed_by";
    /** {@code listed_as} of a list of the NHS numbers that may be used (everyone else has the opt-out). */
    public static final String CLEARED = "CLEARED";

    private OptOuts() {
    }

    /**
     * The opt-out list ({@code bronze/opt_outs}) by person: distinct {@code (entity_hash, person_id, opt_out_type)},
     * the token kept only as the index's keyed hash; {@code person_id} is null for a token no person of the index
     * holds (someone not registered in the area).
     *
     * <p>A type delivered as the national check answers it, the NHS numbers that may be used ({@code listed_as} CLEARED),
     * applies to every registered NHS number it does not clear: each such token of the index counts as opted out.
     */
    public static Dataset<Row> persons(Dataset<Row> optOuts, Dataset<Row> personIndex, SecretKey lakeKey) {
        Dataset<Row> index = personIndex.filter(col("source").equalTo("patients")).select("entity_hash", "person_id");
        Column cleared = List.of(optOuts.columns()).contains("listed_as") ? col("listed_as").equalTo(CLEARED) : lit(false);
        Dataset<Row> listed = optOuts.filter(col("nhs_token").isNotNull()).select(col("nhs_token"), col("opt_out_type"),
                        coalesce(cleared, lit(false)).as("_cleared")).distinct()
                .withColumn("entity_hash", PersonIndex.entityHash(lakeKey, lit("patients"), col("nhs_token")));
        Dataset<Row> optedOut = listed.filter(not(col("_cleared"))).select("entity_hash", "opt_out_type")
                .join(index, new String[] {"entity_hash"}, "left")
                .select("entity_hash", "person_id", "opt_out_type");
        Dataset<Row> clearedTokens = listed.filter(col("_cleared")).select("entity_hash", "opt_out_type");
        Dataset<Row> notCleared = index.crossJoin(clearedTokens.select("opt_out_type").distinct())
                .join(clearedTokens, new String[] {"entity_hash", "opt_out_type"}, "left_anti")
                .select("entity_hash", "person_id", "opt_out_type");
        return optedOut.union(notCleared).distinct();
    }

    /**
     * The population with {@link #REMOVED_BY}: the first of {@code rules} (opt-out types, in the order given) the
     * person has, or null. A person with both a national data opt-out and a type 1 opt-out counts under the first
     * rule only, so the counts per rule add up to the people removed.
     */
    public static Dataset<Row> mark(Dataset<Row> population, Dataset<Row> optOutPersons, List<String> rules) {
        if (rules.isEmpty()) {
            return population.withColumn(REMOVED_BY, lit(null).cast("string"));
        }
        Dataset<Row> types = optOutPersons.filter(col("person_id").isNotNull().and(col("opt_out_type").isin(rules.toArray())))
                .groupBy("person_id").agg(collect_set("opt_out_type").alias("_opt_out_types"));
        Column rule = null;
        for (String r : rules) {
            Column has = array_contains(col("_opt_out_types"), r);
            rule = rule == null ? when(has, lit(r)) : rule.when(has, lit(r));
        }
        return population.join(types, new String[] {"person_id"}, "left")
                .withColumn(REMOVED_BY, when(col("_opt_out_types").isNull(), lit(null).cast("string")).otherwise(rule))
                .drop("_opt_out_types");
    }
}
