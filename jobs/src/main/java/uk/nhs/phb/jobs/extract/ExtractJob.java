package uk.nhs.phb.jobs.extract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.InputVersions;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.ProviderFiles;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.models.anonymise.LossMeasure;
import uk.nhs.phb.models.anonymise.VerifyAnonymity;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.anonymise.AnonymiseTable;
import uk.nhs.phb.pipelines.extract.ColumnRef;
import uk.nhs.phb.pipelines.extract.OptOuts;
import uk.nhs.phb.pipelines.extract.PersonView;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Csv;
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
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Makes the extract; returns the summary ({@code --json} keys in docs/CLI.md). */
    public static Map<String, Object> run(SparkSession spark, Request req, Progress progress) {
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
        try (JobRun run = JobRun.start(spark, lake, COMMAND, params, progress)) {
            try {
                run.stage("read gold tables at " + date);
                List<String> notes = new ArrayList<>();
                Map<String, Object> inputs = new LinkedHashMap<>();
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
                Map<String, Object> optOutList = new LinkedHashMap<>();
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
                        optOutList.put(r.getString(0), Map.of("tokens", r.getLong(1), "persons_in_index", r.getLong(2)));
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

                Map<String, Object> summary = new LinkedHashMap<>();
                Map<String, Object> manifest = new LinkedHashMap<>();
                Dataset<Row> trail;
                long rows;
                switch (level) {
                    case PSEUDONYMISED -> {
                        run.stage("pseudonymised rows");
                        Released r = pseudonymised(spark, req, purpose, spec, recipient, kept, tables, staging, notes, manifest);
                        rows = r.rows();
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY));
                        summary.put("columns", r.columns());
                    }
                    case ANONYMISED -> {
                        run.stage("anonymise and verify");
                        Released r = anonymised(spark, req, spec, kept, tables, staging, notes, manifest, cached, progress);
                        rows = r.rows();
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY)).join(r.included(), new String[] {"person_id"}, "left")
                                .withColumn(OptOuts.REMOVED_BY, when(col(OptOuts.REMOVED_BY).isNull().and(col("_released").isNull()), lit(SUPPRESSED))
                                        .otherwise(col(OptOuts.REMOVED_BY)))
                                .drop("_released");
                        summary.put("columns", r.columns());
                        summary.put("suppressed", manifest.get("suppressed"));
                        summary.put("anonymisation", manifest.get("anonymisation_summary"));
                    }
                    case AGGREGATE -> {
                        run.stage("aggregate tables");
                        rows = aggregate(spark, spec, kept, tables, staging, notes, manifest);
                        trail = marked.select(col("person_id"), col(OptOuts.REMOVED_BY));
                        summary.put("tables", manifest.get("tables"));
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
                List<Map<String, Object>> files = checksums(spark, staging);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("extract_id", extractId);
                m.put("purpose", purpose.name());
                m.put("purpose_description", purpose.description());
                m.put("recipient", recipient);
                if (practice != null) {
                    m.put("practice", practice);
                }
                m.put("quarter", req.quarter().toString());
                m.put("reference_date", date.toString());
                m.put("level", level.name());
                m.put("legal_basis", spec.legalBasis());
                m.put("opt_outs_applied", rules);
                m.put("opt_outs_not_applied", CodeLists.get("opt_out_type").keySet().stream().filter(t -> !rules.contains(t)).toList());
                m.put("opt_out_removals", removedBy);
                if (!optOutList.isEmpty()) {
                    m.put("opt_out_list", optOutList);
                }
                // an aggregate release is a publication: its manifest carries the population as the rule publishes it
                m.put("population_in_scope", level == IdentityLevel.AGGREGATE
                        ? SmallNumbers.NHS_DIGITAL.count(inScope, SmallNumbers.Level.SUB_NATIONAL).shown() : inScope);
                m.put("removed_by_opt_outs", removed);
                m.put("rows", rows);
                m.putAll(manifest);
                m.remove("anonymisation_summary");
                m.put("files", files);
                m.put("run_id", replayed == null ? run.runId() : replayed);
                if (replayed != null) {
                    m.put("regenerated_by_run", run.runId());
                }
                m.put("inputs", inputs);
                m.put("purposes_config", Map.of("source", req.purposes().source(), "version", req.purposes().version(),
                        "sha256", req.purposes().sha256()));
                m.put("notes", notes);
                m.put("phb_version", version());
                m.put("created_at", Instant.now().toString());
                Files2.writeText(spark, staging + "/" + MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m));
                Files2.publish(spark, staging, target, true);

                run.count("population_in_scope", inScope);
                run.count("opt_out_removals", removedBy);
                run.count("rows", rows);
                run.count("extract", target);
                summary.put("run_id", run.runId());
                if (replayed != null) {
                    summary.put("regenerates_run", replayed);
                }
                summary.put("extract_id", extractId);
                summary.put("purpose", purpose.name());
                summary.put("recipient", recipient);
                summary.put("quarter", req.quarter().toString());
                summary.put("reference_date", date.toString());
                summary.put("level", level.name());
                summary.put("population_in_scope", inScope);
                summary.put("opt_out_removals", removedBy);
                summary.put("rows", rows);
                summary.put("files", files.size());
                summary.put("notes", notes);
                summary.put("dir", target);
                summary.put("manifest", target + "/" + MANIFEST);
                summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                run.succeeded();
                return reorder(summary);
            } catch (JsonProcessingException e) {
                run.failed(e);
                throw new IllegalStateException("cannot write the manifest", e);
            } catch (RuntimeException e) {
                run.failed(e);
                throw e;
            }
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
        if (spark.read().format("delta").load(lake.bronze("opt_outs")).isEmpty()) {
            throw new InputException(what + " but bronze/opt_outs is empty (the feed was absent at the last ingest); no extract is made "
                    + "without the opt-out list: deliver landing/opt_outs and run 'phb ingest'");
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
                                                      JobRun run, Map<String, Object> inputs, List<String> notes) {
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

    /** Present refs; refs of absent tables are left out with a note; a column missing from a present table is an error. */
    private static List<ColumnRef> present(List<ColumnRef> refs, Map<String, Dataset<Row>> tables, List<String> notes, String what) {
        List<ColumnRef> unknown = PersonView.unknown(tables, refs);
        if (!unknown.isEmpty()) {
            Map<String, List<String>> have = new TreeMap<>();
            unknown.forEach(u -> have.put(u.table(), List.of(tables.get(u.table()).columns())));
            throw new InputException(what + " names columns " + unknown + " that the gold tables do not have (their columns: " + have
                    + "); correct the purposes file");
        }
        List<ColumnRef> absent = PersonView.absent(tables, refs);
        if (!absent.isEmpty()) {
            notes.add(what + ": left out " + absent.stream().map(ColumnRef::name).toList() + " (table absent)");
        }
        return refs.stream().filter(r -> !absent.contains(r)).toList();
    }

    /** What a person-level release wrote: rows, column names, and for anonymised ones the person ids released. */
    private record Released(long rows, List<String> columns, Dataset<Row> included) {
    }

    private static Released pseudonymised(SparkSession spark, Request req, ExtractPurposes.Purpose purpose, ExtractPurposes.Level spec,
                                           String recipient, Dataset<Row> kept, Map<String, Dataset<Row>> tables, String staging,
                                           List<String> notes, Map<String, Object> manifest) {
        List<ColumnRef> refs = present(spec.columns(), tables, notes, "columns");
        List<ColumnRef> all = new ArrayList<>(refs);
        ColumnRef order = purpose.orderBy();
        boolean hiddenOrder = false;
        if (order != null && tables.containsKey(order.table()) && refs.stream().noneMatch(r -> r.name().equals(order.name()))) {
            all.add(new ColumnRef(order.table(), order.column(), "_order"));
            hiddenOrder = true;
        }
        RecipientPseudonyms pseudonyms = RecipientPseudonyms.of(req.lakeKey(), recipient);
        Dataset<Row> view = PersonView.select(kept, tables, all);
        List<Column> out = new ArrayList<>();
        out.add(PersonView.pseudonym(pseudonyms, col("person_id")).alias(PSEUDONYM));
        refs.forEach(r -> out.add(col(r.name())));
        Column sortKey = order == null || !tables.containsKey(order.table()) ? null : col(hiddenOrder ? "_order" : order.name());
        Dataset<Row> released = view.select(concat(out, sortKey == null ? null : sortKey.alias("_sort")));
        released = sortKey == null ? released.orderBy(PSEUDONYM) : released.orderBy(col("_sort").asc_nulls_last(), col(PSEUDONYM));
        released = PersonView.flat(released.drop("_sort"));
        released.coalesce(1).write().option("header", true).csv(staging + "/data");
        Files2.nameSparkFiles(spark, staging + "/data", "extract", "csv");
        long rows = spark.read().option("header", true).csv(staging + "/data").count();
        List<String> columns = List.of(released.columns());
        manifest.put("columns", columnList(released));
        manifest.put("pseudonym", Map.of("column", PSEUDONYM, "scheme", "R + 20 base64url characters of HMAC-SHA256(person_id) under the lake "
                        + "key derived for extract:" + recipient + "; the same for every extract to this recipient, unrelated for any other",
                "key_fingerprint", pseudonyms.keyFingerprint()));
        if (order != null) {
            manifest.put("order_by", sortKey == null ? PSEUDONYM : order.toString());
        }
        return new Released(rows, columns, null);
    }

    private static Released anonymised(SparkSession spark, Request req, ExtractPurposes.Level spec, Dataset<Row> kept,
                                       Map<String, Dataset<Row>> tables, String staging, List<String> notes, Map<String, Object> manifest,
                                       List<Dataset<Row>> cached, Progress progress) {
        List<ColumnRef> refs = present(spec.columns(), tables, notes, "columns");
        List<String> names = refs.stream().map(ColumnRef::name).toList();
        ExtractPurposes.Anonymisation a = spec.anonymise();
        Map<String, String> qis = new LinkedHashMap<>();
        a.quasiIdentifiers().forEach((c, h) -> {
            if (names.contains(c)) {
                qis.put(c, h);
            } else {
                notes.add("quasi-identifier " + c + " is not released (its table is absent)");
            }
        });
        List<String> sensitive = a.sensitive().stream().filter(names::contains).toList();
        if (qis.isEmpty()) {
            throw new InputException("none of the quasi-identifiers " + a.quasiIdentifiers().keySet() + " can be released; nothing to anonymise");
        }
        Dataset<Row> view = PersonView.flat(PersonView.select(kept, tables, refs)).persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(view);
        LossMeasure loss = switch (a.loss()) {
            case "precision" -> LossMeasure.PRECISION;
            case "discernibility" -> LossMeasure.DISCERNIBILITY;
            default -> LossMeasure.NON_UNIFORM_ENTROPY;
        };
        Double l = sensitive.isEmpty() ? null : a.l();
        Double t = sensitive.isEmpty() ? null : a.t();
        AnonymiseJob.Models models = new AnonymiseJob.Models(a.k(), l, a.entropyL(), t, a.orderedT());
        String out = staging + "/anonymised";
        AnonymiseJob.Result result = AnonymiseJob.run(spark, view.drop("person_id"), new AnonymiseJob.Request("extract at "
                + req.quarter().end(), "csv", ",", qis, sensitive, models, a.maxSuppression(), loss, out, false, req.settings().lake()), progress);
        // which people the transformation released, for the trail (the output itself carries no person id)
        Dataset<Row> included = AnonymiseTable.apply(view, result.result().transformation()).select(col("person_id"),
                lit(true).alias("_released"));
        VerifyAnonymity.Report check = AnonymiseJob.verify(spark, out + "/data", "csv", ",", new ArrayList<>(qis.keySet()), sensitive, models);
        if (!check.passed()) {
            throw new IllegalStateException("the anonymised extract failed verification where it is to be published: " + check.toMap());
        }
        long rows = (long) result.summary().get("records") - (long) result.summary().get("suppressed");
        manifest.put("columns", columnList(view.drop("person_id")));
        manifest.put("suppressed", result.summary().get("suppressed"));
        Map<String, Object> anon = new LinkedHashMap<>();
        anon.put("quasi_identifiers", qis);
        anon.put("sensitive", sensitive);
        anon.put("models", result.result().models());
        anon.put("max_suppression", a.maxSuppression());
        anon.put("levels", result.result().levels());
        anon.put("k_achieved", result.summary().get("k_achieved"));
        anon.put("information_loss", result.summary().get("information_loss"));
        anon.put("prosecutor_risk_max", result.summary().get("prosecutor_risk_max"));
        anon.put("journalist_risk_max", result.summary().get("journalist_risk_max"));
        anon.put("marketer_risk", result.summary().get("marketer_risk"));
        anon.put("sample_uniques", result.summary().get("sample_uniques"));
        anon.put("verification", check.toMap());
        manifest.put("anonymisation", anon);
        Map<String, Object> brief = new LinkedHashMap<>();
        for (String k : List.of("k_achieved", "suppressed", "levels", "information_loss", "prosecutor_risk_max", "sample_uniques")) {
            brief.put(k, result.summary().get(k));
        }
        brief.put("verified", true);
        manifest.put("anonymisation_summary", brief);
        return new Released(rows, List.of(view.drop("person_id").columns()), included);
    }

    /** Writes each table through the small-number rule; returns the number of table rows written. */
    private static long aggregate(SparkSession spark, ExtractPurposes.Level spec, Dataset<Row> kept, Map<String, Dataset<Row>> tables,
                                  String staging, List<String> notes, Map<String, Object> manifest) {
        List<Map<String, Object>> written = new ArrayList<>();
        long rows = 0;
        for (ExtractPurposes.Table t : spec.tables()) {
            List<ColumnRef> refs = present(t.refs(), tables, notes, "table " + t.name());
            if (refs.size() < t.refs().size()) {
                continue;
            }
            List<Row> cells = PersonView.cellCounts(kept, tables, t.rows(), t.columns(), t.filter()).collectAsList();
            if (cells.isEmpty()) {
                notes.add("table " + t.name() + ": no people to count; not written");
                continue;
            }
            List<String> rowLabels = labels(cells, 0, t.rowOrder());
            List<String> colLabels = labels(cells, 1, t.columnOrder());
            long[][] counts = new long[rowLabels.size()][colLabels.size()];
            for (Row c : cells) {
                counts[rowLabels.indexOf(c.getString(0))][colLabels.indexOf(c.getString(1))] = c.getLong(2);
            }
            SmallNumbers.Table published = SmallNumbers.NHS_DIGITAL.table(counts, SmallNumbers.Level.SUB_NATIONAL);
            String csv = csv(t, rowLabels, colLabels, published);
            checkAggregate(t.name(), csv, rowLabels.size(), colLabels.size());
            Files2.writeText(spark, staging + "/tables/" + t.name() + ".csv", csv);
            rows += rowLabels.size() + 1;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("name", t.name());
            info.put("file", "tables/" + t.name() + ".csv");
            info.put("title", t.title());
            info.put("rows", t.rows().toString());
            info.put("columns", t.columns().toString());
            if (t.filter() != null) {
                info.put("filter", t.filter().toString());
            }
            info.put("unit", "persons");
            info.put("primary_suppressions", countSuppressed(published, SmallNumbers.Suppression.PRIMARY));
            info.put("secondary_suppressions", published.secondarySuppressions());
            written.add(info);
        }
        manifest.put("tables", written);
        manifest.put("disclosure_control", SmallNumbers.NHS_DIGITAL + ", sub-national: 0 stays 0, 1-7 shown as *, others rounded to the "
                + "nearest 5; totals from unrounded counts; secondary suppression where a total would reveal a hidden cell");
        return rows;
    }

    private static String csv(ExtractPurposes.Table t, List<String> rowLabels, List<String> colLabels, SmallNumbers.Table published) {
        String[][] grid = published.grid();
        List<String> header = new ArrayList<>(List.of(t.rows().name()));
        colLabels.forEach(c -> header.add(t.columns().name() + ":" + c));
        header.add("total");
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r <= rowLabels.size(); r++) {
            List<String> row = new ArrayList<>(List.of(r < rowLabels.size() ? rowLabels.get(r) : "total"));
            row.addAll(List.of(grid[r]));
            rows.add(row);
        }
        return Csv.write(header, rows);
    }

    /**
     * The last guard of a publication: the file holds one header, a line per category and a total line, and every
     * figure is 0, {@code *} or a multiple of 5. Anything else (a person-level row, an unrounded count) stops the
     * run before anything is published.
     */
    static void checkAggregate(String name, String csv, int rowCategories, int colCategories) {
        List<List<String>> lines = new ArrayList<>();
        Csv.stream("publication table " + name, new java.io.StringReader(csv), lines::add, lines::add);
        if (lines.size() != rowCategories + 2) {
            throw new IllegalStateException("publication table " + name + " has " + lines.size() + " lines, not " + (rowCategories + 2)
                    + "; not published");
        }
        for (List<String> cells : lines.subList(1, lines.size())) {
            if (cells.size() != colCategories + 2) {
                throw new IllegalStateException("publication table " + name + ": a line has " + cells.size() + " cells; not published");
            }
            for (int i = cells.size() - colCategories - 1; i < cells.size(); i++) {
                String v = cells.get(i);
                if (!v.equals("*") && !(v.matches("[0-9]+") && Long.parseLong(v) % 5 == 0)) {
                    throw new IllegalStateException("publication table " + name + " holds the figure '" + v
                            + "', which the small-number rule never publishes; not published");
                }
            }
        }
        if (lines.get(0).stream().anyMatch(h -> h.contains("person_id") || h.contains(PSEUDONYM))) {
            throw new IllegalStateException("publication table " + name + " names a person id column; not published");
        }
    }

    private static int countSuppressed(SmallNumbers.Table t, SmallNumbers.Suppression kind) {
        int n = 0;
        for (SmallNumbers.Figure[] row : t.cells()) {
            for (SmallNumbers.Figure f : row) {
                n += f.suppression() == kind ? 1 : 0;
            }
        }
        for (SmallNumbers.Figure f : t.rowTotals()) {
            n += f.suppression() == kind ? 1 : 0;
        }
        for (SmallNumbers.Figure f : t.columnTotals()) {
            n += f.suppression() == kind ? 1 : 0;
        }
        return n + (t.grandTotal().suppression() == kind ? 1 : 0);
    }

    /** Category labels: those of {@code order} first, in that order, then natural order (numbers by value, then text; {@code unknown} last). */
    private static List<String> labels(List<Row> cells, int i, List<String> order) {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        cells.forEach(c -> set.add(c.getString(i)));
        List<String> out = new ArrayList<>(set);
        out.sort(Comparator.comparing((String s) -> order.contains(s) ? order.indexOf(s) : order.size())
                .thenComparing(s -> s.equals(PersonView.UNKNOWN))
                .thenComparing(s -> !s.matches("-?[0-9]+(\\.[0-9]+)?"))
                .thenComparing((a, b) -> a.matches("-?[0-9]+(\\.[0-9]+)?") && b.matches("-?[0-9]+(\\.[0-9]+)?")
                        ? Double.compare(Double.parseDouble(a), Double.parseDouble(b)) : naturalBand(a).compareTo(naturalBand(b))));
        return out;
    }

    /** Sorts bands like 5-9 before 10-14: leading number padded. */
    private static String naturalBand(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9]+)(.*)$").matcher(s);
        return m.matches() ? String.format("%09d%s", Long.parseLong(m.group(1)), m.group(2)) : s;
    }

    private static List<Map<String, Object>> columnList(Dataset<Row> d) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var f : d.schema().fields()) {
            out.add(Map.of("name", f.name(), "type", f.dataType().simpleString()));
        }
        return out;
    }

    private static Column[] concat(List<Column> cols, Column extra) {
        List<Column> all = new ArrayList<>(cols);
        if (extra != null) {
            all.add(extra);
        }
        return all.toArray(Column[]::new);
    }

    /**
     * Removes what the file system and Spark leave beside data files ({@code .crc}, {@code _SUCCESS}), then lists every
     * file under {@code folder} with its size and SHA-256, paths relative to the folder, sorted.
     */
    static List<Map<String, Object>> checksums(SparkSession spark, String folder) {
        FileSystem fs = Files2.plain(spark, folder);
        Path root = new Path(folder);
        List<Map<String, Object>> out = new ArrayList<>();
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
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("path", rel);
                f.put("bytes", st.getLen());
                f.put("sha256", sha256(fs, st));
                out.add(f);
            }
        } catch (IOException e) {
            throw new InputException("cannot list the extract in " + folder + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(m -> (String) m.get("path")));
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

    private static Map<String, Object> reorder(Map<String, Object> s) {
        List<String> first = List.of("run_id", "extract_id", "purpose", "recipient", "quarter", "reference_date", "level",
                "population_in_scope", "opt_out_removals", "rows");
        Map<String, Object> out = new LinkedHashMap<>();
        first.forEach(k -> out.put(k, s.get(k)));
        s.forEach(out::putIfAbsent);
        return out;
    }

    static String version() {
        String v = ExtractJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ------------------------------------------------------------------------------- re-identification

    /**
     * {@code phb extract reidentify}: the lake key holder's act. For a file of one recipient's pseudonyms (a column
     * {@code pseudonym}), writes {@code pseudonym, person_id, nhs_token} to {@code out}: the lake's person id and the
     * data provider's NHS-number token, which the provider (holder of its own key and lookup) turns back into an NHS
     * number. Recorded in {@code audit/runs} as {@code extract-reidentify}.
     */
    public static Map<String, Object> reidentify(SparkSession spark, JobSettings settings, SecretKey lakeKey, String recipientName,
                                                 String in, String out, boolean force, Progress progress) {
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
        if (!Arrays.asList(asked.columns()).contains(PSEUDONYM)) {
            throw new InputException(in + " has no column '" + PSEUDONYM + "'; its columns are " + List.of(asked.columns()));
        }
        RunParameters params = RunParameters.of(settings, lakeKey).with("recipient", recipient).with("in", in).with("lookup_out", out);
        String staging = Files2.stagingFor(out);
        try (JobRun run = JobRun.start(spark, lake, COMMAND + "-reidentify", params, progress)) {
            try {
                run.stage("re-identify");
                long indexVersion = DeltaTables.version(spark, indexPath);
                run.input(LakeTables.PERSON_INDEX, indexVersion);
                Dataset<Row> index = InputVersions.read(spark, lake, LakeTables.PERSON_INDEX, indexVersion);
                RecipientPseudonyms pseudonyms = RecipientPseudonyms.of(lakeKey, recipient);
                Dataset<Row> persons = index.select("person_id").distinct()
                        .withColumn(PSEUDONYM, PersonView.pseudonym(pseudonyms, col("person_id")));
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
                Dataset<Row> wanted = asked.filter(col(PSEUDONYM).isNotNull()).select(col(PSEUDONYM)).distinct();
                Dataset<Row> found = wanted.join(persons, new String[] {PSEUDONYM}, "left");
                found = tokens == null ? found.withColumn("nhs_token", lit(null).cast("string"))
                        : found.join(tokens, new String[] {"person_id"}, "left");
                found = found.select(PSEUDONYM, "person_id", "nhs_token").persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    Row c = found.agg(count(lit(1)), count(col("person_id"))).first();
                    found.orderBy(PSEUDONYM).coalesce(1).write().option("header", true).csv(staging + "/lookup");
                    Files2.nameSparkFiles(spark, staging + "/lookup", "lookup", "csv");
                    checksums(spark, staging);
                    Files2.publish(spark, staging, out, force);
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("run_id", run.runId());
                    s.put("recipient", recipient);
                    s.put("pseudonyms", c.getLong(0));
                    s.put("matched", c.getLong(1));
                    s.put("unmatched", c.getLong(0) - c.getLong(1));
                    s.put("out", out);
                    s.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                    run.count("pseudonyms", c.getLong(0));
                    run.count("matched", c.getLong(1));
                    run.succeeded();
                    return s;
                } finally {
                    found.unpersist();
                }
            } catch (RuntimeException e) {
                run.failed(e);
                throw e;
            }
        } finally {
            Files2.discard(spark, staging);
        }
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
