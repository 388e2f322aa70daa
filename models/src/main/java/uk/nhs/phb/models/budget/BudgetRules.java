package uk.nhs.phb.models.budget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Csv;

/**
 * The reference data indicative budgets are made from, each a CSV (defaults are resources of the
 * {@code schemas} module under {@code reference/budgets/} and {@code reference/synth/unit_costs.csv}):
 * which streams each cohort may include and whether they pool ({@code pooling.csv}), the cost and life of
 * each wheelchair type ({@code wheelchair_costs.csv}), how each service's package becomes money
 * ({@code ready_reckoner.csv}) and unit prices by financial year ({@code unit_costs.csv}). {@link #version()}
 * is a hash of all four texts, recorded on every budget line.
 */
public final class BudgetRules implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final String POOLING = "reference/budgets/pooling.csv";
    public static final String WHEELCHAIR_COSTS = "reference/budgets/wheelchair_costs.csv";
    public static final String READY_RECKONER = "reference/budgets/ready_reckoner.csv";
    public static final String UNIT_COSTS = "reference/synth/unit_costs.csv";

    /** A cohort's rule: its place in the order, what it is, which streams it may include, whether they pool. */
    public record Cohort(String code, int precedence, String basis, String name, String budget, Set<Stream> streams, boolean pooled,
                         String who, String source) implements java.io.Serializable {
    }

    /** A wheelchair type: the cost of the chair the NHS would provide and how many years it lasts. */
    public record Chair(String type, BigDecimal cost, int lifeYears, String source) implements java.io.Serializable {
    }

    /** How a service's package becomes money: per hour or week at a listed price, or its recorded cost. */
    public record Reckoner(Stream stream, String service, String unit, String unitCostItem) implements java.io.Serializable {
        public static final String HOUR = "hour";
        public static final String WEEK = "week";
        public static final String RECORDED = "recorded";
    }

    private final Map<String, Cohort> cohorts;
    private final Map<String, Chair> chairs;
    private final Map<String, Reckoner> reckoner;
    private final Map<String, Map<String, BigDecimal>> unitCosts; // item -> fy ("*" or year) -> cost
    private final String version;
    private final Sources sources;

    private BudgetRules(Map<String, Cohort> cohorts, Map<String, Chair> chairs, Map<String, Reckoner> reckoner,
                        Map<String, Map<String, BigDecimal>> unitCosts, String version, Sources sources) {
        this.cohorts = cohorts;
        this.chairs = chairs;
        this.reckoner = reckoner;
        this.unitCosts = unitCosts;
        this.version = version;
        this.sources = sources;
    }

    /**
     * Where three of the four texts came from: the resource's name (e.g. {@link #POOLING}) or the file given; the ready
     * reckoner is always the shipped one.
     */
    public record Sources(String pooling, String wheelchairCosts, String unitCosts) implements java.io.Serializable {
    }

    /** The defaults shipped with phb. */
    public static BudgetRules defaults() {
        return of(resource(POOLING), POOLING, resource(WHEELCHAIR_COSTS), WHEELCHAIR_COSTS, resource(READY_RECKONER), resource(UNIT_COSTS),
                UNIT_COSTS);
    }

    /** The shipped defaults with another pooling file (a local statement of resources). */
    public static BudgetRules withPooling(String poolingText, String poolingName) {
        return of(poolingText, poolingName, resource(WHEELCHAIR_COSTS), WHEELCHAIR_COSTS, resource(READY_RECKONER), resource(UNIT_COSTS),
                UNIT_COSTS);
    }

    /**
     * Rules from the texts of the four files, each with the name errors give it.
     *
     * @throws IllegalArgumentException naming the file, line and field when a file is malformed
     */
    public static BudgetRules of(String pooling, String poolingName, String wheelchairCosts, String wheelchairName, String readyReckoner,
                                 String unitCostsText, String unitCostsName) {
        Map<String, Cohort> cohorts = cohorts(pooling, poolingName);
        Map<String, Chair> chairs = new LinkedHashMap<>();
        for (Csv.Row l : Csv.rows(wheelchairName, wheelchairCosts, List.of("chair_type", "cost",
                "expected_life_years", "source"))) {
            BigDecimal cost = money(wheelchairName, l, "cost");
            int life = positiveInt(wheelchairName, l, "expected_life_years");
            chairs.put(l.get("chair_type"), new Chair(l.get("chair_type"), cost, life, l.get("source")));
        }
        Map<String, Map<String, BigDecimal>> costs = new LinkedHashMap<>();
        for (Csv.Row l : Csv.rows(unitCostsName, unitCostsText, List.of("item", "fy", "cost"))) {
            String fy = l.get("fy");
            if (!fy.equals("*") && !fy.matches("[0-9]{4}")) {
                throw new IllegalArgumentException(unitCostsName + " line " + l.line() + ": fy '" + fy + "' must be a year or *");
            }
            costs.computeIfAbsent(l.get("item"), k -> new TreeMap<>()).put(fy, money(unitCostsName, l, "cost"));
        }
        Map<String, Reckoner> reck = new LinkedHashMap<>();
        for (Csv.Row l : Csv.rows(READY_RECKONER, readyReckoner, List.of("stream", "service", "unit",
                "unit_cost_item"))) {
            Stream s = stream(READY_RECKONER, l, l.get("stream"));
            String unit = l.get("unit");
            if (!List.of(Reckoner.HOUR, Reckoner.WEEK, Reckoner.RECORDED).contains(unit)) {
                throw new IllegalArgumentException(READY_RECKONER + " line " + l.line() + ": unit '" + unit
                        + "' must be hour, week or recorded");
            }
            String item = l.get("unit_cost_item");
            if (!unit.equals(Reckoner.RECORDED) && !costs.containsKey(item)) {
                throw new IllegalArgumentException(READY_RECKONER + " line " + l.line() + ": unit_cost_item '" + item
                        + "' is not in " + unitCostsName);
            }
            reck.put(s.code() + "|" + l.get("service"), new Reckoner(s, l.get("service"), unit, item.isEmpty() ? null : item));
        }
        String version = hash(pooling + "\u0000" + wheelchairCosts + "\u0000" + readyReckoner + "\u0000" + unitCostsText);
        return new BudgetRules(cohorts, chairs, reck, costs, version, new Sources(poolingName, wheelchairName, unitCostsName));
    }

    private static Map<String, Cohort> cohorts(String text, String name) {
        List<Cohort> list = new ArrayList<>();
        Set<String> known = CodeLists.get("phb_group").keySet();
        for (Csv.Row l : Csv.rows(name, text, List.of("cohort", "precedence", "basis", "name", "budget", "streams",
                "pooled", "who", "source"))) {
            String code = l.get("cohort");
            if (!known.contains(code)) {
                throw new IllegalArgumentException(name + " line " + l.line() + ": cohort '" + code + "' is not a phb_group code "
                        + known);
            }
            if (list.stream().anyMatch(c -> c.code().equals(code))) {
                throw new IllegalArgumentException(name + " line " + l.line() + ": cohort '" + code + "' is listed twice");
            }
            Set<Stream> streams = new LinkedHashSet<>();
            for (String s : l.get("streams").split("\\|")) {
                if (!s.isBlank()) {
                    streams.add(stream(name, l, s.trim()));
                }
            }
            if (streams.isEmpty()) {
                throw new IllegalArgumentException(name + " line " + l.line() + ": cohort '" + code + "' lists no streams");
            }
            String pooled = l.get("pooled");
            if (!pooled.equals("Y") && !pooled.equals("N")) {
                throw new IllegalArgumentException(name + " line " + l.line() + ": pooled '" + pooled + "' must be Y or N");
            }
            String basis = l.get("basis");
            if (!List.of("legal_right", "expected", "local").contains(basis)) {
                throw new IllegalArgumentException(name + " line " + l.line() + ": basis '" + basis
                        + "' must be legal_right, expected or local");
            }
            list.add(new Cohort(code, positiveInt(name, l, "precedence"), basis, l.get("name"), l.get("budget"), Set.copyOf(streams),
                    pooled.equals("Y"), l.get("who"), l.get("source")));
        }
        list.sort(Comparator.comparingInt(Cohort::precedence).thenComparing(Cohort::code));
        Map<String, Cohort> out = new LinkedHashMap<>();
        for (Cohort c : list) {
            out.put(c.code(), c);
        }
        return out;
    }

    private static Stream stream(String file, Csv.Row l, String code) {
        try {
            return Stream.of(code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " line " + l.line() + ": " + e.getMessage());
        }
    }

    private static BigDecimal money(String file, Csv.Row l, String field) {
        try {
            BigDecimal v = new BigDecimal(l.get(field));
            if (v.signum() < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + l.line() + ": " + field + " '" + l.get(field)
                    + "' is not an amount of pounds");
        }
    }

    private static int positiveInt(String file, Csv.Row l, String field) {
        try {
            int v = Integer.parseInt(l.get(field));
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + l.line() + ": " + field + " '" + l.get(field)
                    + "' must be a whole number above 0");
        }
    }

    /** Cohorts in precedence order. */
    public List<Cohort> cohorts() {
        return List.copyOf(cohorts.values());
    }

    /** The rule of a cohort, or null when the statement has none (such a cohort brings no budget lines). */
    public Cohort cohort(String code) {
        return cohorts.get(code);
    }

    public Chair chair(String type) {
        return chairs.get(type);
    }

    public Map<String, Chair> chairs() {
        return Map.copyOf(chairs);
    }

    /** How a service of a stream is priced; a service not listed uses its recorded cost. */
    public Reckoner reckoner(Stream stream, String service) {
        Reckoner r = reckoner.get(stream.code() + "|" + service);
        return r != null ? r : new Reckoner(stream, service, Reckoner.RECORDED, null);
    }

    /**
     * The unit cost of an item in the financial year starting in {@code fyStartYear}: that year's price,
     * else the all-years price ({@code *}), else the price of the nearest listed year (the earlier on a tie).
     */
    public BigDecimal unitCost(String item, int fyStartYear) {
        Map<String, BigDecimal> byYear = unitCosts.get(item);
        if (byYear == null) {
            throw new IllegalArgumentException(UNIT_COSTS + " has no item '" + item + "'");
        }
        BigDecimal v = byYear.get(Integer.toString(fyStartYear));
        if (v != null) {
            return v;
        }
        if (byYear.containsKey("*")) {
            return byYear.get("*");
        }
        String best = null;
        for (String y : byYear.keySet()) {
            if (best == null || Math.abs(Integer.parseInt(y) - fyStartYear) < Math.abs(Integer.parseInt(best) - fyStartYear)) {
                best = y;
            }
        }
        return byYear.get(best);
    }

    /** A hash of the four reference texts (12 hex digits). */
    public String version() {
        return version;
    }

    /** Where the pooling rules came from (the resource or the file given). */
    public String poolingSource() {
        return sources.pooling();
    }

    public Sources sources() {
        return sources;
    }

    /** Per stream, the cohorts (in precedence order) that may include it. */
    public Map<Stream, List<String>> cohortsByStream() {
        Map<Stream, List<String>> out = new EnumMap<>(Stream.class);
        for (Cohort c : cohorts.values()) {
            for (Stream s : c.streams()) {
                out.computeIfAbsent(s, k -> new ArrayList<>()).add(c.code());
            }
        }
        return out;
    }

    /** The text of a resource of the schemas module. */
    public static String resource(String path) {
        try (InputStream in = CodeLists.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
