package uk.nhs.phb.models.causal;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** Mahalanobis distance with the covariance of a sample (pseudo-inverse, so constant or collinear columns are harmless). */
final class Mahalanobis {
    private Mahalanobis() {
    }

    static double[][] inverseCovariance(double[][] x) {
        int n = x.length;
        int p = x[0].length;
        double[] mean = new double[p];
        for (double[] row : x) {
            for (int j = 0; j < p; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] cov = new double[p][p];
        for (double[] row : x) {
            for (int a = 0; a < p; a++) {
                double da = row[a] - mean[a];
                for (int b = a; b < p; b++) {
                    cov[a][b] += da * (row[b] - mean[b]) / Math.max(1, n - 1);
                }
            }
        }
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(cov, false);
        return new SingularValueDecomposition(m).getSolver().getInverse().getData();
    }

    /** Squared distance (the order is what matching needs). */
    static double distance(double[] u, double[] v, double[][] inverse) {
        int p = u.length;
        double[] d = new double[p];
        for (int j = 0; j < p; j++) {
            d[j] = u[j] - v[j];
        }
        double s = 0;
        for (int a = 0; a < p; a++) {
            double row = 0;
            for (int b = 0; b < p; b++) {
                row += inverse[a][b] * d[b];
            }
            s += d[a] * row;
        }
        return s;
    }
}
