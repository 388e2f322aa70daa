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
 * buys now. Holds the unrounded figures; {@link #csv}, {@link #servicesCsv} and {@link #page} publish them
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

    /** A figure the page shows, by its label: already through the small-number rule. */
    public record Figure(String label, String value) {
    }

    /**
     * A service line of a cohort's money as the page shows it; {@code cell} is where its two figures stand in
     * {@code services.csv} ({@code services|cohort/stream/funder/service|}), for readers of the page such as the
     * disclosure attack.
     */
    public record ServiceLine(String stream, String service, String people, String annual, String cell) {
    }

    /**
     * One cohort as the page shows it: its rule in words ({@code basis} null for a cohort not in the statement),
     * its counts and the spread of its budgets, and what its money buys now.
     */
    public record CohortPage(String name, String basis, String who, String canInclude, String pooling, List<Figure> figures,
                             List<ServiceLine> services) {
    }

    /** The statement as a page shows it ({@code statement.html}): every figure as {@link #csv} publishes it, in words. */
    public record Page(String where, LocalDate asOf, String people, String total, List<CohortPage> cohorts) {
    }

    /** What the page shows: the same figures, hidden and rounded the same way, as {@link #csv} and {@link #servicesCsv}. */
    public static Page page(Figures f, BudgetRules rules, SmallNumbers rule) {
        String where = f.org() == null ? "the whole area" : "organisation " + f.org();
        List<String> order = order(f, rules);
        SmallNumbers.Parts parts = moneyParts(f, order, rule);
        SmallNumbers.Figure allN = rule.count(f.all().people(), SmallNumbers.Level.SUB_NATIONAL);
        List<CohortPage> cohorts = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String code = order.get(i);
            BudgetRules.Cohort c = rules.cohort(code);
            CohortFigures cf = f.cohort(code);
            long eligible = cf == null ? 0 : cf.peopleEligible();
            Distribution d = cf == null ? Distribution.empty() : cf.budgets();
            SmallNumbers.Figure n = rule.count(d.people(), SmallNumbers.Level.SUB_NATIONAL);
            List<Figure> figures = new ArrayList<>(List.of(new Figure("People who can have one", count(rule, eligible)),
                    new Figure("People with an indicative budget in this group", n.text())));
            if (d.people() > 0) {
                boolean hide = n.suppressed() || parts.hidden()[i];
                figures.add(money("Lower quartile (a quarter of budgets are below this)", d.q1(), hide));
                figures.add(money("Median (half are below this)", d.median(), hide));
                figures.add(money("Upper quartile (a quarter are above this)", d.q3(), hide));
                figures.add(money("All budgets in this group together", d.total(), hide));
            }
            List<ServiceFigures> services = f.services().stream().filter(s -> s.cohort().equals(code))
                    .sorted((x, y) -> x.stream() != y.stream() ? x.stream().compareTo(y.stream()) : y.annual().compareTo(x.annual())).toList();
            boolean[] serviceHidden = serviceMoneyHidden(services, rule);
            List<ServiceLine> lines = new ArrayList<>();
            for (int k = 0; k < services.size(); k++) {
                ServiceFigures s = services.get(k);
                SmallNumbers.Figure sn = rule.count(s.people(), SmallNumbers.Level.SUB_NATIONAL);
                lines.add(new ServiceLine(s.stream().words(), IndicativeBudget.serviceWords(s.stream(), s.service()), sn.text(),
                        sn.suppressed() || serviceHidden[k] ? "*" : Money.formatWhole(s.annual()),
                        "services|" + String.join("/", s.cohort(), s.stream().code(), s.stream().funder().name(), s.service()) + "|"));
            }
            cohorts.add(c == null
                    ? new CohortPage(code, null, null, null, null, figures, lines)
                    : new CohortPage(c.name(), basisWords(c.basis()), c.who(), c.streams().stream().sorted().map(Stream::words)
                            .collect(Collectors.joining(", ")), c.streams().size() == 1 ? "It is a " + c.budget() + "."
                            : c.pooled() ? "These can be pooled into one " + c.budget() + "."
                            : "Each funder's part stays a separate " + c.budget() + "; they are not pooled.", figures, lines));
        }
        return new Page(where, f.asOf(), allN.text(), allN.suppressed() || parts.totalHidden() ? "*" : Money.formatWhole(f.all().total()),
                cohorts);
    }

    private static Figure money(String label, BigDecimal v, boolean hidden) {
        return new Figure(label, hidden ? "*" : v == null ? "" : Money.formatWhole(v));
    }

    static String basisWords(String basis) {
        return switch (basis) {
            case "legal_right" -> "Legal right";
            case "expected" -> "Expected";
            case "local" -> "Local choice";
            default -> basis;
        };
    }
}
