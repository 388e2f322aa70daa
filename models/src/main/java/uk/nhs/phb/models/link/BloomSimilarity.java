package uk.nhs.phb.models.link;

import java.util.Base64;

/** Dice similarity of base64 Bloom filters without allocating bit sets (hot in pair scoring). */
public final class BloomSimilarity {
    private BloomSimilarity() {
    }

    /** Decodes a base64 filter into 64-bit words. */
    public static long[] words(String base64) {
        byte[] b = Base64.getDecoder().decode(base64);
        long[] w = new long[(b.length + 7) / 8];
        for (int i = 0; i < b.length; i++) {
            w[i / 8] |= (b[i] & 0xFFL) << (8 * (i % 8));
        }
        return w;
    }

    /** 2|A and B| / (|A| + |B|); 0 when both are empty. */
    public static double dice(long[] a, long[] b) {
        int and = 0;
        int total = 0;
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            and += Long.bitCount(a[i] & b[i]);
            total += Long.bitCount(a[i]) + Long.bitCount(b[i]);
        }
        for (int i = n; i < a.length; i++) {
            total += Long.bitCount(a[i]);
        }
        for (int i = n; i < b.length; i++) {
            total += Long.bitCount(b[i]);
        }
        return total == 0 ? 0.0 : 2.0 * and / total;
    }

    public static double dice(String a, String b) {
        return dice(words(a), words(b));
    }
}
