package uk.nhs.phb.jobs.extract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.InputVersions;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.ProviderFiles;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.extract.PersonView;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.LakeTables;

/** {@code phb extract reidentify}: from a recipient's pseudonyms back to the lake's person ids and the provider's tokens. */
public final class ExtractReidentify {
    private ExtractReidentify() {
    }


    /** Pseudonyms asked about, those this lake made for the recipient (matched) and the rest, and where the lookup went. */
    public record Result(String runId, String recipient, long pseudonyms, long matched, long unmatched, String out, double seconds)
            implements JobResult {
    }

    /**
     * {@code phb extract reidentify}: the lake key holder's act. For a file of one recipient's pseudonyms (a column
     * {@code pseudonym}), writes {@code pseudonym, person_id, nhs_token} to {@code out}: the lake's person id and the
     * data provider's NHS-number token, which the provider (holder of its own key and lookup) turns back into an NHS
     * number. Recorded in {@code audit/runs} as {@code extract-reidentify}.
     */
    public static Result run(SparkSession spark, JobSettings settings, SecretKey lakeKey, String recipientName, String in, String out,
                             boolean force, Progress progress) {
        long t0 = System.nanoTime();
        String recipient;
        try {
            recipient = RecipientPseudonyms.recipientName(recipientName);
        } catch (IllegalArgumentException e) {
            throw new InputException("--recipient: " + e.getMessage());
        }
        Lake lake = settings.lakeLayout();
        String indexPath = lake.path(LakeTables.PERSON_INDEX);
        if (!DeltaTables.exists(spark, indexPath)) {
            throw new InputException("no silver/person_index in " + lake.root() + "; re-identification needs the lake that made the extract");
        }
        Dataset<Row> asked = ProviderFiles.read(spark, in, "csv", ",");
        if (!Arrays.asList(asked.columns()).contains(ExtractJob.PSEUDONYM)) {
            throw new InputException(in + " has no column '" + ExtractJob.PSEUDONYM + "'; its columns are " + List.of(asked.columns()));
        }
        RunParameters params = RunParameters.of(settings, lakeKey).with("recipient", recipient).with("in", in).with("lookup_out", out);
        String staging = Files2.stagingFor(out);
        try {
            return JobRun.execute(spark, lake, ExtractJob.COMMAND + "-reidentify", params, progress, run -> {
                run.stage("re-identify");
                long indexVersion = DeltaTables.version(spark, indexPath);
                run.input(LakeTables.PERSON_INDEX, indexVersion);
                Dataset<Row> index = InputVersions.read(spark, lake, LakeTables.PERSON_INDEX, indexVersion);
                RecipientPseudonyms pseudonyms = RecipientPseudonyms.of(lakeKey, recipient);
                Dataset<Row> persons = index.select("person_id").distinct()
                        .withColumn(ExtractJob.PSEUDONYM, PersonView.pseudonym(pseudonyms, col("person_id")));
                Dataset<Row> tokens = null;
                String patients = lake.bronze("patients");
                if (DeltaTables.exists(spark, patients)) {
                    long pv = DeltaTables.version(spark, patients);
                    run.input(LakeTables.bronze("patients"), pv);
                    tokens = InputVersions.read(spark, lake, LakeTables.bronze("patients"), pv).filter(col("nhs_token").isNotNull()).select("nhs_token").distinct()
                            .withColumn("entity_hash", PersonIndex.entityHash(lakeKey, lit("patients"), col("nhs_token")))
                            .join(index.filter(col("source").equalTo("patients")).select("entity_hash", "person_id"), "entity_hash")
                            .select("person_id", "nhs_token");
                }
                Dataset<Row> wanted = asked.filter(col(ExtractJob.PSEUDONYM).isNotNull()).select(col(ExtractJob.PSEUDONYM)).distinct();
                Dataset<Row> found = wanted.join(persons, new String[] {ExtractJob.PSEUDONYM}, "left");
                found = tokens == null ? found.withColumn("nhs_token", lit(null).cast("string"))
                        : found.join(tokens, new String[] {"person_id"}, "left");
                found = found.select(ExtractJob.PSEUDONYM, "person_id", "nhs_token").persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    Row c = found.agg(count(lit(1)), count(col("person_id"))).first();
                    found.orderBy(ExtractJob.PSEUDONYM).coalesce(1).write().option("header", true).csv(staging + "/lookup");
                    Files2.nameSparkFiles(spark, staging + "/lookup", "lookup", "csv");
                    ExtractJob.checksums(spark, staging);
                    Files2.publish(spark, staging, out, force);
                    run.count("pseudonyms", c.getLong(0));
                    run.count("matched", c.getLong(1));
                    return new Result(run.runId(), recipient, c.getLong(0), c.getLong(1), c.getLong(0) - c.getLong(1), out,
                            Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                } finally {
                    found.unpersist();
                }
            });
        } finally {
            Files2.discard(spark, staging);
        }
    }

}
