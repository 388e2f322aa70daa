package uk.nhs.phb.models.budget;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.schemas.Csv;

/**
 * A statement of resources: per cohort, who is in it (the rule), how many people, which funding streams a
 * budget can include and whether they pool, the distribution of the indicative budgets, and what the money
 * buys now. Holds the unrounded figures; {@link #csv}, {@link #servicesCsv} and {@link #html} publish them
 * through {@link SmallNumbers}: a statement is always below national level, so counts of 1 to 7 people are
 * shown as {@code *} and other counts rounded to 5, a money figure is shown only where the count of people it
 * describes is shown, and where hidden money could be recovered by subtraction from a total, more is hidden
 * ({@link SmallNumbers#parts}).
 */
public final class StatementOfResources {
    /** The indicative budgets of one group of people: count and distribution of their annual budgets. */
    public record Distribution(long people, BigDecimal q1, BigDecimal median, BigDecimal q3, BigDecimal total) {
        public static Distribution empty() {
            return new Distribution(0, null, null, null, BigDecimal.ZERO.setScale(2));
        }
    }

    /** One cohort: people eligible (any line or not), and the budgets of its lines. */
    public record CohortFigures(String cohort, long peopleEligible, Distribution budgets) {
    }

    /** What a cohort's money in one stream buys now: a service, the people using it and its annual cost. */
    public record ServiceFigures(String cohort, Stream stream, String service, long people, BigDecimal annual) {
    }

    /**
     * The statement's figures.
     *
     * @param org    the organisation it covers (ICB, Sub-ICB or local authority code), or null for the whole lake
     * @param all    every budget person (each once) and all lines
     */
    public record Figures(LocalDate asOf, String org, List<CohortFigures> cohorts, Distribution all, List<ServiceFigures> services) {
        public Figures {
            cohorts = List.copyOf(cohorts);
            services = List.copyOf(services);
        }

        public CohortFigures cohort(String code) {
            return cohorts.stream().filter(c -> c.cohort().equals(code)).findFirst().orElse(null);
        }
    }

    public static final List<String> CSV_HEADER = List.of("cohort", "name", "basis", "who", "budget", "streams", "pooled",
            "people_eligible", "people_with_budget", "q1_annual_gbp", "median_annual_gbp", "q3_annual_gbp", "total_annual_gbp");
    public static final List<String> SERVICES_HEADER = List.of("cohort", "stream", "funder", "service", "people", "annual_gbp");
    public static final String ALL = "ALL";

    private StatementOfResources() {
    }

    /** The cohorts of the statement: every cohort of the rules, in order, then any other cohort with people. */
    static List<String> order(Figures f, BudgetRules rules) {
        List<String> out = new ArrayList<>(rules.cohorts().stream().map(BudgetRules.Cohort::code).toList());
        for (CohortFigures c : f.cohorts()) {
            if (!out.contains(c.cohort())) {
                out.add(c.cohort());
            }
        }
        return out;
    }

    /** One published row per cohort, then the row for all cohorts ({@code ALL}). */
    public static List<List<String>> csv(Figures f, BudgetRules rules, SmallNumbers rule) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(CSV_HEADER);
        List<String> order = order(f, rules);
        SmallNumbers.Parts parts = moneyParts(f, order, rule);
        for (int i = 0; i < order.size(); i++) {
            String code = order.get(i);
            BudgetRules.Cohort c = rules.cohort(code);
            CohortFigures cf = f.cohort(code);
            long eligible = cf == null ? 0 : cf.peopleEligible();
            Distribution d = cf == null ? Distribution.empty() : cf.budgets();
            List<String> row = new ArrayList<>(List.of(code, c == null ? code : c.name(), c == null ? "" : c.basis(), c == null
                    ? "not in the statement: no funding streams" : c.who(), c == null ? "" : c.budget(), c == null ? "" : streams(c), c == null
                    ? "" : c.pooled() ? "Y" : "N"));
            row.add(count(rule, eligible));
            row.addAll(distribution(rule, d, parts.hidden()[i]));
            rows.add(row);
        }
        List<String> all = new ArrayList<>(List.of(ALL, "All cohorts", "", "everyone with an indicative budget (each person once)", "", "",
                ""));
        all.add("");
        List<String> whole = distribution(rule, f.all(), false);
        if (parts.totalHidden()) {
            whole.set(whole.size() - 1, "*");
        }
        all.addAll(whole);
        rows.add(all);
        return rows;
    }

    /** What the money buys now: one row per cohort, stream and service. */
    public static List<List<String>> servicesCsv(Figures f, BudgetRules rules, SmallNumbers rule) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(SERVICES_HEADER);
        List<String> order = order(f, rules);
        List<ServiceFigures> sorted = new ArrayList<>(f.services());
        sorted.sort((a, b) -> {
            int c = Integer.compare(order.indexOf(a.cohort()), order.indexOf(b.cohort()));
            c = c != 0 ? c : a.stream().compareTo(b.stream());
            return c != 0 ? c : a.service().compareTo(b.service());
        });
        boolean[] hidden = serviceMoneyHidden(sorted, rule);
        for (int i = 0; i < sorted.size(); i++) {
            ServiceFigures s = sorted.get(i);
            SmallNumbers.Figure n = rule.count(s.people(), SmallNumbers.Level.SUB_NATIONAL);
            rows.add(List.of(s.cohort(), s.stream().code(), s.stream().funder().name(), s.service(), n.text(),
                    n.suppressed() || hidden[i] ? "*" : Money.pounds(s.annual()).toPlainString()));
        }
        return rows;
    }

    private static String count(SmallNumbers rule, long n) {
        return rule.count(n, SmallNumbers.Level.SUB_NATIONAL).text();
    }

    private static List<String> distribution(SmallNumbers rule, Distribution d, boolean moneyHidden) {
        SmallNumbers.Figure n = rule.count(d.people(), SmallNumbers.Level.SUB_NATIONAL);
        List<String> out = new ArrayList<>();
        out.add(n.text());
        for (BigDecimal v : new BigDecimal[] {d.q1(), d.median(), d.q3(), d.total()}) {
            out.add(n.suppressed() || moneyHidden ? "*" : d.people() == 0 || v == null ? "" : Money.pounds(v).toPlainString());
        }
        return out;
    }

    /**
     * The cohorts' money adds up to the published total of all budgets, so a cohort whose money is hidden
     * (1 to 7 people) could be recovered by subtraction: {@link SmallNumbers#parts} hides more cohorts'
     * money until the hidden ones together describe more than 7 people.
     */
    static SmallNumbers.Parts moneyParts(Figures f, List<String> order, SmallNumbers rule) {
        long[] people = new long[order.size()];
        for (int i = 0; i < order.size(); i++) {
            CohortFigures c = f.cohort(order.get(i));
            people[i] = c == null ? 0 : c.budgets().people();
        }
        return rule.parts(people, SmallNumbers.Level.SUB_NATIONAL);
    }

    /** Per service row (in the given list's order), whether its money is hidden: by cohort, as {@link #moneyParts}. */
    static boolean[] serviceMoneyHidden(List<ServiceFigures> services, SmallNumbers rule) {
        boolean[] out = new boolean[services.size()];
        Map<String, List<Integer>> byCohort = new LinkedHashMap<>();
        for (int i = 0; i < services.size(); i++) {
            byCohort.computeIfAbsent(services.get(i).cohort(), k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> idx : byCohort.values()) {
            long[] people = idx.stream().mapToLong(i -> services.get(i).people()).toArray();
            boolean[] h = rule.parts(people, SmallNumbers.Level.SUB_NATIONAL).hidden();
            for (int k = 0; k < idx.size(); k++) {
                out[idx.get(k)] = h[k];
            }
        }
        return out;
    }

    private static String streams(BudgetRules.Cohort c) {
        return c.streams().stream().sorted().map(Stream::code).collect(Collectors.joining("|"));
    }

    /** CSV text of rows, the first the header ({@link Csv}). */
    public static String toCsv(List<List<String>> rows) {
        return Csv.write(rows.get(0), rows.subList(1, rows.size()));
    }

    /** A table's opening, in a region that scrolls when the table is wider than the window and takes keyboard focus to do so. */
    private static String table(String label) {
        return "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"" + esc(label) + "\">\n<table>\n";
    }

    /** A self-contained HTML page (no scripts, styles inline, nothing fetched). */
    public static String html(Figures f, BudgetRules rules, SmallNumbers rule) {
        StringBuilder b = new StringBuilder();
        String where = f.org() == null ? "the whole area" : "organisation " + f.org();
        b.append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Statement of resources, ")
                .append(esc(where)).append(", ").append(f.asOf()).append("</title>\n<style>\n")
                .append("body{font-family:Arial,Helvetica,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#212b32;line-height:1.45}\n")
                .append("h1{font-size:1.8em}h2{font-size:1.35em;margin-top:2em;border-top:4px solid #005eb8;padding-top:.5em}\n")
                .append("table{border-collapse:collapse;margin:.5em 0 1em}th,td{border-bottom:1px solid #d8dde0;padding:.3em .8em;text-align:left}\n")
                .append("td.n,th.n{text-align:right}.tag{display:inline-block;background:#e8edee;padding:0 .5em;border-radius:3px}\n")
                .append(".note{color:#4c6272;font-size:.92em}.scroll{overflow-x:auto}.scroll:focus{outline:3px solid #ffdd00}\n")
                .append("</style>\n</head>\n<body>\n<main>\n");
        b.append("<h1>Statement of resources</h1>\n<p>Who can have a personal budget in ").append(esc(where)).append(", what money a budget ")
                .append("can include, and the indicative budgets of the people who can have one, at ").append(f.asOf()).append(".</p>\n");
        List<String> order = order(f, rules);
        SmallNumbers.Parts parts = moneyParts(f, order, rule);
        SmallNumbers.Figure allN = rule.count(f.all().people(), SmallNumbers.Level.SUB_NATIONAL);
        b.append("<p>People with an indicative budget: <strong>").append(allN.text()).append("</strong>; their budgets add up to <strong>")
                .append(allN.suppressed() || parts.totalHidden() ? "*" : Money.formatWhole(f.all().total())).append("</strong> a year.</p>\n");
        for (int i = 0; i < order.size(); i++) {
            String code = order.get(i);
            boolean moneyHidden = parts.hidden()[i];
            BudgetRules.Cohort c = rules.cohort(code);
            CohortFigures cf = f.cohort(code);
            long eligible = cf == null ? 0 : cf.peopleEligible();
            Distribution d = cf == null ? Distribution.empty() : cf.budgets();
            b.append("<h2>").append(esc(c == null ? code : c.name())).append("</h2>\n");
            if (c == null) {
                b.append("<p>This group is not in the statement, so its budgets include no funding streams.</p>\n");
            } else {
                b.append("<p><span class=\"tag\">").append(esc(basisWords(c.basis()))).append("</span> ").append(esc(c.who())).append(".</p>\n");
                b.append("<p>A budget can include: ").append(esc(c.streams().stream().sorted().map(Stream::words)
                        .collect(Collectors.joining(", ")))).append(". ");
                b.append(c.streams().size() == 1 ? "It is a " + esc(c.budget()) + "."
                        : c.pooled() ? "These can be pooled into one " + esc(c.budget()) + "."
                        : "Each funder's part stays a separate " + esc(c.budget()) + "; they are not pooled.").append("</p>\n");
            }
            SmallNumbers.Figure n = rule.count(d.people(), SmallNumbers.Level.SUB_NATIONAL);
            b.append(table(c == null ? code : c.name())).append("<tr><th>People who can have one</th><td class=\"n\">").append(count(rule, eligible)).append("</td></tr>\n");
            b.append("<tr><th>People with an indicative budget in this group</th><td class=\"n\">").append(n.text()).append("</td></tr>\n");
            if (d.people() > 0) {
                boolean hide = n.suppressed() || moneyHidden;
                b.append(moneyRow("Lower quartile (a quarter of budgets are below this)", d.q1(), hide));
                b.append(moneyRow("Median (half are below this)", d.median(), hide));
                b.append(moneyRow("Upper quartile (a quarter are above this)", d.q3(), hide));
                b.append(moneyRow("All budgets in this group together", d.total(), hide));
            }
            b.append("</table>\n</div>\n");
            List<ServiceFigures> services = f.services().stream().filter(s -> s.cohort().equals(code))
                    .sorted((x, y) -> x.stream() != y.stream() ? x.stream().compareTo(y.stream()) : y.annual().compareTo(x.annual())).toList();
            boolean[] serviceHidden = serviceMoneyHidden(services, rule);
            if (!services.isEmpty()) {
                b.append("<p>What the money buys now:</p>\n").append(table("What the money buys now: " + (c == null ? code : c.name())))
                        .append("<tr><th>Funding stream</th><th>Service</th><th class=\"n\">People</th>")
                        .append("<th class=\"n\">A year</th></tr>\n");
                for (int k = 0; k < services.size(); k++) {
                    ServiceFigures s = services.get(k);
                    SmallNumbers.Figure sn = rule.count(s.people(), SmallNumbers.Level.SUB_NATIONAL);
                    // data-cell: where each figure stands in services.csv, for readers of the page such as the disclosure attack
                    String at = "services|" + String.join("/", s.cohort(), s.stream().code(), s.stream().funder().name(), s.service()) + "|";
                    b.append("<tr><td>").append(esc(s.stream().words())).append("</td><td>")
                            .append(esc(IndicativeBudget.serviceWords(s.stream(), s.service()))).append("</td><td class=\"n\" data-cell=\"")
                            .append(esc(at + "people")).append("\">").append(sn.text()).append("</td><td class=\"n\" data-cell=\"")
                            .append(esc(at + "annual_gbp")).append("\">")
                            .append(sn.suppressed() || serviceHidden[k] ? "*" : Money.formatWhole(s.annual())).append("</td></tr>\n");
                }
                b.append("</table>\n</div>\n");
            }
        }
        b.append("<h2>How to read this statement</h2>\n<p class=\"note\">Indicative budgets are worked out per funding stream: from the ")
                .append("current care package (hours times the hourly price, or the weekly price), from the person's own spend in the last 12 ")
                .append("months on services a budget can replace, or, with no history, from a model of what similar needs cost; a wheelchair ")
                .append("budget is the cost of the chair the NHS would provide spread over its life. A budget cannot include emergency care, ")
                .append("GP services, medicines on prescription, planned hospital treatment, or mental health inpatient and crisis care. ")
                .append("A person in two groups is counted in each, and each of their budget lines belongs to the first group (in this ")
                .append("statement's order) that can include it, so the groups' budgets add up to the total once.</p>\n")
                .append("<p class=\"note\">Small numbers: counts of 1 to 7 people are shown as *, other counts are rounded to the nearest 5, ")
                .append("and money is shown only where the count of people it describes is shown; where one group's money could be worked ")
                .append("out from the total, another group's is hidden too. Money is in pounds a year, to the nearest ")
                .append("pound here and to the penny in the CSV files.</p>\n</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String moneyRow(String label, BigDecimal v, boolean hidden) {
        return "<tr><th>" + esc(label) + "</th><td class=\"n\">" + (hidden ? "*" : v == null ? "" : Money.formatWhole(v)) + "</td></tr>\n";
    }

    static String basisWords(String basis) {
        return switch (basis) {
            case "legal_right" -> "Legal right";
            case "expected" -> "Expected";
            case "local" -> "Local choice";
            default -> basis;
        };
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
