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
}
