package uk.nhs.phb.models.risk;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * 95% percentile bootstrap intervals for a risk model's headline figures on its hold-out: AUROC, AUPRC, Brier,
 * calibration slope and intercept, and PPV and sensitivity when the top 1% and 5% are flagged.
 *
 * <p>It is the Poisson bootstrap (Hanley and MacGibbon 2006): each replicate weights every person by an independent
 * Poisson(1) count, which for large n resamples as the multinomial bootstrap does without drawing a sample. People
 * are sorted by predicted risk once; each figure of a replicate is then a weighted pass in that order, so a replicate
 * costs O(n) and no sort. With whole-number weights every figure equals the one {@link Metrics} gives on the people
 * repeated by their weights (tested), so the definitions are those of the point estimates. Replicates run in
 * parallel; each has its own seeded generator, so the intervals do not depend on the number of threads.
 */
public final class Bootstrap {
    /** Replicates by default: the 2.5% and 97.5% points fall between the 5th and 6th of 200 from either end. */
    public static final int REPLICATES = 200;
    /** The default seed, so a retraining on the same rows gives the same intervals. */
    public static final long SEED = 20_170_401L;
    private static final double CONFIDENCE = 0.95;

    private Bootstrap() {
    }

    /** A 95% interval; null ends when too few replicates could compute the figure (a class absent). */
    public record Interval(Double lower, Double upper) {
    }

    /** The intervals of the headline figures, with the replicates and seed that made them. */
    public record Intervals(int replicates, long seed, Interval auroc, Interval auprc, Interval brier, Interval calibrationSlope,
                            Interval calibrationIntercept, Interval ppvTop1, Interval sensitivityTop1, Interval ppvTop5,
                            Interval sensitivityTop5) {
    }

    /** The figures of one weighting of the people. */
    record Figures(double auroc, double auprc, double brier, double slope, double intercept, double ppvTop1, double sensitivityTop1,
                   double ppvTop5, double sensitivityTop5) {
        double[] values() {
            return new double[] {auroc, auprc, brier, slope, intercept, ppvTop1, sensitivityTop1, ppvTop5, sensitivityTop5};
        }
    }

    /** Intervals for predictions {@code p} against outcomes {@code y}. */
    public static Intervals of(double[] p, int[] y, int replicates, long seed) {
        if (replicates < 2) {
            throw new IllegalArgumentException("a bootstrap needs at least 2 replicates, got " + replicates);
        }
        Sorted s = new Sorted(p, y);
        Metrics.Recalibration start = Metrics.recalibration(p, y);
        double a0 = Double.isFinite(start.intercept()) ? start.intercept() : 0;
        double b0 = Double.isFinite(start.slope()) ? start.slope() : 1;
        double[][] byReplicate = IntStream.range(0, replicates).parallel()
                .mapToObj(r -> figures(s, poissonWeights(p.length, new SplittableRandom(seed * 1_000_003L + r)), a0, b0).values())
                .toArray(double[][]::new);
        Interval[] ci = new Interval[byReplicate[0].length];
        for (int k = 0; k < ci.length; k++) {
            ci[k] = percentile(byReplicate, k);
        }
        return new Intervals(replicates, seed, ci[0], ci[1], ci[2], ci[3], ci[4], ci[5], ci[6], ci[7], ci[8]);
    }

    private static Interval percentile(double[][] byReplicate, int k) {
        double[] v = Arrays.stream(byReplicate).mapToDouble(f -> f[k]).filter(Double::isFinite).sorted().toArray();
        if (v.length < byReplicate.length / 2) {
            return new Interval(null, null);
        }
        double tail = (1 - CONFIDENCE) / 2;
        return new Interval(Metrics.quantile(v, tail), Metrics.quantile(v, 1 - tail));
    }

    static double[] poissonWeights(int n, SplittableRandom random) {
        double[] w = new double[n];
        double e1 = Math.exp(-1);
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int k = 0;
            double term = e1;
            double cumulative = e1;
            while (u > cumulative && k < 20) {
                k++;
                term /= k;
                cumulative += term;
            }
            w[i] = k;
        }
        return w;
    }

    /** People in descending order of predicted risk (ties in input order, as {@link Metrics} breaks them), with their logits. */
    static final class Sorted {
        final double[] p;
        final int[] y;
        final int[] order;
        /** {@code tieEnd[k]}: one past the last position of the tie group that position {@code k} starts, or 0 inside a group. */
        final int[] tieEnd;
        final double[] logit;

        Sorted(double[] p, int[] y) {
            Metrics.check(p, y);
            this.p = p;
            this.y = y;
            Integer[] idx = Metrics.sortedIndex(p, false);
            order = new int[idx.length];
            for (int i = 0; i < idx.length; i++) {
                order[i] = idx[i];
            }
            tieEnd = new int[order.length];
            for (int i = 0; i < order.length; ) {
                int j = i;
                while (j < order.length && p[order[j]] == p[order[i]]) {
                    j++;
                }
                tieEnd[i] = j;
                i = j;
            }
            logit = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                logit[i] = Metrics.logit(p[i]);
            }
        }
    }

    /** Every figure of one weighting ({@code w[i]}: how many times person {@code i} counts); NaN where it cannot be computed. */
    static Figures figures(Sorted s, double[] w, double a0, double b0) {
        double total = 0;
        double positives = 0;
        double squaredError = 0;
        for (int i = 0; i < w.length; i++) {
            total += w[i];
            positives += w[i] * s.y[i];
            squaredError += w[i] * (s.p[i] - s.y[i]) * (s.p[i] - s.y[i]);
        }
        double negatives = total - positives;
        // AUROC (mid-ranks for ties) and average precision in one pass over the tie groups, highest risk first
        double pairs = 0;
        double ap = 0;
        double positivesAbove = 0;
        double seen = 0;
        for (int i = 0; i < s.order.length; i = s.tieEnd[i]) {
            double groupPositives = 0;
            double groupWeight = 0;
            for (int k = i; k < s.tieEnd[i]; k++) {
                int row = s.order[k];
                groupPositives += w[row] * s.y[row];
                groupWeight += w[row];
            }
            double groupNegatives = groupWeight - groupPositives;
            pairs += groupNegatives * (positivesAbove + 0.5 * groupPositives);
            positivesAbove += groupPositives;
            seen += groupWeight;
            if (seen > 0 && positives > 0) {
                ap += groupPositives / positives * (positivesAbove / seen);
            }
        }
        boolean bothClasses = positives > 0 && negatives > 0;
        double auroc = bothClasses ? pairs / (positives * negatives) : Double.NaN;
        double[] top1 = topShare(s, w, total, positives, 0.01);
        double[] top5 = topShare(s, w, total, positives, 0.05);
        double[] ab = bothClasses ? recalibration(s, w, a0, b0) : new double[] {Double.NaN, Double.NaN};
        return new Figures(auroc, positives > 0 ? ap : Double.NaN, total > 0 ? squaredError / total : Double.NaN, ab[1], ab[0],
                top1[0], top1[1], top5[0], top5[1]);
    }

    /** PPV and sensitivity of flagging the {@code round(share W)} highest-risk of the weighted people (at least 1). */
    private static double[] topShare(Sorted s, double[] w, double total, double positives, double share) {
        if (total <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double k = Math.min(total, Math.max(1, Math.round(share * total)));
        double taken = 0;
        double truePositives = 0;
        for (int i = 0; i < s.order.length && taken < k; i++) {
            int row = s.order[i];
            double part = Math.min(w[row], k - taken);
            taken += part;
            truePositives += part * s.y[row];
        }
        return new double[] {truePositives / k, positives > 0 ? truePositives / positives : Double.NaN};
    }

    /** Weighted logistic recalibration from ({@code a0}, {@code b0}): intercept and slope, NaN unless Newton's method converged. */
    private static double[] recalibration(Sorted s, double[] w, double a0, double b0) {
        Metrics.Recalibration r = Metrics.recalibration(s.logit, s.y, w, a0, b0);
        return r.converged() ? new double[] {r.intercept(), r.slope()} : new double[] {Double.NaN, Double.NaN};
    }
}
