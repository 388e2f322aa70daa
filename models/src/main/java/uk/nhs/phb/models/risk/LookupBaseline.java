package uk.nhs.phb.models.risk;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A one-feature baseline: the observed outcome rate in training for each value of a count (0, 1, ...,
 * {@code cap} or more), shrunk towards the overall rate by one pseudo-person. Used for the two reference
 * models: prior emergency admissions only, and multimorbidity count only.
 */
public final class LookupBaseline implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final String feature;
    private final int featureIndex;
    private final int cap;
    private final double[] rate;
    private final long[] count;

    private LookupBaseline(String name, String feature, int featureIndex, int cap, double[] rate, long[] count) {
        this.name = name;
        this.feature = feature;
        this.featureIndex = featureIndex;
        this.cap = cap;
        this.rate = rate;
        this.count = count;
    }

    public static LookupBaseline fit(String name, double[][] x, int[] y, String[] names, String feature, int cap) {
        int j = -1;
        for (int k = 0; k < names.length; k++) {
            if (names[k].equals(feature)) {
                j = k;
            }
        }
        if (j < 0) {
            throw new IllegalArgumentException("baseline feature " + feature + " is not among the model's features");
        }
        double overall = (double) Metrics.positives(y) / y.length;
        long[] n = new long[cap + 1];
        long[] pos = new long[cap + 1];
        for (int i = 0; i < x.length; i++) {
            int v = bucket(x[i][j], cap);
            n[v]++;
            pos[v] += y[i];
        }
        double[] rate = new double[cap + 1];
        for (int v = 0; v <= cap; v++) {
            rate[v] = (pos[v] + overall) / (n[v] + 1.0);
        }
        return new LookupBaseline(name, feature, j, cap, rate, n);
    }

    private static int bucket(double v, int cap) {
        return (int) Math.max(0, Math.min(cap, Math.floor(v)));
    }

    public double probability(double[] x) {
        return rate[bucket(x[featureIndex], cap)];
    }

    public String name() {
        return name;
    }

    public String feature() {
        return feature;
    }

    public Described describe() {
        Map<String, Rate> table = new LinkedHashMap<>();
        for (int v = 0; v <= cap; v++) {
            table.put(v == cap ? cap + "+" : String.valueOf(v), new Rate(rate[v], count[v]));
        }
        return new Described(feature, table);
    }

    /** The baseline as {@code training.json} describes it: its feature and the rate at each value. */
    public record Described(String feature, Map<String, Rate> rateByValue) {
    }

    /** The outcome's rate among the training rows with one value. */
    public record Rate(double rate, long trainingRows) {
    }
}
