package uk.nhs.phb.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TrainingDigestTest {
    private static final TrainJob.Request REQ = TrainJob.Request.defaults(LocalDate.of(2026, 3, 31));
    private static final String[] NAMES = {"age", "ltc_count"};

    private static String digest(TrainJob.Request req, double[][] x, int[] y, double[] c) {
        return TrainJob.trainingDigest(req, NAMES, x, y, c, new double[][] {{50, 1}}, new int[] {0}, new double[] {10});
    }

    @Test
    void theSameInputsNameTheSameModelAndAnyChangeAnother() {
        double[][] x = {{70, 3}, {40, 0}, {85, 5}};
        int[] y = {1, 0, 1};
        double[] c = {5200, 0, 12000.5};
        String id = digest(REQ, x, y, c);
        assertThat(id).matches("[0-9a-f]{8}").isEqualTo(digest(REQ, new double[][] {{70, 3}, {40, 0}, {85, 5}}, y.clone(), c.clone()));
        assertThat(digest(REQ, new double[][] {{70, 3}, {40, 0}, {85, 6}}, y, c)).as("one feature value").isNotEqualTo(id);
        assertThat(digest(REQ, x, new int[] {1, 0, 0}, c)).as("one outcome").isNotEqualTo(id);
        assertThat(digest(REQ, x, y, new double[] {5200, 0, 12000.25})).as("one cost").isNotEqualTo(id);
        assertThat(digest(REQ, new double[][] {{40, 0}, {70, 3}, {85, 5}}, new int[] {0, 1, 1}, new double[] {0, 5200, 12000.5}))
                .as("row order (seeded training depends on it)").isNotEqualTo(id);
        TrainJob.Request otherSeed = new TrainJob.Request(REQ.asOf(), REQ.trainQuarters(), REQ.maxTrainingRows(), REQ.maxTestRows(),
                REQ.seed() + 1, REQ.refreshFeatures(), REQ.gbt(), REQ.cost(), false);
        assertThat(digest(otherSeed, x, y, c)).as("seed").isNotEqualTo(id);
        assertThat(digest(REQ.evaluating(true), x, y, c)).as("measuring against truth changes no model").isEqualTo(id);
    }
}
