package uk.nhs.phb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.jobs.batch.BatchRun;
import uk.nhs.phb.jobs.batch.QuarterBatch;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.synth.SynthJob;
import uk.nhs.phb.models.anonymise.LossMeasure;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.schemas.Quarter;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make a synthetic population and run the whole pipeline on it (synth, ingest, link, features, "
                + "anonymised extract) in its own folder.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--people", defaultValue = "20000", description = "Synthetic population size. Default: ${DEFAULT-VALUE}")
    long people;

    @Option(names = "--seed", defaultValue = "2017", description = "Random seed (same seed, same population). Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo",
            description = "Folder for the demo's landing/, lake/, out/ and keys/; replaced on each run. Default: ${DEFAULT-VALUE}")
    Path dir;

    @Mixin
    EngineOptions engine;

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
        SparkSession spark = SparkSessions.forJob(settings);
        Progress progress = TerminalProgress.forConsole(err, engine.json);
        Map<String, Object> all = new LinkedHashMap<>();

        say("1/3 synth: " + String.format("%,d", people) + " people, seed " + seed);
        SynthJob.Result synth = SynthJob.run(settings, SynthSettings.of(people, seed), providerKey, SynthJob.FORMAT_CSV, true, progress);
        Map<String, Object> synthSummary = new LinkedHashMap<>();
        synthSummary.put("run_id", synth.runId());
        synthSummary.put("people", people);
        synthSummary.put("seed", seed);
        synthSummary.put("landing", synth.landing());
        synthSummary.put("rows", synth.rows());
        synthSummary.put("faults", synth.faults());
        synthSummary.put("seconds", synth.seconds());
        all.put("synth", synthSummary);
        long rows = synth.rows().entrySet().stream().filter(e -> !e.getKey().startsWith("_")).mapToLong(Map.Entry::getValue).sum();
        long feeds = synth.rows().keySet().stream().filter(k -> !k.startsWith("_")).count();
        say(String.format("   %,d rows in %d feeds written to %s (ground truth beside them in _truth/)", rows, feeds, settings.landing()));

        LocalDate asOf = synth.settings().end();
        Quarter quarter = Quarter.containing(asOf);
        say("2/3 batch for " + quarter + " (phb run --quarter " + quarter + " --evaluate)");
        BatchRun.Result batch = QuarterBatch.of(settings, lakeKey, quarter, new QuarterBatch.Options(LocalDate.now(), true))
                .force(true).progress(progress).listener(engine.json ? BatchRun.Listener.NONE : RunCommand.lines(spec.commandLine().getOut()))
                .execute();
        all.put("batch", batch.toMap());
        Map<String, Object> ingest = batch.steps().get(0).summary();
        say(String.format("   ingest: %,d rows in: %,d valid to bronze, %,d quarantined with reasons", (long) ingest.get("rows_in"),
                (long) ingest.get("rows_valid"), (long) ingest.get("rows_quarantined")));
        Map<String, Object> link = batch.steps().get(1).summary();
        say(String.format("   link: %,d persons; against the generator's truth: precision %.4f, recall %.4f, F1 %.4f",
                (long) link.get("persons"), (double) link.get("precision"), (double) link.get("recall"), (double) link.get("f1")));
        Map<String, Object> features = batch.steps().get(2).summary();
        say(String.format("   features: %,d persons at %s in %s", (long) features.get("persons"), asOf, features.get("table")));

        say("3/3 anonymised extract of the features (5-anonymous over age, sex, IMD decile, ethnicity, practice)");
        Map<String, String> qis = new LinkedHashMap<>();
        qis.put("age", "builtin:age");
        qis.put("sex", "builtin:sex");
        qis.put("imd_decile", "builtin:imd");
        qis.put("ethnicity", "builtin:ethnicity");
        qis.put("practice_code", "builtin:practice");
        String featuresTable = settings.lakeLayout().gold(FeaturesJob.TABLE);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> extract = spark.read().format("delta").load(featuresTable)
                .filter(org.apache.spark.sql.functions.col("reference_date").equalTo(asOf.toString()))
                .select("age", "sex", "imd_decile", "ethnicity", "practice_code", "efi_category", "emergency_admissions_365d", "spend_total");
        AnonymiseJob.Result anon = AnonymiseJob.run(spark, extract, new AnonymiseJob.Request(featuresTable + " at " + asOf, "delta", ",",
                qis, List.of("efi_category"),
                new AnonymiseJob.Models(5, null, false, null, false), 0.02, LossMeasure.NON_UNIFORM_ENTROPY,
                dir.resolve("out/anonymised_features").toString(), true, settings.lake()), progress);
        all.put("anonymise", anon.summary());
        say(String.format("   %,d records, %,d suppressed, smallest class %d, prosecutor risk max %.3f; verified; in %s",
                (long) anon.summary().get("records"), (long) anon.summary().get("suppressed"), (long) anon.summary().get("k_achieved"),
                (double) anon.summary().get("prosecutor_risk_max"), anon.summary().get("out")));

        all.put("dir", dir.toString());
        all.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        Output.print(spec.commandLine().getOut(), engine.json, all, String.format("Demo done in %.0f s. Look at %s/out (reports, data quality, "
                + "linkage quality, anonymised extract) and 'phb audit --lake %s/lake'.", (double) all.get("seconds"), dir, dir));
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
