package uk.nhs.phb.jobs.extract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.InputVersions;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.extract.OptOuts;
import uk.nhs.phb.pipelines.extract.PersonView;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.IdentityLevel;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.Quarter;

/**
 * {@code phb extract --purpose P --recipient R --quarter Q}: one release of the gold tables at the quarter's end
 * for one recipient, at the identity level the purpose allows ({@link ExtractPurposes}), written to
 * {@code <out>/extracts/<quarter>/<purpose>/<recipient>/} through a staging folder renamed into place, with
 * {@code manifest.json} written last.
 *
 * <p>The population is {@code gold/person_features} at the date (one practice for a practice-scoped purpose,
 * narrowed by the purpose's population filter); the opt-outs the level applies remove people, counted per rule;
 * then, by level: PSEUDONYMISED rows carry the recipient's own {@link RecipientPseudonyms pseudonym} and never the
 * lake's person id; ANONYMISED rows go through {@link AnonymiseJob} (optimal generalisation, written only after its
 * independent verifier passes) and are verified again where they will be published; AGGREGATE releases only
 * two-way tables of counts through {@link SmallNumbers}, checked before publication to hold nothing but
 * published figures. Every person in scope gets a row in {@code audit/extract_log} (included, or the rule that
 * removed them), and the run is recorded in {@code audit/runs}.
 */
public final class ExtractJob {
    public static final String COMMAND = "extract";
    /** The released id column of a pseudonymised extract. */
    public static final String PSEUDONYM = "pseudonym";
    /** {@code removed_by} of a person the anonymisation engine suppressed. */
    public static final String SUPPRESSED = "ANONYMISATION_SUPPRESSED";
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = Json.mapper();

    private ExtractJob() {
    }

    /**
     * One extract to make.
     *
     * @param level    null for the purpose's default level
     * @param practice for a practice-scoped purpose, the practice code (null: the recipient when it is a practice code)
     */
    public record Request(JobSettings settings, SecretKey lakeKey, ExtractPurposes purposes, String purpose, String recipient,
                          Quarter quarter, IdentityLevel level, String practice, InputVersions inputs) {
        public Request {
            java.util.Objects.requireNonNull(inputs, "inputs");
        }

        /** An extract of the tables as they are now. */
        public Request(JobSettings settings, SecretKey lakeKey, ExtractPurposes purposes, String purpose, String recipient, Quarter quarter,
                       IdentityLevel level, String practice) {
            this(settings, lakeKey, purposes, purpose, recipient, quarter, level, practice, InputVersions.latest());
        }

        /**
         * The extract {@code past} made, to make again exactly: its purpose, recipient, quarter, level and practice as
         * recorded, every table at the version it read (Delta time travel), and the same purposes configuration (checked
         * by its SHA-256: {@code purposes} must be the one the run used).
         */
        public static Request replaying(JobSettings settings, SecretKey lakeKey, ExtractPurposes purposes, AuditLog.RunRecord past) {
            Map<?, ?> p = past.parametersToReplay(COMMAND, "an extract");
            if (!purposes.sha256().equals(p.get("purposes_sha256"))) {
                throw new InputException("run " + past.runId() + " used the purposes configuration " + p.get("purposes_source") + " (SHA-256 "
                        + p.get("purposes_sha256") + "), not " + purposes.source() + " (" + purposes.sha256() + "); give that file with --purposes");
            }
            return new Request(settings, lakeKey, purposes, (String) p.get("purpose"), (String) p.get("recipient"),
                    Quarter.parse((String) p.get("quarter")), IdentityLevel.valueOf((String) p.get("level")), (String) p.get("practice"),
                    InputVersions.of(past));
        }
    }

    /** Where an extract goes: {@code <out>/extracts/<quarter>/<purpose>/<recipient>}. */
    public static String folder(JobSettings settings, Quarter quarter, String purpose, String recipient) {
        return settings.out() + "/extracts/" + quarter + "/" + purpose + "/" + RecipientPseudonyms.recipientName(recipient);
    }

    /**
     * An extract made: who for, at which level, the people in scope and those opt-outs removed (by rule), the rows
     * released; by level, the columns (person-level), what was suppressed and how it was anonymised (anonymised), or the
     * tables (aggregate); the files, the notes, and where it went. Its {@code --json} keys are in docs/CLI.md.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String runId, String extractId, String purpose, String recipient, Quarter quarter, LocalDate referenceDate,
                         IdentityLevel level, long populationInScope, Map<String, Long> optOutRemovals, long rows, List<String> columns,
                         Long suppressed, Releases.AnonymisationSummary anonymisation, List<Releases.TableInfo> tables, String regeneratesRun,
                         int files, List<String> notes,
                         String dir, String manifest, double seconds) implements JobResult {
    }

    /** A published file: its path in the folder, its size and its SHA-256. */
    public record FileSum(String path, long bytes, String sha256) {
    }

    /** An opt-out list as read: its tokens, and the people of the index they reach. */
    record OptOutList(long tokens, long personsInIndex) {
    }

    /** The purposes configuration an extract was made under. */
    record PurposesConfig(String source, String version, String sha256) {
    }

    /**
     * {@code manifest.json}: what was released, to whom and why, what opt-outs removed, the release's own details by
     * level, every file with its checksum, the runs, the table versions read, the purposes and notes.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Manifest(String extractId, String purpose, String purposeDescription, String recipient, String practice, String quarter,
                    String referenceDate, String level, String legalBasis, List<String> optOutsApplied, List<String> optOutsNotApplied,
                    Map<String, Long> optOutRemovals, Map<String, OptOutList> optOutList, Object populationInScope, long removedByOptOuts,
                    long rows, @JsonUnwrapped Releases.Details details, List<FileSum> files, String runId, String regeneratedByRun,
                    Map<String, Long> inputs, PurposesConfig purposesConfig, List<String> notes, String phbVersion, String createdAt) {
    }

    /** Makes the extract. */
    public static Result run(SparkSession spark, Request req, Progress progress) {
        long t0 = System.nanoTime();
        ExtractPurposes.Purpose purpose = req.purposes().purpose(req.purpose());
        IdentityLevel level = req.level() == null ? purpose.defaultLevel() : req.level();
        ExtractPurposes.Level spec = purpose.levels().get(level);
        if (spec == null) {
            throw new InputException("purpose " + purpose.name() + " may release at " + purpose.levels().keySet() + ", not " + level
                    + "; choose one of those with --level");
        }
        String recipient;
        try {
            recipient = RecipientPseudonyms.recipientName(req.recipient());
        } catch (IllegalArgumentException e) {
            throw new InputException("--recipient: " + e.getMessage());
        }
        String practice = practice(purpose, req.practice(), req.recipient());
        LocalDate date = req.quarter().end();
        Lake lake = req.settings().lakeLayout();
        String extractId = req.quarter() + "/" + purpose.name() + "/" + recipient;
        InputVersions inputVersions = req.inputs();
        String replayed = inputVersions.replayedRunId();
        // a replay writes beside the current extract, under the id of the run it makes again
        String target = folder(req.settings(), req.quarter(), purpose.name(), recipient) + (replayed == null ? "" : ".run-" + replayed);
        if (inputVersions.version(spark, lake, LakeTables.PERSON_FEATURES) < 0) {
            throw new InputException((replayed == null ? "no" : "run " + replayed + " read no") + " gold/person_features in " + lake.root()
                    + "; run 'phb features --as-of " + req.quarter() + "' first");
        }
        List<String> rules = spec.optOuts();
        if (!rules.isEmpty()) {
            requireOptOutInputs(spark, lake, inputVersions, purpose, level, rules);
        }

        RunParameters params = RunParameters.of(req.settings(), req.lakeKey()).with("purpose", purpose.name()).with("recipient", recipient)
                .with("quarter", req.quarter()).with("level", level.name());
        if (practice != null) {
            params.with("practice", practice);
        }
        params.with("purposes_source", req.purposes().source()).with("purposes_sha256", req.purposes().sha256());
        if (replayed != null) {
            params.with("regenerates_run", replayed);
        }
        List<Dataset<Row>> cached = new ArrayList<>();
        String staging = Files2.stagingFor(target);
        try {
            return JobRun.execute(spark, lake, COMMAND, params, progress, run -> {
                run.stage("read gold tables at " + date);
                List<String> notes = new ArrayList<>();
                Map<String, Long> inputs = new LinkedHashMap<>();
                Map<String, Dataset<Row>> tables = readGold(spark, lake, inputVersions, date, referenced(purpose, spec), run, inputs, notes);
                if (!tables.containsKey(PersonView.FEATURES)) {
                    throw new InputException("gold/person_features has no rows at " + date + " (" + req.quarter() + "); run 'phb features --as-of "
                            + req.quarter() + "' first");
                }

                run.stage("population and opt-outs");
                Dataset<Row> population = tables.get(PersonView.FEATURES);
                if (practice != null) {
                    population = population.filter(col("practice_code").equalTo(practice));
                }
                population = populationFilter(purpose, population, tables, notes);
                Map<String, OptOutList> optOutList = new LinkedHashMap<>();
                Dataset<Row> marked;
                if (rules.isEmpty()) {
                    marked = OptOuts.mark(population, null, rules);
                } else {
                    long optVersion = inputVersions.version(spark, lake, LakeTables.bronze("opt_outs"));
                    long indexVersion = inputVersions.version(spark, lake, LakeTables.PERSON_INDEX);
                    run.input(LakeTables.bronze("opt_outs"), optVersion);
                    run.input(LakeTables.PERSON_INDEX, indexVersion);
                    inputs.put(LakeTables.bronze("opt_outs").path(), optVersion);
                    inputs.put(LakeTables.PERSON_INDEX.path(), indexVersion);
                    Dataset<Row> optOutPersons = OptOuts.persons(InputVersions.read(spark, lake, LakeTables.bronze("opt_outs"), optVersion),
                            InputVersions.read(spark, lake, LakeTables.PERSON_INDEX, indexVersion), req.lakeKey());
                    for (Row r : optOutPersons.groupBy("opt_out_type").agg(countDistinct("entity_hash").alias("tokens"),
                            countDistinct("person_id").alias("persons")).collectAsList()) {
                        optOutList.put(r.getString(0), new OptOutList(r.getLong(1), r.getLong(2)));
                    }
                    marked = OptOuts.mark(population, optOutPersons, rules);
                }
                marked = marked.persist(StorageLevel.MEMORY_AND_DISK());
                cached.add(marked);
                Map<String, Long> removedBy = new LinkedHashMap<>();
                rules.forEach(r -> removedBy.put(r, 0L));
                long inScope = 0;
                for (Row r : marked.groupBy(OptOuts.REMOVED_BY).agg(count(lit(1))).collectAsList()) {
                    inScope += r.getLong(1);
                    if (!r.isNullAt(0)) {
                        removedBy.put(r.getString(0), r.getLong(1));
                    }
                }
                if (practice != null && inScope == 0) {
                    throw new InputException("no person registered at practice " + practice + " is in scope of " + purpose.name() + " at " + date
                            + "; check the practice code (--practice)");
                }
                long removed = removedBy.values().stream().mapToLong(Long::longValue).sum();
                Dataset<Row> kept = marked.filter(col(OptOuts.REMOVED_BY).isNull()).drop(OptOuts.REMOVED_BY);

                Releases.Details details;
                Dataset<Row> trail;
                long rows;
                List<String> columns = null;
                switch (level) {
                    case PSEUDONYMISED -> {
                        run.stage("pseudonymised rows");
                        Releases.Released r = Releases.pseudonymised(spark, req, purpose, spec, recipient, kept, tables, staging, notes);
                        rows = r.rows();
                        details = r.details();
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY));
                        columns = r.columns();
                    }
                    case ANONYMISED -> {
                        run.stage("anonymise and verify");
                        Releases.Released r = Releases.anonymised(spark, req, spec, kept, tables, staging, notes, cached, progress);
                        rows = r.rows();
                        details = r.details();
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY)).join(r.included(), new String[] {"person_id"}, "left")
                                .withColumn(OptOuts.REMOVED_BY, when(col(OptOuts.REMOVED_BY).isNull().and(col("_released").isNull()), lit(SUPPRESSED))
                                        .otherwise(col(OptOuts.REMOVED_BY)))
                                .drop("_released");
                        columns = r.columns();
                    }
                    case AGGREGATE -> {
                        run.stage("aggregate tables");
                        Releases.Aggregated a = Releases.aggregate(spark, spec, kept, tables, staging, notes);
                        rows = a.rows();
                        details = a.details();
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY));
                    }
                    default -> throw new IllegalStateException("no extract at level " + level);
                }

                run.stage("audit trail");
                String logPath = lake.path(LakeTables.EXTRACT_LOG);
                Dataset<Row> log = trail.select(lit(run.runId()).alias("run_id"), lit(extractId).alias("extract_id"),
                        lit(req.quarter().toString()).alias("quarter"), lit(date.toString()).cast(DataTypes.DateType).alias("reference_date"),
                        lit(purpose.name()).alias("purpose"), lit(recipient).alias("recipient"), lit(level.name()).alias("level"),
                        col("person_id"), col(OptOuts.REMOVED_BY).isNull().alias("included"), col(OptOuts.REMOVED_BY).alias("removed_by"),
                        current_timestamp().alias("logged_at"));
                spark.createDataFrame(log.rdd(), LakeTables.EXTRACT_LOG.schema()).write().format("delta").mode(SaveMode.Append)
                        .option("userMetadata", "{\"run_id\":\"" + run.runId() + "\"}").save(logPath);
                run.output(LakeTables.EXTRACT_LOG, DeltaTables.version(spark, logPath), inScope);

                run.stage("manifest and publish");
                List<FileSum> files = checksums(spark, staging);
                // an aggregate release is a publication: its manifest carries the population as the rule publishes it
                Object published = level == IdentityLevel.AGGREGATE
                        ? SmallNumbers.NHS_DIGITAL.count(inScope, SmallNumbers.Level.SUB_NATIONAL).shown() : inScope;
                Manifest m = new Manifest(extractId, purpose.name(), purpose.description(), recipient, practice, req.quarter().toString(),
                        date.toString(), level.name(), spec.legalBasis(), rules,
                        CodeLists.get("opt_out_type").keySet().stream().filter(t -> !rules.contains(t)).toList(), removedBy,
                        optOutList.isEmpty() ? null : optOutList, published, removed, rows, details, files,
                        replayed == null ? run.runId() : replayed, replayed == null ? null : run.runId(), inputs,
                        new PurposesConfig(req.purposes().source(), req.purposes().version(), req.purposes().sha256()), notes, version(),
                        Instant.now().toString());
                Files2.writeText(spark, staging + "/" + MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
                Files2.publish(spark, staging, target, true);

                run.count("population_in_scope", inScope);
                run.count("opt_out_removals", removedBy);
                run.count("rows", rows);
                run.count("extract", target);
                return new Result(run.runId(), extractId, purpose.name(), recipient, req.quarter(), date, level, inScope, removedBy, rows,
                        columns, details.suppressed(), details.anonymisationSummary(), details.tables(), replayed, files.size(), notes, target,
                        target + "/" + MANIFEST, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            });
        } finally {
            Files2.discard(spark, staging);
            cached.forEach(Dataset::unpersist);
        }
    }

    /** The practice of a practice-scoped purpose: {@code --practice}, or the recipient when it is a practice code. */
    private static String practice(ExtractPurposes.Purpose purpose, String practice, String recipient) {
        if (!purpose.perPractice()) {
            if (practice != null) {
                throw new InputException("--practice applies only to a purpose scoped to one practice; " + purpose.name() + " covers the ICB");
            }
            return null;
        }
        String p = practice != null ? practice.strip().toUpperCase(java.util.Locale.ROOT)
                : recipient == null ? "" : recipient.strip().toUpperCase(java.util.Locale.ROOT);
        if (!p.matches(Feeds.PRACTICE_PATTERN)) {
            throw new InputException(purpose.name() + " extracts hold one GP practice's patients: give --practice CODE (an ODS practice code "
                    + "such as B82005)" + (practice == null ? "" : ", not '" + practice + "'"));
        }
        return p;
    }

    private static void requireOptOutInputs(SparkSession spark, Lake lake, InputVersions inputs, ExtractPurposes.Purpose purpose,
                                            IdentityLevel level, List<String> rules) {
        String what = purpose.name() + " at " + level + " applies opt-outs " + rules;
        if (inputs.replaying()) {
            for (LakeTable table : List.of(LakeTables.bronze("opt_outs"), LakeTables.PERSON_INDEX)) {
                if (inputs.version(spark, lake, table) < 0) {
                    throw new InputException(what + " but run " + inputs.replayedRunId() + " recorded no version of " + table.path());
                }
            }
            return;
        }
        if (!DeltaTables.exists(spark, lake.bronze("opt_outs"))) {
            throw new InputException(what + " but the lake has no bronze/opt_outs; deliver the opt-out list as landing/opt_outs and run "
                    + "'phb ingest'");
        }
        // each list may come from its own source (the national check's list, GP records' type 1 codes): every rule applied
        // needs its own, or one list's presence would hide the other's absence
        java.util.Set<String> delivered = new java.util.TreeSet<>();
        spark.read().format("delta").load(lake.bronze("opt_outs")).select("opt_out_type").distinct().collectAsList()
                .forEach(r -> delivered.add(r.getString(0)));
        for (String rule : rules) {
            if (!delivered.contains(rule)) {
                throw new InputException(what + " but bronze/opt_outs holds no " + rule + " opt-outs (that list was absent at the last "
                        + "ingest); no extract is made without it: deliver " + (rule.equals("TYPE1")
                        ? "the type 1 opt-outs (GP events with their codes in landing/gp_events, or landing/opt_outs)"
                        : "the national data opt-out list (landing/ndop_opted_out or landing/ndop_cleared, or landing/opt_outs)")
                        + " and run 'phb ingest'");
            }
        }
        if (!DeltaTables.exists(spark, lake.path(LakeTables.PERSON_INDEX))) {
            throw new InputException(what + " but the lake has no silver/person_index to find the people opted out; run 'phb link'");
        }
    }

    /** The gold tables a purpose's level draws on: person_features, and every table its columns, tables, filter or order name. */
    private static List<String> referenced(ExtractPurposes.Purpose purpose, ExtractPurposes.Level spec) {
        java.util.Set<String> t = new java.util.HashSet<>();
        t.add(PersonView.FEATURES);
        spec.columns().forEach(c -> t.add(c.table()));
        spec.tables().forEach(x -> x.refs().forEach(c -> t.add(c.table())));
        if (purpose.population() != null) {
            t.add(purpose.population().table());
        }
        if (purpose.orderBy() != null) {
            t.add(purpose.orderBy().table());
        }
        return PersonView.TABLES.stream().filter(t::contains).toList();
    }

    /** Each gold table named, present with rows at the date, read at one version (recorded), filtered to the date. */
    private static Map<String, Dataset<Row>> readGold(SparkSession spark, Lake lake, InputVersions versions, LocalDate date, List<String> names,
                                                      JobRun run, Map<String, Long> inputs, List<String> notes) {
        Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        for (String t : names) {
            LakeTable table = PersonView.table(t);
            long v = versions.version(spark, lake, table);
            if (v < 0) {
                if (!t.equals(PersonView.FEATURES)) {
                    notes.add("gold/" + t + " is absent: its columns and tables are left out");
                }
                continue;
            }
            Dataset<Row> d = InputVersions.read(spark, lake, table, v);
            for (String needed : List.of("person_id", "reference_date")) {
                if (!Arrays.asList(d.columns()).contains(needed)) {
                    throw new InputException("gold/" + t + " has no " + needed + " column; its columns are " + List.of(d.columns()));
                }
            }
            d = d.filter(col("reference_date").equalTo(lit(date.toString()).cast(DataTypes.DateType)));
            run.input(table, v);
            inputs.put(table.path(), v);
            if (d.isEmpty()) {
                if (!t.equals(PersonView.FEATURES)) {
                    notes.add("gold/" + t + " has no rows at " + date + ": its columns and tables are left out");
                }
                continue;
            }
            tables.put(t, d);
        }
        return tables;
    }

    private static Dataset<Row> populationFilter(ExtractPurposes.Purpose purpose, Dataset<Row> population, Map<String, Dataset<Row>> tables,
                                                 List<String> notes) {
        ExtractPurposes.Population p = purpose.population();
        if (p == null) {
            return population;
        }
        Dataset<Row> t = tables.get(p.table());
        if (t == null) {
            notes.add("population filter '" + p.where() + "' on gold/" + p.table() + " not applied: the table is absent; the extract holds "
                    + "everyone in scope");
            return population;
        }
        try {
            Dataset<Row> people = t.filter(expr(p.where())).select("person_id").distinct();
            people.schema();
            return population.join(people, new String[] {"person_id"}, "left_semi");
        } catch (Exception e) {
            if (!(e instanceof AnalysisException)) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            throw new InputException("purpose " + purpose.name() + ": population condition '" + p.where() + "' does not hold on gold/" + p.table()
                    + " (columns " + List.of(t.columns()) + "): " + e.getMessage().lines().findFirst().orElse(""));
        }
    }


    /**
     * Removes what the file system and Spark leave beside data files ({@code .crc}, {@code _SUCCESS}), then lists every
     * file under {@code folder} with its size and SHA-256, paths relative to the folder, sorted.
     */
    static List<FileSum> checksums(SparkSession spark, String folder) {
        FileSystem fs = Files2.plain(spark, folder);
        Path root = new Path(folder);
        List<FileSum> out = new ArrayList<>();
        try {
            String rootUri = fs.getFileStatus(root).getPath().toUri().getPath();
            List<LocatedFileStatus> all = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                all.add(it.next());
            }
            for (LocatedFileStatus st : all) {
                String name = st.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) {
                    fs.delete(st.getPath(), false);
                }
            }
            for (LocatedFileStatus st : all) {
                String name = st.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                String rel = st.getPath().toUri().getPath().substring(rootUri.length() + 1);
                out.add(new FileSum(rel, st.getLen(), sha256(fs, st)));
            }
        } catch (IOException e) {
            throw new InputException("cannot list the extract in " + folder + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(FileSum::path));
        return out;
    }

    /** The file system without its client-side checksum files (a local folder's {@code .crc} siblings are then plain files). */

    static String sha256(FileSystem fs, FileStatus st) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = fs.open(st.getPath())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String version() {
        String v = ExtractJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Counts of the trail by outcome, for tests and {@code audit}: {@code included} or the removing rule. */
    static Map<String, Long> trailCounts(SparkSession spark, Lake lake, String runId) {
        Map<String, Long> out = new HashMap<>();
        for (Row r : DeltaTables.read(spark, lake, LakeTables.EXTRACT_LOG).filter(col("run_id").equalTo(runId))
                .groupBy(when(col("included"), lit("included")).otherwise(col("removed_by"))).count().collectAsList()) {
            out.put(r.getString(0), r.getLong(1));
        }
        return out;
    }
}
