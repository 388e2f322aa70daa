package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.schemas.Quarter;

/** {@code --quarter} of run, report and extract: parsed once by {@link QuarterConverter}; a bad value is exit 2 before any Spark work. */
class QuarterConverterTest {
    /** Each command with its other required options. */
    private static final List<List<String>> COMMANDS = List.of(List.of("run"), List.of("report"),
            List.of("extract", "--purpose", "planning", "--recipient", "icb-analytics"));

    @TempDir
    Path dir;

    /** The --quarter a command was given, as picocli converted it; parsing only, nothing runs. */
    private static Quarter parsed(List<String> command, String quarter) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--quarter", quarter));
        return Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .parseArgs(args.toArray(String[]::new)).subcommand().matchedOptionValue("--quarter", null);
    }

    private CliTest.Run run(List<String> command, String quarter) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--quarter", quarter, "--lake", dir.resolve("lake").toString(), "--out", dir.resolve("out").toString(),
                "--landing", dir.resolve("landing").toString()));
        return CliTest.run(args.toArray(String[]::new));
    }

    /** Exit 2 with picocli's message naming the option, then what to try; nothing is written. */
    private void assertUsageError(List<String> command, String quarter, String... says) {
        CliTest.Run r = run(command, quarter);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Invalid value for option '--quarter'", "'" + quarter + "'").contains(says)
                .contains("phb " + command.get(0) + " --help").doesNotContain("\tat ");
        assertThat(dir.resolve("lake")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aQuarterIsTakenByEveryCommandAndEndsOnItsLastDay() {
        for (List<String> command : COMMANDS) {
            Quarter q = parsed(command, "2025-26Q4");
            assertThat(q).as(command.get(0)).isEqualTo(new Quarter(2025, 4));
            assertThat(q.end()).isEqualTo(LocalDate.of(2026, 3, 31));
        }
        assertThat(parsed(List.of("report"), "2025-26Q1").end()).isEqualTo(LocalDate.of(2025, 6, 30));
        assertThat(parsed(List.of("run"), "1999-00Q3").end()).isEqualTo(LocalDate.of(1999, 12, 31));
    }

    @Test
    void badTextIsAUsageErrorOfEveryCommandNamingTheOptionValueFormAndExample() {
        for (List<String> command : COMMANDS) {
            assertUsageError(command, "soon", "is not of the form YYYY-YYQn, e.g. 2025-26Q4 (January-March 2026)");
        }
        assertThat(run(List.of("run"), "soon").err()).doesNotContain("did you mean");
        assertUsageError(List.of("report"), "2025-26Q5", "YYYY-YYQn");
        assertUsageError(List.of("report"), "2025-27Q1", "the financial year 2025-27 does not exist; write 2025-26");
    }

    @Test
    void aCalendarYearQuarterGetsBothReadingsWithTheirMonths() {
        for (List<String> command : COMMANDS) {
            assertUsageError(command, "2025Q4", "did you mean 2025-26Q4 (January-March 2026), or 2025-26Q3 for calendar Q4 2025 "
                    + "(October-December 2025)? Financial years run April-March");
        }
        assertUsageError(List.of("run"), "2026-Q1", "did you mean 2026-27Q1 (April-June 2026), or 2025-26Q4 for calendar Q1 2026 "
                + "(January-March 2026)?");
        assertUsageError(List.of("run"), "2025 Q2", "did you mean 2025-26Q2 (July-September 2025), or 2025-26Q1 for calendar Q2 2025 "
                + "(April-June 2025)?");
    }

    @Test
    void aFinancialYearWrittenAnotherWayOrADateGetsTheQuarter() {
        assertUsageError(List.of("report"), "2025/26 Q4", "did you mean 2025-26Q4 (January-March 2026)?");
        assertUsageError(List.of("report"), "2025-26q1", "did you mean 2025-26Q1 (April-June 2025)?");
        assertUsageError(List.of("report"), "2026-03-31", "did you mean 2025-26Q4 (January-March 2026), the quarter holding 2026-03-31?");
        assertUsageError(List.of("report"), "2025-11-15", "did you mean 2025-26Q3 (October-December 2025), the quarter holding 2025-11-15?");
    }

    @Test
    void aMissingQuarterIsStillAUsageError() {
        CliTest.Run run = CliTest.run("run", "--lake", dir.resolve("lake").toString());
        assertThat(run.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("Missing required option: '--quarter=YYYY-YYQn'");
        CliTest.Run report = CliTest.run("report", "--lake", dir.resolve("lake").toString());
        assertThat(report.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(report.err()).contains("--quarter YYYY-YYQn", "--as-of-run");
    }
}
