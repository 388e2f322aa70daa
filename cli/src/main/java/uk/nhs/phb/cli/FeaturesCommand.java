package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.features.FeaturesJob;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Compute gold/person_features for everyone registered at a reference date (point-in-time correct).")
final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--as-of", paramLabel = "DATE", required = true, converter = AsOfDate.class,
            description = "Reference date: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day.")
    LocalDate asOf;

    @Override
    public Integer call() {
        FeaturesJob.Result s = FeaturesJob.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                lakeKey.load(spec.commandLine().getErr()), asOf, TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        String text = String.format("Features for %,d persons at %s (run %s)%n  mean emergency admissions in 12 months %.3f, mean eFI %.3f%n"
                        + "  spend in 12 months across sectors: %s%n  table %s",
                s.persons(), asOf, s.runId(), s.meanEmergencyAdmissions365d(), s.meanEfi(), s.totalSpend12m(), s.table());
        Output.print(spec.commandLine().getOut(), common.json, s, text);
        return 0;
    }
}
