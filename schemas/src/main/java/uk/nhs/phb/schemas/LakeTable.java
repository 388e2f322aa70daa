package uk.nhs.phb.schemas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One table of the lake: where it lives ({@code <layer>/<name>}), the columns later stages may rely on, how it is
 * partitioned and which stage writes it. Tables only ever gain columns, so a table holding more columns than
 * these is fine; one lacking a column, or holding it with another type, was written by another phb or tool.
 */
public record LakeTable(Layer layer, String name, StructType schema, List<String> partitionBy, String stage, String about) {

    /** The lake's folders, in the order data moves through them. */
    public enum Layer {
        BRONZE, QUARANTINE, SILVER, GOLD, AUDIT;

        public String folder() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LakeTable {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
        partitionBy = List.copyOf(partitionBy);
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(about, "about");
        for (String p : partitionBy) {
            if (Arrays.stream(schema.fieldNames()).noneMatch(p::equals)) {
                throw new IllegalArgumentException(layer.folder() + "/" + name + " is partitioned by " + p + ", which is not a column of it");
            }
        }
    }

    /** The table's folder under the lake root, e.g. {@code silver/person_index}. */
    public String path() {
        return layer.folder() + "/" + name;
    }

    public List<String> columns() {
        return List.of(schema.fieldNames());
    }

    /**
     * What keeps a table with the given schema from being read as this one, one line per column (a column missing, or
     * of another type); empty when every column of the catalogue is there with its type. Nullability is not compared:
     * Delta stores every column as nullable.
     */
    public List<String> mismatches(StructType actual) {
        List<String> problems = new ArrayList<>();
        for (StructField expected : schema.fields()) {
            StructField found = Arrays.stream(actual.fields()).filter(f -> f.name().equals(expected.name())).findFirst().orElse(null);
            String want = expected.dataType().catalogString();
            if (found == null) {
                problems.add("no column " + expected.name() + " (" + want + ")");
            } else if (!found.dataType().catalogString().equals(want)) {
                problems.add("column " + expected.name() + " is " + found.dataType().catalogString() + ", not " + want);
            }
        }
        return problems;
    }
}
