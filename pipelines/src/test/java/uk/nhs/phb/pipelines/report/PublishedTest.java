package uk.nhs.phb.pipelines.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.schemas.Quarter;

class PublishedTest {

    @Test
    void linkedTablesProtectEveryLineAndAgreeOnTheirSharedTotals() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + r.nextInt(4);
            List<long[][]> tables = new ArrayList<>();
            long[] rowTotals = new long[rows];
            for (int i = 0; i < rows; i++) {
                rowTotals[i] = r.nextInt(4) == 0 ? r.nextInt(9) : r.nextInt(60);
            }
            for (int t = 0; t < 3; t++) {
                int cols = 1 + r.nextInt(4);
                long[][] cells = new long[rows][cols];
                for (int i = 0; i < rows; i++) {
                    long left = rowTotals[i];
                    for (int c = 0; c < cols - 1; c++) {
                        long v = left == 0 ? 0 : r.nextInt((int) left + 1);
                        cells[i][c] = v;
                        left -= v;
                    }
                    cells[i][cols - 1] = left;
                }
                tables.add(cells);
            }
            boolean[][][] masks = Published.linked(tables);
            for (int t = 0; t < 3; t++) {
                long[][] g = Published.withTotals(tables.get(t));
                int cols = tables.get(t)[0].length;
                for (int i = 0; i <= rows; i++) {
                    for (int c = 0; c <= cols; c++) {
                        if (g[i][c] >= 1 && g[i][c] <= 7) {
                            assertThat(masks[t][i][c]).as("primary").isTrue();
                        }
                    }
                    // the shared totals are hidden alike in every table
                    assertThat(masks[t][i][cols]).isEqualTo(masks[0][i][tables.get(0)[0].length]);
                }
                for (int[] line : SmallNumbers.gridLines(rows, cols)) {
                    int hidden = 0;
                    for (int p : line) {
                        hidden += masks[t][p / (cols + 1)][p % (cols + 1)] ? 1 : 0;
                    }
                    assertThat(hidden).as("a line with one hidden figure gives it away").isNotEqualTo(1);
                }
            }
        }
    }

    @Test
    void oneWayTablesHideAComplementAndRatesUsePublishedFigures() {
        boolean[] h = Published.oneWay(new long[] {3, 40, 12});
        // 3 is hidden, and the next smallest (12) so the total cannot give 3 away
        assertThat(h).containsExactly(true, false, true, false);
        assertThat(Published.oneWay(new long[] {10, 20}, true)).containsExactly(true, false, true);
        assertThat(Published.percentage("10", "40", 1)).isEqualTo("25.0");
        assertThat(Published.percentage("*", "40", 1)).isEqualTo("*");
        assertThat(Published.rate("15", "100000", 100_000, 1)).isEqualTo("15.0");
        assertThat(Published.pounds(new BigDecimal("1234.50"))).isEqualTo("1235");
        assertThat(Published.pounds(new BigDecimal("99"), true)).isEqualTo("*");
    }

    @Test
    void theReturnIsPublishedFromUnroundedCountsWithLinkedSuppression() {
        Quarter q = Quarter.parse("2025-26Q4");
        List<PhbReturn.Count> counts = new ArrayList<>();
        // ICB Q99, Sub-ICBs 01A (3 children, 40 adults) and 02B (12 children, 31 adults); one eligibility group each
        counts.add(new PhbReturn.Count("Q99", "01A", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP", 3, null));
        counts.add(new PhbReturn.Count("Q99", "01A", PhbReturn.RECEIVED, PhbReturn.AGE, "ADULTS", 40, null));
        counts.add(new PhbReturn.Count("Q99", "02B", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP", 12, null));
        counts.add(new PhbReturn.Count("Q99", "02B", PhbReturn.RECEIVED, PhbReturn.AGE, "ADULTS", 31, null));
        counts.add(new PhbReturn.Count("Q99", "01A", PhbReturn.RECEIVED, PhbReturn.GROUP, "CHC", 43, null));
        counts.add(new PhbReturn.Count("Q99", "02B", PhbReturn.RECEIVED, PhbReturn.GROUP, "CHC", 43, null));
        counts.add(new PhbReturn.Count("Q99", "01A", PhbReturn.RECEIVED, PhbReturn.OPTION, "NOTIONAL", 43, null));
        counts.add(new PhbReturn.Count("Q99", "02B", PhbReturn.RECEIVED, PhbReturn.OPTION, "NOTIONAL", 43, null));
        ReturnPublication.Result res = ReturnPublication.publish(counts, q, true);
        ReportTable t = res.table();
        assertThat(value(t, "ICB", "Q99", PhbReturn.RECEIVED, "total", "ALL")).isEqualTo("85");
        assertThat(value(t, "SUB_ICB", "01A", PhbReturn.RECEIVED, "total", "ALL")).isEqualTo("45");
        assertThat(value(t, "SUB_ICB", "01A", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP")).isEqualTo("*");
        // 40 alone next to a hidden 3 and the shown total 43 would give 3 away: hidden too
        assertThat(value(t, "SUB_ICB", "01A", PhbReturn.RECEIVED, PhbReturn.AGE, "ADULTS")).isEqualTo("*");
        // and the column lines: CYP over Sub-ICBs (3 + 12 = 15), adults (40 + 31 = 71)
        assertThat(value(t, "SUB_ICB", "02B", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP")).isEqualTo("*");
        assertThat(value(t, "SUB_ICB", "02B", PhbReturn.RECEIVED, PhbReturn.AGE, "ADULTS")).isEqualTo("*");
        assertThat(value(t, "ICB", "Q99", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP")).isEqualTo("15");
        assertThat(value(t, "ICB", "Q99", PhbReturn.RECEIVED, PhbReturn.GROUP, "CHC")).isEqualTo("85");
        assertThat(value(t, "ICB", "Q99", PhbReturn.RECEIVED, PhbReturn.GROUP, "FAST_TRACK")).isEqualTo("0");
        assertThat(res.totals().get("Q99").get(PhbReturn.RECEIVED)).isEqualTo("85");
        // every measure, breakdown and category of the template is present for every organisation
        assertThat(t.where("org_code", "01A", "measure", PhbReturn.ACTIVE)).hasSize(1 + 2 + 9 + 4);
        // a report for one Sub-ICB publishes only its rows (its ICB's rows would describe it alone)
        List<PhbReturn.Count> one = counts.stream().filter(c -> c.subIcb().equals("02B")).toList();
        ReportTable sub = ReturnPublication.publish(one, q, false).table();
        assertThat(sub.where("org_level", "ICB")).isEmpty();
        assertThat(value(sub, "SUB_ICB", "02B", PhbReturn.RECEIVED, "total", "ALL")).isEqualTo("45");
        assertThat(value(sub, "SUB_ICB", "02B", PhbReturn.RECEIVED, PhbReturn.AGE, "CYP")).isEqualTo("10");
    }

    private static String value(ReportTable t, String level, String org, String measure, String breakdown, String category) {
        List<List<String>> rows = t.where("org_level", level, "org_code", org, "measure", measure, "breakdown", breakdown, "category", category);
        assertThat(rows).hasSize(1);
        return t.value(rows.get(0), "value");
    }
}
