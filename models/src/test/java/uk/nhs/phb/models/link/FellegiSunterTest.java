package uk.nhs.phb.models.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.BloomEncoder;
import uk.nhs.phb.models.pseudonym.SecretKey;

class FellegiSunterTest {
    private static final ComparisonVector SPACE = new ComparisonVector(List.of(
            Comparison.exact("dob"),
            new Comparison("name", List.of("high", "mid", "else"), (a, b) -> 0),
            Comparison.exact("sex"),
            new Comparison("postcode", List.of("full", "district", "else"), (a, b) -> 0)));
    private static final double[][] TRUE_M = {{0.95, 0.05}, {0.85, 0.10, 0.05}, {0.98, 0.02}, {0.70, 0.20, 0.10}};
    private static final double[][] TRUE_U = {{0.0002, 0.9998}, {0.001, 0.01, 0.989}, {0.5, 0.5}, {0.0005, 0.02, 0.9795}};

    /** Pairs drawn from the model itself: a share lambda are matches; each comparison missing 5% of the time. */
    private static Map<Long, Long> simulate(double lambda, long pairs, long seed, Set<Integer> forcedAgree) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Long, Long> counts = new HashMap<>();
        for (long i = 0; i < pairs; i++) {
            boolean match = rnd.nextDouble() < lambda;
            int[] levels = new int[TRUE_M.length];
            for (int c = 0; c < levels.length; c++) {
                if (forcedAgree.contains(c)) {
                    levels[c] = 0;
                    continue;
                }
                if (rnd.nextDouble() < 0.05) {
                    levels[c] = Comparison.MISSING;
                    continue;
                }
                double[] p = match ? TRUE_M[c] : TRUE_U[c];
                double x = rnd.nextDouble();
                int l = 0;
                while (l < p.length - 1 && x >= p[l]) {
                    x -= p[l];
                    l++;
                }
                levels[c] = l;
            }
            counts.merge(SPACE.encode(levels), 1L, Long::sum);
        }
        return counts;
    }

    @Test
    void patternsRoundTripIncludingMissing() {
        int[] levels = {1, Comparison.MISSING, 0, 2};
        assertThat(SPACE.decode(SPACE.encode(levels))).containsExactly(levels);
    }

    @Test
    void matchWeightIsPriorPlusSumOfLog2MOverU() {
        FellegiSunterModel model = new FellegiSunterModel(SPACE, 0.01, TRUE_M, TRUE_U);
        int[] levels = {0, Comparison.MISSING, 1, 1};
        double expected = Math.log(0.01 / 0.99) / Math.log(2) + Math.log(0.95 / 0.0002) / Math.log(2)
                + Math.log(0.02 / 0.5) / Math.log(2) + Math.log(0.20 / 0.02) / Math.log(2);
        assertThat(model.matchWeight(levels)).isCloseTo(expected, within(1e-9));
        assertThat(model.matchProbability(SPACE.encode(levels))).isCloseTo(1 / (1 + Math.pow(2, -expected)), within(1e-12));
    }

    @Test
    void aComparisonMissingFromEveryRandomPairGetsEqualUAndAddsNoWeight() {
        int[] levels = {0, Comparison.MISSING, 1, 1};
        double[][] u = ExpectationMaximisation.estimateU(SPACE, Map.of(SPACE.encode(levels), 10L));
        assertThat(u[1]).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
        assertThat(u[0]).containsExactly(1.0, 0.0);
        FellegiSunterModel model = new FellegiSunterModel(SPACE, 0.01, TRUE_M, u);
        double withoutDob = Math.log(0.01 / 0.99) / Math.log(2) + Math.log(0.95 / 1.0) / Math.log(2)
                + Math.log(0.02 / 1.0) / Math.log(2) + Math.log(0.20 / 1.0) / Math.log(2);
        assertThat(model.matchWeight(levels)).isCloseTo(withoutDob, within(1e-4)); // u is floored away from 0 and 1
    }

    @Test
    void uFromRandomPairsAndEmRecoverTheGeneratingModel() {
        double[][] u = ExpectationMaximisation.estimateU(SPACE, simulate(0.0, 400_000, 1, Set.of()));
        for (int c = 0; c < TRUE_U.length; c++) {
            for (int l = 0; l < TRUE_U[c].length; l++) {
                assertThat(u[c][l]).as("u[%d][%d]", c, l).isCloseTo(TRUE_U[c][l], within(0.004));
            }
        }
        double[][] start = {{0.9, 0.1}, {0.7, 0.2, 0.1}, {0.9, 0.1}, {0.6, 0.3, 0.1}};
        ExpectationMaximisation.Result r = ExpectationMaximisation.estimate(SPACE, simulate(0.2, 200_000, 2, Set.of()), u,
                start, 0.5, Set.of(), 200, 1e-7);
        assertThat(r.converged()).isTrue();
        assertThat(r.model().lambda()).isCloseTo(0.2, within(0.005));
        for (int c = 0; c < TRUE_M.length; c++) {
            for (int l = 0; l < TRUE_M[c].length; l++) {
                assertThat(r.model().m(c, l)).as("m[%d][%d]", c, l).isCloseTo(TRUE_M[c][l], within(0.015));
            }
        }
    }

    @Test
    void aComparisonTheBlockingRuleForcesKeepsItsStartingMAndPassesCombine() {
        double[][] start = {{0.9, 0.1}, {0.7, 0.2, 0.1}, {0.9, 0.1}, {0.6, 0.3, 0.1}};
        ExpectationMaximisation.Result onDob = ExpectationMaximisation.estimate(SPACE, simulate(0.3, 100_000, 3, Set.of(0)),
                TRUE_U, start, 0.5, Set.of(0), 200, 1e-7);
        assertThat(onDob.model().m(0, 0)).isCloseTo(0.9, within(1e-9));
        assertThat(onDob.model().m(3, 0)).isCloseTo(0.70, within(0.02));
        ExpectationMaximisation.Result onPostcode = ExpectationMaximisation.estimate(SPACE, simulate(0.3, 100_000, 4, Set.of(3)),
                TRUE_U, start, 0.5, Set.of(3), 200, 1e-7);
        double[][] combined = ExpectationMaximisation.combineM(SPACE, List.of(onDob, onPostcode), List.of(Set.of(0), Set.of(3)), start);
        assertThat(combined[0][0]).as("dob estimated only by the postcode pass").isCloseTo(onPostcode.model().m(0, 0), within(1e-12));
        assertThat(combined[3][0]).as("postcode estimated only by the dob pass").isCloseTo(onDob.model().m(3, 0), within(1e-12));
        assertThat(combined[1][0]).isCloseTo((onDob.model().m(1, 0) + onPostcode.model().m(1, 0)) / 2, within(1e-12));
    }

    @Test
    void modelRoundTripsThroughMapsAndRejectsAnotherShape() {
        FellegiSunterModel model = new FellegiSunterModel(SPACE, 0.01, TRUE_M, TRUE_U);
        FellegiSunterModel back = FellegiSunterModel.fromSaved(SPACE, model.saved());
        assertThat(back.matchWeight(SPACE.encode(new int[] {0, 1, 0, 2}))).isCloseTo(model.matchWeight(SPACE.encode(new int[] {0, 1, 0, 2})), within(1e-12));
        assertThat(model.explain()).contains("postcode", "district", "prior");
        ComparisonVector other = new ComparisonVector(List.of(Comparison.exact("dob")));
        assertThatThrownBy(() -> FellegiSunterModel.fromSaved(other, model.saved())).hasMessageContaining("4 comparisons");
    }

    @Test
    void diceLevelsAgreeWithTheEncoder() {
        BloomEncoder enc = new BloomEncoder(SecretKey.fromBase64("bGlua2FnZS10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDAwMDAwMA=="));
        String a = enc.encode("Margaret", "Thompson");
        String typo = enc.encode("Margret", "Thompson");
        String other = enc.encode("Kwame", "Mensah");
        assertThat(BloomSimilarity.dice(a, typo)).isCloseTo(BloomEncoder.dice(a, typo), within(1e-12));
        Comparison name = Comparison.dice("name", 0.9, 0.75);
        assertThat(name.level(a, a)).isZero();
        assertThat(name.level(a, typo)).isLessThanOrEqualTo(1);
        assertThat(name.level(a, other)).isEqualTo(2);
        assertThat(name.level(a, null)).isEqualTo(Comparison.MISSING);
    }
}
