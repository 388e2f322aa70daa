package uk.nhs.phb.jobs.report;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.nhs.phb.jobs.pages.Charts;
import uk.nhs.phb.jobs.pages.Pages;
import uk.nhs.phb.pipelines.report.BeforeAfterPublication;
import uk.nhs.phb.pipelines.report.PhbReturn;
import uk.nhs.phb.pipelines.report.Published;
import uk.nhs.phb.pipelines.report.ReportTable;
import uk.nhs.phb.pipelines.report.SpendPublication;
import uk.nhs.phb.pipelines.report.SystemSpend;
import uk.nhs.phb.schemas.ReportReference;

/**
 * The report as one self-contained HTML page: the pages' one stylesheet inlined and inline SVG charts (no scripts,
 * nothing fetched), headings for each section, a text alternative for every chart and the chart's data as a table
 * after it.
 * Charts are drawn from the published tables, so they show exactly what the CSV files hold.
 */
final class HtmlReport {
    private static final String TEMPLATE = Pages.FOLDER + "report.html.peb";
    private static final String READING = Pages.FOLDER + "report_reading.peb";

    private HtmlReport() {
    }

    /** What the page shows: its sections in order ({@code report.html.peb}). */
    record Page(String title, String heading, String subtitle, List<Section> sections) {
    }

    /** A section: its anchor, its heading, and its blocks in order. */
    record Section(String id, String heading, List<Block> blocks) {
    }

    /**
     * One piece of a section, by {@code kind}: {@code heading} and {@code text} and {@code note} (their words in
     * {@code text}), {@code cards}, {@code figure} (a chart by {@link Charts} and its caption in {@code text}),
     * {@code table} or {@code reading} (the before/after in words).
     */
    record Block(String kind, String text, List<Card> cards, String svg, Shown table, Reading reading) {
        static Block of(String kind, String text) {
            return new Block(kind, text, List.of(), null, null, null);
        }

        static Block figure(String svg, String caption) {
            return new Block("figure", caption, List.of(), svg, null, null);
        }
    }

    /** A headline figure and what it counts. */
    record Card(String value, String label) {
    }

    /** A table as shown: its caption, the CSV file it copies (or null), its columns in words, and its cells. */
    record Shown(String caption, String file, List<Column> columns, List<List<Cell>> rows) {
    }

    /** A column: its name in the CSV file and in words. */
    record Column(String name, String words) {
    }

    /** A cell in words; {@code at}, where a rearranged figure stands in a CSV file ({@code table|key|column}), or null. */
    record Cell(String text, boolean numeric, String at) {
    }

    /** The before/after in words: the balance sentence (or null), whether matching failed, and each estimate read against zero. */
    record Reading(String balance, boolean failed, List<String> estimates) {
    }

    static String render(ReportJob.Request req, ReportJob.Tables t, String runId) {
        Map<String, ReportTable> byName = new LinkedHashMap<>();
        for (ReportTable table : t.tables()) {
            byName.put(table.name(), table);
        }
        String scope = req.org() == null ? "the whole lake" : "organisation " + req.org();
        DateTimeFormatter day = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
        List<Section> sections = List.of(
                new Section("rule", "How to read the figures", List.of(Block.of("note", Published.ruleText()
                        + " Every figure in this report is below national level. A * means the figure is hidden."))),
                new Section("return", "1. PHB quarterly return", returnSection(byName.get("phb_return"), t.headline())),
                new Section("progress", "2. Markers of progress", progressSection(byName)),
                new Section("spend", "3. Spend across the system", spendSection(byName)),
                new Section("before-after", "4. Before and after a PHB", beforeAfterSection(byName, t.headline())));
        Page page = new Page("Personal health budgets: quarterly report " + req.quarter(), "Personal health budgets: quarterly report, "
                + req.quarter(), req.quarter().start().format(day) + " to " + req.quarter().end().format(day) + "; " + scope + "; run " + runId,
                sections);
        return Pages.render(TEMPLATE, Map.of("page", page));
    }

    private static List<Block> returnSection(ReportTable ret, Map<String, Object> headline) {
        List<Block> out = new ArrayList<>();
        out.add(Block.of("text", ret.description()));
        out.add(new Block("cards", null, List.of(
                card("Received a PHB in the year to date", headline.get("return_" + PhbReturn.RECEIVED), ""),
                card("PHB in place at the quarter end", headline.get("return_" + PhbReturn.ACTIVE), ""),
                card("New PHBs in the quarter", headline.get("return_" + PhbReturn.NEW), ""),
                card("Annual value of PHBs in place", headline.get("return_" + PhbReturn.VALUE), "£")), null, null, null));
        // totals per organisation, then each breakdown for the first organisation listed (the ICB)
        List<String> orgs = new ArrayList<>();
        for (List<String> r : ret.where("breakdown", "total", "measure", PhbReturn.RECEIVED)) {
            orgs.add(ret.value(r, "org_level") + " " + ret.value(r, "org_code"));
        }
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> cells = new ArrayList<>();
        for (String o : orgs) {
            String[] p = o.split(" ");
            List<String> row = new ArrayList<>(List.of(p[0], p[1]));
            List<String> keys = new ArrayList<>(Arrays.asList(null, null));
            for (String m : List.of(PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE)) {
                List<List<String>> v = ret.where("org_level", p[0], "org_code", p[1], "measure", m, "breakdown", "total");
                row.add(v.isEmpty() ? "" : ret.value(v.get(0), "value"));
                keys.add(v.isEmpty() ? null : returnCell(ret, v.get(0)));
            }
            rows.add(row);
            cells.add(keys);
        }
        out.add(table("Totals by organisation", List.of("org_level", "org_code", PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW,
                PhbReturn.VALUE), rows, null, cells));
        if (!orgs.isEmpty()) {
            String[] first = orgs.get(0).split(" ");
            for (String b : PhbReturn.BREAKDOWNS) {
                List<List<String>> br = new ArrayList<>();
                List<List<String>> brCells = new ArrayList<>();
                List<String> cats = new ArrayList<>();
                for (List<String> r : ret.where("org_level", first[0], "org_code", first[1], "measure", PhbReturn.RECEIVED, "breakdown", b)) {
                    cats.add(ret.value(r, "category"));
                }
                for (String c : cats) {
                    List<String> row = new ArrayList<>(List.of(c));
                    List<String> keys = new ArrayList<>(Arrays.asList((String) null));
                    for (String m : List.of(PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE)) {
                        List<List<String>> v = ret.where("org_level", first[0], "org_code", first[1], "measure", m, "breakdown", b, "category", c);
                        row.add(v.isEmpty() ? "" : ret.value(v.get(0), "value"));
                        keys.add(v.isEmpty() ? null : returnCell(ret, v.get(0)));
                    }
                    br.add(row);
                    brCells.add(keys);
                }
                out.add(table(first[1] + " by " + CODE_WORDS.getOrDefault(b, b).toLowerCase(Locale.UK), List.of("category", PhbReturn.RECEIVED,
                        PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE), br, null, brCells));
            }
        }
        out.add(Block.of("text", "The full return, every Sub-ICB Location and category, is in phb_return.csv."));
        return out;
    }

    /**
     * Where a figure of a rearranged table stands in the CSV files: {@code table|key values joined by /|column}, so a
     * reader of the page (the disclosure attack among them) can tell which published figure each cell repeats.
     */
    private static String returnCell(ReportTable ret, List<String> row) {
        List<String> key = new ArrayList<>();
        for (String c : List.of("quarter", "org_level", "org_code", "icb_code", "measure", "breakdown", "category")) {
            key.add(ret.value(row, c));
        }
        return ret.name() + "|" + String.join("/", key) + "|value";
    }

    private static Card card(String label, Object value, String prefix) {
        return new Card(value == null ? "*" : prefix + String.format(Locale.UK, "%,d", ((Number) value).longValue()), label);
    }

    private static List<Block> progressSection(Map<String, ReportTable> t) {
        List<Block> out = new ArrayList<>();
        tableOf(out, t.get("markers_of_progress"), null);
        ReportTable trend = t.get("uptake_trend");
        List<String> qs = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        for (List<String> r : trend.rows()) {
            qs.add(trend.value(r, "quarter"));
            measured.add(num(trend.value(r, "received_ytd_per_100k")));
            target.add(num(trend.value(r, "trajectory_per_100k")));
        }
        tableOf(out, trend, Block.figure(Charts.lines("chart-uptake", "People receiving a PHB in the year to date per 100,000 registered, against the "
                + "trajectory", "People per 100,000 registered", qs, measured, "received per 100,000", target, "trajectory"), "Uptake per 100,000 registered (solid line, circles) "
                + "and the trajectory (dashed line, squares), by quarter; the table below holds the figures."));
        ReportTable spread = t.get("spread");
        List<Charts.Bar> bars = new ArrayList<>();
        for (List<String> r : spread.where("breakdown", "management_option")) {
            if (!spread.value(r, "category").equals("ALL")) {
                String v = spread.value(r, "share_pct");
                bars.add(new Charts.Bar(spread.value(r, "label"), num(v), v));
            }
        }
        tableOf(out, spread, Block.figure(Charts.bars("chart-options", "Share of PHBs in place by management option", bars, "%", Charts.BLUE),
                "Management options of the budgets in place at the quarter end (share of the published total)."));
        tableOf(out, t.get("offers"), null);
        ReportTable reasons = t.get("decline_reasons");
        List<Charts.Bar> rb = new ArrayList<>();
        for (List<String> r : reasons.rows()) {
            if (!reasons.value(r, "reason").equals("ALL")) {
                String v = reasons.value(r, "declined_offers");
                rb.add(new Charts.Bar(reasons.value(r, "label"), num(v), v));
            }
        }
        tableOf(out, reasons, Block.figure(Charts.bars("chart-declines", "Declined offers by reason", rb, "", Charts.GREEN),
                "Offers declined in the year to date by the reason given."));
        return out;
    }

    private static List<Block> spendSection(Map<String, ReportTable> t) {
        List<Block> out = new ArrayList<>();
        ReportTable tiers = t.get("spend_by_risk_tier");
        if (tiers == null) {
            out.add(Block.of("heading", "The risk pyramid"));
            out.add(Block.of("note", "Risk tiers: not available: run phb score (gold/risk_scores has no scores for the quarter end)."));
        } else {
            List<Charts.Bar> p = new ArrayList<>();
            for (String tier : SystemSpend.TIERS) {
                List<List<String>> r = tiers.where("risk_tier", tier);
                if (!r.isEmpty()) {
                    String people = tiers.value(r.get(0), "people");
                    String share = tiers.value(r.get(0), "share_of_spend_pct");
                    p.add(new Charts.Bar(tier.replace('_', ' ') + " risk", num(people), shown("people", people) + " people, " + share + "% of spend"));
                }
            }
            tableOf(out, tiers, Block.figure(Charts.pyramid("chart-pyramid", "Risk pyramid: people and share of spend by risk tier", p, ""),
                    "People in each risk tier (bar width grows with the square root of the number of people so the smallest tier stays visible) "
                            + "and their share of 12-month spend."));
        }
        ReportTable cohorts = t.get("spend_by_cohort");
        List<List<String>> pop = cohorts.where("cohort", "population");
        Block sectorChart = null;
        if (!pop.isEmpty()) {
            List<Charts.Bar> bars = new ArrayList<>();
            for (Map.Entry<String, String> s : SpendPublication.SECTOR_LABELS.entrySet()) {
                String v = cohorts.value(pop.get(0), "spend_" + s.getKey());
                bars.add(new Charts.Bar(s.getValue(), num(v), v.equals(Published.HIDDEN) ? v : "£" + String.format(Locale.UK, "%,d", Long.parseLong(v))));
            }
            sectorChart = Block.figure(Charts.bars("chart-sectors", "Spend in the last 12 months by sector, whole population", bars, "", Charts.BLUE),
                    "Spend across health, social care and education for everyone registered at the quarter end (the population row of the table).");
        }
        tableOf(out, cohorts, sectorChart);
        tableOf(out, t.get("spend_by_service"), null);
        return out;
    }

    private static List<Block> beforeAfterSection(Map<String, ReportTable> t, Map<String, Object> headline) {
        List<Block> out = new ArrayList<>();
        ReportTable ba = t.get("before_after");
        if (ba.columns().equals(List.of("status"))) {
            out.add(Block.of("note", ba.rows().get(0).get(0)));
            return out;
        }
        List<Charts.Interval> rows = new ArrayList<>();
        boolean truth = ba.columns().contains("true_effect");
        for (List<String> r : ba.rows()) {
            Double e = num(ba.value(r, "did_estimate"));
            Double lo = num(ba.value(r, "did_ci_low"));
            Double hi = num(ba.value(r, "did_ci_high"));
            if (e != null && lo != null && hi != null) {
                rows.add(new Charts.Interval(BeforeAfterPublication.LABELS.getOrDefault(ba.value(r, "outcome"), ba.value(r, "outcome")), e, lo, hi,
                        truth ? num(ba.value(r, "true_effect")) : null));
            }
        }
        out.add(new Block("reading", null, List.of(), null, null, readingOf(ba, headline)));
        Block forest = rows.isEmpty() ? null : Block.figure(Charts.forest("chart-did", "Change in cost per person in the 12 months from the budget's "
                + "start, against the matched comparison group (difference in differences, £)", rows, "Change in cost per person a year "
                + "(£): below £0 a saving, above £0 a rise"), "Estimated effect of a PHB on "
                + "cost per person by sector, with bootstrap 95% intervals" + (truth ? " and the synthetic generator's true effect (diamond)." : "."));
        tableOf(out, ba, forest);
        ReportTable bal = t.get("balance");
        List<String> labels = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        for (List<String> r : bal.rows()) {
            labels.add(bal.value(r, "covariate"));
            before.add(abs(num(bal.value(r, "smd_before"))));
            after.add(abs(num(bal.value(r, "smd_after"))));
        }
        out.add(Block.of("heading", bal.title()));
        out.add(Block.of("text", bal.description()));
        out.add(Block.of("text", "Largest |SMD| before matching " + headline.get("max_abs_smd_before") + ", after matching "
                + headline.get("max_abs_smd_after") + "."));
        out.add(Block.figure(Charts.dots("chart-balance", "Absolute standardised mean differences of the covariates before and after matching",
                labels, before, after, 0.1, "Absolute standardised mean difference (0: the groups are alike)"), "Covariate balance: after "
                + "matching every filled dot should sit left of the 0.1 line."));
        out.add(table(bal.title() + " (" + bal.name() + ".csv)", bal.columns(), bal.rows(), bal.name(), null));
        tableOf(out, t.get("before_after_design"), null);
        return out;
    }

    private static final double BALANCED_SMD = BeforeAfterPublication.BALANCED_SMD;

    /**
     * The before/after comparison read out in words before its figures, as a page on its own ({@code report_reading.peb}:
     * the report's section 4 includes the same): whether matching balanced the groups (and, when it did not, that the
     * estimates should not be used), what a 95% interval means, and each outcome's estimate read against zero.
     */
    static String reading(ReportTable ba, Map<String, Object> headline) {
        return Pages.render(READING, Map.of("reading", readingOf(ba, headline)));
    }

    private static Reading readingOf(ReportTable ba, Map<String, Object> headline) {
        Object smd = headline.get("max_abs_smd_after");
        boolean failed = smd instanceof Number n && n.doubleValue() > BALANCED_SMD;
        String balance = null;
        if (failed) {
            balance = String.format(Locale.UK, "After matching, the comparison group still differs from the people with a PHB by more than "
                    + "the usual mark (the largest standardised difference is %.2f, above %.1f; see the balance table below). Differences in who "
                    + "received a budget may explain the figures, so they do not measure the effect of a PHB.", ((Number) smd).doubleValue(),
                    BALANCED_SMD);
        } else if (smd instanceof Number n) {
            balance = String.format(Locale.UK, "Matching balanced the groups: after matching, every standardised difference that can be "
                    + "shown is at most %.1f (the largest is %.2f).", BALANCED_SMD, n.doubleValue());
        }
        List<String> read = new ArrayList<>();
        for (List<String> row : ba.rows()) {
            Double e = num(ba.value(row, "did_estimate"));
            Double lo = num(ba.value(row, "did_ci_low"));
            Double hi = num(ba.value(row, "did_ci_high"));
            if (e == null || lo == null || hi == null) {
                continue;
            }
            String what = BeforeAfterPublication.LABELS.getOrDefault(ba.value(row, "outcome"), ba.value(row, "outcome"));
            String verdict = hi < 0 ? "the whole interval is below zero: a saving is likely"
                    : lo > 0 ? "the whole interval is above zero: a rise in cost is likely"
                    : "the interval includes zero: the data cannot tell a saving from a rise";
            read.add(String.format(Locale.UK, "%s: %s %s a person a year than the comparison group, 95%% interval %s to %s; %s.", what,
                    pounds(Math.abs(e)), e < 0 ? "less" : "more", signedPounds(lo), signedPounds(hi), verdict));
        }
        return new Reading(balance, failed, read);
    }

    private static String pounds(double v) {
        return "£" + String.format(Locale.UK, "%,d", Math.round(v));
    }

    private static String signedPounds(double v) {
        return (v < 0 ? "-" : "") + pounds(Math.abs(v));
    }

    private static Double abs(Double v) {
        return v == null ? null : Math.abs(v);
    }

    static Double num(String s) {
        if (s == null || s.isEmpty() || s.equals(Published.HIDDEN) || s.equals("-")) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A table's heading and description, its chart (a figure) if any, then the table itself. */
    private static void tableOf(List<Block> out, ReportTable t, Block chart) {
        if (t == null) {
            return;
        }
        out.add(Block.of("heading", t.title()));
        out.add(Block.of("text", t.description()));
        if (chart != null) {
            out.add(chart);
        }
        out.add(table(t.title() + " (" + t.name() + ".csv)", t.columns(), t.rows(), t.name(), null));
    }

    /**
     * A table; {@code columns} are the CSV column names, shown in words from the data dictionary
     * ({@code report_words.csv}) with the name kept in {@code data-column}; each cell is shown as its column's kind
     * says (pounds, thousands separators, a code in words). {@code file} (the CSV file it copies, or null) and
     * {@code cells} (per cell, where it stands in a CSV file, or null) go into data attributes.
     */
    private static Block table(String caption, List<String> columns, List<List<String>> rows, String file, List<List<String>> cells) {
        List<Column> shownColumns = new ArrayList<>();
        for (String c : columns) {
            ReportReference.Word w = WORDS.get(c);
            shownColumns.add(new Column(c, w == null ? c : w.words()));
        }
        List<List<Cell>> shownRows = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            List<String> r = rows.get(k);
            List<Cell> row = new ArrayList<>();
            for (int i = 0; i < r.size(); i++) {
                String v = r.get(i);
                boolean numeric = num(v) != null || Published.HIDDEN.equals(v);
                row.add(new Cell(shown(i < columns.size() ? columns.get(i) : null, v), numeric, cells == null ? null : cells.get(k).get(i)));
            }
            shownRows.add(row);
        }
        return new Block("table", null, List.of(), null, new Shown(caption, file, shownColumns, shownRows), null);
    }

    /** The report's data dictionary. */
    private static final Map<String, ReportReference.Word> WORDS = ReportReference.words();

    /** Codes in words: the return's own categories first, then the dictionary. */
    private static final Map<String, String> CODE_WORDS = codeWords();

    private static Map<String, String> codeWords() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ReportReference.Category c : ReportReference.eligibilityGroups()) {
            out.put(c.code(), c.label());
        }
        for (ReportReference.Category c : ReportReference.managementOptions()) {
            out.put(c.code(), c.label());
        }
        for (ReportReference.AgeGroup a : ReportReference.ageGroups()) {
            out.put(a.code(), a.label());
        }
        WORDS.values().forEach(w -> out.putIfAbsent(w.name(), w.words()));
        return out;
    }

    /** A published value as the page shows it: pounds with £, figures with thousands separators, codes in words; "*" as is. */
    static String shown(String column, String v) {
        ReportReference.Word w = column == null ? null : WORDS.get(column);
        if (w == null || v == null || v.isEmpty() || v.equals(Published.HIDDEN)) {
            return v;
        }
        return switch (w.kind()) {
            case COUNT, NUMBER -> grouped(v, "");
            case MONEY -> grouped(v, "£");
            case CODE -> CODE_WORDS.getOrDefault(v, v);
            default -> v;
        };
    }

    /** {@code 2958366.5} as {@code 2,958,366.5} (the decimals as published), with a prefix after any minus sign. */
    private static String grouped(String v, String prefix) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-?)([0-9]+)(\\.[0-9]+)?").matcher(v);
        if (!m.matches()) {
            return v;
        }
        return m.group(1) + prefix + String.format(Locale.UK, "%,d", new java.math.BigInteger(m.group(2))) + (m.group(3) == null ? "" : m.group(3));
    }
}
