package uk.nhs.phb.models.anonymise;

import java.util.Arrays;

/** Open-addressing map from non-negative long keys to int values, sized once for at most n keys. */
final class LongIntMap {
    private final long[] keys;
    private final int[] vals;
    private final int mask;

    LongIntMap(int maxKeys) {
        int cap = Integer.highestOneBit(Math.max(16, maxKeys) * 2 - 1) << 1;
        keys = new long[cap];
        vals = new int[cap];
        mask = cap - 1;
        Arrays.fill(keys, -1L);
    }

    /** The value of {@code key}; if absent, stores {@code value} and returns it. */
    int putIfAbsent(long key, int value) {
        int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return vals[i];
            }
            if (k == -1L) {
                keys[i] = key;
                vals[i] = value;
                return value;
            }
            i = (i + 1) & mask;
        }
    }
}
