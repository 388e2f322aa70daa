package uk.nhs.phb.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * Small hand-made tables in the full shape of the lake's: a test sets the columns that matter to it, and every other
 * column of the catalogued table is there as a typed null, so stages read the fixture as they read a real lake.
 */
public final class CatalogueFixtures {
    private CatalogueFixtures() {
    }

    /** The rows with every column of the table at {@code path} (a path under any lake root) the rows lack; others as given. */
    public static Dataset<Row> complete(Dataset<Row> rows, String path) {
        return LakeTables.all().stream().filter(t -> path.replace('\\', '/').endsWith("/" + t.path())).findFirst()
                .map(t -> complete(rows, t)).orElse(rows);
    }

    public static Dataset<Row> complete(Dataset<Row> rows, LakeTable table) {
        List<String> present = Arrays.asList(rows.columns());
        List<Column> out = new ArrayList<>();
        for (String c : rows.columns()) {
            out.add(col(c));
        }
        for (StructField f : table.schema().fields()) {
            if (!present.contains(f.name())) {
                out.add(lit(null).cast(f.dataType()).alias(f.name()));
            }
        }
        return rows.select(out.toArray(Column[]::new));
    }
}
