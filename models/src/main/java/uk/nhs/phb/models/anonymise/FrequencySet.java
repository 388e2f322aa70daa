package uk.nhs.phb.models.anonymise;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input of the anonymisation search: the distinct combinations of quasi-identifier values with their
 * record counts and, per sensitive attribute, the count of each sensitive value within the combination.
 * Built once (in Spark, a {@code groupBy(qi..., sensitive...).count()}), so the search costs the number of
 * distinct combinations, not the number of records. Values are strings; null means missing. Immutable.
 *
 * <pre>{@code
 * FrequencySet.Builder b = FrequencySet.builder(List.of("age", "sex"), List.of("diagnosis"));
 * b.add(new String[] {"37", "F"}, new String[] {"C50"}, 12);  // 12 records with these values
 * FrequencySet fs = b.build();
 * }</pre>
 */
public final class FrequencySet implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> quasiIdentifiers;
    private final List<String> sensitive;
    final String[][] qiDict;
    final int[][] qiCodes;
    final long[] counts;
    final String[][] sDict;
    final int[][] sOffsets;
    final int[][] sCodes;
    final long[][] sCounts;
    private final long total;

    private FrequencySet(List<String> quasiIdentifiers, List<String> sensitive, String[][] qiDict, int[][] qiCodes,
            long[] counts, String[][] sDict, int[][] sOffsets, int[][] sCodes, long[][] sCounts) {
        this.quasiIdentifiers = quasiIdentifiers;
        this.sensitive = sensitive;
        this.qiDict = qiDict;
        this.qiCodes = qiCodes;
        this.counts = counts;
        this.sDict = sDict;
        this.sOffsets = sOffsets;
        this.sCodes = sCodes;
        this.sCounts = sCounts;
        long t = 0;
        for (long c : counts) {
            t = Math.addExact(t, c);
        }
        this.total = t;
    }

    /** A builder for the given quasi-identifier and sensitive columns (names must be distinct). */
    public static Builder builder(List<String> quasiIdentifiers, List<String> sensitiveAttributes) {
        return new Builder(quasiIdentifiers, sensitiveAttributes);
    }

    public List<String> quasiIdentifiers() {
        return quasiIdentifiers;
    }

    public List<String> sensitiveAttributes() {
        return sensitive;
    }

    /** Number of distinct quasi-identifier combinations. */
    public int size() {
        return counts.length;
    }

    /** Number of records. */
    public long totalCount() {
        return total;
    }

    /** The quasi-identifier values of combination {@code i}, in column order. */
    public List<String> values(int i) {
        List<String> out = new ArrayList<>(qiCodes.length);
        for (int q = 0; q < qiCodes.length; q++) {
            out.add(qiDict[q][qiCodes[q][i]]);
        }
        return Collections.unmodifiableList(out);
    }

    /** Record count of combination {@code i}. */
    public long count(int i) {
        return counts[i];
    }

    /** Counts of each value of a sensitive attribute within combination {@code i}. */
    public Map<String, Long> sensitiveDistribution(int i, String attribute) {
        int a = sensitive.indexOf(attribute);
        if (a < 0) {
            throw new IllegalArgumentException("'" + attribute + "' is not a sensitive attribute of this frequency set " + sensitive);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int j = sOffsets[a][i]; j < sOffsets[a][i + 1]; j++) {
            out.put(sDict[a][sCodes[a][j]], sCounts[a][j]);
        }
        return out;
    }

    /** Counts of each value of a sensitive attribute over all records. */
    public Map<String, Long> sensitiveDistribution(String attribute) {
        int a = sensitive.indexOf(attribute);
        if (a < 0) {
            throw new IllegalArgumentException("'" + attribute + "' is not a sensitive attribute of this frequency set " + sensitive);
        }
        long[] n = new long[sDict[a].length];
        for (int j = 0; j < sCodes[a].length; j++) {
            n[sCodes[a][j]] += sCounts[a][j];
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int v = 0; v < n.length; v++) {
            out.put(sDict[a][v], n[v]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "FrequencySet[" + size() + " combinations of " + quasiIdentifiers + ", " + total + " records, sensitive "
                + sensitive + "]";
    }

    /** Accumulates records or pre-aggregated counts; identical combinations are merged. Not thread-safe. */
    public static final class Builder {
        private final List<String> qis;
        private final List<String> sens;
        private final List<Map<String, Integer>> qiIndex = new ArrayList<>();
        private final List<List<String>> qiValues = new ArrayList<>();
        private final List<Map<String, Integer>> sIndex = new ArrayList<>();
        private final List<List<String>> sValues = new ArrayList<>();
        private final Map<Key, Integer> combos = new HashMap<>();
        private final List<int[]> comboCodes = new ArrayList<>();
        private long[] counts = new long[1024];
        private final List<List<Map<Integer, Long>>> dists = new ArrayList<>();

        private Builder(List<String> quasiIdentifiers, List<String> sensitiveAttributes) {
            List<String> all = new ArrayList<>(quasiIdentifiers);
            all.addAll(sensitiveAttributes);
            if (all.stream().distinct().count() != all.size() || all.contains(null)) {
                throw new IllegalArgumentException("quasi-identifier and sensitive column names must be distinct and not null: "
                        + quasiIdentifiers + " / " + sensitiveAttributes);
            }
            if (quasiIdentifiers.isEmpty()) {
                throw new IllegalArgumentException("a frequency set needs at least one quasi-identifier");
            }
            this.qis = List.copyOf(quasiIdentifiers);
            this.sens = List.copyOf(sensitiveAttributes);
            for (int i = 0; i < qis.size(); i++) {
                qiIndex.add(new HashMap<>());
                qiValues.add(new ArrayList<>());
            }
            for (int a = 0; a < sens.size(); a++) {
                sIndex.add(new HashMap<>());
                sValues.add(new ArrayList<>());
                dists.add(new ArrayList<>());
            }
        }

        /** Adds {@code count} records with these quasi-identifier values (no sensitive attributes). */
        public Builder add(String[] qiValues, long count) {
            return add(qiValues, new String[0], count);
        }

        /**
         * Adds {@code count} records with these quasi-identifier and sensitive values (arrays in the column
         * order given to {@link FrequencySet#builder}).
         */
        public Builder add(String[] qiValues, String[] sensitiveValues, long count) {
            if (sensitiveValues.length != sens.size()) {
                throw new IllegalArgumentException("expected " + sens.size() + " sensitive values " + sens + ", got "
                        + Arrays.toString(sensitiveValues));
            }
            int idx = addCombination(qiValues, count);
            if (idx < 0) {
                return this;
            }
            for (int a = 0; a < sens.size(); a++) {
                int v = code(sIndex.get(a), sValues.get(a), sensitiveValues[a]);
                dists.get(a).get(idx).merge(v, count, Long::sum);
            }
            return this;
        }

        /**
         * Adds {@code count} records with these quasi-identifier values and, per sensitive attribute (in
         * column order), the counts of its values among them (each distribution must sum to {@code count}).
         * For tables where the sensitive attributes were counted separately, e.g. a released file.
         */
        public Builder add(String[] qiValues, long count, List<Map<String, Long>> sensitiveDistributions) {
            if (sensitiveDistributions.size() != sens.size()) {
                throw new IllegalArgumentException("expected " + sens.size() + " sensitive distributions " + sens + ", got "
                        + sensitiveDistributions.size());
            }
            for (int a = 0; a < sens.size(); a++) {
                long sum = 0;
                for (long v : sensitiveDistributions.get(a).values()) {
                    if (v < 0) {
                        throw new IllegalArgumentException("negative count in the distribution of '" + sens.get(a) + "' for "
                                + Arrays.toString(qiValues));
                    }
                    sum += v;
                }
                if (sum != count) {
                    throw new IllegalArgumentException("the distribution of '" + sens.get(a) + "' for " + Arrays.toString(qiValues)
                            + " sums to " + sum + ", not the record count " + count);
                }
            }
            int idx = addCombination(qiValues, count);
            if (idx < 0) {
                return this;
            }
            for (int a = 0; a < sens.size(); a++) {
                for (Map.Entry<String, Long> e : sensitiveDistributions.get(a).entrySet()) {
                    if (e.getValue() > 0) {
                        int v = code(sIndex.get(a), sValues.get(a), e.getKey());
                        dists.get(a).get(idx).merge(v, e.getValue(), Long::sum);
                    }
                }
            }
            return this;
        }

        private int addCombination(String[] qiValues, long count) {
            if (qiValues.length != qis.size()) {
                throw new IllegalArgumentException("expected " + qis.size() + " quasi-identifier values " + qis + ", got "
                        + Arrays.toString(qiValues));
            }
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative, got " + count + " for " + Arrays.toString(qiValues));
            }
            if (count == 0) {
                return -1;
            }
            int[] codes = new int[qiValues.length];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = code(qiIndex.get(i), this.qiValues.get(i), qiValues[i]);
            }
            Integer idx = combos.get(new Key(codes));
            if (idx == null) {
                idx = comboCodes.size();
                combos.put(new Key(codes), idx);
                comboCodes.add(codes);
                if (idx == counts.length) {
                    counts = Arrays.copyOf(counts, counts.length * 2);
                }
                for (int a = 0; a < sens.size(); a++) {
                    dists.get(a).add(new HashMap<>(4));
                }
            }
            counts[idx] = Math.addExact(counts[idx], count);
            return idx;
        }

        private static int code(Map<String, Integer> index, List<String> values, String v) {
            Integer c = index.get(v);
            if (c == null) {
                c = values.size();
                index.put(v, c);
                values.add(v);
            }
            return c;
        }

        public FrequencySet build() {
            int n = comboCodes.size();
            int q = qis.size();
            int[][] qiCodes = new int[q][n];
            for (int c = 0; c < n; c++) {
                int[] codes = comboCodes.get(c);
                for (int i = 0; i < q; i++) {
                    qiCodes[i][c] = codes[i];
                }
            }
            String[][] qiDict = new String[q][];
            for (int i = 0; i < q; i++) {
                qiDict[i] = qiValues.get(i).toArray(new String[0]);
            }
            int s = sens.size();
            String[][] sDict = new String[s][];
            int[][] off = new int[s][];
            int[][] codes = new int[s][];
            long[][] cnts = new long[s][];
            for (int a = 0; a < s; a++) {
                sDict[a] = sValues.get(a).toArray(new String[0]);
                List<Map<Integer, Long>> d = dists.get(a);
                off[a] = new int[n + 1];
                int total = 0;
                for (int c = 0; c < n; c++) {
                    total += d.get(c).size();
                    off[a][c + 1] = total;
                }
                codes[a] = new int[total];
                cnts[a] = new long[total];
                int j = 0;
                for (int c = 0; c < n; c++) {
                    List<Map.Entry<Integer, Long>> es = new ArrayList<>(d.get(c).entrySet());
                    es.sort(Map.Entry.comparingByKey());
                    for (Map.Entry<Integer, Long> e : es) {
                        codes[a][j] = e.getKey();
                        cnts[a][j++] = e.getValue();
                    }
                }
            }
            return new FrequencySet(qis, sens, qiDict, qiCodes, Arrays.copyOf(counts, n), sDict, off, codes, cnts);
        }
    }

    private record Key(int[] codes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(codes, k.codes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(codes);
        }

        @Override
        public String toString() {
            return Arrays.toString(codes);
        }
    }
}
