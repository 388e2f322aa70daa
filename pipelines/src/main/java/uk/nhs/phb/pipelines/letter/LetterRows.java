package uk.nhs.phb.pipelines.letter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.phb.pipelines.score.RiskScoring;

/**
 * The facts behind people's letters at one date, one row per person: {@code person_id}, {@code rules} (the
 * eligibility rules they meet, as {@code basis, rule_id, cohort}) and {@code lines} (their indicative budget lines).
 * Either array is null when the person has none; {@code PersonLetter.Facts.ordered} puts both in the letter's order.
 */
public final class LetterRows {
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
                .agg(collect_list(struct(col("basis"), col("rule_id"), col("cohort"))).as("rules"));
        Dataset<Row> out = people.join(rules, BY_PERSON, "left");
        if (budgets != null) {
            Dataset<Row> lines = RiskScoring.at(budgets, date).join(people, "person_id").groupBy("person_id")
                    .agg(collect_list(struct(col("stream"), col("cohort"), col("method"), col("annual_gbp"), col("weekly_gbp"),
                            col("range_low_gbp"), col("range_high_gbp"), col("pooled"), col("line_text"))).as("lines"));
            out = out.join(lines, BY_PERSON, "left");
        } else {
            out = out.withColumn("lines", org.apache.spark.sql.functions.lit(null));
        }
        return out;
    }
}
