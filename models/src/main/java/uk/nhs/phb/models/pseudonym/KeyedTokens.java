package uk.nhs.phb.models.pseudonym;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed tokens: HMAC-SHA256 of a field label and a normalised value, base64url without padding (43
 * characters). The label separates domains, so an NHS number and a date of birth that happen to share
 * text never share a token. Not thread-safe (one instance per task or thread).
 */
public final class KeyedTokens implements Serializable {
    private static final long serialVersionUID = 1L;

    private final SecretKey key;
    private transient Mac mac;

    public KeyedTokens(SecretKey key) {
        this.key = key.derive(SecretKey.TOKENS);
    }

    /** The token of {@code value} in the domain {@code field}, or null for a null value. */
    public String token(String field, String value) {
        if (value == null) {
            return null;
        }
        byte[] h = mac().doFinal((field + '\u0000' + value).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
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
