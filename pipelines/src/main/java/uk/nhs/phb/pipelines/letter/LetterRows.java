package uk.nhs.phb.pipelines.letter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.phb.pipelines.score.RiskScoring;

/**
 * The facts behind people's letters at one date, one row per person: {@code person_id}, {@code rules} (the
 * eligibility rules they meet, as {@code basis_order, rule_id, cohort}: legal rights first) and {@code lines} (their indicative
 * budget lines, by stream code: put them in the budget's own order, {@code Stream} order, to number them as it does).
 * Either array is null when the person has none.
 */
public final class LetterRows {
    /** Legal rights first, then groups the NHS is expected to offer budgets to, then local groups. */
    private static final String BASIS_ORDER = "CASE basis WHEN 'legal_right' THEN 0 WHEN 'expected' THEN 1 ELSE 2 END";

    private static final scala.collection.immutable.Seq<String> BY_PERSON =
            scala.jdk.javaapi.CollectionConverters.asScala(java.util.List.of("person_id")).toList();

    private LetterRows() {
    }

    /**
     * @param people      one column {@code person_id}: whose letters
     * @param eligibility gold/phb_eligibility
     * @param budgets     gold/indicative_budgets, or null when no budgets were ever made
     */
    public static Dataset<Row> of(Dataset<Row> people, Dataset<Row> eligibility, Dataset<Row> budgets, LocalDate date) {
        Dataset<Row> rules = RiskScoring.at(eligibility, date).join(people, "person_id").groupBy("person_id")
                .agg(sort_array(collect_list(struct(expr(BASIS_ORDER).as("basis_order"), col("rule_id"), col("cohort")))).as("rules"));
        Dataset<Row> out = people.join(rules, BY_PERSON, "left");
        if (budgets != null) {
            Dataset<Row> lines = RiskScoring.at(budgets, date).join(people, "person_id").groupBy("person_id")
                    .agg(sort_array(collect_list(struct(col("stream"), col("cohort"), col("method"), col("annual_gbp"), col("weekly_gbp"),
                            col("range_low_gbp"), col("range_high_gbp"), col("pooled"), col("line_text")))).as("lines"));
            out = out.join(lines, BY_PERSON, "left");
        } else {
            out = out.withColumn("lines", org.apache.spark.sql.functions.lit(null));
        }
        return out;
    }
}
