package uk.nhs.phb.models.risk;

import java.io.Serializable;
import smile.classification.LogisticRegression;

/**
 * A regularised logistic regression on standardised features: Smile's binomial logistic regression with an L2
 * penalty {@code lambda/2 ||w||^2} on the log-likelihood (intercept unpenalised). Means and standard deviations
 * are fitted on the training rows only and saved with the model; a feature constant in training is left at 0.
 */
public final class LogisticRisk implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] sd;
    private final double[] coefficients;
    private final double lambda;

    private LogisticRisk(double[] mean, double[] sd, double[] coefficients, double lambda) {
        this.mean = mean;
        this.sd = sd;
        this.coefficients = coefficients;
        this.lambda = lambda;
    }

    public static LogisticRisk fit(double[][] x, int[] y, double lambda) {
        int p = x[0].length;
        double[] mean = new double[p];
        double[] sd = new double[p];
        for (double[] r : x) {
            for (int j = 0; j < p; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < p; j++) {
            mean[j] /= x.length;
        }
        for (double[] r : x) {
            for (int j = 0; j < p; j++) {
                sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < p; j++) {
            sd[j] = Math.sqrt(sd[j] / Math.max(1, x.length - 1));
        }
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = standardise(x[i], mean, sd);
        }
        LogisticRegression.Binomial m = LogisticRegression.binomial(z, y, lambda, 1e-5, 1000);
        LogisticRisk r = new LogisticRisk(mean, sd, m.coefficients(), lambda);
        double[] post = new double[2];
        m.predict(z[0], post);
        if (Math.abs(post[1] - r.probability(x[0])) > 1e-9) {
            throw new IllegalStateException("logistic model check failed: Smile p=" + post[1] + ", recomputed p=" + r.probability(x[0]));
        }
        return r;
    }

    static double[] standardise(double[] x, double[] mean, double[] sd) {
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = sd[j] > 0 ? (x[j] - mean[j]) / sd[j] : 0;
        }
        return z;
    }

    /** Predicted probability: Smile's binomial model, {@code sigmoid(w . z + w0)} with the intercept last. */
    public double probability(double[] x) {
        double[] z = standardise(x, mean, sd);
        double s = coefficients[coefficients.length - 1];
        for (int j = 0; j < z.length; j++) {
            s += coefficients[j] * z[j];
        }
        return Metrics.sigmoid(s);
    }

    /** Coefficients per standardised feature, then the intercept. */
    public double[] coefficients() {
        return coefficients.clone();
    }

    public double lambda() {
        return lambda;
    }
}
