package uk.nhs.phb.pipelines.score;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.risk.FactorPhrases;
import uk.nhs.phb.models.risk.FeatureSpec;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * Risk scoring on Spark: each executor gets the trained models once (a broadcast) and scores its partitions of
 * {@code gold/person_features} row by row ({@code mapPartitions}); nothing person-level reaches the driver.
 */
public final class RiskScoring {
    private RiskScoring() {
    }

    /** The column types of a table as the feature contract records them (Spark's simple type strings). */
    public static Map<String, String> columnTypes(StructType schema) {
        Map<String, String> m = new LinkedHashMap<>();
        for (StructField f : schema.fields()) {
            m.put(f.name(), f.dataType().simpleString());
        }
        return m;
    }

    private static int[] sourceIndexes(StructType schema, FeatureSpec spec) {
        List<String> cols = spec.sourceColumns();
        int[] idx = new int[cols.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = schema.fieldIndex(cols.get(i));
        }
        return idx;
    }

    private static Object[] sourceValues(Row r, int[] idx) {
        Object[] v = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = r.isNullAt(idx[i]) ? null : r.get(idx[i]);
        }
        return v;
    }

    private static StructType passthrough(StructType in, List<String> keep) {
        StructType out = new StructType();
        for (String k : keep) {
            out = out.add(in.apply(k));
        }
        return out;
    }

    /**
     * The encoded features of each row as {@code x binary} (the doubles, big-endian, 8 bytes each: compact when a
     * bounded training sample is collected to the driver; read back with {@link #decode}) beside the {@code keep}
     * columns.
     */
    public static Dataset<Row> encode(Dataset<Row> features, FeatureSpec spec, List<String> keep) {
        StructType schema = features.schema();
        int[] idx = sourceIndexes(schema, spec);
        int[] keepIdx = keep.stream().mapToInt(schema::fieldIndex).toArray();
        StructType out = passthrough(schema, keep).add("x", DataTypes.BinaryType, false);
        MapPartitionsFunction<Row, Row> f = rows -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                Object[] o = new Object[keepIdx.length + 1];
                for (int i = 0; i < keepIdx.length; i++) {
                    o[i] = r.get(keepIdx[i]);
                }
                double[] x = spec.encode(sourceValues(r, idx));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * x.length);
                b.asDoubleBuffer().put(x);
                o[keepIdx.length] = b.array();
                return RowFactory.create(o);
            }
        };
        return features.mapPartitions(f, Encoders.row(out));
    }

    /** The doubles of an {@link #encode}d row. */
    public static double[] decode(byte[] bytes) {
        double[] x = new double[bytes.length / 8];
        java.nio.ByteBuffer.wrap(bytes).asDoubleBuffer().get(x);
        return x;
    }

    /**
     * {@code keep} columns, then {@code p_emergency_12m} (the GBT) and {@code predicted_cost_12m} (decimal pounds);
     * with {@code allModels} also {@code p_logistic, p_prior_admissions, p_multimorbidity} for evaluation.
     */
    public static Dataset<Row> score(Dataset<Row> features, Broadcast<RiskModels> models, List<String> keep, boolean allModels) {
        StructType schema = features.schema();
        FeatureSpec spec = models.value().spec();
        int[] idx = sourceIndexes(schema, spec);
        int[] keepIdx = keep.stream().mapToInt(schema::fieldIndex).toArray();
        StructType out = passthrough(schema, keep)
                .add("p_emergency_12m", DataTypes.DoubleType, false)
                .add("predicted_cost_12m", ScoreTables.MONEY, false);
        if (allModels) {
            out = out.add("p_logistic", DataTypes.DoubleType, false)
                    .add("p_prior_admissions", DataTypes.DoubleType, false)
                    .add("p_multimorbidity", DataTypes.DoubleType, false);
        }
        int width = out.size();
        MapPartitionsFunction<Row, Row> f = rows -> {
            RiskModels m = models.value();
            double[] x = new double[m.spec().size()];
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    m.spec().encodeInto(sourceValues(r, idx), x);
                    Object[] o = new Object[width];
                    int k = 0;
                    for (int i : keepIdx) {
                        o[k++] = r.get(i);
                    }
                    o[k++] = m.gbt().probability(x);
                    o[k++] = m.costPounds(x);
                    if (allModels) {
                        o[k++] = m.logistic().probability(x);
                        o[k++] = m.priorAdmissions().probability(x);
                        o[k] = m.multimorbidity().probability(x);
                    }
                    return RowFactory.create(o);
                }
            };
        };
        return features.mapPartitions(f, Encoders.row(out));
    }

    /**
     * The top factors raising each person's risk: TreeSHAP of the GBT per row, summed per features column and put
     * into words. {@code keep} columns, then {@code top_factors array<struct<feature,value,contribution,text>>}.
     */
    public static Dataset<Row> explain(Dataset<Row> features, Broadcast<RiskModels> models, FactorPhrases phrases, int k,
                                       List<String> keep) {
        StructType schema = features.schema();
        FeatureSpec spec = models.value().spec();
        int[] idx = sourceIndexes(schema, spec);
        int[] keepIdx = keep.stream().mapToInt(schema::fieldIndex).toArray();
        StructType out = passthrough(schema, keep).add("top_factors", DataTypes.createArrayType(ScoreTables.FACTOR, true), false);
        MapPartitionsFunction<Row, Row> f = rows -> {
            RiskModels m = models.value();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row r = rows.next();
                    Object[] values = sourceValues(r, idx);
                    double[] x = m.spec().encode(values);
                    List<Row> factors = new ArrayList<>();
                    for (FactorPhrases.Factor fa : phrases.topFactors(m.spec(), m.gbt().shap(x), values, k)) {
                        factors.add(RowFactory.create(fa.feature(), fa.value(), fa.contribution(), fa.text()));
                    }
                    Object[] o = new Object[keepIdx.length + 1];
                    for (int i = 0; i < keepIdx.length; i++) {
                        o[i] = r.get(keepIdx[i]);
                    }
                    o[keepIdx.length] = scala.jdk.javaapi.CollectionConverters.asScala(factors).toSeq();
                    return RowFactory.create(o);
                }
            };
        };
        return features.mapPartitions(f, Encoders.row(out));
    }

    /** The rows of a table partitioned by {@code reference_date} at one date. */
    public static Dataset<Row> at(Dataset<Row> table, java.time.LocalDate date) {
        return table.filter(col("reference_date").equalTo(org.apache.spark.sql.functions.lit(date.toString()).cast("date")));
    }
}
