package uk.nhs.phb.models.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {
    static Map<String, String> types() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("age", "int");
        t.put("sex", "string");
        t.put("spend_total", "decimal(18,2)");
        t.put("chc", "boolean");
        t.put("imd_decile", "int");
        return t;
    }

    static FeatureSpec small() {
        return FeatureSpec.of(types(), List.of(
                new FeatureSpec.Encoded("age", "age", FeatureSpec.Kind.NUMBER, null, 0),
                new FeatureSpec.Encoded("sex_female", "sex", FeatureSpec.Kind.EQUALS, "2", 0),
                new FeatureSpec.Encoded("spend_total", "spend_total", FeatureSpec.Kind.LOG1P, null, 0),
                new FeatureSpec.Encoded("chc", "chc", FeatureSpec.Kind.FLAG, null, 0),
                new FeatureSpec.Encoded("imd_decile", "imd_decile", FeatureSpec.Kind.NUMBER_OR_FILL, null, 5.5),
                new FeatureSpec.Encoded("imd_decile_missing", "imd_decile", FeatureSpec.Kind.MISSING, null, 0)));
    }

    @Test
    void encodesEachKind() {
        FeatureSpec s = small();
        assertThat(s.encode(new Object[] {70, "2", new BigDecimal("999.00"), true, null}))
                .containsExactly(70, 1, Math.log1p(999), 1, 5.5, 1);
        assertThat(s.encode(new Object[] {null, "1", null, null, 3})).containsExactly(0, 0, 0, 0, 3, 0);
    }

    @Test
    void hashChangesWithAColumnTypeAndNamesTheDifference() {
        FeatureSpec s = small();
        assertThat(s.hashOn(types())).isEqualTo(s.schemaHash());
        Map<String, String> changed = types();
        changed.put("age", "double");
        changed.remove("chc");
        assertThat(s.hashOn(changed)).isNotEqualTo(s.schemaHash());
        assertThat(s.differences(changed)).containsExactly("age: int -> double", "chc: boolean -> absent");
    }

    @Test
    void standardSpecNamesEveryMissingColumnAndEveryFeatureHasWords() {
        assertThatThrownBy(() -> FeatureSpec.standard(types())).hasMessageContaining("emergency_admissions_365d");
        FactorPhrases phrases = FactorPhrases.standard();
        Map<String, String> all = new LinkedHashMap<>();
        for (String c : List.of("age", "sex", "imd_decile", "ltc_count", "medicines", "efi_score", "sectors_involved", "polypharmacy_5",
                "polypharmacy_10", "asc_long_term_support")) {
            all.put(c, "int");
        }
        for (String a : FeatureSpec.ACTIVITY) {
            for (String w : List.of("90d", "180d", "365d")) {
                all.put(a + w, "int");
            }
        }
        FeatureSpec.LTC.forEach(c -> all.put("ltc_" + c, "boolean"));
        FeatureSpec.SPEND.forEach(c -> all.put(c, "decimal(18,2)"));
        FeatureSpec.STATES.forEach(c -> all.put(c, "boolean"));
        FeatureSpec s = FeatureSpec.standard(all);
        for (String c : s.sourceColumns()) {
            assertThat(phrases.has(c)).as(c).isTrue();
        }
        assertThat(s.size()).isEqualTo(79);
    }

    @Test
    void phrasesInPlainWords() {
        FactorPhrases p = FactorPhrases.standard();
        assertThat(p.text("emergency_admissions_365d", 3)).isEqualTo("3 emergency admissions in the last year");
        assertThat(p.text("emergency_admissions_365d", 1)).isEqualTo("1 emergency admission in the last year");
        assertThat(p.text("emergency_admissions_365d", 0)).isEqualTo("no emergency admissions in the last year");
        assertThat(p.text("spend_acute", new BigDecimal("12345.67"))).isEqualTo("£12,346 spent on acute hospital care in the last year");
        assertThat(p.text("ltc_hf", true)).isEqualTo("has heart failure");
        assertThat(p.text("asc_long_term_support", "LTS_NURSING")).isEqualTo("lives in a nursing home");
        assertThat(p.text("sex", "2")).isEqualTo("female");
    }

    @Test
    void topFactorsSumIndicatorsPerColumnAndKeepOnlyRisingOnes() {
        FeatureSpec s = small();
        FactorPhrases p = FactorPhrases.standard();
        // imd_decile and its missing flag add up to one factor
        double[] shap = {0.5, -0.2, 0.1, 0.0, 0.3, 0.4};
        var top = p.topFactors(s, shap, new Object[] {82, "2", new BigDecimal("100"), false, null}, 3);
        assertThat(top).extracting(FactorPhrases.Factor::feature).containsExactly("imd_decile", "age", "spend_total");
        assertThat(top.get(0).contribution()).isEqualTo(0.7, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(top.get(1).text()).isEqualTo("aged 82");
    }
}
