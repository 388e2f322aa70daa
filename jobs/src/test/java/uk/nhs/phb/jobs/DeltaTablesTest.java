package uk.nhs.phb.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.schemas.LakeTables;

class DeltaTablesTest {
    @TempDir
    Path dir;

    @Test
    void aTableIsReadOnlyWhenItHoldsEveryColumnOfItsCatalogueEntry() {
        SparkSession spark = TestSpark.get();
        Lake lake = new Lake(dir.toString());
        StructType older = StructType.fromDDL("source STRING, entity_hash STRING, person_id STRING, match_weight DOUBLE");
        spark.createDataFrame(List.of(RowFactory.create("gp", "h1", "p1", 9.5)), older)
                .write().format("delta").save(lake.path(LakeTables.PERSON_INDEX));

        assertThatThrownBy(() -> DeltaTables.read(spark, lake, LakeTables.PERSON_INDEX))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("silver/person_index in " + dir)
                .hasMessageContaining("no column method (string); no column match_probability (double)")
                .hasMessageContaining("run 'phb link'");
        assertThatThrownBy(() -> InputVersions.read(spark, lake, LakeTables.PERSON_INDEX, 0))
                .isInstanceOf(InputException.class).hasMessageContaining("no column method (string)");

        spark.createDataFrame(List.of(RowFactory.create("gp", "h1", "p1", "deterministic", 9.5, 0.99, "a later column")),
                        LakeTables.PERSON_INDEX.schema().add("added_later", "string"))
                .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(lake.path(LakeTables.PERSON_INDEX));
        assertThat(DeltaTables.read(spark, lake, LakeTables.PERSON_INDEX).count()).isEqualTo(1);
        assertThat(DeltaTables.version(spark, lake, LakeTables.PERSON_INDEX)).isEqualTo(1);
    }

    /** The latest commit as read from its log file is the one Delta's own history gives, across checkpoints. */
    @Test
    void theLastCommitReadFromTheLogIsDeltasOwnHistory() throws java.io.IOException {
        SparkSession spark = TestSpark.get();
        String path = dir.resolve("t").toString();
        assertThat(DeltaTables.lastCommit(spark, path)).isNull();
        assertThat(DeltaTables.version(spark, path)).isEqualTo(-1);
        StructType schema = StructType.fromDDL("n INT");
        // a checkpoint every second commit (Delta's default is ten): the latest commit file is still the one read
        String interval = "spark.databricks.delta.properties.defaults.checkpointInterval";
        spark.conf().set(interval, "2");
        try {
            for (int v = 0; v < 3; v++) {
                List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
                for (int i = 0; i <= v; i++) {
                    rows.add(RowFactory.create(i));
                }
                var write = spark.createDataFrame(rows, schema).write().format("delta").mode("overwrite");
                // some commits without user metadata, as another tool's would be
                (v % 3 == 0 ? write : write.option("userMetadata", "run " + v)).save(path);
                DeltaTables.LastCommit last = DeltaTables.lastCommit(spark, path);
                org.apache.spark.sql.Row history = io.delta.tables.DeltaTable.forPath(spark, path).history(1)
                        .select("version", "userMetadata", "operationMetrics").first();
                assertThat(last.version()).isEqualTo(history.getLong(0)).isEqualTo(v);
                assertThat(last.userMetadata()).isEqualTo(history.isNullAt(1) ? null : history.getString(1));
                assertThat(last.operationMetrics()).isEqualTo(history.getJavaMap(2)).containsEntry("numOutputRows", String.valueOf(v + 1));
            }
        } finally {
            spark.conf().unset(interval);
        }
        try (var log = java.nio.file.Files.list(Path.of(path, "_delta_log"))) {
            assertThat(log.map(f -> f.getFileName().toString())).as("checkpoints written").anyMatch(n -> n.contains(".checkpoint."));
        }
    }

    /**
     * A run's commits are found by the run id in their user metadata: the table before them is what a replay starts
     * from, unless the run's first commit replaced the whole table; a replaced date alone keeps the others.
     */
    @Test
    void theVersionBeforeARunIsFoundFromItsCommits() {
        SparkSession spark = TestSpark.get();
        String path = dir.resolve("by_date").toString();
        StructType schema = StructType.fromDDL("d STRING, n INT");
        var first = spark.createDataFrame(List.of(RowFactory.create("a", 1), RowFactory.create("b", 2)), schema);
        first.write().format("delta").partitionBy("d").option("userMetadata", "{\"run_id\":\"r0\"}").save(path);
        for (int i = 0; i < 2; i++) {
            spark.createDataFrame(List.of(RowFactory.create("b", 3 + i)), schema).write().format("delta").mode("overwrite")
                    .option("replaceWhere", "d = 'b'").option("userMetadata", "{\"run_id\":\"r1\"}").save(path);
        }
        spark.createDataFrame(List.of(RowFactory.create("c", 9)), schema).write().format("delta").mode("overwrite")
                .option("userMetadata", "{\"run_id\":\"r2\"}").save(path);

        assertThat(DeltaTables.versionBeforeRun(spark, path, "r1", 2)).isEqualTo(0);
        assertThat(DeltaTables.versionKeptByRun(spark, path, "r1", 2)).as("a replaced date keeps the others").isEqualTo(0);
        assertThat(DeltaTables.versionBeforeRun(spark, path, "r2", 3)).isEqualTo(2);
        assertThat(DeltaTables.versionKeptByRun(spark, path, "r2", 3)).as("a whole table replaced keeps nothing").isEqualTo(-1);
        assertThat(DeltaTables.versionKeptByRun(spark, path, "r0", 0)).as("the run made the table").isEqualTo(-1);
        assertThat(DeltaTables.commit(spark, path, 1).replacedAll()).isFalse();
        assertThat(DeltaTables.commit(spark, path, 3).replacedAll()).isTrue();

        String clone = dir.resolve("clone").toString();
        DeltaTables.shallowClone(spark, path, 0, clone);
        assertThat(spark.read().format("delta").load(clone).orderBy("d").collectAsList().toString()).isEqualTo("[[a,1], [b,2]]");
        assertThat(java.nio.file.Files.exists(Path.of(clone, "d=a"))).as("nothing copied").isFalse();
    }
}
