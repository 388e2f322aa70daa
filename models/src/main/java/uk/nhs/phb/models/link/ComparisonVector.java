package uk.nhs.phb.models.link;

import java.io.Serializable;
import java.util.List;

/**
 * Encodes the levels of every comparison for one pair as a single {@code long} (mixed radix, one digit per
 * comparison with room for MISSING), so pairs can be counted by pattern: EM then runs over the few hundred
 * distinct patterns, never over the pairs themselves.
 */
public final class ComparisonVector implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Comparison> comparisons;
    private final long[] radix;

    public ComparisonVector(List<Comparison> comparisons) {
        this.comparisons = List.copyOf(comparisons);
        this.radix = new long[comparisons.size()];
        long r = 1;
        for (int i = 0; i < comparisons.size(); i++) {
            radix[i] = r;
            r = Math.multiplyExact(r, comparisons.get(i).levelCount() + 1L);
        }
    }

    public List<Comparison> comparisons() {
        return comparisons;
    }

    /** Levels (MISSING = -1) to a pattern id. */
    public long encode(int[] levels) {
        long p = 0;
        for (int i = 0; i < levels.length; i++) {
            p += (levels[i] + 1L) * radix[i];
        }
        return p;
    }

    /** A pattern id back to levels. */
    public int[] decode(long pattern) {
        int[] levels = new int[comparisons.size()];
        for (int i = comparisons.size() - 1; i >= 0; i--) {
            levels[i] = (int) (pattern / radix[i]) - 1;
            pattern %= radix[i];
        }
        return levels;
    }

    /** Compares two records given as field values aligned with the comparisons. */
    public long compare(String[] left, String[] right) {
        int[] levels = new int[comparisons.size()];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = comparisons.get(i).level(left[i], right[i]);
        }
        return encode(levels);
    }
}
