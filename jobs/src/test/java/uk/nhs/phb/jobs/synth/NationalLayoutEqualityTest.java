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
 * extracts' layouts (SUS+ APCS, SUS+ OPA, ECDS, GP events, NHSBSA items, CSDS, MHSDS and the CHC PLDS, read through their
 * dataset profiles) lands as the same lake: each of those feeds' bronze tables holds the same rows (lineage aside, and the
 * ids a fold makes), the hospital feeds quarantine the same number of rows for the same rules, and every other feed is
 * written byte for byte the same. The whole batch's outputs are compared by bench/layouts.sh.
 */
class NationalLayoutEqualityTest {
    static final LocalDate EXTRACT = LocalDate.of(2026, 4, 30);
    static final SecretKey PROVIDER = SecretKey.generate();
    static final SecretKey LAKE = SecretKey.generate();
    /** The feeds written one national row for one row of phb's: their accounts are the same row for row. */
    static final List<String> HOSPITAL = List.of("apc_spells", "outpatients", "ecds", "asc_cld");
    /** The feeds written as several national rows or tables for one of phb's, read back through joins and folds. */
    static final List<String> FOLDED = List.of("gp_conditions", "prescriptions", "community", "mental_health", "chc");
    /** Their ids are made on ingest (a person's condition or month, an opt-out, a census row, an episode), not sent: compared without them. */
    static final List<String> FOLD_IDS = List.of("gp_conditions", "prescriptions", "opt_outs", "school_census", "csc");
    /**
     * Written as forms that carry less than phb's row (a list line holds only the number): a row damaged beyond what its
     * national form carries is left out, so only the rows that land are compared.
     */
    static final List<String> LISTED = List.of("opt_outs");
    /**
     * Written as XML returns (school census, SEN2), read with the landing's generated profile override (the synthetic
     * councils' DfE numbers and schools); their ids are made on ingest from the person's token and the return.
     */
    static final List<String> RETURNS = List.of("school_census", "ehcp", "csc");
    /** The feeds written in a national layout; every other feed's files are the same bytes in both landings. */
    static final List<String> NATIONAL = Stream.of(HOSPITAL, FOLDED, LISTED, RETURNS).flatMap(List::stream).toList();
    static SparkSession spark;

    @TempDir
    static Path tmp;
    static JobSettings phb;
    static JobSettings national;
    static IngestJob.Result phbIngest;
    static IngestJob.Result nationalIngest;
    static LocalDate windowEnd;

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
        phbIngest = IngestJob.of(phb).feeds(NATIONAL).extractDate(EXTRACT).lakeKey(LAKE).execute();
        // no --profile-overrides: ingest takes the landing's own (the synthetic councils' DfE numbers and schools)
        nationalIngest = IngestJob.of(national).feeds(NATIONAL).extractDate(EXTRACT).lakeKey(LAKE).execute();
        windowEnd = s.end();
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
            assertThat(names).contains("sus_apcs", "sus_opa", "sus_ecds", "gp_events", "nhsbsa_items", "csds", "mhsds", "chc_plds",
                    "gp_appointments", "asc_client_level_data", "school_census_pupils", "sen2", "cin_census", "ssda903", "ndop_opted_out")
                    .doesNotContainAnyElementsOf(NATIONAL.stream().filter(f -> !f.equals("csc")).toList());
        }
        String header = Files.readAllLines(Files.list(Path.of(national.landing(), "sus_apcs")).sorted().findFirst().orElseThrow()).get(0);
        assertThat(header).startsWith("APCS_Ident,nhs_token,Der_Provider_Code,Admission_Date,Discharge_Date,Admission_Method,Der_Diagnosis_All");
        Map<String, Map<String, String>> readBy = nationalIngest.feeds().stream()
                .collect(Collectors.toMap(IngestJob.FeedResult::feed, IngestJob.FeedResult::readBy));
        assertThat(readBy.get("apc_spells").toString()).contains("sus_apcs");
        assertThat(readBy.get("outpatients").toString()).contains("sus_opa");
        assertThat(readBy.get("ecds").toString()).contains("sus_ecds");
        assertThat(readBy.get("gp_conditions").toString()).contains("gp_events");
        assertThat(readBy.get("prescriptions").toString()).contains("nhsbsa_items");
        assertThat(readBy.get("community").toString()).contains("csds_contacts");
        assertThat(readBy.get("mental_health").toString()).contains("mhsds_contacts", "mhsds_spells", "mhsds_mha");
        assertThat(readBy.get("chc").toString()).contains("chc_plds");
        assertThat(readBy.get("asc_cld").toString()).contains("asc_client_level_data");
        assertThat(readBy.get("school_census").toString()).contains("school_census_pupils");
        assertThat(readBy.get("ehcp").toString()).contains("sen2");
        assertThat(readBy.get("csc").toString()).as("looked-after episodes in SSDA903 beside the CIN census").contains("cin_census", "ssda903");
        try (Stream<Path> councils = Files.list(Path.of(national.landing(), "ssda903"))) {
            List<Path> folders = councils.toList();
            assertThat(folders).as("a folder per council, named by its code").isNotEmpty()
                    .allSatisfy(f -> assertThat(f.getFileName().toString()).matches("E0[6-9][0-9]{6}"));
            Path episodes = Files.list(folders.get(0)).filter(f -> f.getFileName().toString().endsWith("_episodes.csv")).findFirst().orElseThrow();
            assertThat(Files.readAllLines(episodes).get(0)).isEqualTo("child_token,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,URN");
        }
        assertThat(Path.of(national.landing(), uk.nhs.phb.schemas.profiles.Profiles.LANDING_OVERRIDES)).exists();
        assertThat(Path.of(phb.landing(), uk.nhs.phb.schemas.profiles.Profiles.LANDING_OVERRIDES)).doesNotExist();
        assertThat(readBy.get("opt_outs").toString()).contains("ndop_opted_out", "gp_type1_opt_outs");
        String asc = Files.readAllLines(Files.list(Path.of(national.landing(), "asc_client_level_data")).sorted().findFirst().orElseThrow())
                .get(0);
        assertThat(asc).startsWith("LA_Code,la_person_token,nhs_token,").contains(",Event_Type,Event_Reference,Event_Start_Date,")
                .endsWith("Unit_Cost,Cost_Frequency_Unit_Type,Planned_units_per_week");
    }

    @Test
    void everyOtherFeedIsWrittenTheSameInBothLayouts() throws IOException {
        int compared = 0;
        for (var feed : Feeds.all()) {
            if (NATIONAL.contains(feed.name())) {
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
        assertThat(compared).isGreaterThan(10);
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
        fromPhb.keySet().removeAll(FOLDED);
        fromNational.keySet().removeAll(FOLDED);
        fromPhb.keySet().removeAll(LISTED);
        fromNational.keySet().removeAll(LISTED);
        fromPhb.keySet().removeAll(RETURNS);
        fromNational.keySet().removeAll(RETURNS);
        assertThat(fromNational).isEqualTo(fromPhb);
        // the faults reached the national files: the hospital feeds quarantined rows for several rules
        IngestJob.FeedResult spells = phbIngest.feeds().stream().filter(f -> f.feed().equals("apc_spells")).findFirst().orElseThrow();
        assertThat(spells.quarantinedByRule()).containsKeys("malformed_row", "duplicate_record", "missing_required", "future_date");
    }

    /**
     * A folded feed's rows are counted differently by layout (a person's month is several items; a duplicate event folds
     * into its condition; an unknown concept is set aside, not quarantined), but damage the national files carry is
     * quarantined for the same rule: no row phb's layout loses reaches the national lake (everyBronzeTableHoldsTheSameRows).
     */
    @Test
    void foldedFeedsQuarantineTheDamageTheirNationalFilesCarry() {
        Map<String, IngestJob.FeedResult> a = byFeed(phbIngest);
        Map<String, IngestJob.FeedResult> b = byFeed(nationalIngest);
        for (String feed : FOLDED) {
            assertThat(b.get(feed).quarantinedByRule().getOrDefault("malformed_row", 0L)).as(feed + " malformed_row")
                    .isEqualTo(a.get(feed).quarantinedByRule().getOrDefault("malformed_row", 0L));
            // two months of one person damaged into the same future month fold into one
            assertThat(b.get(feed).quarantinedByRule().getOrDefault("future_date", 0L)).as(feed + " future_date")
                    .isPositive().isLessThanOrEqualTo(a.get(feed).quarantinedByRule().getOrDefault("future_date", 0L));
            assertThat(b.get(feed).rowsQuarantined()).as(feed).isLessThanOrEqualTo(a.get(feed).rowsQuarantined());
        }
        assertThat(a.get("gp_conditions").quarantinedByRule()).containsKey("unknown_code");
        assertThat(b.get("gp_conditions").quarantinedByRule()).doesNotContainKey("unknown_code");
    }

    /**
     * National data opt-outs arrive as the DSCRO's list of numbers, type 1 opt-outs as the objection's code in GP records;
     * an opt-out damaged beyond what a list line carries is left out, so the national lake quarantines no more.
     */
    @Test
    void optOutsArriveAsTheListAndTheGpRecordsCode() {
        IngestJob.FeedResult a = byFeed(phbIngest).get("opt_outs");
        IngestJob.FeedResult b = byFeed(nationalIngest).get("opt_outs");
        // a broken line of the GP journal could be any event, so both profiles reading the journal quarantine it
        Map<String, Long> notBroken = new TreeMap<>(b.quarantinedByRule());
        notBroken.remove("malformed_row");
        assertThat(notBroken.values().stream().mapToLong(Long::longValue).sum()).as(() -> b.quarantinedByRule() + " against " + a.quarantinedByRule())
                .isLessThanOrEqualTo(a.rowsQuarantined() - a.quarantinedByRule().getOrDefault("malformed_row", 0L));
        assertThat(b.quarantinedByRule().get("malformed_row")).isGreaterThanOrEqualTo(byFeed(nationalIngest).get("gp_conditions")
                .quarantinedByRule().get("malformed_row"));
        Dataset<Row> optOuts = bronze(national, "opt_outs");
        assertThat(optOuts.filter("opt_out_type = 'NDOO'").count()).isPositive();
        assertThat(optOuts.filter("opt_out_type = 'NDOO' AND recorded_date IS NOT NULL").count()).as("the check gives no dates").isZero();
        assertThat(optOuts.filter("opt_out_type = 'TYPE1' AND recorded_date IS NOT NULL").count()).isPositive();
    }

    static Map<String, IngestJob.FeedResult> byFeed(IngestJob.Result r) {
        return r.feeds().stream().collect(Collectors.toMap(IngestJob.FeedResult::feed, f -> f));
    }

    @Test
    void everyBronzeTableHoldsTheSameRows() {
        for (String feed : NATIONAL) {
            if (feed.equals("ehcp")) {
                continue;
            }
            Dataset<Row> a = bronze(phb, feed);
            Dataset<Row> b = bronze(national, feed);
            if (FOLD_IDS.contains(feed)) {
                String[] ids = Feeds.byName(feed).recordKey().toArray(String[]::new);
                a = a.drop(ids);
                b = b.drop(ids);
            }
            long n = a.count();
            assertThat(n).as(feed).isGreaterThan(feed.equals("chc") ? 5 : List.of("opt_outs", "school_census", "csc").contains(feed) ? 20 : 100);
            assertThat(b.count()).as(feed).isEqualTo(n);
            Dataset<Row> onlyA = a.exceptAll(b);
            Dataset<Row> onlyB = b.exceptAll(a);
            assertThat(onlyA.count()).as(() -> feed + ": rows only in the phb layout's lake, as " + onlyA.drop("name_bloom").limit(3).collectAsList()
                    + " against " + onlyB.drop("name_bloom").limit(3).collectAsList()).isZero();
            assertThat(onlyB.count()).as(() -> feed + ": rows only in the national layout's lake, as " + onlyB.limit(3).collectAsList())
                    .isZero();
        }
    }

    /**
     * SEN2 shows a plan as it stood on a census day (the third Thursday of January): every plan lands as phb's layout has
     * it, costed alike at the national price of its placement, and the generator sends no plan that was in force on no
     * census day by the window's end (issued since the last one, or begun and ended between two), in either layout.
     */
    @Test
    void sen2PlansLandAsTheyStoodOnTheirLastCensusDay() {
        Dataset<Row> a = bronze(phb, "ehcp").drop("ehcp_id");
        Dataset<Row> b = bronze(national, "ehcp").drop("ehcp_id");
        List<Row> phbPlans = a.collectAsList();
        long notYet = phbPlans.stream().filter(r -> {
            LocalDate start = r.<java.sql.Date>getAs("start_date").toLocalDate();
            java.sql.Date end = r.getAs("end_date");
            LocalDate last = end == null || end.toLocalDate().isAfter(windowEnd) ? windowEnd : end.toLocalDate();
            return lastJanuaryCensus(last).isBefore(start);
        }).count();
        assertThat(phbPlans.size()).isGreaterThan(5);
        assertThat(b.exceptAll(a).count()).as("plans only in the national layout's lake").isZero();
        assertThat(a.exceptAll(b).count()).as("plans only in the phb layout's lake").isZero();
        assertThat(notYet).as("plans in force on no census day").isZero();
        assertThat(b.select("placement_type").distinct().count()).as("kinds of placement read back").isGreaterThanOrEqualTo(2);
        assertThat(b.filter("cost_source = 'unit_cost' AND annual_cost IS NOT NULL").count()).isPositive();
        assertThat(bronze(national, "school_census").select("la_code").distinct().as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).as("councils read from their DfE numbers").allMatch(c -> c.matches("E0[6-9][0-9]{6}"));
    }

    static LocalDate lastJanuaryCensus(LocalDate d) {
        for (int year = d.getYear(); ; year--) {
            LocalDate c = LocalDate.of(year, 1, 1).with(java.time.temporal.TemporalAdjusters.dayOfWeekInMonth(3, java.time.DayOfWeek.THURSDAY));
            if (!c.isAfter(d)) {
                return c;
            }
        }
    }

    @Test
    void everyUnlistedCodeInjectedIsKeptAndCounted() throws IOException {
        Map<String, Long> injected = new TreeMap<>();
        for (Path f : list(Path.of(national.landing(), "_truth", "faults"))) {
            for (String line : Files.readAllLines(f).stream().skip(1).toList()) {
                String[] v = line.split(",");
                if (v[1].equals("recoded_code") && NATIONAL.contains(v[0])) {
                    injected.merge(v[0], 1L, Long::sum);
                }
            }
        }
        Map<String, Long> counted = new TreeMap<>();
        for (IngestJob.FeedResult f : nationalIngest.feeds()) {
            long n = f.recoded().values().stream().mapToLong(Long::longValue).sum();
            if (n > 0) {
                counted.put(f.feed(), n);
            }
        }
        assertThat(injected.keySet()).contains("apc_spells", "outpatients", "ecds", "community", "mental_health");
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
