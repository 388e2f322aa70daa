package uk.nhs.phb.models.anonymise;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Re-checks k-anonymity, l-diversity and t-closeness claims on an already generalised table, trusting nothing
 * but the values: it regroups the rows by their quasi-identifier strings, merges the sensitive distributions
 * and evaluates each model directly from its definition (a separate code path from the search's). There is
 * no suppression allowance: every class in the table must satisfy every model (suppressed records are
 * expected to have been removed; rows released with every quasi-identifier {@code *} form a class like any
 * other).
 *
 * <p>t-closeness compares each class with the table's own distribution unless a reference distribution is
 * given ({@link #reference}); the search compares with the distribution of all input records, so when records
 * were suppressed pass the input distribution to reproduce its check.
 */
public final class VerifyAnonymity {
    private final FrequencySet released;
    private final List<PrivacyModel> models = new ArrayList<>();
    private final Map<String, Map<String, Long>> references = new HashMap<>();

    private VerifyAnonymity(FrequencySet released) {
        this.released = released;
    }

    public static VerifyAnonymity of(FrequencySet released) {
        return new VerifyAnonymity(released);
    }

    public VerifyAnonymity model(PrivacyModel m) {
        models.add(m);
        return this;
    }

    /** The distribution t-closeness of {@code attribute} is measured against (counts per value). */
    public VerifyAnonymity reference(String attribute, Map<String, Long> counts) {
        references.put(attribute, Map.copyOf(counts));
        return this;
    }

    /** Outcome of one model. {@code worst} is the smallest size, fewest values, lowest entropy or largest distance. */
    public record Check(String model, boolean passed, int classes, int violatingClasses, long violatingRecords, double worst) {
    }

    /** All checks; {@link #passed()} only if every one passed (its JSON: passed, records, classes, checks). */
    @JsonPropertyOrder({"passed", "records", "classes", "checks"})
    public record Report(long records, int classes, List<Check> checks) {
        @JsonProperty("passed")
        public boolean passed() {
            return checks.stream().allMatch(Check::passed);
        }
    }

    public Report execute() {
        for (PrivacyModel m : models) {
            if (m.attribute() != null && !released.sensitiveAttributes().contains(m.attribute())) {
                throw new IllegalArgumentException(m + ": the table has no sensitive attribute '" + m.attribute() + "' "
                        + released.sensitiveAttributes());
            }
        }
        // regroup by the quasi-identifier strings
        Map<List<String>, Long> sizes = new LinkedHashMap<>();
        Map<List<String>, Map<String, Map<String, Long>>> dists = new HashMap<>();
        for (int r = 0; r < released.size(); r++) {
            List<String> key = released.values(r);
            sizes.merge(key, released.count(r), Long::sum);
            Map<String, Map<String, Long>> d = dists.computeIfAbsent(key, x -> new HashMap<>());
            for (String attribute : released.sensitiveAttributes()) {
                Map<String, Long> into = d.computeIfAbsent(attribute, x -> new HashMap<>());
                released.sensitiveDistribution(r, attribute).forEach((v, n) -> into.merge(v, n, Long::sum));
            }
        }
        List<Check> checks = new ArrayList<>();
        for (PrivacyModel m : models) {
            int bad = 0;
            long badRecords = 0;
            double worst = Double.NaN;
            Map<String, Long> reference = null;
            List<String> order = null;
            if (m instanceof PrivacyModel.TCloseness t) {
                reference = references.containsKey(t.attribute()) ? references.get(t.attribute())
                        : released.sensitiveDistribution(t.attribute());
                order = t.distance() == PrivacyModel.Distance.ORDERED ? order(t, reference) : null;
            }
            for (Map.Entry<List<String>, Long> e : sizes.entrySet()) {
                long size = e.getValue();
                Map<String, Long> d = m.attribute() == null ? null : dists.get(e.getKey()).get(m.attribute());
                double value;
                boolean ok;
                if (m instanceof PrivacyModel.KAnonymity k) {
                    value = size;
                    ok = size >= k.k();
                    worst = Double.isNaN(worst) ? value : Math.min(worst, value);
                } else if (m instanceof PrivacyModel.DistinctLDiversity l) {
                    value = positive(d);
                    ok = value >= l.l();
                    worst = Double.isNaN(worst) ? value : Math.min(worst, value);
                } else if (m instanceof PrivacyModel.EntropyLDiversity l) {
                    value = shannon(d);
                    ok = value >= Math.log(l.l()) - PrivacyModel.TOLERANCE;
                    worst = Double.isNaN(worst) ? value : Math.min(worst, value);
                } else {
                    PrivacyModel.TCloseness t = (PrivacyModel.TCloseness) m;
                    value = order == null ? variation(d, reference) : earthMovers(d, reference, order);
                    ok = value <= t.t() + PrivacyModel.TOLERANCE;
                    worst = Double.isNaN(worst) ? value : Math.max(worst, value);
                }
                if (!ok) {
                    bad++;
                    badRecords += size;
                }
            }
            checks.add(new Check(m.toString(), bad == 0, sizes.size(), bad, badRecords, worst));
        }
        long records = sizes.values().stream().mapToLong(Long::longValue).sum();
        return new Report(records, sizes.size(), checks);
    }

    private static int positive(Map<String, Long> d) {
        int n = 0;
        for (long v : d.values()) {
            if (v > 0) {
                n++;
            }
        }
        return n;
    }

    /** Shannon entropy (natural log) of a distribution of counts. */
    private static double shannon(Map<String, Long> d) {
        double total = 0;
        for (long v : d.values()) {
            total += v;
        }
        double h = 0;
        for (long v : d.values()) {
            if (v > 0) {
                double p = v / total;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    private static double share(Map<String, Long> d, String v, double total) {
        Long n = d.get(v);
        return n == null ? 0 : n / total;
    }

    private static double sum(Map<String, Long> d) {
        double t = 0;
        for (long v : d.values()) {
            t += v;
        }
        return t;
    }

    /** Half the L1 distance between the two distributions, over the union of their values. */
    private static double variation(Map<String, Long> p, Map<String, Long> q) {
        double np = sum(p);
        double nq = sum(q);
        Map<String, Boolean> values = new HashMap<>();
        p.keySet().forEach(v -> values.put(v, true));
        q.keySet().forEach(v -> values.put(v, true));
        double d = 0;
        for (String v : values.keySet()) {
            d += Math.abs(share(p, v, np) - share(q, v, nq));
        }
        return d / 2;
    }

    /** Ordered EMD: the sum of |cumulative difference| over the ordered domain, divided by m - 1. */
    private static double earthMovers(Map<String, Long> p, Map<String, Long> q, List<String> order) {
        if (order.size() <= 1) {
            return 0;
        }
        for (String v : p.keySet()) {
            if (!order.contains(v)) {
                throw new IllegalArgumentException("ordered t-closeness: value '" + v + "' is not in the reference distribution");
            }
        }
        double np = sum(p);
        double nq = sum(q);
        double cumulative = 0;
        double d = 0;
        for (String v : order) {
            cumulative += share(p, v, np) - share(q, v, nq);
            d += Math.abs(cumulative);
        }
        return d / (order.size() - 1);
    }

    private static List<String> order(PrivacyModel.TCloseness t, Map<String, Long> reference) {
        if (t.order() != null) {
            List<String> o = new ArrayList<>();
            for (String v : t.order()) {
                if (reference.containsKey(v)) {
                    o.add(v);
                }
            }
            return o;
        }
        TreeMap<BigDecimal, String> sorted = new TreeMap<>();
        for (String v : reference.keySet()) {
            try {
                sorted.put(new BigDecimal(v.strip()), v);
            } catch (NumberFormatException | NullPointerException e) {
                throw new IllegalArgumentException("ordered t-closeness of '" + t.attribute() + "': value '" + v
                        + "' is not a number; give the order of the values");
            }
        }
        return new ArrayList<>(sorted.values());
    }
}
