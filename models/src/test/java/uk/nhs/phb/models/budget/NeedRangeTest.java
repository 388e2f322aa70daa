package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.junit.jupiter.api.Test;

class NeedRangeTest {

    @Test
    void removesTheChanceInVisitsAndRecoversTheSpreadOfNeed() {
        // need ~ gamma(shape 2, mean 260); visits of 65 each, Poisson around need / 65
        RandomGenerator rng = new MersenneTwister(11);
        GammaDistribution need = new GammaDistribution(rng, 2, 130);
        int n = 40_000;
        double[] mu = new double[n];
        double sum = 0;
        double sumSq = 0;
        double sumC2 = 0;
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            mu[i] = need.sample();
            int visits = mu[i] > 0 ? new PoissonDistribution(rng, mu[i] / 65, 1e-12, 10_000_000).sample() : 0;
            double y = visits * 65.0;
            sum += y;
            sumSq += y * y;
            sumC2 += visits * 65.0 * 65.0;
            zeros += visits == 0 ? 1 : 0;
        }
        double mean = sum / n;
        double var = (sumSq - n * mean * mean) / (n - 1);
        NeedRange.Range r = NeedRange.ofVisits(mean, var, sumC2 / n, 0);
        Percentile p = new Percentile();
        assertThat(r.low()).isCloseTo(p.evaluate(mu, 25), within(12.0));
        assertThat(r.high()).isCloseTo(p.evaluate(mu, 75), within(12.0));
        assertThat(zeros).as("one in ten of these people had no visit this year").isGreaterThan(n / 10);
        // the share of true needs inside the range is one half
        long inside = java.util.Arrays.stream(mu).filter(m -> m >= r.low() && m <= r.high()).count();
        assertThat(inside / (double) n).isCloseTo(0.5, within(0.02));
    }

    @Test
    void withoutDetectableSpreadTheModelsSpreadIsTheFloorAndNothingSpentIsZero() {
        NeedRange.Range flat = NeedRange.ofVisits(100, 50, 6500, 0);
        assertThat(flat.low()).isEqualTo(100);
        assertThat(flat.high()).isEqualTo(100);
        NeedRange.Range floor = NeedRange.ofVisits(100, 50, 6500, 400);
        assertThat(floor.low()).isLessThan(100).isGreaterThan(80);
        assertThat(floor.high()).isGreaterThan(100).isLessThan(120);
        assertThat(NeedRange.ofVisits(0, 0, 0, 0)).isEqualTo(new NeedRange.Range(0, 0));
        // one person in a hundred with one 65-pound visit, and one with a thousand pounds of need: a very skewed gamma
        NeedRange.Range skewed = NeedRange.ofVisits(10.65, 10_000, 42.25, 0);
        assertThat(skewed.low()).isGreaterThanOrEqualTo(0).isLessThan(skewed.high());
        assertThat(skewed.high()).isLessThan(10.65);
        assertThat(NeedRange.quantile(2, 130, 0.5)).isCloseTo(new GammaDistribution(2, 130).inverseCumulativeProbability(0.5), within(1e-6));
    }
}
