package uk.nhs.phb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.pseudonym.SecretKey;

/**
 * The lake's own key, which hashes source tokens and makes person ids inside the lake. It is the ICB's,
 * never a data provider's. Made on first use at the default path (like an SSH host key), with a notice.
 */
public final class LakeKeyOption {
    static final String DEFAULT = "keys/lake.key";

    @Option(names = "--lake-key-file", paramLabel = "FILE", defaultValue = DEFAULT,
            description = "The lake's key (base64, chmod 600); made at the default path on first use. Default: ${DEFAULT-VALUE}")
    Path file;

    SecretKey load(PrintWriter err) {
        if (!Files.exists(file) && file.equals(Path.of(DEFAULT))) {
            SecretKey key = SecretKey.generate();
            try {
                key.writeTo(file);
            } catch (IOException e) {
                throw new InputException("cannot create the lake key " + file + ": " + e.getMessage());
            }
            err.println("phb: made a new lake key at " + file + " (fingerprint " + key.fingerprint()
                    + "); keep it and back it up: person ids depend on it");
            return key;
        }
        return SecretKey.fromFile(file);
    }
}
