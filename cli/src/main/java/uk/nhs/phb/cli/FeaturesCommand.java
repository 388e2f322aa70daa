package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.schemas.Quarter;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Compute gold/person_features for everyone registered at a reference date (point-in-time correct).")
final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--as-of", paramLabel = "DATE", required = true,
            description = "Reference date: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day.")
    String asOf;

    @Override
    public Integer call() {
        LocalDate date = referenceDate(asOf);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lake", common.lake);
        params.put("as_of", date.toString());
        params.put("lake_key_file", lakeKey.file.toString());
        Map<String, Object> s = FeaturesJob.run(SparkSessions.forJob(common.settings()), common.settings(),
                lakeKey.load(spec.commandLine().getErr()), date, params, TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        String text = String.format("Features for %,d persons at %s (run %s)%n  mean emergency admissions in 12 months %.3f, mean eFI %.3f%n"
                        + "  spend in 12 months across sectors: %s%n  table %s",
                (long) s.get("persons"), date, s.get("run_id"), s.get("mean_emergency_admissions_365d"), s.get("mean_efi"),
                s.get("total_spend_12m"), s.get("table"));
        Output.print(spec.commandLine().getOut(), common.json, s, text);
        return 0;
    }

    /** A date, or a quarter's last day. */
    static LocalDate referenceDate(String text) {
        if (text.contains("Q")) {
            try {
                return Quarter.parse(text).end();
            } catch (IllegalArgumentException e) {
                throw new InputException(e.getMessage());
            }
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new InputException("--as-of '" + text + "' is neither a date (yyyy-MM-dd) nor a quarter (YYYY-YYQn)");
        }
    }
}
