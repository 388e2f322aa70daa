package uk.nhs.phb.cli;

import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.replay.Replay;
import uk.nhs.phb.models.pseudonym.SecretKey;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Run a past run of ingest, link, features, train, score or budget again, as it ran: its recorded settings, on "
                + "its input tables at the versions it read, in a scratch lake beside this one; then check that every table it wrote "
                + "(and a training run's model) is made again equal. The lake is only read. Exit 0 when all is equal, 4 when "
                + "anything differs. (A report or extract is made again with its command's --as-of-run.)")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to make again ('phb audit' lists the runs).")
    String runId;

    @Option(names = "--keep", description = "Keep the scratch lake (<lake>/_replay/RUN_ID) to look at; it is removed by default.")
    boolean keep;

    @Override
    public Integer call() {
        SecretKey key = Files.exists(lakeKey.file) ? lakeKey.load(spec.commandLine().getErr()) : null;
        Replay.Result r = Replay.run(SparkSessions.forJob(common.existingLake()), common.settings(), key,
                new Replay.Request(runId, keep), TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder text = new StringBuilder(String.format("Run %s (%s) made again as run %s in %.1f s (replay %s)%n", r.replayedRunId(),
                r.command(), r.rerunId(), r.seconds(), r.runId()));
        for (Replay.TableCheck t : r.tables()) {
            text.append(String.format("  %-6s %-34s %s%n", t.equal() ? "equal" : "DIFF", t.table(), t.rowsRecorded() < 0 ? t.note()
                    : String.format("%,d rows recorded (version %d), %,d made again%s", t.rowsRecorded(), t.recordedVersion(), t.rowsReplayed(),
                    t.note().isEmpty() ? "" : "; " + t.note())));
        }
        Replay.Differences d = r.differences();
        text.append(d.parameters().isEmpty() ? "  parameters: as recorded\n" : "  parameters that differ: " + d.parameters() + "\n");
        if (!d.inputFiles().isEmpty()) {
            text.append("  landing files changed since the run: ").append(d.inputFiles()).append('\n');
        }
        if (!d.counts().isEmpty()) {
            text.append("  counts that differ: ").append(d.counts()).append('\n');
        }
        if (r.scratchLake() != null) {
            text.append("  scratch lake kept at ").append(r.scratchLake()).append('\n');
        }
        text.append(r.equal() ? "Everything the run made was made again equal." : "The run's outputs were NOT all made again equal.");
        Output.print(spec.commandLine().getOut(), common.json, r, text.toString());
        return r.equal() ? 0 : LakeDiffCommand.EXIT_DIFFERENT;
    }
}
