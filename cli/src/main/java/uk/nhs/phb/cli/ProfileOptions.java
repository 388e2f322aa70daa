package uk.nhs.phb.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import uk.nhs.phb.schemas.profiles.Profiles;

/** The ICB's local override file for the dataset profiles (column aliases, expressions, domains, local prices). */
final class ProfileOptions {
    @Option(names = "--profile-overrides", paramLabel = "FILE",
            description = "Local changes to the dataset profiles: column aliases, field expressions, pseudonymisation domains, "
                    + "local prices (YAML; docs/PROFILES.md). Default: none")
    Path overrides;

    Profiles load() {
        return Profiles.withOverrides(overrides);
    }
}
