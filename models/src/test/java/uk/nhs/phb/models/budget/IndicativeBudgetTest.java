package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.budget.IndicativeBudget.Budget;
import uk.nhs.phb.models.budget.IndicativeBudget.Excluded;
import uk.nhs.phb.models.budget.IndicativeBudget.Frequency;
import uk.nhs.phb.models.budget.IndicativeBudget.Line;
import uk.nhs.phb.models.budget.IndicativeBudget.Method;
import uk.nhs.phb.models.budget.IndicativeBudget.PackageItem;
import uk.nhs.phb.models.budget.IndicativeBudget.Person;
import uk.nhs.phb.models.budget.IndicativeBudget.StreamFacts;

class IndicativeBudgetTest {
    private static final BudgetRules RULES = BudgetRules.defaults();
    private static final Excluded EXCLUDED = new Excluded(d("3030.00"), d("245.00"), d("410.50"), BigDecimal.ZERO);

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    private static StreamFacts pkg(PackageItem... items) {
        return new StreamFacts(true, List.of(items), null, null, d("9999.00"), d("5000.00"), d("15000.00"), "similar people", null);
    }

    private static StreamFacts spend(String total, Map<String, BigDecimal> byService, String needs) {
        return new StreamFacts(true, List.of(), total == null ? null : d(total), byService, needs == null ? null : d(needs), d("100.00"),
                d("400.00"), "similar people", null);
    }

    private static Person person(List<String> cohorts, Map<Stream, StreamFacts> facts) {
        return new Person(cohorts, facts, EXCLUDED, 2025);
    }

    private static Line line(Budget b, Stream s) {
        return b.lines().stream().filter(l -> l.stream() == s).findFirst().orElseThrow();
    }

    private static BigDecimal sum(Budget b) {
        return b.lines().stream().map(Line::annual).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void chcPackageIsTheWeeklyCostOverAYearAndIsNeverPooled() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_CONTINUING_CARE, pkg(new PackageItem("HOME", Frequency.WEEKLY, BigDecimal.ONE, d("1550.00"))));
        Budget b = IndicativeBudget.of(person(List.of("CHC"), f), RULES);
        assertThat(b.lines()).hasSize(1);
        Line l = b.lines().get(0);
        assertThat(l.method()).isEqualTo(Method.CURRENT_PACKAGE);
        // 1550 x 365.25 / 7 = 80876.7857 -> 80876.79; weekly back 1550.00
        assertThat(l.annual()).isEqualTo(d("80876.79"));
        assertThat(l.weekly()).isEqualTo(d("1550.00"));
        assertThat(l.pooled()).isFalse();
        assertThat(l.cohort()).isEqualTo("CHC");
        assertThat(l.services()).containsEntry("HOME", d("80876.79"));
        assertThat(b.total()).isEqualTo(d("80876.79"));
        assertThat(b.pooledTotal()).isNull();
        assertThat(b.explanation()).contains("£80,876.79 a year").contains("your current package: care in your own home at £1,550.00 a week (as recorded)")
                .contains("emergency care").contains("GP services").contains("hospital care including A&E and emergency admissions £3,030.00")
                .contains("GP services £245.00");
    }

    @Test
    void learningDisabilityBudgetPoolsReadyReckonerHistoricAndNeedsLines() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        // recorded at 30.00 an hour, but the ready reckoner prices hours at the 2025-26 list price of 30.90
        f.put(Stream.ADULT_SOCIAL_CARE, pkg(new PackageItem("HOME_CARE", Frequency.HOURLY, d("10.5"), d("30.00"))));
        f.put(Stream.NHS_COMMUNITY, spend("390.00", Map.of("DISTRICT_NURSING", d("260.00"), "PODIATRY", d("130.00")), "150.00"));
        f.put(Stream.NHS_MENTAL_HEALTH, spend(null, null, "212.345"));
        Budget b = IndicativeBudget.of(person(List.of("LD_AUTISM"), f), RULES);
        assertThat(b.lines()).extracting(Line::stream).containsExactly(Stream.NHS_COMMUNITY, Stream.NHS_MENTAL_HEALTH,
                Stream.ADULT_SOCIAL_CARE);
        Line asc = line(b, Stream.ADULT_SOCIAL_CARE);
        assertThat(asc.method()).isEqualTo(Method.CURRENT_PACKAGE);
        // 10.5 x 30.90 = 324.45 a week; x 365.25 / 7 = 16929.3375 -> 16929.34
        assertThat(asc.annual()).isEqualTo(d("16929.34"));
        assertThat(asc.basis()).containsEntry("item1_hours_per_week", "10.5").containsEntry("item1_unit_cost", "30.90")
                .containsEntry("item1_price", "price list home_care_hour 2025-26");
        Line community = line(b, Stream.NHS_COMMUNITY);
        assertThat(community.method()).isEqualTo(Method.HISTORIC_SPEND);
        assertThat(community.annual()).isEqualTo(d("390.00"));
        assertThat(community.needsEstimate()).as("the model's figure is kept beside the chosen one").isEqualTo(d("150.00"));
        Line mh = line(b, Stream.NHS_MENTAL_HEALTH);
        assertThat(mh.method()).isEqualTo(Method.NEEDS_ESTIMATE);
        assertThat(mh.annual()).as("212.345 half up").isEqualTo(d("212.35"));
        assertThat(b.lines()).allMatch(Line::pooled);
        // 16929.34 + 390.00 + 212.35
        assertThat(b.total()).isEqualTo(d("17531.69"));
        assertThat(b.pooledTotal()).isEqualTo(d("17531.69"));
        assertThat(b.weeklyTotal()).isEqualTo(Money.weeklyFromAnnual(d("17531.69")));
        assertThat(b.explanation()).contains("10.5 hours a week of home care x £30.90 an hour (the 2025-26 price) = £324.45 a week")
                .contains("district nursing £260.00, podiatry £130.00")
                .contains("You used none of these services in the last 12 months, so this is an estimate")
                .contains("Parts 1, 2 and 3 can be combined into one integrated personal budget of £17,531.69")
                .contains("between £100.00 and £400.00");
    }

    @Test
    void servicesOfAHistoricLineComeInServiceOrderWhateverOrderTheyArrivedIn() {
        Map<String, BigDecimal> byService = new java.util.LinkedHashMap<>();
        for (String service : List.of("PODIATRY", "PHYSIOTHERAPY", "INTERMEDIATE_CARE", "DISTRICT_NURSING", "COMMUNITY_MATRON")) {
            byService.put(service, d("65.00"));
        }
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_COMMUNITY, spend("325.00", byService, null));
        Line community = line(IndicativeBudget.of(person(List.of("LD_AUTISM"), f), RULES), Stream.NHS_COMMUNITY);
        assertThat(community.services().keySet())
                .containsExactly("COMMUNITY_MATRON", "DISTRICT_NURSING", "INTERMEDIATE_CARE", "PHYSIOTHERAPY", "PODIATRY");
    }

    @Test
    void streamsOfACohortThatDoesNotPoolStaySeparateEvenBesidePooledOnes() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_CONTINUING_CARE, pkg(new PackageItem("NURSING_HOME", Frequency.WEEKLY, BigDecimal.ONE, d("1350.00"))));
        f.put(Stream.NHS_COMMUNITY, spend("65.00", Map.of("PODIATRY", d("65.00")), null));
        f.put(Stream.NHS_MENTAL_HEALTH, spend("360.00", Map.of("LD_TEAM", d("360.00")), null));
        f.put(Stream.NHS_WHEELCHAIR, new StreamFacts(true, null, null, null, null, d("600.00"), d("700.00"), "same chair type", "POWERED"));
        Budget b = IndicativeBudget.of(person(List.of("WHEELCHAIR", "LD_AUTISM", "CHC"), f), RULES);
        assertThat(line(b, Stream.NHS_CONTINUING_CARE).cohort()).isEqualTo("CHC");
        assertThat(line(b, Stream.NHS_CONTINUING_CARE).pooled()).isFalse();
        assertThat(line(b, Stream.NHS_WHEELCHAIR).cohort()).isEqualTo("WHEELCHAIR");
        assertThat(line(b, Stream.NHS_WHEELCHAIR).pooled()).isFalse();
        assertThat(line(b, Stream.NHS_COMMUNITY).pooled()).isTrue();
        assertThat(line(b, Stream.NHS_MENTAL_HEALTH).pooled()).isTrue();
        for (Line l : b.lines()) {
            assertThat(l.pooled()).as("pooled only where the cohort allows it").isEqualTo(l.pooled() && RULES.cohort(l.cohort()).pooled());
        }
        // 1350 x 365.25 / 7 = 70441.07; chair 3200 / 5 = 640.00
        assertThat(line(b, Stream.NHS_CONTINUING_CARE).annual()).isEqualTo(d("70441.07"));
        assertThat(line(b, Stream.NHS_WHEELCHAIR).annual()).isEqualTo(d("640.00"));
        assertThat(line(b, Stream.NHS_WHEELCHAIR).method()).isEqualTo(Method.NHS_CHAIR_COST);
        assertThat(b.pooledTotal()).isEqualTo(d("425.00"));
        assertThat(b.total()).isEqualTo(d("71506.07"));
        assertThat(b.explanation()).contains("£3,200.00 / 5 = £640.00 a year")
                .contains("stays a separate budget: the rule for NHS Continuing Healthcare does not pool it")
                .contains("stays a separate budget: the rule for Personal wheelchair budget does not pool it");
    }

    @Test
    void aSingleLineOfAPoolingCohortIsNotCalledPooledAndMissingPackagesAreExplained() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_MENTAL_HEALTH, spend("1800.00", Map.of("CMHT", d("1800.00")), "1500.00"));
        f.put(Stream.ADULT_SOCIAL_CARE, new StreamFacts(false, null, null, null, d("12000.00"), null, null, null, null));
        Budget b = IndicativeBudget.of(person(List.of("S117"), f), RULES);
        assertThat(b.lines()).hasSize(1);
        assertThat(b.lines().get(0).pooled()).isFalse();
        assertThat(b.pooledTotal()).isNull();
        assertThat(b.total()).isEqualTo(d("1800.00"));
        assertThat(b.explanation()).contains("No adult social care is arranged for you now");
    }

    @Test
    void educationPlanAndResidentialWeeklyPriceFromTheList() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.EDUCATION, pkg(new PackageItem("SPECIAL_STATE", Frequency.ANNUAL, BigDecimal.ONE, d("26000.00"))));
        f.put(Stream.NHS_COMMUNITY, spend(null, null, "150.004"));
        Budget child = IndicativeBudget.of(person(List.of("EHCP"), f), RULES);
        assertThat(line(child, Stream.EDUCATION).annual()).isEqualTo(d("26000.00"));
        assertThat(line(child, Stream.NHS_COMMUNITY).annual()).isEqualTo(d("150.00"));
        assertThat(child.lines()).allMatch(Line::pooled);
        assertThat(child.total()).isEqualTo(d("26150.00"));

        Map<Stream, StreamFacts> g = new EnumMap<>(Stream.class);
        g.put(Stream.ADULT_SOCIAL_CARE, pkg(new PackageItem("RESIDENTIAL", Frequency.WEEKLY, BigDecimal.ONE, d("990.00"))));
        g.put(Stream.NHS_MENTAL_HEALTH, spend("180.00", Map.of("CMHT", d("180.00")), null));
        Budget adult = IndicativeBudget.of(person(List.of("S117"), g), RULES);
        // the ready reckoner prices a residential week at the list's 1050.00: 1050 x 365.25 / 7 = 54787.50
        assertThat(line(adult, Stream.ADULT_SOCIAL_CARE).annual()).isEqualTo(d("54787.50"));
        assertThat(adult.total()).isEqualTo(d("54967.50"));
    }

    @Test
    void packageWithoutACostFallsBackToHistoricSpendThenToTheNeedsEstimate() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_CONTINUING_CARE, new StreamFacts(true, List.of(new PackageItem("HOME", Frequency.WEEKLY, BigDecimal.ONE, null)),
                d("20000.00"), Map.of("HOME", d("20000.00")), d("70000.00"), null, null, null, null));
        Budget b = IndicativeBudget.of(person(List.of("FAST_TRACK"), f), RULES);
        assertThat(b.lines().get(0).method()).isEqualTo(Method.HISTORIC_SPEND);
        assertThat(b.lines().get(0).annual()).isEqualTo(d("20000.00"));
        f.put(Stream.NHS_CONTINUING_CARE, new StreamFacts(true, List.of(), null, null, d("70000.00"), null, null, null, null));
        b = IndicativeBudget.of(person(List.of("FAST_TRACK"), f), RULES);
        assertThat(b.lines().get(0).method()).isEqualTo(Method.NEEDS_ESTIMATE);
        assertThat(b.lines().get(0).annual()).isEqualTo(d("70000.00"));
    }

    @Test
    void explanationNamesEveryLineAndTheLinesAddUpToTheTotalExactly() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.ADULT_SOCIAL_CARE, pkg(new PackageItem("HOME_CARE", Frequency.HOURLY, d("7.5"), null),
                new PackageItem("DAY_CARE", Frequency.WEEKLY, BigDecimal.ONE, null)));
        f.put(Stream.NHS_MENTAL_HEALTH, spend("540.00", Map.of("CMHT", d("360.00"), "TALKING_THERAPIES", d("180.00")), null));
        Budget b = IndicativeBudget.of(person(List.of("S117", "MENTAL_HEALTH"), f), RULES);
        // 7.5 x 30.90 = 231.75 a week -> 12092.38; day care 180 a week -> 9392.14
        assertThat(line(b, Stream.ADULT_SOCIAL_CARE).annual()).isEqualTo(d("21484.52"));
        assertThat(line(b, Stream.NHS_MENTAL_HEALTH).cohort()).as("S117 comes first in the statement").isEqualTo("S117");
        assertThat(sum(b)).isEqualTo(b.total());
        String[] parts = b.explanation().split("\n");
        assertThat(parts[0]).contains(Money.format(b.total()));
        for (Line l : b.lines()) {
            assertThat(b.explanation()).contains(l.text()).contains(Money.format(l.annual()));
        }
        assertThat(b.explanation()).doesNotContain("null");
    }

    @Test
    void aMentalHealthLineNeedsARecordedNeedUnlessTheCohortIsAboutMentalHealth() {
        Map<Stream, StreamFacts> f = new EnumMap<>(Stream.class);
        f.put(Stream.NHS_COMMUNITY, spend("130.00", Map.of("PODIATRY", d("130.00")), null));
        f.put(Stream.NHS_MENTAL_HEALTH, new StreamFacts(false, null, null, null, d("3.10"), null, null, null, null));
        Budget other = IndicativeBudget.of(person(List.of("OTHER"), f), RULES);
        assertThat(other.lines()).extracting(Line::stream).containsExactly(Stream.NHS_COMMUNITY);
        assertThat(other.explanation()).contains("No mental health need is recorded");
        Budget s117 = IndicativeBudget.of(person(List.of("S117"), f), RULES);
        assertThat(s117.lines()).extracting(Line::stream).containsExactly(Stream.NHS_MENTAL_HEALTH);
        assertThat(s117.lines().get(0).annual()).isEqualTo(d("3.10"));
    }

    @Test
    void noCohortWithARuleMeansNoLines() {
        Budget b = IndicativeBudget.of(person(List.of("NOT_A_COHORT"), Map.of()), RULES);
        assertThat(b.lines()).isEmpty();
        assertThat(b.total()).isEqualTo(d("0.00"));
        assertThat(b.explanation()).startsWith("There is no indicative budget yet");
    }
}
