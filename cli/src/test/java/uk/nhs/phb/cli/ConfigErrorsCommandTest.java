package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.models.pseudonym.SecretKey;

/**
 * Misconfiguration through the real commands: each ends in exit 3 with one message naming the value or file and
 * the fix, prints no key, and leaves nothing half-written.
 */
class ConfigErrorsCommandTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void spark() {
        spark = SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false));
        spark.sparkContext().hadoopConfiguration().set("fs." + FullDiskFileSystem.SCHEME + ".impl", FullDiskFileSystem.class.getName());
        spark.sparkContext().hadoopConfiguration().setBoolean("fs." + FullDiskFileSystem.SCHEME + ".impl.disable.cache", true);
    }

    private String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        if (!a.contains("--lake")) {
            a.addAll(List.of("--lake", dir.resolve("lake").toString()));
        }
        if (!a.contains("--out")) {
            a.addAll(List.of("--out", dir.resolve("out").toString()));
        }
        a.addAll(List.of("--landing", dir.resolve("landing").toString(), "--master", "local[2]"));
        return a.toArray(String[]::new);
    }

    private static void assertInputError(CliTest.Run r, String... says) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err()).contains(says).doesNotContain("\tat ").doesNotContain("internal error");
        assertThat(r.err().strip().lines().count()).as("one message: " + r.err()).isLessThanOrEqualTo(2);
    }

    @Test
    void missingOpenAndWrongLakeKeysAreRefusedAndNeverPrinted() throws Exception {
        SecretKey right = SecretKey.generate();
        Path rightFile = dir.resolve("keys/lake.key");
        right.writeTo(rightFile);
        SecretKey wrong = SecretKey.generate();
        Path wrongFile = dir.resolve("keys/other.key");
        wrong.writeTo(wrongFile);
        // a lake whose person index was built with the right key (as phb link records it)
        StructType schema = new StructType().add("source", DataTypes.StringType).add("entity_hash", DataTypes.StringType)
                .add("person_id", DataTypes.StringType);
        spark.createDataFrame(List.of(RowFactory.create("patients", "h", "p")), schema).write().format("delta")
                .option("userMetadata", "{\"run_id\":\"r\",\"lake_key_fingerprint\":\"" + right.fingerprint() + "\"}")
                .mode(SaveMode.Overwrite).save(dir.resolve("lake/silver/person_index").toString());
        spark.createDataFrame(List.of(RowFactory.create("patients", "h", "p")), schema).write().format("delta")
                .save(dir.resolve("lake/bronze/patients").toString());

        List<CliTest.Run> runs = new ArrayList<>();
        CliTest.Run missing = CliTest.run(args("features", "--as-of", "2025-26Q4", "--lake-key-file", dir.resolve("keys/none.key").toString()));
        assertInputError(missing, "none.key", "does not exist", "phb keygen");
        runs.add(missing);

        Path open = dir.resolve("keys/open.key");
        right.writeTo(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        CliTest.Run readable = CliTest.run(args("features", "--as-of", "2025-26Q4", "--lake-key-file", open.toString()));
        assertInputError(readable, "open.key", "chmod 600");
        runs.add(readable);

        CliTest.Run features = CliTest.run(args("features", "--as-of", "2025-26Q4", "--lake-key-file", wrongFile.toString()));
        assertInputError(features, "fingerprint " + right.fingerprint(), wrong.fingerprint(), "--lake-key-file");
        runs.add(features);
        CliTest.Run link = CliTest.run(args("link", "--lake-key-file", wrongFile.toString()));
        assertInputError(link, "fingerprint " + right.fingerprint(), wrong.fingerprint());
        runs.add(link);
        assertThat(DeltaTables.exists(spark, dir.resolve("lake/gold/person_features").toString())).as("nothing written").isFalse();
        assertThat(DeltaTables.version(spark, dir.resolve("lake/silver/person_index").toString())).as("index untouched").isZero();

        for (CliTest.Run r : runs) {
            for (Path k : List.of(rightFile, wrongFile)) {
                String secret = Files.readString(k).strip();
                assertThat(r.out() + r.err()).doesNotContain(secret).doesNotContain(secret.substring(0, 16));
            }
        }
    }

    @Test
    void unwritableAndFullOutputFoldersFailCleanly() throws Exception {
        Path feed = Files.createDirectories(dir.resolve("landing/ref_lsoa"));
        Files.writeString(feed.resolve("part-0.csv"), "lsoa_code,imd_decile,la_code\nE01000001,3,E07000001\n");

        // --out below a file: no folder can be made there (permissions cannot stop root, a file in the way can)
        Files.writeString(dir.resolve("blocker"), "a file, not a folder\n");
        CliTest.Run blocked = CliTest.run(args("ingest", "--feeds", "ref_lsoa", "--out", dir.resolve("blocker/out").toString()));
        assertInputError(blocked, "data-quality summary", "blocker/out", "--out");

        // a disk that fills up while the summary is written
        Path full = dir.resolve("fullout");
        CliTest.Run diskFull = CliTest.run(args("ingest", "--feeds", "ref_lsoa", "--out", FullDiskFileSystem.SCHEME + "://" + full));
        assertInputError(diskFull, "No space left on device", "data-quality summary");
        try (Stream<Path> s = Files.walk(full)) {
            assertThat(s.filter(Files::isRegularFile).toList()).as("no summary file left, whole or partial").isEmpty();
        }

        CliTest.Run audit = CliTest.run(args("audit", "--json"));
        assertThat(audit.out()).contains("\"status\":\"FAILED\"").doesNotContain("\"status\":\"RUNNING\"");
    }
}
