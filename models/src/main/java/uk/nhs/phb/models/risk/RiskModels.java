package uk.nhs.phb.models.risk;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything a trained model folder holds that scoring and evaluation need, as one serialisable object
 * (broadcast to executors): the feature contract, the GBT risk model (the chosen one), the logistic regression,
 * the two baselines and the cost model, with their registry ids.
 */
public record RiskModels(String modelId, String costModelId, FeatureSpec spec, GbtRisk gbt, LogisticRisk logistic,
                         LookupBaseline priorAdmissions, LookupBaseline multimorbidity, CostModel cost, double baseLogOdds)
        implements Serializable {

    public RiskModels {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(costModelId, "costModelId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(gbt, "gbt");
        Objects.requireNonNull(cost, "cost");
    }

    /** Cost in pounds rounded to pence, as decimal(14,2) wants it. */
    public java.math.BigDecimal costPounds(double[] x) {
        return java.math.BigDecimal.valueOf(cost.predict(x)).setScale(2, java.math.RoundingMode.HALF_UP);
    }
}
