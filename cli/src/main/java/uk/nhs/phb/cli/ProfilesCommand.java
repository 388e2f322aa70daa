package uk.nhs.phb.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.Profiles;
import uk.nhs.phb.schemas.profiles.ProfilesDoc;

@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = {"List the dataset profiles: the national layouts (SUS+, HES, ECDS ...) ingest reads, each from the landing "
                + "folder named by its id, into one of phb's feeds.",
                "`phb profiles show ID` prints every mapping of one profile."},
        subcommands = ProfilesCommand.Show.class)
final class ProfilesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--json", description = "Print {\"profiles\":[{\"id\",\"dataset\",\"spec_version\",\"folder\",\"feed\"}]}.")
    boolean json;

    /** One profile as {@code --json} lists it. */
    record Listed(String id, String dataset, String specVersion, String folder, String feed) {
    }

    @Override
    public Integer call() {
        Profiles profiles = profileOptions.load();
        List<Listed> list = new ArrayList<>();
        StringBuilder text = new StringBuilder(String.format("%-10s %-13s %-62s %s%n", "id", "feed", "dataset", "specification version"));
        for (DatasetProfile p : profiles.all()) {
            list.add(new Listed(p.id(), p.dataset(), p.specVersion(), "landing/" + p.folder(), p.feed()));
            text.append(String.format("%-10s %-13s %-62s %s%n", p.id(), p.feed(), p.dataset(), p.specVersion()));
        }
        text.append("\nPut each extract in landing/<id>/ (CSV or Parquet; FHIR NDJSON or XML where the profile says so). `phb profiles show ID` prints a profile's mappings; "
                + "docs/PROFILES.md explains them and the override file.");
        Output.print(spec.commandLine().getOut(), json, Map.of("profiles", list), text.toString());
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print every mapping of one dataset profile.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Parameters(paramLabel = "ID", description = "The profile's id (`phb profiles` lists them).")
        String id;

        @Option(names = "--json", description = "Print the profile as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            Profiles profiles = profileOptions.load();
            DatasetProfile p = profiles.byId(id);
            Output.print(spec.commandLine().getOut(), json, ProfilesDoc.shown(p), ProfilesDoc.text(p, profiles));
            return 0;
        }
    }
}
