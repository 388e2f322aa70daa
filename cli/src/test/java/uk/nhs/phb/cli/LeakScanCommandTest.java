package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.models.pseudonym.KeyedTokens;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;

/**
 * The leak scanner through {@code phb audit --scan-for-identifiers}: each kind of identifier planted in a
 * small lake, out/ and a log is found where it was put, the report never shows it, and values that only look
 * alike (a 10-digit number failing modulus 11, a lone surname that is also a word, tokens in bronze) are not.
 */
class LeakScanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALID_NHS = "9434765919";

    @TempDir
    static Path dir;
    static SparkSession spark;
    static String givenName;
    static String familyName;
    static String postcode;
    static String rawNhs;
    static String token;
    static byte[] lakeKeyBytes;

    @BeforeAll
    static void plant() throws Exception {
        spark = SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false));
        // a synthetic population's recorded settings; its raw identities re-derived here to plant some of them
        Files.createDirectories(dir.resolve("landing/_truth"));
        Files.writeString(dir.resolve("landing/_truth/synth_settings.json"),
                "{\"people\":100,\"seed\":5,\"start\":\"2022-04-01\",\"end\":\"2026-03-31\",\"missing_nhs_token_share\":0.08}");
        List<Row> raw = SyntheticPopulation.of(spark, SynthSettings.of(100, 5), SecretKey.generate()).rawIdentities()
                .filter(col("person_id").equalTo(
                        SyntheticPopulation.of(spark, SynthSettings.of(100, 5), SecretKey.generate()).rawIdentities()
                                .select("person_id").first().getString(0))).collectAsList();
        for (Row r : raw) {
            switch (r.getString(1)) {
                case "given_name" -> givenName = givenName == null ? r.getString(2) : givenName;
                case "family_name" -> familyName = familyName == null ? r.getString(2) : familyName;
                case "postcode" -> postcode = postcode == null ? r.getString(2) : postcode;
                case "nhs_number" -> rawNhs = r.getString(2);
                default -> { }
            }
        }
        // a provider's token in a landing feed
        SecretKey provider = SecretKey.generate();
        token = new KeyedTokens(provider).token("nhs_number", "0000000000");
        Files.createDirectories(dir.resolve("landing/patients"));
        Files.writeString(dir.resolve("landing/patients/part-0.csv"), "nhs_token,sex\n" + token + ",1\n");
        // keys
        SecretKey lakeKey = SecretKey.generate();
        lakeKey.writeTo(dir.resolve("keys/lake.key"));
        lakeKeyBytes = Base64.getDecoder().decode(Files.readString(dir.resolve("keys/lake.key")).strip());

        StructType schema = new StructType().add("person_id", DataTypes.StringType).add("given", DataTypes.StringType)
                .add("note", DataTypes.StringType).add("family", DataTypes.StringType).add("n", DataTypes.LongType);
        // planted: a full name over two columns, a spaced NHS number in free text, a token, a raw NHS number as a number
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create("p1", givenName, "seen at 943 476 5919 clinic", familyName, 1L));
        rows.add(RowFactory.create("p2", "x", "moved to " + postcode, "y", Long.parseLong(rawNhs)));
        rows.add(RowFactory.create(token, "x", "ok", "y", 3L));
        spark.createDataFrame(rows, schema).write().format("delta").save(dir.resolve("lake/gold/leaky").toString());
        // the same token in bronze is where it belongs
        spark.createDataFrame(List.of(RowFactory.create(token, "x", "ok", "y", 3L)), schema).write().format("delta")
                .save(dir.resolve("lake/bronze/patients").toString());
        // look-alikes that are not identifiers
        List<Row> clean = new ArrayList<>();
        clean.add(RowFactory.create("p3", "White", "1234567890 is not a valid NHS number; cost 0.9434765919", "Green", 1234567890L));
        clean.add(RowFactory.create("p4", "A", "ethnic group White, decile 3", "B", 20240101L));
        spark.createDataFrame(clean, schema).write().format("delta").save(dir.resolve("lake/gold/clean").toString());
        // a writer killed mid-file leaves part files that are not whole Parquet (never committed, but on disk until VACUUM):
        // one empty, one holding a full name in plain text
        Files.write(dir.resolve("lake/gold/clean/part-00099-killed.snappy.parquet"), new byte[0]);
        spark.createDataFrame(List.of(RowFactory.create("p5", "x", "ok", "y", 5L)), schema).write().format("delta")
                .save(dir.resolve("lake/gold/killed").toString());
        Files.writeString(dir.resolve("lake/gold/killed/part-00001-killed.snappy.parquet"), "PAR1\n" + givenName + " " + familyName + "\n");

        Files.createDirectories(dir.resolve("out/report"));
        Files.writeString(dir.resolve("out/report/summary.json"), "{\"hex\":\"" + HexFormat.of().formatHex(lakeKeyBytes) + "\"}\n");
        Files.writeString(dir.resolve("out/report/people.csv"), "a,b\nx,y\n" + familyName.toUpperCase() + "," + givenName + "\n");
        try (OutputStream o = Files.newOutputStream(dir.resolve("out/report/return.xlsx"));
             ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("xl/sharedStrings.xml"));
            z.write(("<sst><si><t>" + VALID_NHS.substring(0, 3) + "-" + VALID_NHS.substring(3, 6) + "-" + VALID_NHS.substring(6)
                    + "</t></si></sst>").getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        // the sub-key a recipient's pseudonyms are made with, in that recipient's extract folder
        Path extract = Files.createDirectories(dir.resolve("out/extracts/2025-26Q4/commissioning/dscro-north"));
        byte[] recipientKey = SecretKey.derive(lakeKeyBytes, SecretKey.recipientPurpose("dscro-north"));
        Files.writeString(extract.resolve("manifest.json"), "{\"key\":\"" + Base64.getEncoder().encodeToString(recipientKey) + "\"}\n");
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/run.log"), "INFO all good\nDEBUG key=" + Base64.getEncoder().encodeToString(lakeKeyBytes)
                + "\nINFO token " + token + " seen\n");
        byte[] bin = new byte[200];
        System.arraycopy(lakeKeyBytes, 0, bin, 100, lakeKeyBytes.length);
        Files.write(dir.resolve("logs/core.bin"), bin);
    }

    private static CliTest.Run scan(String... paths) {
        List<String> a = new ArrayList<>(List.of("audit", "--scan-for-identifiers"));
        for (String p : paths) {
            a.add(dir.resolve(p).toString());
        }
        a.addAll(List.of("--landing", dir.resolve("landing").toString(), "--lake", dir.resolve("lake").toString(),
                "--keys", dir.resolve("keys").toString(), "--master", "local[2]", "--json"));
        return CliTest.run(a.toArray(String[]::new));
    }

    @Test
    void everyPlantedKindIsFoundWhereItWasPutAndNeverShown() throws Exception {
        CliTest.Run r = scan("lake", "out", "logs");
        assertThat(r.code()).as(r.err()).isEqualTo(AuditCommand.EXIT_FOUND);
        JsonNode j = JSON.readTree(r.out());
        Map<String, Long> byKind = JSON.convertValue(j.get("by_kind"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertThat(j.get("checks").toString()).doesNotContain("not checked");
        assertThat(j.get("checks").get("key_material").asText()).contains("3 fixed, 1 for extract recipients");

        List<String> found = new ArrayList<>();
        for (JsonNode f : j.get("findings")) {
            String file = f.get("file").asText();
            String where = file.substring(file.indexOf(dir.getFileName().toString()) + dir.getFileName().toString().length() + 1);
            if (where.contains("/_delta_log/")) {
                where = where.substring(0, where.indexOf("/_delta_log/")) + "/_delta_log";
            } else if (where.contains("/part-")) {
                where = where.substring(0, where.indexOf("/part-"));
            }
            found.add(f.get("kind").asText() + " " + where + " " + (f.get("column").isNull() ? "" : f.get("column").asText())
                    + (f.get("lines").isEmpty() ? "" : " " + f.get("lines")));
        }
        assertThat(found).contains(
                "raw_name lake/gold/leaky given+family",
                "nhs_number lake/gold/leaky note",
                "nhs_number lake/gold/leaky n",
                "raw_postcode lake/gold/leaky note",
                "source_token lake/gold/leaky person_id",
                "key_material out/report/summary.json  [1]",
                "key_material out/extracts/2025-26Q4/commissioning/dscro-north/manifest.json  [1]",
                "raw_name out/report/people.csv  [3]",
                "nhs_number out/report/return.xlsx entry xl/sharedStrings.xml [1]",
                "key_material logs/run.log  [2]",
                "source_token logs/run.log  [3]",
                "key_material logs/core.bin bytes",
                "raw_name lake/gold/killed  [2]");
        assertThat(j.get("scanned").get("partial_parquet_files").asLong()).as("the two killed writers' files").isEqualTo(2);
        assertThat(found).as("nothing from the look-alikes, nor the token in bronze")
                .noneMatch(f -> f.contains("gold/clean") || f.contains("lake/bronze"));
        assertThat(byKind).containsOnlyKeys("nhs_number", "raw_name", "raw_postcode", "source_token", "key_material");

        // the report names places, never the values
        String everything = r.out() + r.err();
        String keyB64 = Base64.getEncoder().encodeToString(lakeKeyBytes);
        for (String secret : List.of(givenName, familyName, postcode, postcode.replace(" ", ""), rawNhs, VALID_NHS, "943 476 5919",
                token, keyB64, keyB64.substring(0, 20), HexFormat.of().formatHex(lakeKeyBytes))) {
            assertThat(everything).as("report shows a planted value").doesNotContain(secret);
        }

        // the readable form says the same and exits 4 too
        List<String> args = new ArrayList<>(List.of("audit", "--scan-for-identifiers", dir.resolve("out").toString(),
                "--landing", dir.resolve("landing").toString(), "--keys", dir.resolve("keys").toString(), "--master", "local[2]"));
        CliTest.Run text = CliTest.run(args.toArray(String[]::new));
        assertThat(text.code()).isEqualTo(AuditCommand.EXIT_FOUND);
        assertThat(text.out()).contains("FOUND").contains("people.csv").contains("raw_name").doesNotContain(familyName);
    }

    @Test
    void cleanPlacesScanCleanAndMissingListsAreSaidNotChecked() throws Exception {
        CliTest.Run r = scan("lake/gold/clean", "lake/bronze");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("found").asLong()).isZero();
        assertThat(j.get("scanned").get("rows").asLong()).isEqualTo(3);
        assertThat(j.get("scanned").get("partial_parquet_files").asLong()).as("an empty part file is scanned, not decoded").isEqualTo(1);

        CliTest.Run none = CliTest.run("audit", "--scan-for-identifiers", dir.resolve("lake/gold/clean").toString(),
                "--landing", dir.resolve("nowhere").toString(), "--lake", dir.resolve("nolake").toString(),
                "--keys", dir.resolve("nokeys").toString(), "--master", "local[2]", "--json");
        assertThat(none.code()).isZero();
        JsonNode checks = JSON.readTree(none.out()).get("checks");
        assertThat(checks.get("raw_name").asText()).startsWith("not checked");
        assertThat(checks.get("source_token").asText()).startsWith("not checked");
        assertThat(checks.get("key_material").asText()).startsWith("not checked");
        assertThat(checks.get("nhs_number").asText()).startsWith("checked");

        CliTest.Run missing = CliTest.run("audit", "--scan-for-identifiers", dir.resolve("no-such").toString(), "--master", "local[2]");
        assertThat(missing.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(missing.err()).contains("nothing to scan at");
    }
}
