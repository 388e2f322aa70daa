package uk.nhs.phb.models.causal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.causal.NearestNeighbourMatching.Pair;

class MatchedDidTest {

    @Test
    void nearestControlWithinTheCaliperAndTheStratumWithoutReplacement() {
        double[] score = {0.5, 0.1, 0.45, 0.9, 0.12, 0.48, 0.3};
        boolean[] treated = {true, true, false, false, false, false, true};
        String[] strata = {"A", "A", "A", "A", "A", "B", "A"};
        List<Pair> pairs = NearestNeighbourMatching.match(score, treated, strata, 0.1);
        // highest score first: 0.5 takes 0.45 (0.48 is nearer but in stratum B); 0.3 has nothing within 0.1
        // (0.45 is used, 0.12 is 0.18 away); 0.1 takes 0.12
        assertThat(pairs).extracting(Pair::treated).containsExactly(0, 1);
        assertThat(pairs).extracting(Pair::control).containsExactly(2, 4);
        assertThat(pairs.get(0).distance()).isCloseTo(0.05, within(1e-12));
        // a wider caliper lets 0.3 take 0.12, leaving 0.1 with nothing unused nearby but 0.9
        List<Pair> wide = NearestNeighbourMatching.match(score, treated, strata, 0.2);
        assertThat(wide).extracting(Pair::treated).containsExactly(0, 6);
        assertThat(wide).extracting(Pair::control).containsExactly(2, 4);
        assertThat(NearestNeighbourMatching.match(score, treated, null, 0.1)).extracting(Pair::control).containsExactly(5, 4);
        assertThatThrownBy(() -> NearestNeighbourMatching.match(score, treated, strata, -1)).hasMessageContaining("caliper");
    }

    @Test
    void standardisedMeanDifferencesUseTheUnmatchedVariances() {
        double[][] x = {{1}, {2}, {3}, {2}, {4}, {6}};
        boolean[] treated = {true, true, true, false, false, false};
        List<Pair> pairs = List.of(new Pair(0, 3, 0), new Pair(1, 4, 0));
        Balance.Row row = Balance.table(new String[] {"x"}, x, treated, pairs).get(0);
        // means 2 and 4, variances 1 and 4: (2 - 4) / sqrt(2.5)
        assertThat(row.smdBefore()).isCloseTo(-2 / Math.sqrt(2.5), within(1e-12));
        // matched: treated 1, 2 (mean 1.5), controls 2, 4 (mean 3)
        assertThat(row.meanTreatedMatched()).isEqualTo(1.5);
        assertThat(row.meanControlMatched()).isEqualTo(3.0);
        assertThat(row.smdAfter()).isCloseTo(-1.5 / Math.sqrt(2.5), within(1e-12));
        double[][] constant = {{1}, {1}, {1}, {1}};
        assertThat(Balance.table(new String[] {"c"}, constant, new boolean[] {true, true, false, false}, List.of()).get(0).smdBefore())
                .isEqualTo(0.0);
    }

    @Test
    void differenceInDifferencesOfHandComputedPairsWithAReproducibleInterval() {
        double[][] before = {{10}, {20}, {10}, {10}};
        double[][] after = {{5}, {30}, {10}, {20}};
        List<Pair> pairs = List.of(new Pair(0, 2, 0), new Pair(1, 3, 0));
        // pair 1: (5 - 10) - (10 - 10) = -5; pair 2: (30 - 20) - (20 - 10) = 0
        DifferenceInDifferences.Effect e = DifferenceInDifferences.estimate(new String[] {"cost"}, before, after, pairs, 500, 7, 0.95).get(0);
        assertThat(e.estimate()).isEqualTo(-2.5);
        assertThat(e.meanBeforeTreated()).isEqualTo(15.0);
        assertThat(e.meanAfterControl()).isEqualTo(15.0);
        // resamples of two pairs can only average -5, -2.5 or 0
        assertThat(e.ciLow()).isEqualTo(-5.0);
        assertThat(e.ciHigh()).isEqualTo(0.0);
        DifferenceInDifferences.Effect again = DifferenceInDifferences.estimate(new String[] {"cost"}, before, after, pairs, 500, 7, 0.95).get(0);
        assertThat(again).isEqualTo(e);
    }

    /** Units whose outcome trend depends on x1, which also drives treatment: the unmatched comparison is biased. */
    static MatchedDid.Data confounded(int n, long seed, double effect) {
        Random r = new Random(seed);
        double[][] x = new double[n][];
        boolean[] treated = new boolean[n];
        String[] strata = new String[n];
        double[][] before = new double[n][2];
        double[][] after = new double[n][2];
        for (int i = 0; i < n; i++) {
            double x1 = r.nextGaussian();
            double x2 = r.nextDouble() < 0.4 ? 1 : 0;
            double x3 = r.nextGaussian();
            boolean b = r.nextDouble() < 0.7;
            strata[i] = b ? "B" : "A";
            double lp = -1 + 0.8 * x1 + 0.6 * x2 + (b ? 0.5 : 0);
            treated[i] = r.nextDouble() < 1 / (1 + Math.exp(-lp));
            x[i] = new double[] {x1, x2, x3, b ? 1 : 0};
            double level = 1000 + 300 * x1 + 200 * x2 + 100 * x3 + 150 * r.nextGaussian();
            before[i][0] = level + 100 * r.nextGaussian();
            after[i][0] = level + 50 + 60 * x1 + 40 * x2 + (treated[i] ? effect : 0) + 100 * r.nextGaussian();
            before[i][1] = 200 + 20 * x3 + 30 * r.nextGaussian();
            after[i][1] = before[i][1] + 10 + 30 * r.nextGaussian();
        }
        return new MatchedDid.Data(new String[] {"x1", "x2", "x3", "stratum_b"}, x, treated, strata, new String[] {"cost", "other"},
                before, after);
    }

    @Test
    void recoversAKnownEffectThatTheUnmatchedComparisonMisses() {
        MatchedDid.Data data = confounded(4000, 11, -150);
        MatchedDid.Result result = MatchedDid.run(data, MatchedDid.Settings.defaults());
        assertThat(result.maxAbsSmdBefore()).isGreaterThan(0.3);
        assertThat(result.maxAbsSmdAfter()).isLessThan(0.1);
        assertThat(result.pairs().size()).isGreaterThan(1000);
        assertThat(result.caliper()).isCloseTo(0.2 * result.logitSd(), within(1e-12));
        for (Pair p : result.pairs()) {
            assertThat(p.distance()).isLessThanOrEqualTo(result.caliper());
            assertThat(data.strata()[p.treated()]).isEqualTo(data.strata()[p.control()]);
        }
        // each treated unit at most once; controls may serve several (with replacement)
        assertThat(result.pairs().stream().map(Pair::treated).distinct().count()).isEqualTo(result.pairs().size());
        DifferenceInDifferences.Effect cost = result.effect("cost");
        assertThat(cost.covers(-150)).as("CI %s..%s", cost.ciLow(), cost.ciHigh()).isTrue();
        assertThat(cost.ciHigh() - cost.ciLow()).isLessThan(60);
        assertThat(result.effect("other").covers(0)).isTrue();
        // the unmatched difference in changes is biased by the x1-dependent trend
        double naive = naiveDid(data, 0);
        assertThat(naive).isGreaterThan(cost.ciHigh());
        // the same data and seed give the same answer
        MatchedDid.Result again = MatchedDid.run(data, MatchedDid.Settings.defaults());
        assertThat(again.effects()).isEqualTo(result.effects());
        assertThat(again.pairs()).isEqualTo(result.pairs());
    }

    static double naiveDid(MatchedDid.Data d, int j) {
        double st = 0;
        double sc = 0;
        int nt = 0;
        int nc = 0;
        for (int i = 0; i < d.x().length; i++) {
            double change = d.after()[i][j] - d.before()[i][j];
            if (d.treated()[i]) {
                st += change;
                nt++;
            } else {
                sc += change;
                nc++;
            }
        }
        return st / nt - sc / nc;
    }

    @Test
    void bootstrapIntervalsCoverTheTruthAboutNinetyFivePercentOfTheTime() {
        int covered = 0;
        int runs = 120;
        for (int s = 0; s < runs; s++) {
            MatchedDid.Data data = confounded(400, 1000 + s, -80);
            MatchedDid.Result result = MatchedDid.run(data, new MatchedDid.Settings(0.2, 0.01, 200, s, 0.95, true, true));
            covered += result.effect("cost").covers(-80) ? 1 : 0;
        }
        assertThat(covered / (double) runs).isBetween(0.87, 0.995);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new MatchedDid.Settings(0, 0.01, 1000, 1, 0.95, true, false)).hasMessageContaining("caliper");
        assertThatThrownBy(() -> new MatchedDid.Settings(0.2, 0.01, 10, 1, 0.95, true, false)).hasMessageContaining("100 bootstrap");
        assertThatThrownBy(() -> PropensityScore.fit(new double[][] {{1}, {2}}, new boolean[] {true, true}, 0.01))
                .hasMessageContaining("treated and untreated");
    }
}
