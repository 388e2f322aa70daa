package uk.nhs.phb.models.budget;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One person's indicative budget: a line per funding stream the person's cohorts may include, each with
 * its method, its figures, a range, and an explanation in plain words. Plain Java: Spark gathers the facts
 * ({@link Person}), this class does the arithmetic and the words, so every figure can be checked by hand.
 *
 * <p>Which line: each cohort of the person, in the statement's precedence order, brings the streams its
 * rule lists; a stream two cohorts list belongs to the first. Package streams (continuing care, adult social
 * care, education) and the wheelchair need a current package, plan or chair; a community line is made
 * whenever a cohort lists it; a mental health line when a mental health need is recorded
 * ({@link StreamFacts#current()}: a condition or service use) or the cohort is about mental health
 * ({@link #MENTAL_HEALTH_COHORTS}).
 *
 * <p>Which method, per line, the first that applies:
 * <ol>
 *   <li>{@link Method#NHS_CHAIR_COST} for the wheelchair: the cost of the chair type the NHS would provide,
 *       spread over its expected life;
 *   <li>{@link Method#CURRENT_PACKAGE} (package streams): the ready reckoner, hours x hourly price or the weekly
 *       price for priced services, the recorded cost otherwise, made annual;
 *   <li>{@link Method#HISTORIC_SPEND}: the person's own spend in the last 12 months on services the budget can
 *       replace (community and mental health: always tried first; package streams: when the current package
 *       has no cost recorded);
 *   <li>{@link Method#NEEDS_ESTIMATE}: the cost model's estimate for people with similar needs, when there is no
 *       history.
 * </ol>
 * A line is pooled when its cohort's rule allows pooling and the person has at least two such lines; the
 * pooled lines add up to the integrated personal budget. Rounding: {@link Money}.
 */
public final class IndicativeBudget {
    /** How a line's figure was made. */
    public enum Method {
        CURRENT_PACKAGE("current_package"),
        HISTORIC_SPEND("historic_spend"),
        NEEDS_ESTIMATE("needs_estimate"),
        NHS_CHAIR_COST("nhs_chair_cost");

        private final String code;

        Method(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** How often a recorded package cost is paid. */
    public enum Frequency {
        HOURLY,
        WEEKLY,
        ANNUAL
    }

    /**
     * One part of a current package as recorded: the service (care setting, service component or placement),
     * how often it is paid, how many units a week (hours for hourly services; 1 for a weekly or annual cost)
     * and the recorded cost per unit (null when not recorded).
     */
    public record PackageItem(String service, Frequency frequency, BigDecimal quantity, BigDecimal recordedUnitCost) {
        public PackageItem {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(frequency, "frequency");
            Objects.requireNonNull(quantity, "quantity");
        }
    }

    /**
     * What the data say about one stream for one person (nulls where not known).
     *
     * @param current       the person has a current package, plan or chair in this stream
     * @param items         the current package's parts (package streams)
     * @param historic12m   replaceable spend in the 12 months to the reference date
     * @param historicByService that spend by service
     * @param needsEstimate the cost model's annual estimate for people with similar needs
     * @param rangeLow      25th percentile of similar people's annual cost
     * @param rangeHigh     75th percentile
     * @param rangeBasis    who the similar people are, in plain words
     * @param chairType     wheelchair type (wheelchair stream)
     */
    public record StreamFacts(boolean current, List<PackageItem> items, BigDecimal historic12m, Map<String, BigDecimal> historicByService,
                              BigDecimal needsEstimate, BigDecimal rangeLow, BigDecimal rangeHigh, String rangeBasis, String chairType) {
        public StreamFacts {
            items = items == null ? List.of() : List.copyOf(items);
            // in service order: Map.copyOf iterates in an order salted per JVM, which reached the budget lines' maps
            historicByService = historicByService == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(historicByService));
        }
    }

    /** Spend in the last 12 months that no budget can include. */
    public record Excluded(BigDecimal hospital, BigDecimal gp, BigDecimal prescribing, BigDecimal mentalHealthAcute) {
    }

    /**
     * The facts of one person at a reference date.
     *
     * @param cohorts  the person's cohorts (phb_group codes), any order
     * @param fyStart  first year of the financial year of the reference date (prices)
     */
    public record Person(List<String> cohorts, Map<Stream, StreamFacts> facts, Excluded excluded, int fyStart) {
        public Person {
            cohorts = List.copyOf(cohorts);
            facts = facts == null ? Map.of() : Map.copyOf(facts);
        }
    }

    /** One line of the budget. Money in pounds to the penny. */
    public record Line(Stream stream, String cohort, Method method, BigDecimal annual, BigDecimal weekly, BigDecimal rangeLow,
                       BigDecimal rangeHigh, String rangeBasis, BigDecimal needsEstimate, boolean pooled, Map<String, String> basis,
                       Map<String, BigDecimal> services, String text) {
    }

    /**
     * The budget: its lines, their sum (annual and weekly), the pooled (integrated) part and the explanation.
     * {@code pooledTotal} is null when nothing is pooled.
     */
    public record Budget(List<Line> lines, BigDecimal total, BigDecimal weeklyTotal, BigDecimal pooledTotal, String explanation) {
    }

    private IndicativeBudget() {
    }

    /** The budget of one person, or a budget with no lines when none of the person's cohorts brings one. */
    public static Budget of(Person person, BudgetRules rules) {
        List<BudgetRules.Cohort> cohorts = person.cohorts().stream().map(rules::cohort).filter(Objects::nonNull).distinct()
                .sorted((a, b) -> Integer.compare(a.precedence(), b.precedence())).toList();
        Map<Stream, BudgetRules.Cohort> owner = new EnumMap<>(Stream.class);
        for (BudgetRules.Cohort c : cohorts) {
            for (Stream s : Stream.values()) {
                if (c.streams().contains(s)) {
                    owner.putIfAbsent(s, c);
                }
            }
        }
        List<Draft> drafts = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (Map.Entry<Stream, BudgetRules.Cohort> e : owner.entrySet()) {
            Stream s = e.getKey();
            StreamFacts f = person.facts().get(s);
            Draft d = f == null ? null : draft(s, f, e.getValue(), person, rules);
            if (d == null) {
                absent.add(absentSentence(s));
            } else {
                d.cohort = e.getValue();
                drafts.add(d);
            }
        }
        long poolable = drafts.stream().filter(d -> d.cohort.pooled()).count();
        List<Line> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        BigDecimal pooledTotal = BigDecimal.ZERO.setScale(2);
        for (Draft d : drafts) {
            boolean pooled = d.cohort.pooled() && poolable >= 2;
            BigDecimal weekly = Money.weeklyFromAnnual(d.annual);
            String text = lineLead(d.stream, d.annual, weekly) + d.how + rangeSentence(d.rangeLow, d.rangeHigh, d.rangeBasis);
            lines.add(new Line(d.stream, d.cohort.code(), d.method, d.annual, weekly, d.rangeLow, d.rangeHigh, d.rangeBasis, d.needs,
                    pooled, d.basis, d.services, text));
            total = total.add(d.annual);
            if (pooled) {
                pooledTotal = pooledTotal.add(d.annual);
            }
        }
        boolean anyPooled = lines.stream().anyMatch(Line::pooled);
        String explanation = explain(lines, total, anyPooled ? pooledTotal : null, cohorts, absent, person.excluded());
        return new Budget(List.copyOf(lines), total, Money.weeklyFromAnnual(total), anyPooled ? pooledTotal : null, explanation);
    }

    /** A line before pooling is decided. */
    private static final class Draft {
        Stream stream;
        BudgetRules.Cohort cohort;
        Method method;
        BigDecimal annual;
        BigDecimal needs;
        BigDecimal rangeLow;
        BigDecimal rangeHigh;
        String rangeBasis;
        String how;
        Map<String, String> basis = new LinkedHashMap<>();
        Map<String, BigDecimal> services = new LinkedHashMap<>();
    }

    /** Cohorts about mental health: their mental health line needs no recorded condition. */
    public static final java.util.Set<String> MENTAL_HEALTH_COHORTS = java.util.Set.of("S117", "MENTAL_HEALTH");

    private static Draft draft(Stream s, StreamFacts f, BudgetRules.Cohort cohort, Person person, BudgetRules rules) {
        Draft d = new Draft();
        d.stream = s;
        d.needs = f.needsEstimate() == null ? null : Money.pounds(f.needsEstimate());
        d.rangeLow = f.rangeLow() == null ? null : Money.pounds(f.rangeLow());
        d.rangeHigh = f.rangeHigh() == null ? null : Money.pounds(f.rangeHigh());
        d.rangeBasis = f.rangeBasis();
        switch (s) {
            case NHS_WHEELCHAIR -> {
                if (!f.current()) {
                    return null;
                }
                String type = f.chairType() == null ? "MANUAL" : f.chairType();
                BudgetRules.Chair chair = rules.chair(type);
                if (chair == null) {
                    throw new IllegalArgumentException("no cost for wheelchair type '" + type + "' in " + BudgetRules.WHEELCHAIR_COSTS
                            + "; add it (types known: " + rules.chairs().keySet() + ")");
                }
                d.method = Method.NHS_CHAIR_COST;
                d.annual = chair.cost().divide(BigDecimal.valueOf(chair.lifeYears()), 2, Money.ROUNDING);
                d.needs = d.annual;
                d.basis.put("chair_type", type);
                d.basis.put("chair_cost", Money.pounds(chair.cost()).toPlainString());
                d.basis.put("expected_life_years", Integer.toString(chair.lifeYears()));
                d.services.put(type, d.annual);
                d.how = "Worked out from the chair the NHS would provide: " + article(chairWords(type)) + " " + chairWords(type) + " costs "
                        + Money.format(chair.cost()) + " and lasts about " + chair.lifeYears() + " years, so "
                        + Money.format(chair.cost()) + " / " + chair.lifeYears() + " = " + Money.format(d.annual) + " a year.";
                return d;
            }
            case NHS_CONTINUING_CARE, ADULT_SOCIAL_CARE, EDUCATION -> {
                if (!f.current()) {
                    return null;
                }
                if (packageLine(d, s, f, person, rules)) {
                    return d;
                }
                if (historicLine(d, f, "what was spent on your current package in the last 12 months")) {
                    return d;
                }
                return needsLine(d, f, "Your current package has no cost recorded, so this");
            }
            default -> {
                if (historicLine(d, f, "what the NHS spent on these services for you in the last 12 months")) {
                    return d;
                }
                if (s == Stream.NHS_MENTAL_HEALTH && !f.current() && !MENTAL_HEALTH_COHORTS.contains(cohort.code())) {
                    return null;
                }
                return needsLine(d, f, "You used none of these services in the last 12 months, so this");
            }
        }
    }

    private static boolean packageLine(Draft d, Stream s, StreamFacts f, Person person, BudgetRules rules) {
        List<String> parts = new ArrayList<>();
        BigDecimal annual = BigDecimal.ZERO.setScale(2);
        boolean reckoned = false;
        int i = 0;
        for (PackageItem item : f.items()) {
            BudgetRules.Reckoner r = rules.reckoner(s, item.service());
            BigDecimal unitCost;
            String priced;
            boolean listPrice = r.unitCostItem() != null
                    && (r.unit().equals(BudgetRules.Reckoner.HOUR) && item.frequency() == Frequency.HOURLY
                    || r.unit().equals(BudgetRules.Reckoner.WEEK) && item.frequency() == Frequency.WEEKLY);
            if (listPrice) {
                unitCost = rules.unitCost(r.unitCostItem(), person.fyStart());
                priced = "the " + fyText(person.fyStart()) + " price";
                reckoned = true;
            } else if (item.recordedUnitCost() != null) {
                unitCost = item.recordedUnitCost();
                priced = "as recorded";
            } else {
                continue;
            }
            String service = serviceWords(s, item.service());
            BigDecimal itemAnnual;
            String key = "item" + (++i) + "_";
            d.basis.put(key + "service", item.service());
            d.basis.put(key + "unit_cost", unitCost.toPlainString());
            d.basis.put(key + "price", listPrice ? "price list " + r.unitCostItem() + " " + fyText(person.fyStart()) : "recorded");
            switch (item.frequency()) {
                case HOURLY -> {
                    BigDecimal weekly = item.quantity().multiply(unitCost);
                    itemAnnual = Money.annualFromWeekly(weekly);
                    d.basis.put(key + "hours_per_week", item.quantity().stripTrailingZeros().toPlainString());
                    parts.add(item.quantity().stripTrailingZeros().toPlainString() + " hours a week of " + service + " x "
                            + Money.format(unitCost) + " an hour (" + priced + ") = " + Money.format(Money.pounds(weekly))
                            + " a week");
                }
                case WEEKLY -> {
                    BigDecimal weekly = item.quantity().multiply(unitCost);
                    itemAnnual = Money.annualFromWeekly(weekly);
                    d.basis.put(key + "units_per_week", item.quantity().stripTrailingZeros().toPlainString());
                    parts.add(service + " at " + Money.format(Money.pounds(weekly)) + " a week (" + priced + ")");
                }
                default -> {
                    itemAnnual = Money.pounds(item.quantity().multiply(unitCost));
                    parts.add(service + " at " + Money.format(itemAnnual) + " a year (" + priced + ")");
                }
            }
            d.services.merge(item.service(), itemAnnual, BigDecimal::add);
            annual = annual.add(itemAnnual);
        }
        if (parts.isEmpty() || annual.signum() == 0) {
            d.basis.clear();
            d.services.clear();
            return false;
        }
        d.method = Method.CURRENT_PACKAGE;
        d.annual = annual;
        d.basis.put("annual", annual.toPlainString());
        boolean weekly = f.items().stream().anyMatch(x -> x.frequency() != Frequency.ANNUAL);
        d.how = "Worked out from " + (s == Stream.EDUCATION ? "your current EHC plan: "
                : reckoned ? "your current package (ready reckoner): " : "your current package: ")
                + String.join("; ", parts) + (weekly ? ", over a year of 365.25 days (" + Money.WEEKS_PER_YEAR_TEXT + " weeks)" : "")
                + ".";
        return true;
    }

    private static boolean historicLine(Draft d, StreamFacts f, String what) {
        if (f.historic12m() == null || f.historic12m().signum() <= 0) {
            return false;
        }
        d.method = Method.HISTORIC_SPEND;
        d.annual = Money.pounds(f.historic12m());
        d.basis.put("spend_12m", d.annual.toPlainString());
        String byService = f.historicByService().entrySet().stream().filter(e -> e.getValue().signum() > 0)
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> serviceWords(d.stream, e.getKey()) + " " + Money.format(Money.pounds(e.getValue())))
                .collect(Collectors.joining(", "));
        f.historicByService().forEach((k, v) -> {
            if (v.signum() > 0) {
                d.services.put(k, Money.pounds(v));
            }
        });
        d.how = "Worked out from " + what + ": " + Money.format(d.annual) + (byService.isEmpty() ? "" : " (" + byService + ")") + ".";
        return true;
    }

    private static Draft needsLine(Draft d, StreamFacts f, String lead) {
        if (d.needs == null || d.needs.signum() <= 0) {
            return null;
        }
        d.method = Method.NEEDS_ESTIMATE;
        d.annual = d.needs;
        d.basis.put("needs_estimate", d.needs.toPlainString());
        d.how = lead + " is an estimate from people with similar needs (the same age group, frailty, conditions and care): "
                + "on average such needs cost " + Money.format(d.needs) + " a year.";
        return d;
    }

    /** How a line's text begins: the stream in words and its figures ({@code "NHS wheelchair: £1.00 a year (£0.02 a week). "}). */
    public static String lineLead(Stream s, BigDecimal annual, BigDecimal weekly) {
        return s.words().substring(0, 1).toUpperCase(Locale.ROOT) + s.words().substring(1) + ": " + Money.format(annual) + " a year ("
                + Money.format(weekly) + " a week). ";
    }

    /** How a line's range sentence begins, after its method's sentence. */
    public static final String RANGE_LEAD = " Similar people's costs: the middle half lie between ";

    private static String rangeSentence(BigDecimal low, BigDecimal high, String basis) {
        if (low == null || high == null) {
            return "";
        }
        return RANGE_LEAD + Money.format(low) + " and " + Money.format(high) + " a year"
                + (basis == null ? "" : " (" + basis + ")") + ".";
    }

    private static String absentSentence(Stream s) {
        return switch (s) {
            case NHS_CONTINUING_CARE -> "No continuing care package is in place now, so there is no continuing care part.";
            case ADULT_SOCIAL_CARE -> "No adult social care is arranged for you now, so there is no social care part; if the council "
                    + "assesses that you need care and support, it can be added.";
            case EDUCATION -> "There is no current EHC plan, so there is no education part.";
            case NHS_WHEELCHAIR -> "No NHS wheelchair for long-term use is recorded, so there is no wheelchair part.";
            case NHS_MENTAL_HEALTH -> "No mental health need is recorded, so there is no mental health part.";
            default -> "There is not enough information to estimate the " + s.words() + " part yet.";
        };
    }

    private static String explain(List<Line> lines, BigDecimal total, BigDecimal pooledTotal, List<BudgetRules.Cohort> cohorts,
                                  List<String> absent, Excluded excluded) {
        StringBuilder b = new StringBuilder();
        if (lines.isEmpty()) {
            b.append("There is no indicative budget yet: none of the services a budget can include is recorded for you.");
        } else {
            b.append("Your indicative budget is ").append(Money.format(total)).append(" a year (")
                    .append(Money.format(Money.weeklyFromAnnual(total))).append(" a week), the sum of ")
                    .append(lines.size() == 1 ? "one part" : lines.size() + " parts").append(":");
            int i = 0;
            for (Line l : lines) {
                b.append("\n").append(++i).append(". ").append(l.text());
            }
        }
        Map<Stream.Funder, BigDecimal> byFunder = new EnumMap<>(Stream.Funder.class);
        for (Line l : lines) {
            byFunder.merge(l.stream().funder(), l.annual(), BigDecimal::add);
        }
        if (pooledTotal != null) {
            List<String> parts = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).pooled()) {
                    parts.add(Integer.toString(i + 1));
                    String own = cohortName(cohorts, lines.get(i).cohort());
                    if (!names.contains(own)) {
                        names.add(own);
                    }
                }
            }
            b.append("\nParts ").append(joinAnd(parts)).append(" can be combined into one integrated personal budget of ")
                    .append(Money.format(pooledTotal)).append(" a year, because the rule for ").append(joinAnd(names))
                    .append(" allows the money to be pooled.");
            List<Line> separate = lines.stream().filter(l -> !l.pooled()).toList();
            for (Line l : separate) {
                b.append(" The ").append(l.stream().words()).append(" part (").append(Money.format(l.annual()))
                        .append(") stays a separate budget: the rule for ").append(cohortName(cohorts, l.cohort()))
                        .append(" does not pool it.");
            }
        } else if (byFunder.size() > 1) {
            b.append("\nEach funder's part is a separate budget, not pooled: ");
            b.append(byFunder.entrySet().stream().map(e -> e.getKey().words() + " " + Money.format(e.getValue()) + " a year")
                    .collect(Collectors.joining("; ")));
            b.append(".");
        }
        for (String a : absent) {
            b.append("\n").append(a);
        }
        b.append("\nA budget cannot include emergency care (A&E and emergency hospital stays), GP services, medicines on "
                + "prescription, planned hospital treatment, or mental health inpatient and crisis care; the NHS goes on providing "
                + "them as now.");
        if (excluded != null) {
            List<String> ex = new ArrayList<>();
            add(ex, "hospital care including A&E and emergency admissions", excluded.hospital());
            add(ex, "GP services", excluded.gp());
            add(ex, "medicines", excluded.prescribing());
            add(ex, "mental health inpatient and crisis care", excluded.mentalHealthAcute());
            if (!ex.isEmpty()) {
                b.append(" In the last 12 months these cost: ").append(String.join("; ", ex)).append(".");
            }
        }
        b.append("\nThis is an indication to start planning with; the budget itself is agreed in your care and support plan. "
                + "Figures are rounded to the nearest penny; a year is 365.25 days (" + Money.WEEKS_PER_YEAR_TEXT + " weeks).");
        return b.toString();
    }

    private static void add(List<String> out, String what, BigDecimal amount) {
        if (amount != null && amount.signum() > 0) {
            out.add(what + " " + Money.format(Money.pounds(amount)));
        }
    }

    private static String cohortName(List<BudgetRules.Cohort> cohorts, String code) {
        return cohorts.stream().filter(c -> c.code().equals(code)).findFirst().map(BudgetRules.Cohort::name).orElse(code);
    }

    private static String joinAnd(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    static String fyText(int fyStart) {
        return fyStart + "-" + String.format(Locale.ROOT, "%02d", (fyStart + 1) % 100);
    }

    private static String article(String words) {
        return "aeiou".indexOf(Character.toLowerCase(words.charAt(0))) >= 0 ? "an" : "a";
    }

    static String chairWords(String type) {
        return switch (type) {
            case "MANUAL" -> "manual wheelchair";
            case "POWERED" -> "powered wheelchair";
            case "SPECIALIST" -> "specialist seating wheelchair";
            default -> type.toLowerCase(Locale.ROOT).replace('_', ' ') + " wheelchair";
        };
    }

    /** A service code in plain words (care settings, service components, placements, community and mental health services). */
    public static String serviceWords(Stream s, String code) {
        String w = SERVICE_WORDS.get(code);
        return w != null ? w : code.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static final Map<String, String> SERVICE_WORDS = Map.ofEntries(
            Map.entry("HOME", "care in your own home"),
            Map.entry("CARE_HOME", "a care home place"),
            Map.entry("NURSING_HOME", "a care home with nursing place"),
            Map.entry("HOSPICE", "hospice care"),
            Map.entry("HOME_CARE", "home care"),
            Map.entry("DAY_CARE", "day care"),
            Map.entry("RESIDENTIAL", "a residential care home place"),
            Map.entry("NURSING", "a nursing home place"),
            Map.entry("DIRECT_PAYMENT", "a direct payment"),
            Map.entry("SUPPORTED_LIVING", "supported living"),
            Map.entry("RESPITE", "respite care"),
            Map.entry("MAINSTREAM", "support in a mainstream school"),
            Map.entry("RESOURCED_PROVISION", "a resourced provision place"),
            Map.entry("SPECIAL_STATE", "a state special school place"),
            Map.entry("SPECIAL_INDEPENDENT", "an independent special school place"),
            Map.entry("FE_COLLEGE", "a further education college place"),
            Map.entry("OTHER", "other education provision"),
            Map.entry("DISTRICT_NURSING", "district nursing"),
            Map.entry("COMMUNITY_MATRON", "community matron"),
            Map.entry("PHYSIOTHERAPY", "physiotherapy"),
            Map.entry("OCCUPATIONAL_THERAPY", "occupational therapy"),
            Map.entry("PODIATRY", "podiatry"),
            Map.entry("SALT", "speech and language therapy"),
            Map.entry("INTERMEDIATE_CARE", "intermediate care"),
            Map.entry("PALLIATIVE", "community palliative care"),
            Map.entry("CHILDRENS_COMMUNITY", "children's community nursing"),
            Map.entry("CMHT", "community mental health team"),
            Map.entry("TALKING_THERAPIES", "NHS Talking Therapies"),
            Map.entry("EIP", "early intervention in psychosis"),
            Map.entry("CAMHS", "children's mental health services"),
            Map.entry("LD_TEAM", "community learning disability team"),
            Map.entry("MEMORY", "memory service"));
}
