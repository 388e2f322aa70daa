package uk.nhs.phb.jobs.pseudonymise;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.ProviderFiles;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.pseudonymise.ColumnMapping;
import uk.nhs.phb.pipelines.pseudonymise.Pseudonymise;

/**
 * {@code phb pseudonymise}: the data provider's tool. Reads an identifiable CSV or Parquet file, writes the
 * pseudonymised file (CSV with header, or Parquet) to {@code out} atomically with a manifest
 * ({@code _pseudonymise.json}: counts, mapping roles, key fingerprint; no secrets), and only when asked the
 * token lookup to a separate provider-controlled path. It runs at the provider, outside any lake, so it
 * keeps its record in the manifest rather than in {@code audit/runs}.
 */
public final class PseudonymiseJob {

    /** What to pseudonymise and where the results go. {@code lookupOut} and {@code rejectsOut} may be null. */
    public record Request(String in, String format, String delimiter, ColumnMapping mapping, SecretKey key,
                          String out, String lookupOut, String rejectsOut, boolean force) {
        @Override
        public String toString() {
            return "Request[in=" + in + ", out=" + out + "]";
        }
    }

    /** Counts of one run. */
    public record Result(long rows, long nhsValid, long nhsInvalid, long nhsMissing, @JsonProperty("rows_rejected") long rejected,
                         List<String> removedColumns, String out, String lookupOut, String keyFingerprint) {
    }

    /** {@code _pseudonymise.json} beside the output: the counts (where the lookup went aside), the level and the encoding. */
    record Manifest(long rows, long nhsValid, long nhsInvalid, long nhsMissing, long rowsRejected, List<String> removedColumns, String out,
                    String keyFingerprint, String level, List<String> mappingRoles, String encoding) {
    }

    private static final String CORRUPT = ProviderFiles.CORRUPT;
    static final String ENCODING = "HMAC-SHA256 tokens (base64url); names as 1024-bit CLK Bloom filters, bigrams, 15 hashes";

    private PseudonymiseJob() {
    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        if (req.lookupOut() != null && isInside(req.lookupOut(), req.out())) {
            throw new InputException("the lookup (" + req.lookupOut() + ") must not go inside the pseudonymised output ("
                    + req.out() + "): it re-identifies people; write it where only the provider can read it");
        }
        progress.stage("read " + req.in());
        Dataset<Row> input = ProviderFiles.read(spark, req.in(), req.format(), req.delimiter());
        List<String> missing = Pseudonymise.missingColumns(input.schema(), req.mapping());
        if (!missing.isEmpty()) {
            throw new InputException("the mapping names columns that " + req.in() + " does not have: " + missing
                    + "; its columns are " + Arrays.toString(input.schema().fieldNames()));
        }
        // read once for the corrupt-row check, the encoding and the lookup; released in finally
        Dataset<Row> cached = input.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        input = cached;
        try {
            long rejected = 0;
            if (Arrays.asList(input.schema().fieldNames()).contains(CORRUPT)) {
                Dataset<Row> bad = input.filter(functions.col(CORRUPT).isNotNull());
                rejected = bad.count();
                if (rejected > 0 && req.rejectsOut() == null) {
                    throw new InputException(rejected + " rows of " + req.in() + " could not be parsed (wrong number of "
                            + "columns or broken quotes); fix them, or pass --rejects PATH (a provider-controlled place) "
                            + "to set them aside");
                }
                if (rejected > 0) {
                    bad.select(CORRUPT).write().mode("overwrite").text(req.rejectsOut());
                }
                input = input.filter(functions.col(CORRUPT).isNull()).drop(CORRUPT);
            }
            progress.stage("pseudonymise");
            Dataset<Row> records = Pseudonymise.records(input, req.mapping(), req.key());
            String staging = Files2.stagingFor(req.out());
            try {
                if (req.format().equals("parquet")) {
                    records.write().parquet(staging);
                } else {
                    records.write().option("header", true).option("sep", req.delimiter()).csv(staging);
                }
                Dataset<Row> written = req.format().equals("parquet")
                        ? spark.read().parquet(staging)
                        : spark.read().option("header", true).option("sep", req.delimiter())
                                .schema(records.schema()).csv(staging);
                Row counts = written.agg(
                        functions.count(functions.lit(1)),
                        functions.sum(functions.when(functions.col("nhs_number_status").equalTo("VALID"), 1).otherwise(0)),
                        functions.sum(functions.when(functions.col("nhs_number_status").equalTo("INVALID"), 1).otherwise(0)),
                        functions.sum(functions.when(functions.col("nhs_number_status").equalTo("MISSING"), 1).otherwise(0)))
                        .first();
                Result result = new Result(counts.getLong(0), nz(counts, 1), nz(counts, 2), nz(counts, 3), rejected,
                        req.mapping().sourceColumns(), req.out(), req.lookupOut(), req.key().fingerprint());
                Manifest manifest = new Manifest(result.rows(), result.nhsValid(), result.nhsInvalid(), result.nhsMissing(), result.rejected(),
                        result.removedColumns(), result.out(), result.keyFingerprint(), "PSEUDONYMISED",
                        req.mapping().columns().keySet().stream().map(Enum::name).toList(), ENCODING);
                Files2.writeText(spark, staging + "/_pseudonymise.json", Json.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(manifest));
                Files2.removeSideFiles(spark, staging);
                Files2.publish(spark, staging, req.out(), req.force());
                if (req.lookupOut() != null) {
                    progress.stage("write lookup");
                    String lookupStaging = Files2.stagingFor(req.lookupOut());
                    Pseudonymise.lookup(input, req.mapping(), req.key()).write().option("header", true).csv(lookupStaging);
                    Files2.removeSideFiles(spark, lookupStaging);
                    Files2.publish(spark, lookupStaging, req.lookupOut(), req.force());
                }
                return result;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            } finally {
                Files2.discard(spark, staging);
            }
        } finally {
            cached.unpersist();
            progress.finish();
        }
    }

    private static long nz(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }

    private static boolean isInside(String child, String parent) {
        String c = new org.apache.hadoop.fs.Path(child).toUri().getPath();
        String p = new org.apache.hadoop.fs.Path(parent).toUri().getPath();
        java.nio.file.Path cp = java.nio.file.Path.of(c).toAbsolutePath().normalize();
        java.nio.file.Path pp = java.nio.file.Path.of(p).toAbsolutePath().normalize();
        return cp.startsWith(pp);
    }
}
