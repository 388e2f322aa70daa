package uk.nhs.phb.models.link;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Hamming locality-sensitive hashing of Bloom-filter encodings for blocking: each of {@code bands} bands
 * samples {@code bitsPerBand} fixed bit positions, and two filters are candidates when all sampled bits of
 * some band agree. For two filters agreeing on a fraction s of bit positions the chance they become
 * candidates is {@code 1 - (1 - s^r)^b}; {@link #candidateProbability} gives it, so blocking recall can be
 * stated before any pair is formed. Positions come from a seed, so every run bands the same way. With 24
 * bands of 28 bits over 1024-bit CLKs, a one-letter typo (s about 0.96) is a candidate with probability
 * above 0.99, unrelated names (s about 0.6) almost never; spelling variants that change several bigrams
 * (Mohammed / Muhammad, s about 0.88) only about half the time, which is why other blocking rules
 * (date of birth, postcode) run beside it.
 */
public final class BloomLsh implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int bands;
    private final int bitsPerBand;
    private final int[][] positions;

    public BloomLsh(int filterBits, int bands, int bitsPerBand, long seed) {
        if (bitsPerBand < 1 || bitsPerBand > 62 || bands < 1 || filterBits < bitsPerBand) {
            throw new IllegalArgumentException("need 1 <= bitsPerBand <= 62 <= filter bits and bands >= 1; got "
                    + bands + " bands of " + bitsPerBand + " bits over " + filterBits);
        }
        this.bands = bands;
        this.bitsPerBand = bitsPerBand;
        this.positions = new int[bands][bitsPerBand];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int b = 0; b < bands; b++) {
            for (int i = 0; i < bitsPerBand; i++) {
                positions[b][i] = rnd.nextInt(filterBits);
            }
        }
    }

    public int bands() {
        return bands;
    }

    /**
     * Bands whose sampled bits hold fewer set bits than this make no key: Bloom filters are sparse, so a band
     * of (nearly) all zeros is shared by a large fraction of everyone and would turn blocking quadratic.
     */
    public static final int MIN_SET_BITS = 3;

    /**
     * One key per informative band: the band index in the top bits, the sampled bits below. Bands with fewer
     * than {@link #MIN_SET_BITS} set bits are left out, so the array may be shorter than {@link #bands()}.
     */
    public long[] keys(long[] filterWords) {
        long[] keys = new long[bands];
        int n = 0;
        for (int b = 0; b < bands; b++) {
            long k = 0;
            for (int i = 0; i < bitsPerBand; i++) {
                int p = positions[b][i];
                k = (k << 1) | ((filterWords[p >>> 6] >>> (p & 63)) & 1L);
            }
            if (Long.bitCount(k) >= MIN_SET_BITS) {
                keys[n++] = ((long) b << 56) ^ k;
            }
        }
        return java.util.Arrays.copyOf(keys, n);
    }

    public long[] keys(String base64Filter) {
        return keys(BloomSimilarity.words(base64Filter));
    }

    /** P(two filters agreeing on a fraction s of positions share at least one band key). */
    public double candidateProbability(double s) {
        return 1 - Math.pow(1 - Math.pow(s, bitsPerBand), bands);
    }

    /** Fraction of bit positions on which two filters agree (both set or both clear). */
    public static double hammingSimilarity(long[] a, long[] b, int filterBits) {
        int differ = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            differ += Long.bitCount(a[i] ^ b[i]);
        }
        return 1.0 - (double) differ / filterBits;
    }
}
