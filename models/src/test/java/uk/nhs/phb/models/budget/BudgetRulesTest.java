package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BudgetRulesTest {
    private static final String HEADER = "cohort,precedence,basis,name,budget,streams,pooled,who,source\n";

    @Test
    void defaultsListEveryCohortInPrecedenceOrderWithTheirStreams() {
        BudgetRules r = BudgetRules.defaults();
        assertThat(r.cohorts()).extracting(BudgetRules.Cohort::code).containsExactly("CHC", "FAST_TRACK", "CCC", "S117", "WHEELCHAIR",
                "EHCP", "LD_AUTISM", "MENTAL_HEALTH", "END_OF_LIFE", "OTHER");
        assertThat(r.cohort("CHC").pooled()).isFalse();
        assertThat(r.cohort("S117").streams()).containsExactlyInAnyOrder(Stream.NHS_MENTAL_HEALTH, Stream.ADULT_SOCIAL_CARE);
        assertThat(r.cohort("EHCP").name()).isEqualTo("Education, health and care plan");
        assertThat(r.chair("POWERED").cost()).isEqualByComparingTo("3200.00");
        assertThat(r.unitCost("home_care_hour", 2025)).isEqualByComparingTo("30.90");
        assertThat(r.unitCost("home_care_hour", 2030)).as("nearest listed year").isEqualByComparingTo("30.90");
        assertThat(r.unitCost("residential_week", 2025)).isEqualByComparingTo("1050.00");
        assertThat(r.reckoner(Stream.ADULT_SOCIAL_CARE, "HOME_CARE").unitCostItem()).isEqualTo("home_care_hour");
        assertThat(r.reckoner(Stream.ADULT_SOCIAL_CARE, "EQUIPMENT").unit()).isEqualTo(BudgetRules.Reckoner.RECORDED);
        assertThat(r.version()).hasSize(12);
    }

    @Test
    void aLocalPoolingFileReplacesTheDefaultsAndChangesTheVersion() {
        BudgetRules r = BudgetRules.withPooling(HEADER
                + "WHEELCHAIR,1,legal_right,Wheelchairs,integrated personal budget,nhs_wheelchair|adult_social_care,Y,\"Anyone, with a chair\",local\n",
                "local.csv");
        assertThat(r.cohorts()).hasSize(1);
        assertThat(r.cohort("WHEELCHAIR").pooled()).isTrue();
        assertThat(r.cohort("WHEELCHAIR").who()).isEqualTo("Anyone, with a chair");
        assertThat(r.cohort("CHC")).isNull();
        assertThat(r.version()).isNotEqualTo(BudgetRules.defaults().version());
        assertThat(r.poolingSource()).isEqualTo("local.csv");
    }

    @Test
    void badPoolingFilesNameTheLineAndTheField() {
        assertThatThrownBy(() -> BudgetRules.withPooling(HEADER + "CHC,1,legal_right,x,y,nhs_dentistry,N,w,s\n", "p.csv"))
                .hasMessageContaining("p.csv line 2").hasMessageContaining("unknown funding stream 'nhs_dentistry'");
        assertThatThrownBy(() -> BudgetRules.withPooling(HEADER + "CHC,1,legal_right,x,y,nhs_community,maybe,w,s\n", "p.csv"))
                .hasMessageContaining("p.csv line 2").hasMessageContaining("pooled 'maybe' must be Y or N");
        assertThatThrownBy(() -> BudgetRules.withPooling(HEADER + "XYZ,1,legal_right,x,y,nhs_community,N,w,s\n", "p.csv"))
                .hasMessageContaining("cohort 'XYZ' is not a phb_group code");
        assertThatThrownBy(() -> BudgetRules.withPooling("cohort,streams\nCHC,nhs_community\n", "p.csv"))
                .hasMessageContaining("p.csv line 1: the header lacks");
        assertThatThrownBy(() -> BudgetRules.withPooling(HEADER + "CHC,0,legal_right,x,y,nhs_community,N,w,s\n", "p.csv"))
                .hasMessageContaining("precedence '0' must be a whole number above 0");
    }
}
