package uk.nhs.phb.pipelines.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.pipelines.SharedSpark;

class LinkEvaluationTest {
    private static final StructType LINKS = new StructType()
            .add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType).add("has_token", DataTypes.BooleanType)
            .add("best_key", DataTypes.StringType).add("match_weight", DataTypes.DoubleType).add("clears_runner_up", DataTypes.BooleanType);
    private static final StructType TRUTH = new StructType()
            .add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType).add("true_person", DataTypes.StringType);
    private static SparkSession spark;

    @BeforeAll
    static void spark() {
        spark = SharedSpark.get();
    }

    @Test
    void theThresholdCurveCountsLinksRightLinksAndReviewAtEveryWholeWeight() {
        Dataset<Row> links = spark.createDataFrame(List.of(
                spine("S1"), spine("S2"), spine("S3"), spine("S4"),
                record("a", "S1", 12.5, true),     // right at every threshold up to 12
                record("b", "S2", 6.2, true),      // right from 6 down
                record("c", "S1", 7.0, true),      // wrong (its person is S3's), from 7 down
                record("d", "S4", 9.0, false),     // fails the runner-up margin: never links, always in review
                record("e", null, null, null),     // no candidate at all; its person is on the spine
                record("f", "S2", 3.4, true),      // wrong, and its person is not on the spine
                RowFactory.create("asc", "tok", true, "S1", 15.0, null)), LINKS);   // a token record: not on this curve
        Dataset<Row> truth = spark.createDataFrame(List.of(
                truth("patients", "S1", "P1"), truth("patients", "S2", "P2"), truth("patients", "S3", "P3"), truth("patients", "S4", "P4"),
                truth("asc", "a", "P1"), truth("asc", "b", "P2"), truth("asc", "c", "P3"), truth("asc", "d", "P4"), truth("asc", "e", "P3"),
                truth("asc", "f", "P9"), truth("asc", "tok", "P1")), TRUTH);

        LinkEvaluation.ThresholdCurve curve = LinkEvaluation.thresholdCurve(links, truth, "patients", 0.0, 20);

        assertThat(curve.records()).isEqualTo(6);
        assertThat(curve.recordsOnSpine()).isEqualTo(5);   // a, b, c, d, e
        assertThat(curve.points()).hasSize(21);
        assertThat(curve.points()).extracting(LinkEvaluation.ThresholdPoint::matchWeight).startsWith(0.0, 1.0).endsWith(20.0);
        LinkEvaluation.ThresholdPoint at13 = point(curve, 13);
        assertThat(at13.linked()).isZero();
        assertThat(at13.precision()).isEqualTo(1.0);
        assertThat(at13.review()).isEqualTo(5);            // a, b, c, d and f have a candidate at or above 0
        LinkEvaluation.ThresholdPoint at8 = point(curve, 8);
        assertThat(at8.linked()).isEqualTo(1);
        assertThat(at8.correct()).isEqualTo(1);
        assertThat(at8.recall()).isCloseTo(0.2, within(1e-12));
        assertThat(at8.review()).isEqualTo(4);
        LinkEvaluation.ThresholdPoint at6 = point(curve, 6);
        assertThat(at6.linked()).isEqualTo(3);             // a, b, c
        assertThat(at6.correct()).isEqualTo(2);
        assertThat(at6.precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(at6.recall()).isCloseTo(0.4, within(1e-12));
        LinkEvaluation.ThresholdPoint at3 = point(curve, 3);
        assertThat(at3.linked()).isEqualTo(4);             // and f
        assertThat(at3.correct()).isEqualTo(2);
        assertThat(at3.review()).isEqualTo(1);             // d alone
        // F1: 1/3 at 8-12 (precision 1, recall 0.2), 2/7 at 7, 1/2 at 4-6 (2/3, 0.4), 4/9 at 0-3: 6, the highest of the best
        assertThat(curve.bestF1MatchWeight()).isEqualTo(6.0);
    }

    private static LinkEvaluation.ThresholdPoint point(LinkEvaluation.ThresholdCurve curve, int weight) {
        return curve.points().stream().filter(p -> p.matchWeight() == weight).findFirst().orElseThrow();
    }

    private static Row spine(String key) {
        return RowFactory.create("patients", key, true, null, null, null);
    }

    private static Row record(String key, String best, Double weight, Boolean clears) {
        return RowFactory.create("asc", key, false, best, weight, clears);
    }

    private static Row truth(String source, String key, String person) {
        return RowFactory.create(source, key, person);
    }
}
