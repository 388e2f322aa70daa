package uk.nhs.phb.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.privacy.IdentifierMatcher;

/** One scan's state: structured datasets to match in Spark, text findings gathered on the driver. */
final class Scan {
    final SparkSession spark;
    final IdentifierMatcher matcher;
    final List<String> keyPaths;
    final String landing;
    final boolean tokens;
    final LongAccumulator rows;
    final LongAccumulator values;
    long files;
    long tables;
    long lines;
    long bytes;
    long partialParquet;
    Dataset<Row> structured;
    /** file|column|kind -> finding being built, for text files. */
    final Map<String, LeakScan.Finding> textFindings = new LinkedHashMap<>();
    final List<Row> textCandidates = new ArrayList<>();

    Scan(SparkSession spark, IdentifierMatcher matcher, List<String> keyPaths, String landing, boolean tokens) {
        this.spark = spark;
        this.matcher = matcher;
        this.keyPaths = keyPaths;
        this.landing = LeakScan.qualified(spark, landing);
        this.tokens = tokens;
        this.rows = spark.sparkContext().longAccumulator("leak scan rows");
        this.values = spark.sparkContext().longAccumulator("leak scan values");
    }

    void walk(FileSystem fs, FileStatus s) throws IOException {
        String path = fs.makeQualified(s.getPath()).toString();
        if (keyPaths.contains(path)) {
            return;
        }
        if (s.isDirectory()) {
            if (fs.exists(new Path(s.getPath(), "_delta_log"))) {
                deltaTable(fs, s.getPath());
                return;
            }
            FileStatus[] children = fs.listStatus(s.getPath());
            List<String> parquet = new ArrayList<>();
            for (FileStatus c : children) {
                if (c.isFile() && c.getPath().getName().toLowerCase(Locale.ROOT).endsWith(".parquet")) {
                    parquetFile(fs, c, parquet);
                } else {
                    walk(fs, c);
                }
            }
            if (!parquet.isEmpty()) {
                structured(parquet, s.getPath().toString(), tokensAllowed(s.getPath().toString()));
            }
            return;
        }
        String lower = s.getPath().getName().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".parquet")) {
            List<String> one = new ArrayList<>();
            parquetFile(fs, s, one);
            if (!one.isEmpty()) {
                structured(one, s.getPath().toString(), tokensAllowed(path));
            }
        } else if (lower.endsWith(".xlsx") || lower.endsWith(".zip") || lower.endsWith(".docx") || lower.endsWith(".ods")) {
            zip(fs, s);
        } else if (looksBinary(fs, s)) {
            rawBytes(fs, s);
        } else {
            text(fs, s);
        }
    }

    /**
     * A Parquet file's raw bytes are scanned for key bytes; a whole one (the magic PAR1 at both ends) is also
     * queued to be decoded. One that is not whole, such as the part file of a writer killed mid-write (never
     * committed, so in no table version, but on disk until VACUUM), cannot be decoded: it is counted and its
     * bytes scanned as text too, so a plain identifier in it is still found.
     */
    private void parquetFile(FileSystem fs, FileStatus s, List<String> decodable) throws IOException {
        if (wholeParquet(fs, s)) {
            rawBytes(fs, s);
            decodable.add(s.getPath().toString());
        } else {
            partialParquet++;
            text(fs, s);
            rawKeyBytes(fs, s);
        }
    }

    private static boolean wholeParquet(FileSystem fs, FileStatus s) throws IOException {
        long len = s.getLen();
        if (len < 12) {
            return false;
        }
        byte[] magic = "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(s.getPath())) {
            byte[] head = new byte[4];
            byte[] tail = new byte[4];
            in.readFully(0, head);
            in.readFully(len - 4, tail);
            return java.util.Arrays.equals(head, magic) && java.util.Arrays.equals(tail, magic);
        }
    }

    /** A NUL byte in the first 8 KiB marks a binary file (core dumps, heap dumps): it has no lines to name. */
    private static boolean looksBinary(FileSystem fs, FileStatus s) throws IOException {
        if (s.getPath().getName().endsWith(".gz")) {
            return false;
        }
        try (InputStream in = fs.open(s.getPath())) {
            byte[] head = in.readNBytes(8192);
            for (byte b : head) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every Parquet file of the table on disk (old versions too), the log as text, checkpoints decoded. */
    void deltaTable(FileSystem fs, Path table) throws IOException {
        tables++;
        boolean allowed = tokensAllowed(table.toString());
        List<String> data = new ArrayList<>();
        collectTable(fs, table, data, allowed);
        if (!data.isEmpty()) {
            structured(data, table.toString(), allowed);
        }
    }

    private void collectTable(FileSystem fs, Path dir, List<String> data, boolean allowed) throws IOException {
        for (FileStatus c : fs.listStatus(dir)) {
            String name = c.getPath().getName();
            if (c.isDirectory()) {
                if (name.equals("_delta_log")) {
                    List<String> checkpoints = new ArrayList<>();
                    for (FileStatus l : fs.listStatus(c.getPath())) {
                        if (l.isDirectory()) {
                            walk(fs, l);
                        } else if (l.getPath().getName().endsWith(".parquet")) {
                            parquetFile(fs, l, checkpoints);
                        } else {
                            text(fs, l);
                        }
                    }
                    if (!checkpoints.isEmpty()) {
                        structured(checkpoints, c.getPath().toString(), allowed);
                    }
                } else {
                    collectTable(fs, c.getPath(), data, allowed);
                }
            } else if (name.endsWith(".parquet")) {
                parquetFile(fs, c, data);
            } else {
                text(fs, c);
            }
        }
    }

    boolean tokensAllowed(String path) {
        String p = LeakScan.qualified(spark, path);
        if (landing != null && (p.equals(landing) || p.startsWith(landing + "/"))) {
            return true;
        }
        return p.contains("/bronze/") || p.contains("/quarantine/");
    }

    /** Parquet files read as one dataset when their schemas merge, else one by one. */
    void structured(List<String> files, String where, boolean tokensAllowed) {
        Dataset<Row> d;
        try {
            d = spark.read().option("mergeSchema", "true").parquet(files.toArray(String[]::new));
            d.schema();
        } catch (RuntimeException e) {
            if (files.size() == 1) {
                throw new InputException("cannot read " + files.get(0) + " as Parquet: " + LeakScan.firstLine(e), e);
            }
            for (String f : files) {
                structured(List.of(f), f, tokensAllowed);
            }
            return;
        }
        List<Column> cols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StructField f : d.schema().fields()) {
            Column c = valueOf(f);
            if (c != null) {
                cols.add(c.alias("v" + names.size()));
                names.add(f.name());
            }
        }
        if (cols.isEmpty()) {
            return;
        }
        cols.add(0, col("_metadata.file_path").alias("__file"));
        Dataset<Row> hits = d.select(cols.toArray(Column[]::new))
                .mapPartitions(new MatchRows(matcher, names.toArray(String[]::new), tokens && !tokensAllowed, rows, values),
                        Encoders.row(MatchRows.SCHEMA));
        structured = structured == null ? hits : structured.union(hits);
    }

    /** A column's values as text: strings, whole numbers, binary (base64), nested values as JSON. */
    private static Column valueOf(StructField f) {
        var t = f.dataType();
        Column c = col("`" + f.name().replace("`", "``") + "`");
        if (t instanceof StringType) {
            return c;
        }
        if (t instanceof LongType || t instanceof IntegerType || t instanceof ShortType
                || (t instanceof DecimalType dt && dt.scale() == 0)) {
            return c.cast(DataTypes.StringType);
        }
        if (t instanceof BinaryType) {
            return org.apache.spark.sql.functions.base64(c);
        }
        if (t instanceof StructType || t instanceof ArrayType || t instanceof MapType) {
            return to_json(c);
        }
        return null;
    }

    void text(FileSystem fs, FileStatus s) throws IOException {
        files++;
        bytes += s.getLen();
        String file = s.getPath().toString();
        boolean allowed = tokensAllowed(file);
        try (InputStream raw = fs.open(s.getPath())) {
            InputStream in = s.getPath().getName().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            scanLines(file, null, in, allowed);
        } catch (java.util.zip.ZipException e) {
            // not gzip after all: scan it as it is
            try (InputStream in = fs.open(s.getPath())) {
                scanLines(file, null, in, allowed);
            }
        }
        rawKeyBytes(fs, s);
    }

    void zip(FileSystem fs, FileStatus s) throws IOException {
        files++;
        bytes += s.getLen();
        String file = s.getPath().toString();
        boolean allowed = tokensAllowed(file);
        try (ZipInputStream zin = new ZipInputStream(fs.open(s.getPath()))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    scanLines(file, e.getName(), zin, allowed);
                }
            }
        } catch (java.util.zip.ZipException e) {
            try (InputStream in = fs.open(s.getPath())) {
                scanLines(file, null, in, allowed);
            }
        }
        rawKeyBytes(fs, s);
    }

    /** Lines of a text (ISO-8859-1: every byte is one char, so nothing fails to decode). */
    void scanLines(String file, String entry, InputStream in, boolean tokensAllowed) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(new NonClosing(in), StandardCharsets.ISO_8859_1), 1 << 16);
        String line;
        long n = 0;
        String column = entry == null ? null : "entry " + entry;
        while ((line = r.readLine()) != null) {
            n++;
            lines++;
            for (IdentifierMatcher.Hit h : matcher.scanText(line)) {
                addText(file, column, n, h.kind().label(), h.masked());
            }
            if (tokens && !tokensAllowed) {
                for (String t : IdentifierMatcher.tokenCandidates(line)) {
                    textCandidates.add(RowFactory.create(file, column, n, t));
                }
            }
        }
    }

    private void addText(String file, String column, long line, String kind, String masked) {
        String k = file + "|" + column + "|" + kind;
        LeakScan.Finding f = textFindings.get(k);
        if (f == null) {
            textFindings.put(k, new LeakScan.Finding(file, column, new ArrayList<>(List.of(line)), kind, 1, masked));
        } else {
            if (f.lines().size() < LeakScan.MAX_LINES_LISTED && !f.lines().contains(line)) {
                f.lines().add(line);
            }
            textFindings.put(k, new LeakScan.Finding(f.file(), f.column(), f.lines(), kind, f.count() + 1, f.example()));
        }
    }

    /** Counts a data file and looks at its raw bytes for raw key bytes. */
    void rawBytes(FileSystem fs, FileStatus s) throws IOException {
        files++;
        bytes += s.getLen();
        rawKeyBytes(fs, s);
    }

    /** Raw bytes of a key anywhere in the file (chunks overlapping by the longest key form). */
    void rawKeyBytes(FileSystem fs, FileStatus s) throws IOException {
        int overlap = matcher.longestKeyForm();
        if (overlap == 0) {
            return;
        }
        String file = s.getPath().toString();
        try (InputStream in = fs.open(s.getPath())) {
            byte[] buf = new byte[1 << 20];
            String carry = "";
            int read;
            java.util.Set<String> seen = new java.util.HashSet<>();
            while ((read = in.readNBytes(buf, 0, buf.length)) > 0) {
                String chunk = carry + new String(buf, 0, read, StandardCharsets.ISO_8859_1);
                for (String label : matcher.keyLabelsIn(chunk)) {
                    if (seen.add(label) && textFindings.keySet().stream().noneMatch(k -> k.startsWith(file + "|")
                            && k.endsWith("|key_material"))) {
                        textFindings.put(file + "|bytes|key_material|" + label,
                                new LeakScan.Finding(file, "bytes", List.of(), "key_material", 1, "[" + label + "]"));
                    }
                }
                carry = chunk.substring(Math.max(0, chunk.length() - overlap + 1));
                if (read < buf.length) {
                    break;
                }
            }
        }
    }

    List<LeakScan.Finding> finish(Dataset<Row> landingTokens) {
        List<LeakScan.Finding> out = new ArrayList<>(textFindings.values());
        Dataset<Row> candidates = null;
        if (structured != null) {
            Dataset<Row> all = structured.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            for (Row r : all.filter(col("kind").notEqual(LeakScan.CANDIDATE)).groupBy("file", "column", "kind")
                    .agg(count(lit(1)), first("value")).collectAsList()) {
                out.add(new LeakScan.Finding(r.getString(0), r.getString(1), List.of(), r.getString(2), r.getLong(3), r.getString(4)));
            }
            candidates = all.filter(col("kind").equalTo(LeakScan.CANDIDATE)).select(col("file"), col("column"),
                    lit(null).cast(DataTypes.LongType).alias("line"), col("value"));
        }
        if (landingTokens != null && !textCandidates.isEmpty()) {
            Dataset<Row> t = spark.createDataFrame(textCandidates, new StructType().add("file", DataTypes.StringType)
                    .add("column", DataTypes.StringType).add("line", DataTypes.LongType).add("value", DataTypes.StringType));
            candidates = candidates == null ? t : candidates.unionByName(t);
        }
        if (landingTokens != null && candidates != null) {
            Dataset<Row> found = candidates.join(landingTokens, candidates.col("value").equalTo(landingTokens.col("token")));
            for (Row r : found.groupBy("file", "column").agg(count(lit(1)), first("value"),
                    org.apache.spark.sql.functions.sort_array(org.apache.spark.sql.functions.collect_set("line")))
                    .collectAsList()) {
                List<Long> ls = new ArrayList<>(r.<Long>getList(4));
                out.add(new LeakScan.Finding(r.getString(0), r.getString(1), ls.subList(0, Math.min(LeakScan.MAX_LINES_LISTED, ls.size())),
                        "source_token", r.getLong(2), IdentifierMatcher.maskToken(r.getString(3))));
            }
        }
        if (structured != null) {
            structured.unpersist();
        }
        if (landingTokens != null) {
            landingTokens.unpersist();
        }
        return out;
    }

    /** Matches each row's values; emits findings (masked) and token candidates. */
    static final class MatchRows implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        static final StructType SCHEMA = new StructType().add("file", DataTypes.StringType).add("column", DataTypes.StringType)
                .add("kind", DataTypes.StringType).add("value", DataTypes.StringType);
        private final IdentifierMatcher matcher;
        private final String[] columns;
        private final boolean candidates;
        private final LongAccumulator rows;
        private final LongAccumulator values;

        MatchRows(IdentifierMatcher matcher, String[] columns, boolean candidates, LongAccumulator rows, LongAccumulator values) {
            this.matcher = matcher;
            this.columns = columns;
            this.candidates = candidates;
            this.rows = rows;
            this.values = values;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> it) {
            List<Row> out = new ArrayList<>();
            String[] v = new String[columns.length];
            long n = 0;
            long nv = 0;
            while (it.hasNext()) {
                Row r = it.next();
                String file = r.getString(0);
                for (int i = 0; i < v.length; i++) {
                    v[i] = r.isNullAt(i + 1) ? null : r.getString(i + 1);
                    if (v[i] != null) {
                        nv++;
                    }
                }
                n++;
                for (IdentifierMatcher.Hit h : matcher.scanRow(columns, v)) {
                    out.add(RowFactory.create(file, h.column(), h.kind().label(), h.masked()));
                }
                if (candidates) {
                    for (int i = 0; i < v.length; i++) {
                        for (String t : IdentifierMatcher.tokenCandidates(v[i])) {
                            out.add(RowFactory.create(file, columns[i], LeakScan.CANDIDATE, t));
                        }
                    }
                }
            }
            rows.add(n);
            values.add(nv);
            return out.iterator();
        }
    }

    /** Lets a reader be closed without closing a zip stream's current entry underneath it. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the caller closes the underlying stream
        }
    }

}
