package uk.nhs.phb.models.anonymise;

import java.util.Arrays;

/**
 * Open-addressing map from long keys to int values. {@link #reset} empties it in constant time (a slot belongs to the
 * map only when its stamp is the current generation), so one map serves every roll-up of a search without clearing
 * its arrays: clearing a fresh map per evaluated node was the largest cost of searching a lattice of thousands.
 */
final class LongIntMap {
    private long[] keys;
    private int[] vals;
    private int[] stamp;
    private int mask;
    private int generation;

    LongIntMap(int maxKeys) {
        reset(maxKeys);
    }

    /** Empties the map for at most {@code maxKeys} keys, growing its arrays only when they are too small. */
    void reset(int maxKeys) {
        int cap = Integer.highestOneBit(Math.max(16, maxKeys) * 2 - 1) << 1;
        if (keys == null || cap > keys.length) {
            keys = new long[cap];
            vals = new int[cap];
            stamp = new int[cap];
            mask = cap - 1;
            generation = 0;
        }
        if (++generation == Integer.MAX_VALUE) {
            Arrays.fill(stamp, 0);
            generation = 1;
        }
    }

    /** The value of {@code key}; if absent, stores {@code value} and returns it. */
    int putIfAbsent(long key, int value) {
        int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (true) {
            if (stamp[i] != generation) {
                stamp[i] = generation;
                keys[i] = key;
                vals[i] = value;
                return value;
            }
            if (keys[i] == key) {
                return vals[i];
            }
            i = (i + 1) & mask;
        }
    }
}
