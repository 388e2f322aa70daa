package uk.nhs.phb.jobs.batch;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.budget.BudgetJob;
import uk.nhs.phb.jobs.extract.ExtractJob;
import uk.nhs.phb.jobs.extract.ExtractPurposes;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.schemas.profiles.Profiles;
import uk.nhs.phb.jobs.link.LinkJob;
import uk.nhs.phb.jobs.report.ReportJob;
import uk.nhs.phb.jobs.score.ScoreJob;
import uk.nhs.phb.jobs.train.ModelRegistry;
import uk.nhs.phb.jobs.train.TrainJob;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.LinkPersons;
import uk.nhs.phb.schemas.Quarter;

/** The steps of {@code phb run --quarter Q}, in order; the reference date of every step is the quarter's last day. */
public final class QuarterBatch {
    /** Step names, in batch order ({@code train} only when the lake has no model yet or a retrain is asked for). */
    public static final List<String> STEPS = List.of("ingest", "link", "features", "train", "score", "budget", "report", "extract");

    /**
     * Extracts the batch makes unless told otherwise: the national publication (aggregate), a DSCRO's commissioning
     * extract (pseudonymised for that recipient) and an anonymised planning extract.
     */
    public static final List<Extract> DEFAULT_EXTRACTS = List.of(new Extract("publication", "nhs-england"),
            new Extract("commissioning", "dscro"), new Extract("planning", "icb-analytics"));

    /** One extract: a purpose (see {@link ExtractPurposes}) and a recipient. */
    public record Extract(String purpose, String recipient) {
        /** {@code PURPOSE:RECIPIENT}. */
        public static Extract parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new InputException("--extract '" + text + "' is not PURPOSE:RECIPIENT, e.g. commissioning:dscro");
            }
            return new Extract(text.substring(0, colon).strip(), text.substring(colon + 1).strip());
        }
    }

    private QuarterBatch() {
    }

    /**
     * @param extractDate the day the landing extract was taken (dates after it break {@code future_date})
     * @param evaluate    measure linkage, the risk model, budgets and the before/after against the synthetic generator's
     *                    truth in {@code landing/_truth} (an error where there is none)
     * @param profiles    the dataset profiles that read national layouts (with the ICB's local overrides, if any)
     */
    public record Options(LocalDate extractDate, boolean evaluate, boolean retrain, List<Extract> extracts, Profiles profiles) {
        public Options {
            extracts = List.copyOf(extracts);
        }

        /** Today's extract, no evaluation, no retraining, the default extracts. */
        public static Options of(LocalDate extractDate, boolean evaluate) {
            return new Options(extractDate, evaluate, false, DEFAULT_EXTRACTS, Profiles.builtIn());
        }
    }

    public static BatchRun of(JobSettings settings, SecretKey lakeKey, Quarter quarter, Options options) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("quarter", quarter.toString());
        parameters.put("as_of", quarter.end().toString());
        parameters.put("extract_date", options.extractDate().toString());
        return BatchRun.of(settings, quarter.toString(), steps(settings, lakeKey, quarter, options), parameters);
    }

    /**
     * The batch's steps, each calling its job with the settings it would get alone from its command's defaults; the job
     * records its own parameters, so a step records the same parameters in a batch as alone.
     */
    public static List<BatchRun.Step> steps(JobSettings settings, SecretKey lakeKey, Quarter quarter, Options options) {
        LocalDate asOf = quarter.end();
        List<BatchRun.Step> steps = new ArrayList<>();
        steps.add(new BatchRun.Step("ingest", "ingest@" + options.extractDate(), true, (spark, progress) ->
                IngestJob.of(settings).extractDate(options.extractDate()).profiles(options.profiles()).lakeKey(lakeKey).progress(progress)
                        .execute()));
        steps.add(new BatchRun.Step("link", "link" + (options.evaluate() ? "+evaluate" : ""), false, (spark, progress) ->
                LinkJob.run(spark, new LinkJob.Request(settings, lakeKey, LinkPersons.Settings.defaults(), asOf.getYear(),
                        options.evaluate()), progress)));
        steps.add(new BatchRun.Step("features", "features@" + asOf, false, (spark, progress) ->
                FeaturesJob.run(spark, settings, lakeKey, asOf, progress)));
        SparkSession session = SparkSessions.forJob(settings);
        if (options.retrain() || ModelRegistry.current(session, settings.lakeLayout()) == null) {
            steps.add(new BatchRun.Step("train", "train@" + asOf + (options.evaluate() ? "+evaluate" : ""), false, (spark, progress) ->
                    TrainJob.run(spark, settings, lakeKey, TrainJob.Request.defaults(asOf).evaluating(options.evaluate()), progress)));
        }
        steps.add(new BatchRun.Step("score", "score@" + asOf, false, (spark, progress) ->
                ScoreJob.run(spark, settings, new ScoreJob.Request(asOf, null, null, null), progress)));
        steps.add(new BatchRun.Step("budget", "budget@" + asOf + (options.evaluate() ? "+evaluate" : ""), false, (spark, progress) ->
                BudgetJob.run(spark, settings, lakeKey, new BudgetJob.Request(asOf, BudgetRules.defaults(), BudgetJob.Request.DEFAULT_MIN_CELL,
                        options.evaluate()), progress)));
        steps.add(new BatchRun.Step("report", "report@" + quarter + (options.evaluate() ? "+evaluate" : ""), false, (spark, progress) ->
                ReportJob.run(spark, ReportJob.Request.defaults(settings, lakeKey, quarter, null).evaluating(options.evaluate()), progress)));
        ExtractPurposes purposes = ExtractPurposes.defaults();
        for (Extract e : options.extracts()) {
            purposes.purpose(e.purpose());   // an unknown purpose fails before anything runs
            steps.add(new BatchRun.Step("extract " + e.purpose() + ":" + e.recipient(),
                    "extract:" + e.purpose() + ":" + e.recipient() + "@" + quarter, false, (spark, progress) ->
                    ExtractJob.run(spark, new ExtractJob.Request(settings, lakeKey, purposes, e.purpose(), e.recipient(), quarter, null, null),
                            progress)));
        }
        return steps;
    }
}
