package uk.nhs.phb.models.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.privacy.IdentifierMatcher.Hit;
import uk.nhs.phb.models.privacy.IdentifierMatcher.Kind;

class IdentifierMatcherTest {
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 37 + 11);
        }
    }

    private final IdentifierMatcher m = IdentifierMatcher.builder().addName("Grace", "Okafor").addName("Mark", "White")
            .addPostcode("LS12 3AB").addKey("key lake.key", KEY).build();

    private static List<Kind> kinds(List<Hit> hits) {
        return hits.stream().map(Hit::kind).toList();
    }

    @Test
    void nhsNumbersAreFoundInEveryLayoutButNotInsideOtherNumbers() {
        // 943 476 5919 passes modulus 11; 943 476 5918 does not
        for (String s : List.of("9434765919", "nhs 943 476 5919.", "943-476-5919", "\"9434765919\",x", "<v>9434765919</v>")) {
            assertThat(kinds(m.scanText(s))).as(s).containsExactly(Kind.NHS_NUMBER);
        }
        for (String s : List.of("9434765918", "19434765919", "94347659190", "0.9434765919", "9434765919.5", "943 476-5919",
                "id9434765919", "1717171717123")) {
            assertThat(m.scanText(s)).as(s).isEmpty();
        }
        assertThat(m.scanText("a 943 476 5919 b").get(0).masked()).isEqualTo("*** *** ****");
    }

    @Test
    void fullNamesAreFoundInALineOrAcrossColumnsButALoneCommonSurnameIsNot() {
        assertThat(kinds(m.scanText("seen: Grace Okafor today"))).containsExactly(Kind.RAW_NAME);
        assertThat(kinds(m.scanText("OKAFOR, GRACE"))).containsExactly(Kind.RAW_NAME);
        assertThat(m.scanText("OKAFOR, GRACE").get(0).masked()).isEqualTo("O***** G****");
        assertThat(m.scanText("ethnic group White; Mark the cells")).as("one person's two names, both capitalised").hasSize(1);
        assertThat(m.scanText("ethnic group White, decile 3")).isEmpty();
        assertThat(m.scanText("grace okafor")).as("lower-case prose is not a name").isEmpty();
        assertThat(m.scanText("Grace White")).as("names of two different people").isEmpty();
        List<Hit> row = m.scanRow(new String[] {"given", "note", "family"}, new String[] {"Grace", "x", "Okafor"});
        assertThat(row).extracting(Hit::kind, Hit::column).containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.RAW_NAME, "given+family"));
    }

    @Test
    void postcodesFromTheListAreFoundWithOrWithoutTheSpace() {
        assertThat(kinds(m.scanText("moved to LS12 3AB"))).containsExactly(Kind.RAW_POSTCODE);
        assertThat(kinds(m.scanText("ls123ab"))).containsExactly(Kind.RAW_POSTCODE);
        assertThat(m.scanText("LS12 3AC and LS1 3AB")).as("not on the list").isEmpty();
        assertThat(m.scanText("LS12 3AB").get(0).masked()).isEqualTo("L******");
    }

    @Test
    void keyMaterialIsFoundAsBase64HexAndRawBytes() {
        for (String s : List.of(Base64.getEncoder().encodeToString(KEY), Base64.getUrlEncoder().withoutPadding().encodeToString(KEY),
                HexFormat.of().formatHex(KEY), HexFormat.of().withUpperCase().formatHex(KEY))) {
            List<Hit> hits = m.scanText("key=" + s + ";");
            assertThat(kinds(hits)).as(s).contains(Kind.KEY_MATERIAL);
            assertThat(hits.stream().filter(h -> h.kind() == Kind.KEY_MATERIAL).map(Hit::masked)).containsOnly("[key lake.key]");
        }
        String raw = "xx" + new String(KEY, StandardCharsets.ISO_8859_1) + "yy";
        assertThat(m.keyLabelsIn(raw)).containsExactly("key lake.key");
        assertThat(m.scanText(Base64.getEncoder().encodeToString(KEY).substring(0, 30))).as("a fragment is not the key").isEmpty();
    }

    @Test
    void theMatcherCarriesNeitherTheIdentitiesNorTheKey() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(m);
        }
        String serialised = bytes.toString(StandardCharsets.ISO_8859_1);
        for (String secret : List.of("Okafor", "okafor", "Grace", "LS123AB", "LS12 3AB", Base64.getEncoder().encodeToString(KEY),
                HexFormat.of().formatHex(KEY), new String(KEY, StandardCharsets.ISO_8859_1))) {
            assertThat(serialised).doesNotContain(secret);
        }
    }

    @Test
    void tokenCandidatesAreExactly43Base64UrlCharacters() {
        String t = "abcdefghijABCDEFGHIJ0123456789_-abcdefghijk";
        assertThat(IdentifierMatcher.tokenCandidates("x," + t + ",y")).containsExactly(t);
        assertThat(IdentifierMatcher.tokenCandidates(t + "Z")).isEmpty();
        assertThat(IdentifierMatcher.maskToken(t)).startsWith("abcd").hasSize(43).doesNotContain("ABCD");
    }
}
