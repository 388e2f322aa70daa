package uk.nhs.phb.models.risk;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation report as one self-contained HTML page: inline CSS and SVG charts (ROC curves, calibration,
 * net benefit), tables of every metric overall and by subgroup; no script, no network. Drawn from the same
 * records as {@code metrics.json}.
 */
public final class ReportHtml {
    private static final String[] COLOURS = {"#005eb8", "#d5281b", "#007f3b", "#ffb81c", "#330072", "#768692"};
    /** Each series also has its own dash pattern, so curves are told apart without colour. */
    private static final String[] DASHES = {"none", "8 4", "2 3", "10 3 2 3", "1 5", "14 5"};

    private ReportHtml() {
    }

    static String esc(Object o) {
        return o == null ? "" : o.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String f(Object o, int places) {
        if (!(o instanceof Number n)) {
            return o == null ? "–" : esc(o);
        }
        return String.format(Locale.UK, "%." + places + "f", n.doubleValue());
    }

    static String pct(Object o) {
        return o instanceof Number n ? String.format(Locale.UK, "%.1f%%", 100 * n.doubleValue()) : "–";
    }

    /**
     * @param title   page title
     * @param context facts about the data (label -> value) shown first
     * @param models  model key -> its figures (with curves)
     * @param subgroups {@link Evaluation#subgroups} of the chosen model, or null
     * @param cost    the cost model's accuracy, or null
     * @param chosen  the key in {@code models} of the model phb scores with
     * @param routes  the eligibility routes to a PHB that do not depend on risk, in words (for groups the model never flags)
     */
    public static String render(String title, Map<String, Object> context, Map<String, Evaluation.Binary> models,
                                Map<String, Map<String, Evaluation.Group>> subgroups, Evaluation.Cost cost, String chosen, List<String> routes) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:Arial,Helvetica,sans-serif;margin:0 auto;padding:1em 2em;color:#212b32;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d8dde0;padding:4px 8px;text-align:right}")
                .append("th{background:#f0f4f5}td:first-child,th:first-child{text-align:left}.core20{background:#fff4d6}")
                .append("svg{background:#fff;border:1px solid #d8dde0;margin:0 1em 1em 0;max-width:100%;height:auto}.note{color:#4c6272;font-size:90%}")
                .append(".scroll{overflow-x:auto}.scroll:focus{outline:3px solid #ffdd00}")
                .append(".chosen{border-left:6px solid #005eb8;padding:4px 12px}.warning{border-left:6px solid #d5281b;padding:4px 12px}")
                .append("@media (max-width:600px){body{padding:.5em}}")
                .append("</style></head><body><main>");
        h.append("<h1>").append(esc(title)).append("</h1>");
        h.append("<p class=\"chosen\"><strong>The model phb scores with: ").append(esc(modelWords(chosen))).append(".</strong> ")
                .append(esc(CHOSEN_WHY.getOrDefault(chosen, ""))).append("</p>");
        h.append(table("About this model"));
        context.forEach((k, v) -> h.append("<tr><th scope=\"row\">").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
        h.append("</table></div>");
        if (subgroups != null) {
            List<String> never = neverFlagged(subgroups);
            if (!never.isEmpty()) {
                h.append("<div class=\"warning\"><h2>Groups the risk list never reaches</h2><p>At the operating point (the top 5% flagged) ")
                        .append("the model flags nobody in these groups, so a list by risk alone misses every admission in them:</p><ul>");
                never.forEach(g -> h.append("<li>").append(esc(g)).append("</li>"));
                h.append("</ul><p>People in these groups come to a personal health budget through routes that do not depend on risk: ")
                        .append(esc(String.join("; ", routes))).append(". Use those routes for them; do not read their absence from ")
                        .append("the risk list as no need.</p></div>");
            }
        }

        h.append("<h2>Discrimination and calibration on the temporal hold-out</h2>").append(table("Discrimination and calibration"))
                .append("<tr><th>model</th><th>AUROC (95% CI)</th>")
                .append("<th>AUPRC</th><th>Brier</th><th>scaled Brier</th><th>calibration in the large</th><th>calibration intercept</th>")
                .append("<th>calibration slope</th><th>E-avg</th><th>E-90</th><th>E-max</th><th>mean predicted</th><th>observed</th></tr>");
        models.forEach((name, m) -> h.append("<tr><td>").append(esc(modelWords(name))).append("</td><td>").append(f(m.auroc(), 3)).append(" (")
                .append(f(m.aurocCiLower(), 3)).append("–").append(f(m.aurocCiUpper(), 3)).append(")</td><td>")
                .append(f(m.auprc(), 3)).append("</td><td>").append(f(m.brier(), 4)).append("</td><td>")
                .append(f(m.scaledBrier(), 3)).append("</td><td>").append(f(m.calibrationInTheLarge(), 3)).append("</td><td>")
                .append(f(m.calibrationIntercept(), 3)).append("</td><td>").append(f(m.calibrationSlope(), 3)).append("</td><td>")
                .append(f(m.eAvg(), 4)).append("</td><td>").append(f(m.e90(), 4)).append("</td><td>").append(f(m.eMax(), 4))
                .append("</td><td>").append(pct(m.meanPredicted())).append("</td><td>").append(pct(m.observedRate()))
                .append("</td></tr>"));
        h.append("</table></div><p class=\"note\">AUROC 95% CI by DeLong's method. Calibration intercept and slope from logistic ")
                .append("recalibration logit(P) = a + b logit(p); calibration in the large is a with b fixed at 1. E-statistics are ")
                .append("distances between p and the isotonic (pool-adjacent-violators) calibration curve.</p>");

        Evaluation.Binary chosenFigures = models.get(chosen);
        if (chosenFigures != null && chosenFigures.bootstrap() != null) {
            h.append(intervals(chosenFigures));
        }
        h.append(nationalComparison(chosenFigures));

        h.append(roc(models)).append(calibration(models)).append(netBenefit(models));

        h.append("<h2>Flagging the highest risks</h2>").append(table("Flagging the highest risks"))
                .append("<tr><th>model</th><th>top</th><th>people flagged</th><th>threshold</th>")
                .append("<th>PPV</th><th>sensitivity</th><th>admissions captured</th></tr>");
        models.forEach((name, m) -> {
            for (Evaluation.Top t : m.top()) {
                h.append("<tr><td>").append(esc(modelWords(name))).append("</td><td>").append(pct(t.share())).append("</td><td>")
                        .append(count(t.flagged())).append("</td><td>").append(f(t.threshold(), 3)).append("</td><td>")
                        .append(pct(t.ppv())).append("</td><td>").append(pct(t.sensitivity())).append("</td><td>")
                        .append(count(t.capturedAdmissions())).append(" (").append(pct(t.capturedAdmissionsShare()))
                        .append(")</td></tr>");
            }
        });
        h.append("</table></div>");

        if (subgroups != null) {
            h.append("<h2>By group (chosen model)</h2><p class=\"note\">At the operating point (the top 5% of the whole population ")
                    .append("flagged: tiers very high and high). IMD quintile 1 is Core20, the most deprived 20% of areas. Groups under ")
                    .append(Evaluation.MIN_GROUP).append(" people or without admissions show counts only.</p>");
            subgroups.forEach((grouping, groups) -> {
                h.append("<h3>").append(esc(GROUPING_WORDS.getOrDefault(grouping, grouping))).append("</h3>")
                        .append(table(GROUPING_WORDS.getOrDefault(grouping, grouping)))
                        .append("<tr><th>group</th><th>people</th><th>admitted</th>")
                        .append("<th>observed</th><th>mean predicted</th><th>AUROC (95% CI)</th><th>calibration slope</th>")
                        .append("<th>calibration in the large</th><th>flagged</th><th>PPV</th><th>false-negative rate</th></tr>");
                groups.forEach((g, m) -> h.append("<tr").append(
                                Boolean.TRUE.equals(m.core20()) ? " class=\"core20\"" : "").append("><td>").append(esc(g))
                        .append(Boolean.TRUE.equals(m.core20()) ? " (Core20)" : "").append("</td><td>").append(count(m.rows()))
                        .append("</td><td>").append(count(m.positives())).append("</td><td>").append(pct(m.observedRate()))
                        .append("</td><td>").append(pct(m.meanPredicted())).append("</td><td>").append(f(m.auroc(), 3))
                        .append(m.auroc() == null ? "" : " (" + f(m.aurocCiLower(), 3) + "–" + f(m.aurocCiUpper(), 3) + ")")
                        .append("</td><td>").append(f(m.calibrationSlope(), 2)).append("</td><td>")
                        .append(f(m.calibrationInTheLarge(), 2)).append("</td><td>").append(pct(m.flaggedShare()))
                        .append("</td><td>").append(pct(m.ppv())).append("</td><td>").append(pct(m.falseNegativeRate()))
                        .append("</td></tr>"));
                h.append("</table></div>");
            });
        }
        if (cost != null) {
            h.append("<h2>Cost model (12-month total cost)</h2>").append(table("Cost model"));
            costRow(h, "people tested", String.format(Locale.UK, "%,d", cost.rows()));
            costRow(h, "R² on pounds", f(cost.r2(), 3));
            costRow(h, "R² on log pounds", f(cost.r2Log(), 3));
            costRow(h, "mean absolute error a person (£)", pounds(cost.mae()));
            costRow(h, "mean predicted a person (£)", pounds(cost.meanPredicted()));
            costRow(h, "mean observed a person (£)", pounds(cost.meanObserved()));
            costRow(h, "predicted to observed (1 is right on average)", f(cost.predictedToObserved(), 3));
            h.append("</table></div>").append(table("Cost by tenth of prediction"))
                    .append("<tr><th>tenth of prediction (1: lowest)</th><th>mean predicted a person</th><th>mean observed a person</th></tr>");
            for (Evaluation.Tenth t : cost.byTenthOfPrediction()) {
                h.append("<tr><td>").append(t.tenth()).append("</td><td>").append(pounds(t.meanPredicted())).append("</td><td>")
                        .append(pounds(t.meanObserved())).append("</td></tr>");
            }
            h.append("</table></div>");
        }
        h.append("</main></body></html>\n");
        return h.toString();
    }

    /** The chosen model's headline figures with their 95% bootstrap intervals. */
    static String intervals(Evaluation.Binary m) {
        Bootstrap.Intervals b = m.bootstrap();
        Evaluation.Top top1 = m.top(0.01);
        Evaluation.Top top5 = m.top(0.05);
        StringBuilder h = new StringBuilder("<h2>How sure these figures are</h2>").append(table("Headline figures with 95% intervals"))
                .append("<tr><th>figure (chosen model)</th><th>on the hold-out</th><th>95% interval</th></tr>");
        intervalRow(h, "AUROC", f(m.auroc(), 3), b.auroc(), 3, false);
        intervalRow(h, "AUPRC", f(m.auprc(), 3), b.auprc(), 3, false);
        intervalRow(h, "Brier score", f(m.brier(), 4), b.brier(), 4, false);
        intervalRow(h, "calibration slope", f(m.calibrationSlope(), 2), b.calibrationSlope(), 2, false);
        intervalRow(h, "calibration intercept", f(m.calibrationIntercept(), 2), b.calibrationIntercept(), 2, false);
        intervalRow(h, "PPV, top 1% flagged", top1 == null ? "–" : pct(top1.ppv()), b.ppvTop1(), 1, true);
        intervalRow(h, "sensitivity, top 1% flagged", top1 == null ? "–" : pct(top1.sensitivity()), b.sensitivityTop1(), 1, true);
        intervalRow(h, "PPV, top 5% flagged", top5 == null ? "–" : pct(top5.ppv()), b.ppvTop5(), 1, true);
        intervalRow(h, "sensitivity, top 5% flagged", top5 == null ? "–" : pct(top5.sensitivity()), b.sensitivityTop5(), 1, true);
        return h.append("</table></div><p class=\"note\">Percentile intervals from ").append(String.format(Locale.UK, "%,d", b.replicates()))
                .append(" bootstrap replicates of the hold-out (each person weighted by a Poisson(1) count; seed ").append(b.seed())
                .append("). The AUROC interval above the table of models is DeLong's; the two agree when the hold-out is large.</p>")
                .toString();
    }

    private static void intervalRow(StringBuilder h, String figure, String estimate, Bootstrap.Interval i, int places, boolean percent) {
        String shown = i == null || i.lower() == null ? "–"
                : percent ? pct(i.lower()) + " to " + pct(i.upper()) : f(i.lower(), places) + " to " + f(i.upper(), places);
        h.append("<tr><td>").append(esc(figure)).append("</td><td>").append(estimate).append("</td><td>").append(shown).append("</td></tr>");
    }

    /** A national model's published figures beside the chosen model's, with what the comparison can and cannot say. */
    static String nationalComparison(Evaluation.Binary m) {
        return "<h2>Beside a national model</h2>" + table("Beside a national model")
                + "<tr><th>model</th><th>AUROC</th><th>AUPRC</th><th>who it was tested on</th></tr>"
                + "<tr><td>This model (gradient-boosted trees)</td><td>" + f(m == null ? null : m.auroc(), 3) + "</td><td>"
                + f(m == null ? null : m.auprc(), 3) + "</td><td>this lake's people at the hold-out date</td></tr>"
                + "<tr><td>" + esc(NationalBenchmark.SPARRA_V4.name()) + "</td><td>" + f(NationalBenchmark.SPARRA_V4.auroc(), 3) + "</td><td>"
                + f(NationalBenchmark.SPARRA_V4.auprc(), 3) + "</td><td>" + esc(NationalBenchmark.SPARRA_V4.population()) + "</td></tr>"
                + "</table></div><p class=\"note\">" + esc(NationalBenchmark.SPARRA_V4.caveat()) + "</p>";
    }

    /** A table's opening: in a region of its own that scrolls when the table is wider than the window, and takes focus to do so. */
    private static String table(String label) {
        return "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"" + esc(label) + "\"><table>";
    }

    private static void costRow(StringBuilder h, String words, String shown) {
        h.append("<tr><th scope=\"row\">").append(esc(words)).append("</th><td>").append(esc(shown)).append("</td></tr>");
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

    static String modelWords(String key) {
        return MODEL_WORDS.getOrDefault(key, key);
    }

    /** A whole number with thousands separators. */
    static String count(Object o) {
        return o instanceof Number n ? String.format(Locale.UK, "%,d", Math.round(n.doubleValue())) : f(o, 0);
    }

    /** Whole pounds with thousands separators. */
    static String pounds(Object o) {
        return o instanceof Number n ? uk.nhs.phb.models.budget.Money.formatWhole(java.math.BigDecimal.valueOf(n.doubleValue())) : f(o, 0);
    }

    /** Why the scoring model is the one it is, by its key. */
    private static final Map<String, String> CHOSEN_WHY = Map.of("gbt", "Gradient-boosted trees score every person and explain each "
            + "score by its factors (TreeSHAP). The logistic regression and the two simple baselines below are fitted and tested on the "
            + "same people only to show what the trees add; the oracle, on synthetic data only, is the generator's true risk.");

    /** Groups with admissions where the chosen model flags nobody at the operating point, as "grouping: group (N admissions)". */
    static List<String> neverFlagged(Map<String, Map<String, Evaluation.Group>> subgroups) {
        List<String> out = new java.util.ArrayList<>();
        subgroups.forEach((grouping, groups) -> groups.forEach((g, m) -> {
            if (m.flaggedShare() != null && m.flaggedShare() == 0 && m.positives() > 0) {
                out.add(grouping.replace('_', ' ') + " " + g + " (" + m.positives() + " people admitted, none flagged)");
            }
        }));
        return out;
    }

    private static final int W = 360;
    private static final int M = 40;

    private static double sx(double v, double max) {
        return M + v / max * (W - 2 * M);
    }

    private static double sy(double v, double max) {
        return W - M - v / max * (W - 2 * M);
    }

    private static String axes(String title, String xLabel, String yLabel, double max) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.UK, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
                + "<title>%s</title>", W, W, W, W, esc(title)));
        s.append(String.format(Locale.UK, "<text x=\"%d\" y=\"16\" font-size=\"13\">%s</text>", M, esc(title)));
        s.append(String.format(Locale.UK, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#212b32\"/>", M, W - M, W - M, W - M));
        s.append(String.format(Locale.UK, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#212b32\"/>", M, M, M, W - M));
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            s.append(String.format(Locale.UK, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>", sx(v, max), W - M + 14,
                    trim(v)));
            s.append(String.format(Locale.UK, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", M - 4, sy(v, max) + 3,
                    trim(v)));
        }
        s.append(String.format(Locale.UK, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", W / 2, W - 6, esc(xLabel)));
        s.append(String.format(Locale.UK, "<text x=\"12\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>",
                W / 2, W / 2, esc(yLabel)));
        s.append(String.format(Locale.UK, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#aeb7bd\" stroke-dasharray=\"4 3\"/>",
                sx(0, max), sy(0, max), sx(max, max), sy(max, max)));
        return s.toString();
    }

    private static String trim(double v) {
        return String.format(Locale.UK, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String legend(Map<String, Evaluation.Binary> models, int x0, int y0) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        for (String name : models.keySet()) {
            s.append(String.format(Locale.UK, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"2\" stroke=\"%s\" "
                    + "stroke-dasharray=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", x0, y0 + 5 + 13 * i, x0 + 20,
                    y0 + 5 + 13 * i, COLOURS[i % COLOURS.length], DASHES[i % DASHES.length], x0 + 24, y0 + 9 + 13 * i,
                    esc(LEGEND_WORDS.getOrDefault(name, name))));
            i++;
        }
        return s.toString();
    }

    static String roc(Map<String, Evaluation.Binary> models) {
        StringBuilder s = new StringBuilder(axes("ROC curves", "false positive rate", "true positive rate", 1));
        int i = 0;
        for (Evaluation.Binary m : models.values()) {
            List<double[]> pts = m.roc();
            if (pts != null) {
                StringBuilder d = new StringBuilder();
                for (double[] p : pts) {
                    d.append(String.format(Locale.UK, "%.1f,%.1f ", sx(p[0], 1), sy(p[1], 1)));
                }
                s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke-dasharray=\"").append(DASHES[i % DASHES.length])
                        .append("\" stroke=\"").append(COLOURS[i % COLOURS.length])
                        .append("\" points=\"").append(d.toString().strip()).append("\"/>");
            }
            i++;
        }
        return s.append(legend(models, W - 150, W - M - 14 - 13 * models.size())).append("</svg>").toString();
    }

    static String calibration(Map<String, Evaluation.Binary> models) {
        double max = 0.05;
        for (Evaluation.Binary m : models.values()) {
            for (Metrics.Bin b : bins(m)) {
                max = Math.max(max, Math.max(b.meanPredicted(), b.observed()));
            }
        }
        max = Math.min(1, Math.ceil(max * 10) / 10);
        StringBuilder s = new StringBuilder(axes("Calibration (20 equal-size bins; line: isotonic)", "predicted risk", "observed rate", max));
        int i = 0;
        for (Evaluation.Binary m : models.values()) {
            String colour = COLOURS[i % COLOURS.length];
            for (Metrics.Bin b : bins(m)) {
                s.append(String.format(Locale.UK, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        sx(Math.min(max, b.meanPredicted()), max), sy(Math.min(max, b.observed()), max), colour));
            }
            List<double[]> iso = m.isotonicCurve();
            if (iso != null) {
                StringBuilder d = new StringBuilder();
                for (double[] p : iso) {
                    d.append(String.format(Locale.UK, "%.1f,%.1f ", sx(Math.min(max, p[0]), max), sy(Math.min(max, p[1]), max)));
                }
                s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke-opacity=\"0.8\" stroke-dasharray=\"")
                        .append(DASHES[i % DASHES.length]).append("\" stroke=\"").append(colour)
                        .append("\" points=\"").append(d.toString().strip()).append("\"/>");
            }
            i++;
        }
        return s.append(legend(models, M + 10, 26)).append("</svg>").toString();
    }

    private static List<Metrics.Bin> bins(Evaluation.Binary m) {
        return m.calibrationBins() == null ? List.of() : m.calibrationBins();
    }

    static String netBenefit(Map<String, Evaluation.Binary> models) {
        double max = 0;
        for (Evaluation.Binary m : models.values()) {
            for (Evaluation.NetBenefit x : m.netBenefit()) {
                if (x.netBenefit() != null) {
                    max = Math.max(max, x.netBenefit());
                }
            }
        }
        max = max <= 0 ? 0.01 : max * 1.1;
        double tmax = Evaluation.NET_BENEFIT_THRESHOLDS[Evaluation.NET_BENEFIT_THRESHOLDS.length - 1];
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.UK, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
                + "<title>Net benefit</title><text x=\"%d\" y=\"16\" font-size=\"13\">Net benefit (grey: flag everyone)</text>", W, W, W, W, M));
        s.append(String.format(Locale.UK, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#212b32\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                + "y2=\"%d\" stroke=\"#212b32\"/>", M, W - M, W - M, W - M, M, M, M, W - M));
        for (int k = 0; k <= 4; k++) {
            s.append(String.format(Locale.UK, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    M + (W - 2.0 * M) * k / 4, W - M + 14, trim(tmax * k / 4)));
            s.append(String.format(Locale.UK, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", M - 4,
                    W - M - (W - 2.0 * M) * k / 4 + 3, String.format(Locale.UK, "%.3f", max * k / 4)));
        }
        s.append(String.format(Locale.UK, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">threshold probability</text>", W / 2,
                W - 6));
        int i = 0;
        boolean all = false;
        for (Evaluation.Binary m : models.values()) {
            StringBuilder d = new StringBuilder();
            StringBuilder a = new StringBuilder();
            for (Evaluation.NetBenefit x : m.netBenefit()) {
                double px = M + (W - 2.0 * M) * x.threshold() / tmax;
                if (x.netBenefit() != null) {
                    d.append(String.format(Locale.UK, "%.1f,%.1f ", px, W - M - (W - 2.0 * M) * Math.max(0, x.netBenefit()) / max));
                }
                if (x.treatAll() != null) {
                    a.append(String.format(Locale.UK, "%.1f,%.1f ", px, W - M - (W - 2.0 * M) * Math.max(0, x.treatAll()) / max));
                }
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke-dasharray=\"").append(DASHES[i % DASHES.length])
                        .append("\" stroke=\"").append(COLOURS[i % COLOURS.length]).append("\" points=\"")
                    .append(d.toString().strip()).append("\"/>");
            if (!all) {
                s.append("<polyline fill=\"none\" stroke=\"#aeb7bd\" stroke-dasharray=\"4 3\" points=\"").append(a.toString().strip())
                        .append("\"/>");
                all = true;
            }
            i++;
        }
        return s.append(legend(models, W - 150, 26)).append("</svg>").toString();
    }
}
