package uk.nhs.phb.jobs.synth;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.audit.KnownIdentities;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;

/**
 * The raw names and postcodes of a synthetic population, made again in memory from the settings its generator
 * recorded: the identities the identifier scan looks for when the feeds are synthetic. Nothing writes them.
 */
public final class SyntheticIdentities implements KnownIdentities {
    private static final ObjectMapper JSON = uk.nhs.phb.jobs.Json.mapper();
    private final SynthSettings settings;
    private final String source;

    private SyntheticIdentities(SynthSettings settings, String source) {
        this.settings = settings;
        this.source = source;
    }

    /**
     * The population whose settings are in {@code settingsFile} when given, else in the landing folder
     * ({@link SynthJob#SETTINGS_FILE}), else in the lake's last successful synth run; none when there are no settings.
     */
    public static KnownIdentities find(SparkSession spark, JobSettings job, String settingsFile) {
        SynthJob.Recorded recorded;
        String source;
        if (settingsFile != null) {
            recorded = readJson(spark, settingsFile);
            source = settingsFile;
        } else {
            String inLanding = job.landing() + "/" + SynthJob.SETTINGS_FILE;
            if (Files2.exists(spark, inLanding)) {
                recorded = readJson(spark, inLanding);
                source = inLanding;
            } else {
                recorded = lastSynthRun(spark, job);
                source = "the synth run recorded in " + job.lakeLayout().runs();
            }
        }
        if (recorded == null) {
            return KnownIdentities.none("no synthetic population's settings (no " + job.landing() + "/" + SynthJob.SETTINGS_FILE
                    + ", no synth run in the lake; pass --synth-settings FILE). Real feeds have no list");
        }
        try {
            return new SyntheticIdentities(recorded.settings(), source);
        } catch (RuntimeException e) {
            throw new InputException("cannot read the synthetic population's settings from " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Dataset<Row>> rawIdentities(SparkSession spark) {
        // the raw values depend only on the settings, not on the provider's key: a throwaway key will do
        return Optional.of(SyntheticPopulation.of(spark, settings, SecretKey.generate()).rawIdentities());
    }

    @Override
    public String description() {
        return settings.people() + " synthetic people (seed " + settings.seed() + ") from " + source;
    }

    private static SynthJob.Recorded lastSynthRun(SparkSession spark, JobSettings settings) {
        String runs = settings.lakeLayout().runs();
        if (!DeltaTables.exists(spark, runs)) {
            return null;
        }
        List<Row> r = spark.read().format("delta").load(runs)
                .filter(col("command").equalTo("synth").and(col("status").equalTo("SUCCEEDED")))
                .orderBy(col("ended_at").desc()).select("parameters").limit(1).collectAsList();
        if (r.isEmpty()) {
            return null;
        }
        try {
            return JSON.readValue(r.get(0).getString(0), SynthJob.Recorded.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static SynthJob.Recorded readJson(SparkSession spark, String path) {
        Path p = new Path(path);
        try {
            FileSystem fs = Files2.fs(spark, path);
            try (InputStream in = fs.open(p)) {
                return JSON.readValue(in, SynthJob.Recorded.class);
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + path + " as the synthetic population's settings (JSON): " + e.getMessage(), e);
        }
    }
}
