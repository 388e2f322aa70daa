package uk.nhs.phb.models.causal;

import java.util.ArrayList;
import java.util.List;

/**
 * Covariate balance before and after matching: means of each covariate among the treated and the controls,
 * and the standardised mean difference {@code (mean_t - mean_c) / sqrt((var_t + var_c) / 2)}. Both SMDs use
 * the variances of the full (unmatched) groups, so matching changes only the numerator (Austin 2009); a
 * covariate that does not vary has SMD 0. |SMD| below 0.1 is the usual mark of adequate balance.
 */
public final class Balance {
    /** One covariate's balance; {@code pooledSd} is the SMDs' denominator (from the unmatched groups). */
    public record Row(String covariate, double meanTreated, double meanControl, double smdBefore, double meanTreatedMatched,
                      double meanControlMatched, double smdAfter, double pooledSd) {
    }

    private Balance() {
    }

    /**
     * @param names one per column of {@code x}
     * @param x covariates, one row per unit
     * @param treated the groups
     * @param pairs matched pairs (row indices)
     */
    public static List<Row> table(String[] names, double[][] x, boolean[] treated, List<NearestNeighbourMatching.Pair> pairs) {
        int[] t = NearestNeighbourMatching.rows(treated, true);
        int[] c = NearestNeighbourMatching.rows(treated, false);
        int[] mt = NearestNeighbourMatching.treatedRows(pairs);
        int[] mc = NearestNeighbourMatching.controlRows(pairs);
        List<Row> out = new ArrayList<>();
        for (int j = 0; j < names.length; j++) {
            double meanT = mean(x, t, j);
            double meanC = mean(x, c, j);
            double denom = Math.sqrt((variance(x, t, j, meanT) + variance(x, c, j, meanC)) / 2);
            double meanMt = mean(x, mt, j);
            double meanMc = mean(x, mc, j);
            out.add(new Row(names[j], meanT, meanC, smd(meanT - meanC, denom), meanMt, meanMc, smd(meanMt - meanMc, denom), denom));
        }
        return out;
    }

    /** The largest |SMD| after matching (0 for no covariates). */
    public static double maxAbsAfter(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Math.abs(r.smdAfter())).filter(v -> !Double.isNaN(v)).max().orElse(0);
    }

    /** The largest |SMD| before matching. */
    public static double maxAbsBefore(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Math.abs(r.smdBefore())).filter(v -> !Double.isNaN(v)).max().orElse(0);
    }

    /** A standardised mean difference: 0 when neither differs, infinite when only the means do. */
    public static double smd(double difference, double denominator) {
        if (denominator == 0) {
            return difference == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, difference);
        }
        return difference / denominator;
    }

    static double mean(double[][] x, int[] rows, int j) {
        if (rows.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i : rows) {
            s += x[i][j];
        }
        return s / rows.length;
    }

    /** Sample variance (n - 1). */
    static double variance(double[][] x, int[] rows, int j, double mean) {
        if (rows.length < 2) {
            return 0;
        }
        double s = 0;
        for (int i : rows) {
            s += (x[i][j] - mean) * (x[i][j] - mean);
        }
        return s / (rows.length - 1);
    }
}
