package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.PersonIndex;

/**
 * How close indicative budgets come to the synthetic generator's true annual need cost per stream
 * ({@code _truth/persons}: {@code need_nhs_chc, need_nhs_community, need_nhs_mental_health,
 * need_nhs_wheelchair, need_asc, need_education}, each the expected annual cost at the window's end in
 * that financial year's prices). Measured on every budget line whose person has a true need above zero in
 * the line's stream:
 *
 * <ul>
 *   <li>{@code mdape}: median absolute percentage error of the needs-based estimate, |estimate - true| / true;
 *   <li>{@code range_coverage}: share of true figures inside the line's range (25th-75th percentile of
 *       similar people: about 0.5 if the range describes the spread of need well);
 *   <li>{@code baseline_mdape}: the same error for the naive budget "average cost of the cohort" (the mean
 *       annual cost of the stream among the budget people of the same cohort);
 *   <li>{@code chosen_mdape}: the error of the figure each line actually states (its chosen method).
 * </ul>
 *
 * Children's social care ({@code need_csc}) has no budget stream: the feeds hold child in need, child
 * protection and looked-after episodes, which no personal budget replaces.
 */
public final class BudgetEvaluation {
    /** Truth column of each stream. */
    public static final Map<Stream, String> TRUTH = Map.of(
            Stream.NHS_CONTINUING_CARE, "need_nhs_chc",
            Stream.NHS_COMMUNITY, "need_nhs_community",
            Stream.NHS_MENTAL_HEALTH, "need_nhs_mental_health",
            Stream.NHS_WHEELCHAIR, "need_nhs_wheelchair",
            Stream.ADULT_SOCIAL_CARE, "need_asc",
            Stream.EDUCATION, "need_education");

    private BudgetEvaluation() {
    }

    /**
     * The lake's person of each true person, through the NHS-number token the generator gave them: the
     * token is hashed with the lake key as the person index stores it. Columns {@code person_id, true_person}.
     *
     * @param personRecords {@code _truth/person_records} ({@code feed, record_key, person_id})
     */
    public static Dataset<Row> truePersons(Dataset<Row> personRecords, Dataset<Row> personIndex, SecretKey lakeKey) {
        Dataset<Row> index = personIndex.filter(col("source").equalTo("patients")).select("entity_hash", "person_id");
        return personRecords.filter(col("feed").equalTo("nhs_token"))
                .select(PersonIndex.entityHash(lakeKey, lit("patients"), col("record_key")).alias("entity_hash"),
                        col("person_id").cast("string").alias("true_person"))
                .join(index, "entity_hash").select("person_id", "true_person").distinct();
    }

    /**
     * The accuracy figures.
     *
     * @param lines       gold/indicative_budgets rows of one date
     * @param streamCosts {@link IndicativeBudgets.Result#streamCosts()}
     * @param truePersons {@link #truePersons}
     * @param truth       {@code _truth/persons} (person_id and the need columns, any type castable to double)
     */
    public static Result evaluate(Dataset<Row> lines, Dataset<Row> streamCosts, Dataset<Row> truePersons,
                                               Dataset<Row> truth) {
        Column trueNeed = lit(null).cast("double");
        for (Map.Entry<Stream, String> e : TRUTH.entrySet()) {
            trueNeed = when(col("stream").equalTo(e.getKey().code()), col(e.getValue()).cast("double")).otherwise(trueNeed);
        }
        Dataset<Row> baseline = streamCosts.groupBy("stream", "cohort").agg(avg("y").alias("baseline"));
        Dataset<Row> t = truth.select(col("person_id").cast("string").alias("true_person"), col("need_nhs_chc"), col("need_nhs_community"),
                col("need_nhs_mental_health"), col("need_nhs_wheelchair"), col("need_asc"), col("need_education"));
        Dataset<Row> joined = lines.select("person_id", "stream", "cohort", "needs_estimate_gbp", "range_low_gbp", "range_high_gbp",
                        "annual_gbp")
                .join(truePersons, "person_id")
                .join(t, "true_person")
                .join(baseline, new String[] {"stream", "cohort"}, "left")
                .withColumn("truth", trueNeed);
        Dataset<Row> scored = joined.filter(col("truth").gt(0)).select(col("stream"),
                abs(col("needs_estimate_gbp").cast("double").minus(col("truth"))).divide(col("truth")).alias("ape"),
                when(col("range_low_gbp").isNull().or(col("range_high_gbp").isNull()), lit(null))
                        .when(col("truth").geq(col("range_low_gbp").cast("double")).and(col("truth").leq(col("range_high_gbp").cast("double"))), 1.0)
                        .otherwise(0.0).alias("covered"),
                abs(col("baseline").minus(col("truth"))).divide(col("truth")).alias("ape_baseline"),
                abs(col("annual_gbp").cast("double").minus(col("truth"))).divide(col("truth")).alias("ape_chosen"));
        List<Column> aggs = List.of(count(lit(1)).alias("lines"), median("ape").alias("mdape"), avg("covered").alias("range_coverage"),
                median("ape_baseline").alias("baseline_mdape"), median("ape_chosen").alias("chosen_mdape"));
        Row all = scored.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        Row counts = joined.agg(count(lit(1)), sum(when(col("truth").isNull().or(col("truth").leq(0)), 1).otherwise(0))).first();
        Map<String, Figures> byStream = new LinkedHashMap<>();
        for (Row r : scored.groupBy("stream").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).orderBy("stream")
                .collectAsList()) {
            byStream.put(r.getString(0), Figures.of(r));
        }
        return new Result(Figures.of(all), counts.getLong(0), counts.isNullAt(1) ? 0L : counts.getLong(1), byStream);
    }

    /**
     * Errors against the truth: lines evaluated, the median absolute percentage error of the needs-based estimate, the
     * share of true needs inside the stated range, the cohort-average baseline's MdAPE and the stated figure's MdAPE
     * (each to 4 places; null with no line to measure).
     */
    public record Figures(long linesEvaluated, Double mdape, Double rangeCoverage, Double baselineMdape, Double chosenMdape) {
        static Figures of(Row r) {
            return new Figures(r.getLong(r.fieldIndex("lines")), rounded(r, "mdape"), rounded(r, "range_coverage"), rounded(r, "baseline_mdape"),
                    rounded(r, "chosen_mdape"));
        }

        private static Double rounded(Row r, String field) {
            int j = r.fieldIndex(field);
            return r.isNullAt(j) ? null : Math.round(r.getDouble(j) * 1e4) / 1e4;
        }
    }

    /** All lines' figures (unwrapped in JSON), the lines joined to a true person and those without a true need, and each stream's. */
    public record Result(@JsonUnwrapped Figures overall, long linesMatchedToTruth, long linesWithoutTrueNeed, Map<String, Figures> byStream) {
    }

    private static Column median(String c) {
        return percentile_approx(col(c), lit(0.5), lit(100000));
    }
}
