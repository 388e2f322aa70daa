package uk.nhs.phb.jobs.link;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RecordedParameters;
import uk.nhs.phb.jobs.Rerun;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.models.link.FellegiSunterModel;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.Materialised;
import uk.nhs.phb.pipelines.link.LinkEntities;
import uk.nhs.phb.pipelines.link.LinkEvaluation;
import uk.nhs.phb.pipelines.link.LinkPersons;
import uk.nhs.phb.pipelines.link.LinkQuality;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb link}: one person across the sources in bronze. Writes {@code silver/person_index} and
 * {@code silver/link_review} (each replaced whole, one Delta commit, the lake key's fingerprint in the commit
 * metadata) and a quality report in {@code <out>/link/<run_id>/}.
 */
public final class LinkJob {
    static final List<LinkEntities.Source> SOURCES = List.of(LinkEntities.PATIENTS, LinkEntities.ADULT_SOCIAL_CARE,
            LinkEntities.CHILDRENS_SOCIAL_CARE, LinkEntities.EDUCATION);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The threshold curve under {@code --evaluate} runs from the review weight to this weight (probability 0.999999). */
    private static final int CURVE_MAX_WEIGHT = 20;

    /** What to link with. {@code referenceYear} sets the age bands of the report. */
    public record Request(JobSettings settings, SecretKey lakeKey, LinkPersons.Settings link, int referenceYear, boolean evaluate) {
        @Override
        public String toString() {
            return "Request[lake=" + settings.lake() + "]";
        }
    }

    /**
     * What linkage found: entities in the index and the persons they make, links by method, link rates by source, pairs
     * left for clerical review, the linkage diagnostics, and (with {@code --evaluate}) the figures against the
     * generator's truth. The head of the quality report and of the summary.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Linkage(String runId, long entities, long persons, Map<String, Long> linksByMethod, Map<String, LinkRate> linkRateBySource,
                          long reviewPairs, @JsonUnwrapped LinkPersons.Diagnostics diagnostics, String personIndex,
                          @JsonUnwrapped Evaluated evaluation) {
    }

    /** A source's entities, those linked (by NHS-number token or probabilistically) and the share linked. */
    public record LinkRate(long entities, long linked, long byToken, long probabilistic, double linkRate) {
        static LinkRate of(Row r, int from) {
            return new LinkRate(r.getLong(from), r.getLong(from + 1), r.getLong(from + 2), r.getLong(from + 3), r.getDouble(from + 4));
        }
    }

    /** A source's link rate within one group (age band, sex). */
    public record GroupRate(String source, String group, @JsonUnwrapped LinkRate rate) {
    }

    /** Entities whose best match weight falls in a one-bit bin, and how many of them linked. */
    public record WeightBin(int weightBin, long entities, long linked) {
    }

    /**
     * Linkage against the truth: pair precision, recall and F1, blocking recall (overall and by source), the same by
     * source pair and by token status, recall by group of the true person (when the truth has the groups), and the match
     * threshold's precision-recall and clerical-review curve.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evaluated(double precision, double recall, double f1, Double blockingRecall,
                            Map<String, LinkEvaluation.PairFigures> bySourcePair, Map<String, LinkEvaluation.PairFigures> byTokenStatus,
                            Map<String, Double> blockingRecallBySource, long blockingTruePairs,
                            Map<String, Map<String, LinkEvaluation.GroupRecall>> recallByGroup, LinkEvaluation.ThresholdCurve thresholdCurve) {
    }

    /** The quality report ({@code link_quality.json}): the linkage, rates by age band and sex, weights, review reasons, the model. */
    record Quality(@JsonUnwrapped Linkage linkage, List<GroupRate> linkRateByAgeBand, List<GroupRate> linkRateBySex,
                   List<WeightBin> matchWeightHistogram, Map<String, Long> reviewByReason, FellegiSunterModel.Saved model,
                   LinkPersons.Settings settings, String level) {
    }

    /** The summary printed by the CLI: the linkage, where the quality report went, and the time taken. */
    public record Result(@JsonUnwrapped Linkage linkage, String report, double seconds, Map<String, Double> stageSeconds) implements JobResult {
        @Override
        @JsonIgnore
        public String runId() {
            return linkage.runId();
        }
    }

    private LinkJob() {
    }

    /** Runs again as a recorded run ran ({@code phb replay}): the same linkage settings, reference year and evaluation. */
    public static Result rerun(SparkSession spark, Rerun r, Progress progress) {
        RecordedParameters p = r.parameters();
        return run(spark, new Request(r.settings(), r.lakeKey(), p.record("linkage", LinkPersons.Settings.class), p.integer("reference_year"),
                p.flag("evaluate")), progress);
    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        Lake lake = req.settings().lakeLayout();
        if (!DeltaTables.exists(spark, lake.bronze(LinkEntities.PATIENTS.feeds().get(0)))) {
            throw new InputException("no bronze/patients table in " + lake.root() + ": linkage needs the GP registrations; run "
                    + "'phb ingest' first");
        }
        uk.nhs.phb.jobs.LakeKeys.check(spark, lake, req.lakeKey());
        String truthPath = req.settings().landing() + "/_truth/person_records";
        if (req.evaluate() && !Files2.exists(spark, truthPath)) {
            throw new InputException("--evaluate needs ground truth at " + truthPath + " (written by 'phb synth'); real feeds have none");
        }
        long t0 = System.nanoTime();
        try {
            return JobRun.execute(spark, lake, "link", RunParameters.of(req.settings(), req.lakeKey())
                    .with("linkage", req.link()).with("reference_year", req.referenceYear()).with("evaluate", req.evaluate()), progress, run -> {
                run.stage("entities");
                Dataset<Row> entities = null;
                Dataset<Row> childrensPupilTokens = null;
                for (LinkEntities.Source source : SOURCES) {
                    Map<String, Dataset<Row>> byFeed = new LinkedHashMap<>();
                    for (String feed : source.feeds()) {
                        String path = lake.bronze(feed);
                        if (DeltaTables.exists(spark, path)) {
                            run.input(LakeTables.bronze(feed), DeltaTables.version(spark, path));
                            byFeed.put(feed, DeltaTables.read(spark, lake, LakeTables.bronze(feed)));
                        }
                    }
                    if (!byFeed.isEmpty()) {
                        Dataset<Row> e = LinkEntities.of(byFeed, source);
                        entities = entities == null ? e : entities.unionByName(e);
                        if (source.equals(LinkEntities.CHILDRENS_SOCIAL_CARE)) {
                            childrensPupilTokens = LinkEntities.pupilTokens(byFeed, source);
                        }
                    }
                }
                if (childrensPupilTokens != null) {
                    // a child the CIN census names by ids alone takes the names its school census row gives
                    entities = LinkEntities.withPupilIdentity(entities, LinkEntities.CHILDRENS_SOCIAL_CARE.name(), childrensPupilTokens);
                }
                // a union keeps every source's partitions, and each later join then runs a task per partition of each
                int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
                entities = Materialised.of(entities.coalesce(partitions));
                run.stage("link");
                LinkPersons.Result linked;
                try {
                    linked = LinkPersons.link(entities, req.link());
                } catch (LinkPersons.EncodingMismatchException e) {
                    throw new InputException(e.getMessage(), e);
                }
                Dataset<Row> links = Materialised.of(linked.links().coalesce(partitions));

                run.stage("write person_index");
                String metadata = JSON.writeValueAsString(Map.of("run_id", run.runId(), "lake_key_fingerprint",
                        req.lakeKey().fingerprint()));
                Dataset<Row> index = PersonIndex.of(links, req.lakeKey());
                index.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
                        .option("userMetadata", metadata).save(lake.path(LakeTables.PERSON_INDEX));
                Dataset<Row> review = linked.review().select(org.apache.spark.sql.functions.col("source"),
                        PersonIndex.entityHash(req.lakeKey(), org.apache.spark.sql.functions.col("source"),
                                org.apache.spark.sql.functions.col("entity_key")).alias("entity_hash"),
                        PersonIndex.personId(req.lakeKey(), org.apache.spark.sql.functions.col("candidate_key")).alias("candidate_person_id"),
                        org.apache.spark.sql.functions.col("match_weight"), org.apache.spark.sql.functions.col("match_probability"),
                        org.apache.spark.sql.functions.col("reason"));
                review.write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
                        .option("userMetadata", metadata).save(lake.path(LakeTables.LINK_REVIEW));
                Row indexCounts = DeltaTables.read(spark, lake, LakeTables.PERSON_INDEX)
                        .agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
                                org.apache.spark.sql.functions.countDistinct(org.apache.spark.sql.functions.col("person_id"))).first();
                long indexRows = indexCounts.getLong(0);
                long persons = indexCounts.getLong(1);
                Map<String, Long> reviewByReason = new LinkedHashMap<>();
                for (Row r : DeltaTables.read(spark, lake, LakeTables.LINK_REVIEW).groupBy("reason").count().orderBy("reason")
                        .collectAsList()) {
                    reviewByReason.put(r.getString(0), r.getLong(1));
                }
                long reviewRows = reviewByReason.values().stream().mapToLong(Long::longValue).sum();
                run.output(LakeTables.PERSON_INDEX, DeltaTables.version(spark, lake.path(LakeTables.PERSON_INDEX)), indexRows);
                run.output(LakeTables.LINK_REVIEW, DeltaTables.version(spark, lake.path(LakeTables.LINK_REVIEW)), reviewRows);

                run.stage("quality report");
                Map<String, Long> byMethod = new LinkedHashMap<>();
                for (Row r : links.groupBy("method").count().orderBy("method").collectAsList()) {
                    byMethod.put(r.getString(0), r.getLong(1));
                }
                Map<String, LinkRate> bySource = new LinkedHashMap<>();
                for (Row r : LinkQuality.rates(links, entities, req.referenceYear()).collectAsList()) {
                    bySource.put(r.getString(0), LinkRate.of(r, 1));
                }
                Evaluated evaluated = null;
                if (req.evaluate()) {
                    run.stage("evaluate against truth");
                    // read once: every measure below joins it
                    Dataset<Row> truth = truth(spark, truthPath).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
                    LinkEvaluation.Result eval = LinkEvaluation.evaluate(links, linked.candidates(), truth, LinkPersons.SPINE_SOURCE);
                    run.count("f1", eval.overall().f1());
                    String personsPath = req.settings().landing() + "/_truth/persons";
                    Map<String, Map<String, LinkEvaluation.GroupRecall>> byGroup = !Files2.exists(spark, personsPath) ? null
                            : LinkEvaluation.recallByGroups(links, truth, truthPersons(spark, personsPath),
                                    List.of("imd_quintile", "ethnicity_group", "age_band", "sex"), LinkPersons.SPINE_SOURCE);
                    evaluated = new Evaluated(eval.overall().precision(), eval.overall().recall(), eval.overall().f1(), eval.blockingRecall(),
                            eval.bySourcePair(), eval.byTokenStatus(), eval.blockingRecallBySource(), eval.blockingTruePairs(), byGroup,
                            LinkEvaluation.thresholdCurve(links, truth, LinkPersons.SPINE_SOURCE, req.link().reviewWeight(), CURVE_MAX_WEIGHT));
                    truth.unpersist();
                }
                Linkage linkage = new Linkage(run.runId(), indexRows, persons, byMethod, bySource, reviewRows, linked.diagnostics(),
                        lake.path(LakeTables.PERSON_INDEX), evaluated);

                List<GroupRate> byAge = groupRates(LinkQuality.rates(links, entities, req.referenceYear(), "age_band"));
                List<GroupRate> bySex = groupRates(LinkQuality.rates(links, entities, req.referenceYear(), "sex"));
                List<WeightBin> histogram = new ArrayList<>();
                for (Row r : LinkQuality.weightHistogram(links).collectAsList()) {
                    histogram.add(new WeightBin(r.getInt(0), r.getLong(1), r.getLong(2)));
                }
                Quality report = new Quality(linkage, byAge, bySex, histogram, reviewByReason, linked.model().saved(), req.link(), "AGGREGATE");

                String dir = req.settings().out() + "/link/" + run.runId();
                String staging = Files2.stagingFor(dir);
                try {
                    Files2.writeText(spark, staging + "/link_quality.json", Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
                    Files2.writeText(spark, staging + "/model.txt", linked.model().explain());
                    Files2.publish(spark, staging, dir, false);
                } catch (RuntimeException e) {
                    Files2.discard(spark, staging);
                    throw e;
                }
                byMethod.forEach(run::count);
                run.count("persons", persons);
                Materialised.release(links);
                Materialised.release(entities);
                return new Result(linkage, dir, Math.round((System.nanoTime() - t0) / 1e7) / 100.0, run.stageSeconds());
            });
        } finally {
            spark.catalog().clearCache();
        }
    }

    /** Which landing truth rows give each source's entity key its true person. */
    private static final Map<String, String> TRUTH_KEYS = Map.of("nhs_token", "patients", "la_person_token", "asc_cld",
            "child_token", "csc", "pupil_token", LinkEntities.EDUCATION.name());

    /** The generator's truth as {@code source, entity_key, true_person}. */
    static Dataset<Row> truth(SparkSession spark, String path) {
        boolean parquet = Files2.hasFileEnding(spark, path, ".parquet");
        Dataset<Row> t = parquet ? spark.read().parquet(path)
                : spark.read().option("header", true).schema("feed string, record_key string, person_id string").csv(path);
        org.apache.spark.sql.Column source = org.apache.spark.sql.functions.lit(null).cast("string");
        for (Map.Entry<String, String> e : TRUTH_KEYS.entrySet()) {
            source = org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.col("feed").equalTo(e.getKey()),
                    org.apache.spark.sql.functions.lit(e.getValue())).otherwise(source);
        }
        return t.select(source.alias("source"), org.apache.spark.sql.functions.col("record_key").alias("entity_key"),
                        org.apache.spark.sql.functions.col("person_id").cast("string").alias("true_person"))
                .filter(org.apache.spark.sql.functions.col("source").isNotNull()).distinct();
    }

    /** True persons with the groups recall is reported by (IMD quintile, broad ethnic group, age band, sex). */
    static Dataset<Row> truthPersons(SparkSession spark, String path) {
        boolean parquet = Files2.hasFileEnding(spark, path, ".parquet");
        Dataset<Row> p = parquet ? spark.read().parquet(path) : spark.read().option("header", true).csv(path);
        org.apache.spark.sql.Column eth = org.apache.spark.sql.functions.col("ethnicity");
        return p.select(org.apache.spark.sql.functions.col("person_id").cast("string").alias("true_person"),
                org.apache.spark.sql.functions.col("imd_decile").cast("int").plus(1).divide(2).cast("int").alias("imd_quintile"),
                org.apache.spark.sql.functions.when(eth.isin("A", "B", "C"), "White").when(eth.isin("D", "E", "F", "G"), "Mixed")
                        .when(eth.isin("H", "J", "K", "L"), "Asian").when(eth.isin("M", "N", "P"), "Black")
                        .when(eth.isin("R", "S"), "Other").otherwise("Not stated").alias("ethnicity_group"),
                LinkQuality.ageBand(org.apache.spark.sql.functions.lit(thisYear())
                        .minus(org.apache.spark.sql.functions.col("birth_year").cast("int"))).alias("age_band"),
                org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.col("sex").equalTo("1"), "male")
                        .when(org.apache.spark.sql.functions.col("sex").equalTo("2"), "female").otherwise("unknown").alias("sex"));
    }


    private static List<GroupRate> groupRates(Dataset<Row> rates) {
        List<GroupRate> out = new ArrayList<>();
        for (Row r : rates.collectAsList()) {
            out.add(new GroupRate(r.getString(0), r.getString(1), LinkRate.of(r, 2)));
        }
        return out;
    }

    /** The current year, for age bands. */
    public static int thisYear() {
        return LocalDate.now().getYear();
    }
}
