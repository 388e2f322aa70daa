package uk.nhs.phb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.pseudonymise.PseudonymiseJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping;

@Command(name = "pseudonymise", mixinStandardHelpOptions = true,
        description = "Data provider's tool: replace the identifiers of a CSV/Parquet file with keyed tokens and "
                + "Bloom encodings; optionally write the re-identification lookup to a separate place.")
final class PseudonymiseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", paramLabel = "FILE", required = true, description = "Identifiable input file (CSV with header, or Parquet).")
    String in;

    @Option(names = "--map", paramLabel = "MAPPING", required = true,
            description = "Mapping file: lines role=column, roles nhs_number, given_name, family_name, date_of_birth, sex, postcode, local_id (+ local_id_domain).")
    Path map;

    @Option(names = "--key-file", paramLabel = "KEY", description = "Key file (base64, chmod 600); see 'phb keygen'.")
    Path keyFile;

    @Option(names = "--key-env", paramLabel = "VAR", description = "Read the key from this environment variable instead of a file.")
    String keyEnv;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the pseudonymised file (written atomically).")
    String out;

    @Option(names = "--lookup-out", paramLabel = "DIR",
            description = "Also write the token -> NHS number lookup here (identifiable: keep it where only the provider can read it).")
    String lookupOut;

    @Option(names = "--rejects", paramLabel = "DIR",
            description = "Set unparseable rows aside here (identifiable) instead of stopping.")
    String rejects;

    @Mixin
    FileOptions files;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        files.validated();
        SecretKey key = loadKey(keyFile, keyEnv);
        ColumnMapping mapping;
        try {
            mapping = ColumnMapping.parse(Files.readString(map));
        } catch (IOException e) {
            throw new InputException("cannot read mapping file " + map + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InputException("mapping file " + map + ": " + e.getMessage());
        }
        SparkSession spark = SparkSessions.forJob(engine.settings("lake"));
        long t0 = System.nanoTime();
        PseudonymiseJob.Result r = PseudonymiseJob.run(spark,
                new PseudonymiseJob.Request(in, files.format, files.delimiter, mapping, key, out, lookupOut, rejects, files.force),
                TerminalProgress.forConsole(spec.commandLine().getErr(), engine.json));
        Map<String, Object> summary = new LinkedHashMap<>(r.summary());
        summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        String text = String.format("Pseudonymised %,d rows of %s -> %s%n  NHS numbers: %,d valid, %,d failed the check digit (token left blank), %,d missing%n"
                        + "  identifier columns removed: %s%n  key fingerprint %s%s%s",
                r.rows(), in, out, r.nhsValid(), r.nhsInvalid(), r.nhsMissing(), r.removedColumns(), r.keyFingerprint(),
                r.rejected() > 0 ? String.format("%n  %,d unparseable rows set aside in %s", r.rejected(), rejects) : "",
                lookupOut != null ? "\n  re-identification lookup written to " + lookupOut + " (keep it with the key holder)" : "");
        Output.print(spec.commandLine().getOut(), engine.json, summary, text);
        return 0;
    }

    static SecretKey loadKey(Path keyFile, String keyEnv) {
        if (keyFile != null && keyEnv != null) {
            throw new InputException("give either --key-file or --key-env, not both");
        }
        if (keyEnv != null) {
            return SecretKey.fromEnvironment(keyEnv);
        }
        if (keyFile == null) {
            throw new InputException("no key: pass --key-file FILE (make one with 'phb keygen --out FILE') or --key-env VAR");
        }
        return SecretKey.fromFile(keyFile);
    }
}
