package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Linkage measured against ground truth, pairwise: two entities are a true pair when they are the same
 * person, a predicted pair when linkage put them in the same cluster. Precision, recall and F1 per source
 * pair and overall; blocking recall (share of true no-token/spine pairs that blocking produced as
 * candidates) separately from scoring. Only aggregates leave Spark.
 */
public final class LinkEvaluation {
    private LinkEvaluation() {
    }

    /**
     * @param links      {@link LinkPersons.Result#links()} ({@code source, entity_key, anchor, method})
     * @param candidates {@link LinkPersons.Result#candidates()}
     * @param truth      {@code source, entity_key, true_person}
     * @param spineSource the source the others were linked to
     * @return pair figures overall, by source pair and by token status, and blocking recall overall and per source
     */
    public static Result evaluate(Dataset<Row> links, Dataset<Row> candidates, Dataset<Row> truth, String spineSource) {
        Dataset<Row> e = links.select(col("source"), col("entity_key"), col("anchor"), col("has_token"))
                .join(truth, new String[] {"source", "entity_key"}, "left");
        Dataset<Row> predicted = pairs(e, "anchor", spineSource);
        Dataset<Row> actual = pairs(e.filter(col("true_person").isNotNull()), "true_person", spineSource);
        Dataset<Row> both = predicted.select(col("a_key"), col("b_key"), col("source_pair"), col("token_status"), lit(true).alias("p"))
                .join(actual.select(col("a_key"), col("b_key"), col("source_pair"), col("token_status"), lit(true).alias("t")),
                        new String[] {"a_key", "b_key", "source_pair", "token_status"}, "full_outer")
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Map<String, PairFigures> byTokenStatus = new LinkedHashMap<>();
        for (Row r : both.groupBy("token_status").agg(
                        sum(when(col("p").isNotNull(), 1).otherwise(0)).alias("predicted"),
                        sum(when(col("t").isNotNull(), 1).otherwise(0)).alias("actual"),
                        sum(when(col("p").isNotNull().and(col("t").isNotNull()), 1).otherwise(0)).alias("correct"))
                .orderBy("token_status").collectAsList()) {
            byTokenStatus.put(r.getString(0), metrics(r.getLong(1), r.getLong(2), r.getLong(3)));
        }
        Map<String, PairFigures> bySourcePair = new LinkedHashMap<>();
        long tp = 0;
        long predictedTotal = 0;
        long actualTotal = 0;
        for (Row r : both.groupBy("source_pair").agg(
                        sum(when(col("p").isNotNull(), 1).otherwise(0)).alias("predicted"),
                        sum(when(col("t").isNotNull(), 1).otherwise(0)).alias("actual"),
                        sum(when(col("p").isNotNull().and(col("t").isNotNull()), 1).otherwise(0)).alias("correct"))
                .orderBy("source_pair").collectAsList()) {
            long p = r.getLong(1);
            long a = r.getLong(2);
            long c = r.getLong(3);
            bySourcePair.put(r.getString(0), metrics(p, a, c));
            tp += c;
            predictedTotal += p;
            actualTotal += a;
        }
        PairFigures overall = metrics(predictedTotal, actualTotal, tp);
        both.unpersist();

        // blocking recall: true (non-spine entity without a token, spine entity) pairs that became candidates
        // only spine entities that exist (a person whose registrations were all quarantined is not on the spine)
        Dataset<Row> spineTruth = links.filter(col("source").equalTo(spineSource)).select("source", "entity_key")
                .join(truth, new String[] {"source", "entity_key"})
                .select(col("entity_key").alias("r_entity_key"), col("true_person"));
        Dataset<Row> noTokenTruth = links.filter(col("source").notEqual(spineSource).and(col("has_token").equalTo(false)))
                .select(col("source").alias("l_source"), col("entity_key").alias("l_entity_key"))
                .join(truth.select(col("source").alias("l_source"), col("entity_key").alias("l_entity_key"), col("true_person")),
                        new String[] {"l_source", "l_entity_key"});
        Dataset<Row> truePairs = noTokenTruth.join(spineTruth, "true_person")
                .join(candidates.select(col("l_source"), col("l_entity_key"), col("r_entity_key"), lit(true).alias("found")),
                        new String[] {"l_source", "l_entity_key", "r_entity_key"}, "left");
        Map<String, Double> blocking = new LinkedHashMap<>();
        long found = 0;
        long all = 0;
        for (Row r : truePairs.groupBy("l_source").agg(count(lit(1)).alias("n"), sum(when(col("found").isNotNull(), 1).otherwise(0)).alias("f"))
                .orderBy("l_source").collectAsList()) {
            blocking.put(r.getString(0), ratio(r.getLong(2), r.getLong(1)));
            found += r.getLong(2);
            all += r.getLong(1);
        }
        return new Result(overall, bySourcePair, byTokenStatus, ratio(found, all), blocking, all);
    }

    /**
     * At one match threshold, the records without an NHS-number token that would link (their best spine candidate at or
     * above it and clear of the runner-up), how many of those to the right person, precision, recall (of the records whose
     * person is on the spine) and F1, and how many would be left for clerical review (best candidate at or above the review
     * weight, not linked).
     */
    public record ThresholdPoint(double matchWeight, long linked, long correct, double precision, double recall, double f1, long review) {
    }

    /**
     * The precision-recall and clerical-review curve of the match threshold, from which to choose it against truth rather
     * than take a fixed weight: every whole weight from the review weight to {@code maxWeight}, and the one with the best
     * F1 (the higher on a tie).
     */
    public record ThresholdCurve(long records, long recordsOnSpine, double reviewWeight, List<ThresholdPoint> points,
                                 double bestF1MatchWeight) {
    }

    /**
     * The threshold curve of the records without an NHS-number token ({@link LinkPersons.Result#links()}: {@code best_key},
     * {@code match_weight}, {@code clears_runner_up}) against the truth ({@code source, entity_key, true_person}).
     */
    public static ThresholdCurve thresholdCurve(Dataset<Row> links, Dataset<Row> truth, String spineSource, double reviewWeight, int maxWeight) {
        int lowest = (int) Math.ceil(reviewWeight);
        if (maxWeight < lowest) {
            throw new IllegalArgumentException("the curve's highest weight " + maxWeight + " is below the review weight " + reviewWeight);
        }
        Dataset<Row> spinePersons = links.filter(col("source").equalTo(spineSource)).join(truth, new String[] {"source", "entity_key"})
                .select(col("entity_key").alias("best_key"), col("true_person").alias("best_person"));
        Dataset<Row> onSpine = spinePersons.select(col("best_person").alias("true_person")).distinct().withColumn("on_spine", lit(true));
        Dataset<Row> e = links.filter(col("source").notEqual(spineSource).and(col("has_token").equalTo(false)))
                .join(truth, new String[] {"source", "entity_key"}, "left")
                .join(spinePersons, new String[] {"best_key"}, "left")
                .join(onSpine, new String[] {"true_person"}, "left");
        Column w = col("match_weight");
        Column linkable = w.isNotNull().and(w.geq(lowest)).and(coalesce(col("clears_runner_up"), lit(false)));
        // whole-weight bin of a record that would link at some threshold on the curve; below it, lowest - 1
        Column bin = when(linkable, least(floor(w), lit(maxWeight)).cast("int")).otherwise(lit(lowest - 1));
        Column correct = linkable.and(col("true_person").isNotNull()).and(col("true_person").equalTo(col("best_person")));
        long[] linkedAt = new long[maxWeight - lowest + 2];
        long[] correctAt = new long[linkedAt.length];
        long records = 0;
        long onSpineRecords = 0;
        long reviewable = 0;
        for (Row r : e.groupBy(bin.alias("bin")).agg(count(lit(1)).alias("n"),
                        sum(when(correct, 1).otherwise(0)).alias("correct"),
                        sum(when(coalesce(col("on_spine"), lit(false)), 1).otherwise(0)).alias("on_spine"),
                        sum(when(w.isNotNull().and(w.geq(reviewWeight)), 1).otherwise(0)).alias("reviewable"))
                .collectAsList()) {
            int i = r.getInt(0) - (lowest - 1);
            linkedAt[i] += r.getLong(1);
            correctAt[i] += r.getLong(2);
            records += r.getLong(1);
            onSpineRecords += r.getLong(3);
            reviewable += r.getLong(4);
        }
        List<ThresholdPoint> points = new ArrayList<>();
        long linked = 0;
        long right = 0;
        double best = maxWeight;
        double bestF1 = -1;
        for (int t = maxWeight; t >= lowest; t--) {
            linked += linkedAt[t - (lowest - 1)];
            right += correctAt[t - (lowest - 1)];
            PairFigures f = metrics(linked, onSpineRecords, right);
            points.add(0, new ThresholdPoint(t, linked, right, f.precision(), f.recall(), f.f1(), reviewable - linked));
            if (f.f1() > bestF1) {
                bestF1 = f.f1();
                best = t;
            }
        }
        return new ThresholdCurve(records, onSpineRecords, reviewWeight, points, best);
    }

    /** Precision, recall and F1 of linked pairs against the true pairs, with the three counts. */
    public record PairFigures(double precision, double recall, double f1, long truePairs, long predictedPairs, long correctPairs) {
    }

    /**
     * Linkage against the truth: pairs overall, by source pair and by whether the non-spine record had an NHS-number
     * token; blocking recall (true pairs of records without a token that blocking made candidates) overall and per
     * source, and how many true pairs it was measured on.
     */
    public record Result(PairFigures overall, Map<String, PairFigures> bySourcePair, Map<String, PairFigures> byTokenStatus,
                         Double blockingRecall, Map<String, Double> blockingRecallBySource, long blockingTruePairs) {
    }

    /** A group's entities whose person is on the spine, and the share linked to that person. */
    public record GroupRecall(long entities, Double recall) {
    }

    /**
     * Recall of non-spine entities by groups of the true person (e.g. IMD quintile, ethnicity): of the entities
     * whose person is on the spine, the share linked to that person. Missed links concentrate in some groups; this
     * shows where. {@code truthGroups} has {@code true_person} and each column of {@code groups}; the entities are
     * matched to the truth once for all groups.
     *
     * @return per group column, per value ({@code unknown} for null): entities and recall
     */
    public static Map<String, Map<String, GroupRecall>> recallByGroups(Dataset<Row> links, Dataset<Row> truth, Dataset<Row> truthGroups,
                                                     List<String> groups, String spineSource) {
        Dataset<Row> spinePerson = links.filter(col("source").equalTo(spineSource))
                .join(truth, new String[] {"source", "entity_key"})
                .select(col("true_person"), col("anchor").alias("true_anchor")).distinct();
        List<Column> groupColumns = new ArrayList<>(List.of(col("true_person")));
        groups.forEach(g -> groupColumns.add(col(g).cast("string").alias(g)));
        Dataset<Row> e = links.filter(col("source").notEqual(spineSource))
                .join(truth, new String[] {"source", "entity_key"})
                .join(spinePerson, "true_person")
                .join(truthGroups.select(groupColumns.toArray(Column[]::new)), new String[] {"true_person"}, "left")
                .withColumn("found", when(col("anchor").equalTo(col("true_anchor")), 1).otherwise(0))
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        Map<String, Map<String, GroupRecall>> out = new LinkedHashMap<>();
        try {
            for (String g : groups) {
                Map<String, GroupRecall> byValue = new LinkedHashMap<>();
                for (Row r : e.groupBy(g).agg(count(lit(1)).alias("n"), sum("found").alias("found")).orderBy(g).collectAsList()) {
                    byValue.put(r.isNullAt(0) ? "unknown" : r.getString(0), new GroupRecall(r.getLong(1), ratio(r.getLong(2), r.getLong(1))));
                }
                out.put(g, byValue);
            }
        } finally {
            e.unpersist();
        }
        return out;
    }

    /**
     * Every unordered pair of distinct entities sharing a cluster column, tagged with its source pair and,
     * for pairs with the spine, whether the other entity carried an NHS token ({@code token} / {@code no_token};
     * {@code between_sources} otherwise).
     */
    private static Dataset<Row> pairs(Dataset<Row> entities, String cluster, String spineSource) {
        Dataset<Row> a = entities.select(col(cluster).alias("c"), col("source").alias("a_source"), col("has_token").alias("a_token"),
                concat_ws("|", col("source"), col("entity_key")).alias("a_key"));
        Dataset<Row> b = entities.select(col(cluster).alias("c"), col("source").alias("b_source"), col("has_token").alias("b_token"),
                concat_ws("|", col("source"), col("entity_key")).alias("b_key"));
        return a.join(b, "c").filter(col("a_key").lt(col("b_key")))
                .withColumn("source_pair", concat_ws("-", least(col("a_source"), col("b_source")), greatest(col("a_source"), col("b_source"))))
                .withColumn("token_status", when(col("a_source").equalTo(spineSource),
                                when(col("b_token"), lit("token")).otherwise(lit("no_token")))
                        .when(col("b_source").equalTo(spineSource), when(col("a_token"), lit("token")).otherwise(lit("no_token")))
                        .otherwise(lit("between_sources")))
                .select("a_key", "b_key", "source_pair", "token_status");
    }

    private static PairFigures metrics(long predicted, long actual, long correct) {
        double precision = predicted == 0 ? 1.0 : (double) correct / predicted;
        double recall = actual == 0 ? 1.0 : (double) correct / actual;
        return new PairFigures(precision, recall, precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall), actual,
                predicted, correct);
    }

    private static Double ratio(long a, long b) {
        return b == 0 ? null : (double) a / b;
    }
}
