package uk.nhs.phb.models.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {
    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    @Test
    void annualFromWeeklyUsesAYearOf36525DaysAndRoundsHalvesUp() {
        assertThat(Money.annualFromWeekly(d("7.00"))).isEqualByComparingTo("365.25");
        // 0.14 * 365.25 / 7 = 7.305 exactly: half up gives 7.31 (half even would give 7.30)
        assertThat(Money.annualFromWeekly(d("0.14"))).isEqualTo(d("7.31"));
        // 1550 * 365.25 / 7 = 80876.7857...
        assertThat(Money.annualFromWeekly(d("1550.00"))).isEqualTo(d("80876.79"));
        // 10.5 hours x 30.90 = 324.45 a week; 324.45 * 365.25 / 7 = 16929.3375
        assertThat(Money.annualFromWeekly(d("10.5").multiply(d("30.90")))).isEqualTo(d("16929.34"));
    }

    @Test
    void weeklyFromAnnualIsTheInverseToThePenny() {
        assertThat(Money.weeklyFromAnnual(d("365.25"))).isEqualTo(d("7.00"));
        assertThat(Money.weeklyFromAnnual(d("80876.79"))).isEqualTo(d("1550.00"));
        // 1.00 * 7 / 365.25 = 0.019164... -> 0.02
        assertThat(Money.weeklyFromAnnual(d("1.00"))).isEqualTo(d("0.02"));
        assertThat(Money.weeklyFromAnnual(d("0.00"))).isEqualTo(d("0.00"));
    }

    @Test
    void modelFiguresBecomePenniesThroughTheirShortestDecimal() {
        // 212.345 as a double is 212.3449999...; through its shortest decimal it is 212.345, half up 212.35
        assertThat(Money.pounds(212.345)).isEqualTo(d("212.35"));
        assertThat(Money.pounds(d("2.675"))).isEqualTo(d("2.68"));
        assertThat(Money.pounds(d("-2.675"))).as("halves away from zero").isEqualTo(d("-2.68"));
        assertThatThrownBy(() -> Money.pounds(Double.NaN)).hasMessageContaining("not an amount");
    }

    @Test
    void formatsPoundsWithThousandsSeparators() {
        assertThat(Money.format(d("80876.79"))).isEqualTo("£80,876.79");
        assertThat(Money.format(d("0.5"))).isEqualTo("£0.50");
        assertThat(Money.format(d("-12.345"))).isEqualTo("-£12.35");
        assertThat(Money.formatWhole(d("1234.50"))).isEqualTo("£1,235");
        // the sign is the rounded amount's: nothing is shown as a negative zero
        assertThat(Money.formatWhole(d("-0.4"))).isEqualTo("£0");
        assertThat(Money.format(d("-0.004"))).isEqualTo("£0.00");
        assertThat(Money.formatWhole(d("-4809.7"))).isEqualTo("-£4,810");
    }
}
