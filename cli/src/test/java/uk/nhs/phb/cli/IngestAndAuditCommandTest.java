package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;

class IngestAndAuditCommandTest {
    static final String TOKEN = "abcdefghijABCDEFGHIJ0123456789_-abcdefghij1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path landing;

    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void spark() {
        // the first session of the JVM must carry Delta's extensions
        SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false))
                .conf().set("spark.sql.shuffle.partitions", "4");
    }

    @BeforeEach
    void landing() throws IOException {
        landing = Files.createDirectories(tmp.resolve("landing"));
    }

    Run phb(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && !all.get(0).equals("keygen")) {
            int at = all.get(0).equals("audit") && all.size() > 1 && all.get(1).equals("show") ? 3 : 1;
            all.addAll(Math.min(at, all.size()), List.of("--lake", tmp.resolve("lake").toString(),
                    "--landing", landing.toString(), "--out", tmp.resolve("out").toString(), "--master", "local[2]"));
        }
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    void write(String feed, String file, String... lines) throws IOException {
        Path dir = Files.createDirectories(landing.resolve(feed));
        Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    void validLanding() throws IOException {
        write("ref_lsoa", "lsoa.csv", "lsoa_code,imd_decile,la_code", "E01000001,3,E06000001", "E01000002,11,E06000001",
                "E01000003,5,E06000001");
        write("gp_conditions", "c.csv", "record_id,nhs_token,condition_code,recorded_date",
                "C1," + TOKEN + ",HTN,2020-01-01", "C2," + TOKEN + ",XXX,2020-01-01");
    }

    @Test
    void ingestPrintsJsonWithPerFeedCountsAndAuditListsAndShowsTheRun() throws IOException {
        validLanding();
        Run r = phb("ingest", "--feeds", "ref_lsoa,gp_conditions", "--extract-date", "2024-06-30", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("extract_date").asText()).isEqualTo("2024-06-30");
        String runId = j.get("run_id").asText();
        assertThat(j.get("rows_in").asLong()).isEqualTo(5);
        assertThat(j.get("rows_valid").asLong()).isEqualTo(3);
        assertThat(j.get("rows_quarantined").asLong()).isEqualTo(2);
        JsonNode lsoa = j.get("feeds").get("ref_lsoa");
        assertThat(lsoa.get("rows_in").asLong()).isEqualTo(3);
        assertThat(lsoa.get("rows_valid").asLong()).isEqualTo(2);
        assertThat(lsoa.get("rows_quarantined").asLong()).isEqualTo(1);
        assertThat(lsoa.get("quarantined_by_rule").get("out_of_range").asLong()).isEqualTo(1);
        assertThat(lsoa.get("bronze_version").asLong()).isZero();
        assertThat(j.get("feeds").get("gp_conditions").get("quarantined_by_rule").get("unknown_code").asLong()).isEqualTo(1);

        Run text = phb("ingest", "--feeds", "ref_lsoa", "--extract-date", "2024-06-30");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("ref_lsoa", "ingested", "out_of_range 1", "total", "data-quality summary in");

        Run list = phb("audit", "--json");
        assertThat(list.code()).as(list.err()).isZero();
        JsonNode runs = list.json().get("runs");
        assertThat(runs).hasSize(2);
        assertThat(runs.get(1).get("run_id").asText()).isEqualTo(runId);
        assertThat(runs.get(0).get("command").asText()).isEqualTo("ingest");
        assertThat(runs.get(0).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(runs.get(0).get("seconds").asDouble()).isPositive();
        assertThat(runs.get(0).has("started")).isTrue();
        assertThat(runs.get(0).has("user")).isTrue();

        Run listText = phb("audit");
        assertThat(listText.out()).contains(runId, "SUCCEEDED", "ingest");

        Run show = phb("audit", "show", runId, "--json");
        assertThat(show.code()).as(show.err()).isZero();
        JsonNode s = show.json();
        assertThat(s.get("run_id").asText()).isEqualTo(runId);
        assertThat(s.get("parameters").get("extract_date").asText()).isEqualTo("2024-06-30");
        assertThat(s.get("inputs").has("ref_lsoa/lsoa.csv")).isTrue();
        assertThat(s.get("outputs").get(0).get("table").asText()).isEqualTo("bronze/ref_lsoa");
        assertThat(s.get("counts").get("rows_in").asLong()).isEqualTo(5);
        assertThat(s.get("error").isNull()).isTrue();

        Run showText = phb("audit", "show", runId);
        assertThat(showText.out()).contains("status:      SUCCEEDED", "bronze/gp_conditions");
    }

    @Test
    void badLandingIsExit3WithTheFileNamedAndNoStackTrace() throws IOException {
        write("ref_lsoa", "semi.csv", "lsoa_code;imd_decile;la_code", "E01000001;3;E06000001");
        Run r = phb("ingest", "--feeds", "ref_lsoa");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("phb ingest: ").contains("semi.csv is delimited by ';'").doesNotContain("\tat ", "Exception");

        write("ref_practices", "p.csv", "practice_code,pcn_code,sub_icb_code,icb_code", "A12345,U12345,00L,QHM");
        r = phb("ingest", "--feeds", "ref_practices");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("p.csv: header has missing column(s) list_size").doesNotContain("\tat ");

        r = phb("ingest", "--feeds", "patients");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("folder " + landing.resolve("patients") + " does not exist").doesNotContain("\tat ");

        Run failed = phb("audit", "--json");
        assertThat(failed.json().get("runs")).hasSize(3).allMatch(x -> x.get("status").asText().equals("FAILED"));
    }

    @Test
    void usageErrorsAreExit2AndUnknownRunIsExit3() {
        Run r = phb("ingest", "--feeds", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown feed(s) nope");
        r = phb("ingest", "--extract-date", "30/06/2024");
        assertThat(r.code()).isEqualTo(2);
        r = phb("audit", "show", "20990101T000000Z-deadbeef");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("phb audit show: no run with id '20990101T000000Z-deadbeef'").doesNotContain("\tat ");
        Run empty = phb("audit");
        assertThat(empty.code()).isZero();
        assertThat(empty.out()).contains("No runs recorded");
    }
}
