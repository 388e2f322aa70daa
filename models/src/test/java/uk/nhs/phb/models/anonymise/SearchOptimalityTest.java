package uk.nhs.phb.models.anonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The search's answer equals an exhaustive evaluation of every lattice node, from an independent oracle. */
class SearchOptimalityTest {
    static final List<String> QIS = List.of("a", "b", "age", "sex");

    static List<Hierarchy> hierarchies() {
        StringBuilder a = new StringBuilder();
        for (int v = 0; v < 20; v++) {
            a.append(v).append(';').append(v / 4 * 4).append('-').append(v / 4 * 4 + 3).append(';')
                    .append(v / 8 * 8).append("+").append(";*\n");
        }
        return List.of(
                Hierarchy.fromCsv("a", new StringReader(a.toString()), "a.csv"),
                Hierarchy.fromCsv("b", new StringReader("p,pq,*\nq,pq,*\nr,rst,*\ns,rst,*\nt,rst,*\n"), "b.csv"),
                Hierarchy.age("age"),
                Hierarchy.fromCsv("sex", new StringReader("F;*\nM;*\nU;*\n"), "sex.csv"));
    }

    static FrequencySet random(long seed, int rows) {
        Random r = new Random(seed);
        FrequencySet.Builder b = FrequencySet.builder(QIS, List.of("dx", "cost"));
        String[] dx = {"I10", "E11", "J44", "F32"};
        for (int i = 0; i < rows; i++) {
            String[] qi = {
                Integer.toString(Math.min(19, (int) Math.abs(r.nextGaussian() * 6))),
                String.valueOf("pqrst".charAt(r.nextInt(r.nextBoolean() ? 2 : 5))),
                Integer.toString(18 + r.nextInt(70)),
                r.nextInt(20) == 0 ? "U" : r.nextBoolean() ? "F" : "M"};
            String[] s = {dx[Math.min(3, r.nextInt(6))], Integer.toString(10 * (1 + r.nextInt(r.nextBoolean() ? 2 : 5)))};
            b.add(qi, s, 1 + r.nextInt(3));
        }
        return b.build();
    }

    static Stream<Arguments> cases() {
        List<List<PrivacyModel>> modelSets = List.of(
                List.of(new PrivacyModel.KAnonymity(5)),
                List.of(new PrivacyModel.KAnonymity(3), new PrivacyModel.DistinctLDiversity("dx", 2)),
                List.of(new PrivacyModel.KAnonymity(2), new PrivacyModel.EntropyLDiversity("dx", 1.8)),
                List.of(new PrivacyModel.KAnonymity(2), PrivacyModel.TCloseness.equalDistance("dx", 0.25)),
                List.of(new PrivacyModel.KAnonymity(3), PrivacyModel.TCloseness.orderedDistance("cost", 0.15)));
        List<Arguments> out = new ArrayList<>();
        for (long seed : new long[] {11, 12}) {
            for (List<PrivacyModel> models : modelSets) {
                for (double limit : new double[] {0, 0.04}) {
                    out.add(Arguments.of(seed, models, limit));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, {1}, suppression {2}")
    @MethodSource("cases")
    void searchFindsTheExhaustiveOptimumForEveryMeasure(long seed, List<PrivacyModel> models, double limit) {
        FrequencySet fs = random(seed, 300);
        List<Hierarchy> hs = hierarchies();
        BruteForce oracle = new BruteForce(fs, hs, models, limit);
        List<BruteForce.Node> all = oracle.all();
        assertThat(all).hasSize(4 * 3 * 5 * 2);
        for (LossMeasure m : LossMeasure.values()) {
            BruteForce.Node expected = BruteForce.best(all, m);
            Anonymise run = Anonymise.frequencySet(fs).maxSuppression(limit).optimiseFor(m);
            hs.forEach(run::hierarchy);
            models.forEach(run::model);
            if (expected == null) {
                org.assertj.core.api.Assertions.assertThatThrownBy(run::execute).isInstanceOf(NoTransformationException.class);
                continue;
            }
            AnonymiseResult result = run.execute();
            int[] levels = result.levels().values().stream().mapToInt(Integer::intValue).toArray();
            assertThat(levels).as("%s optimum (oracle loss %s)", m, expected.loss(m)).isEqualTo(expected.levels());
            assertThat(result.suppressedRecords()).isEqualTo(expected.suppressed());
            assertThat(result.loss().precision()).isCloseTo(expected.precision(), within(1e-9));
            assertThat(result.loss().nonUniformEntropy()).isCloseTo(expected.entropy(), within(1e-6));
            assertThat(result.loss().discernibility()).isEqualTo(expected.discernibility());
            assertThat(result.loss().iyengar()).isCloseTo(expected.iyengar(), within(1e-9));
            assertThat(result.search().evaluated()).isLessThanOrEqualTo(result.search().latticeSize());
        }
    }

    @ParameterizedTest(name = "seed {0}, {1}, suppression {2}")
    @MethodSource("cases")
    void engineAgreesWithTheOracleOnEveryNodesSuppression(long seed, List<PrivacyModel> models, double limit) {
        FrequencySet fs = random(seed, 300);
        List<Hierarchy> hs = hierarchies();
        Domains d = new Domains(fs, hs);
        Criteria criteria = new Criteria(fs, d, models, limit);
        Lattice lattice = new Lattice(d.maxLevel, QIS);
        Search search = new Search(lattice, d, criteria, fs, LossMeasure.PRECISION);
        for (BruteForce.Node expected : new BruteForce(fs, hs, models, limit).all()) {
            int node = lattice.node(expected.levels());
            Criteria.NodeStats s = criteria.evaluate(search.partition(node));
            assertThat(s.suppressed()).as(Arrays.toString(expected.levels())).isEqualTo(expected.suppressed());
            assertThat(s.passes()).isEqualTo(expected.passes());
        }
    }
}
