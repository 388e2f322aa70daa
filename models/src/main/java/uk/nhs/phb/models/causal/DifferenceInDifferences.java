package uk.nhs.phb.models.causal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Difference-in-differences on matched pairs: for each outcome, the mean over pairs of
 * {@code (after_t - before_t) - (after_c - before_c)}, which estimates the average effect of treatment on the
 * treated (ATT) when the matched controls' change stands for the change the treated would have had without
 * treatment. The confidence interval is the percentile interval of the same estimate over bootstrap resamples
 * of matched sets: a matched set is a control with every pair it serves (one pair when controls are not reused),
 * so pairs that share a control, and so share its noise, are resampled together (a block bootstrap; resampling
 * pairs one by one would treat them as independent and give too narrow an interval when matching is with
 * replacement). Sets are drawn with replacement by a Commons Math Mersenne Twister with a fixed seed, the same
 * resamples for every outcome, so the same data give the same interval.
 */
public final class DifferenceInDifferences {
    /** The estimate for one outcome. */
    public record Effect(String outcome, int pairs, double meanBeforeTreated, double meanAfterTreated, double meanBeforeControl,
                         double meanAfterControl, double estimate, double ciLow, double ciHigh) {
        /** Whether a value lies inside the confidence interval (ends included). */
        public boolean covers(double value) {
            return value >= ciLow && value <= ciHigh;
        }
    }

    private DifferenceInDifferences() {
    }

    /**
     * @param outcomes   names of the outcome columns
     * @param before     outcome in the period before, one row per unit
     * @param after      outcome in the period after
     * @param pairs      matched pairs (row indices)
     * @param replicates bootstrap resamples (>= 100 for a stable 95% interval)
     * @param seed       bootstrap seed
     * @param confidence e.g. 0.95
     */
    public static List<Effect> estimate(String[] outcomes, double[][] before, double[][] after, List<NearestNeighbourMatching.Pair> pairs,
                                        int replicates, long seed, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
        }
        if (replicates < 1) {
            throw new IllegalArgumentException("replicates must be >= 1, got " + replicates);
        }
        int n = pairs.size();
        int k = outcomes.length;
        // per pair and outcome: the difference of the two changes
        double[][] d = new double[n][k];
        double[][] means = new double[4][k];
        for (int p = 0; p < n; p++) {
            int t = pairs.get(p).treated();
            int c = pairs.get(p).control();
            for (int j = 0; j < k; j++) {
                d[p][j] = (after[t][j] - before[t][j]) - (after[c][j] - before[c][j]);
                means[0][j] += before[t][j];
                means[1][j] += after[t][j];
                means[2][j] += before[c][j];
                means[3][j] += after[c][j];
            }
        }
        List<Effect> out = new ArrayList<>();
        if (n == 0) {
            for (String o : outcomes) {
                out.add(new Effect(o, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            }
            return out;
        }
        // matched sets: the pairs of each control, in order of first appearance
        java.util.Map<Integer, List<Integer>> byControl = new java.util.LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            byControl.computeIfAbsent(pairs.get(p).control(), c -> new ArrayList<>()).add(p);
        }
        List<int[]> sets = new ArrayList<>();
        for (List<Integer> members : byControl.values()) {
            sets.add(members.stream().mapToInt(Integer::intValue).toArray());
        }
        int m = sets.size();
        double[][] reps = new double[k][replicates];
        RandomGenerator rng = new MersenneTwister(seed);
        for (int b = 0; b < replicates; b++) {
            double[] sum = new double[k];
            int count = 0;
            for (int i = 0; i < m; i++) {
                for (int p : sets.get(rng.nextInt(m))) {
                    double[] row = d[p];
                    for (int j = 0; j < k; j++) {
                        sum[j] += row[j];
                    }
                    count++;
                }
            }
            for (int j = 0; j < k; j++) {
                reps[j][b] = sum[j] / count;
            }
        }
        double alpha = 1 - confidence;
        for (int j = 0; j < k; j++) {
            double est = 0;
            for (double[] row : d) {
                est += row[j];
            }
            est /= n;
            double[] r = reps[j];
            Arrays.sort(r);
            Percentile pct = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
            pct.setData(r);
            out.add(new Effect(outcomes[j], n, means[0][j] / n, means[1][j] / n, means[2][j] / n, means[3][j] / n, est,
                    pct.evaluate(100 * alpha / 2), pct.evaluate(100 * (1 - alpha / 2))));
        }
        return out;
    }
}
