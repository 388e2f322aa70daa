package uk.nhs.phb.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.models.privacy.IdentifierMatcher;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb audit --scan-for-identifiers PATH ...}: looks through lake tables, logs and output files for
 * identifiers that must never be there, and reports where they are without ever showing them.
 *
 * <ul>
 *   <li>valid NHS numbers (ten digits passing modulus 11, also 3-3-4 with spaces or dashes), anywhere;</li>
 *   <li>raw full names and postcodes of known people ({@link KnownIdentities}: for synthetic feeds, the population made
 *       again in memory from its generator's settings), reduced at once to salted hashes: the list is never written;</li>
 *   <li>source tokens (the 43-character tokens found in the landing files) outside {@code bronze/},
 *       {@code quarantine/} and the landing folder;</li>
 *   <li>key material: the bytes of every key file under the keys folder (and of the sub-keys phb derives from
 *       them: tokens, Bloom filters, the person index and one per extract recipient) as base64, hex or raw bytes.</li>
 * </ul>
 *
 * <p>Delta and Parquet are read through Spark and their decoded values scanned (every Parquet file of a
 * Delta table, including versions still on disk, and the Delta log's statistics); CSV, JSON, HTML, logs and
 * other text line by line; XLSX and other zip files entry by entry; every file's raw bytes for raw key bytes.
 */
public final class LeakScan {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN_REGEX = "(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_=-])";
    static final int MAX_LINES_LISTED = 10;
    static final String CANDIDATE = "__token_candidate";

    private LeakScan() {
    }

    /**
     * What to scan and with what.
     *
     * @param paths      files or folders to scan
     * @param keysDir    folder of key files (every regular file in it is a key); may not exist
     * @param keyFiles   more key files
     * @param identities the raw names and postcodes to look for ({@link KnownIdentities#none} when there are none)
     */
    public record Request(JobSettings settings, List<String> paths, String keysDir, List<String> keyFiles, KnownIdentities identities) {
        public Request {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(identities, "identities");
            paths = List.copyOf(paths);
            keyFiles = keyFiles == null ? List.of() : List.copyOf(keyFiles);
        }
    }

    /**
     * One place where identifiers of one kind were found. {@code column} is the column (tables) or null;
     * {@code lines} the first line numbers (text files) or empty; {@code example} the first one, masked.
     */
    public record Finding(String file, String column, List<Long> lines, String kind, long count, String example) {
    }

    /** What a scan read: the paths given, files, Delta tables, their rows and values, text lines, bytes, partial Parquet files. */
    public record Scanned(List<String> paths, long files, long tables, long rows, long values, long lines, long bytes,
                          long partialParquetFiles) {
    }

    /**
     * The findings, what was scanned and what each check could (not) look for ({@code --json}: found, by_kind, findings,
     * scanned, checks, seconds).
     */
    @JsonPropertyOrder({"found", "by_kind", "findings", "scanned", "checks", "seconds"})
    public record Result(List<Finding> findings, Scanned scanned, Map<String, String> checks, double seconds) {
        @JsonProperty("found")
        public long found() {
            return findings.stream().mapToLong(Finding::count).sum();
        }

        @JsonProperty("by_kind")
        public Map<String, Long> byKind() {
            Map<String, Long> m = new TreeMap<>();
            for (Finding f : findings) {
                m.merge(f.kind(), f.count(), Long::sum);
            }
            return m;
        }

    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        long t0 = System.nanoTime();
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("nhs_number", "checked: ten digits passing the modulus-11 check");
        progress.stage("collect keys");
        IdentifierMatcher.Builder builder = IdentifierMatcher.builder();
        List<String> keyPaths = addKeys(spark, req, builder, checks);
        progress.stage("known identities");
        addIdentities(spark, req, builder, checks);
        IdentifierMatcher matcher = builder.build();
        progress.stage("collect landing tokens");
        Dataset<Row> landingTokens = landingTokens(spark, req.settings().landing(), checks);

        Scan scan = new Scan(spark, matcher, keyPaths, req.settings().landing(), landingTokens != null);
        for (String p : req.paths()) {
            Path path = new Path(p);
            FileSystem fs = fs(spark, path);
            try {
                if (!fs.exists(path)) {
                    throw new InputException("nothing to scan at " + p + "; give existing files or folders (the lake, logs, out/)");
                }
                progress.stage("scan " + p);
                scan.walk(fs, fs.getFileStatus(path));
            } catch (IOException e) {
                throw new InputException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        progress.stage("match");
        List<Finding> findings = scan.finish(landingTokens);
        findings.sort(Comparator.comparing(Finding::file).thenComparing(f -> f.column() == null ? "" : f.column())
                .thenComparing(Finding::kind));
        Scanned scanned = new Scanned(req.paths(), scan.files, scan.tables, scan.rows.value(), scan.values.value(), scan.lines, scan.bytes,
                scan.partialParquet);
        progress.finish();
        return new Result(findings, scanned, checks, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    }

    // ---------------------------------------------------------------- keys

    private static List<String> addKeys(SparkSession spark, Request req, IdentifierMatcher.Builder builder, Map<String, String> checks) {
        List<String> files = new ArrayList<>();
        Path dir = new Path(req.keysDir());
        FileSystem fs = fs(spark, dir);
        try {
            if (fs.exists(dir) && fs.getFileStatus(dir).isDirectory()) {
                for (FileStatus s : fs.listStatus(dir)) {
                    if (s.isFile()) {
                        files.add(fs.makeQualified(s.getPath()).toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot list the keys folder " + dir + ": " + e.getMessage(), e);
        }
        for (String k : req.keyFiles()) {
            Path p = new Path(k);
            FileSystem kfs = fs(spark, p);
            try {
                if (!kfs.isFile(p)) {
                    throw new InputException("key file " + k + " does not exist; --key-file names a key to look for");
                }
            } catch (IOException e) {
                throw new InputException("cannot read key file " + k + ": " + e.getMessage(), e);
            }
            files.add(kfs.makeQualified(p).toString());
        }
        List<String> purposes = new ArrayList<>(SecretKey.FIXED_PURPOSES);
        java.util.SortedSet<String> recipients = recipients(spark, req);
        recipients.forEach(r -> purposes.add(SecretKey.recipientPurpose(r)));
        for (String f : files) {
            byte[] raw = readAll(spark, f);
            String label = "key " + new Path(f).getName();
            byte[] key = decodeKey(raw);
            builder.addKey(label, key);
            for (String purpose : purposes) {
                builder.addKey(label + " (derived '" + purpose + "')", SecretKey.derive(key, purpose));
            }
            String text = new String(raw, StandardCharsets.ISO_8859_1).strip();
            if (text.length() >= 16 && !text.equals(Base64.getEncoder().encodeToString(key))) {
                builder.addKey(label + " (file text)", text.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        checks.put("key_material", files.isEmpty()
                ? "not checked: no key files in " + req.keysDir() + " (pass --keys DIR or --key-file FILE)"
                : "checked: " + files.size() + " key file(s) and their derived sub-keys (" + SecretKey.FIXED_PURPOSES.size()
                + " fixed, " + recipients.size() + " for extract recipients), as base64, hex and raw bytes");
        return files;
    }

    /**
     * Every recipient an extract was made for: those the lake's {@code audit/extract_log} names, and those with a folder
     * {@code extracts/<quarter>/<purpose>/<recipient>} under the out folder or a scanned path. Each has a sub-key of the
     * lake key to look for.
     */
    static java.util.SortedSet<String> recipients(SparkSession spark, Request req) {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        Lake lake = req.settings().lakeLayout();
        if (DeltaTables.exists(spark, lake, LakeTables.EXTRACT_LOG)) {
            for (Row r : DeltaTables.read(spark, lake, LakeTables.EXTRACT_LOG).select("recipient").distinct().collectAsList()) {
                addRecipient(names, r.getString(0));
            }
        }
        List<String> roots = new ArrayList<>(req.paths());
        roots.add(req.settings().out());
        for (String root : roots) {
            Path base = new Path(root);
            Path pattern = base.getName().equals("extracts") ? new Path(base, "*/*/*") : new Path(base, "extracts/*/*/*");
            try {
                FileStatus[] folders = fs(spark, base).globStatus(pattern);
                for (FileStatus folder : folders == null ? new FileStatus[0] : folders) {
                    if (folder.isDirectory()) {
                        addRecipient(names, folder.getPath().getName().replaceFirst("\\.run-.*$", ""));
                    }
                }
            } catch (IOException e) {
                throw new InputException("cannot list the extracts under " + root + ": " + e.getMessage(), e);
            }
        }
        return names;
    }

    private static void addRecipient(java.util.SortedSet<String> names, String raw) {
        try {
            names.add(RecipientPseudonyms.recipientName(raw));
        } catch (IllegalArgumentException e) {
            // not a recipient's folder (a recipient's name cannot hold it)
        }
    }

    /** A key file holds base64 text (phb keygen); anything else is taken as raw bytes. */
    static byte[] decodeKey(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1).strip();
        try {
            byte[] b = Base64.getDecoder().decode(text);
            if (b.length >= 16) {
                return b;
            }
        } catch (IllegalArgumentException e) {
            // not base64: the file's bytes are the key
        }
        if (file.length < 16) {
            throw new InputException("a key file holds fewer than 16 bytes; is it a key?");
        }
        return file;
    }

    // ---------------------------------------------------------------- identities

    private static void addIdentities(SparkSession spark, Request req, IdentifierMatcher.Builder builder, Map<String, String> checks) {
        Dataset<Row> raw = req.identities().rawIdentities(spark).orElse(null);
        if (raw == null) {
            String why = "not checked: " + req.identities().description();
            checks.put("raw_name", why);
            checks.put("raw_postcode", why);
            return;
        }
        byte[] salt = builder.salt();
        StructType hashed = new StructType().add("kind", DataTypes.StringType).add("hash", DataTypes.LongType);
        List<Row> hashes = raw.mapPartitions(new HashIdentities(salt), Encoders.row(hashed)).distinct().collectAsList();
        Map<String, List<Long>> byKind = new TreeMap<>();
        for (Row r : hashes) {
            byKind.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getLong(1));
        }
        builder.checkIdentities();
        byKind.forEach(builder::addHashes);
        String what = "checked: " + req.identities().description();
        checks.put("raw_name", what + "; full names (given and family name of one person together)");
        checks.put("raw_postcode", what);
    }

    /** Raw identity rows -> salted hashes, on the executors: no raw value leaves the partition. */
    static final class HashIdentities implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final byte[] salt;

        HashIdentities(byte[] salt) {
            this.salt = salt;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> it) {
            List<Row> out = new ArrayList<>();
            String person = null;
            String given = null;
            while (it.hasNext()) {
                Row r = it.next();
                String id = r.getString(0);
                String kind = r.getString(1);
                String value = r.getString(2);
                if (!id.equals(person)) {
                    person = id;
                    given = null;
                }
                List<Object[]> h = switch (kind) {
                    case "postcode" -> IdentifierMatcher.Builder.hashOf(salt, value, null, null);
                    case "given_name" -> {
                        given = value;
                        yield List.of();
                    }
                    case "family_name" -> given == null ? List.of() : IdentifierMatcher.Builder.hashOf(salt, null, given, value);
                    default -> List.of();
                };
                for (Object[] o : h) {
                    out.add(RowFactory.create(o[0], o[1]));
                }
            }
            return out.iterator();
        }
    }

    // ---------------------------------------------------------------- landing tokens

    /** Every distinct 43-character token in the landing files, or null when there is no landing folder. */
    private static Dataset<Row> landingTokens(SparkSession spark, String landing, Map<String, String> checks) {
        Path root = new Path(landing);
        FileSystem fs = fs(spark, root);
        List<String> text = new ArrayList<>();
        List<String> parquet = new ArrayList<>();
        try {
            if (!fs.exists(root)) {
                checks.put("source_token", "not checked: no landing folder at " + landing + " to take the tokens from (pass --landing DIR)");
                return null;
            }
            listData(fs, root, text, parquet);
        } catch (IOException e) {
            throw new InputException("cannot list the landing folder " + landing + ": " + e.getMessage(), e);
        }
        Dataset<Row> values = null;
        if (!text.isEmpty()) {
            values = spark.read().text(text.toArray(String[]::new));
        }
        for (String p : parquet) {
            Dataset<Row> d = spark.read().parquet(p);
            Dataset<Row> v = d.select(to_json(org.apache.spark.sql.functions.struct(col("*"))).alias("value"));
            values = values == null ? v : values.unionByName(v);
        }
        if (values == null) {
            checks.put("source_token", "not checked: the landing folder " + landing + " holds no CSV or Parquet files");
            return null;
        }
        Dataset<Row> tokens = values.select(explode(regexp_extract_all(col("value"), lit(TOKEN_REGEX), lit(0))).alias("token"))
                .distinct().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long n = tokens.count();
        checks.put("source_token", "checked: " + n + " distinct tokens in " + landing
                + ", looked for outside bronze/, quarantine/ and the landing folder");
        return tokens;
    }

    private static void listData(FileSystem fs, Path dir, List<String> text, List<String> parquet) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                listData(fs, s.getPath(), text, parquet);
            } else {
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".parquet")) {
                    parquet.add(s.getPath().toString());
                } else if (lower.endsWith(".csv") || lower.endsWith(".csv.gz") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
                    text.add(s.getPath().toString());
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static FileSystem fs(SparkSession spark, Path p) {
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new InputException("cannot open the file system of " + p + ": " + e.getMessage(), e);
        }
    }

    static String qualified(SparkSession spark, String path) {
        if (path == null) {
            return null;
        }
        Path p = new Path(path);
        return fs(spark, p).makeQualified(p).toString();
    }

    private static boolean exists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            return fs(spark, p).exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] readAll(SparkSession spark, String path) {
        Path p = new Path(path);
        try (InputStream in = fs(spark, p).open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new InputException("cannot read key file " + path + ": " + e.getMessage(), e);
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
