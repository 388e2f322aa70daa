package uk.nhs.phb.pipelines.score;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.format_number;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.models.eligibility.PriorityConfig;
import uk.nhs.phb.models.risk.FactorPhrases;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.pipelines.ExactQuantiles;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * The PHB priority list ({@code gold/phb_priority}): who is on it, their score by the documented rule of
 * {@link PriorityConfig}, their rank, and the factors behind their predicted risk in plain words.
 */
public final class Priority {
    private Priority() {
    }

    /** Cut points of predicted cost at each percentile (exact, so a person's rank is the same on any cluster). */
    static double[] costCuts(Dataset<Row> scored) {
        double[] probs = new double[99];
        for (int i = 0; i < 99; i++) {
            probs[i] = (i + 1) / 100.0;
        }
        List<Double> cuts = scored.select(col("predicted_cost_12m").cast("double").alias("c")).agg(ExactQuantiles.discrete("c", probs))
                .first().getList(0);
        return cuts.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Percentile (0-100) of a cost among the cut points: the share of people predicted to cost less. */
    static UserDefinedFunction costPercentile(double[] cuts) {
        return udf((Double c) -> {
            if (c == null) {
                return 0.0;
            }
            int i = Arrays.binarySearch(cuts, c);
            int below = i >= 0 ? i : -i - 1;
            while (i >= 0 && below > 0 && cuts[below - 1] == c) {
                below--;
            }
            return (double) below;
        }, DataTypes.DoubleType);
    }

    /**
     * Who is on the priority list at one reference date, with their score by the rule of {@link PriorityConfig}
     * (not yet ranked, no factors). Computes a quantile sketch of predicted cost (an aggregate) on the way.
     *
     * @param scored      {@code gold/risk_scores} rows at the date (everyone, with tiers)
     * @param features    {@code gold/person_features} at the date
     * @param eligibility {@code gold/phb_eligibility} rows at the date
     */
    public static Dataset<Row> candidates(Dataset<Row> scored, Dataset<Row> features, Dataset<Row> eligibility, PriorityConfig config) {
        Column basisOrder = when(col("basis").equalTo("legal_right"), lit(0)).when(col("basis").equalTo("expected"), lit(1))
                .otherwise(lit(2));
        Dataset<Row> elig = eligibility.groupBy("person_id").agg(array_sort(collect_set(col("cohort"))).alias("cohorts"),
                min(basisOrder).alias("basis_order"));
        int listTier = ScoreTables.TIERS.indexOf(config.listMinRiskTier());
        Column tierListed = lit(false);
        for (int t = 0; t <= listTier; t++) {
            tierListed = tierListed.or(col("risk_tier").equalTo(ScoreTables.TIERS.get(t)));
        }
        double[] cuts = costCuts(scored);
        Dataset<Row> base = scored.select("person_id", "reference_date", "p_emergency_12m", "predicted_cost_12m", "risk_percentile",
                        "risk_tier")
                .join(features.select("person_id", "sectors_involved"), "person_id")
                .join(elig, new String[] {"person_id"}, "left")
                .withColumn("eligible", col("cohorts").isNotNull())
                .withColumn("integrated_budget_candidate", col("sectors_involved").geq(config.integratedMinSectors()))
                .filter(col("eligible").or(tierListed).or(col("integrated_budget_candidate")))
                .withColumn("cohorts", coalesce(col("cohorts"), org.apache.spark.sql.functions.array().cast("array<string>")))
                .withColumn("cost_percentile", costPercentile(cuts).apply(col("predicted_cost_12m").cast("double")));
        Column basisWeight = when(col("basis_order").equalTo(0), lit(config.weightLegalRight()))
                .when(col("basis_order").equalTo(1), lit(config.weightExpected()))
                .when(col("basis_order").equalTo(2), lit(config.weightLocal())).otherwise(lit(0.0));
        Column score = basisWeight.plus(lit(config.weightRisk()).multiply(col("risk_percentile")).divide(100))
                .plus(lit(config.weightCost()).multiply(col("cost_percentile")).divide(100))
                .plus(lit(config.weightComplexity()).multiply(org.apache.spark.sql.functions.least(col("sectors_involved"), lit(3)))
                        .divide(3.0))
                .plus(when(col("integrated_budget_candidate"), lit(config.integratedBonus())).otherwise(lit(0.0)));
        return base.withColumn("priority_score", score);
    }

    /** The candidates with the top factors raising each one's risk (TreeSHAP on the executors, in words). */
    public static Dataset<Row> withFactors(Dataset<Row> candidates, Dataset<Row> features, Broadcast<RiskModels> models,
                                           FactorPhrases phrases, PriorityConfig config) {
        Dataset<Row> factors = RiskScoring.explain(features.join(candidates.select("person_id"), "person_id"), models, phrases,
                config.topFactors(), List.of("person_id"));
        return candidates.join(factors, "person_id");
    }

    /**
     * Ranks the list (1 = highest score, ties by person id) and shapes the {@code gold/phb_priority} rows. Ranking
     * reads its input several times (a distributed sort, then numbering): persist it first.
     */
    public static Dataset<Row> ranked(Dataset<Row> withFactors, String rulesVersion, String modelId, String runId) {
        Dataset<Row> ranked = RiskTiers.rank(withFactors, "priority_score", "person_id", "priority_rank0");
        return ranked.select(col("person_id"), col("reference_date"),
                col("priority_rank0").plus(1).cast("int").alias("priority_rank"), col("priority_score"), col("eligible"), col("cohorts"),
                col("sectors_involved").cast("int").alias("sectors_involved"), col("integrated_budget_candidate"), col("p_emergency_12m"),
                col("predicted_cost_12m").cast(ScoreTables.MONEY).alias("predicted_cost_12m"), col("top_factors"),
                explanation().alias("explanation"), lit(rulesVersion).alias("rules_version"), lit(modelId).alias("model_id"),
                lit(runId).alias("run_id"));
    }

    /** One paragraph in plain words: eligibility, risk and tier, cost, sectors, the factors. */
    static Column explanation() {
        Map<String, String> meanings = CodeLists.get("phb_group");
        List<Column> kv = new ArrayList<>();
        meanings.forEach((k, v) -> {
            kv.add(lit(k));
            kv.add(lit(v));
        });
        Column names = org.apache.spark.sql.functions.map(kv.toArray(Column[]::new));
        Column cohortNames = array_join(transform(col("cohorts"), c -> coalesce(org.apache.spark.sql.functions.element_at(names, c), c)),
                "; ");
        Column basis = when(col("basis_order").equalTo(0), lit("a legal right to a personal health budget"))
                .when(col("basis_order").equalTo(1), lit("a group expected to be offered one"))
                .otherwise(lit("a local group"));
        Column eligibility = when(col("eligible"), concat(lit("Eligible ("), basis, lit("): "), cohortNames, lit(". ")))
                .otherwise(lit("Not in an eligible group; listed for "))
                ;
        Column why = when(col("eligible"), lit(""))
                .otherwise(when(col("integrated_budget_candidate"), lit("using health, social care and education together. "))
                        .otherwise(lit("high predicted risk. ")));
        Column tier = when(col("risk_tier").equalTo("very_high"), lit("very high: top 0.5%"))
                .when(col("risk_tier").equalTo("high"), lit("high: top 5%"))
                .when(col("risk_tier").equalTo("moderate"), lit("moderate: top 20%")).otherwise(lit("low"));
        Column risk = concat(lit("Predicted risk of an emergency admission in the next 12 months "),
                format_number(col("p_emergency_12m").multiply(100), 1), lit("% ("), tier, lit("). "));
        Column cost = concat(lit("Predicted cost over 12 months £"), format_number(col("predicted_cost_12m").cast("double"), 0), lit(". "));
        Column sectors = concat(col("sectors_involved").cast("string"), lit(" of 3 sectors involved (health, social care, education)"),
                when(col("integrated_budget_candidate"), lit(": a candidate for an integrated personal budget")).otherwise(lit("")),
                lit(". "));
        Column factors = when(size(col("top_factors")).gt(0), concat(lit("Risk raised most by: "),
                array_join(transform(col("top_factors"), f -> f.getField("text")), "; "), lit("."))).otherwise(lit(""));
        return concat(eligibility, why, risk, cost, sectors, factors);
    }
}
