package uk.nhs.phb.jobs.audit;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;

/**
 * Compares the tables of two lakes by content, ignoring row order and the columns that name the run that
 * wrote a row: the same pipeline over the same data must give equal tables whether it ran embedded or on a
 * cluster, or was killed and re-run. Each table is reduced in Spark to a row count and two order-free
 * fingerprints (sums of 64- and 32-bit row hashes), so nothing person-level reaches the driver.
 */
public final class LakeDiff {
    /** Layers compared; {@code audit} records runs, which differ by design. */
    public static final List<String> LAYERS = List.of("bronze", "quarantine", "silver", "gold");

    private LakeDiff() {
    }

    /** One table's comparison; {@code equal} is false when it is missing on a side or differs. */
    public record TableDiff(String table, long rowsA, long rowsB, boolean schemaEqual, boolean equal, String note) {
    }

    public record Result(List<TableDiff> tables) {
        public boolean equal() {
            return tables.stream().allMatch(TableDiff::equal);
        }

        public long differing() {
            return tables.stream().filter(t -> !t.equal()).count();
        }
    }

    /** Columns ignored unless told otherwise: any whose name ends in {@code run_id}. */
    public static Predicate<String> defaultIgnored() {
        return name -> name.endsWith("run_id");
    }

    public static Result compare(SparkSession spark, String lakeA, String lakeB, Predicate<String> ignored) {
        Set<String> names = new TreeSet<>();
        names.addAll(tables(spark, lakeA));
        names.addAll(tables(spark, lakeB));
        if (names.isEmpty()) {
            throw new InputException("no Delta tables under " + lakeA + " or " + lakeB + " (looked in " + String.join(", ", LAYERS) + ")");
        }
        List<TableDiff> out = new ArrayList<>();
        for (String t : names) {
            String a = lakeA + "/" + t;
            String b = lakeB + "/" + t;
            boolean inA = DeltaTables.exists(spark, a);
            boolean inB = DeltaTables.exists(spark, b);
            if (!inA || !inB) {
                out.add(new TableDiff(t, inA ? rows(spark, a) : -1, inB ? rows(spark, b) : -1, false, false,
                        "only in " + (inA ? "A" : "B")));
                continue;
            }
            out.add(compare(t, spark.read().format("delta").load(a), spark.read().format("delta").load(b), ignored));
        }
        return new Result(out);
    }

    /** Two versions of one table compared by content, row order and the {@code ignored} columns aside. */
    public static TableDiff compare(String table, Dataset<Row> a, Dataset<Row> b, Predicate<String> ignored) {
        List<String> colsA = kept(a, ignored);
        List<String> colsB = kept(b, ignored);
        boolean schemaEqual = colsA.equals(colsB) && types(a, colsA).equals(types(b, colsB));
        Row fa = fingerprint(a, colsA);
        Row fb = fingerprint(b, colsB);
        boolean equal = schemaEqual && fa.equals(fb);
        String note = !schemaEqual ? "columns differ: A " + colsA + ", B " + colsB
                : equal ? "" : "content differs";
        return new TableDiff(table, fa.getLong(0), fb.getLong(0), schemaEqual, equal, note);
    }

    private static long rows(SparkSession spark, String path) {
        return spark.read().format("delta").load(path).count();
    }

    private static List<String> kept(Dataset<Row> d, Predicate<String> ignored) {
        return Arrays.stream(d.columns()).filter(ignored.negate()).sorted().toList();
    }

    private static List<String> types(Dataset<Row> d, List<String> cols) {
        return cols.stream().map(c -> d.schema().apply(c).dataType().simpleString()).toList();
    }

    private static Row fingerprint(Dataset<Row> d, List<String> cols) {
        Column[] c = cols.stream().map(n -> hashable(col("`" + n + "`"), d.schema().apply(n).dataType())).toArray(Column[]::new);
        // summed as decimals so a large table cannot overflow
        Column h64 = (c.length == 0 ? lit(0L) : xxhash64(c)).cast("decimal(38,0)");
        Column h32 = (c.length == 0 ? lit(0L) : hash(c)).cast("decimal(38,0)");
        return d.agg(count(lit(1)), sum(h64), sum(h32)).first();
    }

    /**
     * Spark cannot hash maps, and two equal maps may hold their entries in different orders: a map becomes its
     * entries sorted by key; a map nested deeper becomes JSON.
     */
    static Column hashable(Column c, DataType type) {
        if (type instanceof MapType m && !containsMap(m.keyType()) && !containsMap(m.valueType())) {
            return array_sort(map_entries(c));
        }
        return containsMap(type) ? to_json(c) : c;
    }

    private static boolean containsMap(DataType t) {
        if (t instanceof MapType) {
            return true;
        }
        if (t instanceof ArrayType a) {
            return containsMap(a.elementType());
        }
        if (t instanceof StructType st) {
            return Arrays.stream(st.fields()).anyMatch(f -> containsMap(f.dataType()));
        }
        return false;
    }

    /** {@code layer/table} for every Delta table under the lake's layers. */
    private static List<String> tables(SparkSession spark, String lake) {
        List<String> found = new ArrayList<>();
        for (String layer : LAYERS) {
            Path dir = new Path(lake, layer);
            try {
                FileSystem fs = Files2.fs(spark, dir.toString());
                if (!fs.exists(dir)) {
                    continue;
                }
                for (FileStatus s : fs.listStatus(dir)) {
                    if (s.isDirectory() && !s.getPath().getName().startsWith(".")
                            && DeltaTables.exists(spark, s.getPath().toString())) {
                        found.add(layer + "/" + s.getPath().getName());
                    }
                }
            } catch (IOException e) {
                throw new InputException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return found;
    }
}
