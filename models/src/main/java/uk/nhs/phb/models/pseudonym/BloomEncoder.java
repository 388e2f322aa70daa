package uk.nhs.phb.models.pseudonym;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.BitSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cryptographic long-term keys (CLKs, Schnell et al. 2011): the padded bigrams of each name field are
 * hashed {@code k} times into one {@value #BITS}-bit Bloom filter by double hashing over a keyed
 * HMAC-SHA256, so similar names give similar filters (compare with Dice) while nobody without the key can
 * build a dictionary of filters. Bigrams are labelled by field, so "ANN" as a given name and as a family
 * name set different bits. Not thread-safe (one instance per task or thread).
 */
public final class BloomEncoder implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int BITS = 1024;
    /** Hash functions per bigram; about 30% of bits set for a typical full name. */
    public static final int HASHES = 15;

    private final SecretKey key;
    private transient Mac mac;

    public BloomEncoder(SecretKey key) {
        this.key = key.derive(SecretKey.BLOOM);
    }

    /** The CLK of the given and family names (normalised first), base64 of 128 bytes; null when both are empty. */
    public String encode(String givenName, String familyName) {
        String given = Normalise.name(givenName);
        String family = Normalise.name(familyName);
        if (given == null && family == null) {
            return null;
        }
        BitSet bits = new BitSet(BITS);
        addField(bits, "given", given);
        addField(bits, "family", family);
        byte[] out = new byte[BITS / 8];
        byte[] b = bits.toByteArray();
        System.arraycopy(b, 0, out, 0, b.length);
        return Base64.getEncoder().encodeToString(out);
    }

    private void addField(BitSet bits, String label, String value) {
        if (value == null) {
            return;
        }
        String padded = "_" + value + "_";
        for (int i = 0; i + 2 <= padded.length(); i++) {
            byte[] h = mac().doFinal((label + '\u0000' + padded.substring(i, i + 2)).getBytes(StandardCharsets.UTF_8));
            long h1 = toLong(h, 0) & Long.MAX_VALUE;
            long h2 = (toLong(h, 8) & Long.MAX_VALUE) | 1L;
            for (int j = 0; j < HASHES; j++) {
                bits.set((int) Long.remainderUnsigned(h1 + j * h2, BITS));
            }
        }
    }

    private static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** Dice coefficient of two encodings: 2|A and B| / (|A| + |B|); 0 when either is null. */
    public static double dice(String a, String b) {
        if (a == null || b == null) {
            return 0.0;
        }
        BitSet x = BitSet.valueOf(Base64.getDecoder().decode(a));
        BitSet y = BitSet.valueOf(Base64.getDecoder().decode(b));
        int total = x.cardinality() + y.cardinality();
        if (total == 0) {
            return 0.0;
        }
        x.and(y);
        return 2.0 * x.cardinality() / total;
    }

    private Mac mac() {
        if (mac == null) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
        return mac;
    }
}
