package uk.nhs.phb.models.risk;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation report as one self-contained HTML page: inline CSS and SVG charts (ROC curves, calibration,
 * net benefit), tables of every metric overall and by subgroup; no script, no network. Drawn from the same
 * maps as {@code metrics.json}.
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
     * @param models  model name -> {@link Evaluation#binary} map (with curves)
     * @param subgroups {@link Evaluation#subgroups} of the chosen model
     * @param cost    {@link Evaluation#cost} map, or null
     * @param chosen  the key in {@code models} of the model phb scores with
     * @param routes  the eligibility routes to a PHB that do not depend on risk, in words (for groups the model never flags)
     */
    @SuppressWarnings("unchecked")
    public static String render(String title, Map<String, Object> context, Map<String, Map<String, Object>> models,
                                Map<String, Object> subgroups, Map<String, Object> cost, String chosen, List<String> routes) {
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
        models.forEach((name, m) -> h.append("<tr><td>").append(esc(modelWords(name))).append("</td><td>").append(f(m.get("auroc"), 3)).append(" (")
                .append(f(m.get("auroc_ci_lower"), 3)).append("–").append(f(m.get("auroc_ci_upper"), 3)).append(")</td><td>")
                .append(f(m.get("auprc"), 3)).append("</td><td>").append(f(m.get("brier"), 4)).append("</td><td>")
                .append(f(m.get("scaled_brier"), 3)).append("</td><td>").append(f(m.get("calibration_in_the_large"), 3)).append("</td><td>")
                .append(f(m.get("calibration_intercept"), 3)).append("</td><td>").append(f(m.get("calibration_slope"), 3)).append("</td><td>")
                .append(f(m.get("e_avg"), 4)).append("</td><td>").append(f(m.get("e_90"), 4)).append("</td><td>").append(f(m.get("e_max"), 4))
                .append("</td><td>").append(pct(m.get("mean_predicted"))).append("</td><td>").append(pct(m.get("observed_rate")))
                .append("</td></tr>"));
        h.append("</table></div><p class=\"note\">AUROC 95% CI by DeLong's method. Calibration intercept and slope from logistic ")
                .append("recalibration logit(P) = a + b logit(p); calibration in the large is a with b fixed at 1. E-statistics are ")
                .append("distances between p and the isotonic (pool-adjacent-violators) calibration curve.</p>");

        h.append(roc(models)).append(calibration(models)).append(netBenefit(models));

        h.append("<h2>Flagging the highest risks</h2>").append(table("Flagging the highest risks"))
                .append("<tr><th>model</th><th>top</th><th>people flagged</th><th>threshold</th>")
                .append("<th>PPV</th><th>sensitivity</th><th>admissions captured</th></tr>");
        models.forEach((name, m) -> {
            for (Map<String, Object> t : (List<Map<String, Object>>) m.get("top")) {
                h.append("<tr><td>").append(esc(modelWords(name))).append("</td><td>").append(pct(t.get("share"))).append("</td><td>")
                        .append(count(t.get("flagged"))).append("</td><td>").append(f(t.get("threshold"), 3)).append("</td><td>")
                        .append(pct(t.get("ppv"))).append("</td><td>").append(pct(t.get("sensitivity"))).append("</td><td>")
                        .append(count(t.get("captured_admissions"))).append(" (").append(pct(t.get("captured_admissions_share")))
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
                ((Map<String, Map<String, Object>>) groups).forEach((g, m) -> h.append("<tr").append(
                                Boolean.TRUE.equals(m.get("core20")) ? " class=\"core20\"" : "").append("><td>").append(esc(g))
                        .append(Boolean.TRUE.equals(m.get("core20")) ? " (Core20)" : "").append("</td><td>").append(count(m.get("rows")))
                        .append("</td><td>").append(count(m.get("positives"))).append("</td><td>").append(pct(m.get("observed_rate")))
                        .append("</td><td>").append(pct(m.get("mean_predicted"))).append("</td><td>").append(f(m.get("auroc"), 3))
                        .append(m.get("auroc") == null ? "" : " (" + f(m.get("auroc_ci_lower"), 3) + "–" + f(m.get("auroc_ci_upper"), 3) + ")")
                        .append("</td><td>").append(f(m.get("calibration_slope"), 2)).append("</td><td>")
                        .append(f(m.get("calibration_in_the_large"), 2)).append("</td><td>").append(pct(m.get("flagged_share")))
                        .append("</td><td>").append(pct(m.get("ppv"))).append("</td><td>").append(pct(m.get("false_negative_rate")))
                        .append("</td></tr>"));
                h.append("</table></div>");
            });
        }
        if (cost != null) {
            h.append("<h2>Cost model (12-month total cost)</h2>").append(table("Cost model"));
            for (Map.Entry<String, String> k : COST_WORDS.entrySet()) {
                Object v = cost.get(k.getKey());
                String shown = v instanceof Integer ? String.format(Locale.UK, "%,d", (Integer) v)
                        : k.getValue().endsWith("(£)") && v instanceof Number n ? String.format(Locale.UK, "£%,.0f", n.doubleValue()) : f(v, 3);
                h.append("<tr><th scope=\"row\">").append(esc(k.getValue())).append("</th><td>").append(esc(shown)).append("</td></tr>");
            }
            h.append("</table></div>").append(table("Cost by tenth of prediction"))
                    .append("<tr><th>tenth of prediction (1: lowest)</th><th>mean predicted a person</th><th>mean observed a person</th></tr>");
            for (Map<String, Object> t : (List<Map<String, Object>>) cost.get("by_tenth_of_prediction")) {
                h.append("<tr><td>").append(esc(t.get("tenth"))).append("</td><td>").append(pounds(t.get("mean_predicted"))).append("</td><td>")
                        .append(pounds(t.get("mean_observed"))).append("</td></tr>");
            }
            h.append("</table></div>");
        }
        h.append("</main></body></html>\n");
        return h.toString();
    }

    /** A table's opening: in a region of its own that scrolls when the table is wider than the window, and takes focus to do so. */
    private static String table(String label) {
        return "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"" + esc(label) + "\"><table>";
    }

    /** The cost model's figures in words, in the order shown. */
    private static final Map<String, String> COST_WORDS = orderedWords("rows", "people tested", "r2", "R² on pounds", "r2_log",
            "R² on log pounds", "mae", "mean absolute error a person (£)", "mean_predicted", "mean predicted a person (£)", "mean_observed",
            "mean observed a person (£)", "predicted_to_observed", "predicted to observed (1 is right on average)");

    private static Map<String, String> orderedWords(String... keysAndWords) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndWords.length; i += 2) {
            m.put(keysAndWords[i], keysAndWords[i + 1]);
        }
        return m;
    }

    /** The models' names in words, by key. */
    private static final Map<String, String> MODEL_WORDS = Map.of("gbt", "Gradient-boosted trees", "logistic", "Logistic regression",
            "baseline_prior_admissions", "Baseline: emergency admissions in the past year", "baseline_multimorbidity",
            "Baseline: number of long-term conditions");

    /** The models' names in a chart's legend, short enough for it. */
    private static final Map<String, String> LEGEND_WORDS = Map.of("gbt", "trees (chosen)", "logistic", "logistic regression",
            "baseline_prior_admissions", "past admissions", "baseline_multimorbidity", "long-term conditions");

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
    @SuppressWarnings("unchecked")
    static List<String> neverFlagged(Map<String, Object> subgroups) {
        List<String> out = new java.util.ArrayList<>();
        subgroups.forEach((grouping, groups) -> ((Map<String, Map<String, Object>>) groups).forEach((g, m) -> {
            Object flagged = m.get("flagged_share");
            Object positives = m.get("positives");
            if (flagged instanceof Number f && f.doubleValue() == 0 && positives instanceof Number n && n.intValue() > 0) {
                out.add(grouping.replace('_', ' ') + " " + g + " (" + n + " people admitted, none flagged)");
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

    private static String legend(Map<String, Map<String, Object>> models, int x0, int y0) {
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

    @SuppressWarnings("unchecked")
    static String roc(Map<String, Map<String, Object>> models) {
        StringBuilder s = new StringBuilder(axes("ROC curves", "false positive rate", "true positive rate", 1));
        int i = 0;
        for (Map<String, Object> m : models.values()) {
            List<double[]> pts = (List<double[]>) m.get("roc");
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

    @SuppressWarnings("unchecked")
    static String calibration(Map<String, Map<String, Object>> models) {
        double max = 0.05;
        for (Map<String, Object> m : models.values()) {
            for (Map<String, Object> b : (List<Map<String, Object>>) m.getOrDefault("calibration_bins", List.of())) {
                max = Math.max(max, Math.max(((Number) b.get("mean_predicted")).doubleValue(), ((Number) b.get("observed")).doubleValue()));
            }
        }
        max = Math.min(1, Math.ceil(max * 10) / 10);
        StringBuilder s = new StringBuilder(axes("Calibration (20 equal-size bins; line: isotonic)", "predicted risk", "observed rate", max));
        int i = 0;
        for (Map<String, Object> m : models.values()) {
            String colour = COLOURS[i % COLOURS.length];
            for (Map<String, Object> b : (List<Map<String, Object>>) m.getOrDefault("calibration_bins", List.of())) {
                s.append(String.format(Locale.UK, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                        sx(Math.min(max, ((Number) b.get("mean_predicted")).doubleValue()), max),
                        sy(Math.min(max, ((Number) b.get("observed")).doubleValue()), max), colour));
            }
            List<double[]> iso = (List<double[]>) m.get("isotonic_curve");
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

    @SuppressWarnings("unchecked")
    static String netBenefit(Map<String, Map<String, Object>> models) {
        double max = 0;
        for (Map<String, Object> m : models.values()) {
            for (Map<String, Object> x : (List<Map<String, Object>>) m.get("net_benefit")) {
                if (x.get("net_benefit") instanceof Number n) {
                    max = Math.max(max, n.doubleValue());
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
        for (Map<String, Object> m : models.values()) {
            StringBuilder d = new StringBuilder();
            StringBuilder a = new StringBuilder();
            for (Map<String, Object> x : (List<Map<String, Object>>) m.get("net_benefit")) {
                double t = ((Number) x.get("threshold")).doubleValue();
                double px = M + (W - 2.0 * M) * t / tmax;
                if (x.get("net_benefit") instanceof Number n) {
                    d.append(String.format(Locale.UK, "%.1f,%.1f ", px, W - M - (W - 2.0 * M) * Math.max(0, n.doubleValue()) / max));
                }
                if (x.get("treat_all") instanceof Number n) {
                    a.append(String.format(Locale.UK, "%.1f,%.1f ", px, W - M - (W - 2.0 * M) * Math.max(0, n.doubleValue()) / max));
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
