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
