package uk.nhs.phb.models.risk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation report's figures as records (written as {@code metrics.json}, snake_case, and drawn by
 * the model report page in jobs): every metric of {@link Metrics} for one model, the same per subgroup, and the cost model's
 * accuracy. Values that cannot be computed (a group without outcomes) are null, never NaN.
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

    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * One model's figures on the hold-out. {@code bootstrap} holds the 95% bootstrap intervals of the headline figures
     * (for the chosen model); the curves are there when asked for; {@code gbtAurocOnSameRows} only for the oracle.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Binary(int rows, int positives, Double observedRate, Double meanPredicted, Double auroc, Double aurocSe,
                         Double aurocCiLower, Double aurocCiUpper, Double auprc, Double brier, Double scaledBrier,
                         Double calibrationInTheLarge, Double calibrationIntercept, Double calibrationSlope, Double eAvg,
                         @JsonProperty("e_90") Double e90, Double eMax, List<Top> top, OperatingPoint operatingPoint,
                         List<NetBenefit> netBenefit, Bootstrap.Intervals bootstrap, List<double[]> roc,
                         List<Metrics.Bin> calibrationBins, List<double[]> isotonicCurve, Double gbtAurocOnSameRows) {

        /** The same figures, with the chosen model's AUROC on the same people (for the oracle's row). */
        public Binary withGbtAurocOnSameRows(double auroc) {
            return new Binary(rows, positives, observedRate, meanPredicted, this.auroc, aurocSe, aurocCiLower, aurocCiUpper, auprc, brier,
                    scaledBrier, calibrationInTheLarge, calibrationIntercept, calibrationSlope, eAvg, e90, eMax, top, operatingPoint,
                    netBenefit, bootstrap, roc, calibrationBins, isotonicCurve, num(auroc));
        }

        /** The figures at flagging the top {@code share} (one of {@link #TOP_SHARES}), or null. */
        public Top top(double share) {
            return top.stream().filter(t -> t.share() == share).findFirst().orElse(null);
        }
    }

    /** What flagging the top {@code share} finds: people flagged, the threshold, PPV, sensitivity and admissions captured. */
    public record Top(double share, int flagged, Double threshold, int truePositives, Double ppv, Double sensitivity,
                      Double capturedAdmissions, Double capturedAdmissionsShare) {
    }

    /** Who is flagged at the operating point and who is missed. */
    public record OperatingPoint(Double threshold, Double flaggedShare, Double ppv, Double sensitivity, Double falseNegativeRate) {
    }

    /** Net benefit at one threshold probability, and that of flagging everyone. */
    public record NetBenefit(double threshold, Double netBenefit, Double treatAll) {
    }

    /**
     * All figures of one model's predictions {@code p} against outcomes {@code y}; {@code events} are admissions per
     * person. {@code replicates} above 0 adds bootstrap intervals of the headline figures (seed {@code seed}).
     */
    public static Binary binary(double[] p, int[] y, double[] events, double operatingThreshold, boolean curves, int replicates, long seed) {
        int n1 = Metrics.positives(y);
        Metrics.Auc auc = Metrics.delong(p, y);
        Metrics.Recalibration r = Metrics.recalibration(p, y);
        Metrics.ECalibration e = Metrics.eStatistics(p, y);
        List<Top> top = new ArrayList<>();
        for (double s : TOP_SHARES) {
            Metrics.TopShare t = Metrics.topShare(p, y, events, s);
            top.add(new Top(s, t.flagged(), num(t.threshold()), t.truePositives(), num(t.ppv()), num(t.sensitivity()), num(t.capturedEvents()),
                    num(t.capturedEventsShare())));
        }
        List<NetBenefit> nb = new ArrayList<>();
        for (double t : NET_BENEFIT_THRESHOLDS) {
            nb.add(new NetBenefit(t, num(Metrics.netBenefit(p, y, t)), num(Metrics.netBenefitTreatAll(y, t))));
        }
        List<double[]> roc = null;
        List<Metrics.Bin> bins = null;
        List<double[]> isotonic = null;
        if (curves) {
            roc = new ArrayList<>();
            for (Metrics.Point pt : Metrics.roc(p, y, 200)) {
                roc.add(new double[] {pt.x(), pt.y()});
            }
            bins = Metrics.calibrationBins(p, y, 20);
            isotonic = isotonicCurve(p, y, 100);
        }
        return new Binary(p.length, n1, num((double) n1 / p.length), num(Metrics.mean(p)), num(auc.auc()), num(auc.se()), num(auc.lower()),
                num(auc.upper()), num(Metrics.averagePrecision(p, y)), num(Metrics.brier(p, y)), num(Metrics.scaledBrier(p, y)),
                num(Metrics.calibrationInTheLarge(p, y)), num(r.intercept()), num(r.slope()), num(e.eAvg()), num(e.e90()), num(e.eMax()), top,
                operating(p, y, operatingThreshold), nb, replicates > 0 ? Bootstrap.of(p, y, replicates, seed) : null, roc, bins, isotonic,
                null);
    }

    static OperatingPoint operating(double[] p, int[] y, double threshold) {
        int flagged = 0;
        for (double v : p) {
            if (v >= threshold) {
                flagged++;
            }
        }
        double fnr = Metrics.falseNegativeRate(p, y, threshold);
        return new OperatingPoint(num(threshold), num((double) flagged / p.length), num(Metrics.ppvAt(p, y, threshold)), num(1 - fnr),
                num(fnr));
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
     * One group's figures at the whole population's operating point; the discrimination and calibration figures are
     * null (and left out of JSON) for a group under {@link #MIN_GROUP} people or without both outcomes. {@code core20}
     * marks IMD quintile 1.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(int rows, int positives, Boolean core20, Double observedRate, Double meanPredicted, Double auroc,
                        Double aurocCiLower, Double aurocCiUpper, Double auprc, Double brier, Double calibrationInTheLarge,
                        Double calibrationIntercept, Double calibrationSlope, Double eAvg, Double flaggedShare, Double ppv,
                        Double sensitivity, Double falseNegativeRate) {
    }

    /**
     * The same figures within each group of each grouping (e.g. {@code imd_quintile -> labels per row}), groups in
     * label order. The operating threshold is the whole population's, so false-negative rates compare groups at the same
     * decision.
     */
    public static Map<String, Map<String, Group>> subgroups(double[] p, int[] y, double[] events, Map<String, String[]> groupings,
                                                            double operatingThreshold) {
        Map<String, Map<String, Group>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> g : groupings.entrySet()) {
            Map<String, List<Integer>> members = new TreeMap<>();
            String[] labels = g.getValue();
            for (int i = 0; i < labels.length; i++) {
                members.computeIfAbsent(labels[i] == null ? "unknown" : labels[i], k -> new ArrayList<>()).add(i);
            }
            Map<String, Group> groups = new LinkedHashMap<>();
            for (Map.Entry<String, List<Integer>> e : members.entrySet()) {
                List<Integer> idx = e.getValue();
                double[] gp = new double[idx.size()];
                int[] gy = new int[idx.size()];
                for (int k = 0; k < idx.size(); k++) {
                    gp[k] = p[idx.get(k)];
                    gy[k] = y[idx.get(k)];
                }
                int n1 = Metrics.positives(gy);
                Boolean core20 = g.getKey().equals("imd_quintile") ? e.getKey().equals("1") : null;
                OperatingPoint op = operating(gp, gy, operatingThreshold);
                Double auroc = null;
                Double lower = null;
                Double upper = null;
                Double auprc = null;
                Double brier = null;
                Double large = null;
                Double intercept = null;
                Double slope = null;
                Double eAvg = null;
                if (idx.size() >= MIN_GROUP && n1 > 0 && n1 < idx.size()) {
                    Metrics.Auc auc = Metrics.delong(gp, gy);
                    auroc = num(auc.auc());
                    lower = num(auc.lower());
                    upper = num(auc.upper());
                    auprc = num(Metrics.averagePrecision(gp, gy));
                    brier = num(Metrics.brier(gp, gy));
                    large = num(Metrics.calibrationInTheLarge(gp, gy));
                    Metrics.Recalibration r = Metrics.recalibration(gp, gy);
                    intercept = num(r.intercept());
                    slope = num(r.slope());
                    eAvg = num(Metrics.eStatistics(gp, gy).eAvg());
                }
                groups.put(e.getKey(), new Group(idx.size(), n1, core20, num((double) n1 / idx.size()), num(Metrics.mean(gp)), auroc, lower,
                        upper, auprc, brier, large, intercept, slope, eAvg, op.flaggedShare(), op.ppv(), op.sensitivity(),
                        op.falseNegativeRate()));
            }
            out.put(g.getKey(), groups);
        }
        return out;
    }

    /** A cost model's accuracy: R-squared (on pounds and on log pounds), mean absolute error, means, and each tenth of prediction. */
    public record Cost(int rows, Double r2, Double mae, Double meanPredicted, Double meanObserved, Double predictedToObserved,
                       Double r2Log, List<Tenth> byTenthOfPrediction) {
    }

    /** Mean predicted and observed cost a person in one tenth of the predictions (1: lowest). */
    public record Tenth(int tenth, double meanPredicted, double meanObserved) {
    }

    /** Accuracy of a cost model: R-squared, mean absolute error, totals, and mean predicted vs observed per tenth of predictions. */
    public static Cost cost(double[] predicted, double[] observed) {
        double mp = Metrics.mean(predicted);
        double mo = Metrics.mean(observed);
        double[] lp = new double[predicted.length];
        double[] lo = new double[observed.length];
        for (int i = 0; i < lp.length; i++) {
            lp[i] = Math.log1p(Math.max(0, predicted[i]));
            lo[i] = Math.log1p(Math.max(0, observed[i]));
        }
        Integer[] order = Metrics.sortedIndex(predicted, true);
        List<Tenth> tenths = new ArrayList<>();
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
            tenths.add(new Tenth(k + 1, sp / (to - from), so / (to - from)));
        }
        return new Cost(predicted.length, num(Metrics.r2(predicted, observed)), num(Metrics.meanAbsoluteError(predicted, observed)), num(mp),
                num(mo), num(mp / mo), num(Metrics.r2(lp, lo)), tenths);
    }

    /** The rule that sets the operating point and the risk it falls at. */
    public record OperatingRule(String rule, double threshold) {
    }

    /**
     * A training run's evaluation on its hold-out ({@code metrics.json}): the test date and rows, the operating rule,
     * each model's figures by key ({@code gbt} is the one phb scores with), the chosen model's figures by group, and the
     * cost model's accuracy.
     */
    public record Report(java.time.LocalDate testReferenceDate, long testRows, int testRowsEvaluated, OperatingRule operatingPoint,
                         Map<String, Binary> models, Map<String, Map<String, Group>> subgroups, Cost cost) {
        /** The key of the model phb scores with. */
        public static final String CHOSEN = "gbt";
        /** The key of the generator's true risk, on synthetic data. */
        public static final String ORACLE = "oracle (true risk)";

        public Binary chosen() {
            return models.get(CHOSEN);
        }
    }
}
