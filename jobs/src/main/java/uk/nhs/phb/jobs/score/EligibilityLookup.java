package uk.nhs.phb.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.KernelLake;
import uk.nhs.phb.jobs.LookupRun;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.PersonIds;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.letter.LetterJob;
import uk.nhs.phb.jobs.train.ModelRegistry;
import uk.nhs.phb.models.letter.PersonLetter;
import uk.nhs.phb.models.risk.FactorPhrases;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.pipelines.letter.LetterRows;
import uk.nhs.phb.pipelines.score.RiskScoring;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * {@code phb eligibility --person ID}: for one pseudonymous person, what they are told (their letter: whether they may
 * have a personal health budget and why, their indicative budget and how it was worked out, what happens next), and
 * for staff which eligibility rules they meet and why (and which they do not, with the condition), their predicted
 * risk and tier, their place on the priority list and the factors behind their risk. Reads only that person's rows; the look-up is recorded in {@code audit/runs}.
 * The person's view alone ({@link #personView}) needs no Spark: it reads the few rows it needs through {@link KernelLake}.
 */
public final class EligibilityLookup {
    private EligibilityLookup() {
    }

    public static Map<String, Object> run(SparkSession spark, JobSettings settings, String personId, LocalDate asOf, Progress progress) {
        PersonIds.check(personId);
        Lake lake = settings.lakeLayout();
        String riskPath = lake.path(LakeTables.RISK_SCORES);
        if (!DeltaTables.exists(spark, riskPath)) {
            throw new InputException("no gold/risk_scores in " + lake.root() + "; run 'phb score --as-of DATE' first");
        }
        try (JobRun run = JobRun.start(spark, lake, "eligibility", RunParameters.of(settings, null).with("person", personId).with("as_of", asOf), progress)) {
            try {
                Map<String, Object> out = lookup(spark, lake, personId, asOf);
                run.count("rules_met", ((List<?>) out.get("rules_met")).size());
                run.succeeded();
                return out;
            } catch (RuntimeException e) {
                run.failed(e);
                throw e;
            }
        }
    }

    /** What one person is told, with the date it is at and the run that recorded the look-up. */
    public record PersonView(String personId, LocalDate referenceDate, String runId, PersonLetter letter) {
        /** The JSON summary: {@code person_id}, {@code reference_date}, {@code run_id}, {@code letter}. */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("person_id", personId);
            m.put("reference_date", referenceDate.toString());
            m.put("run_id", runId);
            m.put("letter", letter);
            return m;
        }
    }

    /**
     * The person's view (their letter's content) without starting Spark: the person's rows of gold/risk_scores,
     * gold/phb_eligibility and gold/indicative_budgets at the date, read through Delta Kernel. The look-up is recorded
     * in {@code audit/runs} with the version of each table read.
     */
    public static PersonView personView(JobSettings settings, String personId, LocalDate asOf) {
        PersonIds.check(personId);
        Lake lake = settings.lakeLayout();
        KernelLake tables = KernelLake.open(lake);
        if (!tables.exists(LakeTables.RISK_SCORES)) {
            throw new InputException("no gold/risk_scores in " + lake.root() + "; run 'phb score --as-of DATE' first");
        }
        RunParameters parameters = RunParameters.of(settings, null).with("person", personId).with("as_of", asOf).with("view", "person");
        try (LookupRun run = LookupRun.start(tables, "eligibility", parameters)) {
            try {
                PersonView view = personView(tables, run, lake, personId, asOf);
                run.succeeded();
                return view;
            } catch (RuntimeException e) {
                run.failed(e);
                throw e;
            }
        }
    }

    private static PersonView personView(KernelLake tables, LookupRun run, Lake lake, String personId, LocalDate asOf) {
        run.input(LakeTables.RISK_SCORES);
        LocalDate date = asOf;
        if (date == null) {
            List<String> dates = tables.partitionValues(LakeTables.RISK_SCORES, "reference_date");
            if (dates.isEmpty()) {
                throw new InputException("gold/risk_scores in " + lake.root() + " is empty; run 'phb score --as-of DATE' first");
            }
            date = LocalDate.parse(dates.get(dates.size() - 1));
        }
        Map<String, Object> atDate = Map.of("reference_date", date);
        Map<String, Object> person = new LinkedHashMap<>();
        person.put("reference_date", date);
        person.put("person_id", personId);
        if (tables.rows(LakeTables.RISK_SCORES, person).isEmpty()) {
            throw new InputException(tables.anyFile(LakeTables.RISK_SCORES, atDate)
                    ? "no person " + personId + " in gold/risk_scores at " + date + " (not registered in the area at that date, or a mistyped id)"
                    : "nothing was scored at " + date + "; run 'phb score --as-of " + date + "' first or pass --as-of");
        }
        run.input(LakeTables.PHB_ELIGIBILITY);
        List<PersonLetter.RuleMet> rules = new ArrayList<>();
        for (Map<String, Object> r : tables.rows(LakeTables.PHB_ELIGIBILITY, person)) {
            rules.add(new PersonLetter.RuleMet((String) r.get("basis"), (String) r.get("rule_id"), (String) r.get("cohort")));
        }
        List<PersonLetter.BudgetLine> lines = new ArrayList<>();
        boolean budgetMade = false;
        if (tables.exists(LakeTables.INDICATIVE_BUDGETS)) {
            run.input(LakeTables.INDICATIVE_BUDGETS);
            for (Map<String, Object> l : tables.rows(LakeTables.INDICATIVE_BUDGETS, person)) {
                lines.add(new PersonLetter.BudgetLine((String) l.get("stream"), (String) l.get("cohort"), (String) l.get("method"),
                        (BigDecimal) l.get("annual_gbp"), (BigDecimal) l.get("weekly_gbp"), (BigDecimal) l.get("range_low_gbp"),
                        (BigDecimal) l.get("range_high_gbp"), Boolean.TRUE.equals(l.get("pooled")), (String) l.get("line_text")));
            }
            budgetMade = !lines.isEmpty() || tables.anyFile(LakeTables.INDICATIVE_BUDGETS, atDate);
        }
        run.count("rules_met", rules.size());
        run.count("budget_lines", lines.size());
        PersonLetter.Facts facts = PersonLetter.Facts.ordered(personId, date, rules, budgetMade, lines);
        return new PersonView(personId, date, run.runId(), PersonLetter.of(facts, PersonLetter.Words.standard(), false));
    }

    private static Map<String, Object> lookup(SparkSession spark, Lake lake, String personId, LocalDate asOf) {
        Dataset<Row> risk = DeltaTables.read(spark, lake, LakeTables.RISK_SCORES);
        LocalDate date = asOf;
        if (date == null) {
            Row latest = risk.agg(org.apache.spark.sql.functions.max("reference_date")).first();
            date = ((java.sql.Date) latest.get(0)).toLocalDate();
        }
        List<Row> r = RiskScoring.at(risk, date).filter(col("person_id").equalTo(personId)).collectAsList();
        Dataset<Row> features = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES), date)
                .filter(col("person_id").equalTo(personId));
        if (r.isEmpty()) {
            boolean scored = !RiskScoring.at(risk, date).limit(1).isEmpty();
            throw new InputException(scored ? "no person " + personId + " in gold/risk_scores at " + date
                    + " (not registered in the area at that date, or a mistyped id)"
                    : "nothing was scored at " + date + "; run 'phb score --as-of " + date + "' first or pass --as-of");
        }
        Row score = r.get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("person_id", personId);
        out.put("reference_date", date.toString());

        Dataset<Row> elig = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY), date);
        List<Map<String, Object>> met = new ArrayList<>();
        for (Row e : elig.filter(col("person_id").equalTo(personId)).orderBy("rule_id").collectAsList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule_id", e.getAs("rule_id"));
            m.put("cohort", e.getAs("cohort"));
            m.put("basis", e.getAs("basis"));
            m.put("reason", e.getAs("reason"));
            met.add(m);
        }
        List<Row> anyRow = elig.select("rules_version").limit(1).collectAsList();
        String version = anyRow.isEmpty() ? null : anyRow.get(0).getString(0);
        List<Row> prio = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY), date)
                .filter(col("person_id").equalTo(personId)).collectAsList();
        if (version == null && !prio.isEmpty()) {
            version = prio.get(0).getAs("rules_version");
        }
        out.put("rules_version", version);
        out.put("eligible", !met.isEmpty());
        out.put("rules_met", met);
        out.put("rules_not_met", notMet(spark, lake, version, features, met));

        Map<String, Object> riskMap = new LinkedHashMap<>();
        riskMap.put("p_emergency_12m", score.getAs("p_emergency_12m"));
        riskMap.put("risk_percentile", score.getAs("risk_percentile"));
        riskMap.put("risk_tier", score.getAs("risk_tier"));
        riskMap.put("predicted_cost_12m", score.getAs("predicted_cost_12m"));
        riskMap.put("model_id", score.getAs("model_id"));
        out.put("risk", riskMap);

        Map<String, Object> p = new LinkedHashMap<>();
        List<Map<String, Object>> factors = new ArrayList<>();
        if (!prio.isEmpty()) {
            Row pr = prio.get(0);
            p.put("on_list", true);
            p.put("priority_rank", pr.getAs("priority_rank"));
            p.put("priority_score", pr.getAs("priority_score"));
            p.put("sectors_involved", pr.getAs("sectors_involved"));
            p.put("integrated_budget_candidate", pr.getAs("integrated_budget_candidate"));
            p.put("explanation", pr.getAs("explanation"));
            for (Row f : pr.<Row>getList(pr.fieldIndex("top_factors"))) {
                factors.add(factor(f.getString(0), f.isNullAt(1) ? null : f.getString(1), f.getDouble(2), f.getString(3)));
            }
        } else {
            p.put("on_list", false);
            p.put("why_not", "not in an eligible group, below the listed risk tiers and not an integrated budget candidate");
            factors.addAll(factorsNow(spark, lake, score.getAs("model_id"), features));
        }
        p.put("list_size", RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY), date).count());
        out.put("priority", p);
        out.put("top_factors", factors);
        out.put("letter", letter(spark, lake, personId, date));
        return out;
    }

    /** What the person is told: their letter's content in plain words (see {@code phb letter}). */
    private static PersonLetter letter(SparkSession spark, Lake lake, String personId, LocalDate date) {
        Dataset<Row> people = spark.createDataset(List.of(personId), Encoders.STRING()).toDF("person_id");
        boolean budgetTable = DeltaTables.exists(spark, lake, LakeTables.INDICATIVE_BUDGETS);
        Dataset<Row> budgets = budgetTable ? DeltaTables.read(spark, lake, LakeTables.INDICATIVE_BUDGETS) : null;
        List<Row> rows = LetterRows.of(people, DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY), budgets, date).collectAsList();
        boolean budgetMade = budgetTable && (!rows.isEmpty() && !rows.get(0).isNullAt(2) || !RiskScoring.at(budgets, date).limit(1).isEmpty());
        return PersonLetter.of(LetterJob.facts(rows.get(0), date, budgetMade), PersonLetter.Words.standard(), false);
    }

    private static Map<String, Object> factor(String feature, String value, double contribution, String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feature", feature);
        m.put("value", value);
        m.put("contribution", contribution);
        m.put("text", text);
        return m;
    }

    /** Every rule of the version the person does not meet, with its condition, evaluated on their features row. */
    private static List<Map<String, Object>> notMet(SparkSession spark, Lake lake, String version, Dataset<Row> features,
                                                    List<Map<String, Object>> met) {
        List<Map<String, Object>> out = new ArrayList<>();
        String rulesPath = lake.path(LakeTables.ELIGIBILITY_RULES);
        if (version == null || !DeltaTables.exists(spark, rulesPath)) {
            return out;
        }
        List<Row> rules = spark.read().format("delta").load(rulesPath).filter(col("rules_version").equalTo(version)).orderBy("rule_id")
                .collectAsList();
        List<String> metIds = met.stream().map(m -> (String) m.get("rule_id")).toList();
        List<Row> notMet = rules.stream().filter(rule -> !metIds.contains(rule.<String>getAs("rule_id"))).toList();
        if (notMet.isEmpty()) {
            return out;
        }
        // every condition on the person's features row in one query: a query per rule cost a Spark job each
        org.apache.spark.sql.Column[] conditions = new org.apache.spark.sql.Column[notMet.size()];
        for (int i = 0; i < conditions.length; i++) {
            conditions[i] = org.apache.spark.sql.functions.coalesce(expr(notMet.get(i).getAs("condition")), lit(false)).as("r" + i);
        }
        List<Row> now = features.select(conditions).collectAsList();
        for (int i = 0; i < notMet.size(); i++) {
            Row rule = notMet.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule_id", rule.getAs("rule_id"));
            m.put("cohort", rule.getAs("cohort"));
            m.put("basis", rule.getAs("basis"));
            m.put("condition", rule.getAs("condition"));
            if (!now.isEmpty() && now.get(0).getBoolean(i)) {
                m.put("note", "met by the features now but not recorded at scoring: re-run 'phb score'");
            }
            out.add(m);
        }
        return out;
    }

    /** Top factors from the person's features and the model that scored them (for someone not on the list). */
    private static List<Map<String, Object>> factorsNow(SparkSession spark, Lake lake, String modelId, Dataset<Row> features) {
        List<Map<String, Object>> out = new ArrayList<>();
        String folder = ModelRegistry.folder(lake, modelId);
        if (!Files2.exists(spark, folder + "/" + ModelRegistry.MODELS_FILE)) {
            return out;
        }
        RiskModels models = ModelRegistry.load(spark, folder);
        List<Row> rows = features.select(models.spec().sourceColumns().stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
        if (rows.isEmpty()) {
            return out;
        }
        Row row = rows.get(0);
        Object[] values = new Object[row.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.isNullAt(i) ? null : row.get(i);
        }
        double[] x = models.spec().encode(values);
        for (FactorPhrases.Factor f : FactorPhrases.standard().topFactors(models.spec(), models.gbt().shap(x), values, 3)) {
            out.add(factor(f.feature(), f.value(), f.contribution(), f.text()));
        }
        return out;
    }
}
