package uk.nhs.phb.models.causal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Greedy 1:1 nearest-neighbour matching without replacement on a score (the logit of the propensity score),
 * exactly within strata, with a caliper: treated units are taken in descending score (ties: lower index
 * first), and each takes the unused control of its stratum with the nearest score, provided the distance is at
 * most the caliper (ties: the lower score, then the lower index). Treated units with no control inside the
 * caliper stay unmatched. Deterministic for a given input order.
 */
public final class NearestNeighbourMatching {
    /** A matched pair: row indices of the treated and the control unit, and their score distance. */
    public record Pair(int treated, int control, double distance) {
    }

    private NearestNeighbourMatching() {
    }

    /**
     * @param score   the matching score of every unit
     * @param treated whether each unit is treated
     * @param strata  the exact-matching stratum of every unit (null: one stratum)
     * @param caliper the largest allowed score distance (>= 0)
     * @return pairs in the order they were made
     */
    public static List<Pair> match(double[] score, boolean[] treated, String[] strata, double caliper) {
        return match(score, treated, strata, caliper, null, false);
    }

    /**
     * As {@link #match(double[], boolean[], String[], double)}, but when {@code x} is given the control chosen
     * among those inside the caliper is the one nearest in Mahalanobis distance on {@code x} (covariance of
     * all units; ties: the lower index) rather than in score: Mahalanobis matching within propensity-score
     * calipers (Rubin and Thomas 2000), which balances the covariates in {@code x} more closely.
     */
    public static List<Pair> match(double[] score, boolean[] treated, String[] strata, double caliper, double[][] x,
                                   boolean replacement) {
        int n = score.length;
        if (treated.length != n || (strata != null && strata.length != n) || (x != null && x.length != n)) {
            throw new IllegalArgumentException("score, treated, strata and x must have one entry per unit");
        }
        if (!(caliper >= 0)) {
            throw new IllegalArgumentException("the caliper must be >= 0, got " + caliper);
        }
        double[][] inverse = x == null ? null : Mahalanobis.inverseCovariance(x);
        Map<String, TreeMap<Double, TreeSet<Integer>>> controls = new HashMap<>();
        List<Integer> treatedOrder = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(score[i])) {
                throw new IllegalArgumentException("unit " + i + " has no score");
            }
            if (treated[i]) {
                treatedOrder.add(i);
            } else {
                controls.computeIfAbsent(stratum(strata, i), k -> new TreeMap<>())
                        .computeIfAbsent(score[i], k -> new TreeSet<>()).add(i);
            }
        }
        treatedOrder.sort(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
        List<Pair> pairs = new ArrayList<>();
        for (int t : treatedOrder) {
            TreeMap<Double, TreeSet<Integer>> pool = controls.get(stratum(strata, t));
            if (pool == null || pool.isEmpty()) {
                continue;
            }
            int c = -1;
            if (inverse == null) {
                Map.Entry<Double, TreeSet<Integer>> below = pool.floorEntry(score[t]);
                Map.Entry<Double, TreeSet<Integer>> above = pool.higherEntry(score[t]);
                Map.Entry<Double, TreeSet<Integer>> best;
                if (below == null) {
                    best = above;
                } else if (above == null) {
                    best = below;
                } else {
                    best = score[t] - below.getKey() <= above.getKey() - score[t] ? below : above;
                }
                if (Math.abs(best.getKey() - score[t]) <= caliper) {
                    c = best.getValue().first();
                }
            } else {
                double bestD = Double.POSITIVE_INFINITY;
                for (TreeSet<Integer> same : pool.subMap(score[t] - caliper, true, score[t] + caliper, true).values()) {
                    for (int candidate : same) {
                        double d = Mahalanobis.distance(x[t], x[candidate], inverse);
                        if (d < bestD || (d == bestD && candidate < c)) {
                            bestD = d;
                            c = candidate;
                        }
                    }
                }
            }
            if (c < 0) {
                continue;
            }
            if (!replacement) {
                TreeSet<Integer> at = pool.get(score[c]);
                at.remove(c);
                if (at.isEmpty()) {
                    pool.remove(score[c]);
                }
            }
            pairs.add(new Pair(t, c, Math.abs(score[t] - score[c])));
        }
        return pairs;
    }

    private static String stratum(String[] strata, int i) {
        return strata == null ? "" : Objects.requireNonNullElse(strata[i], "");
    }

    /** Treated rows of the pairs, in pair order. */
    static int[] treatedRows(List<Pair> pairs) {
        return pairs.stream().mapToInt(Pair::treated).toArray();
    }

    /** Control rows of the pairs, in pair order. */
    static int[] controlRows(List<Pair> pairs) {
        return pairs.stream().mapToInt(Pair::control).toArray();
    }

    /** Rows of every unit of one group. */
    static int[] rows(boolean[] treated, boolean group) {
        return java.util.stream.IntStream.range(0, treated.length).filter(i -> treated[i] == group).toArray();
    }
}
