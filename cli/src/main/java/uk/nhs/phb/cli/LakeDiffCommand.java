package uk.nhs.phb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.audit.LakeDiff;

@Command(name = "lake-diff", mixinStandardHelpOptions = true,
        description = "Compare every table of two lakes by content (row order and run-id columns ignored), e.g. a cluster run "
                + "against an embedded one, or a re-run after a crash. Exit 0 when all tables are equal, 4 when any differs.")
final class LakeDiffCommand implements Callable<Integer> {
    static final int EXIT_DIFFERENT = 4;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LAKE_A", description = "First lake root (folder or Hadoop URI).")
    String lakeA;

    @Parameters(index = "1", paramLabel = "LAKE_B", description = "Second lake root.")
    String lakeB;

    @Option(names = "--ignore", paramLabel = "COLUMN", split = ",",
            description = "Also ignore these columns (any column ending in run_id is always ignored).")
    List<String> ignore = List.of();

    @Mixin
    EngineOptions engine;

    /** What {@code --json} prints: whether the lakes are equal, how many tables and how many differ, and each table. */
    record Summary(boolean equal, int tables, long differing, Map<String, TableSummary> byTable) {
    }

    record TableSummary(boolean equal, long rowsA, long rowsB, String note) {
    }

    @Override
    public Integer call() {
        Predicate<String> ignored = LakeDiff.defaultIgnored().or(ignore::contains);
        LakeDiff.Result r = LakeDiff.compare(SparkSessions.forJob(new JobSettings(lakeA, "landing", "out", engine.master, engine.verbose)),
                lakeA, lakeB, ignored);
        Map<String, TableSummary> tables = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (LakeDiff.TableDiff t : r.tables()) {
            tables.put(t.table(), new TableSummary(t.equal(), t.rowsA(), t.rowsB(), t.note()));
            text.append(String.format("%-6s %-40s %,12d %,12d %s%n", t.equal() ? "equal" : "DIFF", t.table(), t.rowsA(), t.rowsB(), t.note()));
        }
        text.append(r.equal() ? "All " + r.tables().size() + " tables are equal."
                : r.differing() + " of " + r.tables().size() + " tables differ.");
        Output.print(spec.commandLine().getOut(), engine.json, new Summary(r.equal(), r.tables().size(), r.differing(), tables),
                text.toString());
        return r.equal() ? 0 : EXIT_DIFFERENT;
    }
}
