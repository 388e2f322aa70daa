package uk.nhs.phb.models.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Every metric against figures worked out by hand on tables small enough to check on paper. */
class MetricsTest {
    // positives score 0.35 and 0.8, negatives 0.1 and 0.4
    private static final double[] P = {0.1, 0.4, 0.35, 0.8};
    private static final int[] Y = {0, 0, 1, 1};

    @Test
    void aurocCountsConcordantPairsAndTiesCountHalf() {
        // pairs (pos > neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
        assertThat(Metrics.auroc(P, Y)).isCloseTo(0.75, within(1e-12));
        assertThat(Metrics.auroc(new double[] {0.5, 0.5}, new int[] {0, 1})).isCloseTo(0.5, within(1e-12));
        assertThat(Metrics.auroc(new double[] {0.2, 0.5, 0.5, 0.9}, new int[] {0, 0, 1, 1})).isCloseTo((2 + 1.5) / 4, within(1e-12));
        assertThat(Double.isNaN(Metrics.auroc(new double[] {0.1, 0.2}, new int[] {0, 0}))).isTrue();
    }

    @Test
    void delongStandardErrorFromStructuralComponents() {
        // V10 = {0.5, 1} (share of negatives below each positive), V01 = {1, 0.5}; var = 0.125/2 + 0.125/2
        Metrics.Auc a = Metrics.delong(P, Y);
        assertThat(a.se()).isCloseTo(Math.sqrt(0.125), within(1e-12));
        assertThat(a.lower()).isCloseTo(Math.max(0, 0.75 - Metrics.Z975 * Math.sqrt(0.125)), within(1e-12));
        assertThat(a.upper()).isEqualTo(1.0);
    }

    @Test
    void averagePrecisionIsStepwiseAreaUnderPrecisionRecall() {
        // descending: 0.8 (pos) P=1 R=.5; 0.4 (neg); 0.35 (pos) P=2/3 R=1 -> .5*1 + .5*2/3
        assertThat(Metrics.averagePrecision(P, Y)).isCloseTo(0.5 + 0.5 * 2 / 3.0, within(1e-12));
    }

    @Test
    void brierAndScaledBrier() {
        double brier = (0.01 + 0.16 + 0.4225 + 0.04) / 4;
        assertThat(Metrics.brier(P, Y)).isCloseTo(brier, within(1e-12));
        assertThat(Metrics.scaledBrier(P, Y)).isCloseTo(1 - brier / 0.25, within(1e-12));
    }

    @Test
    void recalibrationSlopeAndInterceptSolveTheTwoGroupLikelihood() {
        // two groups: p=0.2 with 1 of 10 admitted, p=0.5 with 6 of 10 admitted; two points fit exactly:
        // a + b*logit(.5) = logit(.6) -> a = logit(.6); a + b*logit(.2) = logit(.1)
        double[] p = new double[20];
        int[] y = new int[20];
        for (int i = 0; i < 10; i++) {
            p[i] = 0.2;
            y[i] = i < 1 ? 1 : 0;
            p[10 + i] = 0.5;
            y[10 + i] = i < 6 ? 1 : 0;
        }
        double a = Math.log(0.6 / 0.4);
        double b = (Math.log(0.1 / 0.9) - a) / Math.log(0.2 / 0.8);
        Metrics.Recalibration r = Metrics.recalibration(p, y);
        assertThat(r.converged()).isTrue();
        assertThat(r.intercept()).isCloseTo(a, within(1e-8));
        assertThat(r.slope()).isCloseTo(b, within(1e-8));
        assertThat(b).isCloseTo(1.877443, within(1e-6));
    }

    @Test
    void calibrationInTheLargeIsTheOffsetIntercept() {
        // everyone predicted 0.2, 3 of 10 admitted: sigmoid(a + logit .2) = .3
        double[] p = new double[10];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            p[i] = 0.2;
            y[i] = i < 3 ? 1 : 0;
        }
        assertThat(Metrics.calibrationInTheLarge(p, y)).isCloseTo(Math.log(0.3 / 0.7) - Math.log(0.2 / 0.8), within(1e-9));
    }

    @Test
    void isotonicPoolsViolatorsAndEStatisticsFollow() {
        double[] p = {0.1, 0.2, 0.3, 0.4};
        int[] y = {1, 0, 0, 1};
        assertThat(Metrics.isotonic(p, y)).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 1.0}, within(1e-12));
        Metrics.ECalibration e = Metrics.eStatistics(p, y);
        // |p - c| = .2333, .1333, .0333, .6
        assertThat(e.eAvg()).isCloseTo(0.25, within(1e-12));
        assertThat(e.eMax()).isCloseTo(0.6, within(1e-12));
        assertThat(e.e90()).isCloseTo(0.7 / 3 + 0.7 * (0.6 - 0.7 / 3), within(1e-12));
    }

    @Test
    void topShareCountsPpvSensitivityAndCapturedAdmissions() {
        double[] p = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05};
        int[] y = {1, 0, 1, 0, 0, 1, 0, 0, 0, 0};
        double[] events = {3, 0, 1, 0, 0, 2, 0, 0, 0, 0};
        Metrics.TopShare t = Metrics.topShare(p, y, events, 0.2);
        assertThat(t.flagged()).isEqualTo(2);
        assertThat(t.truePositives()).isEqualTo(1);
        assertThat(t.ppv()).isEqualTo(0.5);
        assertThat(t.sensitivity()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(t.capturedEvents()).isEqualTo(3);
        assertThat(t.capturedEventsShare()).isCloseTo(0.5, within(1e-12));
        assertThat(t.threshold()).isEqualTo(0.8);
        assertThat(Metrics.thresholdForTopShare(p, 0.2)).isEqualTo(0.8);
    }

    @Test
    void netBenefitWeighsFalsePositivesByThresholdOdds() {
        // t = 0.3 flags 0.4 (neg), 0.35 (pos), 0.8 (pos): 2/4 - 1/4 * .3/.7
        assertThat(Metrics.netBenefit(P, Y, 0.3)).isCloseTo(0.5 - 0.25 * 0.3 / 0.7, within(1e-12));
        assertThat(Metrics.netBenefitTreatAll(Y, 0.3)).isCloseTo(0.5 - 0.5 * 0.3 / 0.7, within(1e-12));
        assertThat(Metrics.falseNegativeRate(P, Y, 0.5)).isEqualTo(0.5);
    }

    @Test
    void rocRunsFromOriginToOneOne() {
        var roc = Metrics.roc(P, Y, 100);
        assertThat(roc.get(0)).isEqualTo(new Metrics.Point(0, 0));
        assertThat(roc.get(roc.size() - 1)).isEqualTo(new Metrics.Point(1, 1));
        assertThat(roc).hasSize(5);
    }
}
