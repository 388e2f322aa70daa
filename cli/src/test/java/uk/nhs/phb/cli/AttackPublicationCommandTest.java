package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'phb audit --attack-publication': exit 4 naming each recovered count and how, 0 when nothing is recovered, 3 for no folder. */
class AttackPublicationCommandTest {
    @TempDir
    Path dir;

    private Path design(String name, String manifestTreated, String chcShare) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.writeString(p.resolve("before_after_design.csv"), """
                eligibility_group,treated,candidate_controls,matched_pairs
                CHC,*,0,0
                MENTAL_HEALTH,*,0,0
                WHEELCHAIR,80,0,0
                ALL,90,0,0
                """);
        Files.writeString(p.resolve("balance.csv"), "covariate,treated_mean_before_matching\ngroup_CHC," + chcShare + "\n");
        Files.writeString(p.resolve("manifest.json"), "{\"quarter\":\"2025-26Q4\",\"before_after_design\":{\"treated\":" + manifestTreated + "}}");
        return p;
    }

    @Test
    void aLeakingFolderExitsFourNamingTheCountAndItsEvidence() throws Exception {
        Path leaky = design("leaky", "88", "0.0682");
        CliTest.Run r = CliTest.run("audit", "--attack-publication", leaky.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(AuditCommand.EXIT_FOUND);
        assertThat(r.out()).contains("RECOVERED before_after_design|2025-26Q4/|CHC|treated = 6", "treated_mean_before_matching 0.0682",
                "UNROUNDED before_after_design|2025-26Q4/|ALL|treated = 88", "LEAK: ");

        Path safe = design("safe", "90", "*");
        CliTest.Run clean = CliTest.run("audit", "--attack-publication", safe.toString(), "--json");
        assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(clean.out());
        assertThat(j.get("cells_recovered").asInt()).isZero();
        assertThat(j.get("cells_tried").asInt()).isEqualTo(2);
        assertThat(j.get("publications").asInt()).isEqualTo(1);
    }

    @Test
    void aMissingFolderIsAnInputError() {
        CliTest.Run r = CliTest.run("audit", "--attack-publication", dir.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err()).contains("nowhere").contains("is not a folder").doesNotContain("\tat ");
    }
}
