package uk.nhs.phb.models.link;

import java.util.Map;
import java.util.Set;

/**
 * Estimates a {@link FellegiSunterModel} from counts of comparison patterns, as in Splink's practice: u from
 * random pairs ({@link #estimateU}), then m and λ by EM over the pairs a blocking rule produced, with u held
 * fixed. Comparisons the blocking rule forces to agree carry no evidence in that pass: they are left out of
 * the match probabilities and keep their starting m; λ is then the match rate among the pass's pairs. Works on pattern counts, so its cost does not depend on the number of pairs.
 */
public final class ExpectationMaximisation {
    private ExpectationMaximisation() {
    }

    /** The outcome of one EM run. */
    public record Result(FellegiSunterModel model, int iterations, boolean converged, double lastChange) {
    }

    /**
     * u = P(level | non-match) from pairs drawn at random (almost all non-matches): the share of each level
     * among the pairs where the comparison is not missing. A comparison missing from every random pair (a file
     * without that field) gets equal shares: it is then missing from (almost) every pair scored too, and a missing
     * comparison adds no weight.
     */
    public static double[][] estimateU(ComparisonVector space, Map<Long, Long> randomPairPatterns) {
        int n = space.comparisons().size();
        double[][] u = new double[n][];
        for (int c = 0; c < n; c++) {
            u[c] = new double[space.comparisons().get(c).levelCount()];
        }
        for (Map.Entry<Long, Long> e : randomPairPatterns.entrySet()) {
            int[] levels = space.decode(e.getKey());
            for (int c = 0; c < n; c++) {
                if (levels[c] != Comparison.MISSING) {
                    u[c][levels[c]] += e.getValue();
                }
            }
        }
        for (int c = 0; c < n; c++) {
            double total = 0;
            for (double x : u[c]) {
                total += x;
            }
            for (int l = 0; l < u[c].length; l++) {
                u[c][l] = total == 0 ? 1.0 / u[c].length : u[c][l] / total;
            }
        }
        return u;
    }

    /**
     * EM for m and λ with u fixed.
     *
     * @param patterns      pair counts per pattern from one blocking pass
     * @param u             fixed u (from {@link #estimateU})
     * @param startM        starting m (e.g. 0.9 on the top level, the rest spread)
     * @param startLambda   starting λ
     * @param blockedOn     comparisons the blocking rule forces to agree: their m is not re-estimated
     * @param maxIterations stop after this many iterations
     * @param tolerance     stop when no parameter moves by more than this
     */
    public static Result estimate(ComparisonVector space, Map<Long, Long> patterns, double[][] u, double[][] startM,
                                  double startLambda, Set<Integer> blockedOn, int maxIterations, double tolerance) {
        int n = space.comparisons().size();
        FellegiSunterModel model = new FellegiSunterModel(space, startLambda, startM, u);
        long[] keys = new long[patterns.size()];
        double[] counts = new double[patterns.size()];
        int[][] levels = new int[patterns.size()][];
        int i = 0;
        double total = 0;
        for (Map.Entry<Long, Long> e : patterns.entrySet()) {
            keys[i] = e.getKey();
            counts[i] = e.getValue();
            levels[i] = space.decode(e.getKey());
            // a comparison the blocking rule forces to agree is no evidence within this pass
            for (int c : blockedOn) {
                levels[i][c] = Comparison.MISSING;
            }
            total += counts[i];
            i++;
        }
        if (total == 0) {
            throw new IllegalArgumentException("no pairs to estimate from");
        }
        double change = Double.MAX_VALUE;
        int it = 0;
        while (it < maxIterations && change > tolerance) {
            it++;
            double[][] mNum = new double[n][];
            double[] mDen = new double[n];
            for (int c = 0; c < n; c++) {
                mNum[c] = new double[space.comparisons().get(c).levelCount()];
            }
            double matches = 0;
            for (int p = 0; p < keys.length; p++) {
                double prob = FellegiSunterModel.probability(model.matchWeight(levels[p]));
                double w = counts[p] * prob;
                matches += w;
                for (int c = 0; c < n; c++) {
                    if (levels[p][c] != Comparison.MISSING) {
                        mNum[c][levels[p][c]] += w;
                        mDen[c] += w;
                    }
                }
            }
            double[][] oldM = model.mArray();
            double[][] newM = new double[n][];
            change = 0;
            for (int c = 0; c < n; c++) {
                if (blockedOn.contains(c) || mDen[c] == 0) {
                    newM[c] = oldM[c];
                    continue;
                }
                newM[c] = new double[mNum[c].length];
                for (int l = 0; l < newM[c].length; l++) {
                    newM[c][l] = mNum[c][l] / mDen[c];
                    change = Math.max(change, Math.abs(newM[c][l] - oldM[c][l]));
                }
            }
            double lambda = Math.min(1 - FellegiSunterModel.FLOOR, Math.max(FellegiSunterModel.FLOOR, matches / total));
            change = Math.max(change, Math.abs(lambda - model.lambda()));
            model = new FellegiSunterModel(space, lambda, newM, u);
        }
        return new Result(model, it, change <= tolerance, change);
    }

    /**
     * Combines the m estimates of several blocking passes: for each comparison, the mean of the passes that
     * estimated it (those not blocked on it). A comparison no pass estimated keeps {@code fallbackM}.
     */
    public static double[][] combineM(ComparisonVector space, java.util.List<Result> passes,
                                      java.util.List<Set<Integer>> blockedOn, double[][] fallbackM) {
        int n = space.comparisons().size();
        double[][] out = new double[n][];
        for (int c = 0; c < n; c++) {
            int levels = space.comparisons().get(c).levelCount();
            double[] sum = new double[levels];
            int k = 0;
            for (int p = 0; p < passes.size(); p++) {
                if (!blockedOn.get(p).contains(c)) {
                    for (int l = 0; l < levels; l++) {
                        sum[l] += passes.get(p).model().m(c, l);
                    }
                    k++;
                }
            }
            if (k == 0) {
                out[c] = fallbackM[c].clone();
            } else {
                for (int l = 0; l < levels; l++) {
                    sum[l] /= k;
                }
                out[c] = sum;
            }
        }
        return out;
    }
}
