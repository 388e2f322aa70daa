package uk.nhs.phb.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FeedsDocTest {
    private static final Path DOC = Path.of("..", "docs", "FEEDS.md");

    @Test
    void docsFeedsMatchesTheContracts() throws Exception {
        String expected = FeedsDoc.markdown();
        if (Boolean.getBoolean("phb.updateDocs")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, expected);
        }
        assertThat(DOC).as("docs/FEEDS.md is stale: run mvn -pl schemas test -Dphb.updateDocs=true").exists();
        assertThat(Files.readString(DOC)).as("docs/FEEDS.md is stale: run mvn -pl schemas test -Dphb.updateDocs=true")
                .isEqualTo(expected);
        assertThat(expected).contains("## apc_spells", "`admission_method`", "code list `admission_method`", "`end_before_start`");
    }
}
