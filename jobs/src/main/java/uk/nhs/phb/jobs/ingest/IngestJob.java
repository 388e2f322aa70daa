package uk.nhs.phb.jobs.ingest;

import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.annotation.JsonValue;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RecordedParameters;
import uk.nhs.phb.jobs.Rerun;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.ingest.LandingFiles.FeedFiles;
import uk.nhs.phb.jobs.ingest.LandingFiles.Format;
import uk.nhs.phb.jobs.ingest.LandingFiles.LandingFile;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.Materialised;
import uk.nhs.phb.pipelines.ingest.ApplyProfile;
import uk.nhs.phb.pipelines.ingest.ValidateFeed;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.Profiles;

/**
 * {@code phb ingest}: validates each landing feed against its contract and replaces {@code bronze/<feed>}
 * (valid rows, typed) and {@code quarantine/<feed>} (every other row, with the rules it broke) as a whole,
 * so the lake mirrors the landing snapshot and a re-run over the same landing gives the same tables.
 *
 * <p>Before anything is written every selected feed's folder, files and headers are checked and all
 * problems are reported together as one {@link InputException}. Each feed is then read and validated once
 * (the validated rows are persisted for the two writes) and the rows written are checked against the rows
 * read: {@code rows_in = rows_valid + rows_quarantined}, or the run fails.
 *
 * <p>Feeds in {@link #OPTIONAL_FEEDS} may be absent from the landing: their bronze and quarantine tables are
 * then replaced by empty ones (status {@code absent}). Every other feed must be present.
 */
public final class IngestJob {
    public static final String COMMAND = "ingest";
    public static final String RUN_ID_COLUMN = "_ingest_run_id";
    private static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";
    /**
     * Bronze and quarantine are read whole, never filtered on a column, so per-file column minimums and maximums
     * skip nothing; collecting them for every column took about a tenth of a large feed's time (profiled on
     * 1.9M rows). Delta still records each file's row count.
     */
    private static final String COLUMN_STATISTICS = "delta.dataSkippingNumIndexedCols";
    private static final String COMMIT_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

    /**
     * Feeds a landing may lack: services not every ICB receives or holds (community, mental health, CHC,
     * wheelchair), the ICB's own PHB files, and local-authority and education feeds. The reference feeds and
     * the core DSCRO extracts (patients, GP conditions and appointments, prescribing, APC, ECDS, outpatients)
     * are required: without them linkage and risk features would be silently wrong. The opt-out list is optional
     * here; {@code phb extract} refuses a purpose that applies opt-outs when it is absent.
     */
    public static final Set<String> OPTIONAL_FEEDS = Set.of("community", "mental_health", "chc", "wheelchair",
            "phb_register", "phb_reviews", "phb_offers", "asc_cld", "csc", "ehcp", "opt_outs", "school_census");

    private final JobSettings settings;
    private Profiles profiles;
    private SecretKey lakeKey;
    private java.util.function.Supplier<SecretKey> lakeKeySource;
    private List<String> feeds = Feeds.all().stream().map(FeedContract::name).toList();
    private LocalDate extractDate = LocalDate.now();
    private Progress progress = Progress.NONE;

    private IngestJob(JobSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public static IngestJob of(JobSettings settings) {
        return new IngestJob(settings);
    }

    /** Only these feeds, by name (default: every feed of {@link Feeds#all()}, in that order). */
    public IngestJob feeds(List<String> names) {
        List<String> unknown = names.stream().filter(n -> Feeds.all().stream().noneMatch(c -> c.name().equals(n))).toList();
        if (names.isEmpty() || !unknown.isEmpty()) {
            throw new InputException("unknown feed(s) " + unknown + " in --feeds; known feeds: "
                    + String.join(",", Feeds.all().stream().map(FeedContract::name).toList()));
        }
        this.feeds = List.copyOf(names);
        return this;
    }

    /** The day the extract was taken: later dates break {@code future_date}. Default: today. */
    public IngestJob extractDate(LocalDate date) {
        this.extractDate = Objects.requireNonNull(date, "extract date");
        return this;
    }

    /**
     * The dataset profiles that read national layouts (default: the ones phb ships). Profiles without an override file
     * take the landing's own, {@value Profiles#LANDING_OVERRIDES}, when the landing is local and has one (as a synthetic national
     * landing does: its councils' DfE numbers and schools).
     */
    public IngestJob profiles(Profiles p) {
        this.profiles = Objects.requireNonNull(p, "profiles");
        return this;
    }

    /** The lake's key: a profile re-keys the pseudonyms of its domain with it on entry. */
    public IngestJob lakeKey(SecretKey key) {
        this.lakeKey = Objects.requireNonNull(key, "lake key");
        return this;
    }

    /** Where to get the lake's key when a landing folder needs it (so a landing in phb's own layout needs no key). */
    public IngestJob lakeKey(java.util.function.Supplier<SecretKey> source) {
        this.lakeKeySource = Objects.requireNonNull(source, "lake key source");
        return this;
    }

    private Profiles profiles() {
        if (profiles == null) {
            profiles = Profiles.builtIn();
        }
        if (profiles.overrideFile() == null) {
            java.net.URI landing = new org.apache.hadoop.fs.Path(settings.landing()).toUri();
            if (landing.getScheme() == null || landing.getScheme().equals("file")) {
                java.nio.file.Path own = java.nio.file.Path.of(landing.getPath()).resolve(Profiles.LANDING_OVERRIDES);
                if (java.nio.file.Files.isRegularFile(own)) {
                    profiles = Profiles.withOverrides(own);
                }
            }
        }
        return profiles;
    }

    public IngestJob progress(Progress p) {
        this.progress = Objects.requireNonNull(p, "progress");
        return this;
    }

    /**
     * One feed's accounting. {@code status} is {@code ingested} or {@code absent} (optional feed not delivered);
     * {@code quarantinedByRule} counts each quarantined row once, under the first rule it broke; {@code seconds}
     * is the wall time to read, validate and write the feed; {@code readBy} names, for each landing folder read, the
     * layout that read it (phb's own, or a dataset profile and its specification's version) and how many files;
     * {@code recoded} counts the valid rows whose code was outside its field's list and was kept as "not known", by
     * {@code field=value} as sent.
     */
    public record FeedResult(String feed, String status, int files, long rowsIn, long rowsValid, long rowsQuarantined,
                             Map<String, Long> quarantinedByRule, long bronzeVersion, long quarantineVersion, double seconds,
                             Map<String, String> readBy, Map<String, Long> recoded) {
    }

    /** The run: its id, the extract date, each feed's accounting and where the data-quality summary went. */
    public record Result(String runId, LocalDate extractDate, List<FeedResult> feeds, String summaryFolder) implements JobResult {
        public long rowsIn() {
            return feeds.stream().mapToLong(FeedResult::rowsIn).sum();
        }

        public long rowsValid() {
            return feeds.stream().mapToLong(FeedResult::rowsValid).sum();
        }

        public long rowsQuarantined() {
            return feeds.stream().mapToLong(FeedResult::rowsQuarantined).sum();
        }

        /**
         * The run as its JSON gives it: {@code run_id}, {@code extract_date}, {@code feeds} (feed -> {@code status},
         * {@code files}, {@code rows_in}, {@code rows_valid}, {@code rows_quarantined}, {@code quarantined_by_rule},
         * {@code bronze_version}, {@code quarantine_version}, ...) and the totals {@code rows_in}, {@code rows_valid},
         * {@code rows_quarantined}. Also the content of {@code data_quality.json}.
         */
        @JsonValue
        public Object summary() {
            return DataQualitySummary.summary(runId, extractDate, feeds);
        }
    }

    /**
     * Runs again as a recorded run ran ({@code phb replay}): the same feeds, extract date and profile overrides, on the
     * landing files as they are now (the replay compares their sizes and times with those the run recorded).
     */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        RecordedParameters p = r.parameters();
        java.nio.file.Path overrides = p.path("profile_overrides");
        java.nio.file.Path recordedLanding = p.path("landing");
        if (overrides != null && recordedLanding != null && overrides.startsWith(recordedLanding)) {
            // the landing folder's own override file: read where the landing is now
            overrides = java.nio.file.Path.of(r.settings().landing()).resolve(recordedLanding.relativize(overrides));
        }
        IngestJob job = of(r.settings()).feeds(p.texts("feeds")).extractDate(p.date("extract_date"))
                .profiles(Profiles.withOverrides(overrides)).progress(progress);
        if (r.lakeKey() != null) {
            job.lakeKey(r.lakeKey());
        }
        return job.execute();
    }

    public Result execute() {
        SparkSession spark = SparkSessions.forJob(settings);
        Lake lake = settings.lakeLayout();
        // the lake key is read only when a profile re-keys pseudonyms, so it is not among the recorded parameters: a run
        // records the same parameters alone as in a batch (which always holds the key)
        RunParameters parameters = RunParameters.of(settings, null).with("feeds", feeds).with("extract_date", extractDate)
                .with("profile_overrides", profiles().overrideFile());
        // each feed's validated rows are cached for three passes and then dropped: compressing them cost more CPU
        // than it saved (15-20% of a large feed's time, measured on 2M-row feeds)
        String compressCache = spark.conf().get(CACHE_COMPRESSED, "true");
        spark.conf().set(CACHE_COMPRESSED, "false");
        try {
            return JobRun.execute(spark, lake, COMMAND, parameters, progress, run -> {
                run.stage("check landing files");
                List<List<FeedFiles>> found = preflight(spark);
                List<FeedResult> results = new ArrayList<>();
                for (List<FeedFiles> f : found) {
                    for (FeedFiles folder : f) {
                        for (LandingFile file : folder.files()) {
                            run.inputFile(folderName(folder) + "/" + file.name(), file.bytes(), Instant.ofEpochMilli(file.modified()));
                        }
                    }
                    run.stage("validate " + f.get(0).contract().name());
                    FeedResult r = ingestFeed(spark, lake, run, f);
                    results.add(r);
                    run.count(r.feed(), new FeedCounts(r.rowsIn(), r.rowsValid(), r.rowsQuarantined(), r.quarantinedByRule()));
                }
                run.stage("write data-quality summary");
                String folder = DataQualitySummary.write(spark.sparkContext().hadoopConfiguration(), settings.out(),
                        run.runId(), extractDate, results);
                Result result = new Result(run.runId(), extractDate, List.copyOf(results), folder);
                run.count("rows_in", result.rowsIn());
                run.count("rows_valid", result.rowsValid());
                run.count("rows_quarantined", result.rowsQuarantined());
                return result;
            });
        } finally {
            spark.conf().set(CACHE_COMPRESSED, compressCache);
        }
    }

    /** A feed's counts as the run records them. */
    private record FeedCounts(long rowsIn, long rowsValid, long rowsQuarantined, Map<String, Long> quarantinedByRule) {
    }

    /**
     * What is in the landing folder now, keyed as a run records its input files ({@code feed/file} ->
     * {@code bytes}, {@code modified}), for deciding whether a previous ingest is still current.
     */
    public static Map<String, JobRun.InputFile> landingInventory(SparkSession spark, JobSettings settings) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Map<String, JobRun.InputFile> files = new TreeMap<>();
        List<String> folders = new ArrayList<>(Feeds.all().stream().map(FeedContract::name).toList());
        Profiles.builtIn().all().forEach(p -> folders.add(p.folder()));
        for (String name : folders) {
            org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(settings.landing(), name);
            try {
                org.apache.hadoop.fs.FileSystem fs = folder.getFileSystem(conf);
                if (!fs.exists(folder)) {
                    continue;
                }
                String prefix = fs.makeQualified(folder).toUri().getPath();
                var it = fs.listFiles(folder, true);
                while (it.hasNext()) {
                    var st = it.next();
                    String rel = st.getPath().toUri().getPath().substring(prefix.length() + 1);
                    if (java.util.Arrays.stream(rel.split("/")).anyMatch(part -> part.startsWith("_") || part.startsWith("."))) {
                        continue;
                    }
                    files.put(name + "/" + rel, new JobRun.InputFile(st.getLen(), Instant.ofEpochMilli(st.getModificationTime()).toString()));
                }
            } catch (java.io.IOException e) {
                throw new InputException("cannot list the landing folder " + folder + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** A file in a folder whose profiles each read files by name, that none of them reads, would be ignored: a problem. */
    private static void unclaimed(Configuration conf, org.apache.hadoop.fs.Path folder, List<DatasetProfile> profiles, List<String> problems) {
        try {
            org.apache.hadoop.fs.FileSystem fs = folder.getFileSystem(conf);
            String prefix = fs.makeQualified(folder).toUri().getPath();
            var it = fs.listFiles(folder, true);
            while (it.hasNext()) {
                org.apache.hadoop.fs.Path p = it.next().getPath();
                String path = p.toUri().getPath();
                // within the folder, as ingest reads it: a name starting with _ or . is set aside
                if (java.util.Arrays.stream(path.substring(prefix.length() + 1).split("/")).anyMatch(x -> x.startsWith("_") || x.startsWith("."))) {
                    continue;
                }
                if (profiles.stream().allMatch(d -> LandingFiles.tableOf(d, p.getName()) == null && !LandingFiles.unread(d, p.getName()))) {
                    problems.add("file " + path + " is none of the tables its folder's profiles read (" + String.join("; ", profiles.stream()
                            .map(d -> d.id() + ": " + String.join(", ", tableFiles(d))).toList()) + "), so it would be ignored; "
                            + "rename it to its table's name or start its name with '_' to set it aside"
                            + unreadTables(profiles));
                }
            }
        } catch (java.io.IOException e) {
            problems.add("cannot list " + folder + ": " + e.getMessage());
        }
    }

    private static String unreadTables(List<DatasetProfile> profiles) {
        List<String> unread = profiles.stream().flatMap(d -> d.unread().stream()).toList();
        return unread.isEmpty() ? "" : " (the data set's tables phb does not read may stay: " + String.join(", ", unread) + ")";
    }

    private static List<String> tableFiles(DatasetProfile d) {
        List<String> out = new ArrayList<>();
        out.add(d.files());
        d.joins().forEach(j -> out.add(j.files()));
        return out;
    }

    /** The folder, and the profile too where the folder is not the profile's own name (several share it). */
    private static String readByKey(FeedFiles f) {
        return f.profile() == null || f.profile().folder().equals(f.profile().id()) ? folderName(f) : f.profile().folder() + "/" + f.profile().id();
    }

    private static String folderName(FeedFiles f) {
        return f.profile() == null ? f.contract().name() : f.profile().folder();
    }

    /**
     * Every selected feed's folders (phb's own layout first, then each dataset profile's folder that is present), checked;
     * all problems at once. A folder that is neither a feed nor a profile is a problem: its files would be ignored.
     */
    private List<List<FeedFiles>> preflight(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<String> problems = new ArrayList<>();
        List<List<FeedFiles>> out = new ArrayList<>();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(settings.landing());
        Set<String> folders = new java.util.TreeSet<>();
        try {
            org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                throw new InputException("landing folder " + settings.landing() + " does not exist; pass --landing DIR "
                        + "(the folder holding one folder per feed)");
            }
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(root)) {
                String name = st.getPath().getName();
                if (st.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
                    folders.add(name);
                }
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot read the landing folder " + settings.landing() + ": " + e.getMessage(), e);
        }
        Profiles profiles = profiles();
        for (String folder : folders) {
            boolean known = Feeds.all().stream().anyMatch(c -> c.name().equals(folder)) || !profiles.inFolder(folder).isEmpty();
            if (!known) {
                problems.add("folder " + new org.apache.hadoop.fs.Path(root, folder) + " is neither a feed nor a dataset profile, so "
                        + "its files would be ignored. Name it after the feed (" + String.join(", ", Feeds.all().stream()
                        .map(FeedContract::name).toList()) + ") or the profile that reads it (" + String.join(", ",
                        profiles.all().stream().map(DatasetProfile::id).toList()) + "; `phb profiles` lists them), or "
                        + "start its name with '_' to set it aside");
            }
            List<DatasetProfile> sharing = profiles.inFolder(folder);
            if (sharing.stream().anyMatch(p -> p.files() != null)) {
                unclaimed(conf, new org.apache.hadoop.fs.Path(root, folder), sharing, problems);
            }
        }
        for (String name : feeds) {
            FeedContract contract = Feeds.byName(name);
            List<DatasetProfile> national = profiles.all().stream()
                    .filter(p -> p.feed().equals(name) && folders.contains(p.folder())).toList();
            List<FeedFiles> sources = new ArrayList<>();
            boolean optional = OPTIONAL_FEEDS.contains(name) || !national.isEmpty();
            FeedFiles own = LandingFiles.find(conf, settings.landing(), contract, optional, problems);
            if (own.present() || national.isEmpty()) {
                sources.add(own);
            }
            for (DatasetProfile p : national) {
                if (p.person() != null && lakeKey == null && lakeKeySource != null) {
                    lakeKey = lakeKeySource.get();
                }
                if (p.person() != null && lakeKey == null) {
                    problems.add(LandingFiles.label(contract, p) + ": the profile re-keys pseudonyms with the lake key, "
                            + "which this run was not given; pass --lake-key-file");
                }
                sources.add(LandingFiles.find(conf, settings.landing(), p, problems));
            }
            for (FeedFiles f : sources) {
                for (LandingFile file : f.files()) {
                    if (f.profile() == null && file.format() == Format.PARQUET) {
                        String p = LandingReader.checkParquet(spark, contract, file);
                        if (p != null) {
                            problems.add(p);
                        }
                    }
                }
            }
            out.add(sources);
        }
        if (!problems.isEmpty()) {
            throw new InputException((problems.size() == 1 ? "" : problems.size() + " problems in the landing folder "
                    + settings.landing() + "; nothing was written:\n  ") + String.join("\n  ", problems));
        }
        return out;
    }

    private FeedResult ingestFeed(SparkSession spark, Lake lake, JobRun run, List<FeedFiles> sources) {
        FeedContract contract = sources.get(0).contract();
        long start = System.nanoTime();
        Dataset<Row> raw = null;
        Map<String, String> readBy = new LinkedHashMap<>();
        List<Dataset<Row>> kept = new ArrayList<>();
        for (FeedFiles f : sources) {
            String setAside = "";
            Dataset<Row> part;
            if (f.profile() == null) {
                part = LandingReader.read(spark, contract, f.files());
            } else {
                ApplyProfile apply = ApplyProfile.of(f.profile(), lakeKey, profiles());
                Dataset<Row> source = LandingReader.readNational(spark, f.profile(), f.files());
                if (f.profile().where() != null && f.present()) {
                    // a profile that sets rows aside (MHS401 in an MHSDS folder) counts them: the files are read and parsed
                    // once, and both the feed's rows and those set aside come from what was read
                    spark.sparkContext().setJobDescription("ingest " + contract.name() + ": read profile " + f.profile().id());
                    try {
                        source = Materialised.of(source);
                    } catch (Exception e) { // SparkException is checked, yet Spark throws it from the first pass over the files
                        throw unreadable(f, e);
                    }
                    kept.add(source);
                    long aside = apply.setAside(source).count();
                    setAside = "; " + String.format("%,d", aside) + (aside == 1 ? " row" : " rows") + " set aside, not the feed's (where "
                            + f.profile().where().strip() + ")";
                }
                part = apply.execute(source);
            }
            raw = raw == null ? part : raw.unionByName(part);
            if (f.present()) {
                readBy.put(readByKey(f), f.readBy() + ": " + f.files().size() + (f.files().size() == 1 ? " file" : " files") + setAside);
            }
        }
        FeedFiles f = new FeedFiles(contract, null, String.join(", ", sources.stream().map(FeedFiles::folder).toList()),
                sources.stream().anyMatch(FeedFiles::present), sources.stream().flatMap(x -> x.files().stream()).toList());
        Map<String, java.util.Set<String>> localCodes = new TreeMap<>();
        profiles().localCodes().forEach((list, codes) -> localCodes.put(list, codes.keySet()));
        ValidateFeed validate = ValidateFeed.of(contract).extractDate(extractDate).localCodes(localCodes);
        ValidateFeed.Result validated;
        try {
            // validated once and kept: the counts and both writes read it without planning the validation again
            validated = validate.outputsOf(Materialised.of(validate.execute(raw).checked()));
        } catch (Exception e) { // SparkException is checked, yet Spark throws it from the first pass over the files
            throw unreadable(f, e);
        } finally {
            // the validated rows hold all that is needed from the sources read once: one copy at a time
            kept.forEach(Materialised::release);
        }
        try {
            Map<String, Long> byRule = new TreeMap<>();
            long valid = 0;
            List<Row> counts = validated.countsByRule().collectAsList();
            Map<String, Long> recoded = new TreeMap<>();
            for (Row r : counts) {
                long n = r.getLong(2);
                if (r.isNullAt(0)) {
                    valid += n;
                    for (String value : r.<String>getList(1)) {
                        recoded.merge(value, n, Long::sum);
                    }
                } else {
                    byRule.merge(r.getString(0), n, Long::sum);
                }
            }
            long quarantined = byRule.values().stream().mapToLong(Long::longValue).sum();
            String bronze = lake.bronze(contract.name());
            String quarantine = lake.quarantine(contract.name());
            long bronzeVersion = replace(spark, validated.valid().withColumn(RUN_ID_COLUMN, lit(run.runId())), bronze, run.runId(), valid);
            run.output(LakeTables.bronze(contract), bronzeVersion, valid);
            long quarantineVersion = replace(spark, validated.quarantine().withColumn(RUN_ID_COLUMN, lit(run.runId())), quarantine,
                    run.runId(), quarantined);
            run.output(LakeTables.quarantine(contract), quarantineVersion, quarantined);
            return new FeedResult(contract.name(), f.present() ? "ingested" : "absent", f.files().size(), valid + quarantined,
                    valid, quarantined, byRule, bronzeVersion, quarantineVersion, (System.nanoTime() - start) / 1e9, readBy, recoded);
        } finally {
            Materialised.release(validated.checked());
        }
    }

    /**
     * A failure while reading a feed's files (the first pass over them, before anything of the feed is written)
     * that comes from the files themselves (an I/O or decoding error: a truncated gzip, a damaged Parquet page,
     * a file changed or removed during the run) becomes an input error naming the feed and its files.
     */
    static RuntimeException unreadable(FeedFiles f, Exception e) {
        Throwable cause = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.io.ObjectStreamException) {
                return e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);   // a defect of ours, not the file's
            }
            if (c instanceof java.io.IOException || c.getClass().getName().startsWith("org.apache.parquet")
                    || (c instanceof org.apache.spark.SparkException se && se.getCondition() != null
                    && se.getCondition().startsWith("FAILED_READ_FILE"))) {
                cause = c;
            }
        }
        if (cause == null) {
            return e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
        String files = String.join(", ", f.files().stream().map(LandingFile::name).toList());
        String what = cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return new InputException("feed " + f.contract().name() + ": a file in " + f.folder() + " cannot be read (" + what
                + "); files: " + files + ". Check they are complete (a .gz file may be truncated, a Parquet file damaged) "
                + "and not being changed, then re-send them; nothing of this feed was written", e);
    }

    /**
     * A table made before ingest stopped collecting column statistics gets the setting first: a Delta overwrite
     * keeps the table's properties, so the write option alone applies only to new tables.
     */
    private static void withoutColumnStatistics(SparkSession spark, String path, String runId) {
        if (!DeltaTables.exists(spark, path)) {
            return;
        }
        Map<String, String> properties = DeltaTable.forPath(spark, path).detail().select("properties").first().getJavaMap(0);
        if (!"0".equals(properties.get(COLUMN_STATISTICS))) {
            spark.conf().set(COMMIT_METADATA, "phb ingest run " + runId);
            try {
                spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES ('" + COLUMN_STATISTICS + "' = '0')");
            } finally {
                spark.conf().unset(COMMIT_METADATA);
            }
        }
    }

    /**
     * Overwrites the Delta table at {@code path} in one atomic commit tagged with the run id, and checks the
     * commit wrote {@code expectedRows}. Returns the new table version.
     */
    private static long replace(SparkSession spark, Dataset<Row> rows, String path, String runId, long expectedRows) {
        withoutColumnStatistics(spark, path, runId);
        rows.write().format("delta").mode(SaveMode.Overwrite)
                .option("overwriteSchema", "true")
                .option(COLUMN_STATISTICS, "0")
                .option("userMetadata", "phb ingest run " + runId)
                .save(path);
        DeltaTables.LastCommit last = DeltaTables.lastCommit(spark, path);
        long version = last.version();
        String written = last.operationMetrics().get("numOutputRows");
        if (written != null && Long.parseLong(written) != expectedRows) {
            throw new IllegalStateException("row accounting failed for " + path + ": counted " + expectedRows
                    + " rows but the Delta commit wrote " + written + "; the table version " + version + " is suspect");
        }
        return version;
    }
}
