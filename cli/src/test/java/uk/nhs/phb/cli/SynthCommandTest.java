package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.models.pseudonym.SecretKey;

class SynthCommandTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void generatesPrintsJsonAndRefusesToOverwrite() throws Exception {
        Path key = dir.resolve("provider.key");
        SecretKey.generate().writeTo(key);
        String[] args = {"synth", "--people", "300", "--seed", "3", "--landing", dir.resolve("landing").toString(),
            "--lake", dir.resolve("lake").toString(), "--master", "local[2]", "--key-file", key.toString(), "--json",
            "--fault-rate", "duplicate_record=0.02"};
        Outcome ok = run(args);
        assertThat(ok.code()).as(ok.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(ok.out());
        assertThat(json.get("run_id").asText()).isNotBlank();
        assertThat(json.get("people").asLong()).isEqualTo(300);
        assertThat(json.get("seed").asLong()).isEqualTo(3);
        assertThat(json.get("landing").asText()).endsWith("landing");
        assertThat(json.get("rows").get("patients").asLong()).isPositive();
        assertThat(json.get("faults").get("duplicate_record").asLong()).isPositive();
        assertThat(json.get("seconds").asDouble()).isPositive();
        assertThat(json.get("profile_overrides").asText()).as("the national layout's own override")
                .endsWith("landing/_reference/profile-overrides.yaml");
        assertThat(java.nio.file.Path.of(json.get("profile_overrides").asText())).exists();
        assertThat(ok.out() + ok.err()).doesNotContain(java.nio.file.Files.readString(key).strip());

        Outcome again = run(args);
        assertThat(again.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(again.err()).contains("not empty").contains("--force");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("synth", "--people", "lots", "--seed", "1").code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("synth", "--people", "300", "--seed", "1", "--format", "xml").code()).isEqualTo(Main.EXIT_USAGE);
        Outcome layout = run("synth", "--people", "300", "--seed", "1", "--layout", "hes");
        assertThat(layout.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(layout.err()).contains("layout must be one of [phb, national]");
        assertThat(run("synth", "--people", "300", "--seed", "1", "--fault-rate", "gremlins=0.1").code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("synth", "--people", "5", "--seed", "1").code()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void anExplicitMissingKeyFileIsAnInputError() {
        Outcome o = run("synth", "--people", "300", "--seed", "1", "--landing", dir.resolve("l").toString(),
                "--lake", dir.resolve("lake").toString(), "--key-file", dir.resolve("nope.key").toString());
        assertThat(o.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(o.err()).contains("does not exist").contains("phb keygen");
    }
}
