package uk.nhs.phb.models.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EligibilityRulesTest {
    @Test
    void nationalRulesCoverTheLegalRightsAndExpectedGroups() {
        EligibilityRules r = EligibilityRules.standard();
        assertThat(r.version()).isEqualTo("england-2019.12");
        assertThat(r.rules()).extracting(EligibilityRules.Rule::cohort)
                .containsExactly("CHC", "FAST_TRACK", "CCC", "S117", "WHEELCHAIR", "LD_AUTISM", "EHCP");
        assertThat(r.rules()).filteredOn(x -> x.basis().equals("legal_right")).hasSize(5);
        assertThat(r.rules()).filteredOn(x -> x.basis().equals("expected")).hasSize(2);
    }

    @Test
    void localFileReplacesByIdAndAddsTheRestWithACombinedVersion() {
        String local = "# rules_version: icb-7\nrule_id,cohort,basis,condition,reason\n"
                + "LR_WHEELCHAIR,WHEELCHAIR,legal_right,false,switched off\n"
                + "LOC_EOL,END_OF_LIFE,local,\"ltc_pal AND age >= 18\",\"End of life, adults\"\n";
        EligibilityRules r = EligibilityRules.standard().with(EligibilityRules.parse(local, "local.csv"));
        assertThat(r.version()).isEqualTo("england-2019.12+icb-7");
        assertThat(r.rules()).hasSize(8);
        assertThat(r.rules().stream().filter(x -> x.ruleId().equals("LR_WHEELCHAIR")).findFirst().orElseThrow().condition())
                .isEqualTo("false");
        EligibilityRules.Rule eol = r.rules().get(7);
        assertThat(eol.condition()).isEqualTo("ltc_pal AND age >= 18");
        assertThat(eol.reason()).isEqualTo("End of life, adults");
        assertThat(eol.line()).isEqualTo(4);
    }

    @Test
    void everyProblemIsReportedWithRuleFileAndLine() {
        String bad = "rule_id,cohort,basis,condition,reason\n"
                + "A1,NOT_A_GROUP,local,chc,why\n"
                + "A2,OTHER,maybe,chc,why\n"
                + "A1,OTHER,local,chc,again\n"
                + "A4,OTHER,local,,why\n"
                + "A5,OTHER,local,x > 1, y, z\n";
        assertThatThrownBy(() -> EligibilityRules.parse(bad, "mine.csv"))
                .isInstanceOf(EligibilityRules.InvalidRulesException.class)
                .hasMessageContaining("rule A1 (mine.csv, line 2): cohort 'NOT_A_GROUP' is not a phb_group code")
                .hasMessageContaining("rule A2 (mine.csv, line 3): basis 'maybe' must be one of legal_right, expected, local")
                .hasMessageContaining("rule A1 (mine.csv, line 4): rule_id A1 is already used on line 2")
                .hasMessageContaining("rule A4 (mine.csv, line 5): the condition is empty")
                .hasMessageContaining("mine.csv, line 6: expected 5 fields");
        assertThatThrownBy(() -> EligibilityRules.parse("id,cohort\nA,B\n", "h.csv"))
                .hasMessageContaining("h.csv: the first line must be the header rule_id,cohort,basis,condition,reason");
    }

    @Test
    void reasonPlaceholdersNameColumns() {
        EligibilityRules r = EligibilityRules.parse("rule_id,cohort,basis,condition,reason\n"
                + "M,OTHER,local,ltc_count >= 4,\"{ltc_count} conditions, {emergency_admissions_365d} admissions\"\n", "f");
        assertThat(r.rules().get(0).reasonColumns()).containsExactly("ltc_count", "emergency_admissions_365d");
        assertThat(r.version()).startsWith("sha256-");
    }

    @Test
    void priorityScoreFollowsTheDocumentedFormula() {
        PriorityConfig c = PriorityConfig.standard();
        // legal right 0.40 + 0.30 * 0.9 + 0.15 * 0.5 + 0.15 * 3/3 + 0.05
        assertThat(c.score("legal_right", 90, 50, 3, true)).isCloseTo(0.40 + 0.27 + 0.075 + 0.15 + 0.05,
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(c.score(null, 100, 0, 0, false)).isCloseTo(0.30, org.assertj.core.api.Assertions.within(1e-12));
        PriorityConfig d = PriorityConfig.withFile("key,value\nweight_risk,0.5\nlist_min_risk_tier,moderate\n", "p.csv");
        assertThat(d.weightRisk()).isEqualTo(0.5);
        assertThat(d.listMinRiskTier()).isEqualTo("moderate");
        assertThat(d.weightLegalRight()).isEqualTo(0.40);
        assertThatThrownBy(() -> PriorityConfig.withFile("key,value\nweight_rsik,0.5\n", "p.csv"))
                .hasMessageContaining("p.csv: unknown key 'weight_rsik'");
    }
}
