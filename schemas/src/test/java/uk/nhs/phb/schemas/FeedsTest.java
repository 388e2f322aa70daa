package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FeedsTest {

    @Test
    void everyCodeListNamedByAFieldExistsAndIsNotEmpty() {
        for (FeedContract feed : Feeds.all()) {
            for (FieldSpec f : feed.fields()) {
                if (f.codeList() != null) {
                    assertThat(CodeLists.get(f.codeList())).as(feed.name() + "." + f.name()).isNotEmpty();
                }
            }
        }
    }

    @Test
    void everyPatternCompilesAndRecordKeysAreRequired() {
        for (FeedContract feed : Feeds.all()) {
            feed.fields().stream().filter(f -> f.pattern() != null).forEach(f -> Pattern.compile(f.pattern()));
            assertThat(feed.recordKey()).as(feed.name()).isNotEmpty();
            for (String k : feed.recordKey()) {
                assertThat(feed.field(k).orElseThrow().required()).as(feed.name() + " key " + k).isTrue();
            }
        }
    }

    @Test
    void catalogueHoldsTheFeedsOfEachSender() {
        assertThat(Feeds.all()).extracting(FeedContract::name)
                .contains("patients", "apc_spells", "ecds", "asc_cld", "csc", "ehcp", "phb_register", "ref_lsoa")
                .doesNotHaveDuplicates();
        assertThat(Feeds.byName("ehcp").field("nhs_token")).as("education never carries an NHS number").isEmpty();
        assertThat(Feeds.byName("asc_cld").field("nhs_token").orElseThrow().required()).isFalse();
        assertThat(Feeds.byName("apc_spells").field("nhs_token").orElseThrow().required()).isTrue();
        assertThatThrownBy(() -> Feeds.byName("hes")).hasMessageContaining("unknown feed 'hes'");
        FeedContract optOuts = Feeds.byName("opt_outs");
        assertThat(optOuts.fieldNames()).containsExactly("record_id", "nhs_token", "opt_out_type", "recorded_date", "listed_as");
        assertThat(optOuts.field("recorded_date").orElseThrow().required()).as("the national check gives no dates").isFalse();
        assertThat(CodeLists.get("opt_out_listing").keySet()).containsExactly("OPTED_OUT", "CLEARED");
        assertThat(optOuts.field("nhs_token").orElseThrow().required()).isTrue();
        assertThat(CodeLists.get("opt_out_type").keySet()).containsExactly("NDOO", "TYPE1");
        assertThat(Feeds.all().subList(Feeds.all().size() - 2, Feeds.all().size())).extracting(FeedContract::name)
                .as("added last, so earlier feeds keep their positions").containsExactly("opt_outs", "school_census");
        FeedContract census = Feeds.byName("school_census");
        assertThat(census.field("nhs_token")).as("the school census carries no NHS number").isEmpty();
        assertThat(census.field("pupil_token").orElseThrow().required()).isTrue();
        assertThat(CodeLists.get("sen_provision").keySet()).containsExactly("E", "K", "N");
    }

    @Test
    void landingSchemaIsAllStringsAndTypedSchemaFollowsFieldTypes() {
        FeedContract apc = Feeds.byName("apc_spells");
        assertThat(apc.landingSchema().fields()).allMatch(f -> f.dataType().typeName().equals("string"));
        assertThat(apc.typedSchema().apply("cost").dataType().simpleString()).isEqualTo("decimal(18,2)");
        assertThat(apc.typedSchema().apply("admission_date").dataType().simpleString()).isEqualTo("date");
        assertThat(apc.typedSchema().apply("spell_id").nullable()).isFalse();
    }

    @Test
    void contractsRejectIdentifiableLevelAndUndeclaredKeys() {
        List<FieldSpec> f = List.of(FieldSpec.required("a", FieldType.STRING, "a").build());
        assertThatThrownBy(() -> new FeedContract("x", "s", "d", f, List.of("b"), List.of(), IdentityLevel.PSEUDONYMISED))
                .hasMessageContaining("record key field 'b'");
        assertThatThrownBy(() -> new FeedContract("x", "s", "d", f, List.of("a"), List.of(), IdentityLevel.IDENTIFIABLE))
                .hasMessageContaining("identifiable");
    }

    @Test
    void codeListsKeepFileOrderAndMeanings() {
        assertThat(CodeLists.get("management_option").keySet()).containsExactly("NOTIONAL", "THIRD_PARTY", "DIRECT_PAYMENT", "MIXED");
        assertThat(CodeLists.get("phb_group").get("EHCP")).isEqualTo("Education, health and care plan");
        assertThat(CodeLists.get("conditions").keySet().stream().filter(c -> c.startsWith("EFI_")).count()).isEqualTo(26);
        assertThatThrownBy(() -> CodeLists.get("nope")).hasMessageContaining("no code list 'nope'");
    }
}
