package uk.nhs.phb.models.pseudonym;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The ids a person gets in extracts for one recipient: a keyed hash (HMAC-SHA256) of the lake's
 * {@code person_id} under a key derived from the lake key for that recipient ({@code extract:<recipient>}).
 * The same person has the same id in every extract for one recipient (so a recipient can follow people
 * from quarter to quarter) and unrelated ids for two recipients, so their releases cannot be joined. Only
 * the lake key's holder can map an id back to a person, by recomputing the ids of every person.
 */
public final class RecipientPseudonyms implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** "R" and 20 base64url characters: 120 bits, so two people never share one in any realistic population. */
    static final int LENGTH = 20;

    private final String recipient;
    private final SecretKey key;
    private final KeyedTokens tokens;

    private RecipientPseudonyms(SecretKey lakeKey, String recipient) {
        this.recipient = recipient;
        this.key = lakeKey.derive(SecretKey.recipientPurpose(recipient));
        this.tokens = new KeyedTokens(key);
    }

    /** Pseudonyms for {@code recipient} (normalised by {@link #recipientName}). */
    public static RecipientPseudonyms of(SecretKey lakeKey, String recipient) {
        return new RecipientPseudonyms(lakeKey, recipientName(recipient));
    }

    /**
     * A recipient's name as used in folders and key derivation: lower case, letters, digits, {@code . _ -},
     * 1-64 characters, starting with a letter or digit (so {@code DSCRO-North} and {@code dscro-north} are one
     * recipient).
     *
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String recipientName(String raw) {
        String n = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("recipient '" + raw + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit (e.g. dscro-north or B82005)");
        }
        return n;
    }

    public String recipient() {
        return recipient;
    }

    /** The recipient's id for a lake person id, or null for null. Not thread-safe (one instance per task). */
    public String pseudonym(String personId) {
        return personId == null ? null : "R" + tokens.token("person", personId).substring(0, LENGTH);
    }

    /** Keyed fingerprint of the recipient's derived key: tells which key made a release, reveals nothing. */
    public String keyFingerprint() {
        return key.fingerprint();
    }
}
