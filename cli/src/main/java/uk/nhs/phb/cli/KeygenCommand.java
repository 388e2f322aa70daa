package uk.nhs.phb.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.pseudonym.SecretKey;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Make a new random pseudonymisation key in a file only you can read (chmod 600).")
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the key (base64 text).")
    Path out;

    @Option(names = "--force", description = "Replace an existing key file (every token made with the old key stops matching).")
    boolean force;

    @Option(names = "--json", description = "Print a JSON summary.")
    boolean json;

    /** What {@code --json} prints: where the key went and its fingerprint (never the key). */
    record Made(String keyFile, String fingerprint) {
    }

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out) && !force) {
            throw new InputException("key file " + out + " already exists; keep it, or replace it with --force "
                    + "(tokens made with the old key will no longer match)");
        }
        SecretKey key = SecretKey.generate();
        key.writeTo(out);
        Output.print(spec.commandLine().getOut(), json, new Made(out.toString(), key.fingerprint()),
                "Wrote a new key to " + out + " (fingerprint " + key.fingerprint() + "). Keep it secret; back it up.");
        return 0;
    }
}
