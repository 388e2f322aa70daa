package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.budget.StatementOfResources;
import uk.nhs.phb.models.budget.Stream;

/**
 * The figures of a statement of resources from the budget lines and eligibility of one date (already
 * restricted to one organisation if wanted). Only aggregates reach the driver.
 *
 * <p>A cohort's budgets are, per person, the sum of the person's lines that belong to the cohort; every
 * line belongs to exactly one cohort, so the cohorts' totals add up to the total of all lines. Quartiles
 * and medians interpolate between people (Spark {@code percentile}) and are rounded to the penny.
 */
public final class StatementFigures {
    private StatementFigures() {
    }

    public static StatementOfResources.Figures compute(Dataset<Row> lines, Dataset<Row> eligibility, LocalDate asOf, String org) {
        Map<String, Long> eligible = new LinkedHashMap<>();
        for (Row r : eligibility.groupBy("cohort").agg(countDistinct("person_id")).collectAsList()) {
            eligible.put(r.getString(0), r.getLong(1));
        }
        Map<String, StatementOfResources.Distribution> byCohort = new LinkedHashMap<>();
        Dataset<Row> perPerson = lines.groupBy("cohort", "person_id").agg(sum("annual_gbp").alias("total"));
        for (Row r : distribution(perPerson.groupBy("cohort")).collectAsList()) {
            byCohort.put(r.getString(0), toDistribution(r, 1));
        }
        Row all = distribution(lines.groupBy("person_id").agg(sum("annual_gbp").alias("total")).groupBy()).first();
        List<String> cohorts = new ArrayList<>(eligible.keySet());
        byCohort.keySet().stream().filter(c -> !cohorts.contains(c)).forEach(cohorts::add);
        List<StatementOfResources.CohortFigures> out = new ArrayList<>();
        for (String c : cohorts) {
            out.add(new StatementOfResources.CohortFigures(c, eligible.getOrDefault(c, 0L),
                    byCohort.getOrDefault(c, StatementOfResources.Distribution.empty())));
        }
        List<StatementOfResources.ServiceFigures> services = new ArrayList<>();
        for (Row r : lines.select(col("cohort"), col("stream"), col("person_id"), explode(col("current_services")).as(new String[] {"service",
                        "amount"}))
                .groupBy("cohort", "stream", "service").agg(countDistinct("person_id"), sum("amount")).collectAsList()) {
            services.add(new StatementOfResources.ServiceFigures(r.getString(0), Stream.of(r.getString(1)), r.getString(2), r.getLong(3),
                    r.getDecimal(4)));
        }
        return new StatementOfResources.Figures(asOf, org, out, toDistribution(all, 0), services);
    }

    private static Dataset<Row> distribution(org.apache.spark.sql.RelationalGroupedDataset g) {
        Column q = percentile(col("total"), lit(new double[] {0.25, 0.5, 0.75}));
        return g.agg(count(lit(1)).alias("people"), q.alias("q"), sum("total").alias("sum"));
    }

    private static StatementOfResources.Distribution toDistribution(Row r, int from) {
        long people = r.getLong(from);
        if (people == 0) {
            return StatementOfResources.Distribution.empty();
        }
        List<Double> q = r.getList(from + 1);
        BigDecimal total = r.getDecimal(from + 2);
        return new StatementOfResources.Distribution(people, Money.pounds(q.get(0)), Money.pounds(q.get(1)), Money.pounds(q.get(2)),
                Money.pounds(total));
    }
}
