package uk.nhs.phb.pipelines;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ExactQuantilesTest {
    @Test
    void theQuantilesAreObservedValuesByNearestRankWhateverThePartitioning() {
        SparkSession spark = SharedSpark.get();
        // 1..1000 in a random order, in two groups: g=0 has the odd values, g=1 the even ones
        List<Integer> values = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            values.add(i);
        }
        Collections.shuffle(values, new Random(3));
        List<Row> rows = new ArrayList<>();
        values.forEach(v -> rows.add(RowFactory.create(v % 2 == 0 ? 1 : 0, (double) v)));
        Dataset<Row> d = spark.createDataFrame(rows, new StructType().add("g", DataTypes.IntegerType).add("y", DataTypes.DoubleType));
        List<String> results = new ArrayList<>();
        for (int partitions : new int[] {1, 3, 8}) {
            List<Row> q = d.repartition(partitions).groupBy("g").agg(ExactQuantiles.discrete("y", 0.1, 0.25, 0.5, 1.0).alias("q"))
                    .orderBy(col("g")).collectAsList();
            // 500 odd values 1..999: the 10% quantile is the 50th smallest (99), 25% the 125th (249), 50% the 250th (499)
            assertThat(q.get(0).getList(1)).containsExactly(99.0, 249.0, 499.0, 999.0);
            assertThat(q.get(1).getList(1)).containsExactly(100.0, 250.0, 500.0, 1000.0);
            results.add(q.toString());
        }
        assertThat(results).containsOnly(results.get(0));
        assertThatThrownBy(() -> ExactQuantiles.discrete("y", 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
