package uk.nhs.phb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    /** Runs the CLI in-process; returns exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommandWithADescription() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("keygen", "pseudonymise");
        for (var sub : Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().values()) {
            assertThat(sub.getCommandSpec().usageMessage().description()).as(sub.getCommandName()).isNotEmpty();
            for (var opt : sub.getCommandSpec().options()) {
                assertThat(opt.description()).as(sub.getCommandName() + " " + opt.longestName()).isNotEmpty();
            }
        }
    }

    @Test
    void usageErrorsExitWith2AndSayWhatToTry() {
        Run r = run("pseudonymise", "--in", "x.csv");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Missing required option").contains("phb pseudonymise --help");
        assertThat(run("no-such-command").code()).isEqualTo(Main.EXIT_USAGE);
        Run typo = run("raport", "--quarter", "2025-26Q4");
        assertThat(typo.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(typo.err()).contains("Did you mean: phb report");
        Run optionTypo = run("report", "--quater", "2025-26Q4");
        assertThat(optionTypo.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(optionTypo.err()).contains("--quarter");
    }

    @Test
    void aLakeThatIsNotThereIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("lake.key");
        uk.nhs.phb.models.pseudonym.SecretKey.generate().writeTo(key);
        String nowhere = dir.resolve("no-lake").toString();
        for (String[] args : List.of(new String[] {"features", "--as-of", "2025-26Q4", "--lake-key-file", key.toString()},
                new String[] {"score", "--as-of", "2025-26Q4"}, new String[] {"report", "--quarter", "2025-26Q4", "--lake-key-file", key.toString()})) {
            List<String> a = new java.util.ArrayList<>(List.of(args));
            a.addAll(List.of("--lake", nowhere));
            Run r = run(a.toArray(String[]::new));
            assertThat(r.code()).as(args[0]).isEqualTo(Main.EXIT_INPUT);
            assertThat(r.err()).as(args[0]).contains("there is no lake at " + nowhere + " (no such folder)").doesNotContain("gold/");
        }
    }

    @Test
    void everyCommandsHelpPrintsWithoutAWarning() {
        for (String sub : Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())).getSubcommands().keySet()) {
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            java.io.PrintStream before = System.err;
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                Run r = run(sub, "--help");
                assertThat(r.code()).as(sub).isZero();
                assertThat(r.out() + r.err()).as(sub).doesNotContain("WARN");
            } finally {
                System.setErr(before);
            }
            assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).as("%s --help warns", sub).doesNotContain("picocli WARN");
        }
    }

    @Test
    void inputErrorsExitWith3WithOneMessageAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path map = Files.writeString(dir.resolve("map.txt"), "nhs_number=NHS\n");
        Run noKey = run("pseudonymise", "--in", dir.resolve("x.csv").toString(), "--map", map.toString(), "--out", dir.resolve("o").toString());
        assertThat(noKey.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(noKey.err()).contains("no key").contains("phb keygen").doesNotContain("\tat ");

        Path key = dir.resolve("k.key");
        assertThat(run("keygen", "--out", key.toString()).code()).isZero();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Run openKey = run("pseudonymise", "--in", "x.csv", "--map", map.toString(), "--key-file", key.toString(), "--out", "o");
        assertThat(openKey.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(openKey.err()).contains("chmod 600");

        Path badMap = Files.writeString(dir.resolve("bad.txt"), "nhs=NHS\nsurname\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Run mapErr = run("pseudonymise", "--in", "x.csv", "--map", badMap.toString(), "--key-file", key.toString(), "--out", "o");
        assertThat(mapErr.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(mapErr.err()).contains("line 1: unknown role 'nhs'").contains("line 2: 'surname' is not role=column");

        Run neither = run("pseudonymise", "--in", "x.xml", "--key-file", key.toString(), "--out", "o");
        assertThat(neither.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(neither.err()).contains("give --map MAPPING", "--profile ID", "sen2", "cin_census");
        Run noSuch = run("pseudonymise", "--in", "x.xml", "--profile", "sen3", "--key-file", key.toString(), "--out", "o");
        assertThat(noSuch.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(noSuch.err()).contains("no profile 'sen3'");
        Run notXml = run("pseudonymise", "--in", "x.csv", "--profile", "sus_apcs", "--key-file", key.toString(), "--out", "o");
        assertThat(notXml.code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(notXml.err()).contains("profile sus_apcs is not a return phb pseudonymise can read", "--map");
    }

    @Test
    void keygenJsonNamesTheFileAndFingerprintButNeverTheKey(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("keys/provider.key");
        Run r = run("keygen", "--out", key.toString(), "--json");
        assertThat(r.code()).isZero();
        String secret = Files.readString(key).strip();
        assertThat(r.out()).startsWith("{").contains("\"fingerprint\"").doesNotContain(secret);
        assertThat(run("keygen", "--out", key.toString()).code()).isEqualTo(Main.EXIT_INPUT);
        assertThat(Files.readString(key).strip()).as("not overwritten").isEqualTo(secret);
    }
}
