package uk.nhs.phb.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.models.letter.PersonLetter;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * {@code phb eligibility --person}: a hand-built lake of two people scored at one date; the answer names the rules each
 * meets and does not, notes a rule their features meet now that scoring did not record, and gives the priority list.
 */
class EligibilityLookupTest {
    static final Date AT = Date.valueOf("2026-03-31");

    @TempDir
    static Path dir;
    static SparkSession spark;
    static JobSettings settings;

    @BeforeAll
    static void lake() {
        spark = TestSpark.get();
        settings = ScoredLake.settings(dir);
        Lake lake = settings.lakeLayout();
        // P2 has four long-term conditions now, which the scoring run did not record
        StructType features = LakeTables.PERSON_FEATURES.schema();
        write(lake, LakeTables.PERSON_FEATURES, features, List.of(
                featureRow(features, Map.of("person_id", "P1", "reference_date", AT, "chc", true, "wheelchair", false, "multimorbidity_score", 1)),
                featureRow(features, Map.of("person_id", "P2", "reference_date", AT, "chc", false, "wheelchair", false, "multimorbidity_score", 4))));
        write(lake, LakeTables.ELIGIBILITY_RULES, ScoreTables.ELIGIBILITY_RULES_SCHEMA, List.of(
                rule("chc-eligible", "CHC", "chc"),
                rule("ltc-complex", "LTC", "multimorbidity_score >= 4"),
                rule("wheelchair-long-term", "WHEELCHAIR", "wheelchair")));
        ScoredLake.write(lake, LakeTables.RISK_SCORES, List.of(ScoredLake.risk("P1", AT, 0.42, "9100.00", 0.99, "very high"),
                ScoredLake.risk("P2", AT, 0.05, "800.00", 0.40, "low")));
        ScoredLake.write(lake, LakeTables.PHB_ELIGIBILITY, List.of(
                ScoredLake.eligible("P1", AT, "CHC", "legal_right", "chc-eligible", "eligible for NHS continuing healthcare")));
        write(lake, LakeTables.PHB_PRIORITY, ScoreTables.PHB_PRIORITY_SCHEMA, List.of(
                RowFactory.create("P1", AT, 1, 0.93, true, List.of("CHC"), 3, true, 0.42, new BigDecimal("9100.00"),
                        List.of(RowFactory.create("age", "71", 0.61, "aged 71")), "in the CHC group; high risk", "2026.1", "risk-x", "r1")));
    }

    /** A row of the table's schema: the given values, the rest null (or zero, false, empty where the schema forbids null). */
    static Row featureRow(StructType schema, Map<String, Object> values) {
        Object[] v = new Object[schema.size()];
        for (int i = 0; i < v.length; i++) {
            var f = schema.fields()[i];
            v[i] = values.containsKey(f.name()) ? values.get(f.name()) : f.nullable() ? null
                    : f.dataType().equals(DataTypes.BooleanType) ? false : f.dataType().equals(DataTypes.StringType) ? ""
                    : f.dataType().equals(DataTypes.IntegerType) ? 0 : f.dataType().equals(DataTypes.DoubleType) ? 0.0 : BigDecimal.ZERO;
        }
        return RowFactory.create(v);
    }

    static Row rule(String id, String cohort, String condition) {
        return RowFactory.create("2026.1", id, cohort, "legal_right", condition, "the " + cohort + " group", "test");
    }

    static void write(Lake lake, LakeTable table, StructType schema, List<Row> rows) {
        spark.createDataFrame(rows, schema).write().format("delta").save(lake.path(table));
    }

    @Test
    void aPersonOnTheListHasTheRulesTheyMeetAndTheirRank() throws Exception {
        EligibilityLookup.StaffView p1 = EligibilityLookup.run(spark, settings, "P1", null, Progress.NONE);
        assertThat(p1.referenceDate()).as("the latest scored date").isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(p1.eligible()).isTrue();
        assertThat(p1.rulesMet()).extracting(EligibilityLookup.RuleMet::ruleId).containsExactly("chc-eligible");
        assertThat(p1.rulesNotMet()).extracting(EligibilityLookup.RuleNotMet::ruleId).containsExactly("ltc-complex", "wheelchair-long-term");
        assertThat(p1.rulesNotMet()).extracting(EligibilityLookup.RuleNotMet::note).containsOnlyNulls();
        EligibilityLookup.PriorityPlace priority = p1.priority();
        assertThat(priority.onList()).isTrue();
        assertThat(priority.priorityRank()).isEqualTo(1);
        assertThat(priority.listSize()).isEqualTo(1L);
        assertThat(p1.topFactors()).extracting(EligibilityLookup.Factor::text).containsExactly("aged 71");
        // what the person is told: the group in words; no budget yet, since none was made in this lake
        PersonLetter letter = p1.letter();
        assertThat(letter.why()).containsExactly(
                "You are eligible for NHS Continuing Healthcare. This gives you a legal right to have a personal health budget.");
        assertThat(letter.budget()).isNull();
        assertThat(letter.noBudget()).startsWith("Your indicative budget has not been worked out yet.");

        // the --json a member of staff reads: snake_case keys, no note where none applies, no reason for being off a list they are on
        JsonNode json = Json.mapper().readTree(Json.mapper().writeValueAsString(p1));
        assertThat(json.get("reference_date").asText()).isEqualTo("2026-03-31");
        assertThat(json.get("run_id").asText()).isEqualTo(p1.runId());
        assertThat(json.get("rules_met").get(0).get("rule_id").asText()).isEqualTo("chc-eligible");
        assertThat(json.get("rules_not_met").get(0).has("note")).isFalse();
        assertThat(json.get("priority").get("on_list").asBoolean()).isTrue();
        assertThat(json.get("priority").has("why_not")).isFalse();
        assertThat(json.get("risk").has("p_emergency_12m")).isTrue();
    }

    @Test
    void aRuleTheFeaturesMeetNowButScoringDidNotRecordIsNoted() {
        EligibilityLookup.StaffView p2 = EligibilityLookup.run(spark, settings, "P2", LocalDate.of(2026, 3, 31), Progress.NONE);
        assertThat(p2.eligible()).isFalse();
        List<EligibilityLookup.RuleNotMet> notMet = p2.rulesNotMet();
        assertThat(notMet).extracting(EligibilityLookup.RuleNotMet::ruleId).containsExactly("chc-eligible", "ltc-complex", "wheelchair-long-term");
        assertThat(notMet).extracting(EligibilityLookup.RuleNotMet::note)
                .containsExactly(null, "met by the features now but not recorded at scoring: re-run 'phb score'", null);
        assertThat(p2.priority().onList()).isFalse();
        assertThat(p2.priority().whyNot()).startsWith("not in an eligible group");
    }

    @Test
    void anIdNotInTheLakeIsNamedAsSuch() {
        assertThatThrownBy(() -> EligibilityLookup.run(spark, settings, "P9", null, Progress.NONE)).isInstanceOf(InputException.class)
                .hasMessageContaining("no person P9 in gold/risk_scores at 2026-03-31");
    }
}
