package uk.nhs.phb.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.TestSpark;

/**
 * Property: whatever corruption a landing file suffers, ingest either accounts for every data line exactly
 * once (bronze + quarantine, by file and line) or stops with an input error naming the file. Deterministic
 * seeds; {@code -Dphb.fuzz.trials=N -Dphb.fuzz.seed=S} runs more (bench/fuzz.sh).
 */
class IngestFuzzTest {
    @TempDir
    Path dir;

    @Test
    void everyCorruptedLandingIsIngestedWithoutLossOrRefusedNamingTheFile() throws Exception {
        int trials = Integer.getInteger("phb.fuzz.trials", 5);
        long first = Long.getLong("phb.fuzz.seed", 1000);
        IngestFuzz fuzz = new IngestFuzz(TestSpark.get(), dir);
        fuzz.makeBase(Integer.getInteger("phb.fuzz.people", 100), 7);
        List<IngestFuzz.Outcome> outcomes = new ArrayList<>();
        for (long seed = first; seed < first + trials; seed++) {
            IngestFuzz.Outcome o = fuzz.trial(seed);
            outcomes.add(o);
            System.out.println("fuzz " + o.seed() + " " + o.feed() + " " + o.operators() + " -> " + o.result()
                    + (o.message() == null ? " rows_in=" + o.rowsIn() + " quarantined=" + o.quarantined() : ""));
        }
        Map<String, Object> totals = IngestFuzz.totals(outcomes);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(totals);
        System.out.println("fuzz totals " + json);
        String report = System.getProperty("phb.fuzz.report");
        if (report != null) {
            java.nio.file.Files.writeString(Path.of(report), json + "\n");
        }
        assertThat(outcomes).hasSize(trials);
        assertThat((long) totals.get("ingested") + (long) totals.get("input_errors")).isEqualTo(trials);
    }

    @Test
    void everyDamagedXmlReturnIsIngestedWithoutLossOrRefusedNamingTheFile() throws Exception {
        int trials = Integer.getInteger("phb.fuzz.xml.trials", 5);
        long first = Long.getLong("phb.fuzz.seed", 1000);
        XmlIngestFuzz fuzz = new XmlIngestFuzz(TestSpark.get(), dir);
        List<XmlIngestFuzz.Outcome> outcomes = new ArrayList<>();
        for (long seed = first; seed < first + trials; seed++) {
            XmlIngestFuzz.Outcome o = fuzz.trial(seed);
            outcomes.add(o);
            System.out.println("xml fuzz " + o.seed() + " " + o.folder() + " " + o.operators() + " -> " + o.result()
                    + (o.message() == null ? " records=" + o.records() + " accounted=" + o.accounted() : ""));
        }
        Map<String, Object> totals = XmlIngestFuzz.totals(outcomes);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(totals);
        System.out.println("xml fuzz totals " + json);
        String report = System.getProperty("phb.fuzz.xml.report");
        if (report != null) {
            java.nio.file.Files.writeString(Path.of(report), json + "\n");
        }
        assertThat(outcomes).hasSize(trials);
        assertThat((long) totals.get("ingested")).as("most damage still lands what it can").isPositive();
    }

    /** Defects the fuzz found, kept as fixed cases. */
    @Test
    void aTruncatedGzipFileIsAnInputErrorNamingIt() throws Exception {
        Path landing = dir.resolve("landing");
        Path feed = java.nio.file.Files.createDirectories(landing.resolve("gp_appointments"));
        StringBuilder sb = new StringBuilder(IngestJobTest.HEADER).append('\n');
        for (int i = 0; i < 20_000; i++) {
            sb.append(IngestJobTest.appt("A" + i, "2024-01-02", String.valueOf(i % 97))).append('\n');
        }
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (var g = new java.util.zip.GZIPOutputStream(z)) {
            g.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] gz = z.toByteArray();
        java.nio.file.Files.write(feed.resolve("part-0.csv.gz"), java.util.Arrays.copyOf(gz, gz.length * 2 / 3));
        var settings = new uk.nhs.phb.jobs.JobSettings(dir.resolve("lake").toString(), landing.toString(), dir.resolve("out").toString(),
                "local[2]", false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestJob.of(settings).feeds(List.of("gp_appointments"))
                        .extractDate(IngestFuzz.EXTRACT).execute())
                .isInstanceOf(uk.nhs.phb.jobs.InputException.class)
                .hasMessageContaining("part-0.csv.gz").hasMessageContaining("gp_appointments");
        assertThat(uk.nhs.phb.jobs.DeltaTables.exists(TestSpark.get(), settings.lakeLayout().bronze("gp_appointments")))
                .as("nothing half-written").isFalse();
    }

    /** Three defects the XML fuzz found: a crash on a bare ampersand, records silently dropped, a buffer of records refused. */
    @Test
    void xmlDamageIsQuarantinedWhereItIsAndTheRestLands() throws Exception {
        var spark = TestSpark.get();
        Path landing = dir.resolve("landing-xml");
        Path folder = java.nio.file.Files.createDirectories(landing.resolve("school_census_pupils"));
        StringBuilder pupils = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            pupils.append(IngestProfilesTest.pupil(String.format("A99600000%04d", i), "Pupil", "2012-0" + (1 + i) + "-10", "<Sex>F</Sex>",
                    "N", null));
        }
        String text = IngestProfilesTest.schoolCensusReturn("2001", true, pupils.toString());
        // a bare & in the fifth pupil's text: the four before it land, the break is quarantined (it crashed ingest)
        int fifth = text.indexOf("<PupilOnRoll>", text.indexOf("A996000000004") - 80);
        java.nio.file.Files.writeString(folder.resolve("SC_ampersand.xml"), text.substring(0, fifth)
                + text.substring(fifth).replaceFirst("<Ethnicity>WBRI", "<Ethnicity>A & B"));
        // an end tag missing after the second pupil: the pupils after it sit inside it, each quarantined (they were lost)
        java.nio.file.Files.writeString(folder.resolve("SC_missing_end.xml"), text.replace("A996000000", "A995000000")
                .replaceFirst("(?s)(A995000000001.*?)</PupilOnRoll>", "$1"));
        // bytes that are not UTF-8 in the third pupil's sex: only that pupil is refused (a whole buffer was)
        byte[] bad = text.replace("A996000000", "A994000000").replace("<Estab>2001", "<Estab>2003")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String s = new String(bad, java.nio.charset.StandardCharsets.ISO_8859_1);
        int third = s.indexOf("<Sex>F</Sex>", s.indexOf("A994000000002"));
        bad[third + "<Sex>".length()] = (byte) 0xC6;
        java.nio.file.Files.write(folder.resolve("SC_latin1.xml"), bad);
        var settings = new uk.nhs.phb.jobs.JobSettings(dir.resolve("lake-xml").toString(), landing.toString(), dir.resolve("out").toString(),
                "local[2]", false);
        IngestJob.Result r = IngestJob.of(settings).feeds(List.of("school_census")).extractDate(IngestFuzz.EXTRACT)
                .profiles(uk.nhs.phb.schemas.profiles.Profiles.builtIn()).lakeKey(uk.nhs.phb.models.pseudonym.SecretKey.generate()).execute();
        List<org.apache.spark.sql.Row> q = spark.read().format("delta").load(settings.lakeLayout().quarantine("school_census"))
                .select("_source_file", "_detail").collectAsList();
        java.util.Map<String, List<String>> why = new java.util.TreeMap<>();
        q.forEach(row -> why.computeIfAbsent(Path.of(row.getString(0)).getFileName().toString(), k -> new ArrayList<>()).add(row.getString(1)));
        assertThat(why.get("SC_ampersand.xml")).singleElement().asString().contains("not well-formed");
        assertThat(why.get("SC_missing_end.xml")).hasSize(5).filteredOn(d -> d.contains("is not where this return's records are")).hasSize(4);
        assertThat(why.get("SC_latin1.xml")).singleElement().asString().contains("not UTF-8");
        assertThat(r.feeds().get(0).rowsValid()).as("4, 1 (the one left open never ends) and 5 pupils land").isEqualTo(10);
    }

    @Test
    void aParquetFileDamagedInsideIsRefusedNamingItOrEveryRowIsAccountedFor() throws Exception {
        var spark = TestSpark.get();
        Path landing = dir.resolve("landing-parquet");
        Path csv = java.nio.file.Files.createDirectories(dir.resolve("src")).resolve("a.csv");
        StringBuilder sb = new StringBuilder(IngestJobTest.HEADER).append('\n');
        for (int i = 0; i < 5000; i++) {
            sb.append(IngestJobTest.appt("A" + i, "2024-01-02", String.valueOf(i % 97))).append('\n');
        }
        java.nio.file.Files.writeString(csv, sb);
        String out = dir.resolve("pq").toString();
        spark.read().option("header", true).csv(csv.toString()).coalesce(1).write().option("compression", "snappy").parquet(out);
        Path part;
        try (var s = java.nio.file.Files.list(Path.of(out))) {
            part = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        byte[] b = java.nio.file.Files.readAllBytes(part);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 64; i++) {
            b[8 + r.nextInt(b.length / 2)] ^= (byte) (1 + r.nextInt(255));
        }
        Path feed = java.nio.file.Files.createDirectories(landing.resolve("gp_appointments"));
        java.nio.file.Files.write(feed.resolve("damaged.parquet"), b);
        var settings = new uk.nhs.phb.jobs.JobSettings(dir.resolve("lake-pq").toString(), landing.toString(),
                dir.resolve("out").toString(), "local[2]", false);
        try {
            IngestJob.Result res = IngestJob.of(settings).feeds(List.of("gp_appointments")).extractDate(IngestFuzz.EXTRACT).execute();
            assertThat(res.feeds().get(0).rowsIn()).as("every row of the file accounted for").isEqualTo(5000);
        } catch (uk.nhs.phb.jobs.InputException e) {
            assertThat(e.getMessage()).contains("damaged.parquet").contains("gp_appointments");
        }
    }

    @Test
    void theIndependentLineCountFollowsTheDocumentedRules() throws Exception {
        Path f = dir.resolve("x.csv");
        java.nio.file.Files.write(f, "h1,h2\r\na,b\n\n  \rc,d\r\n\u00ff\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        // line 1 header; 2 "a,b"; 3 blank; 4 spaces (blank); 5 "c,d"; 6 an invalid UTF-8 byte (not blank)
        assertThat(IngestFuzz.expectedLines(f)).containsExactlyInAnyOrder(2L, 5L, 6L);
    }
}
