package uk.nhs.phb.pipelines.score;

import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * Risk percentiles and tiers by exact rank: everyone is sorted by predicted risk (ties by person id, so the order
 * is reproducible) in a distributed sort, and each row gets its global position from {@code zipWithIndex}. The
 * top {@code round(0.5% n)} are very_high, up to {@code round(5% n)} high, up to {@code round(20% n)} moderate, the
 * rest low; {@code risk_percentile = 100 (1 - rank / n)} with rank 0 for the highest risk (so 100 is the highest).
 */
public final class RiskTiers {
    private RiskTiers() {
    }

    /**
     * Adds {@code <prefix>rank} (0-based, 0 = highest {@code score}) to every row by a distributed sort; ties by
     * {@code tieBreak} ascending.
     */
    public static Dataset<Row> rank(Dataset<Row> df, String score, String tieBreak, String rankColumn) {
        Dataset<Row> sorted = df.orderBy(desc(score), asc(tieBreak));
        StructType schema = sorted.schema().add(rankColumn, DataTypes.LongType, false);
        int width = sorted.schema().size();
        JavaRDD<Row> ranked = sorted.toJavaRDD().zipWithIndex().map(t -> {
            Object[] o = new Object[width + 1];
            for (int i = 0; i < width; i++) {
                o[i] = t._1().get(i);
            }
            o[width] = t._2();
            return RowFactory.create(o);
        });
        return df.sparkSession().createDataFrame(ranked, schema);
    }

    /** Rank boundaries of the tiers for {@code n} people: {@code [very_high end, high end, moderate end]} (exclusive). */
    public static long[] boundaries(long n) {
        List<Double> s = ScoreTables.TIER_CUMULATIVE_SHARES;
        return new long[] {Math.round(s.get(0) * n), Math.round(s.get(1) * n), Math.round(s.get(2) * n)};
    }

    /** {@code risk_percentile} and {@code risk_tier} from the rank of {@code p_emergency_12m} among {@code n} people. */
    public static Dataset<Row> withTiers(Dataset<Row> scored, long n) {
        long[] b = boundaries(n);
        Dataset<Row> ranked = rank(scored, "p_emergency_12m", "person_id", "risk_rank");
        Column r = col("risk_rank");
        return ranked.withColumn("risk_percentile", lit(100.0).multiply(lit(1.0).minus(r.cast("double").divide(lit((double) n)))))
                .withColumn("risk_tier", when(r.lt(b[0]), lit("very_high")).when(r.lt(b[1]), lit("high"))
                        .when(r.lt(b[2]), lit("moderate")).otherwise(lit("low")));
    }
}
