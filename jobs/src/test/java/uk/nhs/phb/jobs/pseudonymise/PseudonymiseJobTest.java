package uk.nhs.phb.jobs.pseudonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping;

class PseudonymiseJobTest {
    private static final String CSV = """
            PERSON_ID,NHS_NO,FORENAME,SURNAME,DOB,GENDER,POSTCODE,NEED_LEVEL
            LA-001,943 476 5919,Zebedee,Quixwright,07/03/1980,F,LS1 4AP,high
            LA-002,9434765918,Bartholomew,"Ollerenshaw, Jr",1975-11-02,M,LS2 9JT,low
            LA-003,,Cordelia,Vantongeren,2001-01-15,F,BD1 1AA,medium
            """;
    private static final List<String> RAW = List.of("9434765919", "943 476 5919", "9434765918", "Zebedee", "Quixwright",
            "Bartholomew", "Ollerenshaw", "Cordelia", "Vantongeren", "LS1 4AP", "LS2 9JT", "BD1 1AA", "07/03/1980",
            "1975-11-02", "2001-01-15", "LA-001", "LA-002");
    private static final ColumnMapping MAPPING = ColumnMapping.parse("""
            # a council's client file
            nhs_number=NHS_NO
            given_name=FORENAME
            family_name=SURNAME
            date_of_birth=DOB
            sex=GENDER
            postcode=POSTCODE
            local_id=PERSON_ID
            local_id_domain=la_person
            """);

    private static SparkSession spark;

    @BeforeAll
    static void spark() {
        spark = TestSpark.get();
    }

    private static PseudonymiseJob.Request request(Path in, Path out, Path lookup, SecretKey key) {
        return new PseudonymiseJob.Request(in.toString(), "csv", ",", MAPPING, key, out.toString(),
                lookup == null ? null : lookup.toString(), null, false);
    }

    @Test
    void replacesIdentifiersKeepsOtherColumnsAndWritesNoRawIdentifier(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("clients.csv"), CSV);
        SecretKey key = SecretKey.generate();
        PseudonymiseJob.Result r = PseudonymiseJob.run(spark, request(in, dir.resolve("out"), dir.resolve("lookup"), key), Progress.NONE);

        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.nhsValid()).isEqualTo(1);
        assertThat(r.nhsInvalid()).isEqualTo(1);
        assertThat(r.nhsMissing()).isEqualTo(1);
        List<Row> rows = spark.read().option("header", true).csv(dir.resolve("out").toString()).orderBy("NEED_LEVEL").collectAsList();
        assertThat(rows).extracting(x -> x.getAs("NEED_LEVEL")).containsExactly("high", "low", "medium");
        assertThat(rows.get(0).schema().fieldNames()).contains("nhs_token", "name_bloom", "dob_dm_token", "la_person_token")
                .doesNotContain("NHS_NO", "FORENAME", "SURNAME", "DOB", "POSTCODE", "PERSON_ID");
        assertThat(rows).extracting(x -> x.getAs("nhs_number_status")).containsExactly("VALID", "INVALID", "MISSING");
        assertThat((String) rows.get(1).getAs("nhs_token")).as("an NHS number failing modulus 11 gets no token").isNull();
        assertThat(rows).extracting(x -> x.getAs("sex")).containsExactly("2", "1", "2");

        for (String text : allText(dir.resolve("out"))) {
            for (String raw : RAW) {
                assertThat(text).as("raw identifier in output").doesNotContain(raw);
            }
        }
        List<Row> lookup = spark.read().option("header", true).csv(dir.resolve("lookup").toString()).collectAsList();
        assertThat(lookup).hasSize(1);
        assertThat((String) lookup.get(0).getAs("nhs_number")).isEqualTo("9434765919");
        assertThat((String) lookup.get(0).getAs("nhs_token")).isEqualTo(rows.get(0).getAs("nhs_token"));
        assertThat(Files.readString(dir.resolve("out/_pseudonymise.json"))).contains("\"nhs_valid\" : 1")
                .contains(key.fingerprint()).doesNotContain("lookup");
    }

    @Test
    void sameKeyGivesSameTokensAndAnotherKeyDoesNot(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("clients.csv"), CSV);
        SecretKey key = SecretKey.generate();
        PseudonymiseJob.run(spark, request(in, dir.resolve("a"), null, key), Progress.NONE);
        PseudonymiseJob.run(spark, request(in, dir.resolve("b"), null, key), Progress.NONE);
        PseudonymiseJob.run(spark, request(in, dir.resolve("c"), null, SecretKey.generate()), Progress.NONE);
        assertThat(tokens(dir.resolve("a"))).isEqualTo(tokens(dir.resolve("b"))).doesNotContainAnyElementsOf(tokens(dir.resolve("c")));
    }

    @Test
    void refusesLookupInsideOutputMissingColumnsAndUnparseableRows(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("clients.csv"), CSV);
        SecretKey key = SecretKey.generate();
        assertThatThrownBy(() -> PseudonymiseJob.run(spark, request(in, dir.resolve("o"), dir.resolve("o/lookup"), key), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("must not go inside");

        Path other = Files.writeString(dir.resolve("other.csv"), "ID,NHS\n1,9434765919\n");
        assertThatThrownBy(() -> PseudonymiseJob.run(spark, request(other, dir.resolve("o2"), null, key), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("does not have").hasMessageContaining("FORENAME")
                .hasMessageContaining("other.csv");

        Path broken = Files.writeString(dir.resolve("broken.csv"), CSV + "LA-009,9434765919,Only,Four\n");
        assertThatThrownBy(() -> PseudonymiseJob.run(spark, request(broken, dir.resolve("o3"), null, key), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("1 rows of").hasMessageContaining("--rejects")
                .message().doesNotContain("Only");
        assertThat(dir.resolve("o3")).doesNotExist();

        PseudonymiseJob.Result r = PseudonymiseJob.run(spark, new PseudonymiseJob.Request(broken.toString(), "csv", ",", MAPPING, key,
                dir.resolve("o4").toString(), null, dir.resolve("rejects").toString(), false), Progress.NONE);
        assertThat(r.rows()).isEqualTo(3);
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(String.join("", allText(dir.resolve("rejects")))).contains("LA-009");
    }

    @Test
    void refusesToReplaceAnExistingOutputUnlessForced(@TempDir Path dir) throws IOException {
        Path in = Files.writeString(dir.resolve("clients.csv"), CSV);
        SecretKey key = SecretKey.generate();
        PseudonymiseJob.run(spark, request(in, dir.resolve("out"), null, key), Progress.NONE);
        assertThatThrownBy(() -> PseudonymiseJob.run(spark, request(in, dir.resolve("out"), null, key), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("--force");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }

    private static List<String> tokens(Path out) {
        return spark.read().option("header", true).csv(out.toString()).select("dob_token").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    private static List<String> allText(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
