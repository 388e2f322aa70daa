package uk.nhs.phb.models.risk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation report's figures as plain maps (written as {@code metrics.json}, drawn by {@link ReportHtml}):
 * every metric of {@link Metrics} for one model, the same per subgroup, and the cost model's accuracy. Values that
 * cannot be computed (a group without outcomes) are null, never NaN.
 */
public final class Evaluation {
    /** Shares of the population flagged for the top-k% figures. */
    public static final double[] TOP_SHARES = {0.005, 0.01, 0.05};
    /** Thresholds of the net benefit curve. */
    public static final double[] NET_BENEFIT_THRESHOLDS = {0.02, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.40, 0.50};
    /** Groups smaller than this get counts only (their metrics would be noise). */
    public static final int MIN_GROUP = 30;

    private Evaluation() {
    }

    static Object num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** All figures of one model's predictions {@code p} against outcomes {@code y}; {@code events} are admissions per person. */
    public static Map<String, Object> binary(double[] p, int[] y, double[] events, double operatingThreshold, boolean curves) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n1 = Metrics.positives(y);
        m.put("rows", p.length);
        m.put("positives", n1);
        m.put("observed_rate", num((double) n1 / p.length));
        m.put("mean_predicted", num(Metrics.mean(p)));
        Metrics.Auc auc = Metrics.delong(p, y);
        m.put("auroc", num(auc.auc()));
        m.put("auroc_se", num(auc.se()));
        m.put("auroc_ci_lower", num(auc.lower()));
        m.put("auroc_ci_upper", num(auc.upper()));
        m.put("auprc", num(Metrics.averagePrecision(p, y)));
        m.put("brier", num(Metrics.brier(p, y)));
        m.put("scaled_brier", num(Metrics.scaledBrier(p, y)));
        m.put("calibration_in_the_large", num(Metrics.calibrationInTheLarge(p, y)));
        Metrics.Recalibration r = Metrics.recalibration(p, y);
        m.put("calibration_intercept", num(r.intercept()));
        m.put("calibration_slope", num(r.slope()));
        Metrics.ECalibration e = Metrics.eStatistics(p, y);
        m.put("e_avg", num(e.eAvg()));
        m.put("e_90", num(e.e90()));
        m.put("e_max", num(e.eMax()));
        List<Map<String, Object>> top = new ArrayList<>();
        for (double s : TOP_SHARES) {
            Metrics.TopShare t = Metrics.topShare(p, y, events, s);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("share", s);
            x.put("flagged", t.flagged());
            x.put("threshold", num(t.threshold()));
            x.put("true_positives", t.truePositives());
            x.put("ppv", num(t.ppv()));
            x.put("sensitivity", num(t.sensitivity()));
            x.put("captured_admissions", num(t.capturedEvents()));
            x.put("captured_admissions_share", num(t.capturedEventsShare()));
            top.add(x);
        }
        m.put("top", top);
        m.put("operating_point", operating(p, y, operatingThreshold));
        List<Map<String, Object>> nb = new ArrayList<>();
        for (double t : NET_BENEFIT_THRESHOLDS) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("threshold", t);
            x.put("net_benefit", num(Metrics.netBenefit(p, y, t)));
            x.put("treat_all", num(Metrics.netBenefitTreatAll(y, t)));
            nb.add(x);
        }
        m.put("net_benefit", nb);
        if (curves) {
            List<double[]> roc = new ArrayList<>();
            for (Metrics.Point pt : Metrics.roc(p, y, 200)) {
                roc.add(new double[] {pt.x(), pt.y()});
            }
            m.put("roc", roc);
            List<Map<String, Object>> bins = new ArrayList<>();
            for (Metrics.Bin b : Metrics.calibrationBins(p, y, 20)) {
                bins.add(Map.of("mean_predicted", b.meanPredicted(), "observed", b.observed(), "n", b.n()));
            }
            m.put("calibration_bins", bins);
            m.put("isotonic_curve", isotonicCurve(p, y, 100));
        }
        return m;
    }

    /** Who is flagged at the operating point and who is missed. */
    static Map<String, Object> operating(double[] p, int[] y, double threshold) {
        Map<String, Object> m = new LinkedHashMap<>();
        int flagged = 0;
        for (double v : p) {
            if (v >= threshold) {
                flagged++;
            }
        }
        m.put("threshold", num(threshold));
        m.put("flagged_share", num((double) flagged / p.length));
        m.put("ppv", num(Metrics.ppvAt(p, y, threshold)));
        double fnr = Metrics.falseNegativeRate(p, y, threshold);
        m.put("sensitivity", num(1 - fnr));
        m.put("false_negative_rate", num(fnr));
        return m;
    }

    /** The isotonic calibration curve thinned to about {@code points} (p, calibrated p) pairs, for the chart. */
    static List<double[]> isotonicCurve(double[] p, int[] y, int points) {
        double[] c = Metrics.isotonic(p, y);
        Integer[] order = Metrics.sortedIndex(p, true);
        List<double[]> out = new ArrayList<>();
        int n = p.length;
        for (int k = 0; k < points && n > 0; k++) {
            int i = (int) Math.min(n - 1, Math.round((double) k * (n - 1) / Math.max(1, points - 1)));
            out.add(new double[] {p[order[i]], c[order[i]]});
        }
        return out;
    }

    /**
     * The same figures within each group of each grouping (e.g. {@code imd_quintile -> labels per row}); groups
     * under {@link #MIN_GROUP} rows or without both outcomes report counts only. The operating threshold is the
     * whole population's, so false-negative rates compare groups at the same decision.
     */
    public static Map<String, Object> subgroups(double[] p, int[] y, double[] events, Map<String, String[]> groupings,
                                                double operatingThreshold) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> g : groupings.entrySet()) {
            Map<String, List<Integer>> members = new TreeMap<>();
            String[] labels = g.getValue();
            for (int i = 0; i < labels.length; i++) {
                members.computeIfAbsent(labels[i] == null ? "unknown" : labels[i], k -> new ArrayList<>()).add(i);
            }
            Map<String, Object> groups = new LinkedHashMap<>();
            for (Map.Entry<String, List<Integer>> e : members.entrySet()) {
                List<Integer> idx = e.getValue();
                double[] gp = new double[idx.size()];
                int[] gy = new int[idx.size()];
                double[] ge = events == null ? null : new double[idx.size()];
                for (int k = 0; k < idx.size(); k++) {
                    gp[k] = p[idx.get(k)];
                    gy[k] = y[idx.get(k)];
                    if (ge != null) {
                        ge[k] = events[idx.get(k)];
                    }
                }
                Map<String, Object> m = new LinkedHashMap<>();
                int n1 = Metrics.positives(gy);
                m.put("rows", idx.size());
                m.put("positives", n1);
                if (g.getKey().equals("imd_quintile")) {
                    m.put("core20", e.getKey().equals("1"));
                }
                m.put("observed_rate", num((double) n1 / idx.size()));
                m.put("mean_predicted", num(Metrics.mean(gp)));
                if (idx.size() >= MIN_GROUP && n1 > 0 && n1 < idx.size()) {
                    Metrics.Auc auc = Metrics.delong(gp, gy);
                    m.put("auroc", num(auc.auc()));
                    m.put("auroc_ci_lower", num(auc.lower()));
                    m.put("auroc_ci_upper", num(auc.upper()));
                    m.put("auprc", num(Metrics.averagePrecision(gp, gy)));
                    m.put("brier", num(Metrics.brier(gp, gy)));
                    m.put("calibration_in_the_large", num(Metrics.calibrationInTheLarge(gp, gy)));
                    Metrics.Recalibration r = Metrics.recalibration(gp, gy);
                    m.put("calibration_intercept", num(r.intercept()));
                    m.put("calibration_slope", num(r.slope()));
                    m.put("e_avg", num(Metrics.eStatistics(gp, gy).eAvg()));
                }
                m.putAll(operating(gp, gy, operatingThreshold));
                m.remove("threshold");
                groups.put(e.getKey(), m);
            }
            out.put(g.getKey(), groups);
        }
        return out;
    }

    /** Accuracy of a cost model: R-squared, mean absolute error, totals, and mean predicted vs observed per tenth of predictions. */
    public static Map<String, Object> cost(double[] predicted, double[] observed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", predicted.length);
        m.put("r2", num(Metrics.r2(predicted, observed)));
        m.put("mae", num(Metrics.meanAbsoluteError(predicted, observed)));
        double mp = Metrics.mean(predicted);
        double mo = Metrics.mean(observed);
        m.put("mean_predicted", num(mp));
        m.put("mean_observed", num(mo));
        m.put("predicted_to_observed", num(mp / mo));
        double[] lp = new double[predicted.length];
        double[] lo = new double[observed.length];
        for (int i = 0; i < lp.length; i++) {
            lp[i] = Math.log1p(Math.max(0, predicted[i]));
            lo[i] = Math.log1p(Math.max(0, observed[i]));
        }
        m.put("r2_log", num(Metrics.r2(lp, lo)));
        Integer[] order = Metrics.sortedIndex(predicted, true);
        List<Map<String, Object>> tenths = new ArrayList<>();
        int n = predicted.length;
        for (int k = 0; k < 10 && n >= 10; k++) {
            int from = k * n / 10;
            int to = (k + 1) * n / 10;
            double sp = 0;
            double so = 0;
            for (int i = from; i < to; i++) {
                sp += predicted[order[i]];
                so += observed[order[i]];
            }
            tenths.add(Map.of("tenth", k + 1, "mean_predicted", sp / (to - from), "mean_observed", so / (to - from)));
        }
        m.put("by_tenth_of_prediction", tenths);
        return m;
    }
}
