package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class GlmTest {

    @Test
    void gammaLogLinkOnOneFactorFitsTheGroupMeansExactly() {
        // group A: 100, 300 (mean 200); group B: 50, 150, 250 (mean 150)
        double[][] x = {{0}, {0}, {1}, {1}, {1}};
        double[] y = {100, 300, 50, 150, 250};
        Glm.Fit fit = Glm.fit(Glm.Family.GAMMA_LOG, List.of("group=B"), x, y);
        assertThat(fit.converged()).isTrue();
        assertThat(fit.coefficient(Glm.INTERCEPT)).isCloseTo(Math.log(200), within(1e-10));
        assertThat(fit.coefficient("group=B")).isCloseTo(Math.log(150.0 / 200), within(1e-10));
        assertThat(fit.mean(new double[] {1})).isCloseTo(150, within(1e-8));
        // Pearson dispersion: A: (0.5^2 + 0.5^2); B: ((100/150)^2 + 0 + (100/150)^2), over n - p = 3
        double expected = (0.25 + 0.25 + 2 * Math.pow(100.0 / 150, 2)) / 3;
        assertThat(fit.dispersion()).isCloseTo(expected, within(1e-10));
    }

    @Test
    void gammaRecoversKnownCoefficientsOnGeneratedData() {
        RandomGenerator rng = new MersenneTwister(42);
        double[] beta = {7.0, 0.5, -0.8, 0.15};
        double shape = 2.0;
        int n = 20_000;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double x1 = rng.nextGaussian();
            double x2 = rng.nextDouble() < 0.3 ? 1 : 0;
            double x3 = rng.nextInt(10);
            x[i] = new double[] {x1, x2, x3};
            double mu = Math.exp(beta[0] + beta[1] * x1 + beta[2] * x2 + beta[3] * x3);
            y[i] = new GammaDistribution(rng, shape, mu / shape).sample();
        }
        Glm.Fit fit = Glm.fit(Glm.Family.GAMMA_LOG, List.of("x1", "x2", "x3"), x, y);
        assertThat(fit.converged()).isTrue();
        for (int j = 0; j < beta.length; j++) {
            assertThat(fit.coefficients()[j]).as("coefficient %d", j).isCloseTo(beta[j], within(4 * fit.standardErrors()[j]));
            assertThat(fit.coefficients()[j]).as("coefficient %d", j).isCloseTo(beta[j], within(0.05));
        }
        assertThat(fit.dispersion()).as("1 / shape").isCloseTo(1 / shape, within(0.03));
        // the standard error of the slope is about sqrt(phi / (n var(x1))) = sqrt(0.5 / 20000)
        assertThat(fit.standardErrors()[1]).isCloseTo(Math.sqrt(0.5 / n), within(0.001));
    }

    @Test
    void bernoulliLogitRecoversKnownCoefficients() {
        RandomGenerator rng = new MersenneTwister(7);
        double[] beta = {-1.0, 0.8, 1.2};
        int n = 30_000;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double x1 = rng.nextGaussian();
            double x2 = rng.nextDouble() < 0.4 ? 1 : 0;
            x[i] = new double[] {x1, x2};
            double p = 1 / (1 + Math.exp(-(beta[0] + beta[1] * x1 + beta[2] * x2)));
            y[i] = rng.nextDouble() < p ? 1 : 0;
        }
        Glm.Fit fit = Glm.fit(Glm.Family.BERNOULLI_LOGIT, List.of("x1", "x2"), x, y, ones(n), null, Glm.Settings.defaults().withRidge(1.0));
        assertThat(fit.converged()).isTrue();
        for (int j = 0; j < beta.length; j++) {
            assertThat(fit.coefficients()[j]).as("coefficient %d", j).isCloseTo(beta[j], within(4 * fit.standardErrors()[j]));
        }
        assertThat(fit.dispersion()).isEqualTo(1.0);
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        return w;
    }

    @Test
    void aLevelThatSeparatesUsersGetsAFiniteCoefficientUnderTheRidge() {
        // level b = 1 never uses the service: without a penalty its coefficient would run off to minus infinity
        int n = 2000;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            boolean b = i % 4 == 0;
            x[i] = new double[] {b ? 1 : 0};
            y[i] = b ? 0 : (i % 3 == 0 ? 1 : 0);
        }
        Glm.Fit fit = Glm.fit(Glm.Family.BERNOULLI_LOGIT, List.of("b"), x, y, ones(n), null, Glm.Settings.defaults().withRidge(1.0));
        assertThat(fit.converged()).isTrue();
        assertThat(fit.coefficient("b")).isLessThan(-3).isGreaterThan(-10);
        assertThat(fit.mean(new double[] {1})).isLessThan(0.02);
        // the others keep their share: 1 in 3 of the non-b rows use it
        assertThat(fit.mean(new double[] {0})).isCloseTo(1.0 / 3, within(0.01));
    }

    @Test
    void groupedPatternsGiveTheUngroupedFitExactly() {
        RandomGenerator rng = new MersenneTwister(3);
        int n = 5000;
        double[][] x = new double[n][];
        double[] y = new double[n];
        Map<String, double[]> groups = new LinkedHashMap<>(); // key -> n, sum y, sum y^2
        for (int i = 0; i < n; i++) {
            double a = rng.nextInt(4);
            double b = rng.nextDouble() < 0.5 ? 1 : 0;
            x[i] = new double[] {a, b};
            double mu = Math.exp(5 + 0.3 * a - 0.4 * b);
            y[i] = new GammaDistribution(rng, 1.5, mu / 1.5).sample();
            double[] g = groups.computeIfAbsent(a + "|" + b, k -> new double[3]);
            g[0]++;
            g[1] += y[i];
            g[2] += y[i] * y[i];
        }
        List<double[]> gx = new ArrayList<>();
        int k = groups.size();
        double[] gy = new double[k];
        double[] gw = new double[k];
        double[] gy2 = new double[k];
        int i = 0;
        for (Map.Entry<String, double[]> e : groups.entrySet()) {
            String[] p = e.getKey().split("\\|");
            gx.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
            gw[i] = e.getValue()[0];
            gy[i] = e.getValue()[1] / gw[i];
            gy2[i] = e.getValue()[2] / gw[i];
            i++;
        }
        Glm.Fit ungrouped = Glm.fit(Glm.Family.GAMMA_LOG, List.of("a", "b"), x, y);
        Glm.Fit grouped = Glm.fit(Glm.Family.GAMMA_LOG, List.of("a", "b"), gx.toArray(double[][]::new), gy, gw, gy2,
                Glm.Settings.defaults());
        assertThat(grouped.rows()).isEqualTo(8);
        assertThat(grouped.observations()).isEqualTo(n);
        for (int j = 0; j < 3; j++) {
            assertThat(grouped.coefficients()[j]).isCloseTo(ungrouped.coefficients()[j], within(1e-9));
            assertThat(grouped.standardErrors()[j]).isCloseTo(ungrouped.standardErrors()[j], within(1e-9));
        }
        assertThat(grouped.dispersion()).isCloseTo(ungrouped.dispersion(), within(1e-9));
    }

    @Test
    void refusesDataTheFamilyCannotModel() {
        assertThatThrownBy(() -> Glm.fit(Glm.Family.GAMMA_LOG, List.of("x"), new double[][] {{0}, {1}}, new double[] {0, 10}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0 has y = 0.0").hasMessageContaining("positive");
        assertThatThrownBy(() -> Glm.fit(Glm.Family.GAMMA_LOG, List.of("x"), new double[][] {{1}, {1}, {1}}, new double[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("singular");
    }

    @Test
    void designUsesTheCommonestLevelAsReferenceAndDropsRareLevelsAndConstants() {
        Design.Variables v = new Design.Variables(List.of("age"), List.of("efi", "flag", "constant"));
        List<Design.Pattern> data = List.of(
                new Design.Pattern(new String[] {"40-44"}, new double[] {0, 0, 1}, 50),
                new Design.Pattern(new String[] {"80-84"}, new double[] {3, 1, 1}, 120),
                new Design.Pattern(new String[] {"85-89"}, new double[] {5, 0, 1}, 30),
                new Design.Pattern(new String[] {"90+"}, new double[] {6, 1, 1}, 4));
        List<Design.Term> terms = Design.terms(v, data, 10);
        assertThat(Design.names(terms)).containsExactly("age=40-44", "age=85-89", "efi", "flag");
        assertThat(Design.row(v, terms, data.get(3))).containsExactly(0, 0, 6, 1);
        assertThat(Design.row(v, terms, data.get(0))).containsExactly(1, 0, 0, 0);
    }
}
