package uk.nhs.phb.pipelines;

import static org.apache.spark.sql.functions.expr;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * Exact quantiles as an aggregate column: for each probability, the smallest observed value whose cumulative
 * share reaches it (SQL {@code percentile_disc}). Unlike a quantile sketch ({@code percentile_approx},
 * {@code approxQuantile}), whose answer depends on how rows are split into partitions and merged, the result is
 * the same on one machine and on any cluster. The aggregate holds each group's distinct values in one task:
 * fine for the millions of values per group phb has; a group of hundreds of millions needs a sketch again.
 */
public final class ExactQuantiles {
    private ExactQuantiles() {
    }

    /** The array of quantiles of {@code column} at {@code probabilities} (each in [0, 1]), one per group. */
    public static Column discrete(String column, double... probabilities) {
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("no probabilities");
        }
        for (double p : probabilities) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability " + p + " is not in [0, 1]");
            }
        }
        String probs = Arrays.stream(probabilities).mapToObj(p -> BigDecimal.valueOf(p).toPlainString()).collect(Collectors.joining(", "));
        return expr("percentile_disc(array(" + probs + ")) WITHIN GROUP (ORDER BY `" + column.replace("`", "``") + "`)");
    }
}
