package uk.nhs.phb.models.risk;

import java.util.Map;

/**
 * The figures a training run leads with, taken from its hold-out metrics: the chosen model's (gradient-boosted trees)
 * discrimination, accuracy and calibration, the oracle's AUROC where the data carry a true risk, the comparators'
 * AUROC, and the cost model's fit. A figure the metrics lack is null.
 */
public record Headline(Double auroc, Double aurocCiLower, Double aurocCiUpper, Double oracleAuroc, Double aurocToOracle, Double auprc,
                       Double brier, Double scaledBrier, Double calibrationSlope, Double calibrationIntercept,
                       Double calibrationInTheLarge, Double eAvg, Double logisticAuroc, Double baselinePriorAdmissionsAuroc,
                       Double baselineMultimorbidityAuroc, Double costR2, Double costPredictedToObserved) {

    /** The headline of metrics as {@code metrics.json} holds them ({@code models}, {@code cost}). */
    @SuppressWarnings("unchecked")
    public static Headline of(Map<String, Object> metrics) {
        Map<String, Map<String, Object>> models = (Map<String, Map<String, Object>>) metrics.get("models");
        Map<String, Object> g = models.get("gbt");
        Map<String, Object> o = models.get("oracle (true risk)");
        Map<String, Object> cost = (Map<String, Object>) metrics.get("cost");
        Double oracle = o == null ? null : number(o.get("auroc"));
        Double gbtOnOracleRows = o == null ? null : number(o.get("gbt_auroc_on_same_rows"));
        return new Headline(number(g.get("auroc")), number(g.get("auroc_ci_lower")), number(g.get("auroc_ci_upper")), oracle,
                oracle == null || gbtOnOracleRows == null ? null : gbtOnOracleRows / oracle, number(g.get("auprc")), number(g.get("brier")),
                number(g.get("scaled_brier")), number(g.get("calibration_slope")), number(g.get("calibration_intercept")),
                number(g.get("calibration_in_the_large")), number(g.get("e_avg")), number(models.get("logistic").get("auroc")),
                number(models.get("baseline_prior_admissions").get("auroc")), number(models.get("baseline_multimorbidity").get("auroc")),
                number(cost.get("r2")), number(cost.get("predicted_to_observed")));
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }
}
