package uk.nhs.phb.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uk.nhs.phb.jobs.score.EligibilityLookupTest.featureRow;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.models.letter.PersonLetter;
import uk.nhs.phb.schemas.LakeTables;

/**
 * The person's view read without Spark (Delta Kernel) from a lake Spark wrote: the same letter as the Spark look-up,
 * groups and budget parts in the letter's order whatever order the files hold them in, the latest date by default, clear
 * errors, and every look-up in audit/runs where Spark reads it.
 */
class PersonViewTest {
    static final Date AT = Date.valueOf("2026-03-31");
    static final Date EARLIER = Date.valueOf("2025-12-31");

    @TempDir
    static Path dir;
    static SparkSession spark;
    static JobSettings settings;

    @BeforeAll
    static void lake() {
        spark = TestSpark.get();
        settings = ScoredLake.settings(dir);
        Lake lake = settings.lakeLayout();
        StructType features = LakeTables.PERSON_FEATURES.schema();
        ScoredLake.write(lake, LakeTables.PERSON_FEATURES, List.of(
                featureRow(features, Map.of("person_id", "P1", "reference_date", AT, "chc", true, "wheelchair", true)),
                featureRow(features, Map.of("person_id", "P3", "reference_date", AT))));
        ScoredLake.write(lake, LakeTables.RISK_SCORES, List.of(ScoredLake.risk("P1", EARLIER, 0.30, "8000.00", 0.97, "very high"),
                ScoredLake.risk("P1", AT, 0.42, "9100.00", 0.99, "very high"), ScoredLake.risk("P3", AT, 0.05, "800.00", 0.40, "low")));
        // rules in an order the letter must not keep: a local group, then a legal right written after another
        ScoredLake.write(lake, LakeTables.PHB_ELIGIBILITY, List.of(
                ScoredLake.eligible("P1", AT, "LOCAL", "local", "local-frailty", "a local group"),
                ScoredLake.eligible("P1", AT, "WHEELCHAIR", "legal_right", "wheelchair-long-term", "long-term wheelchair"),
                ScoredLake.eligible("P1", AT, "CHC", "legal_right", "chc-eligible", "eligible for NHS continuing healthcare")));
        ScoredLake.write(lake, LakeTables.PHB_PRIORITY, List.of(
                RowFactory.create("P1", AT, 1, 0.93, true, List.of("CHC", "WHEELCHAIR"), 3, true, 0.42, new BigDecimal("9100.00"),
                        List.of(RowFactory.create("age", "71", 0.61, "aged 71")), "in the CHC group; high risk", "2026.1", "risk-x", "r1")));
        // the budget's parts in two files, the wheelchair first: the letter puts continuing care first, as the budget numbers them
        ScoredLake.write(lake, LakeTables.INDICATIVE_BUDGETS, List.of(ScoredLake.budget("P1", AT, Stream.NHS_WHEELCHAIR, "WHEELCHAIR",
                "nhs_chair_cost", "110.00", null, null, false, "Worked out from the chair the NHS would provide.")));
        ScoredLake.write(lake, LakeTables.INDICATIVE_BUDGETS, List.of(ScoredLake.budget("P1", AT, Stream.NHS_CONTINUING_CARE, "CHC",
                "current_package", "62309.56", "58969.61", "80044.02", false, "Worked out from your current package.")));
    }

    @Test
    void theLetterIsTheOneTheSparkLookUpGivesWithGroupsAndPartsInTheLettersOrder() {
        EligibilityLookup.PersonView view = EligibilityLookup.personView(settings, "P1", null);
        assertThat(view.referenceDate()).as("the latest scored date").isEqualTo(AT.toLocalDate());
        PersonLetter letter = view.letter();
        assertThat(letter).isEqualTo(EligibilityLookup.run(spark, settings, "P1", null, Progress.NONE).letter());
        assertThat(letter.why()).hasSize(3);
        assertThat(letter.why().get(0)).startsWith("You are eligible for NHS Continuing Healthcare.");
        assertThat(letter.why().get(1)).contains("wheelchair");
        assertThat(letter.budget().parts()).extracting(PersonLetter.Part::name)
                .containsExactly("NHS continuing care package", "NHS wheelchair");
        assertThat(letter.budget().annual()).isEqualTo("£62,419.56");
    }

    @Test
    void aPersonScoredWithoutGroupOrBudgetIsToldSoAndAnEarlierDateIsReadAsAsked() {
        PersonLetter p3 = EligibilityLookup.personView(settings, "P3", null).letter();
        assertThat(p3.mayHaveBudget()).isFalse();
        assertThat(p3).isEqualTo(EligibilityLookup.run(spark, settings, "P3", null, Progress.NONE).letter());
        EligibilityLookup.PersonView earlier = EligibilityLookup.personView(settings, "P1", EARLIER.toLocalDate());
        assertThat(earlier.referenceDate()).isEqualTo(EARLIER.toLocalDate());
        assertThat(earlier.letter().mayHaveBudget()).as("no group recorded at the earlier date").isFalse();
    }

    @Test
    void aMistypedIdAndADateNothingWasScoredAtAreNamed() {
        assertThatThrownBy(() -> EligibilityLookup.personView(settings, "P9", null)).isInstanceOf(InputException.class)
                .hasMessage("no person P9 in gold/risk_scores at 2026-03-31 (not registered in the area at that date, or a mistyped id)");
        assertThatThrownBy(() -> EligibilityLookup.personView(settings, "P1", LocalDate.of(2026, 6, 30))).isInstanceOf(InputException.class)
                .hasMessage("nothing was scored at 2026-06-30; run 'phb score --as-of 2026-06-30' first or pass --as-of");
    }

    @Test
    void everyLookUpIsInTheAuditWithTheVersionsItRead() {
        String ok = EligibilityLookup.personView(settings, "P1", null).runId();
        String failed = null;
        try {
            EligibilityLookup.personView(settings, "P8", null);
        } catch (InputException expected) {
            failed = spark.read().format("delta").load(settings.lakeLayout().runs())
                    .filter("status = 'FAILED' AND parameters LIKE '%\"person\":\"P8\"%'").select("run_id").first().getString(0);
        }
        List<Row> runs = spark.read().format("delta").load(settings.lakeLayout().runs())
                .filter(org.apache.spark.sql.functions.col("run_id").isin(ok, failed)).orderBy("run_id", "status").collectAsList();
        List<String> seen = new ArrayList<>();
        for (Row r : runs) {
            seen.add((r.getString(0).equals(ok) ? "ok " : "failed ") + r.getString(2));
            assertThat(r.<String>getAs("command")).isEqualTo("eligibility");
            assertThat(r.<java.sql.Timestamp>getAs("started_at")).isNotNull();
        }
        assertThat(seen).containsExactlyInAnyOrder("ok RUNNING", "ok SUCCEEDED", "failed RUNNING", "failed FAILED");
        Row succeeded = runs.stream().filter(r -> r.getString(2).equals("SUCCEEDED")).findFirst().orElseThrow();
        assertThat(succeeded.<String>getAs("inputs")).isEqualTo("{\"gold/risk_scores\":0,\"gold/phb_eligibility\":0,\"gold/indicative_budgets\":1}");
        assertThat(succeeded.<String>getAs("counts")).isEqualTo("{\"rules_met\":3,\"budget_lines\":2}");
        assertThat(succeeded.<String>getAs("parameters")).contains("\"person\":\"P1\"", "\"view\":\"person\"");
        Row failure = runs.stream().filter(r -> r.getString(2).equals("FAILED")).findFirst().orElseThrow();
        assertThat(failure.<String>getAs("error")).isEqualTo("InputException: no person P8 in gold/risk_scores at 2026-03-31 "
                + "(not registered in the area at that date, or a mistyped id)");
    }
}
