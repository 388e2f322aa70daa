package uk.nhs.phb.pipelines.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

/**
 * Publishes the return's counts ({@link PhbReturn#counts}) as the long table {@code phb_return}: for each ICB,
 * its own rows and then its Sub-ICB Locations' rows (code order); per measure, the total and each breakdown's
 * categories in template order. Within an ICB and measure, the three breakdowns are linked tables (Sub-ICB x
 * category with Sub-ICB totals, ICB totals per category and the ICB total), protected together
 * ({@link Published#linked}). The annual value is hidden wherever the count of active people behind it is.
 */
public final class ReturnPublication {
    public static final String[] COLUMNS = {"quarter", "org_level", "org_code", "icb_code", "measure", "breakdown", "category", "value"};

    private ReturnPublication() {
    }

    /**
     * @param table     the published table
     * @param totals    per ICB: measure -> published total (text)
     */
    public record Result(ReportTable table, Map<String, Map<String, String>> totals) {
    }

    /**
     * @param counts   the aggregates
     * @param quarter  the quarter
     * @param icbRows  false when the report covers one Sub-ICB (its ICB's rows would describe only it)
     */
    public static Result publish(List<PhbReturn.Count> counts, Quarter quarter, boolean icbRows) {
        Map<String, List<String>> categories = new LinkedHashMap<>();
        categories.put(PhbReturn.AGE, codes(ReportReference.ageGroups().stream().map(ReportReference.AgeGroup::code).toList()));
        categories.put(PhbReturn.GROUP, codes(ReportReference.eligibilityGroups().stream().map(ReportReference.Category::code).toList()));
        categories.put(PhbReturn.OPTION, codes(ReportReference.managementOptions().stream().map(ReportReference.Category::code).toList()));
        Map<String, TreeSet<String>> subsByIcb = new TreeMap<>();
        Map<String, long[]> people = new LinkedHashMap<>();
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (PhbReturn.Count c : counts) {
            subsByIcb.computeIfAbsent(c.icb(), k -> new TreeSet<>()).add(c.subIcb());
            List<String> cats = categories.get(c.breakdown());
            if (!cats.contains(c.category())) {
                cats.add(c.category());
            }
            people.put(key(c.icb(), c.subIcb(), c.measure(), c.breakdown(), c.category()), new long[] {c.people()});
            if (c.value() != null) {
                values.put(key(c.icb(), c.subIcb(), c.measure(), c.breakdown(), c.category()), c.value());
            }
        }
        ReportTable.Builder table = ReportTable.builder("phb_return", "PHB quarterly return",
                "People who received a personal health budget in the financial year to date, had one in place at the quarter end, "
                        + "or had one start in the quarter, by age group, eligibility group and management option, with the annual value "
                        + "of the budgets in place at the quarter end (£), per ICB and Sub-ICB Location. Categories follow the national "
                        + "template (reference data). Figures are published under the small-number rule.",
                COLUMNS);
        Map<String, Map<String, String>> totals = new TreeMap<>();
        String q = quarter.toString();
        for (Map.Entry<String, TreeSet<String>> icb : subsByIcb.entrySet()) {
            List<String> subs = new ArrayList<>(icb.getValue());
            int nSubs = subs.size();
            // texts[measure][breakdown] = (rows + 1) x (cols + 1) grid of published text
            Map<String, Map<String, String[][]>> people2 = new LinkedHashMap<>();
            Map<String, String[][]> value2 = new LinkedHashMap<>();
            for (String m : PhbReturn.MEASURES) {
                List<long[][]> tables = new ArrayList<>();
                for (String b : PhbReturn.BREAKDOWNS) {
                    List<String> cats = categories.get(b);
                    long[][] cells = new long[nSubs][cats.size()];
                    for (int r = 0; r < nSubs; r++) {
                        for (int c = 0; c < cats.size(); c++) {
                            long[] n = people.get(key(icb.getKey(), subs.get(r), m, b, cats.get(c)));
                            cells[r][c] = n == null ? 0 : n[0];
                        }
                    }
                    tables.add(cells);
                }
                boolean[][][] masks = Published.linked(tables);
                Map<String, String[][]> byBreakdown = new LinkedHashMap<>();
                for (int t = 0; t < PhbReturn.BREAKDOWNS.size(); t++) {
                    String b = PhbReturn.BREAKDOWNS.get(t);
                    List<String> cats = categories.get(b);
                    long[][] g = Published.withTotals(tables.get(t));
                    String[][] text = new String[nSubs + 1][cats.size() + 1];
                    String[][] money = new String[nSubs + 1][cats.size() + 1];
                    BigDecimal[][] v = new BigDecimal[nSubs + 1][cats.size() + 1];
                    for (int r = 0; r <= nSubs; r++) {
                        for (int c = 0; c <= cats.size(); c++) {
                            v[r][c] = BigDecimal.ZERO;
                        }
                    }
                    for (int r = 0; r < nSubs; r++) {
                        for (int c = 0; c < cats.size(); c++) {
                            BigDecimal x = values.get(key(icb.getKey(), subs.get(r), m, b, cats.get(c)));
                            if (x != null) {
                                v[r][c] = x;
                                v[r][cats.size()] = v[r][cats.size()].add(x);
                                v[nSubs][c] = v[nSubs][c].add(x);
                                v[nSubs][cats.size()] = v[nSubs][cats.size()].add(x);
                            }
                        }
                    }
                    for (int r = 0; r <= nSubs; r++) {
                        for (int c = 0; c <= cats.size(); c++) {
                            text[r][c] = Published.count(g[r][c], masks[t][r][c]);
                            money[r][c] = Published.pounds(v[r][c], masks[t][r][c]);
                        }
                    }
                    byBreakdown.put(b, text);
                    if (m.equals(PhbReturn.ACTIVE)) {
                        value2.put(b, money);
                    }
                }
                people2.put(m, byBreakdown);
            }
            Map<String, String> icbTotals = new LinkedHashMap<>();
            for (int r = icbRows ? -1 : 0; r < nSubs; r++) {
                boolean isIcb = r < 0;
                int row = isIcb ? nSubs : r;
                String level = isIcb ? "ICB" : "SUB_ICB";
                String org = isIcb ? icb.getKey() : subs.get(r);
                for (String m : PhbReturn.MEASURES) {
                    emit(table, q, level, org, icb.getKey(), m, people2.get(m), categories, row);
                    if (m.equals(PhbReturn.ACTIVE)) {
                        emit(table, q, level, org, icb.getKey(), PhbReturn.VALUE, value2, categories, row);
                    }
                }
            }
            for (String m : PhbReturn.MEASURES) {
                String[][] g = people2.get(m).get(PhbReturn.AGE);
                icbTotals.put(m, g[nSubs][g[nSubs].length - 1]);
            }
            String[][] vg = value2.get(PhbReturn.AGE);
            icbTotals.put(PhbReturn.VALUE, vg[nSubs][vg[nSubs].length - 1]);
            totals.put(icb.getKey(), icbTotals);
        }
        return new Result(table.build(), totals);
    }

    private static void emit(ReportTable.Builder table, String q, String level, String org, String icb, String measure,
                             Map<String, String[][]> byBreakdown, Map<String, List<String>> categories, int row) {
        String[][] any = byBreakdown.get(PhbReturn.AGE);
        table.row(q, level, org, icb, measure, "total", "ALL", any[row][any[row].length - 1]);
        for (String b : PhbReturn.BREAKDOWNS) {
            List<String> cats = categories.get(b);
            String[][] g = byBreakdown.get(b);
            for (int c = 0; c < cats.size(); c++) {
                table.row(q, level, org, icb, measure, b, cats.get(c), g[row][c]);
            }
        }
    }

    private static List<String> codes(List<String> fixed) {
        return new ArrayList<>(fixed);
    }

    private static String key(String... parts) {
        return String.join("\u0001", parts);
    }
}
