package uk.nhs.phb.models.privacy;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uk.nhs.phb.models.pseudonym.NhsNumber;

/**
 * Finds identifiers in text and in the values of one row, and reports them masked: valid NHS numbers (ten
 * digits passing the modulus-11 check, also written 3-3-4 with spaces or dashes), raw postcodes and full
 * names from a known list of real identities, and key material (the bytes of a key in base64, hex or raw).
 * Source tokens are not matched here (their list can be millions long): {@link #tokenCandidates(String)}
 * returns the 43-character strings that a caller joins with the tokens it knows.
 *
 * <p>Neither the identity list nor the keys are held as text: each postcode, name and name pair is reduced on arrival to a
 * 64-bit hash salted with random bytes made for this matcher and never stored, so the matcher can be shipped
 * to Spark executors (and spilled to disk there) without carrying an identifier or a key (a key form is held
 * as its first four characters, its length and its salted hash).
 *
 * <p>A name is reported only as a full name: the given and family name of one identity, each capitalised,
 * in the same line or row. A lone common surname (White, Green, Hall ...) is ordinary vocabulary.
 */
public final class IdentifierMatcher implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What a finding is. */
    public enum Kind {
        NHS_NUMBER("nhs_number"), RAW_NAME("raw_name"), RAW_POSTCODE("raw_postcode"), KEY_MATERIAL("key_material"),
        SOURCE_TOKEN("source_token");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One identifier found: its kind, a masked rendering (never the value) and, for rows, the column(s). */
    public record Hit(Kind kind, String masked, String column) implements Serializable {
    }

    /** Ten digits, or 3-3-4 with one kind of separator; not part of a longer number, word or decimal. */
    private static final Pattern NHS = Pattern.compile("(?<![0-9A-Za-z.])([0-9]{3})([ -]?)([0-9]{3})\\2([0-9]{4})(?![0-9A-Za-z]|\\.[0-9])");
    private static final Pattern POSTCODE = Pattern.compile(
            "(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?) ?([0-9][A-Za-z]{2})(?![A-Za-z0-9])");
    private static final Pattern WORD = Pattern.compile("(?<![A-Za-z0-9_])[A-Z][A-Za-z]{1,40}(?![A-Za-z0-9_])");
    private static final Pattern TOKEN = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_=-])");
    /** Shortest key form searched for (raw 32 bytes); shorter values cannot hold key material. */
    private static final int MIN_KEY_FORM = 32;

    private final byte[] salt;
    private final Set<Long> postcodes;
    private final Set<Long> names;
    private final Set<Long> namePairs;
    private final List<KeyForm> keyForms;
    private final boolean identities;

    /** A form of a key, held as its first four characters, its length and a salted hash, never in full. */
    private record KeyForm(String prefix, int length, long hash, String label) implements Serializable {
    }

    private boolean contains(String v, KeyForm k) {
        for (int i = v.indexOf(k.prefix()); i >= 0 && i + k.length() <= v.length(); i = v.indexOf(k.prefix(), i + 1)) {
            if (hash("key:" + v.substring(i, i + k.length())) == k.hash()) {
                return true;
            }
        }
        return false;
    }

    private IdentifierMatcher(Builder b) {
        this.salt = b.salt;
        this.postcodes = Set.copyOf(b.postcodes);
        this.names = Set.copyOf(b.names);
        this.namePairs = Set.copyOf(b.namePairs);
        this.keyForms = List.copyOf(b.keyForms);
        this.identities = b.identities;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether a list of real identities was given (else names and postcodes are not checked). */
    public boolean checksIdentities() {
        return identities;
    }

    public boolean checksKeys() {
        return !keyForms.isEmpty();
    }

    /** Identifiers in one text (a line of a file, or one value). */
    public List<Hit> scanText(String text) {
        List<Hit> hits = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return hits;
        }
        scanValue(text, null, hits);
        if (identities) {
            List<String> found = nameWords(text);
            pairs(found, null, hits);
        }
        return hits;
    }

    /** Identifiers in one row: each value on its own, and a full name spread over two columns. */
    public List<Hit> scanRow(String[] columns, String[] values) {
        List<Hit> hits = new ArrayList<>();
        List<String> words = identities ? new ArrayList<>() : null;
        List<String> wordColumns = identities ? new ArrayList<>() : null;
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            if (v == null || v.isEmpty()) {
                continue;
            }
            scanValue(v, columns[i], hits);
            if (identities) {
                for (String w : nameWords(v)) {
                    words.add(w);
                    wordColumns.add(columns[i]);
                }
            }
        }
        if (identities && words.size() > 1) {
            for (int i = 0; i < words.size(); i++) {
                for (int j = 0; j < words.size(); j++) {
                    if (i != j && namePairs.contains(hash("pair:" + words.get(i) + "|" + words.get(j)))) {
                        String col = wordColumns.get(i).equals(wordColumns.get(j)) ? wordColumns.get(i)
                                : wordColumns.get(i) + "+" + wordColumns.get(j);
                        hits.add(new Hit(Kind.RAW_NAME, maskName(words.get(i)) + " " + maskName(words.get(j)), col));
                        return hits;
                    }
                }
            }
        }
        return hits;
    }

    /** Strings shaped like a source token (43 characters of base64url), for the caller to look up. */
    public static List<String> tokenCandidates(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.length() < 43) {
            return out;
        }
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** A token masked: its first four characters and its length. */
    public static String maskToken(String token) {
        return token.substring(0, Math.min(4, token.length())) + "*".repeat(Math.max(0, token.length() - 4));
    }

    private void scanValue(String v, String column, List<Hit> hits) {
        if (v.length() >= 10) {
            Matcher m = NHS.matcher(v);
            while (m.find()) {
                String digits = m.group(1) + m.group(3) + m.group(4);
                if (NhsNumber.isValid(digits)) {
                    hits.add(new Hit(Kind.NHS_NUMBER, m.group().replaceAll("[0-9]", "*"), column));
                }
            }
        }
        if (identities && !postcodes.isEmpty() && v.length() >= 5) {
            Matcher m = POSTCODE.matcher(v);
            while (m.find()) {
                String normal = (m.group(1) + m.group(2)).toUpperCase(Locale.ROOT);
                if (postcodes.contains(hash("postcode:" + normal))) {
                    hits.add(new Hit(Kind.RAW_POSTCODE, normal.charAt(0) + "*".repeat(normal.length() - 1), column));
                }
            }
        }
        if (!keyForms.isEmpty() && v.length() >= MIN_KEY_FORM) {
            for (KeyForm k : keyForms) {
                if (contains(v, k)) {
                    hits.add(new Hit(Kind.KEY_MATERIAL, "[" + k.label() + "]", column));
                }
            }
        }
    }

    /** Key material in a stretch of raw bytes (decoded as ISO-8859-1, one char per byte): the labels found. */
    public List<String> keyLabelsIn(String latin1) {
        List<String> out = new ArrayList<>();
        for (KeyForm k : keyForms) {
            if (contains(latin1, k)) {
                out.add(k.label());
            }
        }
        return out;
    }

    /** Longest key form, so a caller reading bytes in chunks can overlap them by this much. */
    public int longestKeyForm() {
        return keyForms.stream().mapToInt(KeyForm::length).max().orElse(0);
    }

    /** Capitalised words of the text that are names of some identity, lower-cased. */
    private List<String> nameWords(String text) {
        List<String> out = new ArrayList<>();
        if (names.isEmpty()) {
            return out;
        }
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (names.contains(hash("name:" + w))) {
                out.add(w);
            }
        }
        return out;
    }

    private void pairs(List<String> words, String column, List<Hit> hits) {
        for (int i = 0; i < words.size(); i++) {
            for (int j = 0; j < words.size(); j++) {
                if (i != j && namePairs.contains(hash("pair:" + words.get(i) + "|" + words.get(j)))) {
                    hits.add(new Hit(Kind.RAW_NAME, maskName(words.get(i)) + " " + maskName(words.get(j)), column));
                    return;
                }
            }
        }
    }

    private static String maskName(String w) {
        return Character.toUpperCase(w.charAt(0)) + "*".repeat(w.length() - 1);
    }

    private long hash(String s) {
        return hash(salt, s);
    }

    private static long hash(byte[] salt, String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            byte[] h = md.digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Collects identities (as salted hashes) and key material. */
    public static final class Builder {
        private final byte[] salt = new byte[32];
        private final Set<Long> postcodes = new HashSet<>();
        private final Set<Long> names = new HashSet<>();
        private final Set<Long> namePairs = new HashSet<>();
        private final List<KeyForm> keyForms = new ArrayList<>();
        private boolean identities;

        private Builder() {
            new SecureRandom().nextBytes(salt);
        }

        /** The salt the hashes are made with; pass it to {@link #hashOf} on executors, then {@link #addHashes}. */
        public byte[] salt() {
            return salt.clone();
        }

        /** Whether identities will be checked even if none were added (an empty list is still a list). */
        public Builder checkIdentities() {
            identities = true;
            return this;
        }

        public Builder addPostcode(String postcode) {
            identities = true;
            String n = postcode.replace(" ", "").toUpperCase(Locale.ROOT);
            postcodes.add(hash(salt, "postcode:" + n));
            return this;
        }

        /** A person's given and family name (either may be a recorded variant). */
        public Builder addName(String given, String family) {
            identities = true;
            String g = given.strip().toLowerCase(Locale.ROOT);
            String f = family.strip().toLowerCase(Locale.ROOT);
            names.add(hash(salt, "name:" + g));
            names.add(hash(salt, "name:" + f));
            namePairs.add(hash(salt, "pair:" + g + "|" + f));
            namePairs.add(hash(salt, "pair:" + f + "|" + g));
            return this;
        }

        /**
         * Adds hashes made elsewhere with {@link #hashOf} and this builder's salt: {@code kind} is
         * {@code postcode}, {@code name} or {@code pair}.
         */
        public Builder addHashes(String kind, Iterable<Long> hashes) {
            identities = true;
            Set<Long> target = switch (kind) {
                case "postcode" -> postcodes;
                case "name" -> names;
                case "pair" -> namePairs;
                default -> throw new IllegalArgumentException("unknown hash kind " + kind);
            };
            hashes.forEach(target::add);
            return this;
        }

        /**
         * The hashes of one identity's values with the given salt, as {@code kind, hash} pairs: a postcode, or a
         * given and family name (two names and two orders of the pair). For executors building the list.
         */
        public static List<Object[]> hashOf(byte[] salt, String postcode, String given, String family) {
            List<Object[]> out = new ArrayList<>();
            if (postcode != null) {
                out.add(new Object[] {"postcode", hash(salt, "postcode:" + postcode.replace(" ", "").toUpperCase(Locale.ROOT))});
            }
            if (given != null && family != null) {
                String g = given.strip().toLowerCase(Locale.ROOT);
                String f = family.strip().toLowerCase(Locale.ROOT);
                out.add(new Object[] {"name", hash(salt, "name:" + g)});
                out.add(new Object[] {"name", hash(salt, "name:" + f)});
                out.add(new Object[] {"pair", hash(salt, "pair:" + g + "|" + f)});
                out.add(new Object[] {"pair", hash(salt, "pair:" + f + "|" + g)});
            }
            return out;
        }

        /**
         * A key's bytes: searched for as raw bytes, base64 (standard and URL-safe, with and without padding) and
         * hex (either case). {@code label} names the key file; it is what a finding shows.
         */
        public Builder addKey(String label, byte[] key) {
            if (key.length < 16) {
                throw new IllegalArgumentException("a key has at least 16 bytes");
            }
            java.util.Base64.Encoder std = java.util.Base64.getEncoder();
            java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder();
            Set<String> forms = new java.util.LinkedHashSet<>();
            forms.add(std.encodeToString(key));
            forms.add(std.withoutPadding().encodeToString(key));
            forms.add(url.encodeToString(key));
            forms.add(url.withoutPadding().encodeToString(key));
            forms.add(HexFormat.of().formatHex(key));
            forms.add(HexFormat.of().withUpperCase().formatHex(key));
            forms.add(new String(key, StandardCharsets.ISO_8859_1));
            for (String f : forms) {
                keyForms.add(new KeyForm(f.substring(0, 4), f.length(), hash(salt, "key:" + f), label));
            }
            return this;
        }

        public IdentifierMatcher build() {
            return new IdentifierMatcher(this);
        }
    }
}
