package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.budget.StatementOfResources.CohortFigures;
import uk.nhs.phb.models.budget.StatementOfResources.Distribution;
import uk.nhs.phb.models.budget.StatementOfResources.Figures;
import uk.nhs.phb.models.budget.StatementOfResources.ServiceFigures;
import uk.nhs.phb.models.disclosure.SmallNumbers;

class StatementOfResourcesTest {
    private static final BudgetRules RULES = BudgetRules.defaults();

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    private static Figures figures() {
        return new Figures(LocalDate.of(2026, 3, 31), null, List.of(
                new CohortFigures("CHC", 3, new Distribution(3, d("70000.00"), d("80000.00"), d("90000.00"), d("240000.00"))),
                new CohortFigures("WHEELCHAIR", 43, new Distribution(42, d("110.00"), d("110.00"), d("640.00"), d("10000.00"))),
                new CohortFigures("LD_AUTISM", 13, new Distribution(12, d("300.00"), d("2000.00"), d("40000.00"), d("50000.00"))),
                new CohortFigures("EHCP", 5, Distribution.empty())),
                new Distribution(55, d("110.00"), d("640.00"), d("2000.00"), d("300000.00")),
                List.of(new ServiceFigures("WHEELCHAIR", Stream.NHS_WHEELCHAIR, "MANUAL", 30, d("3300.00")),
                        new ServiceFigures("WHEELCHAIR", Stream.NHS_WHEELCHAIR, "POWERED", 7, d("4480.00")),
                        new ServiceFigures("WHEELCHAIR", Stream.NHS_WHEELCHAIR, "SPECIALIST", 5, d("2220.00"))));
    }

    private static Map<String, List<String>> rows(List<List<String>> csv) {
        return csv.stream().skip(1).collect(Collectors.toMap(r -> r.get(0), r -> r));
    }

    @Test
    void smallCohortsAreSuppressedAndOneMoreWhereSubtractionWouldRevealThem() {
        List<List<String>> csv = StatementOfResources.csv(figures(), RULES, SmallNumbers.NHS_DIGITAL);
        assertThat(csv.get(0)).isEqualTo(StatementOfResources.CSV_HEADER);
        Map<String, List<String>> r = rows(csv);
        // CHC: 3 people, primary suppression of the count and every money figure
        assertThat(r.get("CHC").subList(7, 13)).containsExactly("*", "*", "*", "*", "*", "*");
        // LD_AUTISM: 12 people shown (rounded to 10), but its money hidden too: with CHC's alone hidden, CHC's total
        // would be the published total less the others
        assertThat(r.get("LD_AUTISM").subList(7, 13)).containsExactly("15", "10", "*", "*", "*", "*");
        assertThat(r.get("WHEELCHAIR").subList(7, 13)).containsExactly("45", "40", "110.00", "110.00", "640.00", "10000.00");
        assertThat(r.get("EHCP").subList(7, 13)).containsExactly("*", "0", "", "", "", "");
        assertThat(r.get("FAST_TRACK").subList(7, 9)).containsExactly("0", "0");
        assertThat(r.get("ALL").subList(8, 13)).containsExactly("55", "110.00", "640.00", "2000.00", "300000.00");
        assertThat(r.get("S117").get(5)).isEqualTo("nhs_mental_health|adult_social_care");
        assertThat(r.get("S117").get(6)).isEqualTo("Y");
        assertThat(StatementOfResources.toCsv(csv)).contains("\"Adults assessed as eligible for NHS Continuing Healthcare, whose care");
    }

    @Test
    void servicesOfFewPeopleAreHiddenTogetherUntilTheyDescribeMoreThanSeven() {
        Map<String, List<String>> r = StatementOfResources.servicesCsv(figures(), RULES, SmallNumbers.NHS_DIGITAL).stream().skip(1)
                .collect(Collectors.toMap(x -> x.get(3), x -> x));
        assertThat(r.get("MANUAL").subList(4, 6)).containsExactly("30", "3300.00");
        assertThat(r.get("POWERED").subList(4, 6)).containsExactly("*", "*");
        assertThat(r.get("SPECIALIST").subList(4, 6)).containsExactly("*", "*");
    }

    @Test
    void thePageShowsOnlyPublishedFigures() {
        StatementOfResources.Page page = StatementOfResources.page(figures(), RULES, SmallNumbers.NHS_DIGITAL);
        List<String> shown = page.cohorts().stream().flatMap(c -> c.figures().stream()).map(StatementOfResources.Figure::value).toList();
        assertThat(page.cohorts()).extracting(StatementOfResources.CohortPage::name).contains("Children's continuing care");
        assertThat(page.people()).isEqualTo("55");
        assertThat(page.total()).isEqualTo("£300,000");
        // the wheelchair group's money is shown; CHC's (3 people) is hidden, and so LD/autism's, or it would be the rest of the total
        assertThat(shown).contains("£10,000").doesNotContain("£240,000", "£50,000");
        // the services' money as services.csv publishes it, each where it stands in that file
        List<StatementOfResources.ServiceLine> services = page.cohorts().stream().flatMap(c -> c.services().stream()).toList();
        assertThat(services).extracting(StatementOfResources.ServiceLine::annual).contains("£3,300").doesNotContain("£0");
        assertThat(services).allSatisfy(s -> assertThat(s.cell()).startsWith("services|").endsWith("|"));
        assertThat(services.stream().filter(s -> s.people().equals("*")).map(StatementOfResources.ServiceLine::annual)).containsOnly("*");
    }

    @Test
    void partsHideTheFewestPeopleUntilTheHiddenGroupIsSafe() {
        SmallNumbers rule = SmallNumbers.NHS_DIGITAL;
        assertThat(rule.parts(new long[] {3, 40, 12}, SmallNumbers.Level.SUB_NATIONAL).hidden()).containsExactly(true, false, true);
        assertThat(rule.parts(new long[] {0, 40, 12}, SmallNumbers.Level.SUB_NATIONAL).hiddenCount()).isZero();
        assertThat(rule.parts(new long[] {9, 2, 30}, SmallNumbers.Level.SUB_NATIONAL).hidden()).containsExactly(true, true, false);
        assertThat(rule.parts(new long[] {4, 5, 20}, SmallNumbers.Level.SUB_NATIONAL).hidden()).containsExactly(true, true, false);
        SmallNumbers.Parts all = rule.parts(new long[] {2, 3, 0}, SmallNumbers.Level.SUB_NATIONAL);
        assertThat(all.hidden()).containsExactly(true, true, false);
        assertThat(all.totalHidden()).as("5 people in all: the total would reveal them").isTrue();
        assertThat(rule.parts(new long[] {3, 40}, SmallNumbers.Level.NATIONAL).hiddenCount()).isZero();
    }
}
