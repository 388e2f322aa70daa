package uk.nhs.phb.models.anonymise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The quasi-identifier values present in a frequency set, dictionary-encoded at every level of their
 * hierarchies, with the maps between levels, value frequencies and the per-column entropy costs.
 */
final class Domains {
    final int q;
    final int[] maxLevel;
    /** dict[i][L][code]: the value of code at level L of QI i. */
    final String[][][] dict;
    /** up[i][a][b][code at a]: its code at level b (b >= a). */
    final int[][][][] up;
    /** freq[i][L][code]: records whose QI i generalises to code at level L. */
    final long[][][] freq;
    /** nue[i][L]: non-uniform entropy (bits) of QI i at level L with no suppression. */
    final double[][] nue;
    /** gl[i][L][code]: Iyengar's loss of a value of QI i generalised to code at level L: (values beneath - 1) / (values - 1). */
    final double[][][] gl;
    /** glSum[i][L]: that loss summed over the records, with no suppression. */
    final double[][] glSum;
    /** The quasi-identifiers with more than one value, over which Iyengar's loss is averaged. */
    final int glColumns;
    /** Non-uniform entropy of everything generalised to the top: N * sum of column entropies. */
    final double nueMax;
    final long total;

    Domains(FrequencySet fs, List<Hierarchy> hierarchies) {
        q = hierarchies.size();
        total = fs.totalCount();
        maxLevel = new int[q];
        dict = new String[q][][];
        up = new int[q][][][];
        freq = new long[q][][];
        nue = new double[q][];
        gl = new double[q][][];
        glSum = new double[q][];
        int varying = 0;
        double max = 0;
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            Hierarchy h = hierarchies.get(i);
            int hl = h.maxLevel();
            maxLevel[i] = hl;
            String[] values = fs.qiDict[i];
            int n0 = values.length;
            int[][] toLevel = new int[hl + 1][n0];
            int bad = 0;
            String firstBad = null;
            dict[i] = new String[hl + 1][];
            for (int l = 0; l <= hl; l++) {
                Map<String, Integer> index = new HashMap<>();
                List<String> vs = new ArrayList<>();
                for (int c = 0; c < n0; c++) {
                    String g;
                    if (l == 0) {
                        g = values[c];
                    } else {
                        try {
                            g = h.generalise(values[c], l);
                        } catch (IllegalArgumentException e) {
                            if (l == 1) {
                                if (bad == 0) {
                                    firstBad = e.getMessage();
                                }
                                bad++;
                            }
                            g = null;
                        }
                    }
                    Integer code = index.get(g);
                    if (code == null) {
                        code = vs.size();
                        index.put(g, code);
                        vs.add(g);
                    }
                    toLevel[l][c] = code;
                }
                dict[i][l] = vs.toArray(new String[0]);
            }
            if (bad > 0) {
                errors.add(firstBad + (bad > 1 ? " (and " + (bad - 1) + " more invalid values in this column)" : ""));
                continue;
            }
            // every level must group the level below
            int[][] parent = new int[hl][];
            boolean nested = true;
            for (int l = 0; l < hl && nested; l++) {
                parent[l] = new int[dict[i][l].length];
                java.util.Arrays.fill(parent[l], -1);
                int[] witness = new int[dict[i][l].length];
                for (int c = 0; c < n0; c++) {
                    int a = toLevel[l][c];
                    int b = toLevel[l + 1][c];
                    if (parent[l][a] < 0) {
                        parent[l][a] = b;
                        witness[a] = c;
                    } else if (parent[l][a] != b) {
                        errors.add("column '" + h.column() + "': '" + dict[i][l][a] + "' at level " + l + " generalises to both '"
                                + dict[i][l + 1][parent[l][a]] + "' (value '" + values[witness[a]] + "') and '" + dict[i][l + 1][b]
                                + "' (value '" + values[c] + "') at level " + (l + 1)
                                + "; each level of a hierarchy must group the values of the level below");
                        nested = false;
                        break;
                    }
                }
            }
            if (!nested) {
                continue;
            }
            up[i] = new int[hl + 1][hl + 1][];
            for (int a = 0; a <= hl; a++) {
                int na = dict[i][a].length;
                int[] id = new int[na];
                for (int c = 0; c < na; c++) {
                    id[c] = c;
                }
                up[i][a][a] = id;
                for (int b = a + 1; b <= hl; b++) {
                    int[] m = new int[na];
                    int[] prev = up[i][a][b - 1];
                    for (int c = 0; c < na; c++) {
                        m[c] = parent[b - 1][prev[c]];
                    }
                    up[i][a][b] = m;
                }
            }
            long[] f0 = new long[n0];
            int[] codes = fs.qiCodes[i];
            for (int c = 0; c < codes.length; c++) {
                f0[codes[c]] += fs.counts[c];
            }
            freq[i] = new long[hl + 1][];
            nue[i] = new double[hl + 1];
            for (int l = 0; l <= hl; l++) {
                long[] f = new long[dict[i][l].length];
                for (int c = 0; c < n0; c++) {
                    f[toLevel[l][c]] += f0[c];
                }
                freq[i][l] = f;
                double cost = 0;
                for (int c = 0; c < n0; c++) {
                    cost += f0[c] * log2((double) f[toLevel[l][c]] / f0[c]);
                }
                nue[i][l] = cost;
            }
            gl[i] = new double[hl + 1][];
            glSum[i] = new double[hl + 1];
            for (int l = 0; l <= hl; l++) {
                int[] beneath = new int[dict[i][l].length];
                for (int c = 0; c < n0; c++) {
                    beneath[toLevel[l][c]]++;
                }
                gl[i][l] = new double[beneath.length];
                for (int g = 0; g < beneath.length; g++) {
                    gl[i][l][g] = n0 > 1 ? (beneath[g] - 1.0) / (n0 - 1) : 0;
                    glSum[i][l] += freq[i][l][g] * gl[i][l][g];
                }
            }
            if (n0 > 1) {
                varying++;
            }
            double top = 0;
            for (int c = 0; c < n0; c++) {
                top += f0[c] * log2((double) total / f0[c]);
            }
            max += top;
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        nueMax = max;
        glColumns = varying;
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
