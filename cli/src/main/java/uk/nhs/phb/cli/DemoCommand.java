package uk.nhs.phb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.batch.BatchRun;
import uk.nhs.phb.jobs.batch.QuarterBatch;
import uk.nhs.phb.jobs.budget.BudgetJob;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.jobs.link.LinkJob;
import uk.nhs.phb.jobs.report.ReportJob;
import uk.nhs.phb.jobs.score.ScoreJob;
import uk.nhs.phb.jobs.synth.SynthJob;
import uk.nhs.phb.jobs.train.TrainJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.report.BeforeAfterPublication;
import uk.nhs.phb.pipelines.synth.SynthLayout;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.schemas.Quarter;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make a synthetic population and run the quarter's batch on it in its own folder: ingest, linkage, "
                + "features, the risk model, scores and the priority list, indicative budgets, the quarterly report and three "
                + "extracts (the national publication, a DSCRO's pseudonymised extract, an anonymised planning extract).")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--people", paramLabel = "N", defaultValue = "20000", description = "Synthetic population size. Default: ${DEFAULT-VALUE}")
    long people;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "2017", description = "Random seed (same seed, same population). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo",
            description = "Folder for the demo's landing/, lake/, out/ and keys/; replaced on each run. Default: ${DEFAULT-VALUE}")
    Path dir;

    @Mixin
    EngineOptions engine;

    /** What {@code --json} prints: the synthetic population, the quarter and extract date, the batch, the folder and the time. */
    record Done(Synth synth, Quarter quarter, LocalDate extractDate, BatchRun.Result batch, String dir, double seconds) {
    }

    /** The synthetic population the demo wrote. */
    record Synth(String runId, long people, long seed, String landing, String layout, Map<String, Long> rows, Map<String, Long> faults,
                 double seconds) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        Path marker = dir.resolve(".phb-demo");
        if (Files.exists(dir) && !Files.exists(marker) && Files.list(dir).findAny().isPresent()) {
            throw new InputException(dir + " exists and was not made by 'phb demo'; choose another --dir");
        }
        Files.createDirectories(dir);
        Files.writeString(marker, "made by phb demo; replaced on each run\n");
        for (String sub : List.of("landing", "lake", "out")) {
            deleteTree(dir.resolve(sub));
        }
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(),
                dir.resolve("out").toString(), engine.master, engine.verbose);
        SecretKey providerKey = key(dir.resolve("keys/provider.key"));
        SecretKey lakeKey = key(dir.resolve("keys/lake.key"));
        Progress progress = TerminalProgress.forConsole(err, engine.json);

        say("1/2 synth: " + String.format("%,d", people) + " people, seed " + seed);
        SynthJob.Result synth = SynthJob.run(settings, SynthSettings.of(people, seed), providerKey, SynthJob.FORMAT_CSV,
                SynthLayout.NATIONAL, true, progress);
        Synth synthSummary = new Synth(synth.runId(), people, seed, synth.landing(), synth.layout().label(), synth.rows(), synth.faults(),
                synth.seconds());
        long rows = synth.rows().entrySet().stream().filter(e -> !e.getKey().startsWith("_")).mapToLong(Map.Entry::getValue).sum();
        long feeds = synth.rows().keySet().stream().filter(k -> !k.startsWith("_")).count();
        say(String.format("   %,d rows in %d feeds written to %s (ground truth beside them in _truth/)", rows, feeds, settings.landing()));

        LocalDate asOf = synth.settings().end();
        Quarter quarter = Quarter.containing(asOf);
        LocalDate extractDate = LocalDate.now();
        say("2/2 batch for " + quarter + " (phb run --quarter " + quarter + " --extract-date " + extractDate + " --evaluate)");
        BatchRun.Result batch = QuarterBatch.of(settings, lakeKey, quarter, QuarterBatch.Options.of(extractDate, true))
                .force(true).progress(progress).listener(engine.json ? BatchRun.Listener.NONE : RunCommand.lines(spec.commandLine().getOut()))
                .execute();
        batch.result("ingest", IngestJob.Result.class).ifPresent(r -> say(String.format(
                "   ingest: %,d rows in: %,d valid to bronze, %,d quarantined with reasons", r.rowsIn(), r.rowsValid(), r.rowsQuarantined())));
        batch.result("link", LinkJob.Result.class).filter(r -> r.linkage().evaluation() != null).ifPresent(r -> say(String.format(
                "   link: %,d persons; against the generator's truth: precision %.4f, recall %.4f, F1 %.4f", r.linkage().persons(),
                r.linkage().evaluation().precision(), r.linkage().evaluation().recall(), r.linkage().evaluation().f1())));
        batch.result("features", FeaturesJob.Result.class).ifPresent(r -> say(String.format("   features: %,d persons with features at %s",
                r.persons(), asOf)));
        batch.result("train", TrainJob.Result.class).filter(r -> r.headline().oracleAuroc() != null).ifPresent(r -> say(String.format(
                "   train: risk model AUROC %.3f (the generator's own probabilities: %.3f), calibration slope %.2f", r.headline().auroc(),
                r.headline().oracleAuroc(), r.headline().calibrationSlope())));
        batch.result("score", ScoreJob.Result.class).ifPresent(r -> say(String.format("   score: %,d persons scored, %,d eligible for a PHB",
                r.persons(), r.eligiblePersons())));
        batch.result("budget", BudgetJob.Result.class).filter(r -> r.evaluation() != null && r.evaluation().overall().mdape() != null)
                .ifPresent(r -> say(String.format("   budget: %,d indicative budgets; needs-based estimate MdAPE %.3f, range coverage %.3f",
                        r.people(), r.evaluation().overall().mdape(), r.evaluation().overall().rangeCoverage())));
        batch.result("report", ReportJob.Result.class).filter(r -> r.headline().get("did_estimate") instanceof Number
                && r.headline().get("true_effect") instanceof Number).ifPresent(r -> say(String.format(
                "   report: PHB before/after: difference-in-differences %.0f (95%% CI %.0f to %.0f), true effect %.0f%s",
                r.headline().get("did_estimate"), r.headline().get("did_ci_low"), r.headline().get("did_ci_high"), r.headline().get("true_effect"),
                r.headline().get("max_abs_smd_after") instanceof Number smd && smd.doubleValue() > BeforeAfterPublication.BALANCED_SMD
                        ? String.format("; matching did not balance the groups (largest standardised difference %.2f), so the report "
                                + "says not to use it", smd.doubleValue()) : "")));

        Done done = new Done(synthSummary, quarter, extractDate, batch, dir.toString(), Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        Output.print(spec.commandLine().getOut(), engine.json, done, String.format("Demo done in %.0f s. Look at %s/out (reports, data quality, "
                + "linkage quality, anonymised extract) and 'phb audit --lake %s/lake'.", done.seconds(), dir, dir));
        return 0;
    }

    private void say(String line) {
        if (!engine.json) {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }
    }

    private static SecretKey key(Path file) throws IOException {
        if (Files.exists(file)) {
            return SecretKey.fromFile(file);
        }
        SecretKey k = SecretKey.generate();
        k.writeTo(file);
        return k;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
