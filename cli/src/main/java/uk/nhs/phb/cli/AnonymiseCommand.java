package uk.nhs.phb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.models.anonymise.LossMeasure;
import uk.nhs.phb.models.anonymise.VerifyAnonymity;

@Command(name = "anonymise", mixinStandardHelpOptions = true,
        description = "Anonymise any table (k-anonymity, l-diversity, t-closeness by optimal full-domain generalisation) "
                + "with a re-identification risk report; or --verify a file's claims.")
final class AnonymiseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", paramLabel = "FILE_OR_TABLE",
            description = "Input: CSV (header), Parquet, a Delta table folder, or a lake table by name (gold/person_features, with --lake).")
    String in;

    @Option(names = "--verify", paramLabel = "FILE", description = "Re-check this file's k/l/t without trusting any metadata; exit 3 if it fails.")
    String verify;

    @Option(names = "--qi", paramLabel = "COLUMN=HIERARCHY", required = true,
            description = "A quasi-identifier and its hierarchy: a CSV (value;level1;...;*) or builtin:age|age_band|sex|date|imd|ethnicity|practice. "
                    + "With --verify only the column name is needed. Repeat for each.")
    List<String> qi;

    @Option(names = "--sensitive", paramLabel = "COLUMN", description = "A sensitive column for l-diversity / t-closeness. Repeatable.")
    List<String> sensitive = List.of();

    @Option(names = "--k", required = true, description = "Every released record shares its quasi-identifiers with at least k-1 others.")
    int k;

    @Option(names = "--l", description = "l-diversity of each sensitive column (distinct by default).")
    Double l;

    @Option(names = "--entropy-l", description = "Use entropy l-diversity instead of distinct.")
    boolean entropyL;

    @Option(names = "--t", description = "t-closeness of each sensitive column (equal distance by default).")
    Double t;

    @Option(names = "--ordered-t", description = "Use ordered distance (earth mover's over the sorted values) for t-closeness.")
    boolean orderedT;

    @Option(names = "--max-suppression", defaultValue = "0.02", description = "Share of records that may be suppressed. Default: ${DEFAULT-VALUE}")
    double maxSuppression;

    @Option(names = "--loss", defaultValue = "entropy",
            description = "Information loss to minimise: precision, entropy (non-uniform entropy), discernibility or iyengar (generalised loss, ARX's default). Default: ${DEFAULT-VALUE}")
    String loss;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: data/, anonymisation.json, anonymisation.txt (written atomically).")
    String out;

    @Mixin
    FileOptions files;

    @Option(names = "--lake", paramLabel = "DIR", defaultValue = "lake", description = "Lake for builtin:practice (bronze/ref_practices) and tables named by --in. Default: ${DEFAULT-VALUE}")
    String lake;

    @Mixin
    EngineOptions engine;

    /** What {@code --verify --json} prints: the verifier's report and the file it read. */
    record Verified(@com.fasterxml.jackson.annotation.JsonUnwrapped VerifyAnonymity.Report report, String file) {
    }

    @Override
    public Integer call() {
        if ((in == null) == (verify == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --in (anonymise) or --verify (check a file)");
        }
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "--k must be at least 1, not " + k);
        }
        AnonymiseJob.Models models = new AnonymiseJob.Models(k, l, entropyL, t, orderedT);
        files.validated();
        boolean json = engine.json;
        if (verify != null) {
            List<String> cols = qi.stream().map(q -> q.contains("=") ? q.substring(0, q.indexOf('=')) : q).toList();
            var spark = AnonymiseJob.verifyNeedsSpark(verify, files.format) ? SparkSessions.forJob(engine.settings(lake)) : null;
            VerifyAnonymity.Report r = AnonymiseJob.verify(spark, verify, files.format, files.delimiter, cols, sensitive, models);
            Verified summary = new Verified(r, verify);
            StringBuilder text = new StringBuilder(String.format("%s: %,d records in %,d classes%n", verify, r.records(), r.classes()));
            for (VerifyAnonymity.Check c : r.checks()) {
                text.append(String.format("  %-40s %s (%,d violating classes, %,d records)%n", c.model(), c.passed() ? "passes" : "FAILS",
                        c.violatingClasses(), c.violatingRecords()));
            }
            Output.print(spec.commandLine().getOut(), json, summary, text.toString());
            if (!r.passed()) {
                spec.commandLine().getErr().println("phb anonymise: " + verify + " fails "
                        + r.checks().stream().filter(c -> !c.passed()).map(VerifyAnonymity.Check::model).toList());
                return Main.EXIT_INPUT;
            }
            return 0;
        }
        if (out == null) {
            throw new ParameterException(spec.commandLine(), "--in needs --out DIR");
        }
        Map<String, String> qis = new LinkedHashMap<>();
        for (String q : qi) {
            int eq = q.indexOf('=');
            if (eq <= 0 || eq == q.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--qi '" + q + "' must be COLUMN=HIERARCHY (a CSV path or builtin:NAME)");
            }
            qis.put(q.substring(0, eq), q.substring(eq + 1));
        }
        LossMeasure measure = switch (loss.toLowerCase(Locale.ROOT)) {
            case "precision" -> LossMeasure.PRECISION;
            case "entropy" -> LossMeasure.NON_UNIFORM_ENTROPY;
            case "discernibility" -> LossMeasure.DISCERNIBILITY;
            case "iyengar" -> LossMeasure.IYENGAR;
            default -> throw new InputException("--loss must be precision, entropy, discernibility or iyengar, not '" + loss + "'");
        };
        AnonymiseJob.Request req = new AnonymiseJob.Request(in, files.format, files.delimiter, qis, sensitive, models, maxSuppression, measure,
                out, files.force, lake);
        // a local CSV file is anonymised in plain Java: no Spark session is started for it
        var spark = AnonymiseJob.needsSpark(req) ? SparkSessions.forJob(engine.settings(lake)) : null;
        AnonymiseJob.Result r = AnonymiseJob.run(spark, req, TerminalProgress.forConsole(spec.commandLine().getErr(), json));
        Output.print(spec.commandLine().getOut(), json, r.summary(), r.text() + "\nverified independently; written to " + out);
        return 0;
    }
}
