package uk.nhs.phb.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.nhs.phb.jobs.pages.Charts;
import uk.nhs.phb.jobs.pages.Pages;
import uk.nhs.phb.jobs.pages.Pages.Row;
import uk.nhs.phb.jobs.pages.Pages.Table;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.risk.Bootstrap;
import uk.nhs.phb.models.risk.Evaluation;
import uk.nhs.phb.models.risk.Metrics;
import uk.nhs.phb.models.risk.NationalBenchmark;

/**
 * The model report ({@code evaluation.html} beside the model in the registry) as one self-contained page from the
 * {@code model_report.html.peb} template: every figure of {@code metrics.json} in words, overall, with bootstrap
 * intervals and by group, and the ROC, calibration and net-benefit curves drawn by {@link Charts}.
 */
public final class ModelReportPage {
    private static final String TEMPLATE = Pages.FOLDER + "model_report.html.peb";

    private ModelReportPage() {
    }

    /** A chart and the caption under it. */
    public record Chart(String svg, String caption) {
    }

    /** What the page shows, every figure already in words. */
    public record View(String title, String chosen, String chosenWhy, Table about, List<String> neverFlagged, String routes,
                       Table discrimination, Table intervals, String intervalsNote, Table national, String nationalCaveat,
                       List<Chart> charts, Table top, int minGroup, List<Table> groups, Table cost, Table costByTenth) {
    }

    /**
     * @param title     the page's title
     * @param about     facts about the data (label -> value), shown first
     * @param models    model key -> its figures (with curves)
     * @param subgroups {@link Evaluation#subgroups} of the chosen model, or null
     * @param cost      the cost model's accuracy, or null
     * @param chosen    the key in {@code models} of the model phb scores with
     * @param routes    the routes to a PHB that do not depend on risk, in words (for groups the model never flags)
     */
    public static String html(String title, Map<String, String> about, Map<String, Evaluation.Binary> models,
                              Map<String, Map<String, Evaluation.Group>> subgroups, Evaluation.Cost cost, String chosen, List<String> routes) {
        return Pages.render(TEMPLATE, Map.of("page", view(title, about, models, subgroups, cost, chosen, routes)));
    }

    private static View view(String title, Map<String, String> about, Map<String, Evaluation.Binary> models,
                     Map<String, Map<String, Evaluation.Group>> subgroups, Evaluation.Cost cost, String chosen, List<String> routes) {
        List<Row> aboutRows = new ArrayList<>();
        about.forEach((k, v) -> aboutRows.add(Row.headed(k, v)));

        List<Row> discrimination = new ArrayList<>();
        models.forEach((name, m) -> discrimination.add(Row.of(modelWords(name), f(m.auroc(), 3) + " (" + f(m.aurocCiLower(), 3) + "–"
                + f(m.aurocCiUpper(), 3) + ")", f(m.auprc(), 3), f(m.brier(), 4), f(m.scaledBrier(), 3), f(m.calibrationInTheLarge(), 3),
                f(m.calibrationIntercept(), 3), f(m.calibrationSlope(), 3), f(m.eAvg(), 4), f(m.e90(), 4), f(m.eMax(), 4),
                pct(m.meanPredicted()), pct(m.observedRate()))));

        Evaluation.Binary chosenFigures = models.get(chosen);
        Table intervals = null;
        String intervalsNote = null;
        if (chosenFigures != null && chosenFigures.bootstrap() != null) {
            intervals = intervals(chosenFigures);
            Bootstrap.Intervals b = chosenFigures.bootstrap();
            intervalsNote = "Percentile intervals from " + String.format(Locale.UK, "%,d", b.replicates()) + " bootstrap replicates of the "
                    + "hold-out (each person weighted by a Poisson(1) count; seed " + b.seed() + "). The AUROC interval in the table of models "
                    + "is DeLong's; the two agree when the hold-out is large.";
        }

        NationalBenchmark sparra = NationalBenchmark.SPARRA_V4;
        Table national = new Table("Beside a national model", List.of("model", "AUROC", "AUPRC", "who it was tested on"), List.of(
                Row.of("This model (gradient-boosted trees)", f(chosenFigures == null ? null : chosenFigures.auroc(), 3),
                        f(chosenFigures == null ? null : chosenFigures.auprc(), 3), "this lake's people at the hold-out date"),
                Row.of(sparra.name(), f(sparra.auroc(), 3), f(sparra.auprc(), 3), sparra.population())));

        List<Row> top = new ArrayList<>();
        models.forEach((name, m) -> {
            for (Evaluation.Top t : m.top()) {
                top.add(Row.of(modelWords(name), pct(t.share()), count(t.flagged()), f(t.threshold(), 3), pct(t.ppv()), pct(t.sensitivity()),
                        count(t.capturedAdmissions()) + " (" + pct(t.capturedAdmissionsShare()) + ")"));
            }
        });

        List<Table> groups = new ArrayList<>();
        if (subgroups != null) {
            subgroups.forEach((grouping, byGroup) -> {
                List<Row> rows = new ArrayList<>();
                byGroup.forEach((g, m) -> {
                    boolean core20 = Boolean.TRUE.equals(m.core20());
                    rows.add(new Row(List.of(g + (core20 ? " (Core20)" : ""), count(m.rows()), count(m.positives()), pct(m.observedRate()),
                            pct(m.meanPredicted()), m.auroc() == null ? "–" : f(m.auroc(), 3) + " (" + f(m.aurocCiLower(), 3) + "–"
                                    + f(m.aurocCiUpper(), 3) + ")", f(m.calibrationSlope(), 2), f(m.calibrationInTheLarge(), 2),
                            pct(m.flaggedShare()), pct(m.ppv()), pct(m.falseNegativeRate())), false, core20));
                });
                groups.add(new Table(GROUPING_WORDS.getOrDefault(grouping, grouping), List.of("group", "people", "admitted", "observed",
                        "mean predicted", "AUROC (95% CI)", "calibration slope", "calibration in the large", "flagged", "PPV",
                        "false-negative rate"), rows));
            });
        }

        Table costTable = null;
        Table costByTenth = null;
        if (cost != null) {
            costTable = new Table("Cost model", List.of(), List.of(
                    Row.headed("people tested", String.format(Locale.UK, "%,d", cost.rows())),
                    Row.headed("R² on pounds", f(cost.r2(), 3)),
                    Row.headed("R² on log pounds", f(cost.r2Log(), 3)),
                    Row.headed("mean absolute error a person (£)", pounds(cost.mae())),
                    Row.headed("mean predicted a person (£)", pounds(cost.meanPredicted())),
                    Row.headed("mean observed a person (£)", pounds(cost.meanObserved())),
                    Row.headed("predicted to observed (1 is right on average)", f(cost.predictedToObserved(), 3))));
            List<Row> tenths = new ArrayList<>();
            for (Evaluation.Tenth t : cost.byTenthOfPrediction()) {
                tenths.add(Row.of(String.valueOf(t.tenth()), pounds(t.meanPredicted()), pounds(t.meanObserved())));
            }
            costByTenth = new Table("Cost by tenth of prediction", List.of("tenth of prediction (1: lowest)", "mean predicted a person",
                    "mean observed a person"), tenths);
        }

        return new View(title, modelWords(chosen), CHOSEN_WHY.getOrDefault(chosen, ""), new Table("About this model", List.of(), aboutRows),
                subgroups == null ? List.of() : neverFlagged(subgroups), String.join("; ", routes),
                new Table("Discrimination and calibration", List.of("model", "AUROC (95% CI)", "AUPRC", "Brier", "scaled Brier",
                        "calibration in the large", "calibration intercept", "calibration slope", "E-avg", "E-90", "E-max", "mean predicted",
                        "observed"), discrimination),
                intervals, intervalsNote, national, sparra.caveat(), List.of(roc(models), calibration(models), netBenefit(models)),
                new Table("Flagging the highest risks", List.of("model", "top", "people flagged", "threshold", "PPV", "sensitivity",
                        "admissions captured"), top),
                Evaluation.MIN_GROUP, groups, costTable, costByTenth);
    }

    /** The chosen model's headline figures with their 95% bootstrap intervals. */
    private static Table intervals(Evaluation.Binary m) {
        Bootstrap.Intervals b = m.bootstrap();
        Evaluation.Top top1 = m.top(0.01);
        Evaluation.Top top5 = m.top(0.05);
        return new Table("Headline figures with 95% intervals", List.of("figure (chosen model)", "on the hold-out", "95% interval"), List.of(
                Row.of("AUROC", f(m.auroc(), 3), interval(b.auroc(), 3, false)),
                Row.of("AUPRC", f(m.auprc(), 3), interval(b.auprc(), 3, false)),
                Row.of("Brier score", f(m.brier(), 4), interval(b.brier(), 4, false)),
                Row.of("calibration slope", f(m.calibrationSlope(), 2), interval(b.calibrationSlope(), 2, false)),
                Row.of("calibration intercept", f(m.calibrationIntercept(), 2), interval(b.calibrationIntercept(), 2, false)),
                Row.of("PPV, top 1% flagged", top1 == null ? "–" : pct(top1.ppv()), interval(b.ppvTop1(), 1, true)),
                Row.of("sensitivity, top 1% flagged", top1 == null ? "–" : pct(top1.sensitivity()), interval(b.sensitivityTop1(), 1, true)),
                Row.of("PPV, top 5% flagged", top5 == null ? "–" : pct(top5.ppv()), interval(b.ppvTop5(), 1, true)),
                Row.of("sensitivity, top 5% flagged", top5 == null ? "–" : pct(top5.sensitivity()), interval(b.sensitivityTop5(), 1, true))));
    }

    private static String interval(Bootstrap.Interval i, int places, boolean percent) {
        if (i == null || i.lower() == null) {
            return "–";
        }
        return percent ? pct(i.lower()) + " to " + pct(i.upper()) : f(i.lower(), places) + " to " + f(i.upper(), places);
    }

    private static Chart roc(Map<String, Evaluation.Binary> models) {
        List<Charts.Series> series = new ArrayList<>();
        models.forEach((name, m) -> series.add(new Charts.Series(legendWords(name), "AUROC " + f(m.auroc(), 3), m.roc(), List.of())));
        return new Chart(Charts.curves("roc", "ROC curves", "false positive rate", "true positive rate", 1, 1, "chance (AUROC 0.5)", null,
                series), "ROC curves: the share of people admitted that each model flags (up) against the share of the others it flags "
                + "(across), at every threshold. Higher and further left is better.");
    }

    private static Chart calibration(Map<String, Evaluation.Binary> models) {
        double max = 0.05;
        List<Charts.Series> series = new ArrayList<>();
        for (Map.Entry<String, Evaluation.Binary> e : models.entrySet()) {
            Evaluation.Binary m = e.getValue();
            List<double[]> bins = new ArrayList<>();
            for (Metrics.Bin b : m.calibrationBins() == null ? List.<Metrics.Bin>of() : m.calibrationBins()) {
                bins.add(new double[] {b.meanPredicted(), b.observed()});
                max = Math.max(max, Math.max(b.meanPredicted(), b.observed()));
            }
            series.add(new Charts.Series(legendWords(e.getKey()), "calibration slope " + f(m.calibrationSlope(), 2) + ", E-avg "
                    + f(m.eAvg(), 4), m.isotonicCurve(), bins));
        }
        max = Math.min(1, Math.ceil(max * 10) / 10);
        return new Chart(Charts.curves("calibration", "Calibration", "predicted risk", "observed rate", max, max, "perfect calibration", null,
                series), "Calibration: markers are 20 equal-size groups of people by predicted risk, the line through them the isotonic "
                + "calibration curve. On the diagonal, predicted risk is what happened.");
    }

    private static Chart netBenefit(Map<String, Evaluation.Binary> models) {
        double max = 0;
        List<Charts.Series> series = new ArrayList<>();
        Charts.Series everyone = null;
        for (Map.Entry<String, Evaluation.Binary> e : models.entrySet()) {
            List<double[]> line = new ArrayList<>();
            List<double[]> all = new ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            double bestAt = 0;
            for (Evaluation.NetBenefit x : e.getValue().netBenefit()) {
                if (x.netBenefit() != null) {
                    line.add(new double[] {x.threshold(), Math.max(0, x.netBenefit())});
                    max = Math.max(max, x.netBenefit());
                    if (x.netBenefit() > best) {
                        best = x.netBenefit();
                        bestAt = x.threshold();
                    }
                }
                if (x.treatAll() != null) {
                    all.add(new double[] {x.threshold(), Math.max(0, x.treatAll())});
                }
            }
            series.add(new Charts.Series(legendWords(e.getKey()), line.isEmpty() ? "no figures"
                    : String.format(Locale.UK, "highest net benefit %.4f, at threshold %s", best, trim(bestAt)), line, List.of()));
            if (everyone == null && !all.isEmpty()) {
                everyone = new Charts.Series("flag everyone", "net benefit " + String.format(Locale.UK, "%.4f", all.get(0)[1]) + " at threshold "
                        + trim(all.get(0)[0]) + ", falling to 0", all, List.of());
            }
        }
        double tmax = Evaluation.NET_BENEFIT_THRESHOLDS[Evaluation.NET_BENEFIT_THRESHOLDS.length - 1];
        return new Chart(Charts.curves("net-benefit", "Net benefit", "threshold probability", "net benefit", tmax, max <= 0 ? 0.01 : max * 1.1,
                null, everyone, series), "Net benefit: admissions found less false alarms weighed by the threshold's odds, for each "
                + "threshold a service might act at. Above the grey line (flag everyone) and above 0 (flag nobody), a list is worth using.");
    }

    private static String trim(double v) {
        return String.format(Locale.UK, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The models' names in words, by key. */
    private static final Map<String, String> MODEL_WORDS = Map.of("gbt", "Gradient-boosted trees", "logistic", "Logistic regression",
            "baseline_prior_admissions", "Baseline: emergency admissions in the past year", "baseline_multimorbidity",
            "Baseline: number of long-term conditions", Evaluation.Report.ORACLE, "Oracle: the generator's true risk (synthetic data)");

    /** The models' names in a chart's legend, short enough for it. */
    private static final Map<String, String> LEGEND_WORDS = Map.of("gbt", "trees (chosen)", "logistic", "logistic regression",
            "baseline_prior_admissions", "past admissions", "baseline_multimorbidity", "long-term conditions", Evaluation.Report.ORACLE,
            "true risk (oracle)");

    /** The groupings' names in words, by key. */
    private static final Map<String, String> GROUPING_WORDS = Map.of("imd_quintile", "Deprivation (IMD quintile of the home area)",
            "ethnicity", "Ethnicity", "age_band", "Age band", "sex", "Sex");

    /** Why the scoring model is the one it is, by its key. */
    private static final Map<String, String> CHOSEN_WHY = Map.of("gbt", "Gradient-boosted trees score every person and explain each "
            + "score by its factors (TreeSHAP). The logistic regression and the two simple baselines below are fitted and tested on the "
            + "same people only to show what the trees add; the oracle, on synthetic data only, is the generator's true risk.");

    private static String modelWords(String key) {
        return MODEL_WORDS.getOrDefault(key, key);
    }

    private static String legendWords(String key) {
        return LEGEND_WORDS.getOrDefault(key, key);
    }

    /** Groups with admissions where the chosen model flags nobody at the operating point, as "grouping group (N people admitted, none flagged)". */
    private static List<String> neverFlagged(Map<String, Map<String, Evaluation.Group>> subgroups) {
        List<String> out = new ArrayList<>();
        subgroups.forEach((grouping, groups) -> groups.forEach((g, m) -> {
            if (m.flaggedShare() != null && m.flaggedShare() == 0 && m.positives() > 0) {
                out.add(grouping.replace('_', ' ') + " " + g + " (" + m.positives() + " people admitted, none flagged)");
            }
        }));
        return out;
    }

    private static String f(Object o, int places) {
        if (!(o instanceof Number n)) {
            return o == null ? "–" : o.toString();
        }
        return String.format(Locale.UK, "%." + places + "f", n.doubleValue());
    }

    private static String pct(Object o) {
        return o instanceof Number n ? String.format(Locale.UK, "%.1f%%", 100 * n.doubleValue()) : "–";
    }

    /** A whole number with thousands separators. */
    private static String count(Object o) {
        return o instanceof Number n ? String.format(Locale.UK, "%,d", Math.round(n.doubleValue())) : f(o, 0);
    }

    /** Whole pounds with thousands separators. */
    private static String pounds(Object o) {
        return o instanceof Number n ? Money.formatWhole(java.math.BigDecimal.valueOf(n.doubleValue())) : f(o, 0);
    }
}
