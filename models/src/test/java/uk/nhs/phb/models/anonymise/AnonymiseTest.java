package uk.nhs.phb.models.anonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnonymiseTest {
    @Test
    void riskMeasuresOnAHandBuiltTable() {
        // classes of 1, 2, 2 and 5 records: n = 10, J = 4
        RiskReport r = RiskReport.of(new long[] {1, 2, 2, 5}, null, 0.2);
        assertThat(r.records()).isEqualTo(10);
        assertThat(r.smallestClass()).isEqualTo(1);
        assertThat(r.prosecutorMax()).isEqualTo(1.0);
        assertThat(r.prosecutorAverage()).isCloseTo(0.4, within(1e-12));
        assertThat(r.journalistMax()).isEqualTo(1.0);
        assertThat(r.journalistAverage()).isCloseTo(0.4, within(1e-12));
        assertThat(r.journalistFromPopulation()).isFalse();
        assertThat(r.journalistNote()).contains("journalist risk is taken equal to prosecutor risk");
        assertThat(r.marketer()).isCloseTo(0.4, within(1e-12));
        // 1/f > 0.2 for f = 1, 2, 2; the class of 5 is exactly 0.2 and not above
        assertThat(r.recordsAtRisk()).isEqualTo(5);
        assertThat(r.recordsAtRiskShare()).isCloseTo(0.5, within(1e-12));
        assertThat(r.sampleUniques()).isEqualTo(1);
        assertThat(r.sampleUniquesShare()).isCloseTo(0.1, within(1e-12));

        RiskReport p = RiskReport.of(new long[] {1, 2, 2, 5}, new long[] {10, 4, 20, 50}, 0.2);
        assertThat(p.journalistMax()).isCloseTo(0.25, within(1e-12));
        // (1/10 + 2/4 + 2/20 + 5/50) / 10
        assertThat(p.journalistAverage()).isCloseTo(0.08, within(1e-12));
        assertThat(p.marketer()).isCloseTo(0.08, within(1e-12));
        assertThat(p.prosecutorMax()).isEqualTo(1.0);
        assertThat(p.journalistFromPopulation()).isTrue();
        assertThat(p.sampleUniques()).isEqualTo(1L);
        assertThat(p.toText()).contains("prosecutor risk: max 1.0000, average 0.4000");
        assertThatThrownBy(() -> RiskReport.of(new long[] {3}, new long[] {2}, 0.2))
                .hasMessageContaining("class 0 has 3 records but a population of only 2");
    }

    /** 40 records: ages 20-59 in pairs by 5-year band, two sexes, a diagnosis. */
    static FrequencySet people() {
        FrequencySet.Builder b = FrequencySet.builder(List.of("age", "sex"), List.of("dx"));
        String[] dx = {"I10", "E11", "J44"};
        for (int i = 0; i < 40; i++) {
            b.add(new String[] {Integer.toString(20 + i), i % 2 == 0 ? "F" : "M"}, new String[] {dx[i % 3]}, 1);
        }
        // one person aged 90: an outlier that only suppression or generalising age to * can hide
        b.add(new String[] {"90", "F"}, new String[] {"I10"}, 1);
        return b.build();
    }

    static Anonymise run(FrequencySet fs) {
        return Anonymise.frequencySet(fs)
                .hierarchy(Hierarchy.age("age"))
                .hierarchy(Hierarchy.fromCsv("sex", new java.io.StringReader("F;*\nM;*\n"), "sex.csv"));
    }

    @Test
    void searchResultIsConfirmedByTheVerifierAndDescribesItself() {
        FrequencySet fs = people();
        AnonymiseResult r = run(fs).model(new PrivacyModel.KAnonymity(5)).model(new PrivacyModel.DistinctLDiversity("dx", 2))
                .maxSuppression(0.03).optimiseFor(LossMeasure.PRECISION).execute();
        // 10-year bands keep sexes apart with 5 per class; the 90-year-old (1 of 41 <= floor(1.23)) is suppressed
        assertThat(r.levels()).containsExactly(Map.entry("age", 2), Map.entry("sex", 0));
        assertThat(r.suppressedRecords()).isEqualTo(1);
        assertThat(r.maxSuppressedRecords()).isEqualTo(1);
        assertThat(r.classes().classes()).isEqualTo(8);
        assertThat(r.classes().smallest()).isEqualTo(5);
        assertThat(r.risk().prosecutorMax()).isCloseTo(0.2, within(1e-12));
        assertThat(r.risk().records()).isEqualTo(40);
        // (1 - 1/41) * (2/4 + 0) / 2 + 1/41
        assertThat(r.loss().precision()).isCloseTo((40.0 / 41) * 0.25 + 1.0 / 41, within(1e-12));
        // 8 classes of 5 plus 1 suppressed record at N = 41
        assertThat(r.loss().discernibility()).isEqualTo(8 * 25 + 41);
        assertThat(r.generalised().totalCount()).isEqualTo(40);

        VerifyAnonymity.Report v = VerifyAnonymity.of(r.generalised()).model(new PrivacyModel.KAnonymity(5))
                .model(new PrivacyModel.DistinctLDiversity("dx", 2)).execute();
        assertThat(v.passed()).isTrue();
        assertThat(v.checks().get(0).worst()).isEqualTo(5);
        assertThat(VerifyAnonymity.of(r.generalised()).model(new PrivacyModel.KAnonymity(6)).execute().passed()).isFalse();

        Transformation t = r.transformation();
        assertThat(t.generalise(new String[] {"37", "F"})).containsExactly("30-39", "F");
        assertThat(t.isSuppressed(new String[] {"37", "F"})).isFalse();
        assertThat(t.isSuppressed(new String[] {"90", "F"})).isTrue();
        assertThatThrownBy(() -> t.isSuppressed(new String[] {"70", "M"}))
                .hasMessageContaining("generalises to [70-79, M], a combination that was not in the frequency set");

        AnonymiseResult.Summary m = r.summary();
        assertThat(m.suppressedRecords()).isEqualTo(1L);
        assertThat(m.optimisedFor()).isEqualTo("PRECISION");
        assertThat(m.levels().get("age")).isEqualTo(2);
        assertThat(m.risk().smallestClass()).isEqualTo(5L);
        assertThat(r.toText()).contains("levels: age=2 sex=0").contains("suppressed 1 of 41 records (limit 1)");
    }

    @Test
    void verifierCatchesAFileThatIsNotKAnonymous() {
        FrequencySet released = FrequencySet.builder(List.of("age", "sex"), List.of())
                .add(new String[] {"30-39", "F"}, 5).add(new String[] {"30-39", "M"}, 4).add(new String[] {"30-39", "F"}, 1)
                .add(new String[] {"40-49", "*"}, 6).build();
        VerifyAnonymity.Report r = VerifyAnonymity.of(released).model(new PrivacyModel.KAnonymity(5)).execute();
        assertThat(r.passed()).isFalse();
        assertThat(r.classes()).isEqualTo(3);
        assertThat(r.checks().get(0).violatingClasses()).isEqualTo(1);
        assertThat(r.checks().get(0).violatingRecords()).isEqualTo(4);
        assertThat(r.checks().get(0).worst()).isEqualTo(4);
    }

    @Test
    void populationTableGivesJournalistRisk() {
        FrequencySet fs = people();
        FrequencySet.Builder pop = FrequencySet.builder(List.of("age", "sex"), List.of());
        for (int age = 0; age < 100; age++) {
            pop.add(new String[] {Integer.toString(age), "F"}, 10).add(new String[] {Integer.toString(age), "M"}, 10);
        }
        AnonymiseResult r = run(fs).model(new PrivacyModel.KAnonymity(5)).maxSuppression(0.03).population(pop.build())
                .optimiseFor(LossMeasure.PRECISION).execute();
        assertThat(r.levels()).containsExactly(Map.entry("age", 2), Map.entry("sex", 0));
        // every released class is a 10-year band of one sex: 100 people in the population
        assertThat(r.risk().journalistFromPopulation()).isTrue();
        assertThat(r.risk().journalistMax()).isCloseTo(0.01, within(1e-12));
        // (1/n) sum_j f_j / F_j = (1/40) * 8 * 5/100
        assertThat(r.risk().journalistAverage()).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void settingsErrorsAreReportedTogetherAndImpossibleModelsExplained() {
        FrequencySet fs = people();
        assertThatThrownBy(() -> Anonymise.frequencySet(fs).hierarchy(Hierarchy.age("age")).hierarchy(Hierarchy.age("dob"))
                .model(new PrivacyModel.DistinctLDiversity("cost", 2)).maxSuppression(1.5).execute())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quasi-identifier 'sex' has no hierarchy")
                .hasMessageContaining("a hierarchy is given for 'dob', which is not a quasi-identifier")
                .hasMessageContaining("'cost' is not a sensitive attribute of the frequency set [dx]")
                .hasMessageContaining("max suppression must be a fraction within 0..1, got 1.5");
        assertThatThrownBy(() -> run(fs).model(new PrivacyModel.KAnonymity(50)).execute())
                .isInstanceOf(NoTransformationException.class)
                .hasMessageContaining("with at most 0 of 41 records suppressed")
                .hasMessageContaining("would suppress 41 records");
    }

    @Test
    void searchPrunesALargerLattice() {
        FrequencySet fs = SearchOptimalityTest.random(3, 3000);
        Anonymise a = Anonymise.frequencySet(fs).model(new PrivacyModel.KAnonymity(5)).maxSuppression(0.02);
        SearchOptimalityTest.hierarchies().forEach(a::hierarchy);
        AnonymiseResult r = a.execute();
        Domains d = new Domains(fs, SearchOptimalityTest.hierarchies());
        Search s = new Search(new Lattice(d.maxLevel, fs.quasiIdentifiers()), d,
                new Criteria(fs, d, List.of(new PrivacyModel.KAnonymity(5)), 0.02), fs, LossMeasure.NON_UNIFORM_ENTROPY);
        assertThat(r.loss().nonUniformEntropy()).isCloseTo(s.exhaustive().entropy(), within(1e-6));
        assertThat(r.search().evaluated()).isLessThan(r.search().latticeSize() / 2);
        assertThat(r.search().taggedWithoutEvaluation()).isPositive();
    }
}
