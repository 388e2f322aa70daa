package uk.nhs.phb.jobs.report;

import static uk.nhs.phb.jobs.pages.Charts.esc;

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
    private HtmlReport() {
    }

    static String render(ReportJob.Request req, ReportJob.Tables t, String runId) {
        Map<String, ReportTable> byName = new LinkedHashMap<>();
        for (ReportTable table : t.tables()) {
            byName.put(table.name(), table);
        }
        String scope = req.org() == null ? "the whole lake" : "organisation " + req.org();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc("Personal health budgets: quarterly report " + req.quarter())).append("</title><style>").append(Pages.stylesheet())
                .append("</style></head><body>\n<header><h1>Personal health budgets: quarterly report, ").append(esc(req.quarter().toString()))
                .append("</h1><p>").append(esc(req.quarter().start().format(DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK)) + " to "
                        + req.quarter().end().format(DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK)) + "; " + scope + "; run " + runId))
                .append("</p><nav aria-label=\"Contents\"><ul><li><a href=\"#rule\">How to read the figures</a></li><li><a href=\"#return\">1. PHB "
                        + "quarterly return</a></li><li><a href=\"#progress\">2. Markers of progress</a></li><li><a href=\"#spend\">3. Spend across the "
                        + "system</a></li><li><a href=\"#before-after\">4. Before and after a PHB</a></li></ul></nav></header>\n<main>\n");
        h.append("<section id=\"rule\" aria-labelledby=\"rule-h\"><h2 id=\"rule-h\">How to read the figures</h2><p class=\"note\">")
                .append(esc(Published.ruleText())).append(" Every figure in this report is below national level. A * means the figure is hidden.")
                .append("</p></section>\n");
        returnSection(h, byName.get("phb_return"), t.headline());
        progressSection(h, byName);
        spendSection(h, byName);
        beforeAfterSection(h, byName, t.headline());
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static void returnSection(StringBuilder h, ReportTable ret, Map<String, Object> headline) {
        h.append("<section id=\"return\" aria-labelledby=\"return-h\"><h2 id=\"return-h\">1. PHB quarterly return</h2><p>")
                .append(esc(ret.description())).append("</p><div class=\"cards\">");
        card(h, "Received a PHB in the year to date", headline.get("return_" + PhbReturn.RECEIVED));
        card(h, "PHB in place at the quarter end", headline.get("return_" + PhbReturn.ACTIVE));
        card(h, "New PHBs in the quarter", headline.get("return_" + PhbReturn.NEW));
        card(h, "Annual value of PHBs in place", headline.get("return_" + PhbReturn.VALUE), "£");
        h.append("</div>");
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
        table(h, "Totals by organisation", List.of("org_level", "org_code", PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW,
                PhbReturn.VALUE), rows, null, cells);
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
                table(h, first[1] + " by " + CODE_WORDS.getOrDefault(b, b).toLowerCase(Locale.UK), List.of("category", PhbReturn.RECEIVED,
                        PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE), br, null, brCells);
            }
        }
        h.append("<p>The full return, every Sub-ICB Location and category, is in phb_return.csv.</p></section>\n");
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

    private static void card(StringBuilder h, String label, Object value) {
        card(h, label, value, "");
    }

    private static void card(StringBuilder h, String label, Object value, String prefix) {
        h.append("<div class=\"card\"><div class=\"v\">").append(value == null ? "*"
                        : esc(prefix + String.format(Locale.UK, "%,d", ((Number) value).longValue())))
                .append("</div><div>").append(esc(label)).append("</div></div>");
    }

    private static void progressSection(StringBuilder h, Map<String, ReportTable> t) {
        h.append("<section id=\"progress\" aria-labelledby=\"progress-h\"><h2 id=\"progress-h\">2. Markers of progress</h2>");
        tableOf(h, t.get("markers_of_progress"));
        ReportTable trend = t.get("uptake_trend");
        List<String> qs = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        for (List<String> r : trend.rows()) {
            qs.add(trend.value(r, "quarter"));
            measured.add(num(trend.value(r, "received_ytd_per_100k")));
            target.add(num(trend.value(r, "trajectory_per_100k")));
        }
        tableOf(h, trend, Charts.figure(Charts.lines("chart-uptake", "People receiving a PHB in the year to date per 100,000 registered, against the "
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
        tableOf(h, spread, Charts.figure(Charts.bars("chart-options", "Share of PHBs in place by management option", bars, "%", Charts.BLUE),
                "Management options of the budgets in place at the quarter end (share of the published total)."));
        tableOf(h, t.get("offers"));
        ReportTable reasons = t.get("decline_reasons");
        List<Charts.Bar> rb = new ArrayList<>();
        for (List<String> r : reasons.rows()) {
            if (!reasons.value(r, "reason").equals("ALL")) {
                String v = reasons.value(r, "declined_offers");
                rb.add(new Charts.Bar(reasons.value(r, "label"), num(v), v));
            }
        }
        tableOf(h, reasons, Charts.figure(Charts.bars("chart-declines", "Declined offers by reason", rb, "", Charts.GREEN),
                "Offers declined in the year to date by the reason given."));
        h.append("</section>\n");
    }

    private static void spendSection(StringBuilder h, Map<String, ReportTable> t) {
        h.append("<section id=\"spend\" aria-labelledby=\"spend-h\"><h2 id=\"spend-h\">3. Spend across the system</h2>");
        ReportTable tiers = t.get("spend_by_risk_tier");
        if (tiers == null) {
            h.append("<h3>The risk pyramid</h3><p class=\"note\">Risk tiers: not available: run phb score (gold/risk_scores has no scores "
                    + "for the quarter end).</p>");
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
            tableOf(h, tiers, Charts.figure(Charts.pyramid("chart-pyramid", "Risk pyramid: people and share of spend by risk tier", p, ""),
                    "People in each risk tier (bar width grows with the square root of the number of people so the smallest tier stays visible) "
                            + "and their share of 12-month spend."));
        }
        ReportTable cohorts = t.get("spend_by_cohort");
        List<List<String>> pop = cohorts.where("cohort", "population");
        String sectorChart = null;
        if (!pop.isEmpty()) {
            List<Charts.Bar> bars = new ArrayList<>();
            for (Map.Entry<String, String> s : SpendPublication.SECTOR_LABELS.entrySet()) {
                String v = cohorts.value(pop.get(0), "spend_" + s.getKey());
                bars.add(new Charts.Bar(s.getValue(), num(v), v.equals(Published.HIDDEN) ? v : "£" + String.format(Locale.UK, "%,d", Long.parseLong(v))));
            }
            sectorChart = Charts.figure(Charts.bars("chart-sectors", "Spend in the last 12 months by sector, whole population", bars, "", Charts.BLUE),
                    "Spend across health, social care and education for everyone registered at the quarter end (the population row of the table).");
        }
        tableOf(h, cohorts, sectorChart);
        tableOf(h, t.get("spend_by_service"));
        h.append("</section>\n");
    }

    private static void beforeAfterSection(StringBuilder h, Map<String, ReportTable> t, Map<String, Object> headline) {
        h.append("<section id=\"before-after\" aria-labelledby=\"ba-h\"><h2 id=\"ba-h\">4. Before and after a PHB</h2>");
        ReportTable ba = t.get("before_after");
        if (ba.columns().equals(List.of("status"))) {
            h.append("<p class=\"note\">").append(esc(ba.rows().get(0).get(0))).append("</p></section>\n");
            return;
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
        h.append(reading(ba, headline));
        String forest = rows.isEmpty() ? null : Charts.figure(Charts.forest("chart-did", "Change in cost per person in the 12 months from the budget's "
                + "start, against the matched comparison group (difference in differences, £)", rows, "Change in cost per person a year "
                + "(£): below £0 a saving, above £0 a rise"), "Estimated effect of a PHB on "
                + "cost per person by sector, with bootstrap 95% intervals" + (truth ? " and the synthetic generator's true effect (diamond)." : "."));
        tableOf(h, ba, forest);
        ReportTable bal = t.get("balance");
        List<String> labels = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        for (List<String> r : bal.rows()) {
            labels.add(bal.value(r, "covariate"));
            before.add(abs(num(bal.value(r, "smd_before"))));
            after.add(abs(num(bal.value(r, "smd_after"))));
        }
        tableOf(h, bal, "<p>Largest |SMD| before matching " + esc(String.valueOf(headline.get("max_abs_smd_before"))) + ", after matching "
                + esc(String.valueOf(headline.get("max_abs_smd_after"))) + ".</p>" + Charts.figure(Charts.dots("chart-balance", "Absolute standardised "
                + "mean differences of the covariates before and after matching", labels, before, after, 0.1, "Absolute standardised mean difference (0: the groups are alike)"), "Covariate balance: after "
                + "matching every filled dot should sit left of the 0.1 line."));
        tableOf(h, t.get("before_after_design"));
        h.append("</section>\n");
    }

    private static final double BALANCED_SMD = BeforeAfterPublication.BALANCED_SMD;

    /**
     * The before/after comparison read out in words before its figures: whether matching balanced the groups (and, when
     * it did not, that the estimates should not be used), what a 95% interval means, and each outcome's estimate read
     * against zero.
     */
    static String reading(ReportTable ba, Map<String, Object> headline) {
        StringBuilder r = new StringBuilder("<div class=\"reading\">");
        Object smd = headline.get("max_abs_smd_after");
        boolean failed = smd instanceof Number n && n.doubleValue() > BALANCED_SMD;
        if (failed) {
            r.append("<div class=\"note warning\"><h3>Matching did not balance the groups: do not use these estimates</h3><p>")
                    .append(esc(String.format(Locale.UK, "After matching, the comparison group still differs from the people with a PHB "
                            + "by more than the usual mark (the largest standardised difference is %.2f, above %.1f; see the balance table "
                            + "below). Differences in who received a budget may explain the figures, so they do not measure the effect of "
                            + "a PHB.", ((Number) smd).doubleValue(), BALANCED_SMD))).append("</p></div>");
        } else if (smd instanceof Number n) {
            r.append("<p>").append(esc(String.format(Locale.UK, "Matching balanced the groups: after matching, every standardised "
                    + "difference that can be shown is at most %.1f (the largest is %.2f).", BALANCED_SMD, n.doubleValue()))).append("</p>");
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
        if (read.isEmpty()) {
            r.append("<p class=\"note\">No estimate can be shown: too few people with a PHB could be matched to a comparison person ")
                    .append("(none, or fewer than 8 pairs), so the before/after cannot be read this quarter.</p>");
        } else {
            r.append("<p>How to read the estimates: each is the change in cost per person with a PHB, set against the change for the ")
                    .append("matched comparison group. A 95% interval is the range the true change is likely to lie in: if the comparison ")
                    .append("were repeated on many populations like this one, about 95 in 100 such intervals would contain it.")
                    .append(failed ? " Read with the warning above." : "").append("</p><ul>");
            read.forEach(x -> r.append("<li>").append(esc(x)).append("</li>"));
            r.append("</ul>");
        }
        return r.append("</div>").toString();
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

    private static void tableOf(StringBuilder h, ReportTable t) {
        tableOf(h, t, null);
    }

    /** A table's heading and description, its chart (already a figure) if any, then the table itself. */
    private static void tableOf(StringBuilder h, ReportTable t, String chart) {
        if (t == null) {
            return;
        }
        h.append("<h3>").append(esc(t.title())).append("</h3><p>").append(esc(t.description())).append("</p>");
        if (chart != null) {
            h.append(chart);
        }
        table(h, t.title() + " (" + t.name() + ".csv)", t.columns(), t.rows(), t.name(), null);
    }

    /**
     * A table; {@code columns} are the CSV column names, shown in words from the data dictionary
     * ({@code report_words.csv}) with the name kept in {@code data-column}; each cell is shown as its column's kind
     * says (pounds, thousands separators, a code in words). {@code name} (the CSV file it copies, or null) and
     * {@code cells} (per cell, where it stands in a CSV file, or null) go into data attributes.
     */
    private static void table(StringBuilder h, String caption, List<String> columns, List<List<String>> rows, String name,
                              List<List<String>> cells) {
        // a table wider than the window scrolls in its own region, which a keyboard user can focus and scroll
        h.append("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"").append(esc(caption)).append("\"><table")
                .append(name == null ? "" : " data-table=\"" + esc(name) + "\"").append("><caption>")
                .append(esc(caption)).append("</caption><thead><tr>");
        for (String c : columns) {
            ReportReference.Word w = WORDS.get(c);
            h.append("<th scope=\"col\" data-column=\"").append(esc(c)).append("\">").append(esc(w == null ? c : w.words())).append("</th>");
        }
        h.append("</tr></thead><tbody>");
        for (int k = 0; k < rows.size(); k++) {
            List<String> r = rows.get(k);
            h.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                String v = r.get(i);
                boolean numeric = num(v) != null || v.equals(Published.HIDDEN);
                String cell = cells == null ? null : cells.get(k).get(i);
                String at = cell == null ? "" : " data-cell=\"" + esc(cell) + "\"";
                String shown = shown(i < columns.size() ? columns.get(i) : null, v);
                if (i == 0) {
                    h.append("<th scope=\"row\"").append(at).append(">").append(esc(shown)).append("</th>");
                } else {
                    h.append(numeric ? "<td class=\"n\"" : "<td").append(at).append(">").append(esc(shown)).append("</td>");
                }
            }
            h.append("</tr>");
        }
        h.append("</tbody></table></div>\n");
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
