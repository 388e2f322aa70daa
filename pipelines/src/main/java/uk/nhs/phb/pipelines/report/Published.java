package uk.nhs.phb.pipelines.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.models.disclosure.SmallNumbers.Level;

/**
 * How figures below national level are published (every figure of the report is below national level: an ICB
 * is the largest organisation it covers). Counts go through {@link SmallNumbers} ({@code 1..7 -> *}, others to
 * the nearest 5, totals from unrounded counts, secondary suppression); money and statistics that describe
 * people are hidden wherever the count of people behind them is; rates and percentages are computed from the
 * published (rounded) figures. All text is formatted the same way on every run ({@link java.util.Locale#ROOT},
 * half-up rounding), so re-running a report gives byte-identical files.
 */
public final class Published {
    public static final String HIDDEN = "*";
    /** The rule every report applies. */
    public static final SmallNumbers RULE = SmallNumbers.NHS_DIGITAL;

    private Published() {
    }

    /** The rule in words, for manifests and the HTML page. */
    public static String ruleText() {
        return "NHS Digital small-number rule for sub-national figures: 0 stays 0, counts of 1 to " + RULE.threshold()
                + " are shown as *, other counts are rounded to the nearest " + RULE.base() + "; totals are computed from "
                + "unrounded counts and then rounded; a further figure is hidden wherever a hidden one could be recovered "
                + "by subtraction from a total (secondary suppression); money, means and percentiles are hidden wherever "
                + "the count of people behind them is; percentages, rates, shares and means of counts are computed from the "
                + "published figures; a manifest carries only published figures.";
    }

    /** A count as published below national level. */
    public static SmallNumbers.Figure count(long n) {
        return RULE.count(n, Level.SUB_NATIONAL);
    }

    /** Whether a count is hidden by itself (primary suppression). */
    public static boolean primary(long n) {
        return count(n).suppressed();
    }

    /** The text of a count, hidden when {@code hidden}. */
    public static String count(long n, boolean hidden) {
        return hidden ? HIDDEN : count(n).text();
    }

    /** Whole pounds, half up. */
    public static String pounds(BigDecimal value) {
        return value == null ? "0" : value.setScale(0, RoundingMode.HALF_UP).toPlainString();
    }

    /** Whole pounds, hidden when {@code hidden}. */
    public static String pounds(BigDecimal value, boolean hidden) {
        return hidden ? HIDDEN : pounds(value);
    }

    /** A number with fixed decimals, half up; empty for NaN. */
    public static String decimal(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code 100 * numerator / denominator} from published figures, or {@code *} / {@code -}. */
    public static String percentage(String numerator, String denominator, int decimals) {
        if (numerator.equals(HIDDEN) || denominator.equals(HIDDEN)) {
            return HIDDEN;
        }
        long d = Long.parseLong(denominator);
        if (d == 0) {
            return "-";
        }
        return BigDecimal.valueOf(Long.parseLong(numerator)).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(d), decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /** A rate per {@code per} from published figures, or {@code *} / {@code -}. */
    public static String rate(String numerator, String denominator, long per, int decimals) {
        if (numerator.equals(HIDDEN) || denominator.equals(HIDDEN)) {
            return HIDDEN;
        }
        long d = Long.parseLong(denominator);
        if (d == 0) {
            return "-";
        }
        return BigDecimal.valueOf(Long.parseLong(numerator)).multiply(BigDecimal.valueOf(per))
                .divide(BigDecimal.valueOf(d), decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * A one-way table of counts that add up to a total (the last figure): primary suppression, then the
     * complementary suppression of {@link SmallNumbers#protect}.
     *
     * @return which figures are hidden (parts, then the total)
     */
    public static boolean[] oneWay(long[] parts) {
        return oneWay(parts, false);
    }

    /** As {@link #oneWay(long[])}, with the total hidden to start with when {@code totalHidden} (it is hidden in a linked table). */
    public static boolean[] oneWay(long[] parts, boolean totalHidden) {
        int k = parts.length;
        boolean[] hidden = new boolean[k + 1];
        long[] size = new long[k + 1];
        long total = 0;
        for (int i = 0; i < k; i++) {
            hidden[i] = primary(parts[i]);
            size[i] = parts[i];
            total += parts[i];
        }
        hidden[k] = primary(total) || totalHidden;
        size[k] = total;
        int[] line = new int[k + 1];
        for (int i = 0; i <= k; i++) {
            line[i] = i;
        }
        SmallNumbers.protect(hidden, size, List.of(line));
        return hidden;
    }

    /**
     * A two-way table of counts with row and column totals, as a (rows + 1) x (cols + 1) mask of hidden figures
     * (totals in the last row and column), with the rows' totals and the grand total forced hidden where
     * {@code forcedRowTotals} says (figures shared with linked tables).
     */
    public static boolean[][] twoWay(long[][] cells, boolean[] forcedRowTotals) {
        int rows = cells.length;
        int cols = rows == 0 ? 0 : cells[0].length;
        int width = cols + 1;
        long[][] grid = withTotals(cells);
        boolean[] hidden = new boolean[(rows + 1) * width];
        long[] size = new long[hidden.length];
        for (int r = 0; r <= rows; r++) {
            for (int c = 0; c <= cols; c++) {
                hidden[r * width + c] = primary(grid[r][c]) || (c == cols && forcedRowTotals != null && forcedRowTotals[r]);
                size[r * width + c] = grid[r][c];
            }
        }
        SmallNumbers.protect(hidden, size, SmallNumbers.gridLines(rows, cols));
        boolean[][] out = new boolean[rows + 1][width];
        for (int i = 0; i < hidden.length; i++) {
            out[i / width][i % width] = hidden[i];
        }
        return out;
    }

    /** The cells with row totals in the last column, column totals in the last row. */
    public static long[][] withTotals(long[][] cells) {
        int rows = cells.length;
        int cols = rows == 0 ? 0 : cells[0].length;
        long[][] g = new long[rows + 1][cols + 1];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                g[r][c] = cells[r][c];
                g[r][cols] += cells[r][c];
                g[rows][c] += cells[r][c];
                g[rows][cols] += cells[r][c];
            }
        }
        return g;
    }

    /**
     * Two-way tables that share their row totals and grand total (the same people broken down in different
     * ways): each is protected, figures hidden in one are forced hidden in the others, until nothing changes.
     *
     * @return one mask per table, as {@link #twoWay}
     */
    public static boolean[][][] linked(List<long[][]> tables) {
        int rows = tables.get(0).length;
        boolean[] forced = new boolean[rows + 1];
        boolean[][][] masks = new boolean[tables.size()][][];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int t = 0; t < tables.size(); t++) {
                long[][] cells = tables.get(t);
                if (cells.length != rows) {
                    throw new IllegalArgumentException("linked tables must have the same rows");
                }
                masks[t] = twoWay(cells, forced);
                int cols = cells.length == 0 ? 0 : cells[0].length;
                for (int r = 0; r <= rows; r++) {
                    if (masks[t][r][cols] && !forced[r]) {
                        forced[r] = true;
                        changed = true;
                    }
                }
            }
        }
        return masks;
    }
}
