package uk.nhs.phb.models.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * Pounds as exact decimals, and the one rounding rule of indicative budgets:
 *
 * <ul>
 *   <li>every figure is rounded to the nearest penny, halves away from zero ({@link RoundingMode#HALF_UP}),
 *       the rule a person checking the sum with a calculator expects; rounding happens once, where a figure
 *       is made, and totals are sums of the rounded lines, so the lines always add up to the total exactly;
 *   <li>a year is 365.25 days (52.18 weeks): an annual figure from a weekly one is {@code weekly * 365.25 / 7},
 *       a weekly figure from an annual one is {@code annual * 7 / 365.25}, each rounded to the penny;
 *   <li>a figure from a model (a double) becomes pounds through its shortest decimal representation,
 *       then the same rounding.
 * </ul>
 */
public final class Money {
    public static final BigDecimal DAYS_PER_YEAR = new BigDecimal("365.25");
    public static final BigDecimal DAYS_PER_WEEK = BigDecimal.valueOf(7);
    public static final RoundingMode ROUNDING = RoundingMode.HALF_UP;
    /** Weeks in a year to two places, for text only (the sums use 365.25 / 7 exactly). */
    public static final String WEEKS_PER_YEAR_TEXT = "52.18";

    private Money() {
    }

    /** To the penny. */
    public static BigDecimal pounds(BigDecimal amount) {
        return amount.setScale(2, ROUNDING);
    }

    /** A model's figure to the penny; NaN or infinite is refused. */
    public static BigDecimal pounds(double amount) {
        if (Double.isNaN(amount) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException("not an amount of money: " + amount);
        }
        return pounds(BigDecimal.valueOf(amount));
    }

    /** The annual figure of a weekly amount: {@code weekly * 365.25 / 7}, to the penny. */
    public static BigDecimal annualFromWeekly(BigDecimal weekly) {
        return weekly.multiply(DAYS_PER_YEAR).divide(DAYS_PER_WEEK, 2, ROUNDING);
    }

    /** The weekly figure of an annual amount: {@code annual * 7 / 365.25}, to the penny. */
    public static BigDecimal weeklyFromAnnual(BigDecimal annual) {
        return annual.multiply(DAYS_PER_WEEK).divide(DAYS_PER_YEAR, 2, ROUNDING);
    }

    /** {@code £1,234.56}; negative amounts with a leading minus. */
    public static String format(BigDecimal amount) {
        return signed(amount.setScale(2, ROUNDING), "#,##0.00");
    }

    /** {@code £1,235}: to the nearest pound, for published summaries and chart ticks. */
    public static String formatWhole(BigDecimal amount) {
        return signed(amount.setScale(0, ROUNDING), "#,##0");
    }

    /** The sign of the rounded amount, so -£0.40 to the pound is £0, not -£0. */
    private static String signed(BigDecimal rounded, String pattern) {
        DecimalFormat f = new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.UK));
        f.setRoundingMode(ROUNDING);
        return (rounded.signum() < 0 ? "-£" : "£") + f.format(rounded.abs());
    }
}
