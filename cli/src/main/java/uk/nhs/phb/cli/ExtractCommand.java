package uk.nhs.phb.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.extract.ExtractJob;
import uk.nhs.phb.jobs.extract.ExtractPurposes;
import uk.nhs.phb.jobs.extract.ExtractReidentify;
import uk.nhs.phb.schemas.IdentityLevel;
import uk.nhs.phb.schemas.Quarter;

@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Make one extract of the gold tables for a purpose and recipient: pseudonymised (recipient-specific ids), "
                + "anonymised (verified k-anonymity) or aggregate (small-number suppression), with opt-outs applied, a manifest "
                + "and an audit trail. 'extract reidentify' maps a recipient's ids back (lake key holder only).",
        subcommands = ExtractCommand.Reidentify.class)
final class ExtractCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--purpose", paramLabel = "PURPOSE",
            description = "direct-care, commissioning, planning or publication (or a purpose of --purposes).")
    String purpose;

    @Option(names = "--recipient", paramLabel = "NAME",
            description = "Who receives it (letters, digits, . _ -; case-insensitive), e.g. dscro-north or a practice code.")
    String recipient;

    @Option(names = "--quarter", paramLabel = "YYYY-YYQn", converter = QuarterConverter.class,
            description = "The financial-year quarter, e.g. 2025-26Q4 (January-March 2026); the extract is of its last day.")
    Quarter quarter;

    @Option(names = "--level", paramLabel = "LEVEL",
            description = "PSEUDONYMISED, ANONYMISED or AGGREGATE, among those the purpose allows. Default: the purpose's default.")
    String level;

    @Option(names = "--practice", paramLabel = "CODE",
            description = "For a purpose scoped to one practice (direct-care): its ODS code. Default: the recipient, when it is a practice code.")
    String practice;

    @Option(names = "--purposes", paramLabel = "FILE",
            description = "Purposes file (JSON) replacing the built-in one (levels, legal bases, opt-outs, columns, tables).")
    Path purposesFile;

    @Option(names = "--as-of-run", paramLabel = "RUN_ID",
            description = "Make a past extract again exactly as run RUN_ID made it (its purpose, recipient, quarter and level, and every "
                    + "table at the Delta version it read), into its folder with '.run-RUN_ID' added. Give --purposes if that run used one.")
    String asOfRun;

    @Override
    public Integer call() {
        if (asOfRun != null) {
            return replay();
        }
        List<String> missing = new ArrayList<>();
        if (purpose == null) {
            missing.add("--purpose");
        }
        if (recipient == null) {
            missing.add("--recipient");
        }
        if (quarter == null) {
            missing.add("--quarter");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required option(s): " + String.join(", ", missing));
        }
        IdentityLevel lv = null;
        if (level != null) {
            try {
                lv = IdentityLevel.valueOf(level.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InputException("--level must be PSEUDONYMISED, ANONYMISED or AGGREGATE, not '" + level + "'");
            }
        }
        ExtractPurposes purposes = purposesFile == null ? ExtractPurposes.defaults() : ExtractPurposes.fromFile(purposesFile);
        return print(ExtractJob.run(SparkSessions.forJob(common.existingLake()), new ExtractJob.Request(common.settings(),
                lakeKey.load(spec.commandLine().getErr()), purposes, purpose, recipient, quarter, lv, practice),
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json)));
    }

    private Integer replay() {
        List<String> given = java.util.stream.Stream.of("--purpose", "--recipient", "--quarter", "--level", "--practice")
                .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
        if (!given.isEmpty()) {
            throw new InputException("--as-of-run makes the extract run " + asOfRun + " made, for its purpose, recipient, quarter and level; "
                    + "leave out " + String.join(", ", given));
        }
        ExtractPurposes purposes = purposesFile == null ? ExtractPurposes.defaults() : ExtractPurposes.fromFile(purposesFile);
        ExtractJob.Request req = ExtractJob.Request.replaying(common.settings(), lakeKey.load(spec.commandLine().getErr()), purposes,
                AuditLog.of(common.settings()).show(asOfRun));
        return print(ExtractJob.run(SparkSessions.forJob(common.existingLake()), req,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json)));
    }

    private Integer print(ExtractJob.Result s) {
        StringBuilder text = new StringBuilder(String.format("Extract %s (%s) in run %s%s%n", s.extractId(), s.level(), s.runId(),
                s.regeneratesRun() == null ? "" : ", made again as run " + s.regeneratesRun() + " made it"));
        text.append(String.format("  %,d people in scope; removed by opt-outs: %s; %,d %s%n", s.populationInScope(),
                s.optOutRemovals().isEmpty() ? "none apply" : s.optOutRemovals(), s.rows(),
                s.level() == IdentityLevel.AGGREGATE ? "table rows" : "rows released"));
        if (s.anonymisation() != null) {
            text.append(String.format("  anonymised: smallest class %d, %d suppressed, levels %s; verified independently%n",
                    s.anonymisation().kAchieved(), s.anonymisation().suppressed(), s.anonymisation().levels()));
        }
        for (String n : s.notes()) {
            text.append("  note: ").append(n).append('\n');
        }
        text.append("  written to ").append(s.dir()).append(" (manifest.json last)");
        Output.print(spec.commandLine().getOut(), common.json, s, text.toString());
        return 0;
    }

    @Command(name = "reidentify", mixinStandardHelpOptions = true,
            description = "The lake key holder maps one recipient's pseudonyms back to lake person ids and NHS-number tokens "
                    + "(which the data provider turns into NHS numbers). Recorded in the audit log.")
    static final class Reidentify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Mixin
        LakeKeyOption lakeKey;

        @Option(names = "--recipient", paramLabel = "NAME", required = true, description = "The recipient the pseudonyms were made for.")
        String recipient;

        @Option(names = "--in", paramLabel = "FILE", required = true, description = "CSV with a header and a column 'pseudonym'.")
        String in;

        @Option(names = "--lookup-out", paramLabel = "DIR", required = true,
                description = "Where to write lookup/ (pseudonym, person_id, nhs_token); keep it with the key holder, never in --out/extracts.")
        String lookupOut;

        @Option(names = "--force", description = "Replace an existing --lookup-out folder.")
        boolean force;

        @Override
        public Integer call() {
                Path lookup = Path.of(lookupOut).toAbsolutePath().normalize();
            if (lookup.startsWith(Path.of(common.out, "extracts").toAbsolutePath().normalize())) {
                throw new InputException("--lookup-out " + lookupOut + " is inside the extracts folder, where it could be sent with an "
                        + "extract; write it where only the key holder can read it");
            }
            ExtractReidentify.Result s = ExtractReidentify.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                    lakeKey.load(spec.commandLine().getErr()), recipient, in, lookupOut, force,
                    TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
            Output.print(spec.commandLine().getOut(), common.json, s, String.format(
                    "Re-identified %,d of %,d pseudonyms of %s (%,d not made for this recipient by this lake); lookup in %s/lookup (run %s)",
                    s.matched(), s.pseudonyms(), s.recipient(), s.unmatched(), s.out(), s.runId()));
            return 0;
        }
    }
}
