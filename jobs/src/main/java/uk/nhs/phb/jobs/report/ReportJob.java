package uk.nhs.phb.jobs.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.models.causal.MatchedDid;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.pipelines.report.MarkersPublication;
import uk.nhs.phb.pipelines.report.PhbReturn;
import uk.nhs.phb.pipelines.report.ProgressMarkers;
import uk.nhs.phb.pipelines.report.Published;
import uk.nhs.phb.pipelines.report.ReportTable;
import uk.nhs.phb.pipelines.report.ReturnPublication;
import uk.nhs.phb.pipelines.report.SpendPublication;
import uk.nhs.phb.pipelines.report.SystemSpend;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

/**
 * {@code phb report --quarter YYYY-YYQn [--org CODE]}: the quarterly report for commissioners and NHS England,
 * written to {@code <out>/reports/<quarter>/} (or {@code <quarter>-<org>/}) as one CSV per table, one XLSX
 * workbook, a self-contained HTML page and {@code manifest.json} (written last, naming the disclosure rule),
 * in a staging folder renamed into place. Reads bronze (PHB register, reviews, offers, activity), the person
 * index, {@code gold/person_features} and, when present, {@code gold/risk_scores}; with {@code --evaluate} only, it
 * reads the synthetic generator's truth ({@code landing/_truth/phb_effect}) to set the true effect beside the estimate.
 */
public final class ReportJob {
    public static final String COMMAND = "report";
    private static final List<String> FEEDS = List.of("phb_register", "phb_reviews", "phb_offers", "patients", "ref_practices", "ref_lsoa",
            "gp_conditions", "apc_spells", "ecds", "outpatients", "gp_appointments", "prescriptions", "community", "mental_health", "chc",
            "asc_cld", "csc", "ehcp");

    private ReportJob() {
    }

    /**
     * What to report.
     *
     * @param settings          lake, landing, out, master
     * @param lakeKey           the lake's key (events reach people through the person index)
     * @param quarter           the quarter
     * @param org               an ICB or Sub-ICB code, or null for the whole lake
     * @param trajectory        uptake trajectory (quarter -> received in the year to date per 100,000)
     * @param trajectorySource  where it came from (a file, or the reference data)
     * @param matching          matching and bootstrap settings
     * @param startWindowMonths index months in the before/after start window
     * @param inputs            the input tables' versions: the latest, or those of a past run to regenerate its report
     * @param evaluate          set the synthetic generator's true effect ({@code landing/_truth/phb_effect}) beside the
     *                          estimate; never for real feeds, which have no truth
     */
    public record Request(JobSettings settings, SecretKey lakeKey, Quarter quarter, String org, Map<Quarter, Double> trajectory,
                          String trajectorySource, MatchedDid.Settings matching, int startWindowMonths, InputVersions inputs,
                          boolean evaluate) {
        public Request {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(quarter, "quarter");
            Objects.requireNonNull(trajectory, "trajectory");
            Objects.requireNonNull(matching, "matching");
            Objects.requireNonNull(inputs, "inputs");
            if (startWindowMonths < 1 || startWindowMonths > 120) {
                throw new InputException("--did-start-window-months must be 1 to 120, got " + startWindowMonths);
            }
        }

        /** The built-in trajectory, default matching, a 24-month start window, the latest inputs. */
        public static Request defaults(JobSettings settings, SecretKey lakeKey, Quarter quarter, String org) {
            return new Request(settings, lakeKey, quarter, org, ReportReference.trajectory(), "reference data phb_trajectory.csv",
                    MatchedDid.Settings.defaults(), 24, InputVersions.latest(), false);
        }

        /** The same request, measured against the synthetic generator's truth or not. */
        public Request evaluating(boolean evaluate) {
            return new Request(settings, lakeKey, quarter, org, trajectory, trajectorySource, matching, startWindowMonths, inputs, evaluate);
        }

        /**
         * The report {@code past} made, to make again exactly: its quarter, organisation, trajectory and matching as it
         * recorded them, and every input table at the version it read (Delta time travel).
         */
        public static Request replaying(JobSettings settings, SecretKey lakeKey, AuditLog.RunRecord past) {
            Map<?, ?> p = past.parametersToReplay(COMMAND, "a report");
            Recorded r;
            try {
                r = Json.mapper().convertValue(p, Recorded.class);
            } catch (IllegalArgumentException e) {
                throw new InputException("run " + past.runId() + " recorded report settings phb cannot read (" + e.getMessage() + ")", e);
            }
            if (r.trajectoryValues() == null || r.matching() == null || r.quarter() == null) {
                throw new InputException("run " + past.runId() + " was made by a phb version that did not record its report settings "
                        + "(phb " + past.phbVersion() + "); it cannot be regenerated exactly");
            }
            Map<Quarter, Double> trajectory = new TreeMap<>();
            r.trajectoryValues().forEach((k, v) -> trajectory.put(Quarter.parse(k), v));
            return new Request(settings, lakeKey, r.quarter(), r.org(), trajectory, r.trajectory(), r.matching(), r.didStartWindowMonths(),
                    InputVersions.of(past), r.evaluate());
        }

        /** The report folder's name: the quarter, and the organisation when one is chosen. */
        public String folderName() {
            return org == null ? quarter.toString() : quarter + "-" + org;
        }

        /**
         * Where the report goes: {@code <out>/reports/<folder>/}, or for a replay
         * {@code <out>/reports/<folder>.run-<replayed run id>/}, beside the current one.
         */
        public String target() {
            String base = settings.out() + "/reports/" + folderName();
            return inputs.replaying() ? base + ".run-" + inputs.replayedRunId() : base;
        }

        /** What the report records as its settings in {@code audit/runs}: enough to make it again. */
        Recorded recorded() {
            Map<String, Double> values = new TreeMap<>();
            trajectory.forEach((q, v) -> values.put(q.toString(), v));
            return new Recorded(quarter, org, trajectorySource, values, startWindowMonths, evaluate, matching,
                    inputs.replaying() ? inputs.replayedRunId() : null);
        }
    }

    /** A report run's settings as {@code audit/runs} records them (beside where it ran, which a replay passes over). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Recorded(Quarter quarter, String org, String trajectory, Map<String, Double> trajectoryValues, int didStartWindowMonths,
                    boolean evaluate, MatchedDid.Settings matching, @JsonInclude(JsonInclude.Include.NON_NULL) String regeneratesRun) {
    }

    /** The published tables and the figures the summary reports. */
    /** {@code exact}: unrounded figures behind the published ones, recorded in the run's audit record and never published. */
    public record Tables(List<ReportTable> tables, Map<String, Object> headline, Map<String, Object> design, Map<String, Object> exact) {
    }

    /**
     * A report: the quarter and organisation, the headline figures as published (their keys are the summary's own:
     * {@code return_*}, {@code did_*}, ...), whether risk tiers were there, and the folder and files written. With
     * {@code --as-of-run}, {@code regeneratesRun} is the run whose report was made again.
     */
    public record Result(String runId, @JsonInclude(JsonInclude.Include.NON_NULL) String regeneratesRun, Quarter quarter, String org,
                         @JsonAnyGetter Map<String, Object> headline, boolean riskTiersAvailable, String out, List<String> files,
                         Map<String, Double> stageSeconds, double seconds) implements JobResult {
    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        Lake lake = req.settings().lakeLayout();
        LocalDate end = req.quarter().end();
        InputVersions inputs = req.inputs();
        LakeTable featuresTable = LakeTables.PERSON_FEATURES;
        String missing = inputs.replaying() ? "run " + inputs.replayedRunId() + " read no " : "no ";
        if (inputs.version(spark, lake, LakeTables.bronze("phb_register")) < 0) {
            throw new InputException(missing + "bronze/phb_register in " + lake.root() + "; run 'phb ingest' with the ICB's PHB register feed first");
        }
        if (inputs.version(spark, lake, LakeTables.bronze("patients")) < 0) {
            throw new InputException(missing + "bronze/patients in " + lake.root() + "; run 'phb ingest' first");
        }
        if (inputs.version(spark, lake, LakeTables.PERSON_INDEX) < 0) {
            throw new InputException(missing + "silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
        long featuresVersion = inputs.version(spark, lake, featuresTable);
        if (featuresVersion < 0 || InputVersions.read(spark, lake, featuresTable, featuresVersion)
                .filter(col("reference_date").equalTo(end.toString())).isEmpty()) {
            throw new InputException("no gold/person_features for " + end + " (the end of " + req.quarter() + ") in " + lake.root()
                    + "; run 'phb features --as-of " + req.quarter() + "' first");
        }
        String truthPath = req.settings().landing() + "/_truth/phb_effect";
        if (req.evaluate() && !Files2.exists(spark, truthPath)) {
            throw new InputException("--evaluate needs the generator's true effects at " + truthPath + " (written by 'phb synth'); real "
                    + "feeds have none, so leave --evaluate out");
        }
        String target = req.target();
        RunParameters recorded = RunParameters.of(req.settings(), req.lakeKey()).withFields(req.recorded());
        long t0 = System.nanoTime();
        String staging = Files2.stagingFor(target);
        try {
            return JobRun.execute(spark, lake, COMMAND, recorded, progress, run -> {
                // a replay writes the report of the run it replays, under that run's id; audit/runs records both
                String reportRunId = inputs.replaying() ? inputs.replayedRunId() : run.runId();
                Map<String, Dataset<Row>> bronze = new HashMap<>();
                for (String feed : FEEDS) {
                    Dataset<Row> d = read(spark, lake, inputs, LakeTables.bronze(feed), run);
                    if (d != null) {
                        bronze.put(feed, d);
                    }
                }
                Dataset<Row> index = read(spark, lake, inputs, LakeTables.PERSON_INDEX, run);
                Dataset<Row> features = read(spark, lake, inputs, featuresTable, run).filter(col("reference_date").equalTo(end.toString()));
                Dataset<Row> risk = null;
                long riskVersion = inputs.version(spark, lake, LakeTables.RISK_SCORES);
                if (riskVersion >= 0) {
                    Dataset<Row> r = InputVersions.read(spark, lake, LakeTables.RISK_SCORES, riskVersion)
                            .filter(col("reference_date").equalTo(end.toString()));
                    if (!r.isEmpty()) {
                        risk = r.select("person_id", "risk_tier");
                        run.input(LakeTables.RISK_SCORES, riskVersion);
                    }
                }
                Dataset<Row> truth = req.evaluate() ? truth(spark, truthPath) : null;
                Tables tables = compute(spark, bronze, index, features, risk, truth, req, run);
                run.stage("write files");
                ReportFiles.Written written = ReportFiles.write(spark, staging, req, tables, reportRunId,
                        inputs.replaying() ? run.runId() : null);
                Files2.publish(spark, staging, target, true);
                run.count("files", written.files().size());
                run.count("headline", tables.headline());
                run.count("before_after_exact", tables.exact());
                return new Result(run.runId(), inputs.replayedRunId(), req.quarter(), req.org(), tables.headline(), risk != null, target,
                        written.files(), run.stageSeconds(), Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            });
        } catch (RuntimeException e) {
            Files2.discard(spark, staging);
            throw e;
        }
    }

    /** One input table at the version to read (recorded with the run), or null when there is none. */
    private static Dataset<Row> read(SparkSession spark, Lake lake, InputVersions inputs, LakeTable table, JobRun run) {
        long version = inputs.version(spark, lake, table);
        if (version < 0) {
            return null;
        }
        Dataset<Row> d = InputVersions.read(spark, lake, table, version);
        run.input(table, version);
        return d;
    }

    /** Every table of the report, computed from the given inputs (no writing). */
    public static Tables compute(SparkSession spark, Map<String, Dataset<Row>> bronze, Dataset<Row> personIndex, Dataset<Row> features,
                                 Dataset<Row> riskTiers, Dataset<Row> truth, Request req, JobRun run) {
        Quarter q = req.quarter();
        LocalDate end = q.end();
        List<ReportTable> tables = new ArrayList<>();
        Map<String, Object> headline = new LinkedHashMap<>();
        Map<String, Object> design = new LinkedHashMap<>();
        Dataset<Row> refPractices = bronze.get("ref_practices");
        String homeIcb = homeIcb(refPractices);
        String org = req.org();
        if (org != null) {
            checkOrg(refPractices, org);
        }
        boolean subIcbOnly = org != null && !org.equals(homeIcb) && refPractices != null
                && !refPractices.filter(col("sub_icb_code").equalTo(org)).isEmpty();

        stage(run, "PHB return");
        Dataset<Row> people = PhbReturn.people(bronze.get("phb_register"), bronze.get("patients"), refPractices, q, homeIcb);
        if (org != null) {
            people = people.filter(col("icb_code").equalTo(org).or(col("sub_icb_code").equalTo(org)));
        }
        List<PhbReturn.Count> counts = PhbReturn.toCounts(PhbReturn.counts(people).collectAsList());
        ReturnPublication.Result ret = ReturnPublication.publish(counts, q, !subIcbOnly);
        tables.add(ret.table());
        Map<String, String> totals = scopeTotals(counts, ret, subIcbOnly);
        for (Map.Entry<String, String> e : totals.entrySet()) {
            headline.put("return_" + e.getKey(), number(e.getValue()));
        }
        headline.put("return_totals_by_icb", ret.totals());

        stage(run, "markers of progress");
        int onTime = (int) ReportReference.parameter("review_on_time_days");
        int trendQuarters = (int) ReportReference.parameter("uptake_trend_quarters");
        List<Quarter> quarters = new ArrayList<>();
        Quarter k = q;
        for (int i = 0; i < trendQuarters; i++) {
            quarters.add(0, k);
            k = k.previous();
        }
        List<MarkersPublication.TrendPoint> trend = new ArrayList<>();
        for (Row r : ProgressMarkers.uptakeTrend(spark, bronze.get("phb_register"), bronze.get("patients"), refPractices, quarters, org, homeIcb)
                .collectAsList()) {
            trend.add(new MarkersPublication.TrendPoint(r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3)));
        }
        Dataset<Row> tokens = ProgressMarkers.tokenOrgs(bronze.get("phb_register"), bronze.get("phb_offers"), bronze.get("patients"),
                refPractices, q, homeIcb);
        if (org != null) {
            tokens = tokens.filter(col("icb_code").equalTo(org).or(col("sub_icb_code").equalTo(org)));
        }
        tokens = tokens.cache();
        Row pl = ProgressMarkers.planning(bronze.get("phb_register"), bronze.get("phb_reviews"), tokens, q, onTime).first();
        MarkersPublication.Planning planning = new MarkersPublication.Planning(pl.getLong(0), pl.getLong(1), pl.getLong(2),
                pl.isNullAt(3) ? null : pl.getDouble(3), pl.isNullAt(4) ? null : pl.getDouble(4), pl.getLong(5), pl.getLong(6));
        List<MarkersPublication.Offers> offers = new ArrayList<>();
        if (bronze.get("phb_offers") != null) {
            for (Row r : ProgressMarkers.offers(bronze.get("phb_offers"), tokens, q).collectAsList()) {
                offers.add(new MarkersPublication.Offers(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2), r.getLong(3)));
            }
        }
        ReportTable offersTable = MarkersPublication.offers(offers);
        tables.add(MarkersPublication.markers(q, trend.get(trend.size() - 1), req.trajectory(), planning, offersTable, onTime));
        tables.add(MarkersPublication.trend(trend, req.trajectory()));
        tables.add(MarkersPublication.spread(counts));
        tables.add(offersTable);
        tables.add(MarkersPublication.declineReasons(offers, offersTable));

        stage(run, "spend across the system");
        Dataset<Row> population = features;
        if (org != null) {
            population = population.filter(col("icb_code").equalTo(org).or(col("sub_icb_code").equalTo(org)));
        }
        population = population.cache();
        List<SpendPublication.SectorRow> cohorts = sectorRows(SystemSpend.byCohort(population).collectAsList(), "cohort");
        tables.add(SpendPublication.byCohort(cohorts));
        if (riskTiers != null) {
            tables.add(SpendPublication.byTier(sectorRows(SystemSpend.byTier(population, riskTiers).collectAsList(), "tier")));
        }
        PersonFeatures.Inputs in = new PersonFeatures.Inputs(bronze, personIndex, req.lakeKey());
        List<SpendPublication.ServiceRow> services = new ArrayList<>();
        for (Row r : SystemSpend.serviceTotals(SystemSpend.byService(in, end), population).collectAsList()) {
            services.add(new SpendPublication.ServiceRow(r.getString(0), r.getString(1), r.getDecimal(2), r.getLong(3), r.getDecimal(4),
                    r.getLong(5)));
        }
        tables.add(SpendPublication.byService(services));
        population.unpersist();

        stage(run, "before and after a PHB");
        BeforeAfter.Result ba = BeforeAfter.run(spark, bronze, personIndex, truth, req, homeIcb);
        tables.addAll(ba.tables());
        headline.putAll(ba.headline());
        design.putAll(ba.design());
        tokens.unpersist();
        return new Tables(tables, headline, design, ba.exact());
    }

    private static void stage(JobRun run, String name) {
        if (run != null) {
            run.stage(name);
        }
    }

    /** Totals of the report's scope: the one ICB's (or Sub-ICB's) published totals; null when several ICBs. */
    static Map<String, String> scopeTotals(List<PhbReturn.Count> counts, ReturnPublication.Result ret, boolean subIcbOnly) {
        Map<String, String> out = new LinkedHashMap<>();
        if (ret.totals().size() == 1) {
            Map<String, String> icb = ret.totals().values().iterator().next();
            if (!subIcbOnly) {
                return icb;
            }
            // one Sub-ICB: its row totals are in the table
            ReportTable t = ret.table();
            for (String m : List.of(PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE)) {
                List<List<String>> rows = t.where("org_level", "SUB_ICB", "measure", m, "breakdown", "total");
                out.put(m, rows.size() == 1 ? t.value(rows.get(0), "value") : null);
            }
            return out;
        }
        for (String m : List.of(PhbReturn.RECEIVED, PhbReturn.ACTIVE, PhbReturn.NEW, PhbReturn.VALUE)) {
            out.put(m, null);
        }
        return out;
    }

    static Object number(String published) {
        if (published == null || published.equals(Published.HIDDEN)) {
            return null;
        }
        return new BigDecimal(published).longValueExact();
    }

    static List<SpendPublication.SectorRow> sectorRows(List<Row> rows, String groupColumn) {
        List<SpendPublication.SectorRow> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, BigDecimal> spend = new LinkedHashMap<>();
            Map<String, Long> users = new LinkedHashMap<>();
            for (String s : PersonFeatures.SECTORS) {
                spend.put(s, r.getAs("spend_" + s));
                users.put(s, r.getAs("users_" + s));
            }
            out.add(new SpendPublication.SectorRow(r.getAs(groupColumn), r.<Long>getAs("people"), spend, users, r.getAs("spend_total"),
                    r.<Long>getAs("users_total")));
        }
        return out;
    }

    /** The lake's ICB when its practices belong to exactly one. */
    static String homeIcb(Dataset<Row> refPractices) {
        if (refPractices == null) {
            return null;
        }
        List<Row> icbs = refPractices.select("icb_code").distinct().limit(2).collectAsList();
        return icbs.size() == 1 ? icbs.get(0).getString(0) : null;
    }

    static void checkOrg(Dataset<Row> refPractices, String org) {
        if (refPractices == null) {
            throw new InputException("--org " + org + ": no bronze/ref_practices to find organisations in; ingest the reference feeds");
        }
        TreeSet<String> known = new TreeSet<>();
        for (Row r : refPractices.select("icb_code", "sub_icb_code").distinct().collectAsList()) {
            known.add(r.getString(0));
            known.add(r.getString(1));
        }
        if (!known.contains(org)) {
            throw new InputException("--org " + org + " is neither an ICB nor a Sub-ICB Location in bronze/ref_practices; known codes: "
                    + String.join(", ", known));
        }
    }

    /** The generator's truth as {@code phb_id, sector, effect} (cost with the budget minus without, 12 months from the start). */
    static Dataset<Row> truth(SparkSession spark, String path) {
        boolean parquet = Files2.hasFileEnding(spark, path, ".parquet");
        Dataset<Row> t = parquet ? spark.read().parquet(path)
                : spark.read().option("header", true).schema("person_id string, phb_id string, eligibility_group string, start_date string, "
                + "sector string, cost_with_phb string, cost_without_phb string").csv(path);
        return t.select(col("phb_id").cast("string").alias("phb_id"), col("sector").cast("string").alias("sector"),
                col("cost_with_phb").cast("decimal(14,2)").minus(col("cost_without_phb").cast("decimal(14,2)")).alias("effect"));
    }

    /** Keeps the map ordered for JSON. */
    static <V> Map<String, V> sorted(Map<String, V> m) {
        return new TreeMap<>(m);
    }
}
