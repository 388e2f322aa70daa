package uk.nhs.phb.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
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
import uk.nhs.phb.jobs.train.ModelRegistry;
import uk.nhs.phb.models.eligibility.EligibilityRules;
import uk.nhs.phb.models.eligibility.PriorityConfig;
import uk.nhs.phb.models.risk.FactorPhrases;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.pipelines.score.Eligibility;
import uk.nhs.phb.pipelines.score.Priority;
import uk.nhs.phb.pipelines.score.RiskScoring;
import uk.nhs.phb.pipelines.score.RiskTiers;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * {@code phb score --as-of DATE}: risk and cost for everyone in {@code gold/person_features} at the date
 * ({@code gold/risk_scores}), PHB eligibility by rules ({@code gold/phb_eligibility}), and the priority list with
 * explanations ({@code gold/phb_priority}). Each table is partitioned by {@code reference_date} and a re-run
 * replaces that date only. The model is broadcast once and applied per partition on the executors; the driver
 * sees only counts.
 */
public final class ScoreJob {
    private ScoreJob() {
    }

    /**
     * What to score.
     *
     * @param model     a model id in the lake's registry, a model folder path, or null for {@code models/current}
     * @param rulesFile a local rules file extending the national rules, or null
     * @param priorityFile a priority settings file overriding the built-in ones, or null
     */
    public record Request(LocalDate asOf, String model, Path rulesFile, Path priorityFile) {
    }

    /** The national rules, extended by a local file when given (file errors name the rule, file and line). */
    public static EligibilityRules rules(Path rulesFile) {
        EligibilityRules rules = EligibilityRules.standard();
        if (rulesFile == null) {
            return rules;
        }
        try {
            return rules.with(EligibilityRules.parse(Files.readString(rulesFile, StandardCharsets.UTF_8), rulesFile.toString()));
        } catch (IOException e) {
            throw new InputException("cannot read the rules file " + rulesFile + ": " + e.getMessage());
        } catch (EligibilityRules.InvalidRulesException e) {
            throw new InputException("the rules file cannot be used:\n" + e.getMessage(), e);
        }
    }

    public static PriorityConfig priority(Path file) {
        if (file == null) {
            return PriorityConfig.standard();
        }
        try {
            return PriorityConfig.withFile(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new InputException("cannot read the priority file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
    }

    /** Refuses a model whose feature contract does not match the table (names the columns that changed). */
    public static void checkSchema(RiskModels models, StructType featuresSchema, String modelFolder) {
        Map<String, String> types = RiskScoring.columnTypes(featuresSchema);
        String hash = models.spec().hashOn(types);
        if (!hash.equals(models.spec().schemaHash())) {
            throw new InputException("model " + models.modelId() + " (" + modelFolder + ") was trained on features with schema hash "
                    + models.spec().schemaHash().substring(0, 12) + " but gold/person_features has " + hash.substring(0, 12)
                    + " (changed: " + String.join("; ", models.spec().differences(types))
                    + "); retrain with 'phb train --as-of DATE' on the current features, or score with the model that matches them");
        }
    }

    /**
     * A scoring run: the model, cost model and rules it used, the tiers and eligibility it found, the priority list's
     * length, and the three tables it wrote (name to path).
     */
    public record Result(String runId, LocalDate referenceDate, String modelId, String costModelId, String rulesVersion, long persons,
                         @JsonProperty("mean_p_emergency_12m") Double meanPEmergency12m,
                         @JsonProperty("predicted_cost_12m_total") BigDecimal predictedCost12mTotal, Map<String, Long> tiers,
                         long eligibilityRows, Map<String, Long> eligibleByCohort, Map<String, Long> eligiblePersonsByBasis,
                         long eligiblePersons, long priorityList, long integratedBudgetCandidates, Map<String, String> tables,
                         double seconds) implements JobResult {

        /** What the run knows before the summary is counted. */
        record Made(String runId, LocalDate referenceDate, String modelId, String costModelId, String rulesVersion,
                    Map<String, String> tables, long startNanos) {
        }
    }

    /**
     * Runs again as a recorded run ran ({@code phb replay}): the same date, the model it used (from the registry of the
     * lake it ran in), and the rules and priority files it was given.
     */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        RecordedParameters p = r.parameters();
        String model = ModelRegistry.resolve(spark, r.recordedLake(), p.text("model_id"));
        return run(spark, r.settings(), new Request(p.date("as_of"), model, p.path("rules"), p.path("priority_file")), progress);
    }

    public static Result run(SparkSession spark, JobSettings settings, Request req, Progress progress) {
        Lake lake = settings.lakeLayout();
        String featuresPath = lake.path(LakeTables.PERSON_FEATURES);
        if (!DeltaTables.exists(spark, featuresPath)) {
            throw new InputException("no gold/person_features in " + lake.root() + "; run 'phb features --as-of " + req.asOf() + "' first");
        }
        Dataset<Row> features = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES), req.asOf());
        String folder = ModelRegistry.resolve(spark, lake, req.model());
        RiskModels models = ModelRegistry.load(spark, folder);
        checkSchema(models, features.schema(), folder);
        EligibilityRules rules = rules(req.rulesFile());
        try {
            Eligibility.validate(spark, features.schema(), rules);
        } catch (EligibilityRules.InvalidRulesException e) {
            throw new InputException("the eligibility rules cannot be used:\n" + e.getMessage(), e);
        }
        PriorityConfig config = priority(req.priorityFile());
        long t0 = System.nanoTime();
        RunParameters params = RunParameters.of(settings, null).with("as_of", req.asOf()).with("model", req.model())
                .with("rules", req.rulesFile()).with("priority_file", req.priorityFile()).with("model_id", models.modelId())
                .with("rules_version", rules.version()).with("priority", config);
        Broadcast<RiskModels> bc = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(models);
        List<Dataset<Row>> cached = new ArrayList<>();
        try {
            return JobRun.execute(spark, lake, "score", params, progress, run -> {
                run.input(LakeTables.PERSON_FEATURES, DeltaTables.version(spark, featuresPath));
                run.stage("count persons");
                long persons = features.count();
                if (persons == 0) {
                    throw new InputException("gold/person_features has no rows at " + req.asOf() + "; run 'phb features --as-of "
                            + req.asOf() + "' first");
                }

                run.stage("risk and cost");
                Dataset<Row> scored = RiskScoring.score(features, bc, List.of("person_id", "reference_date"), false)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                cached.add(scored);
                Dataset<Row> risk = RiskTiers.withTiers(scored, persons).select(col("person_id"), col("reference_date"),
                        col("p_emergency_12m"), col("predicted_cost_12m"), col("risk_percentile"), col("risk_tier"),
                        lit(models.modelId()).alias("model_id"), lit(models.costModelId()).alias("cost_model_id"),
                        lit(run.runId()).alias("run_id"));
                String riskPath = lake.path(LakeTables.RISK_SCORES);
                write(spark, risk, ScoreTables.RISK_SCORES_SCHEMA, riskPath, req.asOf(), run.runId());
                scored.unpersist();
                Dataset<Row> riskWritten = RiskScoring.at(spark.read().format("delta").load(riskPath), req.asOf());

                run.stage("eligibility");
                String eligPath = lake.path(LakeTables.PHB_ELIGIBILITY);
                write(spark, Eligibility.apply(features, rules, run.runId()), ScoreTables.PHB_ELIGIBILITY_SCHEMA, eligPath, req.asOf(),
                        run.runId());
                Dataset<Row> eligWritten = RiskScoring.at(spark.read().format("delta").load(eligPath), req.asOf());
                String rulesPath = lake.path(LakeTables.ELIGIBILITY_RULES);
                Eligibility.rulesTable(spark, rules).write().format("delta").mode(SaveMode.Overwrite)
                        .option("replaceWhere", "rules_version = '" + rules.version().replace("'", "''") + "'")
                        .option("userMetadata", "{\"run_id\":\"" + run.runId() + "\"}").save(rulesPath);

                run.stage("priority list and explanations");
                String prioPath = lake.path(LakeTables.PHB_PRIORITY);
                Dataset<Row> candidates = Priority.candidates(riskWritten, features, eligWritten, config).persist(StorageLevel.MEMORY_AND_DISK());
                cached.add(candidates);
                Dataset<Row> explained = Priority.withFactors(candidates, features, bc, FactorPhrases.standard(), config)
                        .persist(StorageLevel.MEMORY_AND_DISK());
                cached.add(explained);
                write(spark, Priority.ranked(explained, rules.version(), models.modelId(), run.runId()), ScoreTables.PHB_PRIORITY_SCHEMA,
                        prioPath, req.asOf(), run.runId());
                Dataset<Row> prioWritten = RiskScoring.at(spark.read().format("delta").load(prioPath), req.asOf());

                run.stage("summary");
                Result result = summary(riskWritten, eligWritten, prioWritten, persons, new Result.Made(run.runId(), req.asOf(),
                        models.modelId(), models.costModelId(), rules.version(), Map.of(ScoreTables.RISK_SCORES, riskPath,
                        ScoreTables.PHB_ELIGIBILITY, eligPath, ScoreTables.PHB_PRIORITY, prioPath), t0));
                run.output(LakeTables.RISK_SCORES, DeltaTables.version(spark, riskPath), persons);
                run.output(LakeTables.PHB_ELIGIBILITY, DeltaTables.version(spark, eligPath), result.eligibilityRows());
                run.output(LakeTables.PHB_PRIORITY, DeltaTables.version(spark, prioPath), result.priorityList());
                run.output(LakeTables.ELIGIBILITY_RULES, DeltaTables.version(spark, rulesPath), rules.rules().size());
                run.count("persons", persons);
                run.count("eligible_persons", result.eligiblePersons());
                run.count("priority_list", result.priorityList());
                return result;
            });
        } finally {
            cached.forEach(Dataset::unpersist);
            bc.destroy();
        }
    }

    /** Writes one date's rows with the contract's columns and types, replacing that date only. */
    static void write(SparkSession spark, Dataset<Row> rows, StructType schema, String path, LocalDate date, String runId) {
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        for (org.apache.spark.sql.types.StructField f : schema.fields()) {
            cols.add(col(f.name()).cast(f.dataType()).alias(f.name()));
        }
        rows.select(cols.toArray(org.apache.spark.sql.Column[]::new)).write().format("delta").mode(SaveMode.Overwrite)
                .partitionBy("reference_date")
                .option("replaceWhere", "reference_date = DATE'" + date + "'")
                .option("userMetadata", "{\"run_id\":\"" + runId + "\"}")
                .save(path);
    }

    private static Result summary(Dataset<Row> risk, Dataset<Row> elig, Dataset<Row> prio, long persons, Result.Made made) {
        Row r = risk.agg(org.apache.spark.sql.functions.avg("p_emergency_12m"), sum("predicted_cost_12m")).first();
        Map<String, Long> tiers = new LinkedHashMap<>();
        for (String t : ScoreTables.TIERS) {
            tiers.put(t, 0L);
        }
        for (Row t : risk.groupBy("risk_tier").agg(count(lit(1))).collectAsList()) {
            tiers.put(t.getString(0), t.getLong(1));
        }
        Map<String, Long> cohorts = new LinkedHashMap<>();
        long rows = 0;
        for (Row c : elig.groupBy("cohort").agg(count(lit(1))).orderBy("cohort").collectAsList()) {
            cohorts.put(c.getString(0), c.getLong(1));
            rows += c.getLong(1);
        }
        Map<String, Long> bases = new LinkedHashMap<>();
        for (Row b : elig.groupBy("basis").agg(countDistinct("person_id")).orderBy("basis").collectAsList()) {
            bases.put(b.getString(0), b.getLong(1));
        }
        Row p = prio.agg(count(lit(1)), sum(when(col("eligible"), 1).otherwise(0)),
                sum(when(col("integrated_budget_candidate"), 1).otherwise(0))).first();
        return new Result(made.runId(), made.referenceDate(), made.modelId(), made.costModelId(), made.rulesVersion(), persons,
                r.isNullAt(0) ? null : r.getDouble(0), r.isNullAt(1) ? null : r.getDecimal(1), tiers, rows, cohorts, bases,
                p.isNullAt(1) ? 0L : p.getLong(1), p.getLong(0), p.isNullAt(2) ? 0L : p.getLong(2), made.tables(),
                Math.round((System.nanoTime() - made.startNanos()) / 1e7) / 100.0);
    }
}
