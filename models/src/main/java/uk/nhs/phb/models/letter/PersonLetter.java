package uk.nhs.phb.models.letter;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.IndicativeBudget;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.schemas.Csv;

/**
 * What one person is told about a personal health budget, in words they can read: whether they may be able to
 * have one and why, their indicative budget with its range, how each part was worked out, and what happens next.
 * Written to the person ("you"); nothing in it judges them (no risk, score or rank, nothing about where they live)
 * and it names no rule or code. The plain form gives figures to the penny; the easy-read form uses short
 * sentences and whole pounds. It carries only the pseudonymous id: whoever holds the key adds name and address.
 */
public record PersonLetter(String personId, LocalDate referenceDate, boolean easyRead, String title, String dateText,
                           boolean mayHaveBudget, List<String> why, BudgetSection budget, String noBudget, List<String> nextSteps,
                           List<String> cannotInclude, String otherFormats) {

    /** Where the reference data lives. */
    public static final String WORDS = "reference/letter/letter_words.csv";

    /** The budget as the letter shows it. {@code range} and {@code pooled} are null when there is nothing to say. */
    public record BudgetSection(String annual, String weekly, List<Part> parts, String range, List<String> steps, String pooled) {
    }

    /** One part of the budget: what it is for, who pays, and its figures. */
    public record Part(String name, String paidBy, String annual, String weekly) {
    }

    /**
     * What the lake says about the person at a reference date.
     *
     * @param cohorts      the groups whose eligibility rules the person meets, in rule order (may be empty)
     * @param budgetMade   whether indicative budgets were worked out at this date at all
     * @param lines        the person's budget lines (empty when none)
     */
    public record Facts(String personId, LocalDate referenceDate, List<String> cohorts, boolean budgetMade, List<BudgetLine> lines) {
        public Facts {
            Objects.requireNonNull(personId, "personId");
            Objects.requireNonNull(referenceDate, "referenceDate");
            cohorts = List.copyOf(cohorts);
            lines = List.copyOf(lines);
        }

        /**
         * The facts in the letter's order: the groups of the rules met with legal rights first, then the groups the NHS is
         * expected to offer budgets to, then local groups (by rule id within each); budget lines in the budget's own
         * order ({@link Stream}), which numbers them.
         */
        public static Facts ordered(String personId, LocalDate referenceDate, List<RuleMet> rules, boolean budgetMade,
                                    List<BudgetLine> lines) {
            List<String> cohorts = rules.stream()
                    .sorted(java.util.Comparator.comparingInt(RuleMet::basisOrder).thenComparing(RuleMet::ruleId)
                            .thenComparing(RuleMet::cohort))
                    .map(RuleMet::cohort).toList();
            List<BudgetLine> ordered = lines.stream()
                    .sorted(java.util.Comparator.comparingInt((BudgetLine l) -> Stream.of(l.stream()).ordinal())
                            .thenComparing(BudgetLine::cohort, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                    .toList();
            return new Facts(personId, referenceDate, cohorts, budgetMade, ordered);
        }
    }

    /** An eligibility rule a person meets: its basis ({@code legal_right}, {@code expected} or a local basis), id and group. */
    public record RuleMet(String basis, String ruleId, String cohort) {
        int basisOrder() {
            return "legal_right".equals(basis) ? 0 : "expected".equals(basis) ? 1 : 2;
        }
    }

    /**
     * One row of gold/indicative_budgets. {@code method} is an {@link IndicativeBudget.Method} code; {@code low} and
     * {@code high} are null when the line has no range.
     */
    public record BudgetLine(String stream, String cohort, String method, BigDecimal annual, BigDecimal weekly, BigDecimal low,
                             BigDecimal high, boolean pooled, String text) {
    }

    /** The sentences about each group, plain and easy read. */
    public record Words(Map<String, String> plain, Map<String, String> easyRead) {
        static final String LOCAL = "LOCAL";

        public static Words standard() {
            return parse(WORDS, BudgetRules.resource(WORDS));
        }

        public static Words parse(String name, String text) {
            Map<String, String> plain = new LinkedHashMap<>();
            Map<String, String> easy = new LinkedHashMap<>();
            for (Csv.Row r : Csv.rows(name, text, List.of("cohort", "plain", "easy_read"))) {
                String cohort = r.get("cohort").trim();
                if (cohort.isEmpty() || r.get("plain").isBlank() || r.get("easy_read").isBlank()) {
                    throw new IllegalArgumentException(name + " line " + r.line() + ": cohort, plain and easy_read must all be filled in");
                }
                if (plain.put(cohort, r.get("plain").trim()) != null) {
                    throw new IllegalArgumentException(name + " line " + r.line() + ": cohort " + cohort + " appears twice");
                }
                easy.put(cohort, r.get("easy_read").trim());
            }
            if (!plain.containsKey(LOCAL)) {
                throw new IllegalArgumentException(name + " has no " + LOCAL + " row: local groups need words");
            }
            return new Words(Map.copyOf(plain), Map.copyOf(easy));
        }

        String of(String cohort, boolean easy) {
            Map<String, String> m = easy ? easyRead : plain;
            return m.getOrDefault(cohort, m.get(LOCAL));
        }
    }

    /** How each method is told in easy read. */
    private static final Map<String, String> EASY_STEPS = Map.of(
            IndicativeBudget.Method.CURRENT_PACKAGE.code(), "We looked at the care you get now and what it costs.",
            IndicativeBudget.Method.HISTORIC_SPEND.code(), "We looked at what the NHS spent on your care last year.",
            IndicativeBudget.Method.NEEDS_ESTIMATE.code(), "We looked at what people with similar needs get.",
            IndicativeBudget.Method.NHS_CHAIR_COST.code(), "We looked at what your wheelchair costs and how long it lasts.");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);

    /** The letter for the facts, in plain or easy-read words. */
    public static PersonLetter of(Facts facts, Words words, boolean easyRead) {
        Set<String> cohorts = new LinkedHashSet<>(facts.cohorts());
        for (BudgetLine l : facts.lines()) {
            if (l.cohort() != null) {
                cohorts.add(l.cohort());
            }
        }
        List<String> why = new ArrayList<>();
        for (String c : cohorts) {
            String w = words.of(c, easyRead);
            if (!why.contains(w)) {
                why.add(w);
            }
        }
        boolean may = !why.isEmpty();
        if (!may) {
            why.add(easyRead
                    ? "The records we have do not show a reason for a personal health budget now. You can still ask about one."
                    : "The records we hold do not put you in a group that has a right to a personal health budget, or that your local "
                    + "NHS offers one to. You can still ask your GP or care team whether a personal health budget could help you.");
        }
        BudgetSection budget = facts.lines().isEmpty() ? null : budget(facts.lines(), easyRead);
        String noBudget = null;
        if (budget == null && may) {
            noBudget = !facts.budgetMade()
                    ? (easyRead ? "We have not worked out how much money yet. We will tell you when we have."
                    : "Your indicative budget has not been worked out yet. Your care team will tell you when it has.")
                    : (easyRead ? "We do not have enough information to work out how much money yet. Your care team will talk to you about it."
                    : "The records we hold do not show the services a budget could pay for yet, so there is no indicative amount. "
                    + "Your care team will work it out with you.");
        }
        String title = easyRead ? "Your personal health budget" : "Your personal health budget: an early indication";
        return new PersonLetter(facts.personId(), facts.referenceDate(), easyRead, title, DATE.format(facts.referenceDate()), may,
                List.copyOf(why), budget, noBudget, nextSteps(may, easyRead), cannotInclude(easyRead), otherFormats(easyRead));
    }

    private static BudgetSection budget(List<BudgetLine> lines, boolean easy) {
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        BigDecimal low = BigDecimal.ZERO.setScale(2);
        BigDecimal high = BigDecimal.ZERO.setScale(2);
        boolean ranged = true;
        BigDecimal pooledTotal = BigDecimal.ZERO.setScale(2);
        List<String> pooledNames = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        for (BudgetLine l : lines) {
            Stream s = Stream.of(l.stream());
            String name = capital(s.words());
            parts.add(new Part(name, capital(s.funder().words()), money(l.annual(), easy), money(l.weekly(), easy)));
            total = total.add(l.annual());
            if (l.low() == null || l.high() == null) {
                ranged = false;
            } else {
                low = low.add(l.low());
                high = high.add(l.high());
            }
            if (l.pooled()) {
                pooledTotal = pooledTotal.add(l.annual());
                pooledNames.add(s.words());
            }
            if (easy) {
                String step = EASY_STEPS.get(l.method());
                if (step != null && !steps.contains(step)) {
                    steps.add(step);
                }
            } else {
                String lead = IndicativeBudget.lineLead(s, l.annual(), l.weekly());
                String how = l.text() != null && l.text().startsWith(lead) ? l.text().substring(lead.length()) : l.text();
                // one part: its range is the budget's, said once below the total
                int range = how == null ? -1 : how.indexOf(IndicativeBudget.RANGE_LEAD);
                if (lines.size() == 1 && range > 0) {
                    how = how.substring(0, range);
                }
                steps.add(name + ": " + how);
            }
        }
        BigDecimal weekly = Money.weeklyFromAnnual(total);
        String range = null;
        if (ranged && lines.size() > 0 && high.compareTo(low) > 0) {
            range = easy
                    ? "It could be between " + Money.formatWhole(low) + " and " + Money.formatWhole(high) + " a year. It depends on what you need."
                    : "People with needs like yours cost between " + Money.format(low) + " and " + Money.format(high) + " a year ("
                    + (lines.size() == 1 ? "the middle half of similar people's costs" : "adding up the middle half of similar people's costs "
                    + "for each part") + "). Your own budget is agreed in your care and support plan and "
                    + "can be more or less than this.";
        }
        String pooled = null;
        if (pooledNames.size() >= 2) {
            pooled = easy ? "Some of this money can be put together into one budget."
                    : "The parts for " + joinAnd(pooledNames) + " can be put together into one integrated personal budget of "
                    + Money.format(pooledTotal) + " a year, so you can plan them as one.";
        }
        return new BudgetSection(money(total, easy), money(weekly, easy), List.copyOf(parts), range, List.copyOf(steps), pooled);
    }

    private static List<String> nextSteps(boolean may, boolean easy) {
        if (!may) {
            return easy
                    ? List.of("You can ask your doctor or care team about a personal health budget.",
                    "Your care will carry on as it is now.")
                    : List.of("Your care and support carry on as they are now.",
                    "If your needs change, or you think a personal health budget could help you, ask your GP or care team.");
        }
        return easy
                ? List.of("Someone from your care team will get in touch.",
                "They will talk with you about what matters to you.",
                "Together you will make a care and support plan.",
                "The plan says how the money is spent.",
                "You can say no. Your care will carry on as it is now.")
                : List.of("Someone from your care team will contact you to talk about what matters to you and what you want to achieve.",
                "Together you will write a personalised care and support plan. It sets out how the budget will be spent, and the "
                        + "amount is agreed then: it can go up or down to meet your needs.",
                "You can choose how the money is managed: the NHS or council can hold it and arrange services for you, an "
                        + "organisation can hold it for you, or it can be paid to you as a direct payment.",
                "If you do not want a personal health budget, your care carries on as it is now.");
    }

    private static List<String> cannotInclude(boolean easy) {
        return easy
                ? List.of("A budget does not pay for emergency care, your GP, medicines or hospital operations. The NHS still gives you these.")
                : List.of("A budget cannot pay for emergency care (A&E and emergency hospital stays), GP services, medicines on "
                + "prescription, planned hospital treatment, or mental health inpatient and crisis care. The NHS goes on providing "
                + "them as now.");
    }

    private static String otherFormats(boolean easy) {
        return easy ? "You can ask for this letter in large print, in another language, in braille or as audio."
                : "You can ask for this letter in another format, such as easy read, large print, braille, audio or another language.";
    }

    private static String money(BigDecimal amount, boolean easy) {
        if (easy && amount.signum() > 0 && amount.compareTo(BigDecimal.ONE) < 0) {
            return "less than £1";
        }
        return easy ? Money.formatWhole(amount) : Money.format(amount);
    }

    private static String capital(String words) {
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    private static String joinAnd(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** What the letter is about, in one sentence (a page's description, a PDF's subject). */
    public String summary() {
        return budget != null ? "Whether you may have a personal health budget, your indicative budget and how it was worked out, and what "
                + "happens next" : "Whether you may have a personal health budget, and what happens next";
    }

    /** The letter as plain text, for a terminal. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n').append("Our reference: ").append(personId).append("    Date: ").append(dateText).append("\n\n");
        b.append(easyRead ? "Can you have a personal health budget?" : "Whether you may have a personal health budget").append('\n');
        why.forEach(w -> b.append("  ").append(w).append('\n'));
        if (budget != null) {
            b.append('\n').append(easyRead ? "How much money" : "Your indicative budget").append('\n');
            b.append("  ").append(budget.annual()).append(" a year (").append(budget.weekly()).append(" a week)").append('\n');
            for (Part p : budget.parts()) {
                b.append("  - ").append(p.name()).append(" (paid by ").append(p.paidBy().substring(0, 1).toLowerCase(Locale.UK))
                        .append(p.paidBy().substring(1)).append("): ").append(p.annual()).append(" a year, ").append(p.weekly()).append(" a week").append('\n');
            }
            if (budget.range() != null) {
                b.append("  ").append(budget.range()).append('\n');
            }
            if (budget.pooled() != null) {
                b.append("  ").append(budget.pooled()).append('\n');
            }
            b.append('\n').append(easyRead ? "How we worked it out" : "How it was worked out").append('\n');
            int i = 0;
            for (String s : budget.steps()) {
                b.append("  ").append(++i).append(". ").append(s).append('\n');
            }
        } else if (noBudget != null) {
            b.append('\n').append(noBudget).append('\n');
        }
        b.append('\n').append("What happens next").append('\n');
        nextSteps.forEach(s -> b.append("  - ").append(s).append('\n'));
        cannotInclude.forEach(s -> b.append('\n').append(s).append('\n'));
        b.append(otherFormats).append('\n');
        return b.toString();
    }
}
