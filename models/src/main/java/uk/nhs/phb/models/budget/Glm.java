package uk.nhs.phb.models.budget;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Generalised linear models fitted by iteratively reweighted least squares (IRLS, Fisher scoring), with the
 * normal equations solved by Cholesky decomposition (Commons Math). Two families:
 *
 * <ul>
 *   <li>{@link Family#GAMMA_LOG}: gamma variance {@code V(mu) = phi mu^2}, log link. The model for skewed,
 *       positive costs: effects multiply, the variance grows with the mean, and the fitted mean of every
 *       level of a factor equals the observed mean of that level (the score equations are
 *       {@code sum x (y - mu) / mu = 0}). Working weight 1 per observation, working response
 *       {@code eta + (y - mu) / mu}. The dispersion {@code phi} is the Pearson estimate
 *       {@code sum ((y - mu) / mu)^2 / (n - p)}.
 *   <li>{@link Family#BERNOULLI_LOGIT}: binary outcome, logit link; working weight {@code mu (1 - mu)},
 *       working response {@code eta + (y - mu) / (mu (1 - mu))}; dispersion 1.
 * </ul>
 *
 * <p>Rows may be groups of observations with the same covariates ("patterns"): {@code y} is then the mean
 * response of the group, {@code weight} its size and {@code ySquares} the mean of the squared responses. For
 * both families the score and the Fisher information depend on a group only through its size and mean, so a
 * grouped fit gives exactly the coefficients of the ungrouped fit; {@code ySquares} is needed only for the
 * gamma dispersion. This lets Spark reduce millions of people to their distinct covariate patterns once, and
 * the fit run in memory whatever the population size.
 *
 * <p>The intercept is added here: {@code coefficients[0]} is the intercept, {@code coefficients[j + 1]} the
 * coefficient of column {@code j}.
 */
public final class Glm {
    /** Distribution and link. */
    public enum Family {
        GAMMA_LOG,
        BERNOULLI_LOGIT
    }

    /**
     * Iteration limits and penalty. Converged when the (penalised) deviance changes by less than
     * {@code tolerance} relative ({@code |dev - old| / (|dev| + 0.1)}, as R's {@code glm.fit}) and no coefficient
     * moves by 1e-8 or more. {@code ridge}
     * adds {@code ridge / 2 * sum(beta_j^2)} (intercept unpenalised) to the objective: a weak prior that keeps
     * coefficients finite when a level perfectly separates users from non-users, and whose pull vanishes as the
     * data grow.
     */
    public record Settings(int maxIterations, double tolerance, double ridge) {
        public Settings {
            if (maxIterations < 1 || !(tolerance > 0) || ridge < 0) {
                throw new IllegalArgumentException("bad GLM settings: " + maxIterations + ", " + tolerance + ", " + ridge);
            }
        }

        /** 100 iterations, tolerance 1e-10, no penalty. */
        public static Settings defaults() {
            return new Settings(100, 1e-10, 0);
        }

        public Settings withRidge(double r) {
            return new Settings(maxIterations, tolerance, r);
        }
    }

    /**
     * A fitted model.
     *
     * @param terms           names of the columns, without the intercept
     * @param coefficients    intercept first, then one per term (on the link scale)
     * @param standardErrors  model-based standard errors, same order
     * @param dispersion      Pearson dispersion (gamma) or 1 (Bernoulli)
     * @param observations    total weight of the rows fitted (people)
     * @param rows            rows (patterns) fitted
     */
    public record Fit(Family family, List<String> terms, double[] coefficients, double[] standardErrors, double dispersion,
                      double observations, int rows, int iterations, boolean converged) {
        /** The linear predictor of one row of covariates (without the intercept column). */
        public double linearPredictor(double[] x) {
            if (x.length != terms.size()) {
                throw new IllegalArgumentException("expected " + terms.size() + " covariates, got " + x.length);
            }
            double eta = coefficients[0];
            for (int j = 0; j < x.length; j++) {
                eta += coefficients[j + 1] * x[j];
            }
            return eta;
        }

        /** The fitted mean of one row of covariates. */
        public double mean(double[] x) {
            return inverseLink(family, linearPredictor(x));
        }

        /** The coefficient of a term, or of the intercept for {@code "(intercept)"}. */
        public double coefficient(String term) {
            if (term.equals(INTERCEPT)) {
                return coefficients[0];
            }
            int j = terms.indexOf(term);
            if (j < 0) {
                throw new IllegalArgumentException("no term '" + term + "' in the model; terms: " + terms);
            }
            return coefficients[j + 1];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s fit on %.0f observations (%d rows), %d iterations%s, "
                    + "dispersion %.4f%n", family, observations, rows, iterations, converged ? "" : " (NOT converged)", dispersion));
            for (int j = 0; j < coefficients.length; j++) {
                b.append(String.format(Locale.ROOT, "  %-28s %10.5f (se %.5f)%n", j == 0 ? INTERCEPT : terms.get(j - 1), coefficients[j],
                        standardErrors[j]));
            }
            return b.toString();
        }
    }

    public static final String INTERCEPT = "(intercept)";
    private static final double ETA_LIMIT = 30;

    private Glm() {
    }

    /** Fits ungrouped data: one row per observation, weight 1. */
    public static Fit fit(Family family, List<String> terms, double[][] x, double[] y) {
        double[] w = new double[y.length];
        java.util.Arrays.fill(w, 1);
        double[] y2 = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            y2[i] = y[i] * y[i];
        }
        return fit(family, terms, x, y, w, y2, Settings.defaults());
    }

    /**
     * Fits grouped (or weighted) data.
     *
     * @param x        covariates, one row per group, one column per term (no intercept column)
     * @param y        mean response of each group (gamma: > 0; Bernoulli: in [0, 1])
     * @param weight   group sizes (> 0)
     * @param ySquares mean squared response of each group (gamma dispersion); null to use {@code y^2}
     */
    public static Fit fit(Family family, List<String> terms, double[][] x, double[] y, double[] weight, double[] ySquares,
                          Settings settings) {
        int n = y.length;
        int p = terms.size() + 1;
        check(family, terms, x, y, weight, n);
        double totalWeight = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            totalWeight += weight[i];
            meanY += weight[i] * y[i];
        }
        meanY /= totalWeight;
        double[] beta = new double[p];
        beta[0] = family == Family.GAMMA_LOG ? Math.log(meanY) : logit(Math.min(1 - 1e-6, Math.max(1e-6, meanY)));
        double ridge = settings.ridge();
        double deviance = deviance(family, x, y, weight, beta) + penalty(beta, ridge);
        RealMatrix information = null;
        int iter = 0;
        boolean converged = false;
        while (iter < settings.maxIterations() && !converged) {
            iter++;
            double[][] xtwx = new double[p][p];
            double[] xtwz = new double[p];
            double[] row = new double[p];
            for (int i = 0; i < n; i++) {
                row[0] = 1;
                System.arraycopy(x[i], 0, row, 1, p - 1);
                double eta = clamp(dot(beta, row));
                double mu = inverseLink(family, eta);
                double w;
                double z;
                if (family == Family.GAMMA_LOG) {
                    w = weight[i];
                    z = eta + (y[i] - mu) / mu;
                } else {
                    double v = Math.max(mu * (1 - mu), 1e-10);
                    w = weight[i] * v;
                    z = eta + (y[i] - mu) / v;
                }
                for (int a = 0; a < p; a++) {
                    double wa = w * row[a];
                    if (wa == 0) {
                        continue;
                    }
                    xtwz[a] += wa * z;
                    for (int b = 0; b <= a; b++) {
                        xtwx[a][b] += wa * row[b];
                    }
                }
            }
            for (int a = 0; a < p; a++) {
                for (int b = a + 1; b < p; b++) {
                    xtwx[a][b] = xtwx[b][a];
                }
            }
            for (int a = 1; a < p; a++) {
                xtwx[a][a] += ridge;
            }
            information = new Array2DRowRealMatrix(xtwx, false);
            double[] next = solve(information, xtwz, terms);
            // step halving: never accept a step that makes the fit worse
            double nextDeviance = deviance(family, x, y, weight, next) + penalty(next, ridge);
            for (int h = 0; h < 30 && !(nextDeviance <= deviance * (1 + 1e-12) + 1e-12); h++) {
                for (int j = 0; j < p; j++) {
                    next[j] = (next[j] + beta[j]) / 2;
                }
                nextDeviance = deviance(family, x, y, weight, next) + penalty(next, ridge);
            }
            double change = 0;
            for (int j = 0; j < p; j++) {
                change = Math.max(change, Math.abs(next[j] - beta[j]));
            }
            converged = Math.abs(nextDeviance - deviance) / (Math.abs(nextDeviance) + 0.1) < settings.tolerance() && change < 1e-8;
            beta = next;
            deviance = nextDeviance;
        }
        double dispersion = 1;
        if (family == Family.GAMMA_LOG) {
            double pearson = 0;
            double[] row = new double[p];
            for (int i = 0; i < n; i++) {
                row[0] = 1;
                System.arraycopy(x[i], 0, row, 1, p - 1);
                double mu = inverseLink(family, clamp(dot(beta, row)));
                double y2 = ySquares == null ? y[i] * y[i] : ySquares[i];
                // sum over the group of ((y - mu) / mu)^2 = n (E[y^2] - 2 mu E[y] + mu^2) / mu^2
                pearson += weight[i] * Math.max(0, y2 - 2 * mu * y[i] + mu * mu) / (mu * mu);
            }
            dispersion = totalWeight > p ? pearson / (totalWeight - p) : Double.NaN;
        }
        double[] se = new double[p];
        RealMatrix inverse = new CholeskyDecomposition(information, 1e-12, 1e-14).getSolver().getInverse();
        for (int j = 0; j < p; j++) {
            se[j] = Math.sqrt(Math.max(0, inverse.getEntry(j, j)) * dispersion);
        }
        return new Fit(family, List.copyOf(terms), beta, se, dispersion, totalWeight, n, iter, converged);
    }

    private static void check(Family family, List<String> terms, double[][] x, double[] y, double[] weight, int n) {
        if (x.length != n || weight.length != n) {
            throw new IllegalArgumentException("x, y and weight must have the same number of rows: " + x.length + ", " + n + ", "
                    + weight.length);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no rows to fit");
        }
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < n && bad.size() < 3; i++) {
            if (x[i].length != terms.size()) {
                bad.add("row " + i + " has " + x[i].length + " covariates, expected " + terms.size());
            } else if (!(weight[i] > 0)) {
                bad.add("row " + i + " has weight " + weight[i]);
            } else if (family == Family.GAMMA_LOG && !(y[i] > 0)) {
                bad.add("row " + i + " has y = " + y[i] + " (a gamma model needs positive costs)");
            } else if (family == Family.BERNOULLI_LOGIT && !(y[i] >= 0 && y[i] <= 1)) {
                bad.add("row " + i + " has y = " + y[i] + " (a Bernoulli model needs a share in [0, 1])");
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("cannot fit " + family + ": " + String.join("; ", bad));
        }
    }

    private static double[] solve(RealMatrix information, double[] rhs, List<String> terms) {
        try {
            RealVector b = new CholeskyDecomposition(information, 1e-12, 1e-14).getSolver().solve(new ArrayRealVector(rhs, false));
            return b.toArray();
        } catch (NonPositiveDefiniteMatrixException e) {
            throw new IllegalArgumentException("the design is singular (a term is constant or a combination of others); terms: "
                    + terms, e);
        }
    }

    /**
     * The deviance of grouped data up to a constant: gamma {@code 2 sum w ((y - mu) / mu - log(y / mu))},
     * Bernoulli {@code -2 sum w (y log mu + (1 - y) log(1 - mu))}. Its minimum is the maximum (quasi-)likelihood fit.
     */
    static double deviance(Family family, double[][] x, double[] y, double[] weight, double[] beta) {
        double d = 0;
        for (int i = 0; i < y.length; i++) {
            double eta = beta[0];
            for (int j = 1; j < beta.length; j++) {
                eta += beta[j] * x[i][j - 1];
            }
            double mu = inverseLink(family, clamp(eta));
            if (family == Family.GAMMA_LOG) {
                d += 2 * weight[i] * ((y[i] - mu) / mu - Math.log(y[i] / mu));
            } else {
                double m = Math.min(1 - 1e-15, Math.max(1e-15, mu));
                d -= 2 * weight[i] * (y[i] * Math.log(m) + (1 - y[i]) * Math.log(1 - m));
            }
        }
        return d;
    }

    private static double penalty(double[] beta, double ridge) {
        double s = 0;
        for (int j = 1; j < beta.length; j++) {
            s += beta[j] * beta[j];
        }
        return ridge * s;
    }

    static double inverseLink(Family family, double eta) {
        return family == Family.GAMMA_LOG ? Math.exp(eta) : 1 / (1 + Math.exp(-eta));
    }

    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    private static double clamp(double eta) {
        return Math.max(-ETA_LIMIT, Math.min(ETA_LIMIT, eta));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
