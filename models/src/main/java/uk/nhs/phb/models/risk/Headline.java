package uk.nhs.phb.models.risk;

/**
 * The figures a training run leads with, taken from its hold-out evaluation: the chosen model's (gradient-boosted
 * trees) discrimination, accuracy and calibration with their bootstrap intervals, the oracle's AUROC where the data
 * carry a true risk, the comparators' AUROC, and the cost model's fit. A figure the evaluation lacks is null.
 */
public record Headline(Double auroc, Double aurocCiLower, Double aurocCiUpper, Double oracleAuroc, Double aurocToOracle, Double auprc,
                       Double brier, Double scaledBrier, Double calibrationSlope, Double calibrationIntercept,
                       Double calibrationInTheLarge, Double eAvg, Double logisticAuroc, Double baselinePriorAdmissionsAuroc,
                       Double baselineMultimorbidityAuroc, Double costR2, Double costPredictedToObserved, Bootstrap.Intervals bootstrap) {

    public static Headline of(Evaluation.Report report) {
        Evaluation.Binary g = report.chosen();
        Evaluation.Binary o = report.models().get(Evaluation.Report.ORACLE);
        Double oracle = o == null ? null : o.auroc();
        Double gbtOnOracleRows = o == null ? null : o.gbtAurocOnSameRows();
        return new Headline(g.auroc(), g.aurocCiLower(), g.aurocCiUpper(), oracle,
                oracle == null || gbtOnOracleRows == null ? null : gbtOnOracleRows / oracle, g.auprc(), g.brier(), g.scaledBrier(),
                g.calibrationSlope(), g.calibrationIntercept(), g.calibrationInTheLarge(), g.eAvg(), auroc(report, "logistic"),
                auroc(report, "baseline_prior_admissions"), auroc(report, "baseline_multimorbidity"), report.cost().r2(),
                report.cost().predictedToObserved(), g.bootstrap());
    }

    private static Double auroc(Evaluation.Report report, String model) {
        Evaluation.Binary m = report.models().get(model);
        return m == null ? null : m.auroc();
    }
}
