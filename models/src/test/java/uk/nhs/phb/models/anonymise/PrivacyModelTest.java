package uk.nhs.phb.models.anonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The models' definitions on a hand-built table, computed by the search's evaluation and by the verifier.
 *
 * <pre>
 * class  records  dx            cost
 * A      4        x:2 y:1 z:1   1:1 2:1 3:2
 * B      3        x:3           1:3
 * C      2        y:1 z:1       2:1 3:1
 * all    9        x:5 y:2 z:2   1:4 2:2 3:3
 * </pre>
 */
class PrivacyModelTest {
    static FrequencySet table() {
        FrequencySet.Builder b = FrequencySet.builder(List.of("g"), List.of("dx", "cost"));
        b.add(new String[] {"A"}, 4, List.of(Map.of("x", 2L, "y", 1L, "z", 1L), Map.of("1", 1L, "2", 1L, "3", 2L)));
        b.add(new String[] {"B"}, 3, List.of(Map.of("x", 3L), Map.of("1", 3L)));
        b.add(new String[] {"C"}, new String[] {"y", "2"}, 1);
        b.add(new String[] {"C"}, new String[] {"z", "3"}, 1);
        return b.build();
    }

    private static Partition bottom(FrequencySet fs) {
        return Partition.bottom(fs, new boolean[] {true, true});
    }

    private static Criteria criteria(FrequencySet fs, PrivacyModel... models) {
        Hierarchy g = Hierarchy.fromCsv("g", new StringReader("A;*\nB;*\nC;*\n"), "g.csv");
        return new Criteria(fs, new Domains(fs, List.of(g)), List.of(models), 0);
    }

    @Test
    void builderMergesRowsIntoCombinations() {
        FrequencySet fs = table();
        assertThat(fs.size()).isEqualTo(3);
        assertThat(fs.totalCount()).isEqualTo(9);
        assertThat(fs.count(2)).isEqualTo(2);
        assertThat(fs.sensitiveDistribution(2, "dx")).containsOnly(Map.entry("y", 1L), Map.entry("z", 1L));
        assertThat(fs.sensitiveDistribution("cost")).containsOnly(Map.entry("1", 4L), Map.entry("2", 2L), Map.entry("3", 3L));
    }

    @Test
    void entropyOfEachClass() {
        FrequencySet fs = table();
        Partition p = bottom(fs);
        // A: -(1/2 ln 1/2 + 2 * 1/4 ln 1/4) = 1.5 ln 2
        assertThat(Criteria.entropy(p, 0, 0)).isCloseTo(1.5 * Math.log(2), within(1e-12));
        assertThat(Criteria.entropy(p, 0, 1)).isCloseTo(0, within(1e-12));
        assertThat(Criteria.entropy(p, 0, 2)).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void equalAndOrderedDistances() {
        FrequencySet fs = table();
        Partition p = bottom(fs);
        Criteria eq = criteria(fs, PrivacyModel.TCloseness.equalDistance("dx", 0.5));
        Criteria ord = criteria(fs, PrivacyModel.TCloseness.orderedDistance("cost", 0.5));
        // q = (5/9, 2/9, 2/9); A: (1/18 + 1/36 + 1/36) / 2; B: (4/9 + 2/9 + 2/9) / 2; C: (5/9 + 5/18 + 5/18) / 2
        assertThat(Criteria.equalDistance(p, eq.closeness.get(0), 0)).isCloseTo(1.0 / 18, within(1e-12));
        assertThat(Criteria.equalDistance(p, eq.closeness.get(0), 1)).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(Criteria.equalDistance(p, eq.closeness.get(0), 2)).isCloseTo(5.0 / 9, within(1e-12));
        // q = (4/9, 2/9, 3/9); A cumulative differences -7/36, -6/36, 0 -> 13/36 / 2
        assertThat(Criteria.orderedDistance(p, ord.closeness.get(0), 0)).isCloseTo(13.0 / 72, within(1e-12));
        // B: 5/9, 3/9, 0 -> 8/9 / 2
        assertThat(Criteria.orderedDistance(p, ord.closeness.get(0), 1)).isCloseTo(4.0 / 9, within(1e-12));
        // C: -4/9, -1/6, 0 -> 11/18 / 2
        assertThat(Criteria.orderedDistance(p, ord.closeness.get(0), 2)).isCloseTo(11.0 / 36, within(1e-12));
    }

    @Test
    void whichClassesFailEachModel() {
        FrequencySet fs = table();
        Partition p = bottom(fs);
        assertThat(failing(fs, p, new PrivacyModel.KAnonymity(3))).containsExactly(false, false, true);
        assertThat(failing(fs, p, new PrivacyModel.DistinctLDiversity("dx", 2))).containsExactly(false, true, false);
        assertThat(failing(fs, p, new PrivacyModel.DistinctLDiversity("dx", 3))).containsExactly(false, true, true);
        // entropy l = 2 needs H >= ln 2: C is exactly ln 2 and passes
        assertThat(failing(fs, p, new PrivacyModel.EntropyLDiversity("dx", 2))).containsExactly(false, true, false);
        // 2^1.5 = 2.83 is A's exact entropy l; 2.9 is not reached
        assertThat(failing(fs, p, new PrivacyModel.EntropyLDiversity("dx", Math.pow(2, 1.5)))).containsExactly(false, true, true);
        assertThat(failing(fs, p, new PrivacyModel.EntropyLDiversity("dx", 2.9))).containsExactly(true, true, true);
        assertThat(failing(fs, p, PrivacyModel.TCloseness.equalDistance("dx", 0.45))).containsExactly(false, false, true);
        assertThat(failing(fs, p, PrivacyModel.TCloseness.orderedDistance("cost", 0.31))).containsExactly(false, true, false);
        Criteria.NodeStats s = criteria(fs, new PrivacyModel.KAnonymity(3)).evaluate(p);
        assertThat(s.suppressed()).isEqualTo(2);
        assertThat(s.passes()).isFalse();
    }

    private static boolean[] failing(FrequencySet fs, Partition p, PrivacyModel m) {
        Criteria c = criteria(fs, m);
        boolean[] out = new boolean[p.size];
        for (int i = 0; i < p.size; i++) {
            out[i] = c.fails(p, i);
        }
        return out;
    }

    @Test
    void verifierComputesTheSameValuesFromTheDefinitions() {
        FrequencySet fs = table();
        VerifyAnonymity.Report r = VerifyAnonymity.of(fs)
                .model(new PrivacyModel.KAnonymity(3))
                .model(new PrivacyModel.DistinctLDiversity("dx", 2))
                .model(new PrivacyModel.EntropyLDiversity("dx", 2))
                .model(PrivacyModel.TCloseness.equalDistance("dx", 0.6))
                .model(PrivacyModel.TCloseness.orderedDistance("cost", 0.31))
                .execute();
        assertThat(r.records()).isEqualTo(9);
        assertThat(r.classes()).isEqualTo(3);
        List<VerifyAnonymity.Check> c = r.checks();
        assertThat(c.get(0).passed()).isFalse();
        assertThat(c.get(0).worst()).isEqualTo(2);
        assertThat(c.get(0).violatingRecords()).isEqualTo(2);
        assertThat(c.get(1).worst()).isEqualTo(1);
        assertThat(c.get(1).violatingClasses()).isEqualTo(1);
        assertThat(c.get(2).worst()).isCloseTo(0, within(1e-12));
        assertThat(c.get(2).violatingRecords()).isEqualTo(3);
        assertThat(c.get(3).passed()).isTrue();
        assertThat(c.get(3).worst()).isCloseTo(5.0 / 9, within(1e-12));
        assertThat(c.get(4).worst()).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(c.get(4).violatingRecords()).isEqualTo(3);
        assertThat(r.passed()).isFalse();
        assertThat(r.classes()).isEqualTo(3);
    }

    @Test
    void monotonicityDependsOnSuppression() {
        assertThat(new PrivacyModel.KAnonymity(5).monotonic(true)).isTrue();
        assertThat(new PrivacyModel.DistinctLDiversity("dx", 2).monotonic(true)).isTrue();
        assertThat(new PrivacyModel.EntropyLDiversity("dx", 2).monotonic(true)).isFalse();
        assertThat(new PrivacyModel.EntropyLDiversity("dx", 2).monotonic(false)).isTrue();
        assertThat(PrivacyModel.TCloseness.equalDistance("dx", 0.2).monotonic(true)).isFalse();
        assertThat(PrivacyModel.TCloseness.equalDistance("dx", 0.2).monotonic(false)).isTrue();
    }
}
