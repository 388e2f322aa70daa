package uk.nhs.phb.models.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PseudonymisationTest {
    private static final SecretKey KEY = key(1);
    private static final SecretKey OTHER = key(2);

    private static SecretKey key(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        try {
            Path f = Files.createTempFile("k", ".key");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(f, Base64.getEncoder().encodeToString(b));
            return SecretKey.fromFile(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nhsNumberModulus11() {
        // 943 476 5919 is the NHS Data Dictionary's worked example of a valid number
        assertThat(NhsNumber.isValid("943 476 5919")).isTrue();
        assertThat(NhsNumber.isValid("9434765918")).isFalse();
        assertThat(NhsNumber.isValid("94347659")).isFalse();
        assertThat(NhsNumber.isValid(null)).isFalse();
        assertThat(NhsNumber.checkDigit("943476591")).isEqualTo(9);
        // 8 x weight 7 = 56, remainder 1, gives check 10, which no valid number has
        assertThat(NhsNumber.checkDigit("000800000")).isEqualTo(-1);
    }

    @Test
    void sameInputAndKeyGiveSameTokenAndAnotherKeyDoesNot() {
        KeyedTokens a = new KeyedTokens(KEY);
        String t = a.token("nhs_number", "9434765919");
        assertThat(t).matches("[A-Za-z0-9_-]{43}").isEqualTo(new KeyedTokens(KEY).token("nhs_number", "9434765919"));
        assertThat(new KeyedTokens(OTHER).token("nhs_number", "9434765919")).isNotEqualTo(t);
        assertThat(a.token("dob", "9434765919")).as("domains are separated").isNotEqualTo(t);
        assertThat(a.token("nhs_number", null)).isNull();
    }

    @Test
    void derivedKeysDifferByPurpose() {
        assertThat(KEY.derive("extract:a")).isNotEqualTo(KEY.derive("extract:b")).isNotEqualTo(KEY);
        assertThat(KEY.derive("extract:a")).isEqualTo(KEY.derive("extract:a"));
    }

    @Test
    void bloomEncodingsOfSimilarNamesAreCloseAndOfDifferentNamesFar() {
        BloomEncoder e = new BloomEncoder(KEY);
        String smith = e.encode("Jonathan", "Smith");
        assertThat(Base64.getDecoder().decode(smith)).hasSize(BloomEncoder.BITS / 8);
        assertThat(smith).matches("[A-Za-z0-9+/]{171}=");
        assertThat(e.encode("jonathan ", "SMITH")).as("normalised first").isEqualTo(smith);
        assertThat(BloomEncoder.dice(smith, e.encode("Jonathon", "Smith"))).isGreaterThan(0.85);
        assertThat(BloomEncoder.dice(smith, e.encode("Priya", "Patel"))).isLessThan(0.5);
        assertThat(BloomEncoder.dice(smith, new BloomEncoder(OTHER).encode("Jonathan", "Smith")))
                .as("another key gives unrelated filters").isLessThan(0.6);
        assertThat(e.encode(null, " ")).isNull();
    }

    @Test
    void identityEncodingKeepsPartialDateAgreementAndDropsInvalidNhsNumbers() {
        IdentityEncoder enc = new IdentityEncoder(KEY);
        EncodedIdentity a = enc.encode(new Identity("943 476 5919", "Ann", "Lee", LocalDate.of(1980, 3, 7), "F", "ls1 4ap"));
        EncodedIdentity swapped = enc.encode(new Identity("9434765918", "Ann", "Lee", LocalDate.of(1980, 7, 3), "2", "LS14AP"));
        assertThat(a.nhsToken()).isNotNull();
        assertThat(swapped.nhsToken()).as("bad check digit").isNull();
        assertThat(swapped.dobToken()).isNotEqualTo(a.dobToken());
        assertThat(swapped.dobDmToken()).as("day/month swap agrees").isEqualTo(a.dobDmToken());
        assertThat(swapped.postcodeToken()).isEqualTo(a.postcodeToken());
        assertThat(a.sex()).isEqualTo("2");
        assertThat(a.birthYear()).isEqualTo(1980);
        EncodedIdentity sameMonth = enc.encode(new Identity(null, "Ann", "Lee", LocalDate.of(1980, 3, 21), "F", "LS1 4AQ"));
        assertThat(sameMonth.dobYmToken()).isEqualTo(a.dobYmToken());
        assertThat(sameMonth.postcodeDistrictToken()).isEqualTo(a.postcodeDistrictToken());
        assertThat(sameMonth.postcodeToken()).isNotEqualTo(a.postcodeToken());
        assertThat(new Identity("9434765919", "Ann", "Lee", null, null, null).toString()).doesNotContain("943");
    }

    @Test
    void keyFilesReadableByOthersAreRefusedAndKeysNeverPrint(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("k.key");
        SecretKey k = SecretKey.generate();
        k.writeTo(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(SecretKey.fromFile(f)).isEqualTo(k);
        String base64 = Files.readString(f).strip();
        assertThat(k.toString()).doesNotContain(base64).contains("fingerprint");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretKey.fromFile(f)).hasMessageContaining("chmod 600");
        assertThatThrownBy(() -> SecretKey.fromFile(dir.resolve("none.key"))).hasMessageContaining("does not exist");
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[8]));
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SecretKey.fromFile(shortKey)).hasMessageContaining("at least 32");
    }

    @Test
    void recipientPseudonymsAreStablePerRecipientAndUnrelatedAcrossRecipients() {
        SecretKey lake = SecretKey.generate();
        RecipientPseudonyms a = RecipientPseudonyms.of(lake, "DSCRO-North");
        RecipientPseudonyms again = RecipientPseudonyms.of(SecretKey.fromBase64(java.util.Base64.getEncoder().encodeToString(lake.bytes())),
                "dscro-north");
        RecipientPseudonyms b = RecipientPseudonyms.of(lake, "dscro-south");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String person = "P" + i;
            String p = a.pseudonym(person);
            assertThat(p).matches("R[A-Za-z0-9_-]{20}").isEqualTo(again.pseudonym(person)).isNotEqualTo(b.pseudonym(person));
            assertThat(seen.add(p)).isTrue();
        }
        assertThat(a.recipient()).isEqualTo("dscro-north");
        assertThat(a.keyFingerprint()).isEqualTo(again.keyFingerprint()).isNotEqualTo(b.keyFingerprint());
        assertThat(RecipientPseudonyms.of(SecretKey.generate(), "dscro-north").pseudonym("P1")).isNotEqualTo(a.pseudonym("P1"));
        assertThat(a.pseudonym(null)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecipientPseudonyms.recipientName("../etc"))
                .hasMessageContaining("recipient '../etc' must be");
    }
}
