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

/** {@code --as-of} of every command that takes it: parsed once by {@link AsOfDate}; a bad value is exit 2 before any Spark work. */
class AsOfDateTest {
    /** Each command with its other required options. */
    private static final List<List<String>> COMMANDS = List.of(List.of("features"), List.of("budget"), List.of("score"),
            List.of("statement-of-resources"), List.of("eligibility", "--person", "p1"), List.of("letter", "--person", "p1"), List.of("train"));

    @TempDir
    Path dir;

    /** The --as-of a command was given, as picocli converted it; parsing only, nothing runs. */
    private static LocalDate parsed(List<String> command, String asOf) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--as-of", asOf));
        return Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .parseArgs(args.toArray(String[]::new)).subcommand().matchedOptionValue("--as-of", null);
    }

    private CliTest.Run run(List<String> command, String asOf) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--as-of", asOf, "--lake", dir.resolve("lake").toString(), "--out", dir.resolve("out").toString()));
        return CliTest.run(args.toArray(String[]::new));
    }

    /** Exit 2 with picocli's message naming the option, then what to try; the lake is not touched. */
    private void assertUsageError(List<String> command, String asOf, String... says) {
        CliTest.Run r = run(command, asOf);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Invalid value for option '--as-of'", "'" + asOf + "'").contains(says)
                .contains("phb " + command.get(0) + " --help").doesNotContain("\tat ");
        assertThat(dir.resolve("lake")).doesNotExist();
    }

    @Test
    void aDateIsTakenAsGivenByEveryCommand() {
        for (List<String> command : COMMANDS) {
            assertThat(parsed(command, "2026-03-31")).as(command.get(0)).isEqualTo(LocalDate.of(2026, 3, 31));
        }
        assertThat(parsed(List.of("features"), "2025-11-15")).isEqualTo(LocalDate.of(2025, 11, 15));
        assertThat(parsed(List.of("features"), " 2024-02-29 ")).isEqualTo(LocalDate.of(2024, 2, 29));
    }

    @Test
    void aQuarterMeansItsLastDayForEveryCommand() {
        for (List<String> command : COMMANDS) {
            assertThat(parsed(command, "2025-26Q4")).as(command.get(0)).isEqualTo(LocalDate.of(2026, 3, 31));
        }
        assertThat(parsed(List.of("features"), "2025-26Q1")).isEqualTo(LocalDate.of(2025, 6, 30));
        assertThat(parsed(List.of("features"), "2025-26Q2")).isEqualTo(LocalDate.of(2025, 9, 30));
        assertThat(parsed(List.of("features"), "2025-26Q3")).isEqualTo(LocalDate.of(2025, 12, 31));
        assertThat(parsed(List.of("train"), "2023-24Q4")).isEqualTo(LocalDate.of(2024, 3, 31));
    }

    @Test
    void badTextIsAUsageErrorOfEveryCommandNamingTheOptionValueAndForms() {
        for (List<String> command : COMMANDS) {
            assertUsageError(command, "soon", "is not a date yyyy-MM-dd (e.g. 2026-03-31) or a financial-year quarter YYYY-YYQn "
                    + "meaning its last day (e.g. 2025-26Q4, January-March 2026, means 2026-03-31)");
        }
        assertThat(run(List.of("features"), "soon").err()).doesNotContain("did you mean");
    }

    @Test
    void aDateInAnotherOrderIsRefusedWithTheIsoDateWhenOnlyOneReadingIsADate() {
        assertUsageError(List.of("budget"), "31/03/2026", "yyyy-MM-dd", "did you mean 2026-03-31?");
        assertUsageError(List.of("features"), "31.03.2026", "did you mean 2026-03-31?");
        assertUsageError(List.of("features"), "2026/03/31", "did you mean 2026-03-31?");
        assertUsageError(List.of("features"), "2026-3-31", "did you mean 2026-03-31?");
        assertUsageError(List.of("features"), "20260331", "did you mean 2026-03-31?");
        assertUsageError(List.of("features"), "03/31/2026", "did you mean 2026-03-31?");
        CliTest.Run marchOrApril = run(List.of("features"), "03/04/2026");
        assertThat(marchOrApril.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(marchOrApril.err()).contains("'03/04/2026'", "yyyy-MM-dd").doesNotContain("did you mean");
    }

    @Test
    void aDayThatDoesNotExistIsSaidSo() {
        assertUsageError(List.of("features"), "2026-02-30", "'2026-02-30' has the form yyyy-MM-dd but is no day of the calendar");
        assertUsageError(List.of("budget"), "2025-02-29", "is no day of the calendar");
    }

    @Test
    void aCalendarYearQuarterGetsBothReadingsWithTheirMonths() {
        assertUsageError(List.of("features"), "2025Q4", "'2025Q4' is not of the form YYYY-YYQn", "a quarter means its last day",
                "did you mean 2025-26Q4 (January-March 2026), or 2025-26Q3 for calendar Q4 2025 (October-December 2025)? "
                        + "Financial years run April-March");
        assertUsageError(List.of("score"), "Q1 2026",
                "did you mean 2026-27Q1 (April-June 2026), or 2025-26Q4 for calendar Q1 2026 (January-March 2026)?");
    }

    @Test
    void aFinancialYearWrittenAnotherWayGetsTheQuarter() {
        assertUsageError(List.of("features"), "2025/26Q4", "did you mean 2025-26Q4 (January-March 2026)?");
        assertUsageError(List.of("features"), "2025-2026 Q4", "did you mean 2025-26Q4 (January-March 2026)?");
        assertUsageError(List.of("features"), "2025-26q2", "did you mean 2025-26Q2 (July-September 2025)?");
        assertUsageError(List.of("features"), "Q3 FY2025-26", "did you mean 2025-26Q3 (October-December 2025)?");
    }

    @Test
    void quartersThatDoNotExistAreRefusedNamingTheValue() {
        assertUsageError(List.of("features"), "2025-26Q5", "YYYY-YYQn");
        assertUsageError(List.of("features"), "2025-27Q1", "2025-27", "write 2025-26");
        assertThat(run(List.of("features"), "2025-27Q1").err()).doesNotContain("did you mean");
        assertUsageError(List.of("features"), "Q3", "YYYY-YYQn");
    }

    @Test
    void trainRefusesADayThatIsNotAQuarterEndNamingTheQuarterEndsEitherSide() {
        assertUsageError(List.of("train"), "2026-03-30", "'2026-03-30' is not a quarter end (30 June, 30 September, 31 December or 31 March)",
                "did you mean 2025-12-31 (2025-26Q3) or 2026-03-31 (2025-26Q4)?");
        assertUsageError(List.of("train"), "2025-04-01", "did you mean 2025-03-31 (2024-25Q4) or 2025-06-30 (2025-26Q1)?");
        assertUsageError(List.of("train"), "2025Q4", "did you mean 2025-26Q4");
        assertThat(parsed(List.of("train"), "2025-09-30")).isEqualTo(LocalDate.of(2025, 9, 30));
        assertThat(parsed(List.of("features"), "2026-03-30")).as("other commands take any day").isEqualTo(LocalDate.of(2026, 3, 30));
    }

    @Test
    void eligibilityNeedsNoDate() {
        Object cmd = Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .parseArgs("eligibility", "--person", "p1").subcommand().commandSpec().userObject();
        assertThat(((EligibilityCommand) cmd).asOf).isNull();
    }
}
