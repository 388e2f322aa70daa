package uk.nhs.phb.jobs.batch;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.jobs.link.LinkJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.LinkPersons;
import uk.nhs.phb.schemas.Quarter;

/** The steps of {@code phb run --quarter Q}, in order; the reference date of every step is the quarter's last day. */
public final class QuarterBatch {
    /** Step names, in batch order. */
    public static final List<String> STEPS = List.of("ingest", "link", "features");

    private QuarterBatch() {
    }

    /**
     * @param extractDate the day the landing extract was taken (dates after it break {@code future_date})
     * @param evaluate    measure linkage against {@code landing/_truth} when it is there
     */
    public record Options(LocalDate extractDate, boolean evaluate) {
    }

    public static BatchRun of(JobSettings settings, SecretKey lakeKey, Quarter quarter, Options options) {
        LocalDate asOf = quarter.end();
        List<BatchRun.Step> steps = new ArrayList<>();
        steps.add(new BatchRun.Step("ingest", "ingest@" + options.extractDate(), true, (spark, progress) ->
                IngestJob.of(settings).extractDate(options.extractDate()).progress(progress).execute().toMap()));
        steps.add(new BatchRun.Step("link", "link" + (options.evaluate() ? "+evaluate" : ""), false, (spark, progress) ->
                LinkJob.run(spark, new LinkJob.Request(settings, lakeKey, LinkPersons.Settings.defaults(), asOf.getYear(),
                        options.evaluate()), Map.of("batch_step", "link"), progress).summary()));
        steps.add(new BatchRun.Step("features", "features@" + asOf, false, (spark, progress) ->
                FeaturesJob.run(spark, settings, lakeKey, asOf, Map.of("as_of", asOf.toString()), progress)));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("quarter", quarter.toString());
        parameters.put("as_of", asOf.toString());
        parameters.put("extract_date", options.extractDate().toString());
        parameters.put("lake", settings.lake());
        parameters.put("landing", settings.landing());
        parameters.put("out", settings.out());
        return BatchRun.of(settings, quarter.toString(), steps, parameters);
    }
}
