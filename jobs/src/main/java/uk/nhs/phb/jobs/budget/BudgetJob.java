package uk.nhs.phb.jobs.budget;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RecordedParameters;
import uk.nhs.phb.jobs.Rerun;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.budget.BudgetEvaluation;
import uk.nhs.phb.pipelines.budget.BudgetFacts;
import uk.nhs.phb.pipelines.budget.IndicativeBudgets;
import uk.nhs.phb.pipelines.budget.NeedsModels;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb budget --as-of DATE}: {@code gold/indicative_budgets} (one row per person and funding-stream
 * line) for every person in {@code gold/phb_eligibility} or listed in {@code gold/phb_priority} at the date,
 * and the needs models' coefficients in {@code gold/budget_models}. Both are partitioned by
 * {@code reference_date}; a re-run replaces that date only. With {@code evaluate}, compares the budgets with
 * the synthetic generator's true need costs in {@code <landing>/_truth/}.
 */
public final class BudgetJob {
    static final List<String> FEEDS = List.of("chc", "asc_cld", "ehcp", "wheelchair", "community", "mental_health");

    /**
     * What to make.
     *
     * @param rules    reference data (pooling rules, chair costs, ready reckoner, unit costs)
     * @param minCell  smallest group of similar people a range may come from
     * @param evaluate compare with the generator's truth (synthetic data only)
     */
    public record Request(LocalDate asOf, BudgetRules rules, int minCell, boolean evaluate) {
        public static final int DEFAULT_MIN_CELL = 20;
    }

    private BudgetJob() {
    }

    /**
     * The rules from the files given, each null for the shipped one; a file that cannot be read or parsed is an
     * {@link InputException} naming it (and its line and field).
     */
    public static BudgetRules rules(Path pooling, Path chairCosts, Path unitCosts) {
        return rules(new BudgetRules.Sources(pooling == null ? BudgetRules.POOLING : pooling.toString(),
                chairCosts == null ? BudgetRules.WHEELCHAIR_COSTS : chairCosts.toString(),
                unitCosts == null ? BudgetRules.UNIT_COSTS : unitCosts.toString()));
    }

    /** The rules from where a run recorded them: each a shipped resource by its name, or a file. */
    public static BudgetRules rules(BudgetRules.Sources from) {
        try {
            return BudgetRules.of(text(from.pooling(), BudgetRules.POOLING), from.pooling(), text(from.wheelchairCosts(), BudgetRules.WHEELCHAIR_COSTS),
                    from.wheelchairCosts(), BudgetRules.resource(BudgetRules.READY_RECKONER), text(from.unitCosts(), BudgetRules.UNIT_COSTS),
                    from.unitCosts());
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() + "; fix the file and run again", e);
        }
    }

    private static String text(String source, String resource) {
        if (source.equals(resource)) {
            return BudgetRules.resource(resource);
        }
        try {
            return Files.readString(Path.of(source), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("cannot read " + source + ": " + e.getMessage());
        }
    }

    /**
     * Runs again as a recorded run ran ({@code phb replay}): the same date, rules (read again from where the run read
     * them), smallest cell and evaluation.
     */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        RecordedParameters p = r.parameters();
        return run(spark, r.settings(), r.lakeKey(), new Request(p.date("as_of"), rules(p.record("rule_sources", BudgetRules.Sources.class)),
                p.integer("min_cell"), p.flag("evaluate")), progress);
    }

    /**
     * A budget run: people with a budget line and candidates without one, lines by method and stream, the total a year, the
     * needs models fitted, and (with {@code --evaluate}) the errors against the generator's truth, unwrapped into the summary.
     */
    public record Result(String runId, LocalDate referenceDate, long people, long peopleWithoutLines, long lines, BigDecimal totalAnnualGbp,
                         long pooledPeople, Map<String, Long> linesByMethod, Map<String, Long> linesByStream, String modelId,
                         String rulesVersion, String pooling, Map<String, NeedsModels.StreamFit> models,
                         @JsonUnwrapped BudgetEvaluation.Result evaluation, String table, double seconds) implements JobResult {
    }

    public static Result run(SparkSession spark, JobSettings settings, SecretKey lakeKey, Request req, Progress progress) {
        Lake lake = settings.lakeLayout();
        String date = req.asOf().toString();
        String featuresPath = lake.path(LakeTables.PERSON_FEATURES);
        String eligibilityPath = lake.path(LakeTables.PHB_ELIGIBILITY);
        String priorityPath = lake.path(LakeTables.PHB_PRIORITY);
        String indexPath = lake.path(LakeTables.PERSON_INDEX);
        if (!DeltaTables.exists(spark, eligibilityPath)) {
            throw new InputException("no gold/phb_eligibility in " + lake.root() + "; run 'phb score --as-of " + date + "' first");
        }
        if (!DeltaTables.exists(spark, featuresPath)) {
            throw new InputException("no gold/person_features in " + lake.root() + "; run 'phb features --as-of " + date + "' first");
        }
        if (!DeltaTables.exists(spark, indexPath)) {
            throw new InputException("no silver/person_index in " + lake.root() + "; run 'phb link' first");
        }
        String truthPersons = settings.landing() + "/_truth/persons";
        String truthRecords = settings.landing() + "/_truth/person_records";
        if (req.evaluate() && !(Files2.exists(spark, truthPersons) && Files2.exists(spark, truthRecords))) {
            throw new InputException("--evaluate needs the generator's truth at " + truthPersons + " and " + truthRecords
                    + " (written by 'phb synth'); real feeds have none");
        }
        if (req.evaluate()) {
            LocalDate truthDate = truthDate(spark, settings.landing() + "/_truth/risk");
            if (truthDate != null && !truthDate.equals(req.asOf())) {
                throw new InputException("the generator's true need costs are at " + truthDate + " (the end of the synthetic window), "
                        + "not " + date + "; run 'phb budget --as-of " + truthDate + " --evaluate'");
            }
        }
        long t0 = System.nanoTime();
        return JobRun.execute(spark, lake, "budget", RunParameters.of(settings, lakeKey).with("as_of", req.asOf())
                .with("pooling", req.rules().poolingSource()).with("rule_sources", req.rules().sources())
                .with("rules_version", req.rules().version()).with("min_cell", req.minCell())
                .with("evaluate", req.evaluate()), progress, run -> {
            run.stage("read inputs");
            Dataset<Row> features = DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES)
                    .filter(col("reference_date").equalTo(lit(date).cast(DataTypes.DateType)));
            Dataset<Row> eligibility = DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY);
            if (eligibility.filter(col("reference_date").equalTo(lit(date).cast(DataTypes.DateType))).isEmpty()) {
                throw new InputException("gold/phb_eligibility has no rows for " + date + "; run 'phb score --as-of " + date + "' first");
            }
            if (features.isEmpty()) {
                throw new InputException("gold/person_features has no rows for " + date + "; run 'phb features --as-of " + date
                        + "' first");
            }
            run.input(LakeTables.PERSON_FEATURES, DeltaTables.version(spark, featuresPath));
            run.input(LakeTables.PHB_ELIGIBILITY, DeltaTables.version(spark, eligibilityPath));
            run.input(LakeTables.PERSON_INDEX, DeltaTables.version(spark, indexPath));
            Dataset<Row> priority = null;
            if (DeltaTables.exists(spark, priorityPath)) {
                priority = DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY);
                run.input(LakeTables.PHB_PRIORITY, DeltaTables.version(spark, priorityPath));
            }
            Map<String, Dataset<Row>> bronze = new HashMap<>();
            for (String feed : FEEDS) {
                String path = lake.bronze(feed);
                if (DeltaTables.exists(spark, path)) {
                    bronze.put(feed, DeltaTables.read(spark, lake, LakeTables.bronze(feed)));
                    run.input(LakeTables.bronze(feed), DeltaTables.version(spark, path));
                }
            }
            Dataset<Row> index = DeltaTables.read(spark, lake, LakeTables.PERSON_INDEX);

            run.stage("packages and replaceable spend");
            Dataset<Row> facts = BudgetFacts.compute(new BudgetFacts.Inputs(bronze, index, lakeKey), req.asOf());
            Dataset<Row> people = IndicativeBudgets.budgetPeople(eligibility, priority, req.asOf());
            run.stage("needs models and ranges");
            IndicativeBudgets.Result result = IndicativeBudgets.compute(features, facts, people,
                    new IndicativeBudgets.Settings(req.rules(), req.minCell(), req.asOf(), run.runId()));

            run.stage("write indicative_budgets");
            String path = lake.path(LakeTables.INDICATIVE_BUDGETS);
            String meta = "{\"run_id\":\"" + run.runId() + "\",\"model_id\":\"" + result.models().modelId() + "\",\"rules_version\":\""
                    + req.rules().version() + "\"}";
            result.lines().write().format("delta").mode(SaveMode.Overwrite).partitionBy("reference_date")
                    .option("replaceWhere", "reference_date = DATE'" + date + "'")
                    .option("userMetadata", meta).save(path);
            String modelsPath = lake.path(LakeTables.BUDGET_MODELS);
            Dataset<Row> coefficients = result.models().coefficients(spark);
            long coefficientRows = coefficients.count();
            coefficients
                    .withColumn("reference_date", lit(date).cast(DataTypes.DateType))
                    .withColumn("model_id", lit(result.models().modelId()))
                    .withColumn("run_id", lit(run.runId()))
                    .write().format("delta").mode(SaveMode.Overwrite).partitionBy("reference_date")
                    .option("replaceWhere", "reference_date = DATE'" + date + "'")
                    .option("userMetadata", meta).save(modelsPath);

            run.stage("summary");
            Dataset<Row> written = spark.read().format("delta").load(path).filter(col("reference_date").equalTo(lit(date)
                    .cast(DataTypes.DateType))).persist(StorageLevel.MEMORY_AND_DISK());
            Row totals = written.agg(count(lit(1)), countDistinct("person_id"), sum("annual_gbp"),
                    countDistinct(org.apache.spark.sql.functions.when(col("pooled"), col("person_id")))).first();
            long lines = totals.getLong(0);
            long persons = totals.getLong(1);
            BigDecimal total = totals.isNullAt(2) ? BigDecimal.ZERO.setScale(2) : totals.getDecimal(2);
            long candidates = people.join(features.select("person_id"), "person_id").count();
            Map<String, Long> byMethod = new java.util.TreeMap<>();
            Map<String, Long> byStream = new java.util.TreeMap<>();
            for (Row r : written.groupBy("method", "stream").count().collectAsList()) {
                byMethod.merge(r.getString(0), r.getLong(2), Long::sum);
                byStream.merge(r.getString(1), r.getLong(2), Long::sum);
            }
            run.output(LakeTables.INDICATIVE_BUDGETS, DeltaTables.version(spark, path), lines);
            run.output(LakeTables.BUDGET_MODELS, DeltaTables.version(spark, modelsPath), coefficientRows);
            run.count("people", persons);
            run.count("lines", lines);
            BudgetEvaluation.Result evaluation = null;
            if (req.evaluate()) {
                run.stage("evaluate against truth");
                Dataset<Row> truePersons = BudgetEvaluation.truePersons(csv(spark, truthRecords), index, lakeKey);
                evaluation = BudgetEvaluation.evaluate(written, result.streamCosts(), truePersons, csv(spark, truthPersons));
                run.count("mdape", evaluation.overall().mdape());
                run.count("range_coverage", evaluation.overall().rangeCoverage());
                run.count("baseline_mdape", evaluation.overall().baselineMdape());
            }
            written.unpersist();
            return new Result(run.runId(), req.asOf(), persons, candidates - persons, lines, total, totals.getLong(3), byMethod, byStream,
                    result.models().modelId(), req.rules().version(), req.rules().poolingSource(), result.models().summary(), evaluation,
                    path, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        });
    }

    /** A truth table as written by 'phb synth' (CSV with header, or Parquet), all columns as strings. */
    static Dataset<Row> csv(SparkSession spark, String path) {
        return Files2.hasFileEnding(spark, path, ".parquet") ? spark.read().parquet(path) : spark.read().option("header", true).csv(path);
    }

    /**
     * The date the generator's truth describes: the last quarter end in {@code _truth/risk}, read from one
     * of its files (each holds every quarter of its people). Null when there is no risk table.
     */
    static LocalDate truthDate(SparkSession spark, String riskPath) {
        if (!Files2.exists(spark, riskPath)) {
            return null;
        }
        try {
            var fs = Files2.fs(spark, riskPath);
            for (var st : fs.listStatus(new org.apache.hadoop.fs.Path(riskPath))) {
                String name = st.getPath().getName();
                if (name.startsWith("part-") && (name.endsWith(".csv") || name.endsWith(".parquet"))) {
                    Row r = csv(spark, st.getPath().toString()).agg(org.apache.spark.sql.functions.max(col("reference_date"))).first();
                    if (!r.isNullAt(0)) {
                        return LocalDate.parse(r.get(0).toString());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + riskPath + ": " + e.getMessage(), e);
        }
        return null;
    }
}
