package uk.nhs.phb.models.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The maths of a risk model's evaluation, on plain arrays (predicted probability {@code p}, outcome {@code y}
 * in {0, 1}); no engine. Definitions follow OHDSI PatientLevelPrediction and Van Calster et al. (2019):
 * <ul>
 * <li>AUROC: the Mann-Whitney statistic with mid-ranks for ties; its 95% CI from DeLong's variance
 *     (DeLong, DeLong and Clarke-Pearson 1988; fast form of Sun and Xu 2014), normal approximation.</li>
 * <li>AUPRC: average precision, {@code sum_k (R_k - R_{k-1}) P_k} over distinct thresholds (tied scores form one
 *     threshold).</li>
 * <li>Brier: mean squared error of p; scaled Brier {@code 1 - Brier / (ybar (1 - ybar))}.</li>
 * <li>Calibration slope and intercept: logistic recalibration {@code logit P(y=1) = a + b logit(p)} by maximum
 *     likelihood; calibration-in-the-large: {@code a} with {@code b} fixed at 1 (0 is perfect; positive means
 *     the model under-predicts).</li>
 * <li>E-avg, E-90, E-max: mean, 90th percentile and maximum of {@code |p - c(p)|} where {@code c} is the
 *     isotonic (pool-adjacent-violators) regression of y on p: a monotone, loess-free calibration curve.</li>
 * <li>Top-k%: the {@code round(k n)} highest scores (ties broken by input order): PPV, sensitivity, and the share
 *     of outcome events (e.g. admissions) they hold.</li>
 * <li>Net benefit at threshold t: {@code TP/n - FP/n * t/(1-t)} flagging {@code p >= t} (Vickers and Elkin 2006).</li>
 * </ul>
 */
public final class Metrics {
    /** The 97.5% point of the standard normal distribution. */
    public static final double Z975 = 1.959963984540054;
    private static final double EPS = 1e-12;

    private Metrics() {
    }

    /** AUROC with its DeLong standard error and 95% interval. */
    public record Auc(double auc, double se, double lower, double upper) {
    }

    /** Intercept and slope of the logistic recalibration (and whether Newton's method converged). */
    public record Recalibration(double intercept, double slope, boolean converged) {
    }

    /** E-statistics of the isotonic calibration curve. */
    public record ECalibration(double eAvg, double e90, double eMax) {
    }

    /** What flagging the top share of scores finds. */
    public record TopShare(double share, int flagged, double threshold, int truePositives, double ppv, double sensitivity,
                           double capturedEvents, double capturedEventsShare) {
    }

    /** A point of a curve. */
    public record Point(double x, double y) {
    }

    /** A calibration bin: mean predicted, observed rate, size. */
    public record Bin(double meanPredicted, double observed, int n) {
    }

    static void check(double[] p, int[] y) {
        if (p.length != y.length) {
            throw new IllegalArgumentException("predictions (" + p.length + ") and outcomes (" + y.length + ") differ in length");
        }
        for (int v : y) {
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("outcomes must be 0 or 1, got " + v);
            }
        }
    }

    public static int positives(int[] y) {
        int s = 0;
        for (int v : y) {
            s += v;
        }
        return s;
    }

    /** Mid-ranks (1-based) of the values: tied values share the mean of their ranks. */
    static double[] midRanks(double[] v) {
        int n = v.length;
        Integer[] order = sortedIndex(v, true);
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double mid = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = mid;
            }
            i = j + 1;
        }
        return r;
    }

    /** Indices sorted by value (ascending or descending), stable for ties. */
    static Integer[] sortedIndex(double[] v, boolean ascending) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, ascending ? (a, b) -> Double.compare(v[a], v[b]) : (a, b) -> Double.compare(v[b], v[a]));
        return idx;
    }

    /** AUROC: the probability a random positive scores above a random negative (ties count one half). */
    public static double auroc(double[] p, int[] y) {
        return delong(p, y).auc();
    }

    /** AUROC with DeLong's standard error; NaN when either class is absent. */
    public static Auc delong(double[] p, int[] y) {
        check(p, y);
        int n1 = positives(y);
        int n0 = y.length - n1;
        if (n1 == 0 || n0 == 0) {
            return new Auc(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] pos = new double[n1];
        double[] neg = new double[n0];
        for (int i = 0, a = 0, b = 0; i < y.length; i++) {
            if (y[i] == 1) {
                pos[a++] = p[i];
            } else {
                neg[b++] = p[i];
            }
        }
        double[] all = new double[n1 + n0];
        System.arraycopy(pos, 0, all, 0, n1);
        System.arraycopy(neg, 0, all, n1, n0);
        double[] rz = midRanks(all);
        double[] rx = midRanks(pos);
        double[] ry = midRanks(neg);
        double[] v10 = new double[n1];
        double[] v01 = new double[n0];
        double sum = 0;
        for (int i = 0; i < n1; i++) {
            v10[i] = (rz[i] - rx[i]) / n0;
            sum += v10[i];
        }
        for (int j = 0; j < n0; j++) {
            v01[j] = 1 - (rz[n1 + j] - ry[j]) / n1;
        }
        double auc = sum / n1;
        double var = (n1 > 1 ? variance(v10) / n1 : 0) + (n0 > 1 ? variance(v01) / n0 : 0);
        double se = Math.sqrt(var);
        return new Auc(auc, se, Math.max(0, auc - Z975 * se), Math.min(1, auc + Z975 * se));
    }

    static double variance(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }

    /** Average precision (area under the precision-recall curve, step-wise); NaN without positives. */
    public static double averagePrecision(double[] p, int[] y) {
        check(p, y);
        int n1 = positives(y);
        if (n1 == 0) {
            return Double.NaN;
        }
        Integer[] order = sortedIndex(p, false);
        double ap = 0;
        int tp = 0;
        int seen = 0;
        double prevRecall = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && p[order[j]] == p[order[i]]) {
                tp += y[order[j]];
                seen++;
                j++;
            }
            double recall = (double) tp / n1;
            ap += (recall - prevRecall) * ((double) tp / seen);
            prevRecall = recall;
            i = j;
        }
        return ap;
    }

    public static double brier(double[] p, int[] y) {
        check(p, y);
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += (p[i] - y[i]) * (p[i] - y[i]);
        }
        return s / p.length;
    }

    /** 1 - Brier / Brier of predicting the observed rate for everyone; NaN when everyone has the same outcome. */
    public static double scaledBrier(double[] p, int[] y) {
        double rate = (double) positives(y) / y.length;
        double ref = rate * (1 - rate);
        return ref == 0 ? Double.NaN : 1 - brier(p, y) / ref;
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    static double logit(double p) {
        double q = Math.min(1 - EPS, Math.max(EPS, p));
        return Math.log(q / (1 - q));
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** Logistic recalibration {@code logit P(y=1) = a + b logit(p)} by Newton-Raphson; NaN when a class is absent. */
    public static Recalibration recalibration(double[] p, int[] y) {
        check(p, y);
        int n1 = positives(y);
        if (n1 == 0 || n1 == y.length) {
            return new Recalibration(Double.NaN, Double.NaN, false);
        }
        double[] z = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            z[i] = logit(p[i]);
        }
        return recalibration(z, y, null, 0, 1);
    }

    /**
     * Weighted maximum likelihood of {@code logit P(y=1) = a + b z} by Newton-Raphson from ({@code a0}, {@code b0});
     * {@code w} null weighs every row once, and rows of weight 0 are skipped.
     */
    static Recalibration recalibration(double[] z, int[] y, double[] w, double a0, double b0) {
        double a = a0;
        double b = b0;
        for (int it = 0; it < 100; it++) {
            double g0 = 0;
            double g1 = 0;
            double h00 = 0;
            double h01 = 0;
            double h11 = 0;
            for (int i = 0; i < z.length; i++) {
                double weight = w == null ? 1 : w[i];
                if (weight == 0) {
                    continue;
                }
                double mu = sigmoid(a + b * z[i]);
                double r = weight * (y[i] - mu);
                double v = weight * mu * (1 - mu);
                g0 += r;
                g1 += r * z[i];
                h00 += v;
                h01 += v * z[i];
                h11 += v * z[i] * z[i];
            }
            double det = h00 * h11 - h01 * h01;
            if (Math.abs(det) < 1e-300) {
                return new Recalibration(a, b, false);
            }
            double da = (h11 * g0 - h01 * g1) / det;
            double db = (h00 * g1 - h01 * g0) / det;
            a += da;
            b += db;
            if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) {
                return new Recalibration(a, b, true);
            }
        }
        return new Recalibration(a, b, false);
    }

    /** Calibration-in-the-large: the intercept of the recalibration with the slope fixed at 1 (offset logit(p)). */
    public static double calibrationInTheLarge(double[] p, int[] y) {
        check(p, y);
        int n1 = positives(y);
        if (n1 == 0 || n1 == y.length) {
            return Double.NaN;
        }
        double a = 0;
        for (int it = 0; it < 100; it++) {
            double g = 0;
            double h = 0;
            for (int i = 0; i < p.length; i++) {
                double mu = sigmoid(a + logit(p[i]));
                g += y[i] - mu;
                h += mu * (1 - mu);
            }
            double d = g / h;
            a += d;
            if (Math.abs(d) < 1e-12) {
                break;
            }
        }
        return a;
    }

    /**
     * The isotonic regression of y on p (pool adjacent violators): for each observation the calibrated
     * probability of its score. Observations with equal scores are pooled first, so equal p gives equal c(p).
     */
    public static double[] isotonic(double[] p, int[] y) {
        check(p, y);
        Integer[] order = sortedIndex(p, true);
        int n = p.length;
        double[] sum = new double[n];
        double[] weight = new double[n];
        int[] start = new int[n];
        int blocks = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            double s = 0;
            while (j < n && p[order[j]] == p[order[i]]) {
                s += y[order[j]];
                j++;
            }
            sum[blocks] = s;
            weight[blocks] = j - i;
            start[blocks] = i;
            blocks++;
            while (blocks > 1 && sum[blocks - 2] / weight[blocks - 2] >= sum[blocks - 1] / weight[blocks - 1]) {
                sum[blocks - 2] += sum[blocks - 1];
                weight[blocks - 2] += weight[blocks - 1];
                blocks--;
            }
            i = j;
        }
        double[] c = new double[n];
        for (int b = 0; b < blocks; b++) {
            int from = start[b];
            int to = b + 1 < blocks ? start[b + 1] : n;
            double v = sum[b] / weight[b];
            for (int k = from; k < to; k++) {
                c[order[k]] = v;
            }
        }
        return c;
    }

    /** E-avg, E-90 and E-max of |p - isotonic(p)|. */
    public static ECalibration eStatistics(double[] p, int[] y) {
        double[] c = isotonic(p, y);
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Math.abs(p[i] - c[i]);
        }
        double[] s = d.clone();
        Arrays.sort(s);
        return new ECalibration(mean(d), quantile(s, 0.9), s.length == 0 ? Double.NaN : s[s.length - 1]);
    }

    /** The q-quantile of sorted values (linear interpolation between order statistics, as R type 7). */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Flagging the top {@code share} of scores: {@code round(share n)} people (at least 1), highest first, ties
     * broken by input order. {@code events} (e.g. admissions per person) may be null: then outcomes count.
     */
    public static TopShare topShare(double[] p, int[] y, double[] events, double share) {
        check(p, y);
        int n = p.length;
        int k = Math.max(1, (int) Math.round(share * n));
        k = Math.min(k, n);
        Integer[] order = sortedIndex(p, false);
        int tp = 0;
        double ev = 0;
        double evAll = 0;
        for (int i = 0; i < n; i++) {
            double e = events == null ? y[i] : events[i];
            evAll += e;
        }
        for (int i = 0; i < k; i++) {
            tp += y[order[i]];
            ev += events == null ? y[order[i]] : events[order[i]];
        }
        int n1 = positives(y);
        return new TopShare(share, k, p[order[k - 1]], tp, (double) tp / k, n1 == 0 ? Double.NaN : (double) tp / n1, ev,
                evAll == 0 ? Double.NaN : ev / evAll);
    }

    /** Net benefit of flagging {@code p >= t}. */
    public static double netBenefit(double[] p, int[] y, double t) {
        check(p, y);
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] >= t) {
                if (y[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            }
        }
        double n = p.length;
        return tp / n - fp / n * t / (1 - t);
    }

    /** Net benefit of treating everyone at threshold t. */
    public static double netBenefitTreatAll(int[] y, double t) {
        double rate = (double) positives(y) / y.length;
        return rate - (1 - rate) * t / (1 - t);
    }

    /** Share of outcome-positive people with {@code p < threshold} (missed at the operating point); NaN without positives. */
    public static double falseNegativeRate(double[] p, int[] y, double threshold) {
        check(p, y);
        int pos = 0;
        int missed = 0;
        for (int i = 0; i < p.length; i++) {
            if (y[i] == 1) {
                pos++;
                if (p[i] < threshold) {
                    missed++;
                }
            }
        }
        return pos == 0 ? Double.NaN : (double) missed / pos;
    }

    /** PPV of flagging {@code p >= threshold}; NaN when nobody is flagged. */
    public static double ppvAt(double[] p, int[] y, double threshold) {
        int flagged = 0;
        int tp = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] >= threshold) {
                flagged++;
                tp += y[i];
            }
        }
        return flagged == 0 ? Double.NaN : (double) tp / flagged;
    }

    /** The ROC curve (false positive rate, true positive rate) at distinct thresholds, thinned to about {@code maxPoints}. */
    public static List<Point> roc(double[] p, int[] y, int maxPoints) {
        check(p, y);
        int n1 = positives(y);
        int n0 = y.length - n1;
        List<Point> all = new ArrayList<>();
        all.add(new Point(0, 0));
        if (n1 == 0 || n0 == 0) {
            all.add(new Point(1, 1));
            return all;
        }
        Integer[] order = sortedIndex(p, false);
        int tp = 0;
        int fp = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && p[order[j]] == p[order[i]]) {
                if (y[order[j]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            all.add(new Point((double) fp / n0, (double) tp / n1));
            i = j;
        }
        if (all.size() <= maxPoints) {
            return all;
        }
        List<Point> thin = new ArrayList<>();
        double step = (all.size() - 1) / (double) (maxPoints - 1);
        for (int k = 0; k < maxPoints; k++) {
            thin.add(all.get((int) Math.round(k * step)));
        }
        return thin;
    }

    /** Equal-count bins of the sorted scores: mean predicted and observed rate per bin. */
    public static List<Bin> calibrationBins(double[] p, int[] y, int bins) {
        check(p, y);
        Integer[] order = sortedIndex(p, true);
        int n = p.length;
        List<Bin> out = new ArrayList<>();
        int b = Math.min(bins, n);
        for (int k = 0; k < b; k++) {
            int from = (int) ((long) k * n / b);
            int to = (int) ((long) (k + 1) * n / b);
            if (to <= from) {
                continue;
            }
            double sp = 0;
            double sy = 0;
            for (int i = from; i < to; i++) {
                sp += p[order[i]];
                sy += y[order[i]];
            }
            out.add(new Bin(sp / (to - from), sy / (to - from), to - from));
        }
        return out;
    }

    /** The score at which the top {@code share} of people are flagged (the {@code round(share n)}-th highest). */
    public static double thresholdForTopShare(double[] p, double share) {
        double[] s = p.clone();
        Arrays.sort(s);
        int k = Math.max(1, (int) Math.round(share * s.length));
        return s[s.length - Math.min(k, s.length)];
    }

    /** Coefficient of determination of predictions against observed values. */
    public static double r2(double[] predicted, double[] observed) {
        double m = mean(observed);
        double ssr = 0;
        double sst = 0;
        for (int i = 0; i < observed.length; i++) {
            ssr += (observed[i] - predicted[i]) * (observed[i] - predicted[i]);
            sst += (observed[i] - m) * (observed[i] - m);
        }
        return sst == 0 ? Double.NaN : 1 - ssr / sst;
    }

    public static double meanAbsoluteError(double[] predicted, double[] observed) {
        double s = 0;
        for (int i = 0; i < observed.length; i++) {
            s += Math.abs(observed[i] - predicted[i]);
        }
        return s / observed.length;
    }
}
