package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The terminal summary's count is exact; where the published statement shows another figure, it says which and why. */
class StatementSummaryTest {
    @Test
    void theExactCountNamesThePublishedFigureWhenRoundingChangedIt() {
        assertThat(StatementOfResourcesCommand.peopleWithBudget(2614, "2615")).isEqualTo(
                "2,614 people with an indicative budget (2,615 in the published statement, which rounds counts to the nearest 5 and shows 1 to 7 as *)");
        assertThat(StatementOfResourcesCommand.peopleWithBudget(5, "*")).contains("5 people", "(* in the published statement");
    }

    @Test
    void aCountPublishedAsItIsNeedsNoWord() {
        assertThat(StatementOfResourcesCommand.peopleWithBudget(2615, "2615")).isEqualTo("2,615 people with an indicative budget");
        assertThat(StatementOfResourcesCommand.peopleWithBudget(0, null)).isEqualTo("0 people with an indicative budget");
    }
}
