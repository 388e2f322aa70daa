package uk.nhs.phb.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.TestSpark;

class LakeDiffTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void spark() {
        spark = TestSpark.get();
    }

    /** A budget line table: a map column (as gold/indicative_budgets has) and a run id. */
    private void table(String lake, String runId, List<String> rowsAsSql) {
        Dataset<Row> d = spark.createDataset(rowsAsSql, Encoders.STRING()).selectExpr("from_json(value, "
                + "'person_id STRING, annual_gbp DECIMAL(12,2), by_stream MAP<STRING, DECIMAL(12,2)>') AS r").select("r.*")
                .withColumn("run_id", org.apache.spark.sql.functions.lit(runId));
        d.write().format("delta").mode("overwrite").save(lake + "/gold/indicative_budgets");
    }

    private static final String P1 = "{\"person_id\":\"p1\",\"annual_gbp\":1200.00,\"by_stream\":{\"health\":1000.00,\"social_care\":200.00}}";
    private static final String P1_OTHER_ORDER = "{\"person_id\":\"p1\",\"annual_gbp\":1200.00,\"by_stream\":{\"social_care\":200.00,\"health\":1000.00}}";
    private static final String P2 = "{\"person_id\":\"p2\",\"annual_gbp\":300.50,\"by_stream\":{\"health\":300.50}}";

    @Test
    void tablesWithMapsAreEqualWhateverTheRowAndEntryOrderAndRunId() {
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        table(a, "run-a", List.of(P1, P2));
        table(b, "run-b", List.of(P2, P1_OTHER_ORDER));

        LakeDiff.Result r = LakeDiff.compare(spark, a, b, LakeDiff.defaultIgnored());

        assertThat(r.tables()).hasSize(1);
        assertThat(r.tables().get(0).rowsA()).isEqualTo(2);
        assertThat(r.equal()).as(r.tables().toString()).isTrue();
    }

    @Test
    void aChangedMapValueOrAMissingTableIsADifference() {
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        table(a, "run-a", List.of(P1, P2));
        table(b, "run-a", List.of(P1.replace("200.00", "200.01"), P2));
        spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("x")),
                new org.apache.spark.sql.types.StructType().add("v", "string")).write().format("delta").save(a + "/silver/only_here");

        LakeDiff.Result r = LakeDiff.compare(spark, a, b, LakeDiff.defaultIgnored());

        Map<String, LakeDiff.TableDiff> byTable = new java.util.TreeMap<>();
        r.tables().forEach(t -> byTable.put(t.table(), t));
        assertThat(r.differing()).isEqualTo(2);
        assertThat(byTable.get("gold/indicative_budgets").note()).isEqualTo("content differs");
        assertThat(byTable.get("silver/only_here").note()).isEqualTo("only in A");
    }
}
