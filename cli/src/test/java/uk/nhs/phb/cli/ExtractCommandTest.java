package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The extract command's own checks, before any Spark work; extracts themselves are tested in jobs (ExtractJobTest). */
class ExtractCommandTest {

    @Test
    void whatToExtractIsRequiredUnlessAPastRunIsMadeAgainAndThenItIsNotGiven() {
        CliTest.Run none = CliTest.run("extract", "--purpose", "planning");
        assertThat(none.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).contains("--recipient").contains("--quarter");
        CliTest.Run replay = CliTest.run("extract", "--as-of-run", "20261122T191432Z-fcb6287a", "--purpose", "planning", "--level", "ANONYMISED");
        assertThat(replay.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(replay.err()).contains("leave out --purpose, --level");
    }
}
