package uk.nhs.phb.models.disclosure;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small-number suppression for every published figure (NHS Digital's rule for secondary-care publications,
 * in force since September 2018):
 *
 * <ul>
 *   <li>national counts are published unrounded;
 *   <li>below national level, 0 stays 0, counts 1 to {@code threshold} (default 7) are shown as {@code *},
 *       and every other count is rounded to the nearest multiple of {@code base} (default 5): 8 -> 10,
 *       12 -> 10, 13 -> 15. An exact half (possible only with an even base, e.g. 15 with base 10) rounds up;
 *   <li>totals are computed from the unrounded counts, then published by the same rule (so a total can
 *       itself be {@code *});
 *   <li>percentages are computed from the published (rounded) figures, and are {@code *} when either is.
 * </ul>
 *
 * {@link #table} adds secondary suppression for a table with row and column totals. Immutable.
 */
public final class SmallNumbers {
    /** The NHS Digital rule: threshold 7, base 5. */
    public static final SmallNumbers NHS_DIGITAL = new SmallNumbers(7, 5);

    private final int threshold;
    private final int base;

    /**
     * @param threshold counts from 1 to this are suppressed (>= 0)
     * @param base rounding base (>= 1; 1 leaves counts unrounded)
     */
    public SmallNumbers(int threshold, int base) {
        if (threshold < 0 || base < 1) {
            throw new IllegalArgumentException("threshold must be >= 0 and base >= 1, got " + threshold + " and " + base);
        }
        this.threshold = threshold;
        this.base = base;
    }

    public int threshold() {
        return threshold;
    }

    public int base() {
        return base;
    }

    /** Whether a figure describes the whole country (unrounded) or anything smaller. */
    public enum Level {
        NATIONAL,
        SUB_NATIONAL
    }

    /** Why a published figure is hidden. */
    public enum Suppression {
        NONE,
        /** The count itself is 1..threshold. */
        PRIMARY,
        /** Hidden so that a primary suppression cannot be recovered from a total. */
        SECONDARY
    }

    /**
     * A figure as published.
     *
     * @param unrounded the true count (never published when suppressed or rounded)
     * @param shown the published count, or null when suppressed
     */
    public record Figure(long unrounded, Long shown, Suppression suppression) {
        public boolean suppressed() {
            return shown == null;
        }

        /** The published text: the count, or {@code *}. */
        public String text() {
            return shown == null ? "*" : Long.toString(shown);
        }

        Figure secondary() {
            return new Figure(unrounded, null, Suppression.SECONDARY);
        }
    }

    /** The published figure of a count. */
    public Figure count(long count, Level level) {
        if (count < 0) {
            throw new IllegalArgumentException("a count cannot be negative, got " + count);
        }
        if (level == Level.NATIONAL || count == 0) {
            return new Figure(count, count, Suppression.NONE);
        }
        if (count <= threshold) {
            return new Figure(count, null, Suppression.PRIMARY);
        }
        return new Figure(count, round(count), Suppression.NONE);
    }

    /** The nearest multiple of the base, exact halves up. */
    public long round(long count) {
        long r = count % base;
        long down = count - r;
        return 2 * r >= base ? down + base : down;
    }

    /** A total: the sum of the unrounded counts, published by the same rule. */
    public Figure total(List<Figure> parts, Level level) {
        long sum = 0;
        for (Figure f : parts) {
            sum = Math.addExact(sum, f.unrounded());
        }
        return count(sum, level);
    }

    /**
     * A percentage of published figures, {@code 100 * numerator.shown / denominator.shown} rounded half up to
     * {@code decimals} places; {@code *} if either is suppressed, {@code -} if the denominator is 0.
     */
    public static String percentage(Figure numerator, Figure denominator, int decimals) {
        if (numerator.suppressed() || denominator.suppressed()) {
            return "*";
        }
        if (denominator.shown() == 0) {
            return "-";
        }
        return BigDecimal.valueOf(numerator.shown()).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(denominator.shown()), decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * Which parts of an additive published total to hide, when each part (a sum of money, say) describes some
     * people: a part describing 1 to {@code threshold} people is hidden (primary); then, so that hidden parts
     * cannot be recovered from the total by subtraction, the shown parts with the fewest people (ties: the
     * first) are hidden too until the hidden parts together describe more than {@code threshold} people
     * (secondary). If even every part hidden together describes 1 to {@code threshold} people, the total is
     * hidden as well. Parts describing no one are never hidden; at national level nothing is.
     *
     * @param hidden      per part, whether it is hidden
     * @param totalHidden whether the total must be hidden too
     */
    public record Parts(boolean[] hidden, boolean totalHidden) {
        public int hiddenCount() {
            int n = 0;
            for (boolean h : hidden) {
                n += h ? 1 : 0;
            }
            return n;
        }
    }

    /** The suppression of additive parts of a total; {@code people[i]} is the number of people part i describes. */
    public Parts parts(long[] people, Level level) {
        boolean[] hidden = new boolean[people.length];
        if (level == Level.NATIONAL) {
            return new Parts(hidden, false);
        }
        long hiddenPeople = 0;
        for (int i = 0; i < people.length; i++) {
            if (people[i] < 0) {
                throw new IllegalArgumentException("a count cannot be negative, got " + people[i]);
            }
            if (people[i] >= 1 && people[i] <= threshold) {
                hidden[i] = true;
                hiddenPeople += people[i];
            }
        }
        while (hiddenPeople >= 1 && hiddenPeople <= threshold) {
            int pick = -1;
            for (int i = 0; i < people.length; i++) {
                if (!hidden[i] && people[i] > 0 && (pick < 0 || people[i] < people[pick])) {
                    pick = i;
                }
            }
            if (pick < 0) {
                return new Parts(hidden, true);
            }
            hidden[pick] = true;
            hiddenPeople += people[pick];
        }
        return new Parts(hidden, false);
    }

    /**
     * A published two-way table of counts with row totals, column totals and a grand total.
     *
     * @param cells cells[r][c]
     */
    public record Table(Figure[][] cells, Figure[] rowTotals, Figure[] columnTotals, Figure grandTotal) {
        /** The table as text, totals in the last row and column. */
        public String[][] grid() {
            int rows = cells.length;
            int cols = columnTotals.length;
            String[][] g = new String[rows + 1][cols + 1];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    g[r][c] = cells[r][c].text();
                }
                g[r][cols] = rowTotals[r].text();
            }
            for (int c = 0; c < cols; c++) {
                g[rows][c] = columnTotals[c].text();
            }
            g[rows][cols] = grandTotal.text();
            return g;
        }

        public int secondarySuppressions() {
            int n = 0;
            for (Figure[] row : cells) {
                for (Figure f : row) {
                    n += f.suppression() == Suppression.SECONDARY ? 1 : 0;
                }
            }
            for (Figure f : rowTotals) {
                n += f.suppression() == Suppression.SECONDARY ? 1 : 0;
            }
            for (Figure f : columnTotals) {
                n += f.suppression() == Suppression.SECONDARY ? 1 : 0;
            }
            return n + (grandTotal.suppression() == Suppression.SECONDARY ? 1 : 0);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (String[] row : grid()) {
                b.append(String.join("\t", row)).append('\n');
            }
            return b.toString();
        }
    }

    /**
     * Publishes a table with totals, then applies secondary suppression: the table with its margins has one
     * additive line per row (cells + row total), per column (cells + column total), for the column totals
     * (+ grand total) and for the row totals (+ grand total). A line with exactly one suppressed figure would
     * let it be recovered by subtraction, so the smallest shown non-zero cell of that line (by unrounded count;
     * ties: the first) is suppressed too; if the line has none, its smallest shown zero cell; if none, its
     * total. Repeated until no line has exactly one suppressed figure. National tables are published
     * unrounded and unsuppressed.
     */
    public Table table(long[][] counts, Level level) {
        int rows = counts.length;
        int cols = rows == 0 ? 0 : counts[0].length;
        // (rows + 1) x (cols + 1) grid, totals in the last row and column
        Figure[][] g = new Figure[rows + 1][cols + 1];
        long[] colSum = new long[cols];
        long grand = 0;
        for (int r = 0; r < rows; r++) {
            if (counts[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + counts[r].length + " cells, row 0 has " + cols);
            }
            long rowSum = 0;
            for (int c = 0; c < cols; c++) {
                g[r][c] = count(counts[r][c], level);
                rowSum = Math.addExact(rowSum, counts[r][c]);
                colSum[c] = Math.addExact(colSum[c], counts[r][c]);
            }
            g[r][cols] = count(rowSum, level);
            grand = Math.addExact(grand, rowSum);
        }
        for (int c = 0; c < cols; c++) {
            g[rows][c] = count(colSum[c], level);
        }
        g[rows][cols] = count(grand, level);
        if (level == Level.SUB_NATIONAL) {
            secondary(g, rows, cols);
        }
        Figure[][] cells = new Figure[rows][cols];
        Figure[] rowTotals = new Figure[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(g[r], 0, cells[r], 0, cols);
            rowTotals[r] = g[r][cols];
        }
        Figure[] colTotals = new Figure[cols];
        System.arraycopy(g[rows], 0, colTotals, 0, cols);
        return new Table(cells, rowTotals, colTotals, g[rows][cols]);
    }

    private static void secondary(Figure[][] g, int rows, int cols) {
        int width = cols + 1;
        boolean[] hidden = new boolean[(rows + 1) * width];
        long[] size = new long[hidden.length];
        for (int r = 0; r <= rows; r++) {
            for (int c = 0; c <= cols; c++) {
                hidden[r * width + c] = g[r][c].suppressed();
                size[r * width + c] = g[r][c].unrounded();
            }
        }
        boolean[] before = hidden.clone();
        protect(hidden, size, gridLines(rows, cols));
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] && !before[i]) {
                g[i / width][i % width] = g[i / width][i % width].secondary();
            }
        }
    }

    /**
     * The additive lines of a table with row totals in its last column and column totals in its last row,
     * cells numbered row by row ({@code r * (cols + 1) + c}): every row, then every column, each ending with
     * its total. For {@link #protect}.
     */
    public static List<int[]> gridLines(int rows, int cols) {
        int width = cols + 1;
        List<int[]> lines = new ArrayList<>();
        for (int r = 0; r <= rows; r++) {
            int[] line = new int[cols + 1];
            for (int c = 0; c <= cols; c++) {
                line[c] = r * width + c;
            }
            lines.add(line);
        }
        for (int c = 0; c <= cols; c++) {
            int[] line = new int[rows + 1];
            for (int r = 0; r <= rows; r++) {
                line[r] = r * width + c;
            }
            lines.add(line);
        }
        return lines;
    }

    /**
     * Secondary suppression for any additive table, of counts or of a measure such as money whose cells are
     * hidden because of the counts behind them: while some line has exactly one hidden figure (which the others
     * would give away by subtraction), the smallest shown non-zero member of that line (by {@code size}; ties:
     * the first) is hidden too; if the line has none, its smallest shown zero member; if none, its total. Lines
     * are visited in order, repeatedly, until none has exactly one hidden figure. Tables that share figures
     * (the same totals in several breakdowns) stay consistent when the figures hidden in one are passed as
     * hidden to the others and this is repeated until nothing changes.
     *
     * @param hidden which figures are hidden so far (primary suppressions, or figures hidden elsewhere); updated
     * @param size the unrounded size of each figure, which chooses the complementary suppression
     * @param lines additive lines, each the figure indices of its members followed by the index of their total
     * @return how many figures this call hid
     */
    public static int protect(boolean[] hidden, long[] size, List<int[]> lines) {
        if (hidden.length != size.length) {
            throw new IllegalArgumentException("hidden has " + hidden.length + " figures, size has " + size.length);
        }
        int added = 0;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int[] line : lines) {
                if (fixLine(hidden, size, line)) {
                    added++;
                    changed = true;
                }
            }
        }
        return added;
    }

    /** Returns whether a figure of the line was hidden. */
    private static boolean fixLine(boolean[] hidden, long[] size, int[] line) {
        int count = 0;
        for (int p : line) {
            count += hidden[p] ? 1 : 0;
        }
        if (count != 1) {
            return false;
        }
        int pick = -1;
        // smallest shown member by size, non-zero members before zeros
        for (boolean zeros : new boolean[] {false, true}) {
            for (int j = 0; j < line.length - 1 && !(pick >= 0 && zeros); j++) {
                int p = line[j];
                if (!hidden[p] && (size[p] == 0) == zeros && (pick < 0 || size[p] < size[pick])) {
                    pick = p;
                }
            }
        }
        if (pick < 0) {
            pick = line[line.length - 1];
        }
        hidden[pick] = true;
        return true;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SmallNumbers[1..%d suppressed, rounded to %d]", threshold, base);
    }
}
