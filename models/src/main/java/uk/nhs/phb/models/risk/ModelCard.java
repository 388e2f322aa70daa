package uk.nhs.phb.models.risk;

import java.util.Locale;

/** The model card ({@code model_card.md}) of a trained model: intended use, data, performance, subgroups, limits. */
public final class ModelCard {
    private ModelCard() {
    }

    private static String f(Object o, int places) {
        return o instanceof Number n ? String.format(Locale.UK, "%." + places + "f", n.doubleValue()) : "n/a";
    }

    private static String pct(Object o) {
        return o instanceof Number n ? String.format(Locale.UK, "%.1f%%", 100 * n.doubleValue()) : "n/a";
    }

    private static String interval(Bootstrap.Interval i, int places) {
        return i == null || i.lower() == null ? "n/a" : f(i.lower(), places) + "-" + f(i.upper(), places);
    }

    public static String render(String modelId, TrainingRecord training, Headline headline, Evaluation.Report metrics) {
        StringBuilder s = new StringBuilder();
        s.append("# Model card: ").append(modelId).append("\n\n");
        s.append("## Intended use\n")
                .append("Ranks the registered population of an ICB by the risk of an emergency hospital admission in the next 12 months, ")
                .append("to help commissioners find people who may benefit from a personalised approach (a personal health budget, ")
                .append("proactive care) and to weigh predicted 12-month cost in PHB prioritisation and indicative budgets. It supports, ")
                .append("and never replaces, the judgement of the professionals who know the person. It is not a clinical diagnostic tool, ")
                .append("not for decisions about an individual's care without review, and not validated outside the population it was ")
                .append("trained on. Risk stratification for commissioning is secondary use: apply the national data opt-out and the ")
                .append("local s251 / data-sharing basis.\n\n");
        s.append("## Data\n")
                .append("- Population: everyone registered with a practice and alive at each reference date (`gold/person_features`).\n")
                .append("- Training reference dates: ").append(training.trainingReferenceDates()).append("; hold-out test date: ")
                .append(training.testReferenceDate()).append(" (temporal hold-out, later than every training date).\n")
                .append("- Outcome: ").append(training.outcome()).append(". Cost outcome: ").append(training.costOutcome())
                .append(".\n")
                .append("- Rows available: ").append(training.trainingRowsAvailable()).append(" (")
                .append(training.trainingPositivesAvailable()).append(" with the outcome); fitted on ")
                .append(training.rowsFitted()).append(" rows, validated on ").append(training.rowsValidation())
                .append(" (sample fraction ").append(f(training.sampleFraction(), 3)).append(", ").append(training.sample())
                .append(").\n")
                .append("- Inputs and their Delta versions: ").append(training.inputsDeltaVersions()).append(".\n")
                .append("- Features: 79 numbers from `gold/person_features` (age, sex, IMD decile, activity over 90/180/365 days, 20 ")
                .append("long-term conditions, frailty, medicines, spend by sector, social care, education and PHB-relevant states). ")
                .append("Ethnicity is not an input; it is used only to check performance by group. See features.json.\n\n");
        s.append("## Models\n")
                .append("- Chosen: gradient-boosted trees (Smile 2.6.0, logistic loss): ").append(training.gbt()).append(".\n")
                .append("- Compared: L2-regularised logistic regression on standardised features ").append(training.logistic())
                .append("; baselines using prior emergency admissions only, and the count of long-term conditions only.\n")
                .append("- Cost: ").append(training.costModel().model().algorithm()).append(".\n\n");
        s.append("## Performance on the hold-out (").append(metrics.testRowsEvaluated()).append(" people)\n\n")
                .append("| model | AUROC (95% CI) | AUPRC | Brier | calibration slope | calibration intercept |\n|---|---|---|---|---|---|\n");
        metrics.models().forEach((name, m) -> s.append("| ").append(name).append(" | ").append(f(m.auroc(), 3)).append(" (")
                .append(f(m.aurocCiLower(), 3)).append("-").append(f(m.aurocCiUpper(), 3)).append(") | ")
                .append(f(m.auprc(), 3)).append(" | ").append(f(m.brier(), 4)).append(" | ").append(f(m.calibrationSlope(), 3))
                .append(" | ").append(f(m.calibrationIntercept(), 3)).append(" |\n"));
        if (headline.oracleAuroc() != null) {
            s.append("\nOn synthetic data the generator's true risk gives the best AUROC any model could reach (the oracle): ")
                    .append(f(headline.oracleAuroc(), 3)).append("; the chosen model reaches ")
                    .append(pct(headline.aurocToOracle())).append(" of it on the same people.\n");
        }
        Evaluation.Binary g = metrics.chosen();
        Bootstrap.Intervals b = g.bootstrap();
        if (b != null) {
            s.append("\n95% bootstrap intervals of the chosen model (").append(b.replicates()).append(" replicates, seed ").append(b.seed())
                    .append("): AUROC ").append(interval(b.auroc(), 3)).append(", AUPRC ").append(interval(b.auprc(), 3)).append(", Brier ")
                    .append(interval(b.brier(), 4)).append(", calibration slope ").append(interval(b.calibrationSlope(), 2))
                    .append(", calibration intercept ").append(interval(b.calibrationIntercept(), 2)).append(".\n");
        }
        s.append("\nFlagging the top 0.5% / 1% / 5%: ");
        for (Evaluation.Top t : g.top()) {
            s.append("PPV ").append(pct(t.ppv())).append(", sensitivity ").append(pct(t.sensitivity())).append("; ");
        }
        s.append("\nCalibration: E-avg ").append(f(g.eAvg(), 4)).append(", E-90 ").append(f(g.e90(), 4)).append(", E-max ")
                .append(f(g.eMax(), 4)).append(" (isotonic calibration curve).\n");
        Evaluation.Cost cost = metrics.cost();
        s.append("\nCost model: R-squared ").append(f(cost.r2(), 3)).append(" (").append(f(cost.r2Log(), 3))
                .append(" on log cost), mean predicted / observed ").append(f(cost.predictedToObserved(), 3)).append(".\n\n");
        s.append("## Subgroups (operating point: top 5% flagged)\n\n| grouping | group | people | AUROC | calibration slope | ")
                .append("false-negative rate |\n|---|---|---|---|---|---|\n");
        metrics.subgroups().forEach((grouping, groups) -> groups.forEach((name, m) -> s.append("| ").append(grouping).append(" | ").append(name)
                .append(Boolean.TRUE.equals(m.core20()) ? " (Core20)" : "").append(" | ").append(m.rows()).append(" | ")
                .append(f(m.auroc(), 3)).append(" | ").append(f(m.calibrationSlope(), 2)).append(" | ")
                .append(pct(m.falseNegativeRate())).append(" |\n")));
        s.append("\nFalse-negative rates differ between groups even when calibration is good: most people admitted are not in the top ")
                .append("5%, and groups with lower average risk (younger people) are flagged less. Read them with the group's admission rate.\n\n");
        s.append("## Limits\n")
                .append("- Trained and tested on one area's data at the dates above; performance drifts as services and coding change: ")
                .append("retrain every quarter and compare with this card.\n")
                .append("- Sees only what is recorded in the linked feeds: people who use services outside the area, or whose records ")
                .append("failed to link, look healthier than they are; linkage is weaker for some groups (see the link quality report).\n")
                .append("- The outcome counts admissions in the next 12 months including for people who die or move away during them ")
                .append("(no censoring adjustment); deaths are not an outcome.\n")
                .append("- The cost model predicts the average cost of people like this one; individual costs vary widely (see R-squared), ")
                .append("so use it for ranking and budget envelopes, never as a person's budget on its own.\n")
                .append("- Explanations are SHAP values of the tree model on the log-odds scale: they say what moved this prediction, not ")
                .append("what causes admissions.\n");
        return s.toString();
    }
}
