package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LakeTablesTest {

    @Test
    void everyFeedHasABronzeAndAQuarantineTableAndEveryPathIsUnique() {
        List<String> paths = LakeTables.all().stream().map(LakeTable::path).toList();
        assertThat(paths).doesNotHaveDuplicates();
        assertThat(paths).hasSize(2 * Feeds.all().size() + 11);
        for (FeedContract feed : Feeds.all()) {
            assertThat(paths).contains("bronze/" + feed.name(), "quarantine/" + feed.name());
        }
        assertThat(LakeTables.at("silver/person_index")).contains(LakeTables.PERSON_INDEX);
        assertThat(LakeTables.at("gold/no_such_table")).isEmpty();
    }

    @Test
    void bronzeIsTheTypedFeedWithItsLineageAndQuarantineTheRawFeedWithItsProblems() {
        FeedContract apc = Feeds.byName("apc_spells");
        LakeTable bronze = LakeTables.bronze(apc);
        assertThat(bronze.columns()).startsWith(apc.fieldNames().toArray(String[]::new))
                .endsWith("_source_file", "_source_line", "_ingest_run_id");
        assertThat(bronze.schema().apply("admission_date").dataType().catalogString()).isEqualTo("date");
        LakeTable quarantine = LakeTables.quarantine(apc);
        assertThat(quarantine.schema().apply("admission_date").dataType().catalogString()).isEqualTo("string");
        assertThat(quarantine.schema().apply("_problems").dataType().catalogString())
                .isEqualTo("array<struct<rule:string,field:string,detail:string>>");
    }

    @Test
    void mismatchesNameTheMissingAndTheMistypedColumnsAndIgnoreExtraOnes() {
        StructType written = StructType.fromDDL(
                "source STRING, entity_hash STRING, person_id BIGINT, match_weight DOUBLE, match_probability DOUBLE, added_later STRING");
        assertThat(LakeTables.PERSON_INDEX.mismatches(written))
                .containsExactly("column person_id is bigint, not string", "no column method (string)");
        assertThat(LakeTables.PERSON_INDEX.mismatches(LakeTables.PERSON_INDEX.schema().add("added_later", "string"))).isEmpty();
    }

    @Test
    void aTableCannotBePartitionedByAColumnItLacks() {
        assertThatThrownBy(() -> new LakeTable(LakeTable.Layer.GOLD, "t", StructType.fromDDL("a STRING"), List.of("reference_date"), "s", "x"))
                .hasMessageContaining("gold/t is partitioned by reference_date, which is not a column of it");
    }

    @Test
    void dateTablesArePartitionedByReferenceDate() {
        for (LakeTable t : List.of(LakeTables.PERSON_FEATURES, LakeTables.RISK_SCORES, LakeTables.PHB_ELIGIBILITY, LakeTables.PHB_PRIORITY,
                LakeTables.INDICATIVE_BUDGETS, LakeTables.BUDGET_MODELS)) {
            assertThat(t.partitionBy()).as(t.path()).containsExactly("reference_date");
        }
    }
}
