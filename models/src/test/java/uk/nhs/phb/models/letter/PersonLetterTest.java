package uk.nhs.phb.models.letter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.budget.IndicativeBudget;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.budget.Stream;

class PersonLetterTest {
    private static final LocalDate DATE = LocalDate.of(2026, 3, 31);
    private static final PersonLetter.Words WORDS = PersonLetter.Words.standard();

    private static PersonLetter.BudgetLine line(Stream s, String cohort, String annual, String low, String high, boolean pooled, String how) {
        BigDecimal a = new BigDecimal(annual);
        BigDecimal w = Money.weeklyFromAnnual(a);
        String method = s == Stream.NHS_WHEELCHAIR ? "nhs_chair_cost" : s == Stream.EDUCATION ? "current_package" : "historic_spend";
        return new PersonLetter.BudgetLine(s.code(), cohort, method, a, w, low == null ? null : new BigDecimal(low),
                high == null ? null : new BigDecimal(high), pooled, IndicativeBudget.lineLead(s, a, w) + how);
    }

    private static PersonLetter.Facts ehcpChild() {
        return new PersonLetter.Facts("Pab12", DATE, List.of("EHCP"), true, List.of(
                line(Stream.NHS_COMMUNITY, "EHCP", "1200.00", "800.00", "1900.00", true, "Worked out from what the NHS spent."),
                line(Stream.EDUCATION, "EHCP", "10000.50", "7000.00", "14000.00", true, "Worked out from your current EHC plan.")));
    }

    @Test
    void plainLetterGivesTheBudgetItsRangeAndEachStepInTheBudgetsOwnWords() {
        PersonLetter l = PersonLetter.of(ehcpChild(), WORDS, false);
        assertThat(l.mayHaveBudget()).isTrue();
        assertThat(l.why()).containsExactly("You have an education, health and care plan. You can ask for a personal budget that brings "
                + "together money for your health, care and education.");
        assertThat(l.budget().annual()).isEqualTo("£11,200.50");
        assertThat(l.budget().weekly()).isEqualTo(Money.format(Money.weeklyFromAnnual(new BigDecimal("11200.50"))));
        assertThat(l.budget().parts()).extracting(PersonLetter.Part::name, PersonLetter.Part::paidBy, PersonLetter.Part::annual)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("NHS community health services", "The NHS", "£1,200.00"),
                        org.assertj.core.groups.Tuple.tuple("Council education support (EHC plan)", "The council's education service", "£10,000.50"));
        // the range adds up each part's middle half of similar people
        assertThat(l.budget().range()).startsWith("People with needs like yours cost between £7,800.00 and £15,900.00 a year");
        // each step is the budget line's own explanation, without repeating its figures
        assertThat(l.budget().steps()).containsExactly("NHS community health services: Worked out from what the NHS spent.",
                "Council education support (EHC plan): Worked out from your current EHC plan.");
        assertThat(l.budget().pooled()).contains("one integrated personal budget of £11,200.50 a year");
        assertThat(l.noBudget()).isNull();
    }

    @Test
    void easyReadUsesWholePoundsAndShortSentences() {
        PersonLetter l = PersonLetter.of(ehcpChild(), WORDS, true);
        assertThat(l.budget().annual()).isEqualTo("£11,201");
        assertThat(l.budget().range()).isEqualTo("It could be between £7,800 and £15,900 a year. It depends on what you need.");
        assertThat(l.budget().steps()).containsExactly("We looked at what the NHS spent on your care last year.",
                "We looked at the care you get now and what it costs.");
        assertThat(l.why().get(0)).isEqualTo("You have an education, health and care plan. You can ask for one budget for health, care and school.");
        // easy read: no sentence longer than 12 words
        List<String> all = new java.util.ArrayList<>(l.nextSteps());
        all.addAll(l.why());
        all.addAll(l.budget().steps());
        all.addAll(WORDS.easyRead().values());
        for (String item : all) {
            for (String sentence : item.split("(?<=\\.) ")) {
                assertThat(sentence.split(" ").length).as(sentence).isLessThanOrEqualTo(12);
            }
        }
    }

    @Test
    void theLetterNeverJudgesThePersonNorNamesARuleOrCode() {
        for (boolean easy : new boolean[] {false, true}) {
            String text = PersonLetter.of(ehcpChild(), WORDS, easy).text();
            assertThat(text).doesNotContainIgnoringCase("risk").doesNotContainIgnoringCase("depriv").doesNotContainIgnoringCase("score")
                    .doesNotContainIgnoringCase("rank").doesNotContain("log-odds").doesNotContain("EX_EHCP").doesNotContain("EHCP)")
                    .doesNotContain("nhs_community").doesNotContain("_");
            assertThat(text).contains("Our reference: Pab12").contains("31 March 2026");
        }
    }

    @Test
    void legalRightsComeFirstAndALocalGroupGetsTheLocalWords() {
        PersonLetter.Facts f = new PersonLetter.Facts("P1", DATE, List.of("CHC", "MY_LOCAL_GROUP"), false, List.of());
        PersonLetter l = PersonLetter.of(f, WORDS, false);
        assertThat(l.why()).containsExactly(
                "You are eligible for NHS Continuing Healthcare. This gives you a legal right to have a personal health budget.",
                "Your local NHS offers personal health budgets to people in your situation.");
        assertThat(l.budget()).isNull();
        assertThat(l.noBudget()).isEqualTo("Your indicative budget has not been worked out yet. Your care team will tell you when it has.");
    }

    @Test
    void someoneInNoGroupIsToldSoKindlyWithNoBudgetSection() {
        PersonLetter l = PersonLetter.of(new PersonLetter.Facts("P2", DATE, List.of(), true, List.of()), WORDS, false);
        assertThat(l.mayHaveBudget()).isFalse();
        assertThat(l.why().get(0)).startsWith("The records we hold do not put you in a group");
        assertThat(l.budget()).isNull();
        assertThat(l.noBudget()).isNull();
        assertThat(l.nextSteps()).contains("Your care and support carry on as they are now.");
    }

    @Test
    void aPartWithoutARangeLeavesTheTotalRangeOut() {
        PersonLetter.Facts f = new PersonLetter.Facts("P3", DATE, List.of("WHEELCHAIR"), true,
                List.of(line(Stream.NHS_WHEELCHAIR, "WHEELCHAIR", "450.00", null, null, false, "Worked out from the chair.")));
        PersonLetter l = PersonLetter.of(f, WORDS, false);
        assertThat(l.budget().range()).isNull();
        assertThat(l.budget().steps()).containsExactly("NHS wheelchair: Worked out from the chair.");
        assertThat(l.budget().pooled()).isNull();
        assertThat(l.text()).contains("NHS wheelchair (paid by the NHS): £450.00 a year");
    }

    @Test
    void aSinglePartsRangeIsSaidOnceUnderTheTotalNotAgainInItsStep() {
        PersonLetter.Facts f = new PersonLetter.Facts("P4", DATE, List.of("WHEELCHAIR"), true, List.of(line(Stream.NHS_WHEELCHAIR, "WHEELCHAIR",
                "110.00", "97.15", "126.10", false, "Worked out from the chair." + IndicativeBudget.RANGE_LEAD + "£97.15 and £126.10 a year.")));
        PersonLetter l = PersonLetter.of(f, WORDS, false);
        assertThat(l.budget().range()).startsWith("People with needs like yours cost between £97.15 and £126.10 a year");
        assertThat(l.budget().steps()).containsExactly("NHS wheelchair: Worked out from the chair.");
    }

    @Test
    void easyReadSaysLessThanAPoundRatherThanNothing() {
        PersonLetter.Facts f = new PersonLetter.Facts("P5", DATE, List.of("EHCP"), true, List.of(line(Stream.NHS_COMMUNITY, "EHCP", "9.43", null, null,
                false, "Worked out.")));
        PersonLetter l = PersonLetter.of(f, WORDS, true);
        assertThat(l.budget().parts().get(0).annual()).isEqualTo("£9");
        assertThat(l.budget().parts().get(0).weekly()).isEqualTo("less than £1");
    }

    @Test
    void wordsWithoutALocalRowAreRefusedNamingTheFile() {
        assertThatThrownBy(() -> PersonLetter.Words.parse("my_words.csv", "cohort,plain,easy_read\nCHC,a,b\n"))
                .hasMessageContaining("my_words.csv has no LOCAL row");
        assertThatThrownBy(() -> PersonLetter.Words.parse("my_words.csv", "cohort,plain,easy_read\nLOCAL,a,\n"))
                .hasMessageContaining("my_words.csv line 2");
    }
}
