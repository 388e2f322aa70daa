package uk.nhs.phb.models.anonymise;

/**
 * The equivalence classes of one transformation, columnar: for each class its generalised codes, record
 * count and, for the tracked sensitive attributes, its value distribution (CSR: values of class c at
 * offsets[c]..offsets[c+1]).
 */
final class Partition {
    /** One map per thread for every roll-up: emptied in constant time, grown only when a partition is larger. */
    private static final ThreadLocal<LongIntMap> SCRATCH = new ThreadLocal<>();

    final int node;
    final int[] levels;
    final int size;
    final int[][] codes;
    final long[] counts;
    /** Indexed by sensitive attribute; null for attributes not tracked. */
    final int[][] sOffsets;
    final int[][] sCodes;
    final long[][] sCounts;

    private Partition(int node, int[] levels, int size, int[][] codes, long[] counts, int[][] sOffsets, int[][] sCodes,
            long[][] sCounts) {
        this.node = node;
        this.levels = levels;
        this.size = size;
        this.codes = codes;
        this.counts = counts;
        this.sOffsets = sOffsets;
        this.sCodes = sCodes;
        this.sCounts = sCounts;
    }

    /** The bottom node: the distinct combinations themselves. */
    static Partition bottom(FrequencySet fs, boolean[] tracked) {
        int s = tracked.length;
        int[][] off = new int[s][];
        int[][] codes = new int[s][];
        long[][] cnts = new long[s][];
        for (int a = 0; a < s; a++) {
            if (tracked[a]) {
                off[a] = fs.sOffsets[a];
                codes[a] = fs.sCodes[a];
                cnts[a] = fs.sCounts[a];
            }
        }
        return new Partition(0, new int[fs.qiCodes.length], fs.size(), fs.qiCodes, fs.counts, off, codes, cnts);
    }

    /** The classes of node {@code target} (levels {@code tgt}, each >= this partition's), rolled up from these. */
    Partition rollUp(int target, int[] tgt, Domains d) {
        int q = levels.length;
        int n = size;
        int[][] maps = new int[q][];
        boolean same = true;
        for (int i = 0; i < q; i++) {
            maps[i] = d.up[i][levels[i]][tgt[i]];
            same &= levels[i] == tgt[i];
        }
        if (same) {
            return this;
        }
        int[] classOf = new int[n];
        long[] mul = new long[q];
        boolean fits = true;
        long m = 1;
        for (int i = q - 1; i >= 0 && fits; i--) {
            mul[i] = m;
            try {
                m = Math.multiplyExact(m, (long) d.dict[i][tgt[i]].length);
            } catch (ArithmeticException e) {
                fits = false;
            }
        }
        int classes;
        if (fits) {
            LongIntMap ids = scratch(n);
            classes = 0;
            for (int c = 0; c < n; c++) {
                long key = 0;
                for (int i = 0; i < q; i++) {
                    key += maps[i][codes[i][c]] * mul[i];
                }
                int id = ids.putIfAbsent(key, classes);
                if (id == classes) {
                    classes++;
                }
                classOf[c] = id;
            }
        } else {
            // refine one column at a time: (class so far, code) pairs always fit in a long
            for (int c = 0; c < n; c++) {
                classOf[c] = maps[0][codes[0][c]];
            }
            classes = d.dict[0][tgt[0]].length;
            for (int i = 1; i < q; i++) {
                LongIntMap ids = scratch(n);
                long width = d.dict[i][tgt[i]].length;
                int next = 0;
                for (int c = 0; c < n; c++) {
                    long key = classOf[c] * width + maps[i][codes[i][c]];
                    int id = ids.putIfAbsent(key, next);
                    if (id == next) {
                        next++;
                    }
                    classOf[c] = id;
                }
                classes = next;
            }
        }
        long[] cnt = new long[classes];
        int[][] gen = new int[q][classes];
        for (int c = 0; c < n; c++) {
            int k = classOf[c];
            cnt[k] += counts[c];
        }
        for (int i = 0; i < q; i++) {
            int[] map = maps[i];
            int[] src = codes[i];
            int[] dst = gen[i];
            for (int c = 0; c < n; c++) {
                dst[classOf[c]] = map[src[c]];
            }
        }
        int s = sOffsets.length;
        int[][] off = new int[s][];
        int[][] sc = new int[s][];
        long[][] sn = new long[s][];
        boolean any = false;
        for (int a = 0; a < s; a++) {
            any |= sOffsets[a] != null;
        }
        if (any) {
            // members of each class, contiguous
            int[] start = new int[classes + 1];
            for (int c = 0; c < n; c++) {
                start[classOf[c] + 1]++;
            }
            for (int k = 0; k < classes; k++) {
                start[k + 1] += start[k];
            }
            int[] fill = start.clone();
            int[] members = new int[n];
            for (int c = 0; c < n; c++) {
                members[fill[classOf[c]]++] = c;
            }
            for (int a = 0; a < s; a++) {
                if (sOffsets[a] == null) {
                    continue;
                }
                mergeDistributions(a, classes, start, members, off, sc, sn);
            }
        }
        return new Partition(target, tgt.clone(), classes, gen, cnt, off, sc, sn);
    }

    private void mergeDistributions(int a, int classes, int[] start, int[] members, int[][] off, int[][] sc, long[][] sn) {
        int[] so = sOffsets[a];
        int[] scode = sCodes[a];
        long[] scnt = sCounts[a];
        int domain = 0;
        for (int v : scode) {
            domain = Math.max(domain, v + 1);
        }
        long[] acc = new long[domain];
        int[] touched = new int[domain];
        int[] o = new int[classes + 1];
        int[] outCodes = new int[scode.length];
        long[] outCounts = new long[scode.length];
        int w = 0;
        for (int k = 0; k < classes; k++) {
            int t = 0;
            for (int j = start[k]; j < start[k + 1]; j++) {
                int c = members[j];
                for (int e = so[c]; e < so[c + 1]; e++) {
                    int v = scode[e];
                    if (acc[v] == 0) {
                        touched[t++] = v;
                    }
                    acc[v] += scnt[e];
                }
            }
            java.util.Arrays.sort(touched, 0, t);
            for (int x = 0; x < t; x++) {
                int v = touched[x];
                outCodes[w] = v;
                outCounts[w++] = acc[v];
                acc[v] = 0;
            }
            o[k + 1] = w;
        }
        off[a] = o;
        sc[a] = java.util.Arrays.copyOf(outCodes, w);
        sn[a] = java.util.Arrays.copyOf(outCounts, w);
    }

    private static LongIntMap scratch(int keys) {
        LongIntMap m = SCRATCH.get();
        if (m == null) {
            m = new LongIntMap(keys);
            SCRATCH.set(m);
        } else {
            m.reset(keys);
        }
        return m;
    }
}
