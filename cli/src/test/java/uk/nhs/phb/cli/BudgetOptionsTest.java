package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad options and reference files of 'phb budget' and 'phb statement-of-resources': exit 3, one message, nothing run.
 * A bad --as-of is a usage error (exit 2), in AsOfDateTest.
 */
class BudgetOptionsTest {
    @TempDir
    Path dir;

    private static void assertInputError(CliTest.Run r, String... says) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err()).contains(says).doesNotContain("\tat ").doesNotContain("internal error");
    }

    @Test
    void aBadPoolingFileNamesTheLineAndFieldBeforeAnythingRuns() throws Exception {
        Path pooling = dir.resolve("pooling.csv");
        Files.writeString(pooling, "cohort,precedence,basis,name,budget,streams,pooled,who,source\n"
                + "CHC,1,legal_right,CHC,personal health budget,nhs_continuing_care|nhs_dental,N,who,local\n");
        assertInputError(CliTest.run("budget", "--as-of", "2025-26Q4", "--pooling", pooling.toString(), "--lake", dir.resolve("lake").toString()),
                pooling + " line 2", "unknown funding stream 'nhs_dental'", "fix the file");
        assertThat(dir.resolve("lake")).doesNotExist();
        assertInputError(CliTest.run("statement-of-resources", "--as-of", "2025-26Q4", "--pooling", pooling.toString(), "--lake",
                dir.resolve("lake").toString()), "unknown funding stream 'nhs_dental'");
    }

    @Test
    void aBadPriceListNamesItsOwnFile() throws Exception {
        Path prices = dir.resolve("prices.csv");
        Files.writeString(prices, "item,fy,cost\nhome_care_hour,2025-26,31.00\n");
        assertInputError(CliTest.run("budget", "--as-of", "2025-26Q4", "--unit-costs", prices.toString(), "--lake", dir.resolve("lake").toString()),
                prices + " line 2: fy '2025-26' must be a year or *");
    }

    @Test
    void badValuesAreRefusedNamingThem() {
        assertInputError(CliTest.run("budget", "--as-of", "2025-26Q4", "--min-cell", "0", "--lake", dir.resolve("lake").toString()),
                "--min-cell must be at least 1, got 0");
        assertInputError(CliTest.run("budget", "--as-of", "2025-26Q4", "--unit-costs", dir.resolve("missing.csv").toString(), "--lake",
                dir.resolve("lake").toString()), "cannot read", "missing.csv");
        assertInputError(CliTest.run("statement-of-resources", "--as-of", "2025-26Q4", "--org", "not a code!", "--lake",
                dir.resolve("lake").toString()), "--org 'not a code!' is not an organisation code");
    }
}
