package uk.nhs.phb.pipelines.synth;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.schemas.Csv;
import uk.nhs.phb.schemas.profiles.PriceList;

/**
 * The generator's reference data: CSV resources under {@code uk/nhs/phb/schemas/reference/synth/}, each
 * opening with comment lines that give the source (or say "plausible value, labelled"). Loaded once per JVM;
 * a task carries a token in its place, since every executor has the same resources (deserialising the tables and
 * price lists in every task was half the CPU time of a small synthesis).
 */
final class Reference implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String ROOT = "/uk/nhs/phb/schemas/reference/synth/";

    final Map<String, Double> parameters;
    final List<Map<String, String>> population;
    final List<Map<String, String>> activity;
    final List<Map<String, String>> conditions;
    final List<Map<String, String>> ethnicity;
    final List<Map<String, String>> diagnoses;
    final List<Map<String, String>> phbGroups;
    final List<Map<String, String>> sen;
    final List<Map<String, String>> efiDeficits;
    final List<Map<String, String>> optOuts;
    /** SNOMED CT concepts of a registration health check (no cluster's), for the national GP journal. */
    final List<Map<String, String>> gpRoutineConcepts;
    /** BNF presentations, one per chemical substance, for the national NHSBSA items. */
    final List<Map<String, String>> bnfMedicines;
    /** A looked-after placement's SSDA903 PLACE codes by cost group (cla_foster_week ...), with their shares. */
    final Map<String, List<Map<String, String>>> claPlacements = new java.util.LinkedHashMap<>();
    final Map<String, List<String>> names = new HashMap<>();
    /** given name -> the other forms a record may hold it in ({@code name_variants.csv}) */
    final Map<String, List<String>> nameVariants = new HashMap<>();
    private final Map<String, Double> costs = new HashMap<>();
    /** NHS England's national prices, as ingest prices activity that arrives without a cost (PriceList). */
    private final PriceList.Index nationalHrg = PriceList.national().index("hrg");
    private final PriceList.Index nationalUnitCosts = PriceList.national().index("unit_cost");

    private Reference() {
        parameters = new HashMap<>();
        for (Map<String, String> r : table(ROOT + "parameters.csv")) {
            parameters.put(r.get("name"), Double.parseDouble(r.get("value")));
        }
        population = table(ROOT + "population.csv");
        activity = table(ROOT + "activity.csv");
        conditions = table(ROOT + "conditions.csv");
        ethnicity = table(ROOT + "ethnicity.csv");
        diagnoses = table(ROOT + "diagnoses.csv");
        phbGroups = table(ROOT + "phb_groups.csv");
        sen = table(ROOT + "sen.csv");
        efiDeficits = table("/uk/nhs/phb/schemas/reference/efi_deficits.csv");
        optOuts = table(ROOT + "opt_outs.csv");
        gpRoutineConcepts = table(ROOT + "gp_routine_concepts.csv");
        bnfMedicines = table(ROOT + "bnf_medicines.csv");
        for (Map<String, String> r : table(ROOT + "cla_placements.csv")) {
            claPlacements.computeIfAbsent(r.get("group"), k -> new ArrayList<>()).add(r);
        }
        for (Map<String, String> r : table(ROOT + "names.csv")) {
            names.computeIfAbsent(r.get("kind"), k -> new ArrayList<>()).add(r.get("name"));
        }
        for (Map<String, String> r : table(ROOT + "name_variants.csv")) {
            nameVariants.computeIfAbsent(r.get("name"), k -> new ArrayList<>()).add(r.get("variant"));
        }
        for (Map<String, String> r : table(ROOT + "unit_costs.csv")) {
            costs.put(r.get("item") + "|" + r.get("fy"), Double.parseDouble(r.get("cost")));
        }
    }

    /** The PLACE code of a placement in cost group {@code group}, chosen by {@code u} in [0, 1) along the group's shares. */
    String claPlacement(String group, double u) {
        List<Map<String, String>> codes = claPlacements.get(group);
        if (codes == null) {
            throw new IllegalStateException("cla_placements.csv has no group '" + group + "'");
        }
        double total = codes.stream().mapToDouble(r -> d(r, "share")).sum();
        double at = u * total;
        for (Map<String, String> r : codes) {
            at -= d(r, "share");
            if (at < 0) {
                return r.get("code");
            }
        }
        return codes.get(codes.size() - 1).get("code");
    }

    private static Reference shared;

    static synchronized Reference load() {
        if (shared == null) {
            shared = new Reference();
        }
        return shared;
    }

    private Object writeReplace() {
        return new Token();
    }

    /** What a serialised Reference is: nothing but the instruction to load this JVM's own. */
    private record Token() implements Serializable {
        private Object readResolve() {
            return load();
        }
    }

    /**
     * The national price of activity at a point of delivery on {@code date}, as ingest prices a national extract that
     * carries no cost (docs/PROFILES.md): a sender of phb's layout that costs such activity uses the same list.
     */
    PriceList.Priced nationalPrice(String pointOfDelivery, String code, java.time.LocalDate date) {
        int fy = date.getMonthValue() < 4 ? date.getYear() - 1 : date.getYear();
        PriceList.Priced p = nationalHrg.find(pointOfDelivery, code, fy);
        if (p == null) {
            throw new IllegalStateException("the national price list has no price for " + pointOfDelivery + " " + code);
        }
        return p;
    }

    /** The national unit cost list's price of {@code code} at {@code pointOfDelivery} on {@code date}, or null when it has none. */
    PriceList.Priced nationalUnitCost(String pointOfDelivery, String code, java.time.LocalDate date) {
        return nationalUnitCosts.find(pointOfDelivery, code, date.getMonthValue() < 4 ? date.getYear() - 1 : date.getYear());
    }

    /** A named scalar from parameters.csv; a missing name is a programming error. */
    double p(String name) {
        Double v = parameters.get(name);
        if (v == null) {
            throw new IllegalStateException("parameters.csv has no parameter '" + name + "'");
        }
        return v;
    }

    /** Unit cost of an item in the financial year starting in {@code fyStartYear} (or its all-years value). */
    double cost(String item, int fyStartYear) {
        Double v = costs.get(item + "|" + fyStartYear);
        if (v == null) {
            v = costs.get(item + "|*");
        }
        if (v == null) {
            // years outside the table take the nearest year given
            int best = Integer.MAX_VALUE;
            for (Map.Entry<String, Double> e : costs.entrySet()) {
                String[] k = e.getKey().split("\\|");
                if (k[0].equals(item) && !k[1].equals("*")) {
                    int d = Math.abs(Integer.parseInt(k[1]) - fyStartYear);
                    if (d < best) {
                        best = d;
                        v = e.getValue();
                    }
                }
            }
        }
        if (v == null) {
            throw new IllegalStateException("unit_costs.csv has no item '" + item + "'");
        }
        return v;
    }

    double cost(String item) {
        return cost(item, Integer.MIN_VALUE / 2);
    }

    static List<Map<String, String>> table(String resource) {
        InputStream in = Reference.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing reference resource " + resource);
        }
        return Csv.rows(resource, new InputStreamReader(in, StandardCharsets.UTF_8), List.of()).stream().map(Csv.Row::values).toList();
    }

    static double d(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }
}
