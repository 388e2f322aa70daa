package uk.nhs.phb.jobs.audit.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;

/**
 * The attack on small hand-made publications whose leaks are known: each must be found with the recovered value,
 * and a publication made by the rule must give nothing away.
 */
class DisclosureAttackTest {
    @TempDir
    Path dir;

    private Path publication(String name, String manifest, String... files) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(p.resolve(files[i]), files[i + 1], StandardCharsets.UTF_8);
        }
        Files.writeString(p.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        return p;
    }

    private static DisclosureAttack.Result attack(Path... folders) {
        return DisclosureAttack.run(new DisclosureAttack.Request(List.of(folders), null));
    }

    private static final String DESIGN = """
            eligibility_group,treated,candidate_controls,matched_pairs
            CHC,*,*,*
            LD_AUTISM,*,10,*
            MENTAL_HEALTH,80,70,60
            ALL,90,85,70
            """;

    @Test
    void theReportedLeakExactTotalsInTheManifestAndSharesToFourDecimalsIsFound() throws IOException {
        // the defect as found on the demo: a hidden group's share of 88 treated people, beside the exact 88
        Path p = publication("q4", """
                {"quarter":"2025-26Q4","before_after_design":{"treated":88,"candidate_controls":84,"matched_pairs":70}}
                """, "before_after_design.csv", DESIGN, "balance.csv", """
                covariate,treated_mean_before_matching,control_mean_before_matching,smd_before,treated_mean_after_matching,control_mean_after_matching,smd_after
                age,61.2045,63.0119,-0.101,61.5000,61.9000,-0.020
                female,0.5341,0.5000,0.070,0.5286,0.5143,0.030
                group_CHC,0.0682,0.0119,0.300,0.0286,0.0286,0.000
                """);
        DisclosureAttack.Result r = attack(p);
        assertThat(r.recovered()).extracting(DisclosureAttack.Recovery::cell, DisclosureAttack.Recovery::value).contains(
                org.assertj.core.groups.Tuple.tuple("before_after_design|2025-26Q4/|CHC|treated", 6L),
                org.assertj.core.groups.Tuple.tuple("before_after_design|2025-26Q4/|CHC|candidate_controls", 1L),
                org.assertj.core.groups.Tuple.tuple("before_after_design|2025-26Q4/|CHC|matched_pairs", 2L));
        assertThat(r.unroundedCounts()).anyMatch(u -> u.contains("treated = 88"));
        assertThat(r.leaks()).isTrue();
        Recovered chc = new Recovered(r, "before_after_design|2025-26Q4/|CHC|treated");
        assertThat(chc.evidence()).anyMatch(e -> e.contains("0.0682"));
    }

    private record Recovered(DisclosureAttack.Result r, String cell) {
        List<String> evidence() {
            return r.recovered().stream().filter(x -> x.cell().equals(cell)).findFirst().orElseThrow().evidence();
        }
    }

    @Test
    void sharesOfPublishedRoundedCountsGiveNothingAway() throws IOException {
        Path p = publication("q4", """
                {"quarter":"2025-26Q4","before_after_design":{"treated":90,"candidate_controls":85,"matched_pairs":70}}
                """, "before_after_design.csv", DESIGN, "balance.csv", """
                covariate,treated_mean_before_matching,control_mean_before_matching,smd_before,treated_mean_after_matching,control_mean_after_matching,smd_after
                age,61.2045,63.0119,-0.101,61.5000,61.9000,-0.020
                female,0.5556,0.4706,0.070,0.5714,0.5000,0.030
                group_CHC,*,*,0.300,*,*,0.000
                group_MENTAL_HEALTH,0.8889,0.8235,0.100,0.8571,0.8571,0.000
                """);
        DisclosureAttack.Result r = attack(p);
        assertThat(r.recovered()).isEmpty();
        assertThat(r.unroundedCounts()).isEmpty();
        assertThat(r.conflicts()).isEmpty();
        // the five hidden design cells; the shares are the printed counts over the printed totals, so they add nothing
        assertThat(r.cellsTried()).isEqualTo(5);
    }

    @Test
    void differencingAgainstAnExactTotalRecoversTheLastHiddenPart() throws IOException {
        Path p = publication("q4", """
                {"quarter":"2025-26Q4","before_after_design":{"treated":93}}
                """, "before_after_design.csv", """
                eligibility_group,treated,candidate_controls,matched_pairs
                CHC,*,0,0
                LD_AUTISM,17,0,0
                MENTAL_HEALTH,71,0,0
                ALL,95,0,0
                """);
        // parts printed exactly (17, 71 are not multiples of 5) against an exact total: 93 - 17 - 71 = 5
        DisclosureAttack.Result r = attack(p);
        assertThat(r.recovered()).extracting(DisclosureAttack.Recovery::value).containsExactly(5L);
        assertThat(r.unroundedCounts()).hasSize(3);
    }

    @Test
    void theSameFigureHiddenInOneQuarterAndPrintedInTheNextIsFound() throws IOException {
        String trendQ3 = """
                quarter,received_ytd,active_at_quarter_end,registered_population,received_ytd_per_100k,trajectory_per_100k,against_trajectory
                2025-26Q2,*,10,20000,*,,
                2025-26Q3,15,15,20000,75.0,,
                """;
        String trendQ4 = """
                quarter,received_ytd,active_at_quarter_end,registered_population,received_ytd_per_100k,trajectory_per_100k,against_trajectory
                2025-26Q2,6,10,20000,30.0,,
                2025-26Q3,15,15,20000,75.0,,
                2025-26Q4,20,20,20000,100.0,,
                """;
        Path q3 = publication("q3", "{\"quarter\":\"2025-26Q3\"}", "uptake_trend.csv", trendQ3);
        Path q4 = publication("q4", "{\"quarter\":\"2025-26Q4\"}", "uptake_trend.csv", trendQ4);
        assertThat(attack(q3).recovered()).isEmpty();
        DisclosureAttack.Result both = attack(q3, q4);
        assertThat(both.recovered()).extracting(DisclosureAttack.Recovery::cell, DisclosureAttack.Recovery::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("uptake_trend||2025-26Q2|received_ytd", 6L));
    }

    @Test
    void aRateToOneDecimalPer100000RecoversItsHiddenNumeratorFromAnExactPopulation() throws IOException {
        Path p = publication("q4", "{\"quarter\":\"2025-26Q4\"}", "uptake_trend.csv", """
                quarter,received_ytd,active_at_quarter_end,registered_population,received_ytd_per_100k,trajectory_per_100k,against_trajectory
                2025-26Q4,*,*,20013,29.98,,
                """);
        // 29.98 per 100,000 of 20,013 people: 5.9999 -> 6
        assertThat(attack(p).recovered()).extracting(DisclosureAttack.Recovery::value).containsExactly(6L);
    }

    @Test
    void anAreaMissingFromOneSubIcbsTableIsZeroThereAndGivesAwayItsNeighbour() throws IOException {
        String ret = """
                quarter,org_level,org_code,icb_code,measure,breakdown,category,value
                2025-26Q4,ICB,Q1,Q1,active_at_quarter_end,total,ALL,20
                2025-26Q4,SUB_ICB,A,Q1,active_at_quarter_end,total,ALL,10
                2025-26Q4,SUB_ICB,B,Q1,active_at_quarter_end,total,ALL,10
                2025-26Q4,SUB_ICB,C,Q1,active_at_quarter_end,total,ALL,*
                """;
        Path icb = publication("icb", "{\"quarter\":\"2025-26Q4\",\"org\":\"Q1\"}", "phb_return.csv", ret, "offers.csv", """
                eligibility_group,accepted,declined,total
                CHC,10,14,24
                ALL,10,14,24
                """);
        // A has no CHC offers (no row); B prints its declined offers exactly; so C = 14 - 0 - 9 = 5
        Path a = publication("a", "{\"quarter\":\"2025-26Q4\",\"org\":\"A\"}", "offers.csv", """
                eligibility_group,accepted,declined,total
                ALL,0,0,0
                """);
        Path b = publication("b", "{\"quarter\":\"2025-26Q4\",\"org\":\"B\"}", "offers.csv", """
                eligibility_group,accepted,declined,total
                CHC,10,9,19
                ALL,10,9,19
                """);
        Path c = publication("c", "{\"quarter\":\"2025-26Q4\",\"org\":\"C\"}", "offers.csv", """
                eligibility_group,accepted,declined,total
                CHC,0,*,*
                ALL,0,*,*
                """);
        assertThat(attack(icb, a, b, c).recovered()).extracting(DisclosureAttack.Recovery::cell, DisclosureAttack.Recovery::value)
                .contains(org.assertj.core.groups.Tuple.tuple("offers|2025-26Q4/C|CHC|declined", 5L));
        // without A's publication its CHC offers are unknown: C is only at most 5
        assertThat(attack(icb, b, c).recovered()).isEmpty();
    }

    @Test
    void theHtmlAndWorkbookCopiesAreReadWithTheCsv() throws IOException {
        // the CSV hides the CHC group; the HTML copy prints it
        Path p = publication("q4", "{\"quarter\":\"2025-26Q4\"}", "before_after_design.csv", DESIGN, "report.html", """
                <!DOCTYPE html><html lang="en"><body><h2>Who was compared</h2>
                <table><caption>Who was compared</caption><thead><tr><th>eligibility_group</th><th>treated</th><th>candidate_controls</th>
                <th>matched_pairs</th></tr></thead><tbody><tr><th>CHC</th><td>4</td><td>*</td><td>*</td></tr></tbody></table></body></html>
                """);
        assertThat(attack(p).recovered()).extracting(DisclosureAttack.Recovery::cell, DisclosureAttack.Recovery::value)
                .contains(org.assertj.core.groups.Tuple.tuple("before_after_design|2025-26Q4/|CHC|treated", 4L));
    }

    @Test
    void aPersonLevelReleaseWithAClassSmallerThanTheKItClaimsIsFound() throws IOException {
        StringBuilder rows = new StringBuilder("age,sex,ltc_count\n");
        for (int i = 0; i < 12; i++) {
            rows.append(i < 9 ? "40-49" : "50-59").append(",*,").append(i % 3).append('\n');
        }
        Path p = publication("planning", "{\"quarter\":\"2025-26Q4\",\"level\":\"ANONYMISED\"}", "anonymisation.json", """
                {"quasi_identifiers": {"age": "builtin:age", "sex": "builtin:sex"}, "models": ["5-anonymity"]}
                """);
        Files.createDirectories(p.resolve("data"));
        Files.writeString(p.resolve("data/part-00000.csv"), rows.toString());
        DisclosureAttack.Result r = attack(p);
        // 9 records of 40-49 and 3 of 50-59: the 3 are a class the release says it does not have
        assertThat(r.recovered()).extracting(DisclosureAttack.Recovery::cell, DisclosureAttack.Recovery::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("records|planning|50-59/*|class_size", 3L));
        assertThat(r.cellsTriedByTable()).containsEntry("records", 2);
        // without the file that names the quasi-identifiers, the records are listed as not read, not passed
        Files.delete(p.resolve("anonymisation.json"));
        assertThat(attack(p).filesNotRead()).anyMatch(f -> f.contains("part-00000.csv") && f.contains("without anonymisation.json"));
    }

    @Test
    void aFolderThatIsNotThereIsTheUsersToFix() {
        assertThatThrownBy(() -> attack(dir.resolve("missing"))).isInstanceOf(InputException.class).hasMessageContaining("missing")
                .hasMessageContaining("not a folder");
    }
}
