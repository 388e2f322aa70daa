package uk.nhs.phb.jobs.train;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.models.risk.Bootstrap;
import uk.nhs.phb.models.risk.CostModel;
import uk.nhs.phb.models.risk.Evaluation;
import uk.nhs.phb.models.risk.FeatureSpec;
import uk.nhs.phb.models.risk.GbtRisk;
import uk.nhs.phb.models.risk.Headline;
import uk.nhs.phb.models.risk.LogisticRisk;
import uk.nhs.phb.models.risk.LookupBaseline;
import uk.nhs.phb.models.risk.Metrics;
import uk.nhs.phb.models.risk.ModelCard;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.models.risk.TrainingRecord;
import uk.nhs.phb.pipelines.Materialised;
import uk.nhs.phb.pipelines.features.Outcomes;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.pipelines.score.RiskScoring;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb train --as-of DATE}: the emergency-admission risk model and the 12-month cost model, evaluated on a
 * temporal hold-out, saved in the model registry.
 *
 * <p>Design (docs/MODELS.md): training rows are everyone in {@code gold/person_features} at the quarter ends
 * 24, 27, 30 and 33 months before DATE (their 12-month outcome windows all end by the test date, so no outcome the
 * model learns from falls inside the test's window); the test set is everyone at 12 months before DATE. Feature partitions missing for those dates are computed and written to
 * {@code gold/person_features} (the same pure transformation as {@code phb features}, so the next run and
 * {@code phb score} reuse them, and the training data version is the table's Delta version). Outcomes are
 * computed from bronze through the person index for the 12 months after each date. A bounded, outcome-stratified
 * sample of training rows is collected to the driver (Smile trains on one machine); scoring of the test set, like
 * all person-level scoring, runs on the executors.
 */
public final class TrainJob {
    public static final String COMMAND = "train";
    /**
     * Reference dates 24..33 months back train the model; 12 months back is the hold-out test set. Training outcomes (12
     * months after each date) end by the test date: the evaluation is prospective, not on outcomes the model saw.
     */
    public static final int TEST_MONTHS_BACK = 12;
    public static final int FIRST_TRAIN_MONTHS_BACK = TEST_MONTHS_BACK + 12;

    private TrainJob() {
    }

    /**
     * What to train. {@code evaluate} also measures the synthetic generator's true risk on the hold-out (the oracle);
     * real feeds have none.
     */
    public record Request(LocalDate asOf, int trainQuarters, long maxTrainingRows, long maxTestRows, long seed, boolean refreshFeatures,
                          GbtRisk.Params gbt, GbtRisk.Params cost, boolean evaluate) {
        public static Request defaults(LocalDate asOf) {
            return new Request(asOf, 4, 150_000, 1_000_000, 2017, false, GbtRisk.defaults(), GbtRisk.defaults(), false);
        }

        /** The same request, measured against the synthetic generator's truth or not. */
        public Request evaluating(boolean evaluate) {
            return new Request(asOf, trainQuarters, maxTrainingRows, maxTestRows, seed, refreshFeatures, gbt, cost, evaluate);
        }
    }

    /** The quarter end {@code months} before a quarter end. */
    static LocalDate monthsBefore(LocalDate quarterEnd, int months) {
        LocalDate d = quarterEnd.minusMonths(months);
        return d.withDayOfMonth(d.lengthOfMonth());
    }

    static boolean isQuarterEnd(LocalDate d) {
        return d.getMonthValue() % 3 == 0 && d.getDayOfMonth() == d.lengthOfMonth();
    }

    public static List<LocalDate> trainingDates(LocalDate asOf, int quarters) {
        List<LocalDate> out = new ArrayList<>();
        for (int q = quarters - 1; q >= 0; q--) {
            out.add(monthsBefore(asOf, FIRST_TRAIN_MONTHS_BACK + 3 * q));
        }
        return out;
    }

    public static LocalDate testDate(LocalDate asOf) {
        return monthsBefore(asOf, TEST_MONTHS_BACK);
    }

    /**
     * A training run: the models it made, the dates it trained and tested on, how many rows, the headline figures on the
     * hold-out (unwrapped into the summary), the trees kept, and where the model and its reports went.
     */
    public record Result(String runId, String modelId, String costModelId, LocalDate asOf, List<LocalDate> trainingReferenceDates,
                         LocalDate testReferenceDate, long trainingRows, long rowsFitted, long testRows, @JsonUnwrapped Headline headline,
                         int gbtTrees, double trainSeconds, String modelDir, String schemaHash, double seconds,
                         Map<String, Double> stageSeconds) implements JobResult {
    }

    /** Runs again as a recorded run ran ({@code phb replay}): the same date, quarters, sample sizes, seed and model settings. */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        RecordedParameters p = r.parameters();
        return run(spark, r.settings(), r.lakeKey(), new Request(p.date("as_of"), p.integer("train_quarters"), p.whole("max_training_rows"),
                p.whole("max_test_rows"), p.whole("seed"), p.flag("refresh_features"), p.record("risk_model", GbtRisk.Params.class),
                p.record("cost_model", GbtRisk.Params.class), p.flag("evaluate")), progress);
    }

    public static Result run(SparkSession spark, JobSettings settings, SecretKey lakeKey, Request req, Progress progress) {
        if (!isQuarterEnd(req.asOf())) {
            throw new InputException("--as-of " + req.asOf() + " is not a quarter end; training dates are quarter ends, e.g. 2026-03-31 "
                    + "or 2025-26Q4");
        }
        if (req.trainQuarters() < 1 || req.trainQuarters() > 12) {
            throw new InputException("--train-quarters must be 1-12, got " + req.trainQuarters());
        }
        String truthRisk = settings.landing() + "/_truth/risk";
        String truthRecords = settings.landing() + "/_truth/person_records";
        if (req.evaluate() && !(Files2.exists(spark, truthRisk) && Files2.exists(spark, truthRecords))) {
            throw new InputException("--evaluate needs the generator's true risk at " + truthRisk + " and " + truthRecords
                    + " (written by 'phb synth'); real feeds have none, so leave --evaluate out");
        }
        Lake lake = settings.lakeLayout();
        long t0 = System.nanoTime();
        try {
            return JobRun.execute(spark, lake, COMMAND, RunParameters.of(settings, lakeKey).with("as_of", req.asOf())
                    .with("train_quarters", req.trainQuarters()).with("max_training_rows", req.maxTrainingRows())
                    .with("max_test_rows", req.maxTestRows()).with("seed", req.seed()).with("refresh_features", req.refreshFeatures())
                    .with("risk_model", req.gbt()).with("cost_model", req.cost()).with("evaluate", req.evaluate()), progress,
                    run -> train(spark, settings, lake, lakeKey, req, run, t0));
        } finally {
            spark.catalog().clearCache();
        }
    }

    private static Result train(SparkSession spark, JobSettings settings, Lake lake, SecretKey lakeKey, Request req, JobRun run,
                                long t0) {
        List<LocalDate> trainDates = trainingDates(req.asOf(), req.trainQuarters());
        LocalDate testDate = testDate(req.asOf());
        PersonFeatures.Inputs inputs = FeatureInputs.load(spark, lake, lakeKey, run);
        checkSpan(inputs, trainDates.get(0), req.asOf());

        List<LocalDate> needed = new ArrayList<>(trainDates);
        needed.add(testDate);
        List<String> computed = new ArrayList<>();
        for (LocalDate d : needed) {
            if (req.refreshFeatures() || !FeatureInputs.hasFeatures(spark, lake, d)) {
                run.stage("features at " + d);
                FeaturesJob.write(lake, inputs, d, run.runId());
                computed.add(d.toString());
            }
        }
        String featuresPath = lake.path(LakeTables.PERSON_FEATURES);
        long featuresVersion = DeltaTables.version(spark, featuresPath);
        run.input(LakeTables.PERSON_FEATURES, featuresVersion);
        if (!computed.isEmpty()) {
            long written = spark.read().format("delta").load(featuresPath)
                    .filter(col("reference_date").cast("string").isin(computed.toArray())).count();
            run.output(LakeTables.PERSON_FEATURES, featuresVersion, written);
        }

        FeatureSpec spec = FeatureSpec.standard(RiskScoring.columnTypes(FeatureInputs.features(spark, lake, testDate).schema()));

        // training rows: features at each date with the outcomes of the 12 months after it
        run.stage("outcomes and training sample");
        Dataset<Row> labelled = null;
        for (LocalDate d : trainDates) {
            Dataset<Row> l = labelled(spark, lake, inputs, d);
            labelled = labelled == null ? l : labelled.unionByName(l);
        }
        labelled = Materialised.of(labelled);
        Row classes = labelled.agg(org.apache.spark.sql.functions.count(lit(1)),
                org.apache.spark.sql.functions.sum(col("y"))).first();
        long rows = classes.getLong(0);
        long positives = classes.isNullAt(1) ? 0 : classes.getLong(1);
        if (rows == 0) {
            throw new InputException("no people in gold/person_features at the training dates " + trainDates + "; is the data window "
                    + "long enough for --as-of " + req.asOf() + "? (training needs 24 months of history before it)");
        }
        double fraction = Math.min(1.0, (double) req.maxTrainingRows() / rows);
        // the same rate in both outcome classes (proportional stratification), by a reproducible hash of person and date
        Column u = pmod(xxhash64(col("person_id"), col("reference_date").cast("string"), lit(req.seed())), lit(1_000_000L))
                .divide(1_000_000.0);
        Column validation = pmod(xxhash64(col("person_id"), lit(req.seed() + 1)), lit(5L)).equalTo(0);
        // in a fixed order, so the same data trains the same model however it was partitioned (one machine or a cluster)
        Dataset<Row> sample = labelled.filter(u.lt(fraction)).withColumn("validation", validation).orderBy("person_id", "reference_date");
        List<Row> collected = RiskScoring.encode(sample, spec, List.of("y", "outcome_cost_12m", "validation")).collectAsList();
        Materialised.release(labelled);

        List<double[]> xt = new ArrayList<>();
        List<double[]> xv = new ArrayList<>();
        List<Integer> yt = new ArrayList<>();
        List<Integer> yv = new ArrayList<>();
        List<Double> ct = new ArrayList<>();
        List<Double> cv = new ArrayList<>();
        for (Row r : collected) {
            double[] x = RiskScoring.decode((byte[]) r.get(3));
            boolean v = r.getBoolean(2);
            (v ? xv : xt).add(x);
            (v ? yv : yt).add(r.getInt(0));
            (v ? cv : ct).add(r.getDouble(1));
        }
        if (xt.isEmpty() || xv.isEmpty()) {
            throw new InputException("too few training rows (" + collected.size() + ") to train and validate a model");
        }
        double[][] xTrain = xt.toArray(double[][]::new);
        double[][] xVal = xv.toArray(double[][]::new);
        int[] yTrain = yt.stream().mapToInt(Integer::intValue).toArray();
        int[] yVal = yv.stream().mapToInt(Integer::intValue).toArray();
        String[] names = spec.names();

        run.stage("fit gradient-boosted trees");
        long tFit = System.nanoTime();
        GbtRisk gbt = GbtRisk.fit(xTrain, yTrain, xVal, yVal, names, req.gbt(), req.seed());
        double gbtSeconds = (System.nanoTime() - tFit) / 1e9;
        run.stage("fit logistic regression and baselines");
        double lambda = chooseLambda(xTrain, yTrain, xVal, yVal);
        LogisticRisk logistic = LogisticRisk.fit(xTrain, yTrain, lambda);
        LookupBaseline prior = LookupBaseline.fit("prior emergency admissions only", xTrain, yTrain, names, "emergency_admissions_365d", 5);
        LookupBaseline mm = LookupBaseline.fit("multimorbidity count only", xTrain, yTrain, names, "ltc_count", 8);
        run.stage("fit cost model");
        long tCost = System.nanoTime();
        CostModel cost = CostModel.fit(xTrain, ct.stream().mapToDouble(Double::doubleValue).toArray(), xVal,
                cv.stream().mapToDouble(Double::doubleValue).toArray(), names, req.cost(), req.seed() + 2);
        double costSeconds = (System.nanoTime() - tCost) / 1e9;

        double[] costTrain = ct.stream().mapToDouble(Double::doubleValue).toArray();
        double[] costVal = cv.stream().mapToDouble(Double::doubleValue).toArray();
        String modelId = "risk-" + req.asOf() + "-" + trainingDigest(req, names, xTrain, yTrain, costTrain, xVal, yVal, costVal);
        RiskModels models = new RiskModels(modelId, modelId + "/cost", spec, gbt, logistic, prior, mm, cost, gbt.baseLogOdds(xTrain[0]));

        // hold-out: score on the executors, collect only the numbers the metrics need (no person ids)
        run.stage("evaluate on the hold-out at " + testDate);
        Broadcast<RiskModels> bc = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(models);
        Dataset<Row> test = Materialised.of(labelled(spark, lake, inputs, testDate));
        Dataset<Row> scored = RiskScoring.score(test, bc, List.of("person_id", "y", "outcome_emergency_admissions", "outcome_cost_12m",
                "imd_quintile", "ethnicity", "age", "sex"), true);
        if (req.evaluate()) {
            String truthRisk = settings.landing() + "/_truth/risk";
            String truthRecords = settings.landing() + "/_truth/person_records";
            scored = scored.join(truthAt(spark, inputs, truthRisk, truthRecords, testDate), new String[] {"person_id"}, "left");
        } else {
            scored = scored.withColumn("p_truth", lit(null).cast("double"));
        }
        long testRows = test.count();
        double testFraction = Math.min(1.0, (double) req.maxTestRows() / Math.max(1, testRows));
        Column ut = pmod(xxhash64(col("person_id"), lit(req.seed() + 3)), lit(1_000_000L)).divide(1_000_000.0);
        List<Row> t = scored.filter(ut.lt(testFraction)).select(col("y"), col("outcome_emergency_admissions").cast("double"),
                col("outcome_cost_12m"), col("p_emergency_12m"), col("predicted_cost_12m").cast("double"), col("p_logistic"),
                col("p_prior_admissions"), col("p_multimorbidity"), col("p_truth"), col("imd_quintile").cast("string"),
                ethnicityGroup(col("ethnicity")), ageGroup(col("age")), sexGroup(col("sex"))).collectAsList();
        bc.destroy();
        Materialised.release(test);
        Evaluation.Report metrics = evaluate(t, testDate, testRows, req.seed());

        TrainingRecord training = new TrainingRecord(modelId, models.costModelId(), run.runId(), req.asOf().toString(),
                trainDates.stream().map(LocalDate::toString).toList(), testDate.toString(),
                "any emergency admission (methods 21-28, 2A-2D) in the 12 months after the reference date",
                "total spend in all sectors over the 365 days ending 12 months after the reference date", rows, positives, fraction,
                "outcome-stratified at the same rate in both classes, by xxhash64(person_id, reference_date, seed)", xTrain.length, xVal.length,
                Metrics.positives(yTrain), "20% of people (by xxhash64(person_id, seed+1)), for early stopping, the logistic penalty and "
                + "the cost smearing factor; never the test set", req.seed(),
                new TrainingRecord.Gbt(req.gbt().describe(), gbt.trees(), Math.round(gbtSeconds * 10) / 10.0),
                new TrainingRecord.Logistic(lambda, "means and standard deviations of the training rows"),
                new TrainingRecord.Cost(cost.describe(), req.cost().describe(), Math.round(costSeconds * 10) / 10.0),
                new TrainingRecord.Baselines(prior.describe(), mm.describe()), computed, inputVersions(spark, lake), importance(gbt, names));

        run.stage("write the model");
        Headline headline = Headline.of(metrics);
        String title = "Emergency admission risk model " + modelId;
        Map<String, String> context = new LinkedHashMap<>();
        context.put("model", modelId);
        context.put("trained on", String.join(", ", training.trainingReferenceDates()) + String.format(java.util.Locale.UK, " (%,d rows fitted, %,d to validate)",
                xTrain.length, xVal.length));
        context.put("tested on", testDate + String.format(java.util.Locale.UK, " (%,d people)", metrics.testRowsEvaluated()));
        context.put("outcome", training.outcome());
        context.put("oracle AUROC (generator's true risk)", headline.oracleAuroc() == null ? "no truth available"
                : String.format(java.util.Locale.UK, "%.3f", headline.oracleAuroc()));
        List<String> routes = BudgetRules.defaults().cohorts().stream().filter(c -> !c.basis().equals("local")).map(BudgetRules.Cohort::name)
                .toList();
        String html = ModelReportPage.html(title, context, metrics.models(), metrics.subgroups(), metrics.cost(), Evaluation.Report.CHOSEN, routes);
        String card = ModelCard.render(modelId, training, headline, metrics);
        ModelRegistry.publish(spark, lake, modelId, models, new ModelRegistry.Documents(spec.describe(), training, metrics),
                Map.of("evaluation.html", html, "model_card.md", card));

        run.count("model_id", modelId);
        run.count("training_rows", rows);
        run.count("rows_fitted", xTrain.length);
        run.count("test_rows", testRows);
        run.count("auroc", headline.auroc());
        return new Result(run.runId(), modelId, models.costModelId(), req.asOf(), trainDates, testDate, rows, xTrain.length, testRows, headline,
                gbt.trees(), Math.round((gbtSeconds + costSeconds) * 10) / 10.0, ModelRegistry.folder(lake, modelId), spec.schemaHash(),
                Math.round((System.nanoTime() - t0) / 1e7) / 100.0, run.stageSeconds());
    }

    /** The data must reach back a year before the first training date, or its features would be short. */
    private static void checkSpan(PersonFeatures.Inputs inputs, LocalDate firstTrain, LocalDate asOf) {
        Row span = inputs.bronze().get("apc_spells").agg(org.apache.spark.sql.functions.min("admission_date"),
                org.apache.spark.sql.functions.max("admission_date")).first();
        if (span.isNullAt(0)) {
            throw new InputException("bronze/apc_spells is empty: no outcomes to learn from");
        }
        LocalDate first = ((java.sql.Date) span.get(0)).toLocalDate();
        LocalDate last = ((java.sql.Date) span.get(1)).toLocalDate();
        if (first.isAfter(firstTrain.minusDays(365).plusDays(31))) {
            throw new InputException("admitted patient care starts on " + first + ", but the first training date " + firstTrain
                    + " needs a year of history before it; choose a later --as-of or fewer --train-quarters");
        }
        if (last.isBefore(asOf.minusDays(31))) {
            throw new InputException("admitted patient care ends on " + last + ", before --as-of " + asOf
                    + ": the test outcomes would be incomplete; choose an --as-of inside the data");
        }
    }

    /** Features at a date with its outcomes: {@code y} (any emergency admission), admissions, cost. */
    static Dataset<Row> labelled(SparkSession spark, Lake lake, PersonFeatures.Inputs inputs, LocalDate date) {
        Dataset<Row> f = FeatureInputs.features(spark, lake, date);
        Dataset<Row> o = Outcomes.compute(inputs, date);
        return f.join(o, new String[] {"person_id"}, "left")
                .withColumn("outcome_emergency_admissions", coalesce(col("outcome_emergency_admissions"), lit(0)))
                .withColumn("outcome_cost_12m", coalesce(col("outcome_cost_12m"), lit(0.0)))
                .withColumn("y", when(col("outcome_emergency_admissions").gt(0), lit(1)).otherwise(lit(0)));
    }

    /** The generator's true risk at a date, keyed by lake person id (token -> keyed entity hash -> person index). */
    static Dataset<Row> truthAt(SparkSession spark, PersonFeatures.Inputs inputs, String riskPath, String recordsPath, LocalDate date) {
        Dataset<Row> risk = read(spark, riskPath).filter(col("reference_date").equalTo(date.toString()))
                .select(col("person_id").alias("true_person"), col("p_emergency_12m").cast("double").alias("p_truth"));
        Dataset<Row> tokens = read(spark, recordsPath).filter(col("feed").equalTo("nhs_token"))
                .select(PersonIndex.entityHash(inputs.lakeKey(), lit("patients"), col("record_key")).alias("entity_hash"),
                        col("person_id").alias("true_person"));
        Dataset<Row> index = inputs.personIndex().filter(col("source").equalTo("patients")).select("entity_hash", "person_id");
        return tokens.join(index, "entity_hash").join(risk, "true_person").groupBy("person_id")
                .agg(org.apache.spark.sql.functions.max("p_truth").alias("p_truth"));
    }

    private static Dataset<Row> read(SparkSession spark, String path) {
        return Files2.hasFileEnding(spark, path, ".parquet") ? spark.read().parquet(path)
                : spark.read().option("header", true).csv(path);
    }

    static Column ethnicityGroup(Column eth) {
        return when(eth.isin("A", "B", "C"), "White").when(eth.isin("D", "E", "F", "G"), "Mixed")
                .when(eth.isin("H", "J", "K", "L"), "Asian").when(eth.isin("M", "N", "P"), "Black")
                .when(eth.isin("R", "S"), "Other").otherwise("Not stated").alias("ethnicity_group");
    }

    static Column ageGroup(Column age) {
        return when(age.lt(18), "0-17").when(age.lt(45), "18-44").when(age.lt(65), "45-64").when(age.lt(75), "65-74")
                .when(age.lt(85), "75-84").when(age.isNotNull(), "85+").otherwise("unknown").alias("age_group");
    }

    static Column sexGroup(Column sex) {
        return when(sex.equalTo("1"), "male").when(sex.equalTo("2"), "female").otherwise("unknown").alias("sex_group");
    }

    /** The L2 penalty with the least validation log-loss. */
    static double chooseLambda(double[][] x, int[] y, double[][] xv, int[] yv) {
        double best = 1;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double lambda : new double[] {0.1, 1, 10, 100}) {
            LogisticRisk m = LogisticRisk.fit(x, y, lambda);
            double loss = 0;
            for (int i = 0; i < xv.length; i++) {
                double p = Math.min(1 - 1e-15, Math.max(1e-15, m.probability(xv[i])));
                loss -= yv[i] == 1 ? Math.log(p) : Math.log(1 - p);
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                best = lambda;
            }
        }
        return best;
    }

    /**
     * The first 8 hex digits of a SHA-256 over everything a model set is fitted from (settings, feature names, and
     * every training and validation row in order): training is seeded, so the same inputs give the same models and
     * the same id, and a model id names what made it.
     */
    static String trainingDigest(Request req, String[] names, double[][] xTrain, int[] yTrain, double[] costTrain, double[][] xVal,
                                 int[] yVal, double[] costVal) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((req.seed() + "|" + req.gbt() + "|" + req.cost() + "|" + String.join(",", names)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * (xTrain[0].length + 2));
        for (int set = 0; set < 2; set++) {
            double[][] x = set == 0 ? xTrain : xVal;
            int[] y = set == 0 ? yTrain : yVal;
            double[] c = set == 0 ? costTrain : costVal;
            for (int i = 0; i < x.length; i++) {
                b.clear();
                for (double v : x[i]) {
                    b.putDouble(v);
                }
                b.putDouble(y[i]).putDouble(c[i]);
                sha.update(b.array(), 0, b.position());
            }
            sha.update((byte) 0xff);
        }
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 8);
    }

    /** All metrics from the collected hold-out rows. */
    /**
     * Every model's figures on the hold-out rows {@code t}, the chosen model's with bootstrap intervals
     * ({@link Bootstrap#REPLICATES} replicates, seeded by the training seed), its figures by group, and the cost model's.
     */
    static Evaluation.Report evaluate(List<Row> t, LocalDate testDate, long testRows, long seed) {
        int n = t.size();
        int[] y = new int[n];
        double[] events = new double[n];
        double[] costObs = new double[n];
        double[] pg = new double[n];
        double[] costPred = new double[n];
        double[] pl = new double[n];
        double[] pp = new double[n];
        double[] pm = new double[n];
        Map<String, String[]> groups = new LinkedHashMap<>();
        String[] imd = new String[n];
        String[] eth = new String[n];
        String[] age = new String[n];
        String[] sex = new String[n];
        List<Integer> withTruth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Row r = t.get(i);
            y[i] = r.getInt(0);
            events[i] = r.getDouble(1);
            costObs[i] = r.getDouble(2);
            pg[i] = r.getDouble(3);
            costPred[i] = r.getDouble(4);
            pl[i] = r.getDouble(5);
            pp[i] = r.getDouble(6);
            pm[i] = r.getDouble(7);
            if (!r.isNullAt(8)) {
                withTruth.add(i);
            }
            imd[i] = r.isNullAt(9) ? "unknown" : r.getString(9);
            eth[i] = r.getString(10);
            age[i] = r.getString(11);
            sex[i] = r.getString(12);
        }
        groups.put("imd_quintile", imd);
        groups.put("ethnicity", eth);
        groups.put("age_band", age);
        groups.put("sex", sex);
        double threshold = Metrics.thresholdForTopShare(pg, 0.05);
        Map<String, Evaluation.Binary> models = new LinkedHashMap<>();
        models.put(Evaluation.Report.CHOSEN, Evaluation.binary(pg, y, events, threshold, true, Bootstrap.REPLICATES, seed));
        models.put("logistic", Evaluation.binary(pl, y, events, Metrics.thresholdForTopShare(pl, 0.05), true, 0, 0));
        models.put("baseline_prior_admissions", Evaluation.binary(pp, y, events, Metrics.thresholdForTopShare(pp, 0.05), true, 0, 0));
        models.put("baseline_multimorbidity", Evaluation.binary(pm, y, events, Metrics.thresholdForTopShare(pm, 0.05), true, 0, 0));
        if (withTruth.size() > 1) {
            double[] po = new double[withTruth.size()];
            double[] pgo = new double[withTruth.size()];
            int[] yo = new int[withTruth.size()];
            double[] eo = new double[withTruth.size()];
            for (int k = 0; k < po.length; k++) {
                int i = withTruth.get(k);
                po[k] = t.get(i).getDouble(8);
                pgo[k] = pg[i];
                yo[k] = y[i];
                eo[k] = events[i];
            }
            models.put(Evaluation.Report.ORACLE, Evaluation.binary(po, yo, eo, Metrics.thresholdForTopShare(po, 0.05), true, 0, 0)
                    .withGbtAurocOnSameRows(Metrics.auroc(pgo, yo)));
        }
        return new Evaluation.Report(testDate, testRows, n, new Evaluation.OperatingRule("the top 5% of predicted risk (tiers very high and high)",
                threshold), models, Evaluation.subgroups(pg, y, events, groups, threshold), Evaluation.cost(costPred, costObs));
    }

    private static Map<String, Long> inputVersions(SparkSession spark, Lake lake) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(LakeTables.PERSON_FEATURES.path(), DeltaTables.version(spark, lake.path(LakeTables.PERSON_FEATURES)));
        m.put(LakeTables.PERSON_INDEX.path(), DeltaTables.version(spark, lake.path(LakeTables.PERSON_INDEX)));
        for (var feed : uk.nhs.phb.schemas.Feeds.all()) {
            long v = DeltaTables.version(spark, lake.bronze(feed.name()));
            if (v >= 0) {
                m.put(LakeTables.bronze(feed).path(), v);
            }
        }
        return m;
    }

    private static Map<String, Double> importance(GbtRisk gbt, String[] names) {
        double[] imp = gbt.importance();
        double total = 0;
        for (double v : imp) {
            total += v;
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < imp.length; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> Double.compare(imp[b], imp[a]));
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i : idx.subList(0, Math.min(20, idx.size()))) {
            m.put(names[i], total == 0 ? 0.0 : imp[i] / total);
        }
        return m;
    }
}
