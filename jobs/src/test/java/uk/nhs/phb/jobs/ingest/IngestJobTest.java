package uk.nhs.phb.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.replay.Replay;

class IngestJobTest {
    static final LocalDate EXTRACT = LocalDate.of(2024, 6, 30);
    static final String TOKEN = "abcdefghijABCDEFGHIJ0123456789_-abcdefghij";
    static final String HEADER = "record_id,nhs_token,appointment_date,hcp_type,appointment_mode,attended,cost";

    static SparkSession spark;

    @TempDir
    Path tmp;
    Path landing;
    JobSettings settings;

    @BeforeAll
    static void spark() {
        spark = TestSpark.get();
    }

    @BeforeEach
    void folders() throws IOException {
        landing = Files.createDirectories(tmp.resolve("landing"));
        settings = new JobSettings(tmp.resolve("lake").toString(), landing.toString(), tmp.resolve("out").toString(), "local[2]", false);
    }

    static String appt(String id, String date, String cost) {
        return String.join(",", id, TOKEN + "1", date, "GP", "FACE_TO_FACE", "Y", cost);
    }

    Path write(String feed, String file, String... lines) throws IOException {
        Path dir = Files.createDirectories(landing.resolve(feed));
        Path p = dir.resolve(file);
        Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return p;
    }

    IngestJob.Result ingest(String... feeds) {
        return IngestJob.of(settings).feeds(List.of(feeds)).extractDate(EXTRACT).execute();
    }

    Dataset<Row> table(String kind, String feed) {
        return spark.read().format("delta").load(settings.lake() + "/" + kind + "/" + feed);
    }

    @Test
    void theIdentityBlockOfPhbPseudonymiseOutputIsIgnoredWhereTheContractDoesNotNameIt() throws IOException {
        write("gp_appointments", "pseudonymised.csv",
                HEADER + ",birth_year,sex,nhs_number_status",
                appt("A1", "2024-01-02", "31.50") + ",1950,2,VALID");
        IngestJob.Result r = ingest("gp_appointments");
        assertThat(r.rowsValid()).isEqualTo(1);
        assertThat(table("bronze", "gp_appointments").columns()).doesNotContain("nhs_number_status", "birth_year");
    }

    @Test
    void mixedFileIsSplitIntoTypedBronzeAndQuarantineWithLineNumbers() throws IOException {
        write("gp_appointments", "part-0.csv",
                HEADER,
                appt("A1", "2024-01-02", "31.50"),                      // 2 valid
                appt("A2", "2024-01-03", "12.345"),                     // 3 bad_type cost
                "A3," + TOKEN + "1,2024-01-04,GP,FACE_TO_FACE,Y",          // 4 too few columns
                appt("A4", "2024-01-05", "1.00") + ",extra",            // 5 too many columns
                "A5," + TOKEN + "1,2024-01-06,\"GP,FACE_TO_FACE,Y,1.00",   // 6 broken quote
                "",                                                       // 7 blank: skipped
                "\"A,6\"," + TOKEN + "1,2024-01-07,GP,FACE_TO_FACE,Y,2.00", // 8 quoted comma -> bad_format, not malformed
                "\"A7\"," + TOKEN + "1,2024-01-08,\"GP\",FACE_TO_FACE,N,\"0\"", // 9 quoted values: valid
                appt("A1", "2024-01-02", "31.50"),                      // 10 exact duplicate of line 2
                appt("A8", "2024-07-01", "3.00"));                      // 11 future_date
        IngestJob.Result r = ingest("gp_appointments");

        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.rowsIn()).isEqualTo(9);
        assertThat(f.rowsValid()).isEqualTo(2);
        assertThat(f.rowsQuarantined()).isEqualTo(7);
        assertThat(f.rowsIn()).isEqualTo(f.rowsValid() + f.rowsQuarantined());
        assertThat(f.quarantinedByRule()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bad_type", 1L, "malformed_row", 3L, "bad_format", 1L, "duplicate_record", 1L, "future_date", 1L));

        Dataset<Row> bronze = table("bronze", "gp_appointments");
        assertThat(bronze.count()).isEqualTo(2);
        assertThat(bronze.columns()).containsExactly("record_id", "nhs_token", "appointment_date", "hcp_type", "appointment_mode",
                "attended", "cost", "cost_source", "price_year", "_source_file", "_source_line", "_ingest_run_id");
        Row a1 = bronze.filter("record_id = 'A1'").first();
        assertThat(a1.<BigDecimal>getAs("cost")).isEqualByComparingTo("31.50");
        assertThat(a1.<String>getAs("cost_source")).as("a file in phb's layout leaves it out: its costs are recorded").isEqualTo("recorded");
        assertThat(a1.<Date>getAs("appointment_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 2));
        assertThat(a1.<Boolean>getAs("attended")).isTrue();
        assertThat(a1.<String>getAs("_source_file")).isEqualTo("part-0.csv");
        assertThat(a1.<Long>getAs("_source_line")).isEqualTo(2L);
        assertThat(a1.<String>getAs("_ingest_run_id")).isEqualTo(r.runId());
        Row a7 = bronze.filter("record_id = 'A7'").first();
        assertThat(a7.<String>getAs("hcp_type")).isEqualTo("GP");
        assertThat(a7.<Boolean>getAs("attended")).isFalse();
        assertThat(a7.<Long>getAs("_source_line")).isEqualTo(9L);

        Map<Long, Row> q = table("quarantine", "gp_appointments").collectAsList().stream()
                .collect(java.util.stream.Collectors.toMap(x -> x.<Long>getAs("_source_line"), x -> x));
        assertThat(q.keySet()).containsExactlyInAnyOrder(3L, 4L, 5L, 6L, 8L, 10L, 11L);
        assertThat(q.get(3L).<String>getAs("_rule")).isEqualTo("bad_type");
        assertThat(q.get(3L).<String>getAs("cost")).isEqualTo("12.345");
        assertThat(q.get(4L).<String>getAs("_rule")).isEqualTo("malformed_row");
        assertThat(q.get(4L).<String>getAs("_detail")).contains("wrong number of columns", "7 columns");
        assertThat(q.get(4L).<String>getAs("_raw_line")).isEqualTo("A3," + TOKEN + "1,2024-01-04,GP,FACE_TO_FACE,Y");
        assertThat(q.get(5L).<String>getAs("_rule")).isEqualTo("malformed_row");
        assertThat(q.get(6L).<String>getAs("_rule")).isEqualTo("malformed_row");
        assertThat(q.get(6L).<String>getAs("_detail")).contains("unbalanced double quote");
        assertThat(q.get(8L).<String>getAs("_rule")).isEqualTo("bad_format");
        assertThat(q.get(8L).<String>getAs("record_id")).isEqualTo("A,6");
        assertThat(q.get(10L).<String>getAs("_rule")).isEqualTo("duplicate_record");
        assertThat(q.get(10L).<String>getAs("_detail")).contains("part-0.csv line 2");
        assertThat(q.get(11L).<String>getAs("_rule")).isEqualTo("future_date");
        assertThat(q.get(11L).<String>getAs("_ingest_run_id")).isEqualTo(r.runId());
    }

    @Test
    void headerInAnotherOrderPartFilesGzipAndParquetAreReadAndTruthIsNeverRead() throws IOException {
        write("gp_appointments", "b.csv",
                "cost,attended,appointment_mode,hcp_type,appointment_date,nhs_token,record_id",
                "5.00,N,TELEPHONE,NURSE,2024-02-01," + TOKEN + "2,B1");
        write("gp_appointments", "a.csv", HEADER, appt("A1", "2024-01-02", "1.00"));
        Path gz = landing.resolve("gp_appointments/c.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write((HEADER + "\n" + appt("C1", "2024-01-02", "2.00") + "\n" + appt("C2", "bad", "2.00") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        spark.sql("select 'P1' record_id, '" + TOKEN + "3' nhs_token, date'2024-03-01' appointment_date, 'OTHER' hcp_type,"
                + " 'VIDEO' appointment_mode, true attended, cast(7.5 as decimal(10,2)) cost")
                .coalesce(1).write().parquet(landing.resolve("gp_appointments/pq").toString());
        // never read: names starting with _ or .
        write("gp_appointments", "_notes.csv", "not a header");
        write("gp_appointments", ".hidden.csv", "not a header");
        write("_truth", "gp_appointments.csv", "garbage");

        IngestJob.Result r = ingest("gp_appointments");
        IngestJob.FeedResult f = r.feeds().get(0);
        assertThat(f.files()).isEqualTo(4);
        assertThat(f.rowsIn()).isEqualTo(5);
        assertThat(f.rowsValid()).isEqualTo(4);
        assertThat(f.quarantinedByRule()).containsExactly(Map.entry("bad_type", 1L));
        List<String> where = table("bronze", "gp_appointments").collectAsList().stream()
                .map(x -> x.getAs("record_id") + "@" + x.getAs("_source_file") + ":" + x.getAs("_source_line")).toList();
        assertThat(where).hasSize(4).contains("B1@b.csv:2", "A1@a.csv:2", "C1@c.csv.gz:2");
        assertThat(where).anyMatch(w -> w.matches("P1@pq/part-.*\\.parquet:1"));
        Row p1 = table("bronze", "gp_appointments").filter("record_id = 'P1'").first();
        assertThat(p1.<Boolean>getAs("attended")).isTrue();
        assertThat(p1.<BigDecimal>getAs("cost")).isEqualByComparingTo("7.50");
        Row b1 = table("bronze", "gp_appointments").filter("record_id = 'B1'").first();
        assertThat(b1.<String>getAs("hcp_type")).isEqualTo("NURSE");
        assertThat(b1.<BigDecimal>getAs("cost")).isEqualByComparingTo("5.00");
        assertThat(table("quarantine", "gp_appointments").first().<Long>getAs("_source_line")).isEqualTo(3L);
    }

    @Test
    void invalidUtf8LineIsMalformed() throws IOException {
        Path p = write("gp_appointments", "x.csv", HEADER, appt("A1", "2024-01-02", "1.00"));
        byte[] bad = (appt("A2", "2024-01-02", "1.00") + "\n").getBytes(StandardCharsets.UTF_8);
        bad[1] = (byte) 0xC3; // a lead byte followed by ',' is not UTF-8
        Files.write(p, bad, java.nio.file.StandardOpenOption.APPEND);
        IngestJob.Result r = ingest("gp_appointments");
        assertThat(r.feeds().get(0).quarantinedByRule()).containsExactly(Map.entry("malformed_row", 1L));
        Row q = table("quarantine", "gp_appointments").first();
        assertThat(q.<String>getAs("_detail")).contains("not valid UTF-8");
        assertThat(q.<Long>getAs("_source_line")).isEqualTo(3L);
    }

    @Test
    void rerunGivesTheSameTablesAndNoDuplicates() throws IOException {
        write("gp_appointments", "x.csv", HEADER, appt("A1", "2024-01-02", "1.00"), appt("A2", "2024-01-02", "x"),
                appt("A3", "2024-01-02", "3.00"));
        IngestJob.Result first = ingest("gp_appointments");
        List<Row> bronze1 = sorted(table("bronze", "gp_appointments").drop("_ingest_run_id"));
        List<Row> q1 = sorted(table("quarantine", "gp_appointments").drop("_ingest_run_id"));
        IngestJob.Result second = ingest("gp_appointments");
        assertThat(second.runId()).isNotEqualTo(first.runId());
        assertThat(sorted(table("bronze", "gp_appointments").drop("_ingest_run_id"))).isEqualTo(bronze1).hasSize(2);
        assertThat(sorted(table("quarantine", "gp_appointments").drop("_ingest_run_id"))).isEqualTo(q1).hasSize(1);
        assertThat(second.feeds().get(0).bronzeVersion()).isEqualTo(first.feeds().get(0).bronzeVersion() + 1);
        assertThat(table("bronze", "gp_appointments").select("_ingest_run_id").distinct().collectAsList())
                .extracting(x -> x.getString(0)).containsExactly(second.runId());
    }

    /**
     * {@code phb replay} of an ingest run: a landing file changed after the run is named, and the tables made from it
     * differ; once the file is back as the run read it, the same feeds and extract date make the tables the run made,
     * though a later run has replaced them since.
     */
    @Test
    void anIngestRunReplaysEqualAndALandingFileChangedSinceIsFound() throws IOException {
        String[] read = {HEADER, appt("A1", "2024-01-02", "1.00"), appt("A2", "2024-01-02", "x")};
        Path file = write("gp_appointments", "x.csv", read);
        java.nio.file.attribute.FileTime readAt = Files.getLastModifiedTime(file);
        IngestJob.Result first = ingest("gp_appointments");
        write("gp_appointments", "x.csv", HEADER, appt("A1", "2024-01-02", "1.00"));
        ingest("gp_appointments");

        Replay.Result changed = Replay.run(spark, settings, null, new Replay.Request(first.runId(), false), Progress.NONE);
        assertThat(changed.command()).isEqualTo("ingest");
        assertThat(changed.tables()).extracting(Replay.TableCheck::table).containsExactly("bronze/gp_appointments", "quarantine/gp_appointments");
        assertThat(changed.tables()).extracting(Replay.TableCheck::rowsRecorded).containsExactly(1L, 1L);
        assertThat(changed.differences().inputFiles()).as("the landing file the run read has changed").containsExactly("gp_appointments/x.csv");
        assertThat(changed.tables().get(1).equal()).as("its bad row is no longer there to quarantine").isFalse();
        assertThat(changed.tables().get(1).rowsReplayed()).isZero();
        assertThat(changed.equal()).isFalse();

        write("gp_appointments", "x.csv", read);
        Files.setLastModifiedTime(file, readAt);
        Replay.Result equal = Replay.run(spark, settings, null, new Replay.Request(first.runId(), false), Progress.NONE);
        assertThat(equal.equal()).as(equal.toString()).isTrue();
        assertThat(equal.tables()).extracting(Replay.TableCheck::rowsReplayed).containsExactly(1L, 1L);
        assertThat(tmp.resolve("lake/_replay")).as("the scratch lake is removed").doesNotExist();
        assertThat(table("quarantine", "gp_appointments").count()).as("the lake is only read: the later run's tables stay").isZero();
    }

    @Test
    void bronzeAndQuarantineKeepRowCountsButNoColumnStatisticsEvenWhenAnOlderTableHadThem() throws IOException {
        String bronze = settings.lake() + "/bronze/gp_appointments";
        spark.range(3).selectExpr("cast(id as string) record_id").write().format("delta").save(bronze);
        write("gp_appointments", "x.csv", HEADER, appt("A1", "2024-01-02", "1.00"), appt("A2", "2024-01-02", "x"));
        IngestJob.Result r = ingest("gp_appointments");
        assertThat(r.feeds().get(0).bronzeVersion()).as("v1 changes the setting, v2 is the ingest").isEqualTo(2);
        assertThat(DeltaTable.forPath(spark, bronze).history().where("version = 1").select("userMetadata").first().getString(0))
                .isEqualTo("phb ingest run " + r.runId());
        for (String t : List.of(bronze, settings.lake() + "/quarantine/gp_appointments")) {
            Map<String, String> properties = DeltaTable.forPath(spark, t).detail().select("properties").first().getJavaMap(0);
            assertThat(properties).containsEntry("delta.dataSkippingNumIndexedCols", "0");
            long version = DeltaTable.forPath(spark, t).history(1).select("version").first().getLong(0);
            List<String> stats = spark.read().json(String.format("%s/_delta_log/%020d.json", t, version))
                    .where("add is not null").select("add.stats").as(Encoders.STRING()).collectAsList();
            assertThat(stats).isNotEmpty().allSatisfy(st -> assertThat(st).contains("\"numRecords\":").doesNotContain("minValues"));
        }
        assertThat(table("bronze", "gp_appointments").count()).isEqualTo(1);
        assertThat(table("quarantine", "gp_appointments").count()).isEqualTo(1);
    }

    static List<Row> sorted(Dataset<Row> df) {
        return df.orderBy("_source_file", "_source_line").collectAsList();
    }

    @Test
    void summaryFilesAndRunRecordAreWritten() throws IOException {
        write("gp_appointments", "x.csv", HEADER, appt("A1", "2024-01-02", "1.00"), appt("A2", "2024-01-02", "x"));
        IngestJob.Result r = ingest("gp_appointments", "wheelchair");
        assertThat(r.feeds()).extracting(IngestJob.FeedResult::status).containsExactly("ingested", "absent");
        assertThat(table("bronze", "wheelchair").count()).isZero();
        assertThat(table("bronze", "wheelchair").columns()).contains("long_term_user", "_ingest_run_id");

        Path folder = tmp.resolve("out/ingest/" + r.runId());
        String csv = Files.readString(folder.resolve("data_quality.csv"));
        assertThat(csv).contains("gp_appointments,ingested,1,2,1,1,bad_type=1,0,0", "wheelchair,absent,0,0,0,0,,0,0");
        String json = Files.readString(folder.resolve("data_quality.json"));
        assertThat(json).contains("\"run_id\" : \"" + r.runId() + "\"", "\"extract_date\" : \"2024-06-30\"");
        assertThat(Files.list(tmp.resolve("out/ingest")).map(p -> p.getFileName().toString())).containsExactly(r.runId());

        List<Row> runs = spark.read().format("delta").load(settings.lake() + "/audit/runs")
                .filter("run_id = '" + r.runId() + "'").orderBy("started_at", "ended_at").collectAsList();
        assertThat(runs).extracting(x -> x.<String>getAs("status")).containsExactlyInAnyOrder("RUNNING", "SUCCEEDED");
        Row done = runs.stream().filter(x -> x.getAs("status").equals("SUCCEEDED")).findFirst().orElseThrow();
        assertThat(done.<String>getAs("command")).isEqualTo("ingest");
        assertThat(done.<String>getAs("inputs")).contains("gp_appointments/x.csv", "\"bytes\"");
        assertThat(done.<String>getAs("outputs")).contains("{\"table\":\"bronze/gp_appointments\",\"version\":0,\"rows\":1}",
                "{\"table\":\"quarantine/gp_appointments\",\"version\":0,\"rows\":1}");
        assertThat(done.<String>getAs("counts")).contains("\"rows_in\":2");
        assertThat(JobRun.SCHEMA.fieldNames()).contains("inputs");
    }

    @Test
    void missingColumnUnknownColumnSemicolonAndMissingFolderAreReportedTogetherAndNothingIsWritten() throws IOException {
        write("gp_appointments", "missing.csv", "record_id,nhs_token,appointment_date,hcp_type,appointment_mode,attended",
                "A1," + TOKEN + "1,2024-01-02,GP,FACE_TO_FACE,Y");
        write("gp_conditions", "unknown.csv", "record_id,nhs_token,condition_code,recorded_date,note", "x");
        write("ecds", "semi.csv", "attendance_id;nhs_token;provider_code;arrival_date;department_type;cost", "x");
        assertThatThrownBy(() -> ingest("gp_appointments", "gp_conditions", "ecds", "patients"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("4 problems")
                .hasMessageContaining("missing.csv: header has missing column(s) cost")
                .hasMessageContaining("unknown.csv: header has unknown column(s) note")
                .hasMessageContaining("semi.csv is delimited by ';'")
                .hasMessageContaining("feed patients: folder " + landing.resolve("patients") + " does not exist");
        assertThat(Files.exists(tmp.resolve("lake/bronze"))).isFalse();
        Dataset<Row> runs = spark.read().format("delta").load(settings.lake() + "/audit/runs");
        assertThat(runs.filter("status = 'FAILED'").count()).isEqualTo(1);
    }

    @Test
    void unknownFeedNameAndUnsupportedFileAreInputErrors() throws IOException {
        assertThatThrownBy(() -> IngestJob.of(new JobSettings(settings.lake(), tmp.resolve("nowhere").toString(), settings.out(),
                "local[2]", false)).feeds(List.of("patients")).execute())
                .isInstanceOf(InputException.class).hasMessageContaining("landing folder " + tmp.resolve("nowhere") + " does not exist");
        assertThatThrownBy(() -> IngestJob.of(settings).feeds(List.of("nope")))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown feed(s) [nope]");
        write("gp_appointments", "data.xlsx", "x");
        assertThatThrownBy(() -> ingest("gp_appointments"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("data.xlsx is not .csv, .csv.gz or .parquet");
    }
}
