package uk.nhs.phb.models.causal;

import smile.classification.LogisticRegression;

/**
 * The propensity score: the probability of treatment given the pre-period covariates, from Smile's L2-penalised
 * logistic regression ({@code smile.classification.LogisticRegression.binomial}) fitted on covariates
 * standardised to mean 0 and SD 1 (columns that do not vary are left out). Matching uses its logit.
 */
public final class PropensityScore {
    /** Probabilities are kept inside [EPS, 1 - EPS] so every logit is finite. */
    static final double EPS = 1e-9;

    private final double[] mean;
    private final double[] sd;
    private final LogisticRegression.Binomial model;

    private PropensityScore(double[] mean, double[] sd, LogisticRegression.Binomial model) {
        this.mean = mean;
        this.sd = sd;
        this.model = model;
    }

    /**
     * Fits the model.
     *
     * @param x covariates, one row per unit
     * @param treated whether each unit was treated; both groups must be present
     * @param lambda L2 penalty on the standardised coefficients (a small value keeps the fit finite when a
     *               covariate nearly separates the groups)
     */
    public static PropensityScore fit(double[][] x, boolean[] treated, double lambda) {
        int n = x.length;
        if (n != treated.length) {
            throw new IllegalArgumentException("x has " + n + " rows, treated has " + treated.length);
        }
        int nTreated = 0;
        for (boolean t : treated) {
            nTreated += t ? 1 : 0;
        }
        if (nTreated == 0 || nTreated == n) {
            throw new IllegalArgumentException("a propensity model needs treated and untreated units, got " + nTreated + " treated of " + n);
        }
        int p = x[0].length;
        double[] mean = new double[p];
        double[] sd = new double[p];
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (double[] row : x) {
                s += row[j];
            }
            mean[j] = s / n;
            double v = 0;
            for (double[] row : x) {
                v += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
            sd[j] = Math.sqrt(v / Math.max(1, n - 1));
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = treated[i] ? 1 : 0;
        }
        PropensityScore shape = new PropensityScore(mean, sd, null);
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {
            z[i] = shape.standardise(x[i]);
        }
        return new PropensityScore(mean, sd, LogisticRegression.binomial(z, y, lambda, 1e-7, 1000));
    }

    double[] standardise(double[] row) {
        int kept = 0;
        for (double s : sd) {
            kept += s > 0 ? 1 : 0;
        }
        double[] z = new double[Math.max(1, kept)];
        int k = 0;
        for (int j = 0; j < row.length; j++) {
            if (sd[j] > 0) {
                z[k++] = (row[j] - mean[j]) / sd[j];
            }
        }
        return z;
    }

    /** P(treated | covariates). */
    public double probability(double[] row) {
        double[] post = new double[2];
        model.predict(standardise(row), post);
        return Math.min(1 - EPS, Math.max(EPS, post[1]));
    }

    /** The logit of the propensity score, the scale matching works on. */
    public double logit(double[] row) {
        double p = probability(row);
        return Math.log(p / (1 - p));
    }

    /** Logits of every row. */
    public double[] logits(double[][] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = logit(x[i]);
        }
        return out;
    }
}
