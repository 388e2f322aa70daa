package uk.nhs.phb.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.batch.BatchRun;
import uk.nhs.phb.jobs.batch.QuarterBatch;
import uk.nhs.phb.schemas.Quarter;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the quarter's batch: ingest, link, features, train (when needed), score, budget, report and extracts as one "
                + "run with one run id. "
                + "Steps whose inputs have not changed since they last succeeded are skipped; a failed step stops the batch "
                + "and re-running resumes there.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--quarter", paramLabel = "YYYY-YYQn", required = true, converter = QuarterConverter.class,
            description = "Financial-year quarter, e.g. 2025-26Q4; its last day is the reference date of every step.")
    Quarter quarter;

    @Option(names = "--extract-date", paramLabel = "DATE", converter = IsoDate.class,
            description = "Day the landing extract was taken (yyyy-MM-dd); later dates are quarantined as future_date. Default: today")
    LocalDate extractDate;

    @Option(names = "--force", description = "Run every step, even those whose inputs have not changed since they last succeeded.")
    boolean force;

    @Option(names = "--evaluate", description = "Measure linkage and budgets against the generator's truth (landing/_truth).")
    boolean evaluate;

    @Option(names = "--retrain", description = "Train a new risk model in this batch (a lake without a model always trains one).")
    boolean retrain;

    @Option(names = "--extract", paramLabel = "PURPOSE:RECIPIENT",
            description = "An extract to make (repeatable). Default: publication:nhs-england, commissioning:dscro, planning:icb-analytics")
    List<String> extracts;

    @Override
    public Integer call() {
        LocalDate extract = extractDate == null ? LocalDate.now() : extractDate;
        PrintWriter out = spec.commandLine().getOut();
        BatchRun.Result r = QuarterBatch.of(common.settings(), lakeKey.load(spec.commandLine().getErr()), quarter,
                        new QuarterBatch.Options(extract, evaluate, retrain, extracts == null ? QuarterBatch.DEFAULT_EXTRACTS
                                : extracts.stream().map(QuarterBatch.Extract::parse).toList(), profileOptions.load()))
                .force(force)
                .progress(TerminalProgress.forConsole(spec.commandLine().getErr(), common.json))
                .listener(common.json ? BatchRun.Listener.NONE : lines(out))
                .execute();
        Output.print(out, common.json, r, String.format("Batch %s done in %.0f s (run %s): %d step(s) ran, %d skipped as up to date.",
                r.label(), r.seconds(), r.runId(), r.steps().stream().filter(s -> s.status().equals("ran")).count(),
                r.steps().stream().filter(s -> s.status().equals("skipped")).count()));
        return 0;
    }

    static BatchRun.Listener lines(PrintWriter out) {
        return new BatchRun.Listener() {
            @Override
            public void starting(int index, int total, BatchRun.Step step) {
                out.printf("%d/%d %s%n", index, total, step.name());
                out.flush();
            }

            @Override
            public void ended(int index, int total, BatchRun.StepOutcome o) {
                out.printf("   %s in %.1f s (run %s)%n", o.status().equals("skipped") ? "skipped: up to date, done by" : "done",
                        o.seconds(), o.runId());
                out.flush();
            }
        };
    }
}
