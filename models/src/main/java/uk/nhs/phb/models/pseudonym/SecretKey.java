package uk.nhs.phb.models.pseudonym;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A pseudonymisation key: at least 32 random bytes, read from a file (base64 text) or an environment
 * variable. Never printed: {@link #toString()} shows only a fingerprint, which is itself keyed so it
 * reveals nothing about the key.
 */
public final class SecretKey implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MIN_BYTES = 32;

    private final byte[] bytes;

    private SecretKey(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new KeyException("a key must hold at least " + MIN_BYTES + " random bytes; this one holds "
                    + bytes.length + ". Make one with: phb keygen --out FILE");
        }
        this.bytes = bytes.clone();
    }

    /** A fresh random key. */
    public static SecretKey generate() {
        byte[] b = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(b);
        return new SecretKey(b);
    }

    /**
     * Reads a key file holding base64 text. Refuses a file that others can read (POSIX file systems),
     * because anyone who can read the key can reverse every token made with it.
     */
    public static SecretKey fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new KeyException("key file " + file + " does not exist. Make one with: phb keygen --out " + file);
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            open.retainAll(perms);
            if (!open.isEmpty()) {
                throw new KeyException("key file " + file + " can be read or written by other users " + open
                        + "; restrict it with: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new KeyException("cannot read the permissions of key file " + file + ": " + e.getMessage());
        }
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII), "key file " + file);
        } catch (IOException e) {
            throw new KeyException("cannot read key file " + file + ": " + e.getMessage());
        }
    }

    /** Reads a base64 key from the named environment variable. */
    public static SecretKey fromEnvironment(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new KeyException("environment variable " + variable + " is not set");
        }
        return parse(value, "environment variable " + variable);
    }

    /** A key from base64 text (as held in a key file); for keys handed over by a secrets manager, and tests. */
    public static SecretKey fromBase64(String text) {
        return parse(text, "the given text");
    }

    private static SecretKey parse(String text, String where) {
        try {
            return new SecretKey(Base64.getDecoder().decode(text.strip()));
        } catch (IllegalArgumentException e) {
            throw new KeyException(where + " does not hold a base64 key. Make one with: phb keygen --out FILE");
        }
    }

    /** Writes a new key as base64 text to a file only the owner can read. */
    public void writeTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(bytes) + "\n", StandardCharsets.US_ASCII);
    }

    /** Sub-key purpose: the provider's keyed tokens of identifiers. */
    public static final String TOKENS = "tokens";
    /** Sub-key purpose: the provider's Bloom-filter encodings of names. */
    public static final String BLOOM = "bloom";
    /** Sub-key purpose: the lake's keyed hashes of source records and person ids. */
    public static final String PERSON_INDEX = "person-index";
    /** The purposes of every sub-key phb derives, except the one per extract recipient ({@link #recipientPurpose}). */
    public static final List<String> FIXED_PURPOSES = List.of(TOKENS, BLOOM, PERSON_INDEX);

    /** The purpose of the sub-key a recipient's extract pseudonyms are made with (a normalised recipient name). */
    public static String recipientPurpose(String recipientName) {
        return "extract:" + recipientName;
    }

    /**
     * A sub-key for one purpose (e.g. {@link #TOKENS}, {@link #recipientPurpose}), so outputs made for different purposes
     * cannot be joined even though they come from one master key.
     */
    public SecretKey derive(String purpose) {
        return new SecretKey(derive(bytes, purpose));
    }

    /** The bytes of a sub-key, from any key's bytes: the one derivation (the identifier scan looks for sub-keys too). */
    public static byte[] derive(byte[] key, String purpose) {
        return hmac(key, "phb-derive:" + purpose);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A short keyed fingerprint, safe to log, that tells two keys apart. */
    public String fingerprint() {
        byte[] h = hmac(bytes, "phb-fingerprint");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, 6));
    }

    @Override
    public String toString() {
        return "SecretKey[fingerprint=" + fingerprint() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    /** A key could not be loaded or is unsafe; the message says what to do. */
    public static final class KeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public KeyException(String message) {
            super(message);
        }
    }
}
