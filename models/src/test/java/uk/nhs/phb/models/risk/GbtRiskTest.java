package uk.nhs.phb.models.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The GBT wrapper against Smile itself, SHAP additivity, and the logistic, baseline and cost models on known data. */
class GbtRiskTest {
    static double[][] x;
    static int[] y;
    static double[][] xv;
    static int[] yv;
    static final String[] NAMES = {"admissions", "conditions", "age", "noise"};
    static GbtRisk gbt;

    /** y from a known logistic model: admissions and conditions matter, noise does not. */
    static void data(int n, long seed, double[][] xs, int[] ys) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            double adm = r.nextInt(4);
            double cond = r.nextInt(6);
            double age = 20 + r.nextInt(70);
            double lp = -3 + 0.8 * adm + 0.3 * cond + 0.01 * (age - 50);
            xs[i] = new double[] {adm, cond, age, r.nextGaussian()};
            ys[i] = r.nextDouble() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
        }
    }

    @BeforeAll
    static void fit() {
        x = new double[3000][];
        y = new int[3000];
        data(3000, 1, x, y);
        xv = new double[1000][];
        yv = new int[1000];
        data(1000, 2, xv, yv);
        gbt = GbtRisk.fit(x, y, xv, yv, NAMES, new GbtRisk.Params(150, 6, 20, 0.1, 0.7, 20), 7);
    }

    @Test
    void probabilityEqualsSmilesOwnPrediction() {
        double[] post = new double[2];
        for (int i = 0; i < 50; i++) {
            gbt.smile().predict(gbt.tuple(xv[i]), post);
            assertThat(gbt.probability(xv[i])).isCloseTo(post[1], within(1e-12));
        }
        assertThat(gbt.trees()).isBetween(1, 150);
    }

    @Test
    void flatTreesReproduceSmilesMarginAndShapExactly() {
        for (int i = 0; i < 300; i++) {
            assertThat(gbt.logOdds(xv[i])).isCloseTo(2 * gbt.smileMargin(xv[i]), within(1e-12));
            assertThat(gbt.shap(xv[i])).as("row " + i).containsExactly(gbt.smileShap(xv[i]), within(1e-12));
        }
    }

    @Test
    void shapValuesAddUpToTheLogOddsForEveryRow() {
        double base = gbt.baseLogOdds(x[0]);
        for (int i = 0; i < 200; i++) {
            double[] phi = gbt.shap(xv[i]);
            double sum = base;
            for (double v : phi) {
                sum += v;
            }
            assertThat(sum).as("row " + i).isCloseTo(gbt.logOdds(xv[i]), within(1e-9));
            assertThat(Metrics.sigmoid(sum)).isCloseTo(gbt.probability(xv[i]), within(1e-9));
        }
        // the base value is the same whichever row defines it
        assertThat(gbt.baseLogOdds(xv[17])).isCloseTo(base, within(1e-9));
    }

    @Test
    void shapCreditsTheFeaturesThatDriveTheOutcome() {
        double[] meanAbs = new double[NAMES.length];
        for (double[] r : xv) {
            double[] phi = gbt.shap(r);
            for (int j = 0; j < phi.length; j++) {
                meanAbs[j] += Math.abs(phi[j]) / xv.length;
            }
        }
        assertThat(meanAbs[0]).isGreaterThan(meanAbs[3] * 3);
        assertThat(meanAbs[1]).isGreaterThan(meanAbs[3]);
    }

    @Test
    void modelsBeatBaselinesAndLogisticFindsTheSigns() {
        double[] pg = new double[xv.length];
        double[] pl = new double[xv.length];
        double[] pb = new double[xv.length];
        LogisticRisk lr = LogisticRisk.fit(x, y, 1.0);
        LookupBaseline prior = LookupBaseline.fit("prior", x, y, NAMES, "admissions", 3);
        for (int i = 0; i < xv.length; i++) {
            pg[i] = gbt.probability(xv[i]);
            pl[i] = lr.probability(xv[i]);
            pb[i] = prior.probability(xv[i]);
        }
        assertThat(Metrics.auroc(pg, yv)).isGreaterThan(Metrics.auroc(pb, yv));
        assertThat(Metrics.auroc(pl, yv)).isGreaterThan(Metrics.auroc(pb, yv));
        assertThat(lr.coefficients()[0]).isPositive();
        assertThat(lr.coefficients()[1]).isPositive();
        assertThat(Math.abs(lr.coefficients()[3])).isLessThan(lr.coefficients()[0] / 4);
        // the baseline is the smoothed observed rate per value: rate for 0 admissions below rate for 3
        assertThat(prior.probability(new double[] {0, 0, 0, 0})).isLessThan(prior.probability(new double[] {3, 0, 0, 0}));
        // a calibrated model on fresh data from the same process: slope near 1
        assertThat(Metrics.recalibration(pl, yv).slope()).isBetween(0.8, 1.25);
    }

    @Test
    void costModelIsUnbiasedOnAverageAfterSmearing() {
        Random r = new Random(3);
        int n = 3000;
        double[][] cx = new double[n][];
        double[] cost = new double[n];
        double[][] vx = new double[1000][];
        double[] vcost = new double[1000];
        for (int i = 0; i < n + 1000; i++) {
            double a = r.nextInt(4);
            double c = Math.exp(5 + 0.7 * a + r.nextGaussian()) - 1;
            if (i < n) {
                cx[i] = new double[] {a, r.nextGaussian(), 0, 0};
                cost[i] = c;
            } else {
                vx[i - n] = new double[] {a, r.nextGaussian(), 0, 0};
                vcost[i - n] = c;
            }
        }
        CostModel m = CostModel.fit(cx, cost, vx, vcost, NAMES, new GbtRisk.Params(100, 4, 20, 0.1, 0.7, 20), 5);
        // lognormal with sigma 1: smearing factor near exp(0.5)
        assertThat(m.smearing()).isBetween(1.4, 1.95);
        // against the true conditional mean exp(5 + 0.7 a + 1/2) - 1, for each value of a
        for (int a = 0; a < 4; a++) {
            double truth = Math.exp(5 + 0.7 * a + 0.5) - 1;
            assertThat(m.predict(new double[] {a, 0, 0, 0}) / truth).as("a=" + a).isBetween(0.85, 1.15);
        }
        assertThat(m.predict(new double[] {3, 0, 0, 0})).isGreaterThan(m.predict(new double[] {0, 0, 0, 0}) * 3);
    }
}
