package uk.nhs.phb.jobs.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthLayout;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;

/**
 * Writes a synthetic population to the landing folder: {@code <landing>/<feed>/} for every feed and
 * {@code <landing>/_truth/<table>/} for the truth tables, as CSV with a header in every file (default) or
 * Parquet (all columns strings, like the landing schema). Everything is written to a hidden sibling
 * folder first and renamed into place at the end, so a crash never leaves a landing folder that looks
 * complete. A non-empty landing folder is replaced only when {@code force} is set.
 *
 * <p>CSV is written in one pass: each task simulates its people and streams every row straight into one
 * file per table through the Hadoop FileSystem API. Parquet has no place for malformed lines, so that
 * fault kind is switched off for it.
 */
public final class SynthJob {
    public static final String FORMAT_CSV = "csv";
    public static final String FORMAT_PARQUET = "parquet";

    /**
     * The settings the population was made with ({@code people, seed, start, end, missing_nhs_token_share,
     * fault_rates}, as recorded in the run), so the same population can be re-derived (for example by the leak
     * scanner, which regenerates the raw identities in memory). Nothing secret: the key's fingerprint only.
     */
    public static final String SETTINGS_FILE = "_truth/synth_settings.json";

    private SynthJob() {
    }

    /**
     * What a synth run records, in its run and in {@link #SETTINGS_FILE}: enough to make the same population again (the key
     * by fingerprint only). Read back with other parameters beside it (a run's), which are passed over.
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Recorded(long people, long seed, java.time.LocalDate start, java.time.LocalDate end, String format, String layout,
                           String landing, Double missingNhsTokenShare, Map<String, Double> faultRates, String keyFingerprint) {
        /** The settings that make the population again. */
        public SynthSettings settings() {
            SynthSettings s = SynthSettings.of(people, seed).withWindow(start, end);
            if (missingNhsTokenShare != null) {
                s = s.withMissingNhsTokenShare(missingNhsTokenShare);
            }
            if (faultRates != null) {
                uk.nhs.phb.pipelines.synth.FaultRates f = uk.nhs.phb.pipelines.synth.FaultRates.none();
                for (Map.Entry<String, Double> e : faultRates.entrySet()) {
                    f = f.with(e.getKey(), e.getValue());
                }
                s = s.withFaults(f);
            }
            return s;
        }
    }

    private static void writeSettings(FileSystem fs, Path file, Recorded params) {
        try (Writer w = new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8)) {
            w.write(uk.nhs.phb.jobs.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(params));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /**
     * What a run wrote.
     *
     * @param runId   the audit run id
     * @param landing the landing folder written
     * @param rows    rows written per feed and truth table
     * @param faults  faults injected per kind
     * @param seconds elapsed wall time
     */
    public record Result(String runId, SynthSettings settings, String landing, String format, SynthLayout layout,
                         Map<String, Long> rows, Map<String, Long> faults, double seconds) {
    }

    /** Writes every feed in phb's own layout. */
    public static Result run(JobSettings job, SynthSettings settings, SecretKey key, String format, boolean force, Progress progress) {
        return run(job, settings, key, format, SynthLayout.PHB, force, progress);
    }

    /** Writes the population in {@code layout}: with {@link SynthLayout#NATIONAL}, the hospital feeds as national extracts. */
    public static Result run(JobSettings job, SynthSettings settings, SecretKey key, String format, SynthLayout layout, boolean force,
                             Progress progress) {
        long t0 = System.nanoTime();
        if (!FORMAT_CSV.equals(format) && !FORMAT_PARQUET.equals(format)) {
            throw new InputException("format must be csv or parquet, got '" + format + "'");
        }
        SynthSettings effective = FORMAT_PARQUET.equals(format)
                ? settings.withFaults(settings.faults().with("malformed_row", 0)) : settings;
        SparkSession spark = SparkSessions.forJob(job);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path landing = new Path(job.landing());
        FileSystem fs = fileSystem(landing, conf);
        checkLanding(fs, landing, force);

        Recorded params = new Recorded(effective.people(), effective.seed(), effective.start(), effective.end(), format, layout.label(),
                job.landing(), effective.missingNhsTokenShare(), effective.faults().asMap(), key.fingerprint());
        return JobRun.execute(spark, job.lakeLayout(), "synth", RunParameters.of(job, null).withFields(params), progress, run -> {
            Path tmp = new Path(landing.getParent() == null ? new Path(".") : landing.getParent(),
                    "." + landing.getName() + ".synth-" + run.runId() + ".tmp");
            try {
                SyntheticPopulation population = SyntheticPopulation.of(spark, effective, key);
                run.stage("simulate " + effective.people() + " people and write " + format);
                Map<String, Long> rows;
                Map<String, Long> faults;
                if (FORMAT_CSV.equals(format)) {
                    Map<String, Long>[] counted = writeCsv(spark, population.records(layout), tmp);
                    rows = counted[0];
                    faults = counted[1];
                } else {
                    Map<String, Long>[] counted = writeParquet(population.records(layout), layout, tmp);
                    rows = counted[0];
                    faults = counted[1];
                    // a landing file corrected by hand must stay readable: no checksum side files, no Spark markers
                    Files2.removeSideFiles(spark, tmp.toString());
                }
                run.stage("publish");
                for (String table : SyntheticPopulation.tableNames(layout)) {
                    rows.putIfAbsent(table, 0L);
                    if (rows.get(table) == 0 && !SyntheticPopulation.isReturn(table)) {
                        writeEmptyTable(fs, tmp, table, format);
                    }
                }
                for (Map.Entry<String, String> f : population.profileOverrideFiles(layout).entrySet()) {
                    try (Writer w = new OutputStreamWriter(create(fs, new Path(tmp, f.getKey()).toString()), StandardCharsets.UTF_8)) {
                        w.write(f.getValue());
                    } catch (IOException e) {
                        throw new UncheckedIOException("writing " + f.getKey() + " under " + tmp, e);
                    }
                }
                writeSettings(fs, new Path(tmp, SETTINGS_FILE), params);
                publish(fs, tmp, landing, run.runId());
                Map<String, Long> orderedRows = new LinkedHashMap<>();
                for (String t : SyntheticPopulation.tableNames(layout)) {
                    orderedRows.put(t, rows.get(t));
                }
                Map<String, Long> orderedFaults = new LinkedHashMap<>();
                for (String k : uk.nhs.phb.pipelines.synth.FaultRates.KINDS) {
                    orderedFaults.put(k, faults.getOrDefault(k, 0L));
                }
                run.count("people", effective.people());
                run.count("rows", orderedRows);
                run.count("faults", orderedFaults);
                return new Result(run.runId(), effective, job.landing(), format, layout, orderedRows, orderedFaults, (System.nanoTime() - t0) / 1e9);
            } catch (RuntimeException e) {
                deleteQuietly(fs, tmp);
                throw e;
            }
        });
    }

    private static FileSystem fileSystem(Path p, Configuration conf) {
        try {
            return Files2.plain(p.getFileSystem(conf));
        } catch (IOException e) {
            throw new InputException("cannot open the file system of landing folder " + p + ": " + e.getMessage(), e);
        }
    }

    private static void checkLanding(FileSystem fs, Path landing, boolean force) {
        try {
            if (fs.exists(landing)) {
                if (!fs.getFileStatus(landing).isDirectory()) {
                    throw new InputException("landing " + landing + " is a file, not a folder; choose a folder with --landing");
                }
                FileStatus[] entries = fs.listStatus(landing);
                if (entries.length > 0 && !force) {
                    throw new InputException("landing folder " + landing + " is not empty (" + entries.length
                            + " entries); choose an empty folder with --landing, or replace its contents with --force");
                }
            }
        } catch (IOException e) {
            throw new InputException("cannot read landing folder " + landing + ": " + e.getMessage(), e);
        }
    }

    /** Moves the finished temporary folder into place; with an existing landing folder, swaps it out first. */
    private static void publish(FileSystem fs, Path tmp, Path landing, String runId) {
        try {
            Path old = null;
            if (fs.exists(landing)) {
                old = new Path(tmp.getParent(), "." + landing.getName() + ".replaced-" + runId);
                if (!fs.rename(landing, old)) {
                    throw new InputException("cannot move the old landing folder " + landing + " aside");
                }
            }
            if (!fs.rename(tmp, landing)) {
                throw new InputException("cannot rename " + tmp + " to " + landing);
            }
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new InputException("cannot publish landing folder " + landing + ": " + e.getMessage(), e);
        }
    }

    private static void moveParts(Path staging, Path tmp, String table, Configuration conf) {
        try {
            FileSystem fs = Files2.plain(tmp.getFileSystem(conf));
            for (FileStatus f : fs.listStatus(staging, p -> p.getName().endsWith(".parquet"))) {
                Path to = new Path(tmp, SyntheticPopulation.file(table, f.getPath().getName()));
                fs.mkdirs(to.getParent());
                if (!fs.rename(f.getPath(), to)) {
                    throw new IOException("cannot rename " + f.getPath() + " to " + to);
                }
            }
            fs.delete(staging, true);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + table + " under " + tmp, e);
        }
    }

    /** A table without rows: a header-only CSV file, so a profile finds its columns, or an empty Parquet folder. */
    private static void writeEmptyTable(FileSystem fs, Path tmp, String table, String format) {
        try {
            if (FORMAT_CSV.equals(format)) {
                try (Writer w = new OutputStreamWriter(fs.create(new Path(tmp, SyntheticPopulation.file(table, "part-empty.csv"))),
                        StandardCharsets.UTF_8)) {
                    w.write(String.join(",", SyntheticPopulation.columns(table)) + "\n");
                }
            } else {
                fs.mkdirs(new Path(tmp, SyntheticPopulation.file(table, "x")).getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + table + " under " + tmp, e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException ignored) {
            // best effort: the hidden folder never looks like a landing folder
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long>[] writeCsv(SparkSession spark, Dataset<Row> records, Path tmp) {
        SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        String root = tmp.toString();
        JavaRDD<String> counts = records.toJavaRDD().mapPartitionsWithIndex(
                (Integer part, Iterator<Row> it) -> writePartition(conf, root, part, it).iterator(), false);
        Map<String, Long> rows = new TreeMap<>();
        Map<String, Long> faults = new TreeMap<>();
        for (String line : counts.collect()) {
            String[] kv = line.split("\t");
            Map<String, Long> target = kv[0].equals("fault") ? faults : rows;
            target.merge(kv[1], Long.parseLong(kv[2]), Long::sum);
        }
        return new Map[] {rows, faults};
    }

    /** Streams one partition's rows into one CSV file per table; returns the counts as tab-separated lines. */
    static List<String> writePartition(SerializableConfiguration conf, String root, int part, Iterator<Row> it) throws IOException {
        Map<String, Writer> writers = new HashMap<>();
        Map<String, SyntheticPopulation.ReturnDocument> returns = new HashMap<>();
        Map<String, Long> rows = new HashMap<>();
        Map<String, Long> faults = new HashMap<>();
        FileSystem fs = Files2.plain(new Path(root).getFileSystem(conf.value()));
        StringBuilder sb = new StringBuilder(512);
        try {
            while (it.hasNext()) {
                Row r = it.next();
                String table = r.getString(0);
                List<String> values = r.getList(1);
                boolean raw = r.getBoolean(2);
                if (SyntheticPopulation.isReturn(table)) {
                    String key = values.get(0);
                    returns.computeIfAbsent(table + "\t" + key, k -> SyntheticPopulation.ReturnDocument.open(table, key,
                            String.format("part-%05d", part), file -> create(fs, root + "/" + file))).write(values);
                    rows.merge(table, 1L, Long::sum);
                    continue;
                }
                Writer w = writers.get(table);
                if (w == null) {
                    w = new BufferedWriter(new OutputStreamWriter(fs.create(
                            new Path(root + "/" + SyntheticPopulation.file(table, String.format("part-%05d.csv", part))), true),
                            StandardCharsets.UTF_8), 1 << 16);
                    w.write(String.join(",", SyntheticPopulation.columns(table)));
                    w.write('\n');
                    writers.put(table, w);
                }
                sb.setLength(0);
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    String v = values.get(i);
                    if (v != null) {
                        if (!raw && (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0)) {
                            sb.append('"').append(v.replace("\"", "\"\"")).append('"');
                        } else {
                            sb.append(v);
                        }
                    }
                }
                sb.append('\n');
                w.write(sb.toString());
                rows.merge(table, 1L, Long::sum);
                if (table.equals(SyntheticPopulation.TRUTH_FAULTS)) {
                    faults.merge(values.get(1), 1L, Long::sum);
                }
            }
        } finally {
            for (Writer w : writers.values()) {
                w.close();
            }
            for (SyntheticPopulation.ReturnDocument d : returns.values()) {
                d.close();
            }
        }
        List<String> out = new ArrayList<>();
        rows.forEach((t, n) -> out.add("rows\t" + t + "\t" + n));
        faults.forEach((k, n) -> out.add("fault\t" + k + "\t" + n));
        return out;
    }

    private static java.io.OutputStream create(FileSystem fs, String path) {
        try {
            return fs.create(new Path(path), true);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + path, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long>[] writeParquet(Dataset<Row> records, SynthLayout layout, Path tmp) {
        Dataset<Row> cached = records.persist(StorageLevel.DISK_ONLY());
        try {
            Map<String, Long> rows = new TreeMap<>();
            for (Row r : cached.groupBy("table").count().collectAsList()) {
                rows.put(r.getString(0), r.getLong(1));
            }
            Map<String, Long> faults = new TreeMap<>();
            for (Row r : SyntheticPopulation.table(cached, SyntheticPopulation.TRUTH_FAULTS).groupBy("kind").count().collectAsList()) {
                faults.put(r.getString(0), r.getLong(1));
            }
            List<String> xmlReturns = new ArrayList<>();
            for (String table : SyntheticPopulation.tableNames(layout)) {
                if (SyntheticPopulation.isReturn(table)) {
                    // a return is written as councils send it (XML; SSDA903 as CSV tables), whatever the format of the other tables
                    xmlReturns.add(table);
                    continue;
                }
                if (rows.getOrDefault(table, 0L) > 0) {
                    Path written = new Path(tmp, SyntheticPopulation.file(table, "part"));
                    if (written.getName().equals("part")) {
                        SyntheticPopulation.table(cached, table).write().parquet(written.getParent().toString());
                    } else {
                        // a table that shares its folder: its part files are renamed after it, as profiles find them
                        Path staging = new Path(tmp, ".parquet-" + table.replace('/', '-'));
                        SyntheticPopulation.table(cached, table).write().parquet(staging.toString());
                        moveParts(staging, tmp, table, records.sparkSession().sparkContext().hadoopConfiguration());
                    }
                }
            }
            if (!xmlReturns.isEmpty()) {
                SerializableConfiguration conf = new SerializableConfiguration(records.sparkSession().sparkContext().hadoopConfiguration());
                String root = tmp.toString();
                cached.filter(org.apache.spark.sql.functions.col("table").isin(xmlReturns.toArray())).toJavaRDD()
                        .mapPartitionsWithIndex((Integer part, Iterator<Row> it) -> writePartition(conf, root, part, it).iterator(), false)
                        .count();
            }
            return new Map[] {rows, faults};
        } finally {
            cached.unpersist();
        }
    }
}
