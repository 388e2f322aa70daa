package uk.nhs.phb.pipelines.extract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.pipelines.link.PersonIndex;

/** Opt-outs reach people both as a list of who opted out and as the national check's list of who may be used. */
class OptOutsTest {
    static SparkSession spark;
    static final SecretKey KEY = SecretKey.generate();

    @BeforeAll
    static void spark() {
        spark = SharedSpark.get();
    }

    /** Persons P1-P5 registered with NHS-number tokens t1-t5; P6 known only to adult social care, without one. */
    static Dataset<Row> index() {
        StructType s = new StructType().add("source", DataTypes.StringType).add("key", DataTypes.StringType).add("person_id", DataTypes.StringType);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            rows.add(RowFactory.create("patients", "t" + i, "P" + i));
        }
        rows.add(RowFactory.create("asc_cld", "c6", "P6"));
        return spark.createDataFrame(rows, s).withColumn("entity_hash", PersonIndex.entityHash(KEY, col("source"), col("key")))
                .select("source", "entity_hash", "person_id");
    }

    static Dataset<Row> optOuts(boolean withListing, Object[]... rows) {
        StructType s = new StructType().add("nhs_token", DataTypes.StringType).add("opt_out_type", DataTypes.StringType)
                .add("listed_as", DataTypes.StringType);
        Dataset<Row> d = spark.createDataFrame(java.util.Arrays.stream(rows).map(RowFactory::create).toList(), s);
        return withListing ? d : d.drop("listed_as");
    }

    static Map<String, String> removedBy(Dataset<Row> optOuts) {
        Dataset<Row> population = index().select("person_id").distinct();
        Dataset<Row> marked = OptOuts.mark(population, OptOuts.persons(optOuts, index(), KEY), List.of("NDOO", "TYPE1"));
        return marked.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
                r -> r.isNullAt(1) ? "stays" : r.getString(1)));
    }

    @Test
    void aListOfWhoMayBeUsedRemovesEveryRegisteredPersonItDoesNotClear() {
        Map<String, String> out = removedBy(optOuts(true,
                new Object[] {"t1", "NDOO", "CLEARED"}, new Object[] {"t3", "NDOO", "CLEARED"},
                // cleared but registered nowhere here: changes nothing
                new Object[] {"t9", "NDOO", "CLEARED"},
                // listed as opted out as well as absent from the cleared list: counted once
                new Object[] {"t2", "NDOO", "OPTED_OUT"},
                new Object[] {"t4", "TYPE1", null}));
        assertThat(out).containsEntry("P1", "stays").containsEntry("P3", "stays")
                .containsEntry("P2", "NDOO").containsEntry("P4", "NDOO").containsEntry("P5", "NDOO")
                // no NHS number: the national check cannot have seen them, and the list says nothing of them
                .containsEntry("P6", "stays");
        assertThat(OptOuts.persons(optOuts(true, new Object[] {"t1", "NDOO", "CLEARED"}), index(), KEY)
                .filter(col("opt_out_type").equalTo(lit("NDOO"))).count()).as("t2-t5 not cleared").isEqualTo(4);
    }

    @Test
    void aListOfWhoOptedOutRemovesThemAloneWhetherOrNotItSaysHowItIsListed() {
        Object[][] rows = {{"t2", "NDOO", null}, {"t4", "TYPE1", null}, {"t7", "NDOO", null}};
        for (boolean withListing : new boolean[] {true, false}) {
            Map<String, String> out = removedBy(optOuts(withListing, rows));
            assertThat(out).containsEntry("P2", "NDOO").containsEntry("P4", "TYPE1").containsEntry("P1", "stays")
                    .containsEntry("P3", "stays").containsEntry("P5", "stays").containsEntry("P6", "stays");
        }
    }
}
