package uk.nhs.phb.models.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap's weighted figures are the point estimates' figures on the people repeated by their weights, and its
 * intervals are about as wide as the known sampling spread of a figure.
 */
class BootstrapTest {

    /** Predictions rounded to two places, so ties are common and the tie rules are tested too. */
    private static double[][] sample(int n, long seed) {
        Random r = new Random(seed);
        double[] p = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.round(Math.min(0.95, Math.max(0.01, 0.1 + 0.15 * r.nextGaussian())) * 100) / 100.0;
            y[i] = r.nextDouble() < Math.min(1, p[i] * 1.2) ? 1 : 0;
        }
        return new double[][] {p, y};
    }

    private static int[] ints(double[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    @Test
    void aWeightingGivesTheFiguresOfThePeopleRepeatedByTheirWeights() {
        double[][] s = sample(3000, 11);
        double[] p = s[0];
        int[] y = ints(s[1]);
        double[] w = Bootstrap.poissonWeights(p.length, new SplittableRandom(5));
        List<Double> rp = new ArrayList<>();
        List<Integer> ry = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < (int) w[i]; k++) {
                rp.add(p[i]);
                ry.add(y[i]);
            }
        }
        double[] repeatedP = rp.stream().mapToDouble(Double::doubleValue).toArray();
        int[] repeatedY = ry.stream().mapToInt(Integer::intValue).toArray();
        assertThat(repeatedP.length).as("some people drawn twice or more, some not at all").isNotEqualTo(p.length);

        Bootstrap.Figures f = Bootstrap.figures(new Bootstrap.Sorted(p, y), w, 0, 1);
        assertThat(f.auroc()).isCloseTo(Metrics.auroc(repeatedP, repeatedY), within(1e-12));
        assertThat(f.auprc()).isCloseTo(Metrics.averagePrecision(repeatedP, repeatedY), within(1e-12));
        assertThat(f.brier()).isCloseTo(Metrics.brier(repeatedP, repeatedY), within(1e-12));
        Metrics.Recalibration r = Metrics.recalibration(repeatedP, repeatedY);
        assertThat(f.slope()).isCloseTo(r.slope(), within(1e-8));
        assertThat(f.intercept()).isCloseTo(r.intercept(), within(1e-8));
        Metrics.TopShare top1 = Metrics.topShare(repeatedP, repeatedY, null, 0.01);
        Metrics.TopShare top5 = Metrics.topShare(repeatedP, repeatedY, null, 0.05);
        assertThat(f.ppvTop1()).isCloseTo(top1.ppv(), within(1e-12));
        assertThat(f.sensitivityTop1()).isCloseTo(top1.sensitivity(), within(1e-12));
        assertThat(f.ppvTop5()).isCloseTo(top5.ppv(), within(1e-12));
        assertThat(f.sensitivityTop5()).isCloseTo(top5.sensitivity(), within(1e-12));
    }

    @Test
    void theIntervalsHoldTheEstimateAndAreAsWideAsItsSamplingSpread() {
        double[][] s = sample(20_000, 3);
        double[] p = s[0];
        int[] y = ints(s[1]);
        Bootstrap.Intervals ci = Bootstrap.of(p, y, Bootstrap.REPLICATES, Bootstrap.SEED);
        Metrics.Auc auc = Metrics.delong(p, y);
        assertThat(ci.auroc().lower()).isLessThan(auc.auc());
        assertThat(ci.auroc().upper()).isGreaterThan(auc.auc());
        // DeLong's interval is the textbook width of the AUROC's spread; the bootstrap's agrees within a fifth
        assertThat(ci.auroc().upper() - ci.auroc().lower()).isCloseTo(auc.upper() - auc.lower(), within(0.2 * (auc.upper() - auc.lower())));
        // the Brier score is a mean of n squared errors: its interval is about 2 x 1.96 x their SD / sqrt(n)
        double brier = Metrics.brier(p, y);
        double sd = 0;
        for (int i = 0; i < p.length; i++) {
            double e = (p[i] - y[i]) * (p[i] - y[i]) - brier;
            sd += e * e;
        }
        sd = Math.sqrt(sd / (p.length - 1));
        double expected = 2 * Metrics.Z975 * sd / Math.sqrt(p.length);
        assertThat(ci.brier().upper() - ci.brier().lower()).isCloseTo(expected, within(0.2 * expected));
        assertThat(ci.calibrationSlope().lower()).isLessThan(Metrics.recalibration(p, y).slope());
        assertThat(ci.ppvTop5().lower()).isLessThan(ci.ppvTop5().upper());
        // the same seed gives the same intervals, whatever the threads did
        assertThat(Bootstrap.of(p, y, Bootstrap.REPLICATES, Bootstrap.SEED)).isEqualTo(ci);
    }

    @Test
    void aFigureNoReplicateCanComputeHasNoInterval() {
        double[] p = {0.1, 0.2, 0.3, 0.4};
        int[] y = {0, 0, 0, 0};
        Bootstrap.Intervals ci = Bootstrap.of(p, y, 50, 1);
        assertThat(ci.auroc()).isEqualTo(new Bootstrap.Interval(null, null));
        assertThat(ci.brier().lower()).isNotNull();
    }
}
