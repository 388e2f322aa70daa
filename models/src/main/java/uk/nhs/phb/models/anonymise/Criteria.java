package uk.nhs.phb.models.anonymise;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import uk.nhs.phb.models.anonymise.PrivacyModel.Distance;
import uk.nhs.phb.models.anonymise.PrivacyModel.DistinctLDiversity;
import uk.nhs.phb.models.anonymise.PrivacyModel.EntropyLDiversity;
import uk.nhs.phb.models.anonymise.PrivacyModel.KAnonymity;
import uk.nhs.phb.models.anonymise.PrivacyModel.TCloseness;

/**
 * The privacy models compiled against a frequency set's codes, and the per-node evaluation the search uses:
 * which classes fail, how many records that suppresses, and the information loss.
 */
final class Criteria {
    final long total;
    final long maxSuppressed;
    final int k;
    /** Per sensitive attribute: minimum distinct values (from distinct and entropy l-diversity), 0 if none. */
    final int[] minDistinct;
    final List<Entropy> entropy = new ArrayList<>();
    final List<Closeness> closeness = new ArrayList<>();
    final boolean[] tracked;
    /** Whether every model is monotonic under this suppression limit. */
    final boolean monotonic;
    final Domains domains;

    record Entropy(int attribute, double lnL) {
    }

    /** t-closeness of one attribute: reference distribution and, for ORDERED, rank and cumulative sums. */
    record Closeness(int attribute, double t, boolean ordered, double[] q, int[] rank, double[] cum, double[] cumSum) {
    }

    Criteria(FrequencySet fs, Domains domains, List<PrivacyModel> models, double suppressionLimit) {
        this.domains = domains;
        this.total = fs.totalCount();
        this.maxSuppressed = new BigDecimal(Double.toString(suppressionLimit)).multiply(BigDecimal.valueOf(total))
                .setScale(0, RoundingMode.FLOOR).longValueExact();
        int s = fs.sensitiveAttributes().size();
        minDistinct = new int[s];
        tracked = new boolean[s];
        int kk = 1;
        boolean mono = true;
        for (PrivacyModel m : models) {
            mono &= m.monotonic(maxSuppressed > 0);
            int a = m.attribute() == null ? -1 : fs.sensitiveAttributes().indexOf(m.attribute());
            if (m instanceof KAnonymity ka) {
                kk = Math.max(kk, ka.k());
            } else if (m instanceof DistinctLDiversity d) {
                minDistinct[a] = Math.max(minDistinct[a], d.l());
                tracked[a] = true;
            } else if (m instanceof EntropyLDiversity e) {
                minDistinct[a] = Math.max(minDistinct[a], (int) Math.ceil(e.l() - PrivacyModel.TOLERANCE));
                entropy.add(new Entropy(a, Math.log(e.l())));
                tracked[a] = true;
            } else if (m instanceof TCloseness t) {
                closeness.add(closeness(fs, a, t));
                tracked[a] = true;
            }
        }
        this.k = kk;
        this.monotonic = mono;
    }

    private static Closeness closeness(FrequencySet fs, int a, TCloseness t) {
        int m = fs.sDict[a].length;
        double[] q = new double[m];
        long[] n = new long[m];
        for (int j = 0; j < fs.sCodes[a].length; j++) {
            n[fs.sCodes[a][j]] += fs.sCounts[a][j];
        }
        for (int v = 0; v < m; v++) {
            q[v] = (double) n[v] / fs.totalCount();
        }
        if (t.distance() == Distance.EQUAL) {
            return new Closeness(a, t.t(), false, q, null, null, null);
        }
        Integer[] byRank = new Integer[m];
        for (int v = 0; v < m; v++) {
            byRank[v] = v;
        }
        String[] values = fs.sDict[a];
        if (t.order() == null) {
            BigDecimal[] num = new BigDecimal[m];
            for (int v = 0; v < m; v++) {
                try {
                    num[v] = new BigDecimal(values[v].strip());
                } catch (NumberFormatException | NullPointerException e) {
                    throw new IllegalArgumentException("ordered t-closeness of '" + t.attribute() + "': value '" + values[v]
                            + "' is not a number; give the order of the values or use the equal distance");
                }
            }
            Arrays.sort(byRank, (x, y) -> num[x].compareTo(num[y]));
        } else {
            for (int v = 0; v < m; v++) {
                if (!t.order().contains(values[v])) {
                    throw new IllegalArgumentException("ordered t-closeness of '" + t.attribute() + "': value '" + values[v]
                            + "' is not in the given order " + t.order());
                }
            }
            Arrays.sort(byRank, (x, y) -> Integer.compare(t.order().indexOf(values[x]), t.order().indexOf(values[y])));
        }
        int[] rank = new int[m];
        double[] cum = new double[m];
        double[] cumSum = new double[m];
        long running = 0;
        double runningSum = 0;
        for (int r = 0; r < m; r++) {
            rank[byRank[r]] = r;
            running += n[byRank[r]];
            cum[r] = (double) running / fs.totalCount();
            runningSum += cum[r];
            cumSum[r] = runningSum;
        }
        return new Closeness(a, t.t(), true, q, rank, cum, cumSum);
    }

    /** Whether class c fails one of the models that are monotonic under any suppression (k, distinct values). */
    boolean failsMonotone(Partition p, int c) {
        if (p.counts[c] < k) {
            return true;
        }
        for (int a = 0; a < minDistinct.length; a++) {
            if (minDistinct[a] > 1 && p.sOffsets[a][c + 1] - p.sOffsets[a][c] < minDistinct[a]) {
                return true;
            }
        }
        return false;
    }

    /** Whether class c fails any model. */
    boolean fails(Partition p, int c) {
        if (failsMonotone(p, c)) {
            return true;
        }
        for (Entropy e : entropy) {
            if (entropy(p, e.attribute(), c) < e.lnL() - PrivacyModel.TOLERANCE) {
                return true;
            }
        }
        for (Closeness t : closeness) {
            double d = t.ordered() ? orderedDistance(p, t, c) : equalDistance(p, t, c);
            if (d > t.t() + PrivacyModel.TOLERANCE) {
                return true;
            }
        }
        return false;
    }

    static double entropy(Partition p, int a, int c) {
        long n = 0;
        double sum = 0;
        for (int e = p.sOffsets[a][c]; e < p.sOffsets[a][c + 1]; e++) {
            long x = p.sCounts[a][e];
            n += x;
            sum += x * Math.log(x);
        }
        return Math.log(n) - sum / n;
    }

    static double equalDistance(Partition p, Closeness t, int c) {
        int a = t.attribute();
        double n = p.counts[c];
        double sum = 1;
        for (int e = p.sOffsets[a][c]; e < p.sOffsets[a][c + 1]; e++) {
            double qv = t.q()[p.sCodes[a][e]];
            sum += Math.abs(p.sCounts[a][e] / n - qv) - qv;
        }
        return sum / 2;
    }

    /**
     * Ordered distance in O(e log m) for a class with e distinct values: between consecutive values of the
     * class its cumulative share P is constant, and the sum of |P - Q(i)| over that range splits where the
     * (non-decreasing) reference cumulative Q crosses P.
     */
    static double orderedDistance(Partition p, Closeness t, int c) {
        int a = t.attribute();
        int m = t.rank().length;
        if (m <= 1) {
            return 0;
        }
        int from = p.sOffsets[a][c];
        int e = p.sOffsets[a][c + 1] - from;
        long[] byRank = new long[e];
        for (int j = 0; j < e; j++) {
            // rank in the high bits, position in the low bits: sorting orders the class's values by rank
            byRank[j] = ((long) t.rank()[p.sCodes[a][from + j]] << 32) | j;
        }
        Arrays.sort(byRank);
        double n = p.counts[c];
        double sum = 0;
        long running = 0;
        int lo = 0;
        double share = 0;
        for (int j = 0; j <= e; j++) {
            int hi = j < e ? (int) (byRank[j] >>> 32) - 1 : m - 1;
            sum += segment(t, lo, hi, share);
            if (j < e) {
                running += p.sCounts[a][from + (int) (byRank[j] & 0xffffffffL)];
                share = running / n;
                lo = hi + 1;
            }
        }
        return sum / (m - 1);
    }

    /** Sum over ranks lo..hi of |P - Q(i)|. */
    private static double segment(Closeness t, int lo, int hi, double share) {
        if (hi < lo) {
            return 0;
        }
        double[] cum = t.cum();
        // last index in lo..hi with cum <= share, or lo - 1
        int l = lo;
        int h = hi;
        int s = lo - 1;
        while (l <= h) {
            int mid = (l + h) >>> 1;
            if (cum[mid] <= share) {
                s = mid;
                l = mid + 1;
            } else {
                h = mid - 1;
            }
        }
        double below = prefix(t, s) - prefix(t, lo - 1);
        double above = prefix(t, hi) - prefix(t, s);
        return share * (s - lo + 1) - below + above - share * (hi - s);
    }

    private static double prefix(Closeness t, int i) {
        return i < 0 ? 0 : t.cumSum()[i];
    }

    /** Statistics of one evaluated node. */
    record NodeStats(int node, boolean passesMonotone, boolean passes, long suppressed, long dmNoSuppression,
            double precision, double entropy, long discernibility, double iyengar) {
        double loss(LossMeasure m) {
            return switch (m) {
                case PRECISION -> precision;
                case NON_UNIFORM_ENTROPY -> entropy;
                case DISCERNIBILITY -> discernibility;
                case IYENGAR -> iyengar;
            };
        }
    }

    NodeStats evaluate(Partition p) {
        long suppressedMonotone = 0;
        long suppressed = 0;
        long dmAll = 0;
        long dmKept = 0;
        boolean[] failed = new boolean[p.size];
        for (int c = 0; c < p.size; c++) {
            long n = p.counts[c];
            long sq = Math.multiplyExact(n, n);
            dmAll = Math.addExact(dmAll, sq);
            if (failsMonotone(p, c)) {
                suppressedMonotone += n;
                suppressed += n;
                failed[c] = true;
            } else if (fails(p, c)) {
                suppressed += n;
                failed[c] = true;
            } else {
                dmKept += sq;
            }
        }
        double precision = precision(p.levels, suppressed);
        double entropy = nonUniformEntropy(p, failed);
        long dm = Math.addExact(dmKept, Math.multiplyExact(suppressed, total));
        return new NodeStats(p.node, suppressedMonotone <= maxSuppressed, suppressed <= maxSuppressed, suppressed, dmAll,
                precision, entropy, dm, iyengar(p, failed));
    }

    /** Average generalisation height H of a level vector (the PRECISION lower bound). */
    double height(int[] levels) {
        double h = 0;
        int n = 0;
        for (int i = 0; i < levels.length; i++) {
            if (domains.maxLevel[i] > 0) {
                h += (double) levels[i] / domains.maxLevel[i];
                n++;
            }
        }
        return n == 0 ? 0 : h / n;
    }

    double precision(int[] levels, long suppressed) {
        double s = (double) suppressed / total;
        return (1 - s) * height(levels) + s;
    }

    /** Iyengar's loss with no suppression (the IYENGAR lower bound). */
    double iyengarBound(int[] levels) {
        if (domains.glColumns == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < levels.length; i++) {
            sum += domains.glSum[i][levels[i]];
        }
        return sum / ((double) total * domains.glColumns);
    }

    /** Iyengar's loss: the bound, plus for each suppressed record what its values lose going from their node to the top. */
    double iyengar(Partition p, boolean[] failed) {
        if (domains.glColumns == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < p.levels.length; i++) {
            sum += domains.glSum[i][p.levels[i]];
            if (domains.dict[i][0].length <= 1) {
                continue;
            }
            double[] g = domains.gl[i][p.levels[i]];
            for (int c = 0; c < p.size; c++) {
                if (failed[c]) {
                    sum += p.counts[c] * (1 - g[p.codes[i][c]]);
                }
            }
        }
        return sum / ((double) total * domains.glColumns);
    }

    /** Non-uniform entropy with no suppression (the NON_UNIFORM_ENTROPY lower bound). */
    double entropyBound(int[] levels) {
        double e = 0;
        for (int i = 0; i < levels.length; i++) {
            e += domains.nue[i][levels[i]];
        }
        return e;
    }

    /**
     * Non-uniform entropy: the bound plus, for suppressed records, log2(N / f_i(g)) per QI (their value
     * moves from g to *). Accumulated per generalised value and summed in code order, so the result does
     * not depend on the order of the classes.
     */
    double nonUniformEntropy(Partition p, boolean[] failed) {
        double e = entropyBound(p.levels);
        boolean any = false;
        for (boolean f : failed) {
            any |= f;
        }
        if (!any) {
            return e;
        }
        for (int i = 0; i < p.levels.length; i++) {
            long[] f = domains.freq[i][p.levels[i]];
            long[] s = new long[f.length];
            for (int c = 0; c < p.size; c++) {
                if (failed[c]) {
                    s[p.codes[i][c]] += p.counts[c];
                }
            }
            for (int g = 0; g < f.length; g++) {
                if (s[g] > 0) {
                    e += s[g] * Domains.log2((double) total / f[g]);
                }
            }
        }
        return e;
    }
}
