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
}
