package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.link.BloomLsh;
import uk.nhs.phb.models.link.ComparisonVector;
import uk.nhs.phb.models.link.ExpectationMaximisation;
import uk.nhs.phb.models.link.FellegiSunterModel;
import uk.nhs.phb.models.link.PersonComparisons;
import uk.nhs.phb.models.pseudonym.BloomEncoder;

/**
 * Links the entities of every source to one person each ({@link LinkEntities} makes the entities).
 *
 * <p>GP registrations (source {@code patients}) are the spine: one person per NHS-number token. Other
 * entities carrying a token join the spine person with that token (deterministic); those without one are
 * compared with spine entities found by blocking rules (same date of birth; same date with day and month
 * unordered; same postcode; a shared LSH band of the name encodings with the same birth year, or with the same
 * postcode district, or alone for a record with neither), scored with a Fellegi-Sunter model
 * (u from random pairs, m by EM per blocking rule, prior from the deterministic link rate, term-frequency
 * adjustment on exact postcode agreement) and linked to their best spine match when its weight clears the
 * match threshold and beats the runner-up. Every non-spine entity links to at most one spine entity, so
 * clusters are stars around one NHS token and chaining two tokens into one person cannot happen.
 *
 * <p>Deterministic links are also scored: a token link whose identity disagrees strongly goes to the review
 * output as {@code TOKEN_CONFLICT} (a wrong token is suspected), and if token links agree on date of birth
 * almost never, the feeds were encoded with different keys or Bloom parameters and linking stops.
 */
public final class LinkPersons {
    public static final String SPINE_SOURCE = "patients";

    /** Tunable settings with documented defaults. */
    public record Settings(double matchWeight, double reviewWeight, double runnerUpMargin, int lshBands,
                           int lshBitsPerBand, long seed, int randomSample, int maxBlockSize, int emIterations) {
        /**
         * Match at weight >= 8 (probability about 0.996), review from weight 0; the best candidate must beat
         * the runner-up by 2 bits; 30 LSH bands of 40 bits (a one-letter typo, about 96% of bits agreeing, is a
         * candidate with probability 0.998; a shared surname with another given name, about 85%, 4%);
         * 1,500 x 1,500 random pairs for u; blocks larger than 2,000 spine entities (500 for an LSH band) are
         * skipped, since other rules still cover their pairs.
         */
        public static Settings defaults() {
            return new Settings(8.0, 0.0, 2.0, 30, 40, 20_170_201L, 1_500, 2_000, 100);
        }
    }

    /**
     * What linkage found: links per entity, pairs for clerical review, the candidate pairs blocking produced
     * ({@code l_source, l_entity_key, r_entity_key}, for measuring blocking recall), the model and counts.
     */
    public record Result(Dataset<Row> links, Dataset<Row> review, Dataset<Row> candidates, FellegiSunterModel model,
                         Diagnostics diagnostics) {
    }

    /**
     * Counts that show how linkage went: spine entities, entities with an NHS-number token and how many linked by it,
     * how often those links agree on date of birth (near 0 means mismatched encodings), entities left for the
     * probabilistic pass, the candidate pairs blocking found (and by rule), each EM run, and the prior match
     * probability.
     */
    public record Diagnostics(long spineEntities, long tokenEntities, long deterministicLinks, Double deterministicLinkRate,
                              Double dobAgreementOnTokenLinks, long entitiesWithoutToken, long candidatePairs, Map<String, Long> pairsByRule,
                              Map<String, EmRun> em, double lambda) {
    }

    /** One blocking rule's EM run: iterations, whether it converged, and the match probability it found. */
    public record EmRun(int iterations, boolean converged, double lambda) {
    }

    /** Raised when the sources cannot have been encoded with the same key and parameters. */
    public static final class EncodingMismatchException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        EncodingMismatchException(String message) {
            super(message);
        }
    }

    private static final List<String> FIELDS = LinkEntities.IDENTITY;
    private static final Map<String, Set<Integer>> RULES = new LinkedHashMap<>();

    static {
        RULES.put("dob", Set.of(PersonComparisons.DOB));
        RULES.put("dob_unordered", Set.of(PersonComparisons.DOB));
        RULES.put("postcode", Set.of(PersonComparisons.POSTCODE));
        RULES.put("name_lsh_year", Set.of(PersonComparisons.NAME, PersonComparisons.DOB));
        RULES.put("name_lsh_district", Set.of(PersonComparisons.NAME, PersonComparisons.POSTCODE));
        RULES.put("name_lsh", Set.of(PersonComparisons.NAME));
    }

    private static final List<String> RULE_NAMES = List.copyOf(RULES.keySet());
    private static final int FIRST_BAND_RULE = RULE_NAMES.indexOf("name_lsh_year");
    /** The most record-side blocking keys broadcast to filter the spine's keys (about 16 bytes each). */
    private static final long BROADCAST_KEYS = 8_000_000L;

    private static final double[][] START_M = {
        {0.85, 0.07, 0.04, 0.04}, {0.90, 0.02, 0.03, 0.03, 0.02}, {0.98, 0.02}, {0.75, 0.15, 0.10}};

    private LinkPersons() {
    }

    /**
     * @param entities the union of {@link LinkEntities#of} for every source
     * @return links with columns {@code source, entity_key, anchor, method, match_weight, has_token, best_key,
     *     clears_runner_up, match_probability} ({@code best_key}: the best spine candidate, linked or not; with
     *     {@code clears_runner_up}, what a threshold curve needs);
     *     review pairs with {@code source, entity_key, candidate_key, match_weight, match_probability, reason}
     */
    public static Result link(Dataset<Row> entities, Settings s) {
        return link(entities, SPINE_SOURCE, s);
    }

    /**
     * Links every entity of the other sources to the entities of {@code spineSource} (for two files of a
     * provider: the right file is the spine, the left file the one being linked).
     */
    public static Result link(Dataset<Row> entities, String spineSource, Settings s) {
        ComparisonVector space = PersonComparisons.standard();
        Dataset<Row> spine = entities.filter(col("source").equalTo(spineSource));
        Dataset<Row> others = entities.filter(col("source").notEqual(spineSource));
        Dataset<Row> right = prefixed(spine, "r_");

        // deterministic pass
        Dataset<Row> withToken = others.filter(col("nhs_token").isNotNull());
        Dataset<Row> tokenPairs = prefixed(withToken, "l_").join(right, col("l_nhs_token").equalTo(col("r_nhs_token")));
        long spineCount = spine.count();
        long tokenEntities = withToken.count();
        Dataset<Row> tokenScored = patterns(tokenPairs.withColumn("rules", lit(null).cast("array<string>")), space)
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long deterministic = tokenScored.select("l_source", "l_entity_key").distinct().count();
        Row dobAgreement = tokenPairs.agg(
                sum(when(col("l_dob_token").isNotNull().and(col("r_dob_token").isNotNull()), 1).otherwise(0)),
                sum(when(col("l_dob_token").equalTo(col("r_dob_token")), 1).otherwise(0))).first();
        long comparable = dobAgreement.isNullAt(0) ? 0 : dobAgreement.getLong(0);
        long agreeing = dobAgreement.isNullAt(1) ? 0 : dobAgreement.getLong(1);
        double dobRate = comparable == 0 ? Double.NaN : (double) agreeing / comparable;
        if (comparable >= 20 && dobRate < 0.05) {
            throw new EncodingMismatchException(String.format("records linked by NHS-number token agree on date of birth "
                    + "only %.1f%% of the time (%d of %d): the feeds' encodings were made with different keys or "
                    + "parameters. Ask the providers to encode with the same key and 'phb pseudonymise' settings.",
                    100 * dobRate, agreeing, comparable));
        }

        // probabilistic pass: blocking
        Dataset<Row> noToken = others.filter(col("nhs_token").isNull());
        Dataset<Row> left = prefixed(noToken, "l_");
        long noTokenCount = noToken.count();
        BloomLsh lsh = new BloomLsh(BloomEncoder.BITS, s.lshBands(), s.lshBitsPerBand(), s.seed());
        UserDefinedFunction bands = udf((String bloom) -> bloom == null ? null : lsh.keys(bloom),
                DataTypes.createArrayType(DataTypes.LongType, false));
        Dataset<Row> lKeys = blockingKeys(left, "l_", false, bands, "l_source", "l_entity_key");
        Dataset<Row> rKeys = blockingKeys(right, "r_", true, bands, "r_entity_key");
        // only the spine's keys some record to link also holds are counted and joined: the spine holds about 63
        // keys per entity (30 name bands twice), most of them in no record's block
        Dataset<Row> wanted = lKeys.select("rule", "k").distinct();
        if (noTokenCount * (FIRST_BAND_RULE + 3L * s.lshBands()) <= BROADCAST_KEYS) {
            wanted = broadcast(wanted);
        }
        int maxBandBlock = Math.max(1, s.maxBlockSize() / 4);
        Dataset<Row> blocks = rKeys.join(wanted, new String[] {"rule", "k"}, "left_semi")
                .withColumn("block", count(lit(1)).over(Window.partitionBy("rule", "k")))
                .filter(col("block").leq(when(col("rule").geq(FIRST_BAND_RULE), lit(maxBandBlock)).otherwise(lit(s.maxBlockSize()))));
        Column ruleName = element_at(array(RULE_NAMES.stream().map(n -> lit(n)).toArray(Column[]::new)), col("rule").plus(1));
        Dataset<Row> candidates = lKeys.join(blocks, new String[] {"rule", "k"})
                .groupBy("l_source", "l_entity_key", "r_entity_key").agg(collect_set(ruleName).alias("rules"))
                .join(left, new String[] {"l_source", "l_entity_key"})
                .join(right, "r_entity_key");
        Dataset<Row> scoredPairs = patterns(candidates, space).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long pairs = scoredPairs.count();

        // u from random pairs; with no record left to link probabilistically (a landing without social care or
        // education, or where every record carries a token), from random pairs of the records there are, which
        // are almost all two different people just the same
        Dataset<Row> uLeft = noTokenCount > 0 ? left : prefixed(tokenEntities > 0 ? withToken : spine, "l_");
        Map<Long, Long> randomPatterns = patternCounts(patterns(randomPairs(uLeft, right, s), space));
        double[][] u = ExpectationMaximisation.estimateU(space, randomPatterns);

        // m by EM, one run per blocking rule
        double expectedMatches = noTokenCount * (tokenEntities == 0 ? 0.9 : (double) deterministic / Math.max(1, tokenEntities));
        Map<String, Long> pairsByRule = new LinkedHashMap<>();
        List<ExpectationMaximisation.Result> passes = new ArrayList<>();
        List<Set<Integer>> blocked = new ArrayList<>();
        Map<String, EmRun> emDiag = new LinkedHashMap<>();
        for (Map.Entry<String, Set<Integer>> rule : RULES.entrySet()) {
            Map<Long, Long> counts = patternCounts(scoredPairs.filter(array_contains(col("rules"), rule.getKey())));
            long n = counts.values().stream().mapToLong(Long::longValue).sum();
            pairsByRule.put(rule.getKey(), n);
            if (n == 0) {
                continue;
            }
            double start = Math.min(0.5, Math.max(1e-4, expectedMatches / n));
            ExpectationMaximisation.Result r = ExpectationMaximisation.estimate(space, counts, u, START_M, start,
                    rule.getValue(), s.emIterations(), 1e-6);
            passes.add(r);
            blocked.add(rule.getValue());
            emDiag.put(rule.getKey(), new EmRun(r.iterations(), r.converged(), r.model().lambda()));
        }
        double[][] m = passes.isEmpty() ? START_M : ExpectationMaximisation.combineM(space, passes, blocked, START_M);
        double lambda = Math.min(0.5, Math.max(1e-9, pairs == 0 ? 1e-4 : expectedMatches / pairs));
        FellegiSunterModel model = new FellegiSunterModel(space, lambda, m, u);
        Diagnostics diag = new Diagnostics(spineCount, tokenEntities, deterministic, tokenEntities == 0 ? null : (double) deterministic / tokenEntities,
                Double.isNaN(dobRate) ? null : dobRate, noTokenCount, pairs, pairsByRule, emDiag, lambda);

        // scores, with term-frequency adjustment for exact postcode agreement
        Dataset<Row> tf = spine.filter(col("postcode_token").isNotNull()).groupBy("postcode_token").agg(count(lit(1)).alias("n"))
                .select(col("postcode_token").alias("tf_postcode"),
                        log2(lit(model.u(PersonComparisons.POSTCODE, 0)).divide(col("n").divide(lit(Math.max(1, spineCount)))))
                                .alias("tf_adjust"));
        Dataset<Row> weighted = withWeights(scoredPairs, model, tf);
        Dataset<Row> tokenWeighted = withWeights(tokenScored, model, tf);

        // decisions
        var byEntity = Window.partitionBy("l_source", "l_entity_key").orderBy(col("match_weight").desc(), col("r_entity_key"));
        Dataset<Row> ranked = weighted.withColumn("rank", row_number().over(byEntity))
                .filter(col("rank").leq(2))
                .groupBy("l_source", "l_entity_key")
                .agg(org.apache.spark.sql.functions.max_by(col("r_entity_key"), when(col("rank").equalTo(1), lit(1))).alias("best_key"),
                        org.apache.spark.sql.functions.max(when(col("rank").equalTo(1), col("match_weight"))).alias("best_weight"),
                        org.apache.spark.sql.functions.max(when(col("rank").equalTo(2), col("match_weight"))).alias("second_weight"))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Column clearsRunnerUp = col("second_weight").isNull().or(col("best_weight").minus(col("second_weight")).geq(s.runnerUpMargin()));
        Column linked = col("best_weight").geq(s.matchWeight()).and(clearsRunnerUp);

        Dataset<Row> spineLinks = spine.select(col("source"), col("entity_key"), col("entity_key").alias("anchor"),
                lit("SPINE").alias("method"), lit(null).cast("double").alias("match_weight"), lit(true).alias("has_token"),
                lit(null).cast("string").alias("best_key"), lit(null).cast("boolean").alias("clears_runner_up"));
        // a token held by several spine entities (possible in a provider's own file) links to the best-agreeing one
        Dataset<Row> bestTokenMatch = tokenWeighted.groupBy(col("l_source").alias("source"), col("l_entity_key").alias("entity_key"))
                .agg(org.apache.spark.sql.functions.max_by(col("r_entity_key"), col("match_weight")).alias("spine_key"),
                        org.apache.spark.sql.functions.max(col("match_weight")).alias("w"));
        Dataset<Row> tokenLinks = withToken.join(bestTokenMatch, new String[] {"source", "entity_key"}, "left")
                .select(col("source"), col("entity_key"), coalesce(col("spine_key"), col("nhs_token")).alias("anchor"),
                        when(col("w").isNotNull(), lit("NHS_TOKEN")).otherwise(lit("NEW_PERSON")).alias("method"),
                        col("w").alias("match_weight"), lit(true).alias("has_token"), col("spine_key").alias("best_key"),
                        lit(null).cast("boolean").alias("clears_runner_up"));
        Dataset<Row> probLinks = noToken.select(col("source"), col("entity_key"))
                .join(ranked.select(col("l_source").alias("source"), col("l_entity_key").alias("entity_key"),
                        col("best_key"), col("best_weight"), linked.alias("linked"), clearsRunnerUp.alias("clears_runner_up")),
                        new String[] {"source", "entity_key"}, "left")
                .select(col("source"), col("entity_key"),
                        when(coalesce(col("linked"), lit(false)), col("best_key"))
                                .otherwise(concat(col("source"), lit(":"), col("entity_key"))).alias("anchor"),
                        when(coalesce(col("linked"), lit(false)), lit("PROBABILISTIC")).otherwise(lit("NEW_PERSON")).alias("method"),
                        col("best_weight").alias("match_weight"), lit(false).alias("has_token"), col("best_key"), col("clears_runner_up"));
        Dataset<Row> links = spineLinks.unionByName(tokenLinks).unionByName(probLinks)
                .withColumn("match_probability", probability(col("match_weight")));

        Dataset<Row> review = ranked.filter(col("best_weight").geq(s.reviewWeight()).and(linked.unary_$bang()))
                .select(col("l_source").alias("source"), col("l_entity_key").alias("entity_key"), col("best_key").alias("candidate_key"),
                        col("best_weight").alias("match_weight"),
                        when(col("best_weight").geq(s.matchWeight()), lit("AMBIGUOUS")).otherwise(lit("BELOW_THRESHOLD")).alias("reason"))
                .unionByName(tokenWeighted.filter(col("match_weight").lt(s.reviewWeight()))
                        .select(col("l_source").alias("source"), col("l_entity_key").alias("entity_key"),
                                col("r_entity_key").alias("candidate_key"), col("match_weight"), lit("TOKEN_CONFLICT").alias("reason")))
                .withColumn("match_probability", probability(col("match_weight")));
        return new Result(links, review, scoredPairs.select("l_source", "l_entity_key", "r_entity_key"), model, diag);
    }

    private static Column probability(Column weight) {
        return lit(1.0).divide(lit(1.0).plus(org.apache.spark.sql.functions.pow(lit(2.0), weight.unary_$minus())));
    }

    private static Dataset<Row> prefixed(Dataset<Row> entities, String prefix) {
        List<Column> cols = new ArrayList<>();
        cols.add(col("source").alias(prefix + "source"));
        cols.add(col("entity_key").alias(prefix + "entity_key"));
        for (String f : FIELDS) {
            cols.add(col(f).alias(prefix + f));
        }
        return entities.select(cols.toArray(Column[]::new));
    }

    /**
     * Every blocking key of one side, one row each: the {@code ids}, {@code rule} (index into {@link #RULE_NAMES}) and
     * {@code k}, a 64-bit hash of the rule and its values (a collision only adds a candidate pair). A name band is a
     * key only with the birth year or the postcode district: a band alone is shared by everyone with a common name,
     * so its blocks grew with the population (16.1M of 16.8M candidate pairs at 1M people). A record holding neither
     * (a provider's file may carry only names) still blocks on its bands alone; the spine holds every kind of key.
     */
    private static Dataset<Row> blockingKeys(Dataset<Row> side, String p, boolean spine, UserDefinedFunction bands, String... ids) {
        Column[] plain = {key(RULE_NAMES.indexOf("dob"), col(p + "dob_token")),
            key(RULE_NAMES.indexOf("dob_unordered"), col(p + "dob_dm_token")),
            key(RULE_NAMES.indexOf("postcode"), col(p + "postcode_token"))};
        Column bandAlone = key(FIRST_BAND_RULE + 2, col("band"));
        Column[] banded = {key(FIRST_BAND_RULE, col("band"), col(p + "birth_year")),
            key(FIRST_BAND_RULE + 1, col("band"), col(p + "postcode_district_token")),
            spine ? bandAlone : when(col(p + "birth_year").isNull().and(col(p + "postcode_district_token").isNull()), bandAlone)};
        Dataset<Row> byValue = side.select(columns(ids, explode(array(plain)).alias("key")));
        Dataset<Row> byBand = side.select(columns(ids, col(p + "birth_year"), col(p + "postcode_district_token"),
                        explode(bands.apply(col(p + "name_bloom"))).alias("band")))
                .select(columns(ids, explode(array(banded)).alias("key")));
        return byValue.unionByName(byBand).filter(col("key").isNotNull())
                .select(columns(ids, col("key.rule").alias("rule"), col("key.k").alias("k")));
    }

    /** The key of one rule: a hash of the rule and the values; null when a value is. */
    private static Column key(int rule, Column... values) {
        Column present = Arrays.stream(values).map(Column::isNotNull).reduce(Column::and).orElseThrow();
        Column[] hashed = new Column[values.length + 1];
        hashed[0] = lit(rule);
        System.arraycopy(values, 0, hashed, 1, values.length);
        return when(present, struct(lit(rule).alias("rule"), xxhash64(hashed).alias("k")));
    }

    private static Column[] columns(String[] names, Column... more) {
        return Stream.concat(Arrays.stream(names).map(org.apache.spark.sql.functions::col), Arrays.stream(more)).toArray(Column[]::new);
    }

    /** About {@code randomSample}^2 pairs of a random left and a random right entity. */
    private static Dataset<Row> randomPairs(Dataset<Row> left, Dataset<Row> right, Settings s) {
        Dataset<Row> l = left.orderBy(org.apache.spark.sql.functions.rand(s.seed())).limit(s.randomSample());
        Dataset<Row> r = right.orderBy(org.apache.spark.sql.functions.rand(s.seed() + 1)).limit(s.randomSample());
        return l.crossJoin(r).withColumn("rules", lit(null).cast("array<string>"));
    }

    private static final StructType PATTERN_SCHEMA = new StructType()
            .add("l_source", DataTypes.StringType).add("l_entity_key", DataTypes.StringType)
            .add("r_entity_key", DataTypes.StringType).add("rules", DataTypes.createArrayType(DataTypes.StringType))
            .add("r_postcode_token", DataTypes.StringType).add("pattern", DataTypes.LongType);

    /** The comparison pattern of every pair (pairs carry l_ and r_ identity fields). */
    private static Dataset<Row> patterns(Dataset<Row> pairs, ComparisonVector space) {
        Dataset<Row> p = pairs.select(col("l_source"), col("l_entity_key"), col("r_entity_key"), col("rules"), col("r_postcode_token"),
                col("l_name_bloom"), col("l_dob_token"), col("l_dob_dm_token"), col("l_dob_ym_token"), col("l_birth_year"), col("l_sex"),
                col("l_postcode_token"), col("l_postcode_district_token"),
                col("r_name_bloom"), col("r_dob_token"), col("r_dob_dm_token"), col("r_dob_ym_token"), col("r_birth_year"), col("r_sex"),
                col("r_postcode_district_token"));
        MapPartitionsFunction<Row, Row> compare = rows -> new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                String[] a = PersonComparisons.values(r.getString(5), r.getString(6), r.getString(7), r.getString(8),
                        r.isNullAt(9) ? null : r.getInt(9), r.getString(10), r.getString(11), r.getString(12));
                String[] b = PersonComparisons.values(r.getString(13), r.getString(14), r.getString(15), r.getString(16),
                        r.isNullAt(17) ? null : r.getInt(17), r.getString(18), r.getString(4), r.getString(19));
                return RowFactory.create(r.getString(0), r.getString(1), r.getString(2), r.get(3),
                        r.getString(4), space.compare(a, b));
            }
        };
        return p.mapPartitions(compare, ExpressionEncoder.apply(PATTERN_SCHEMA)).toDF();
    }

    private static Map<Long, Long> patternCounts(Dataset<Row> patterns) {
        Map<Long, Long> out = new HashMap<>();
        for (Row r : patterns.groupBy("pattern").agg(count(lit(1)).alias("n")).collectAsList()) {
            out.put(r.getLong(0), r.getLong(1));
        }
        return out;
    }

    private static Dataset<Row> withWeights(Dataset<Row> patterns, FellegiSunterModel model, Dataset<Row> tf) {
        Map<Long, Double> weights = new HashMap<>();
        for (Row r : patterns.select("pattern").distinct().collectAsList()) {
            weights.put(r.getLong(0), model.matchWeight(r.getLong(0)));
        }
        List<Row> rows = new ArrayList<>();
        weights.forEach((p, w) -> rows.add(RowFactory.create(p, w, model.space().decode(p)[PersonComparisons.POSTCODE] == 0)));
        StructType schema = new StructType().add("pattern", DataTypes.LongType).add("base_weight", DataTypes.DoubleType)
                .add("postcode_full", DataTypes.BooleanType);
        Dataset<Row> table = patterns.sparkSession().createDataFrame(rows, schema);
        return patterns.join(broadcast(table), "pattern")
                .join(tf, col("postcode_full").and(col("r_postcode_token").equalTo(col("tf_postcode"))), "left")
                .withColumn("match_weight", col("base_weight").plus(coalesce(col("tf_adjust"), lit(0.0))))
                .drop("tf_postcode", "tf_adjust", "base_weight", "postcode_full");
    }
}
