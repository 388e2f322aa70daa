package uk.nhs.phb.jobs.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.KernelLake;
import uk.nhs.phb.jobs.LookupRun;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.PersonIds;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.letter.LetterJob;
import uk.nhs.phb.jobs.train.ModelRegistry;
import uk.nhs.phb.models.letter.PersonLetter;
import uk.nhs.phb.models.risk.FactorPhrases;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.pipelines.letter.LetterRows;
import uk.nhs.phb.pipelines.score.RiskScoring;
import uk.nhs.phb.schemas.LakeTables;

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

    /**
     * What staff see of one person at a date: the rules they meet (with the reason) and those they do not (with the
     * condition), their risk, their place on the priority list or why they are not on it, the factors behind their risk,
     * and the letter they are sent.
     */
    public record StaffView(String personId, LocalDate referenceDate, String runId, String rulesVersion, boolean eligible,
                            List<RuleMet> rulesMet, List<RuleNotMet> rulesNotMet, Risk risk, PriorityPlace priority,
                            List<Factor> topFactors, PersonLetter letter) implements JobResult {
    }

    /** A rule the person meets, and the reason it gives. */
    public record RuleMet(String ruleId, String cohort, String basis, String reason) {
    }

    /** A rule the person does not meet, with its condition; a note when their features meet it now but scoring did not. */
    public record RuleNotMet(String ruleId, String cohort, String basis, String condition,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
    }

    /** The person's scores and the model that made them. */
    public record Risk(@JsonProperty("p_emergency_12m") double pEmergency12m, double riskPercentile, String riskTier,
                       @JsonProperty("predicted_cost_12m") BigDecimal predictedCost12m, String modelId) {
    }

    /** The person's place on the priority list (rank, score, explanation) or why they are not on it; the list's length. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PriorityPlace(boolean onList, Integer priorityRank, Double priorityScore, Integer sectorsInvolved,
                                Boolean integratedBudgetCandidate, String explanation, String whyNot, long listSize) {
    }

    /** One factor behind the risk: the feature, its value in words, its contribution (log-odds) and a sentence. */
    public record Factor(String feature, String value, double contribution, String text) {
    }

    public static StaffView run(SparkSession spark, JobSettings settings, String personId, LocalDate asOf, Progress progress) {
        PersonIds.check(personId);
        Lake lake = settings.lakeLayout();
        String riskPath = lake.path(LakeTables.RISK_SCORES);
        if (!DeltaTables.exists(spark, riskPath)) {
            throw new InputException("no gold/risk_scores in " + lake.root() + "; run 'phb score --as-of DATE' first");
        }
        return JobRun.execute(spark, lake, "eligibility", RunParameters.of(settings, null).with("person", personId).with("as_of", asOf),
                progress, run -> {
                    StaffView view = lookup(spark, lake, personId, asOf, run.runId());
                    run.count("rules_met", view.rulesMet().size());
                    return view;
                });
    }

    /** What one person is told, with the date it is at and the run that recorded the look-up. */
    public record PersonView(String personId, LocalDate referenceDate, String runId, PersonLetter letter) implements JobResult {
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

    private static StaffView lookup(SparkSession spark, Lake lake, String personId, LocalDate asOf, String runId) {
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

        Dataset<Row> elig = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY), date);
        List<RuleMet> met = new ArrayList<>();
        for (Row e : elig.filter(col("person_id").equalTo(personId)).orderBy("rule_id").collectAsList()) {
            met.add(new RuleMet(e.getAs("rule_id"), e.getAs("cohort"), e.getAs("basis"), e.getAs("reason")));
        }
        List<Row> anyRow = elig.select("rules_version").limit(1).collectAsList();
        String version = anyRow.isEmpty() ? null : anyRow.get(0).getString(0);
        List<Row> prio = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY), date)
                .filter(col("person_id").equalTo(personId)).collectAsList();
        if (version == null && !prio.isEmpty()) {
            version = prio.get(0).getAs("rules_version");
        }
        Risk riskNow = new Risk(score.getAs("p_emergency_12m"), score.getAs("risk_percentile"), score.getAs("risk_tier"),
                score.getAs("predicted_cost_12m"), score.getAs("model_id"));

        long listSize = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY), date).count();
        PriorityPlace place;
        List<Factor> factors = new ArrayList<>();
        if (!prio.isEmpty()) {
            Row pr = prio.get(0);
            place = new PriorityPlace(true, pr.getAs("priority_rank"), pr.getAs("priority_score"), pr.getAs("sectors_involved"),
                    pr.getAs("integrated_budget_candidate"), pr.getAs("explanation"), null, listSize);
            for (Row f : pr.<Row>getList(pr.fieldIndex("top_factors"))) {
                factors.add(new Factor(f.getString(0), f.isNullAt(1) ? null : f.getString(1), f.getDouble(2), f.getString(3)));
            }
        } else {
            place = new PriorityPlace(false, null, null, null, null, null,
                    "not in an eligible group, below the listed risk tiers and not an integrated budget candidate", listSize);
            factors.addAll(factorsNow(spark, lake, score.getAs("model_id"), features));
        }
        return new StaffView(personId, date, runId, version, !met.isEmpty(), met, notMet(spark, lake, version, features, met), riskNow, place,
                factors, letter(spark, lake, personId, date));
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

    /** Every rule of the version the person does not meet, with its condition, evaluated on their features row. */
    private static List<RuleNotMet> notMet(SparkSession spark, Lake lake, String version, Dataset<Row> features, List<RuleMet> met) {
        List<RuleNotMet> out = new ArrayList<>();
        String rulesPath = lake.path(LakeTables.ELIGIBILITY_RULES);
        if (version == null || !DeltaTables.exists(spark, rulesPath)) {
            return out;
        }
        List<Row> rules = spark.read().format("delta").load(rulesPath).filter(col("rules_version").equalTo(version)).orderBy("rule_id")
                .collectAsList();
        List<String> metIds = met.stream().map(RuleMet::ruleId).toList();
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
            boolean metNow = !now.isEmpty() && now.get(0).getBoolean(i);
            out.add(new RuleNotMet(rule.getAs("rule_id"), rule.getAs("cohort"), rule.getAs("basis"), rule.getAs("condition"),
                    metNow ? "met by the features now but not recorded at scoring: re-run 'phb score'" : null));
        }
        return out;
    }

    /** Top factors from the person's features and the model that scored them (for someone not on the list). */
    private static List<Factor> factorsNow(SparkSession spark, Lake lake, String modelId, Dataset<Row> features) {
        List<Factor> out = new ArrayList<>();
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
            out.add(new Factor(f.feature(), f.value(), f.contribution(), f.text()));
        }
        return out;
    }
}
