package uk.nhs.phb.pipelines.anonymise;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.anonymise.FrequencySet;
import uk.nhs.phb.models.anonymise.Transformation;

/**
 * The Spark side of anonymisation: Spark counts the frequency set (distinct quasi-identifier and sensitive
 * combinations with their counts, an aggregate) once, the engine in {@code models} searches the lattice on it
 * in memory, and Spark applies the chosen transformation to every row. So a large table costs little more
 * than the combinations it contains.
 */
public final class AnonymiseTable {
    private AnonymiseTable() {
    }

    /** Columns the table lacks, of those named. */
    public static List<String> missing(Dataset<Row> data, List<String> columns) {
        List<String> have = Arrays.asList(data.columns());
        return columns.stream().filter(c -> !have.contains(c)).toList();
    }

    /** The frequency set over {@code qis} and {@code sensitive} (values as text; null stays null). */
    public static FrequencySet frequencySet(Dataset<Row> data, List<String> qis, List<String> sensitive) {
        List<Column> cols = new ArrayList<>();
        for (String c : qis) {
            cols.add(col(c).cast("string").alias(c));
        }
        for (String c : sensitive) {
            cols.add(col(c).cast("string").alias(c));
        }
        FrequencySet.Builder b = FrequencySet.builder(qis, sensitive);
        List<String> names = new ArrayList<>(qis);
        names.addAll(sensitive);
        Iterator<Row> it = data.select(cols.toArray(Column[]::new))
                .groupBy(names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
                .agg(count(lit(1)).alias("n")).toLocalIterator();
        while (it.hasNext()) {
            Row r = it.next();
            String[] q = new String[qis.size()];
            String[] s = new String[sensitive.size()];
            for (int i = 0; i < q.length; i++) {
                q[i] = r.getString(i);
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = r.getString(q.length + i);
            }
            b.add(q, s, r.getLong(q.length + s.length));
        }
        return b.build();
    }

    /** Rows with their quasi-identifiers generalised (as text) and the suppressed rows removed. */
    public static Dataset<Row> apply(Dataset<Row> data, Transformation t) {
        List<String> qis = t.columns();
        StructType in = data.schema();
        int[] qiIndex = qis.stream().mapToInt(in::fieldIndex).toArray();
        List<StructField> out = new ArrayList<>();
        for (StructField f : in.fields()) {
            out.add(qis.contains(f.name()) ? DataTypes.createStructField(f.name(), DataTypes.StringType, true) : f);
        }
        StructType schema = DataTypes.createStructType(out);
        MapPartitionsFunction<Row, Row> generalise = rows -> new Iterator<>() {
            private Row next = advance();

            private Row advance() {
                while (rows.hasNext()) {
                    Row r = rows.next();
                    String[] q = new String[qiIndex.length];
                    for (int i = 0; i < q.length; i++) {
                        q[i] = r.isNullAt(qiIndex[i]) ? null : String.valueOf(r.get(qiIndex[i]));
                    }
                    if (t.isSuppressed(q)) {
                        continue;
                    }
                    String[] g = t.generalise(q);
                    Object[] v = new Object[r.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = r.get(i);
                    }
                    for (int i = 0; i < qiIndex.length; i++) {
                        v[qiIndex[i]] = g[i];
                    }
                    return RowFactory.create(v);
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Row next() {
                Row r = next;
                next = advance();
                return r;
            }
        };
        return data.mapPartitions(generalise, ExpressionEncoder.apply(schema)).toDF();
    }
}
