package uk.nhs.phb.jobs.budget;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.pages.Pages;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.StatementOfResources;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.pipelines.budget.IndicativeBudgets;
import uk.nhs.phb.pipelines.budget.StatementFigures;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb statement-of-resources --as-of DATE [--org CODE]}: the statement of resources as CSV
 * ({@code statement.csv}, {@code services.csv}) and a self-contained HTML page, written to
 * {@code <out>/statement-of-resources/<as-of>/} (or {@code <as-of>-<org>/}) through a staging folder renamed
 * into place, with {@code manifest.json} written last. Figures go through {@link SmallNumbers#NHS_DIGITAL}.
 */
public final class StatementOfResourcesJob {
    private static final ObjectWriter JSON = Json.mapper().writerWithDefaultPrettyPrinter();
    private static final String STATEMENT_PAGE = Pages.FOLDER + "statement.html.peb";

    /** What to publish: the date, an organisation code (ICB, Sub-ICB or local authority) or null, and the rules. */
    public record Request(LocalDate asOf, String org, BudgetRules rules) {
    }

    private StatementOfResourcesJob() {
    }

    /**
     * A statement: the exact count of people with a budget (for the analyst) and the figure the statement publishes, the
     * total a year, each cohort's published counts, where it was written, and a warning when the budgets' rules differ.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String runId, LocalDate asOf, @JsonInclude(JsonInclude.Include.ALWAYS) String org, long people,
                         String peoplePublished, BigDecimal totalAnnualGbp, Map<String, CohortPublished> cohorts, String out, String warning,
                         double seconds) implements JobResult {
    }

    /** A cohort's counts as the statement shows them (rounded, or {@code *}). */
    public record CohortPublished(String peopleEligible, String peopleWithBudget) {
    }

    public static Result run(SparkSession spark, JobSettings settings, Request req, Progress progress) {
        Lake lake = settings.lakeLayout();
        String date = req.asOf().toString();
        String budgetsPath = lake.path(LakeTables.INDICATIVE_BUDGETS);
        String eligibilityPath = lake.path(LakeTables.PHB_ELIGIBILITY);
        String featuresPath = lake.path(LakeTables.PERSON_FEATURES);
        if (!DeltaTables.exists(spark, budgetsPath)) {
            throw new InputException("no gold/indicative_budgets in " + lake.root() + "; run 'phb budget --as-of " + date + "' first");
        }
        if (!DeltaTables.exists(spark, eligibilityPath)) {
            throw new InputException("no gold/phb_eligibility in " + lake.root() + "; run 'phb score --as-of " + date + "' first");
        }
        long t0 = System.nanoTime();
        return JobRun.execute(spark, lake, "statement-of-resources", RunParameters.of(settings, null)
                .with("as_of", req.asOf()).with("org", req.org()).with("pooling", req.rules().poolingSource())
                .with("rules_version", req.rules().version()), progress, run -> {
            run.stage("read budgets");
            org.apache.spark.sql.Column day = col("reference_date").equalTo(lit(date).cast(DataTypes.DateType));
            Dataset<Row> lines = DeltaTables.read(spark, lake, LakeTables.INDICATIVE_BUDGETS).filter(day);
            // who can have one: the eligibility cohorts and, as the budgets count them, the priority list's people in no
            // cohort (OTHER); otherwise that group would show budgets for people no group says can have one
            boolean priorityTable = DeltaTables.exists(spark, lake, LakeTables.PHB_PRIORITY);
            Dataset<Row> eligibility = IndicativeBudgets.budgetPeople(DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY),
                            priorityTable ? DeltaTables.read(spark, lake, LakeTables.PHB_PRIORITY) : null, req.asOf())
                    .select(col("person_id"), org.apache.spark.sql.functions.explode(col("cohorts")).as("cohort"));
            run.input(LakeTables.INDICATIVE_BUDGETS, DeltaTables.version(spark, budgetsPath));
            run.input(LakeTables.PHB_ELIGIBILITY, DeltaTables.version(spark, eligibilityPath));
            if (priorityTable) {
                run.input(LakeTables.PHB_PRIORITY, DeltaTables.version(spark, lake, LakeTables.PHB_PRIORITY));
            }
            if (lines.isEmpty()) {
                throw new InputException("gold/indicative_budgets has no rows for " + date + "; run 'phb budget --as-of " + date + "' first");
            }
            List<String> versions = lines.select("rules_version").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
            String warning = versions.equals(List.of(req.rules().version())) ? null
                    : "the budgets were made with reference data " + versions + " but this statement's rules are " + req.rules().version()
                    + "; pass the same --pooling file to 'phb statement-of-resources' as to 'phb budget' so the cohorts' streams match";
            if (req.org() != null) {
                if (!DeltaTables.exists(spark, featuresPath)) {
                    throw new InputException("--org needs gold/person_features in " + lake.root() + " to place people; run 'phb features --as-of "
                            + date + "' first");
                }
                run.input(LakeTables.PERSON_FEATURES, DeltaTables.version(spark, featuresPath));
                Dataset<Row> inOrg = DeltaTables.read(spark, lake, LakeTables.PERSON_FEATURES).filter(day)
                        .filter(col("icb_code").equalTo(req.org()).or(col("sub_icb_code").equalTo(req.org()))
                                .or(col("la_code").equalTo(req.org())))
                        .select("person_id");
                if (inOrg.isEmpty()) {
                    throw new InputException("no person in gold/person_features at " + date + " belongs to organisation '" + req.org()
                            + "'; give an ICB, Sub-ICB or local authority code (e.g. " + exampleCodes(spark, featuresPath, date) + ")");
                }
                lines = lines.join(inOrg, "person_id");
                eligibility = eligibility.join(inOrg, "person_id");
            }
            run.stage("figures");
            StatementOfResources.Figures figures = StatementFigures.compute(lines, eligibility, req.asOf(), req.org());
            SmallNumbers rule = SmallNumbers.NHS_DIGITAL;

            run.stage("write statement");
            String target = settings.out() + "/statement-of-resources/" + date + (req.org() == null ? "" : "-" + req.org());
            String staging = Files2.stagingFor(target);
            try {
                Map<String, FileWritten> files = new LinkedHashMap<>();
                List<List<String>> statement = StatementOfResources.csv(figures, req.rules(), rule);
                List<List<String>> services = StatementOfResources.servicesCsv(figures, req.rules(), rule);
                write(spark, staging, "statement.csv", StatementOfResources.toCsv(statement), statement.size() - 1, files);
                write(spark, staging, "services.csv", StatementOfResources.toCsv(services), services.size() - 1, files);
                write(spark, staging, "statement.html", Pages.render(STATEMENT_PAGE, Map.of("page", StatementOfResources.page(figures, req.rules(),
                        rule))), -1, files);
                Manifest manifest = new Manifest("statement-of-resources", "AGGREGATE", date, req.org(), run.runId(),
                        DeltaTables.version(spark, budgetsPath), versions, req.rules().version(), warning, "counts 1-" + rule.threshold()
                        + " shown as *, others rounded to " + rule.base() + "; money shown only where its count is shown", files);
                Files2.writeText(spark, staging + "/manifest.json", JSON.writeValueAsString(manifest));
                Files2.publish(spark, staging, target, true);
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                Files2.discard(spark, staging);
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            run.count("cohorts", figures.cohorts().size());
            Map<String, CohortPublished> cohorts = new LinkedHashMap<>();
            for (StatementOfResources.CohortFigures c : figures.cohorts()) {
                cohorts.put(c.cohort(), new CohortPublished(rule.count(c.peopleEligible(), SmallNumbers.Level.SUB_NATIONAL).text(),
                        rule.count(c.budgets().people(), SmallNumbers.Level.SUB_NATIONAL).text()));
            }
            run.count("people", figures.all().people());
            return new Result(run.runId(), req.asOf(), req.org(), figures.all().people(),
                    rule.count(figures.all().people(), SmallNumbers.Level.SUB_NATIONAL).text(), figures.all().total(), cohorts, target,
                    warning, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        });
    }

    /** {@code manifest.json} of a statement: what it is, when and for whom, the versions it came from, the rule and its files. */
    record Manifest(String kind, String level, String asOf, String org, String runId, long budgetsVersion, List<String> budgetRulesVersions,
                    String statementRulesVersion, String warning, String smallNumbers, Map<String, FileWritten> files) {
    }

    /** A file of the statement: its rows (a table's; absent for the page), bytes and SHA-256. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record FileWritten(Long rows, long bytes, String sha256) {
    }

    private static void write(SparkSession spark, String dir, String name, String text, long rows, Map<String, FileWritten> files) {
        Files2.writeText(spark, dir + "/" + name, text);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        files.put(name, new FileWritten(rows >= 0 ? rows : null, bytes.length, sha256(bytes)));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String exampleCodes(SparkSession spark, String featuresPath, String date) {
        Row r = spark.read().format("delta").load(featuresPath).filter(col("reference_date").equalTo(lit(date).cast(DataTypes.DateType)))
                .select("icb_code", "sub_icb_code", "la_code").first();
        return r.get(0) + ", " + r.get(1) + " or " + r.get(2);
    }
}
