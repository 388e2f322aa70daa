package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report command's own checks, before any Spark work; the report itself is tested in jobs (ReportJobTest). */
class ReportCommandTest {

    @Test
    void aBadQuarterIsExit2AndABadMetricOrTrajectoryExit3NamingTheValue(@TempDir Path dir) throws Exception {
        CliTest.Run q = CliTest.run("report", "--quarter", "2025Q4", "--lake", dir.resolve("lake").toString());
        assertThat(q.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(q.err()).contains("--quarter").contains("2025Q4").contains("YYYY-YYQn");
        CliTest.Run m = CliTest.run("report", "--quarter", "2025-26Q4", "--match-on", "age");
        assertThat(m.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(m.err()).contains("--match-on").contains("'age'");
        Path bad = Files.writeString(dir.resolve("t.csv"), "quarter,received_ytd_per_100k\n2025-26Q4,many\n");
        CliTest.Run t = CliTest.run("report", "--quarter", "2025-26Q4", "--trajectory", bad.toString());
        assertThat(t.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(t.err()).contains(bad.toString()).contains("many");
        CliTest.Run c = CliTest.run("report", "--quarter", "2025-26Q4", "--caliper-sd", "0");
        assertThat(c.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(c.err()).contains("caliper");
        CliTest.Run none = CliTest.run("report");
        assertThat(none.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).contains("--quarter").contains("--as-of-run");
        CliTest.Run replay = CliTest.run("report", "--as-of-run", "20261122T191432Z-fcb6287a", "--org", "QWE", "--bootstrap-seed", "5");
        assertThat(replay.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(replay.err()).contains("leave out --org, --bootstrap-seed");
    }
}
