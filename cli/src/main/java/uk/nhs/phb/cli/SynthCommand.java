package uk.nhs.phb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.synth.SynthJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.FaultRates;
import uk.nhs.phb.pipelines.synth.SynthLayout;
import uk.nhs.phb.schemas.profiles.Profiles;
import uk.nhs.phb.pipelines.synth.SynthSettings;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate a synthetic ICB population: every landing feed, pseudonymised with a provider key, "
                + "plus the hidden truth (landing/_truth) later stages are measured against.")
final class SynthCommand implements Callable<Integer> {
    static final Path DEFAULT_KEY = Path.of("keys", "provider.key");

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--people", paramLabel = "N", required = true, description = "People who live in the area at some time in the window (at least 100).")
    long people;

    @Option(names = "--seed", paramLabel = "S", required = true, description = "Random seed: the same seed gives the same rows.")
    long seed;

    @Option(names = "--start", paramLabel = "DATE", defaultValue = "2022-04-01", description = "First day of the window (first of a month). Default: ${DEFAULT-VALUE}")
    LocalDate start;

    @Option(names = "--end", paramLabel = "DATE", defaultValue = "2026-03-31", description = "Last day of the window. Default: ${DEFAULT-VALUE}")
    LocalDate end;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (header in every file) or parquet. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "national",
            description = "national: health data as the national extracts an ICB receives (SUS+, ECDS, GP events, NHSBSA, CSDS, "
                    + "MHSDS, CHC PLDS), adult social care as ASC-CLD, the school census, SEN2 and the CIN census as XML returns, national data "
                    + "opt-outs as the DSCRO's list (docs/SYNTH.md); the other feeds in phb's layout; phb: every feed in phb's "
                    + "layout (docs/FEEDS.md). "
                    + "Both give the same lake. Default: ${DEFAULT-VALUE}")
    String layout;

    @Option(names = "--key-file", paramLabel = "FILE", description = "Provider pseudonymisation key; default keys/provider.key, created if missing.")
    Path keyFile;

    @Option(names = "--force", description = "Replace the contents of a non-empty landing folder.")
    boolean force;

    @Option(names = "--fault-rate", paramLabel = "KIND=RATE", description = "Set one fault rate, e.g. duplicate_record=0.01 (kinds: ${COMPLETION-CANDIDATES}).",
            completionCandidates = Kinds.class)
    Map<String, Double> faultRates = new LinkedHashMap<>();

    @Option(names = "--no-faults", description = "Inject no data-quality faults.")
    boolean noFaults;

    @Option(names = "--missing-nhs-token-share", paramLabel = "SHARE", defaultValue = "0.08",
            description = "Share of adult social care people whose records carry no NHS number token (children's social care returns never carry one). Default: ${DEFAULT-VALUE}")
    double missingShare;

    static final class Kinds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return FaultRates.KINDS.iterator();
        }
    }

    /** What {@code --json} prints: the run, the population, where it went, rows by table and faults by kind. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Written(String runId, long people, long seed, java.time.LocalDate start, java.time.LocalDate end, String format, String layout,
                   String landing, Map<String, Long> rows, Map<String, Long> faults, double seconds, String profileOverrides) {
    }

    @Override
    public Integer call() throws Exception {
        if (!format.equals(SynthJob.FORMAT_CSV) && !format.equals(SynthJob.FORMAT_PARQUET)) {
            throw new ParameterException(spec.commandLine(), "--format must be csv or parquet, got '" + format + "'");
        }
        SynthSettings settings;
        SynthLayout fileLayout;
        try {
            fileLayout = SynthLayout.parse(layout);
            FaultRates rates = noFaults ? FaultRates.none() : FaultRates.defaults();
            for (Map.Entry<String, Double> e : faultRates.entrySet()) {
                rates = rates.with(e.getKey(), e.getValue());
            }
            settings = new SynthSettings(people, seed, start, end, missingShare, rates);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        SecretKey key = key();
        boolean json = common.json;
        Progress progress = TerminalProgress.forConsole(spec.commandLine().getErr(), json);
        SynthJob.Result r = SynthJob.run(common.settings(), settings, key, format, fileLayout, force, progress);

        long feedRows = r.rows().entrySet().stream().filter(e -> !e.getKey().startsWith("_truth")).mapToLong(Map.Entry::getValue).sum();
        long faultCount = r.faults().values().stream().mapToLong(Long::longValue).sum();
        String overrides = r.layout() == SynthLayout.NATIONAL ? " Its councils' DfE numbers and schools are in " + r.landing() + "/"
                + Profiles.LANDING_OVERRIDES + ", which ingest reads when no --profile-overrides is given." : "";
        Written summary = new Written(r.runId(), settings.people(), settings.seed(), settings.start(), settings.end(), r.format(),
                r.layout().label(), r.landing(), r.rows(), r.faults(), Math.round(r.seconds() * 10) / 10.0,
                overrides.isEmpty() ? null : r.landing() + "/" + Profiles.LANDING_OVERRIDES);
        Output.print(spec.commandLine().getOut(), json, summary, String.format(
                "Wrote %,d people (seed %d) to %s: %,d feed rows in %d feeds, truth in %s/_truth, %,d faults injected, %.1f s (run %s).%s",
                settings.people(), settings.seed(), r.landing(), feedRows,
                r.rows().keySet().stream().filter(k -> !k.startsWith("_truth")).count(), r.landing(), faultCount, r.seconds(), r.runId(),
                overrides));
        return 0;
    }

    private SecretKey key() throws IOException {
        Path file = keyFile == null ? DEFAULT_KEY : keyFile;
        if (!Files.exists(file)) {
            if (keyFile != null) {
                throw new InputException("key file " + file + " does not exist; make one with: phb keygen --out " + file
                        + " (or leave out --key-file to use " + DEFAULT_KEY + ")");
            }
            SecretKey created = SecretKey.generate();
            created.writeTo(file);
            spec.commandLine().getErr().println("phb synth: created a new provider key in " + file
                    + " (fingerprint " + created.fingerprint() + "); keep it to pseudonymise matching data later");
            return created;
        }
        return SecretKey.fromFile(file);
    }
}
