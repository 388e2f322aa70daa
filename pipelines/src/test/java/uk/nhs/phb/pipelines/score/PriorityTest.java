package uk.nhs.phb.pipelines.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.eligibility.PriorityConfig;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.schemas.ScoreTables;

/** Who is on the priority list and with what score, by the documented rule, on hand-built people. */
class PriorityTest {
    private static final Date REF = Date.valueOf("2026-03-31");

    @Test
    void listHoldsEligibleHighRiskAndIntegratedPeopleScoredByTheFormula() {
        SparkSession spark = SharedSpark.get();
        StructType scoredSchema = new StructType().add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
                .add("p_emergency_12m", DataTypes.DoubleType).add("predicted_cost_12m", ScoreTables.MONEY)
                .add("risk_percentile", DataTypes.DoubleType).add("risk_tier", DataTypes.StringType);
        // predicted costs 100 < 200 < 300 < 400 < 500: percentiles (share predicted to cost less) 0, 20, 40, 60, 80
        Dataset<Row> scored = spark.createDataFrame(List.of(
                RowFactory.create("A", REF, 0.02, new BigDecimal("100.00"), 10.0, "low"),
                RowFactory.create("B", REF, 0.40, new BigDecimal("500.00"), 96.0, "high"),
                RowFactory.create("C", REF, 0.10, new BigDecimal("300.00"), 85.0, "moderate"),
                RowFactory.create("D", REF, 0.10, new BigDecimal("200.00"), 84.0, "moderate"),
                RowFactory.create("E", REF, 0.60, new BigDecimal("400.00"), 99.8, "very_high")), scoredSchema);
        Dataset<Row> features = spark.createDataFrame(List.of(RowFactory.create("A", 1), RowFactory.create("B", 1),
                RowFactory.create("C", 3), RowFactory.create("D", 2), RowFactory.create("E", 2)),
                new StructType().add("person_id", DataTypes.StringType).add("sectors_involved", DataTypes.IntegerType));
        Dataset<Row> elig = spark.createDataFrame(List.of(RowFactory.create("A", "CHC", "legal_right"),
                        RowFactory.create("E", "LD_AUTISM", "expected"), RowFactory.create("E", "OTHER", "local")),
                new StructType().add("person_id", DataTypes.StringType).add("cohort", DataTypes.StringType).add("basis", DataTypes.StringType));

        Map<String, Row> list = new HashMap<>();
        for (Row r : Priority.candidates(scored, features, elig, PriorityConfig.standard()).collectAsList()) {
            list.put(r.getAs("person_id"), r);
        }
        assertThat(list).as("D: moderate risk, two sectors, not eligible").containsOnlyKeys("A", "B", "C", "E");
        assertThat((double) list.get("A").getAs("priority_score")).isCloseTo(0.40 + 0.30 * 0.10 + 0.15 * 0.0 + 0.15 / 3, within(1e-12));
        assertThat((double) list.get("B").getAs("priority_score")).isCloseTo(0.30 * 0.96 + 0.15 * 0.80 + 0.15 / 3, within(1e-12));
        assertThat((double) list.get("C").getAs("priority_score")).isCloseTo(0.30 * 0.85 + 0.15 * 0.40 + 0.15 + 0.05, within(1e-12));
        assertThat((double) list.get("E").getAs("priority_score")).as("the strongest basis counts once")
                .isCloseTo(0.30 + 0.30 * 0.998 + 0.15 * 0.60 + 0.15 * 2 / 3, within(1e-12));
        assertThat((boolean) list.get("C").getAs("integrated_budget_candidate")).isTrue();
        assertThat(list.get("E").<String>getList(list.get("E").fieldIndex("cohorts"))).containsExactly("LD_AUTISM", "OTHER");
        assertThat((boolean) list.get("B").getAs("eligible")).isFalse();
    }
}
