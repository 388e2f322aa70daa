package uk.nhs.phb.jobs.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.LinkFiles;
import uk.nhs.phb.pipelines.link.LinkPersons;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping;

/** A provider pseudonymises two of its own files with one key and links them: the whole path, files to files. */
class LinkFilesJobTest {
    private static final String[] GIVEN = {"Oliver", "Amelia", "Noah", "Isla", "Mohammed", "Ava", "George", "Olivia", "Leo",
        "Freya", "Arthur", "Lily", "Harry", "Mia", "Jack", "Grace", "Priya", "Kwame", "Zofia", "Aisha", "Tomasz", "Mei"};
    private static final String[] FAMILY = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Patel", "Khan", "Begum", "Robinson", "Wright", "Thompson", "Evans", "Walker", "Mensah", "Nowak", "Chen", "Okafor"};
    private static final ColumnMapping IDENTIFIERS = ColumnMapping.parse(
            "nhs_number=NHS_NO\ngiven_name=FORENAME\nfamily_name=SURNAME\ndate_of_birth=DOB\nsex=GENDER\npostcode=POSTCODE\n");

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.get();
    }

    @Test
    void linksAProvidersTwoFilesWithHighPrecisionAndRecall(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder right = new StringBuilder("ID,NHS_NO,FORENAME,SURNAME,DOB,GENDER,POSTCODE\n");
        StringBuilder left = new StringBuilder("REF,NHS_NO,FORENAME,SURNAME,DOB,GENDER,POSTCODE\n");
        Map<String, String> truth = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            String nine = String.format("97%07d", i);
            int check = NhsNumber.checkDigit(nine);
            String nhs = check < 0 ? "" : nine + check;
            String given = GIVEN[r.nextInt(GIVEN.length)];
            String family = FAMILY[r.nextInt(FAMILY.length)];
            String dob = String.format("%d-%02d-%02d", 1930 + r.nextInt(85), 1 + r.nextInt(12), 1 + r.nextInt(28));
            String sex = r.nextBoolean() ? "M" : "F";
            String pc = "LS" + (1 + r.nextInt(9)) + " " + r.nextInt(10) + "A" + (char) ('A' + r.nextInt(20));
            right.append(String.join(",", "R" + i, nhs, given, family, dob, sex, pc)).append('\n');
            if (i % 3 == 0) {
                boolean keepToken = i % 2 == 0;
                String g = i % 9 == 0 ? given.substring(0, given.length() - 1) : given;
                String p = i % 15 == 0 ? "BD9 9ZZ" : pc;
                left.append(String.join(",", "L" + i, keepToken ? nhs : "", g, family, dob, sex, p)).append('\n');
                truth.put("L" + i, "R" + i);
            }
        }
        for (int i = 0; i < 40; i++) {
            left.append(String.join(",", "X" + i, "", GIVEN[r.nextInt(GIVEN.length)], "Zzyzx", "2015-06-0" + (1 + i % 9), "F", "YO1 7HH")).append('\n');
            truth.put("X" + i, null);
        }
        SecretKey key = SecretKey.generate();
        Path a = Files.writeString(dir.resolve("left.csv"), left);
        Path b = Files.writeString(dir.resolve("right.csv"), right);
        for (Path p : List.of(a, b)) {
            PseudonymiseJob.run(spark, new PseudonymiseJob.Request(p.toString(), "csv", ",", IDENTIFIERS, key,
                    dir.resolve("p-" + p.getFileName()).toString(), null, null, false), Progress.NONE);
        }
        LinkFilesJob.Result summary = LinkFilesJob.run(spark, new LinkFilesJob.Request(dir.resolve("p-left.csv").toString(),
                dir.resolve("p-right.csv").toString(), "csv", ",", LinkFiles.Mapping.parse("left.id=REF\nright.id=ID\n"),
                LinkPersons.Settings.defaults(), dir.resolve("out").toString(), false), Progress.NONE);

        List<Row> links = spark.read().option("header", true).csv(dir.resolve("out/links").toString()).collectAsList();
        assertThat(links).hasSize(truth.size());
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (Row l : links) {
            String expected = truth.get(l.<String>getAs("left_id"));
            String got = l.getAs("right_id");
            if (got != null && got.equals(expected)) {
                tp++;
            } else if (got != null) {
                fp++;
            } else if (expected != null) {
                fn++;
            }
        }
        assertThat(fp).as("false links (tp=%d fn=%d)", tp, fn).isZero();
        assertThat(tp / (double) (tp + fn)).as("recall (tp=%d fn=%d)", tp, fn).isGreaterThanOrEqualTo(0.95);
        assertThat(summary.linked()).isEqualTo(tp + fp);
        assertThat(summary.diagnostics().candidatePairs()).isPositive();
        com.fasterxml.jackson.databind.JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("out/summary.json").toFile());
        assertThat(written.get("left_records").asLong()).isEqualTo(summary.leftRecords()).isEqualTo(truth.size());
        assertThat(written.get("review_pairs").asLong()).isEqualTo(summary.reviewPairs());
        assertThat(written.has("links_by_method") && written.has("candidate_pairs") && written.has("lambda")).isTrue();
        assertThat(Files.readString(dir.resolve("out/model.txt"))).contains("dob", "day_month_swapped");
    }

    @Test
    void aMappingWithoutTheIdColumnIsAClearError(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "REF,nhs_token\nA1,x\n");
        assertThatThrownBy(() -> LinkFilesJob.run(spark, new LinkFilesJob.Request(a.toString(), a.toString(), "csv", ",",
                LinkFiles.Mapping.parse("id=NOPE\n"), LinkPersons.Settings.defaults(), dir.resolve("out").toString(), false), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("no id column 'NOPE'").hasMessageContaining("REF");
    }
}
