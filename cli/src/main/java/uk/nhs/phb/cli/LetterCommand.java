package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.letter.LetterJob;

@Command(name = "letter", mixinStandardHelpOptions = true,
        description = "Write people's letters about a personal health budget, in plain English (or easy read): whether they may have one "
                + "and why, their indicative budget with its range and how it was worked out, and what happens next. One HTML page and "
                + "one tagged PDF per person in OUT/letters/DATE, named by pseudonymous id only: whoever holds the key adds name and address.")
final class LetterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    static final class Who {
        @Option(names = "--person", paramLabel = "PERSON_ID", split = ",", required = true,
                description = "Pseudonymous ids in the lake (repeat the option or separate with commas).")
        List<String> people;

        @Option(names = "--cohort", paramLabel = "GROUP", required = true,
                description = "Everyone in this group at the date: a cohort code of the eligibility rules or budgets, such as CHC or EHCP.")
        String cohort;
    }

    @Option(names = "--as-of", paramLabel = "DATE", converter = AsOfDate.class,
            description = "Reference date: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day. Default: the latest scored.")
    LocalDate asOf;

    @Option(names = "--easy-read", description = "Easy-read letters: short sentences, larger type, whole pounds.")
    boolean easyRead;

    @Option(names = "--format", paramLabel = "FORMAT", split = ",",
            description = "What to write: html, pdf or both (default: html,pdf).")
    List<LetterJob.Format> formats;

    @Override
    public Integer call() {
        LetterJob.Settings settings = new LetterJob.Settings(who.people, who.cohort, asOf, easyRead,
                formats == null ? null : EnumSet.copyOf(formats));
        LetterJob.Result r = LetterJob.run(SparkSessions.forJob(common.existingLake()), common.settings(), settings,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        String text = String.format("%,d %sletter%s at %s (%,d with an indicative budget) written to %s (run %s)%n", r.letters(),
                easyRead ? "easy-read " : "", r.letters() == 1 ? "" : "s", r.referenceDate(), r.withBudget(), r.folder(), r.runId())
                + (r.files().size() <= 6 ? "  " + String.join("\n  ", r.files()) : "  " + r.files().get(0) + " ... " + r.files().get(r.files().size() - 1));
        Output.print(spec.commandLine().getOut(), common.json, r, text);
        return 0;
    }
}
