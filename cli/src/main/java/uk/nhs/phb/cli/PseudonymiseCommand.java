package uk.nhs.phb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import uk.nhs.phb.jobs.pseudonymise.ReturnPseudonymiseJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.ProfileException;
import uk.nhs.phb.schemas.profiles.Profiles;

@Command(name = "pseudonymise", mixinStandardHelpOptions = true,
        description = "Data provider's tool: replace the identifiers of a CSV/Parquet file (--map), or of a council's return "
                + "(--profile: the XML of sen2, cin_census or school_census_pupils, or the CSV tables of ssda903), with keyed tokens "
                + "and Bloom encodings; optionally write the re-identification lookup to a separate place.")
final class PseudonymiseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", paramLabel = "FILE", required = true,
            description = "Identifiable input file (CSV with header, or Parquet; with --profile an XML return, .xml or .xml.gz, or a "
                    + "folder of them; for ssda903 the folder of the return's CSV tables).")
    String in;

    @Option(names = "--map", paramLabel = "MAPPING",
            description = "Mapping file: lines role=column, roles nhs_number, given_name, family_name, date_of_birth, sex, postcode, local_id (+ local_id_domain).")
    Path map;

    @Option(names = "--profile", paramLabel = "ID",
            description = "Instead of --map: the return's dataset profile (sen2, cin_census, school_census_pupils, ssda903), whose "
                    + "identity section says which elements or columns are identifiers.")
    String profile;

    @Option(names = "--local-id-domain", paramLabel = "DOMAIN",
            description = "With --profile: the local id's token domain instead of the profile's (a council's own ids: one naming the council, csc:E08000025).")
    String localIdDomain;

    @Option(names = "--profile-overrides", paramLabel = "FILE", description = "With --profile: the override file ingest will use (docs/PROFILES.md).")
    Path profileOverrides;

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
        if ((map == null) == (profile == null)) {
            throw new InputException("give --map MAPPING (a CSV or Parquet file) or --profile ID (a council's return: "
                    + returnProfiles() + "), one of them");
        }
        if (profile != null) {
            return fromProfile();
        }
        if (localIdDomain != null || profileOverrides != null) {
            throw new InputException("--local-id-domain and --profile-overrides go with --profile; a mapping file names its local_id_domain");
        }
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
        Timed<PseudonymiseJob.Result> summary = new Timed<>(r, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        String text = String.format("Pseudonymised %,d rows of %s -> %s%n  NHS numbers: %,d valid, %,d failed the check digit (token left blank), %,d missing%n"
                        + "  identifier columns removed: %s%n  key fingerprint %s%s%s",
                r.rows(), in, out, r.nhsValid(), r.nhsInvalid(), r.nhsMissing(), r.removedColumns(), r.keyFingerprint(),
                r.rejected() > 0 ? String.format("%n  %,d unparseable rows set aside in %s", r.rejected(), rejects) : "",
                lookupOut != null ? "\n  re-identification lookup written to " + lookupOut + " (keep it with the key holder)" : "");
        Output.print(spec.commandLine().getOut(), engine.json, summary, text);
        return 0;
    }

    /** What {@code --json} prints: the job's counts and the seconds the command took. */
    record Timed<R>(@com.fasterxml.jackson.annotation.JsonUnwrapped R result, double seconds) {
    }

    private Integer fromProfile() {
        if (lookupOut != null || rejects != null) {
            throw new InputException("--lookup-out and --rejects are for a CSV or Parquet file pseudonymised with --map: a return has "
                    + "no NHS number to look up, and a file that cannot be read is refused whole, naming its line");
        }
        Profiles all = profileOverrides == null ? Profiles.builtIn() : Profiles.withOverrides(profileOverrides);
        DatasetProfile p;
        try {
            p = all.byId(profile);
        } catch (ProfileException e) {
            throw new InputException("no profile '" + profile + "'; returns phb pseudonymises: " + returnProfiles());
        }
        SecretKey key = loadKey(keyFile, keyEnv);
        SparkSession spark = SparkSessions.forJob(engine.settings("lake"));
        long t0 = System.nanoTime();
        ReturnPseudonymiseJob.Result r = ReturnPseudonymiseJob.run(spark, new ReturnPseudonymiseJob.Request(in, p, localIdDomain, key, out, files.force),
                TerminalProgress.forConsole(spec.commandLine().getErr(), engine.json));
        Timed<ReturnPseudonymiseJob.Result> summary = new Timed<>(r, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        String unit = p.xml() ? (r.persons() == 1 ? "person" : "persons") : (r.persons() == 1 ? "row" : "rows");
        String text = String.format("Pseudonymised %,d %s of %s (%d %s) -> %s%n  local ids (%s) made tokens in domain %s: %,d; missing: %,d%n"
                        + "  identifying %s removed: %s%n  key fingerprint %s%n  land it as it is: landing/%s/%s",
                r.persons(), unit, in, r.files(), r.files() == 1 ? "file" : "files", out,
                p.identity().localId(), r.localIdDomain(), r.localIds(), r.missingLocalIds(), p.xml() ? "elements" : "columns",
                r.removedElements(), r.keyFingerprint(), p.folder(), p.xml() ? "" : "<the council's ONS code>/");
        Output.print(spec.commandLine().getOut(), engine.json, summary, text);
        return 0;
    }

    private static String returnProfiles() {
        return String.join(", ", Profiles.builtIn().all().stream().filter(x -> x.identity() != null).map(DatasetProfile::id).toList());
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
