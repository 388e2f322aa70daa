package uk.nhs.phb.jobs.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthLayout;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.Feeds;

class SynthJobTest {
    static final SecretKey KEY = SecretKey.generate();
    @TempDir
    static Path dir;
    static JobSettings job;
    static SynthJob.Result result;
    static SynthSettings settings;

    /**
     * Anything shaped like an NHS number or a postcode (with or without its space) standing on its own in a line: not
     * inside a run of base64 characters, where a token or Bloom filter holds such shapes by chance (a raw postcode's six
     * characters once turned up inside a random key's token in the patients feed, and failed a CI dry run).
     */
    static final java.util.regex.Pattern CANDIDATE = java.util.regex.Pattern.compile(
            "(?<![A-Za-z0-9+/=_-])(?=([0-9]{10}|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})(?![A-Za-z0-9+/=_-]))");

    @BeforeAll
    static void run() {
        job = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(), "local[2]", false);
        SparkSessions.forJob(job);
        settings = SynthSettings.of(1500, 5);
        result = SynthJob.run(job, settings, KEY, SynthJob.FORMAT_CSV, false, Progress.NONE);
    }

    static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
    }

    @Test
    void writesEveryFeedAndTruthTableWithHeadersAndCounts() throws IOException {
        Path landing = dir.resolve("landing");
        for (String table : SyntheticPopulation.tableNames()) {
            Path folder = landing.resolve(table);
            assertThat(folder).as(table).isDirectory();
            long lines = 0;
            String header = String.join(",", SyntheticPopulation.columns(table));
            for (Path f : files(folder)) {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                assertThat(all.get(0)).as(f.toString()).isEqualTo(header);
                lines += all.size() - 1;
            }
            assertThat(lines).as(table).isEqualTo(result.rows().get(table));
            // no checksum side files: a landing file corrected by hand must stay readable
            try (Stream<Path> s = Files.list(folder)) {
                assertThat(s.map(p -> p.getFileName().toString())).as(table).noneMatch(n -> n.endsWith(".crc"));
            }
        }
        for (FeedContract f : Feeds.all()) {
            assertThat(result.rows().get(f.name())).as(f.name()).isPositive();
        }
        // nothing but the feeds and _truth at the top level: no temporary folders left behind
        try (Stream<Path> s = Files.list(landing)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))).isEmpty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp"))).isEmpty();
        }
    }

    @Test
    void faultCountsMatchTheTruthTable() throws IOException {
        Map<String, Long> fromFile = new HashMap<>();
        for (Path f : files(dir.resolve("landing/_truth/faults"))) {
            List<String> lines = Files.readAllLines(f);
            for (String line : lines.subList(1, lines.size())) {
                fromFile.merge(line.split(",")[1], 1L, Long::sum);
            }
        }
        for (Map.Entry<String, Long> e : result.faults().entrySet()) {
            assertThat(fromFile.getOrDefault(e.getKey(), 0L)).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(result.faults().get("malformed_row")).isPositive();
    }

    @Test
    void refusesANonEmptyLandingWithoutForce() {
        assertThatThrownBy(() -> SynthJob.run(job, SynthSettings.of(200, 1), KEY, SynthJob.FORMAT_CSV, false, Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("not empty").hasMessageContaining("--force");
    }

    @Test
    void forceReplacesAndParquetWorks() {
        JobSettings other = new JobSettings(job.lake(), dir.resolve("landing2").toString(), job.out(), job.master(), false);
        SynthJob.run(other, SynthSettings.of(200, 1), KEY, SynthJob.FORMAT_CSV, false, Progress.NONE);
        SynthJob.Result r = SynthJob.run(other, SynthSettings.of(300, 2), KEY, SynthJob.FORMAT_PARQUET, true, Progress.NONE);
        SparkSession spark = SparkSessions.forJob(other);
        long patients = spark.read().parquet(other.landing() + "/patients").count();
        assertThat(patients).isEqualTo(r.rows().get("patients"));
        assertThat(r.faults().get("malformed_row")).isZero();
        assertThat(spark.read().parquet(other.landing() + "/patients").columns()).containsExactlyElementsOf(Feeds.byName("patients").fieldNames());
        // the audit log holds the runs
        assertThat(spark.read().format("delta").load(job.lake() + "/audit/runs").filter("command = 'synth' AND status = 'SUCCEEDED'").count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void theNationalLayoutAsParquetWritesATableTwoFeedsShareOnceAndNoChecksumFiles() throws IOException {
        // gp_events carries conditions and type 1 objections: once written as two tables into one folder, it failed
        JobSettings other = new JobSettings(job.lake(), dir.resolve("landing-national-parquet").toString(), job.out(), job.master(), false);
        SynthJob.Result r = SynthJob.run(other, SynthSettings.of(300, 2), KEY, SynthJob.FORMAT_PARQUET, SynthLayout.NATIONAL, false,
                Progress.NONE);
        SparkSession spark = SparkSessions.forJob(other);
        assertThat(spark.read().parquet(other.landing() + "/gp_events").count()).isEqualTo(r.rows().get("gp_events")).isPositive();
        assertThat(r.rows().keySet()).as("each table once").doesNotHaveDuplicates();
        try (Stream<Path> s = Files.walk(Path.of(other.landing()))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".crc") || n.equals("_SUCCESS"));
        }
    }

    @Test
    void noRawIdentifierInAnyWrittenFile() throws IOException {
        SparkSession spark = SparkSessions.forJob(job);
        List<Row> ids = SyntheticPopulation.of(spark, settings, KEY).rawIdentities().collectAsList();
        Set<String> names = new HashSet<>();
        Set<String> substrings = new HashSet<>();
        Map<String, String> dobByPerson = new HashMap<>();
        for (Row r : ids) {
            String kind = r.getString(1);
            String v = r.getString(2);
            switch (kind) {
                case "given_name", "family_name" -> names.add(v.toUpperCase(Locale.ROOT));
                case "nhs_number" -> substrings.add(v);
                case "postcode" -> {
                    substrings.add(v);
                    substrings.add(v.replace(" ", ""));
                }
                case "date_of_birth" -> dobByPerson.putIfAbsent(r.getString(0), v);
                default -> throw new IllegalStateException(kind);
            }
        }
        assertThat(names).hasSizeGreaterThan(20);
        assertThat(substrings).hasSizeGreaterThan(1500);
        // record key -> person, for the demographic feeds
        Map<String, String> personOf = new HashMap<>();
        for (Path f : files(dir.resolve("landing/_truth/person_records"))) {
            for (String line : Files.readAllLines(f)) {
                String[] p = line.split(",");
                personOf.put(p[1], p[2]);
            }
        }
        Path landing = dir.resolve("landing");
        // found, not asserted per field: an AssertJ assertion per field of every line was a minute of this suite
        List<String> found = new ArrayList<>();
        int registeredFrom = Feeds.byName("patients").fieldNames().indexOf("registered_from");
        long lines = 0;
        try (Stream<Path> all = Files.walk(landing)) {
            for (Path f : all.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".csv")).toList()) {
                String feed = landing.relativize(f.getParent()).toString();
                boolean demographic = Set.of("patients", "asc_cld", "csc", "ehcp").contains(feed);
                for (String line : Files.readAllLines(f)) {
                    lines++;
                    java.util.regex.Matcher m = CANDIDATE.matcher(line);
                    while (m.find()) {
                        if (substrings.contains(m.group(1))) {
                            found.add(f + " holds a raw NHS number or postcode");
                        }
                    }
                    String[] fields = line.split(",", -1);
                    for (String field : fields) {
                        if (names.contains(field.toUpperCase(Locale.ROOT))) {
                            found.add(f + " holds a raw name");
                        }
                    }
                    // demographic feeds: the person's birth date never appears in their own rows, except the
                    // contract's registration start for people born in the area
                    String dob = demographic ? dobByPerson.get(personOf.get(fields[0])) : null;
                    if (dob != null) {
                        for (int i = 0; i < fields.length; i++) {
                            boolean registeredAtBirth = feed.equals("patients") && i == registeredFrom;
                            if (!registeredAtBirth && fields[i].equals(dob)) {
                                found.add(f + " holds a raw date of birth");
                            }
                        }
                    }
                }
            }
        }
        assertThat(lines).as("lines scanned").isGreaterThan(10_000);
        assertThat(found).isEmpty();
    }
}
