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

/** {@code --extract-date} of ingest and run: parsed once by {@link IsoDate}; a bad value is exit 2 before any Spark work. */
class IsoDateTest {
    @TempDir
    Path dir;

    private static LocalDate parsed(String... args) {
        return Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .parseArgs(args).subcommand().matchedOptionValue("--extract-date", null);
    }

    private void assertUsageError(String command, String date, String... says) {
        List<String> args = new ArrayList<>(List.of(command, "--extract-date", date, "--lake", dir.resolve("lake").toString(),
                "--landing", dir.resolve("landing").toString()));
        if (command.equals("run")) {
            args.addAll(List.of("--quarter", "2025-26Q4"));
        }
        CliTest.Run r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Invalid value for option '--extract-date'", "'" + date + "'").contains(says)
                .contains("phb " + command + " --help");
        assertThat(dir.resolve("lake")).doesNotExist();
    }

    @Test
    void aDateIsTakenAsGiven() {
        assertThat(parsed("run", "--quarter", "2025-26Q4", "--extract-date", "2026-04-20")).isEqualTo(LocalDate.of(2026, 4, 20));
        assertThat(parsed("ingest", "--extract-date", "2024-06-30")).isEqualTo(LocalDate.of(2024, 6, 30));
    }

    @Test
    void aQuarterOrBadTextIsAUsageErrorNamingTheOptionValueAndForm() {
        for (String command : new String[] {"run", "ingest"}) {
            assertUsageError(command, "30/06/2024", "is not a date yyyy-MM-dd (e.g. 2026-03-31); did you mean 2024-06-30?");
            assertUsageError(command, "2025-26Q4", "is not a date yyyy-MM-dd (e.g. 2026-03-31)");
            assertUsageError(command, "2024-06-31", "has the form yyyy-MM-dd but is no day of the calendar");
        }
    }
}
