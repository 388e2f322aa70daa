package uk.nhs.phb.models.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.disclosure.SmallNumbers.Figure;
import uk.nhs.phb.models.disclosure.SmallNumbers.Level;
import uk.nhs.phb.models.disclosure.SmallNumbers.Suppression;

class SmallNumbersTest {
    private static final SmallNumbers RULE = SmallNumbers.NHS_DIGITAL;

    private static String shown(long n) {
        return RULE.count(n, Level.SUB_NATIONAL).text();
    }

    @Test
    void subNationalCountsAreSuppressedOrRoundedToFive() {
        assertThat(shown(0)).isEqualTo("0");
        assertThat(shown(1)).isEqualTo("*");
        assertThat(shown(7)).isEqualTo("*");
        assertThat(shown(8)).isEqualTo("10");
        assertThat(shown(12)).isEqualTo("10");
        assertThat(shown(13)).isEqualTo("15");
        assertThat(shown(15)).isEqualTo("15");
        assertThat(shown(17)).isEqualTo("15");
        assertThat(shown(18)).isEqualTo("20");
        assertThat(shown(1002)).isEqualTo("1000");
        assertThat(RULE.count(5, Level.SUB_NATIONAL).suppression()).isEqualTo(Suppression.PRIMARY);
        assertThatThrownBy(() -> RULE.count(-1, Level.SUB_NATIONAL)).hasMessage("a count cannot be negative, got -1");
    }

    @Test
    void nationalCountsAreUnrounded() {
        assertThat(RULE.count(3, Level.NATIONAL).text()).isEqualTo("3");
        assertThat(RULE.count(12, Level.NATIONAL).text()).isEqualTo("12");
    }

    @Test
    void thresholdAndBaseAreConfigurableAndExactHalvesRoundUp() {
        SmallNumbers ten = new SmallNumbers(10, 10);
        assertThat(ten.count(10, Level.SUB_NATIONAL).text()).isEqualTo("*");
        assertThat(ten.count(11, Level.SUB_NATIONAL).text()).isEqualTo("10");
        assertThat(ten.count(15, Level.SUB_NATIONAL).text()).isEqualTo("20");
        assertThat(ten.count(14, Level.SUB_NATIONAL).text()).isEqualTo("10");
        assertThat(new SmallNumbers(7, 1).count(12, Level.SUB_NATIONAL).text()).isEqualTo("12");
        assertThatThrownBy(() -> new SmallNumbers(7, 0)).hasMessageContaining("base >= 1");
    }

    @Test
    void totalsFromUnroundedCountsAndPercentagesFromRoundedFigures() {
        List<Figure> parts = List.of(RULE.count(12, Level.SUB_NATIONAL), RULE.count(12, Level.SUB_NATIONAL),
                RULE.count(3, Level.SUB_NATIONAL));
        // shown 10 + 10 + * but the total is 27 -> 25, not 20
        Figure total = RULE.total(parts, Level.SUB_NATIONAL);
        assertThat(total.unrounded()).isEqualTo(27);
        assertThat(total.text()).isEqualTo("25");
        assertThat(RULE.total(List.of(RULE.count(3, Level.SUB_NATIONAL), RULE.count(2, Level.SUB_NATIONAL)),
                Level.SUB_NATIONAL).text()).isEqualTo("*");
        // 12 of 27: rounded 10 of 25 = 40.0%, not 44.4%
        assertThat(SmallNumbers.percentage(parts.get(0), total, 1)).isEqualTo("40.0");
        assertThat(SmallNumbers.percentage(parts.get(2), total, 1)).isEqualTo("*");
        assertThat(SmallNumbers.percentage(RULE.count(0, Level.SUB_NATIONAL), RULE.count(0, Level.SUB_NATIONAL), 1)).isEqualTo("-");
    }

    @Test
    void aSingleSuppressedCellInARowIsProtectedBySuppressingTheNextSmallest() {
        long[][] counts = {
            {3, 20, 40},
            {30, 25, 50},
        };
        SmallNumbers.Table t = RULE.table(counts, Level.SUB_NATIONAL);
        // row 0 had one * (3), recoverable as 65 - 20 - 40; 20 is the next smallest in the row and is hidden too;
        // column 0 then has one * (3) again: 30 is hidden; column 1 has * (20) alone: 25 is hidden;
        // row 1 now has 30 and 25 hidden, row 0 has 3 and 20: no line has a single hidden figure
        assertThat(t.grid()).isEqualTo(new String[][] {
            {"*", "*", "40", "65"},
            {"*", "*", "50", "105"},
            {"35", "45", "90", "170"},
        });
        assertThat(t.cells()[0][1].suppression()).isEqualTo(Suppression.SECONDARY);
        assertThat(t.cells()[0][0].suppression()).isEqualTo(Suppression.PRIMARY);
        assertThat(t.secondarySuppressions()).isEqualTo(3);
        assertNoLineHasASingleSuppression(t.grid());
    }

    @Test
    void zerosAreShownAndChosenOnlyWhenNothingElseIsLeftThenTheTotal() {
        SmallNumbers.Table t = RULE.table(new long[][] {{0, 5}}, Level.SUB_NATIONAL);
        // row: 0, *, total 5 (*); the row has two hidden figures; column 1 has the cell and its total 5 hidden;
        // column 0 (0, total 0) shows nothing hidden; totals row: 0, *, grand *: two hidden
        assertThat(t.grid()).isEqualTo(new String[][] {{"0", "*", "*"}, {"0", "*", "*"}});
        SmallNumbers.Table single = RULE.table(new long[][] {{4}, {40}}, Level.SUB_NATIONAL);
        // column: 4 (*), 40, total 44; row 0: 4 (*) and its total 4 (*); the column's next smallest is 40
        assertThat(single.grid()).isEqualTo(new String[][] {{"*", "*"}, {"*", "*"}, {"45", "45"}});
        assertNoLineHasASingleSuppression(single.grid());
    }

    @Test
    void nationalTablesAreNotSuppressed() {
        SmallNumbers.Table t = RULE.table(new long[][] {{3, 20}}, Level.NATIONAL);
        assertThat(t.grid()).isEqualTo(new String[][] {{"3", "20", "23"}, {"3", "20", "23"}});
    }

    private static void assertNoLineHasASingleSuppression(String[][] g) {
        for (String[] row : g) {
            assertThat(java.util.Arrays.stream(row).filter("*"::equals).count()).isNotEqualTo(1);
        }
        for (int c = 0; c < g[0].length; c++) {
            int col = c;
            assertThat(java.util.Arrays.stream(g).filter(r -> r[col].equals("*")).count()).isNotEqualTo(1);
        }
    }
}
