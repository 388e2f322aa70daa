package uk.nhs.phb.jobs.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.FaultRates;
import uk.nhs.phb.pipelines.synth.SynthLayout;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.schemas.Feeds;

/**
 * The equality proof of the national layouts: one synthetic population written in phb's layout and in the national
 * extracts' layouts (SUS+ APCS, SUS+ OPA, ECDS read through their dataset profiles) lands as the same lake: each of those
 * feeds' bronze tables holds the same rows (lineage aside) and quarantines the same number of rows for the same rules,
 * and every other feed is written byte for byte the same. The whole batch's outputs are compared by bench/layouts.sh.
 */
class NationalLayoutEqualityTest {
    static final LocalDate EXTRACT = LocalDate.of(2026, 4, 30);
    static final SecretKey PROVIDER = SecretKey.generate();
    static final SecretKey LAKE = SecretKey.generate();
    /** The feeds written in a national layout; every other feed's files are the same bytes in both landings. */
    static final List<String> HOSPITAL = List.of("apc_spells", "outpatients", "ecds");
    static SparkSession spark;

    @TempDir
    static Path tmp;
    static JobSettings phb;
    static JobSettings national;
    static IngestJob.Result phbIngest;
    static IngestJob.Result nationalIngest;

    @BeforeAll
    static void landBoth() {
        spark = TestSpark.get();
        // faults on, at ten times the default rates, so the rewrite must carry damaged rows into the same quarantine
        SynthSettings s = SynthSettings.of(800, 31);
        FaultRates rates = FaultRates.none();
        for (Map.Entry<String, Double> e : s.faults().asMap().entrySet()) {
            rates = rates.with(e.getKey(), Math.min(0.05, e.getValue() * 10));
        }
        s = s.withFaults(rates);
        phb = settings("phb");
        national = settings("national");
        SynthJob.run(phb, s, PROVIDER, SynthJob.FORMAT_CSV, SynthLayout.PHB, false, Progress.NONE);
        SynthJob.run(national, s, PROVIDER, SynthJob.FORMAT_CSV, SynthLayout.NATIONAL, false, Progress.NONE);
        phbIngest = IngestJob.of(phb).feeds(HOSPITAL).extractDate(EXTRACT).lakeKey(LAKE).execute();
        nationalIngest = IngestJob.of(national).feeds(HOSPITAL).extractDate(EXTRACT).lakeKey(LAKE).execute();
    }

    static JobSettings settings(String name) {
        Path root = tmp.resolve(name);
        return new JobSettings(root.resolve("lake").toString(), root.resolve("landing").toString(), root.resolve("out").toString(),
                "local[2]", false);
    }

    @Test
    void theNationalLandingHoldsTheNationalExtractsInPlaceOfPhbsHospitalFeeds() throws IOException {
        try (Stream<Path> folders = Files.list(Path.of(national.landing()))) {
            List<String> names = folders.map(p -> p.getFileName().toString()).toList();
            assertThat(names).contains("sus_apcs", "sus_opa", "sus_ecds", "gp_appointments").doesNotContain("apc_spells", "outpatients", "ecds");
        }
        String header = Files.readAllLines(Files.list(Path.of(national.landing(), "sus_apcs")).sorted().findFirst().orElseThrow()).get(0);
        assertThat(header).startsWith("APCS_Ident,nhs_token,Der_Provider_Code,Admission_Date,Discharge_Date,Admission_Method,Der_Diagnosis_All");
        Map<String, Map<String, String>> readBy = nationalIngest.feeds().stream()
                .collect(Collectors.toMap(IngestJob.FeedResult::feed, IngestJob.FeedResult::readBy));
        assertThat(readBy.get("apc_spells").toString()).contains("sus_apcs");
        assertThat(readBy.get("outpatients").toString()).contains("sus_opa");
        assertThat(readBy.get("ecds").toString()).contains("sus_ecds");
    }

    @Test
    void everyOtherFeedIsWrittenTheSameInBothLayouts() throws IOException {
        int compared = 0;
        for (var feed : Feeds.all()) {
            if (HOSPITAL.contains(feed.name())) {
                continue;
            }
            Path a = Path.of(phb.landing(), feed.name());
            Path b = Path.of(national.landing(), feed.name());
            for (Path file : list(a)) {
                assertThat(Files.mismatch(file, b.resolve(file.getFileName()))).as(file.toString()).isEqualTo(-1L);
                compared++;
            }
            assertThat(list(b)).hasSameSizeAs(list(a));
        }
        assertThat(compared).isGreaterThan(15);
    }

    static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    @Test
    void everyFeedQuarantinesTheSameRowsForTheSameRules() {
        Map<String, Object> fromPhb = accounts(phbIngest);
        Map<String, Object> fromNational = accounts(nationalIngest);
        assertThat(fromNational).isEqualTo(fromPhb);
        // the faults reached the national files: the hospital feeds quarantined rows for several rules
        IngestJob.FeedResult spells = phbIngest.feeds().stream().filter(f -> f.feed().equals("apc_spells")).findFirst().orElseThrow();
        assertThat(spells.quarantinedByRule()).containsKeys("malformed_row", "duplicate_record", "missing_required", "future_date");
    }

    @Test
    void everyBronzeTableHoldsTheSameRows() {
        for (String feed : HOSPITAL) {
            Dataset<Row> a = bronze(phb, feed);
            Dataset<Row> b = bronze(national, feed);
            long n = a.count();
            assertThat(n).as(feed).isGreaterThan(300);
            assertThat(b.count()).as(feed).isEqualTo(n);
            assertThat(a.exceptAll(b).count()).as(feed + ": rows only in the phb layout's lake").isZero();
            assertThat(b.exceptAll(a).count()).as(feed + ": rows only in the national layout's lake").isZero();
        }
    }

    @Test
    void everyUnlistedCodeInjectedIsKeptAndCounted() throws IOException {
        Map<String, Long> injected = new TreeMap<>();
        for (Path f : list(Path.of(national.landing(), "_truth", "faults"))) {
            for (String line : Files.readAllLines(f).stream().skip(1).toList()) {
                String[] v = line.split(",");
                if (v[1].equals("recoded_code") && HOSPITAL.contains(v[0])) {
                    injected.merge(v[0], 1L, Long::sum);
                }
            }
        }
        Map<String, Long> counted = new TreeMap<>();
        for (IngestJob.FeedResult f : nationalIngest.feeds()) {
            counted.put(f.feed(), f.recoded().values().stream().mapToLong(Long::longValue).sum());
        }
        assertThat(injected.keySet()).containsExactlyInAnyOrderElementsOf(HOSPITAL);
        assertThat(counted).isEqualTo(injected);
    }

    @Test
    void quarantinedNationalRowsKeepTheLineAsItLanded() {
        Dataset<Row> q = spark.read().format("delta").load(national.lake() + "/quarantine/apc_spells");
        assertThat(q.count()).isGreaterThan(5);
        assertThat(q.filter(functions.col("_raw_line").isNull()).count()).as("rows quarantined without their line").isZero();
        assertThat(q.filter(functions.col("_raw_line").contains("||")).count()).as("lines holding Der_Diagnosis_All").isPositive();
    }

    @Test
    void diagnosesAreStoredInOneFormWhicheverWayTheyArrive() {
        List<String> codes = bronze(phb, "apc_spells").select("primary_diagnosis").distinct().as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertThat(codes).isNotEmpty().allMatch(c -> c.matches("[A-Z][0-9]{2}[0-9X][0-9]?"), "ICD-10 without the dot, X-filled");
        assertThat(codes).contains("J189", "R55X");
    }

    /** Bronze rows without the columns that name the run or the landing file and line. */
    static Dataset<Row> bronze(JobSettings s, String feed) {
        Dataset<Row> t = spark.read().format("delta").load(s.lake() + "/bronze/" + feed);
        Column[] kept = Arrays.stream(t.columns()).filter(c -> !c.startsWith("_")).map(functions::col).toArray(Column[]::new);
        return t.select(kept);
    }

    /** Per feed: rows in, valid, quarantined, and quarantined rows by rule. */
    static Map<String, Object> accounts(IngestJob.Result r) {
        Map<String, Object> out = new TreeMap<>();
        for (IngestJob.FeedResult f : r.feeds()) {
            out.put(f.feed(), List.of(f.rowsIn(), f.rowsValid(), f.rowsQuarantined(), new TreeMap<>(f.quarantinedByRule()), f.recoded()));
        }
        return out;
    }
}
