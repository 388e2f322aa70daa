package uk.nhs.phb.models.anonymise;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test oracle: evaluates every level vector straight from the definitions with string keys and maps, sharing
 * no code with the engine's evaluation.
 */
final class BruteForce {
    record Node(int[] levels, boolean passes, long suppressed, double precision, double entropy, long discernibility, double iyengar) {
        double loss(LossMeasure m) {
            return switch (m) {
                case PRECISION -> precision;
                case NON_UNIFORM_ENTROPY -> entropy;
                case DISCERNIBILITY -> discernibility;
                case IYENGAR -> iyengar;
            };
        }

        int height() {
            return Arrays.stream(levels).sum();
        }
    }

    private final FrequencySet fs;
    private final List<Hierarchy> hs;
    private final List<PrivacyModel> models;
    private final long maxSuppressed;
    private final long n;
    private final List<List<String>> values = new ArrayList<>();
    private final List<Map<String, Map<String, Long>>> dists = new ArrayList<>();
    private final Map<String, Map<String, Long>> overall = new HashMap<>();

    BruteForce(FrequencySet fs, List<Hierarchy> hs, List<PrivacyModel> models, double limit) {
        this.fs = fs;
        for (int c = 0; c < fs.size(); c++) {
            values.add(fs.values(c));
            Map<String, Map<String, Long>> d = new HashMap<>();
            for (String a : fs.sensitiveAttributes()) {
                d.put(a, fs.sensitiveDistribution(c, a));
            }
            dists.add(d);
        }
        for (String a : fs.sensitiveAttributes()) {
            overall.put(a, fs.sensitiveDistribution(a));
        }
        this.hs = hs;
        this.models = models;
        this.n = fs.totalCount();
        this.maxSuppressed = (long) Math.floor(new BigDecimal(Double.toString(limit)).doubleValue() * n + 1e-9);
    }

    List<Node> all() {
        List<Node> out = new ArrayList<>();
        int q = hs.size();
        int[] levels = new int[q];
        while (true) {
            out.add(evaluate(levels.clone()));
            int i = q - 1;
            while (i >= 0 && levels[i] == hs.get(i).maxLevel()) {
                levels[i] = 0;
                i--;
            }
            if (i < 0) {
                return out;
            }
            levels[i]++;
        }
    }

    static Node best(List<Node> nodes, LossMeasure m) {
        Node best = null;
        for (Node x : nodes) {
            if (!x.passes()) {
                continue;
            }
            if (best == null) {
                best = x;
                continue;
            }
            double a = x.loss(m);
            double b = best.loss(m);
            if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) {
                if (a < b) {
                    best = x;
                }
            } else if (x.height() != best.height() ? x.height() < best.height()
                    : Arrays.compare(x.levels(), best.levels()) < 0) {
                best = x;
            }
        }
        return best;
    }

    Node evaluate(int[] levels) {
        int q = hs.size();
        Map<List<String>, Long> size = new LinkedHashMap<>();
        Map<List<String>, Map<String, Map<String, Long>>> dist = new HashMap<>();
        List<List<String>> keys = new ArrayList<>();
        for (int c = 0; c < fs.size(); c++) {
            List<String> key = new ArrayList<>();
            for (int i = 0; i < q; i++) {
                key.add(hs.get(i).generalise(values.get(c).get(i), levels[i]));
            }
            keys.add(key);
            size.merge(key, fs.count(c), Long::sum);
            for (String a : fs.sensitiveAttributes()) {
                Map<String, Long> d = dist.computeIfAbsent(key, x -> new HashMap<>()).computeIfAbsent(a, x -> new HashMap<>());
                dists.get(c).get(a).forEach((v, k) -> d.merge(v, k, Long::sum));
            }
        }
        java.util.Set<List<String>> failed = new java.util.HashSet<>();
        long suppressed = 0;
        for (Map.Entry<List<String>, Long> e : size.entrySet()) {
            if (fails(e.getValue(), dist.getOrDefault(e.getKey(), Map.of()))) {
                failed.add(e.getKey());
                suppressed += e.getValue();
            }
        }
        // precision
        double h = 0;
        int gen = 0;
        for (int i = 0; i < q; i++) {
            if (hs.get(i).maxLevel() > 0) {
                h += (double) levels[i] / hs.get(i).maxLevel();
                gen++;
            }
        }
        h /= gen;
        double precision = 0;
        long dm = 0;
        for (Map.Entry<List<String>, Long> e : size.entrySet()) {
            long f = e.getValue();
            if (failed.contains(e.getKey())) {
                precision += f;
                dm += f * n;
            } else {
                precision += f * h;
                dm += f * f;
            }
        }
        precision /= n;
        // non-uniform entropy, per record and QI
        double entropy = 0;
        for (int i = 0; i < q; i++) {
            Map<String, Long> fOrig = new HashMap<>();
            Map<String, Long> fGen = new HashMap<>();
            for (int c = 0; c < fs.size(); c++) {
                String v = values.get(c).get(i);
                fOrig.merge(v, fs.count(c), Long::sum);
                fGen.merge(keys.get(c).get(i), fs.count(c), Long::sum);
            }
            for (int c = 0; c < fs.size(); c++) {
                List<String> key = keys.get(c);
                String v = values.get(c).get(i);
                double denominator = failed.contains(key) ? n : fGen.get(key.get(i));
                entropy += fs.count(c) * -(Math.log(fOrig.get(v) / denominator) / Math.log(2));
            }
        }
        // Iyengar's generalised loss, per record and QI: (values of the column under its node - 1) / (values - 1), 1 if suppressed
        double iyengar = 0;
        int varying = 0;
        for (int i = 0; i < q; i++) {
            java.util.Set<String> domain = new java.util.HashSet<>();
            for (int c = 0; c < fs.size(); c++) {
                domain.add(values.get(c).get(i));
            }
            if (domain.size() < 2) {
                continue;
            }
            varying++;
            Map<String, java.util.Set<String>> beneath = new HashMap<>();
            for (String v : domain) {
                beneath.computeIfAbsent(hs.get(i).generalise(v, levels[i]), x -> new java.util.HashSet<>()).add(v);
            }
            for (int c = 0; c < fs.size(); c++) {
                List<String> key = keys.get(c);
                double loss = failed.contains(key) ? 1 : (beneath.get(key.get(i)).size() - 1.0) / (domain.size() - 1);
                iyengar += fs.count(c) * loss;
            }
        }
        iyengar = varying == 0 ? 0 : iyengar / ((double) n * varying);
        return new Node(levels, suppressed <= maxSuppressed, suppressed, precision, entropy, dm, iyengar);
    }

    private boolean fails(long size, Map<String, Map<String, Long>> d) {
        for (PrivacyModel m : models) {
            if (m instanceof PrivacyModel.KAnonymity k && size < k.k()) {
                return true;
            }
            if (m instanceof PrivacyModel.DistinctLDiversity l && d.get(l.attribute()).size() < l.l()) {
                return true;
            }
            if (m instanceof PrivacyModel.EntropyLDiversity l) {
                double e = 0;
                for (long v : d.get(l.attribute()).values()) {
                    double p = (double) v / size;
                    e -= p * Math.log(p);
                }
                if (e < Math.log(l.l()) - 1e-9) {
                    return true;
                }
            }
            if (m instanceof PrivacyModel.TCloseness t) {
                Map<String, Long> all = overall.get(t.attribute());
                Map<String, Long> p = d.get(t.attribute());
                double dist = 0;
                if (t.distance() == PrivacyModel.Distance.EQUAL) {
                    for (String v : all.keySet()) {
                        dist += Math.abs((double) p.getOrDefault(v, 0L) / size - (double) all.get(v) / n) / 2;
                    }
                } else {
                    TreeMap<Double, String> order = new TreeMap<>();
                    all.keySet().forEach(v -> order.put(Double.parseDouble(v), v));
                    double cum = 0;
                    for (String v : order.values()) {
                        cum += (double) p.getOrDefault(v, 0L) / size - (double) all.get(v) / n;
                        dist += Math.abs(cum);
                    }
                    dist = order.size() <= 1 ? 0 : dist / (order.size() - 1);
                }
                if (dist > t.t() + 1e-9) {
                    return true;
                }
            }
        }
        return false;
    }
}
