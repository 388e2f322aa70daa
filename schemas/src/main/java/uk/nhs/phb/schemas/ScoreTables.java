package uk.nhs.phb.schemas;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The gold tables {@code phb score} writes, one row per person (and cohort) per reference date. Later stages
 * (budgets, reports, extracts, audit) read them by these names and types; columns are only ever added.
 */
public final class ScoreTables {
    public static final String RISK_SCORES = "risk_scores";
    public static final String PHB_ELIGIBILITY = "phb_eligibility";
    public static final String PHB_PRIORITY = "phb_priority";
    /** Reference table of the eligibility rules each rules version held (not person-level). */
    public static final String ELIGIBILITY_RULES = "phb_eligibility_rules";

    /** Money in risk and priority tables: pounds and pence. */
    public static final DataType MONEY = DataTypes.createDecimalType(14, 2);

    /** Risk tiers from the highest: very_high = top 0.5%, high = next 4.5%, moderate = next 15%, low = the rest. */
    public static final List<String> TIERS = List.of("very_high", "high", "moderate", "low");
    /** Cumulative population shares at the lower edge of each tier (top 0.5%, 5%, 20%, 100%). */
    public static final List<Double> TIER_CUMULATIVE_SHARES = List.of(0.005, 0.05, 0.20, 1.0);

    /** Eligibility bases: a legal right to a PHB, an expected offer, a local group. */
    public static final List<String> BASES = List.of("legal_right", "expected", "local");

    /** {@code gold/risk_scores}: one row per person in {@code gold/person_features} at the reference date. */
    public static final StructType RISK_SCORES_SCHEMA = new StructType()
            .add("person_id", DataTypes.StringType, false)
            .add("reference_date", DataTypes.DateType, false)
            .add("p_emergency_12m", DataTypes.DoubleType, false)
            .add("predicted_cost_12m", MONEY, false)
            .add("risk_percentile", DataTypes.DoubleType, false)
            .add("risk_tier", DataTypes.StringType, false)
            .add("model_id", DataTypes.StringType, false)
            .add("cost_model_id", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false);

    /** {@code gold/phb_eligibility}: one row per (person, reference date, cohort) a rule says the person is in. */
    public static final StructType PHB_ELIGIBILITY_SCHEMA = new StructType()
            .add("person_id", DataTypes.StringType, false)
            .add("reference_date", DataTypes.DateType, false)
            .add("cohort", DataTypes.StringType, false)
            .add("basis", DataTypes.StringType, false)
            .add("rule_id", DataTypes.StringType, false)
            .add("rules_version", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false);

    /** One contributing factor of a person's predicted risk (a SHAP value on the log-odds scale, in words). */
    public static final StructType FACTOR = new StructType()
            .add("feature", DataTypes.StringType, false)
            .add("value", DataTypes.StringType, true)
            .add("contribution", DataTypes.DoubleType, false)
            .add("text", DataTypes.StringType, false);

    /** {@code gold/phb_priority}: the priority list (who is on it is documented in docs/MODELS.md). */
    public static final StructType PHB_PRIORITY_SCHEMA = new StructType()
            .add("person_id", DataTypes.StringType, false)
            .add("reference_date", DataTypes.DateType, false)
            .add("priority_rank", DataTypes.IntegerType, false)
            .add("priority_score", DataTypes.DoubleType, false)
            .add("eligible", DataTypes.BooleanType, false)
            .add("cohorts", DataTypes.createArrayType(DataTypes.StringType, true), false)
            .add("sectors_involved", DataTypes.IntegerType, false)
            .add("integrated_budget_candidate", DataTypes.BooleanType, false)
            .add("p_emergency_12m", DataTypes.DoubleType, false)
            .add("predicted_cost_12m", MONEY, false)
            .add("top_factors", DataTypes.createArrayType(FACTOR, true), false)
            .add("explanation", DataTypes.StringType, false)
            .add("rules_version", DataTypes.StringType, false)
            .add("model_id", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false);

    /** {@code gold/phb_eligibility_rules}: the rules of every rules version used, so a decision can be re-read. */
    public static final StructType ELIGIBILITY_RULES_SCHEMA = new StructType()
            .add("rules_version", DataTypes.StringType, false)
            .add("rule_id", DataTypes.StringType, false)
            .add("cohort", DataTypes.StringType, false)
            .add("basis", DataTypes.StringType, false)
            .add("condition", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false);

    private ScoreTables() {
    }
}
