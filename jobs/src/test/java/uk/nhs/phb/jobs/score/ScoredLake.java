package uk.nhs.phb.jobs.score;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.models.budget.IndicativeBudget;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.schemas.LakeTable;

/**
 * A hand-built lake of scored people for the look-up and letter tests: rows of gold/risk_scores,
 * gold/phb_eligibility and gold/indicative_budgets in the catalogue's schemas, written as phb writes them
 * (Delta, partitioned as the catalogue says).
 */
public final class ScoredLake {
    private ScoredLake() {
    }

    /** Settings for a lake, landing and out folder under {@code dir}. */
    public static JobSettings settings(Path dir) {
        return new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(), "local[2]",
                false);
    }

    /** Appends rows to a table of the lake, in the table's own schema and partitioning. */
    public static void write(Lake lake, LakeTable table, List<Row> rows) {
        SparkSession spark = TestSpark.get();
        spark.createDataFrame(rows, table.schema()).write().format("delta").mode("append")
                .partitionBy(table.partitionBy().toArray(String[]::new)).save(lake.path(table));
    }

    /** A row of gold/risk_scores from the model {@code risk-x}, scored by run {@code r1}. */
    public static Row risk(String person, Date at, double p, String cost, double percentile, String tier) {
        return RowFactory.create(person, at, p, new BigDecimal(cost), percentile, tier, "risk-x", "risk-x/cost", "r1");
    }

    /** A row of gold/phb_eligibility under rules 2026.1, scored by run {@code r1}. */
    public static Row eligible(String person, Date at, String cohort, String basis, String ruleId, String reason) {
        return RowFactory.create(person, at, cohort, basis, ruleId, "2026.1", reason, "r1");
    }

    /**
     * A row of gold/indicative_budgets: the weekly figure from the annual, the line's lead sentence as the budget writes
     * it, then {@code how}; {@code low} and {@code high} may be null.
     */
    public static Row budget(String person, Date at, Stream s, String cohort, String method, String annual, String low, String high,
                             boolean pooled, String how) {
        BigDecimal a = new BigDecimal(annual);
        BigDecimal w = Money.weeklyFromAnnual(a);
        return RowFactory.create(person, at, s.code(), s.funder().name(), cohort, List.of(cohort), method, a, w,
                low == null ? null : new BigDecimal(low), high == null ? null : new BigDecimal(high), "people aged 18-64", null, pooled,
                Map.of("source", "test"), Map.of(), IndicativeBudget.lineLead(s, a, w) + how, "explanation", "risk-x", "2026.1", "1", "r1");
    }
}
