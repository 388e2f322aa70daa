package uk.nhs.phb.jobs;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.And;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import uk.nhs.phb.schemas.LakeTable;

/**
 * Reads a few rows of lake tables, and appends rows to a table, without starting Spark: Delta Kernel replays the
 * table's log, keeps only the files of the wanted partition (and, by their statistics, those that can hold the wanted
 * value), and phb reads those files' Parquet. Made for looking up one person, where starting Spark and planning a query
 * per table cost ten times the reading. It reads through Hadoop's own configuration ({@code core-site.xml}, the
 * environment), not through {@code spark.hadoop.*} settings.
 */
public final class KernelLake {
    private final Engine engine;
    private final Lake lake;
    /** Each table is read at one version for the life of this object: the version a run records is the one it read. */
    private final Map<String, Snapshot> read = new java.util.HashMap<>();

    private KernelLake(Engine engine, Lake lake) {
        this.engine = engine;
        this.lake = lake;
    }

    public static KernelLake open(Lake lake) {
        Configuration conf = new Configuration();
        try {
            Path root = new Path(lake.root());
            String qualified = root.getFileSystem(conf).makeQualified(root).toString();
            return new KernelLake(DefaultEngine.create(conf), new Lake(qualified));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the lake " + lake.root(), e);
        }
    }

    public boolean exists(LakeTable table) {
        return snapshot(table).isPresent();
    }

    /** The version of the table this object reads (its latest when first read), or -1 when there is no such table. */
    public long version(LakeTable table) {
        return snapshot(table).map(Snapshot::getVersion).orElse(-1L);
    }

    /** The values of a partition column that hold any file, in order. */
    public List<String> partitionValues(LakeTable table, String column) {
        TreeSet<String> values = new TreeSet<>();
        Snapshot snapshot = snapshot(table).orElseThrow(() -> missing(table));
        try (CloseableIterator<FilteredColumnarBatch> files = snapshot.getScanBuilder().build().getScanFiles(engine)) {
            forEachRow(files, scanFile -> {
                String value = InternalScanFileUtils.getPartitionValues(scanFile).get(column);
                if (value != null) {
                    values.add(value);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading the log of " + table.path(), e);
        }
        return List.copyOf(values);
    }

    /** Whether any file of the table holds rows where every named column may equal its value (by partition and statistics). */
    public boolean anyFile(LakeTable table, Map<String, Object> equals) {
        Snapshot snapshot = snapshot(table).orElseThrow(() -> missing(table));
        Scan scan = snapshot.getScanBuilder().withFilter(predicate(equals)).build();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            boolean[] any = {false};
            forEachRow(files, scanFile -> any[0] = true);
            return any[0];
        } catch (IOException e) {
            throw new UncheckedIOException("reading the log of " + table.path(), e);
        }
    }

    /** Every row where each named column equals its value, as column name to Java value (dates as LocalDate, times as Instant). */
    public List<Map<String, Object>> rows(LakeTable table, Map<String, Object> equals) {
        Snapshot snapshot = snapshot(table).orElseThrow(() -> missing(table));
        Scan scan = snapshot.getScanBuilder().withFilter(predicate(equals)).build();
        io.delta.kernel.data.Row state = scan.getScanState(engine);
        StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, state);
        List<Map<String, Object>> out = new ArrayList<>();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            List<io.delta.kernel.data.Row> scanFiles = new ArrayList<>();
            forEachRow(files, scanFiles::add);
            for (io.delta.kernel.data.Row scanFile : scanFiles) {
                FileStatus file = InternalScanFileUtils.getAddFileStatus(scanFile);
                try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                        .readParquetFiles(Utils.singletonCloseableIterator(file), physical, Optional.empty());
                     CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, state, scanFile, data)) {
                    while (logical.hasNext()) {
                        collect(logical.next(), equals, out);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + table.path(), e);
        }
        return out;
    }

    /**
     * Appends rows to an unpartitioned table, creating it with the catalogue's schema when it is missing; each row's values
     * are in the schema's order (times as Instant, dates as LocalDate). Returns the version committed.
     */
    public long append(LakeTable table, List<Object[]> rows, String engineInfo) {
        String path = lake.path(table);
        Table delta = Table.forPath(engine, path);
        boolean create = latest(table).isEmpty();
        TransactionBuilder builder = delta.createTransactionBuilder(engine, engineInfo, create ? Operation.CREATE_TABLE : Operation.WRITE);
        if (create) {
            builder = builder.withSchema(engine, kernelSchema(table.schema()));
        }
        Transaction txn = builder.build(engine);
        io.delta.kernel.data.Row state = txn.getTransactionState(engine);
        ColumnarBatch batch = new ValuesBatch(txn.getSchema(engine), rows);
        try (CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(engine, state,
                Utils.singletonCloseableIterator(new FilteredColumnarBatch(batch, Optional.empty())), Map.of())) {
            DataWriteContext context = Transaction.getWriteContext(engine, state, Map.of());
            CloseableIterator<DataFileStatus> written = engine.getParquetHandler()
                    .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns());
            CloseableIterator<io.delta.kernel.data.Row> actions = Transaction.generateAppendActions(engine, state, written, context);
            TransactionCommitResult result = txn.commit(engine, CloseableIterable.inMemoryIterable(actions));
            for (PostCommitHook hook : result.getPostCommitHooks()) {
                hook.threadSafeInvoke(engine);
            }
            return result.getVersion();
        } catch (IOException e) {
            throw new UncheckedIOException("appending to " + table.path(), e);
        }
    }

    private Optional<Snapshot> snapshot(LakeTable table) {
        Snapshot known = read.get(table.path());
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Snapshot> latest = latest(table);
        latest.ifPresent(s -> read.put(table.path(), s));
        return latest;
    }

    private Optional<Snapshot> latest(LakeTable table) {
        try {
            return Optional.of(Table.forPath(engine, lake.path(table)).getLatestSnapshot(engine));
        } catch (TableNotFoundException e) {
            return Optional.empty();
        }
    }

    private InputException missing(LakeTable table) {
        return new InputException("no " + table.path() + " in " + lake.root());
    }

    private interface RowAction {
        void accept(io.delta.kernel.data.Row row);
    }

    private static void forEachRow(CloseableIterator<FilteredColumnarBatch> batches, RowAction action) throws IOException {
        while (batches.hasNext()) {
            try (CloseableIterator<io.delta.kernel.data.Row> rows = batches.next().getRows()) {
                while (rows.hasNext()) {
                    action.accept(rows.next());
                }
            }
        }
    }

    private static void collect(FilteredColumnarBatch filtered, Map<String, Object> equals, List<Map<String, Object>> out) {
        ColumnarBatch batch = filtered.getData();
        StructType schema = batch.getSchema();
        Optional<ColumnVector> selected = filtered.getSelectionVector();
        int[] wanted = equals.keySet().stream().mapToInt(schema::indexOf).toArray();
        Object[] values = equals.values().toArray();
        for (int row = 0; row < batch.getSize(); row++) {
            if (selected.isPresent() && (selected.get().isNullAt(row) || !selected.get().getBoolean(row))) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < wanted.length && match; i++) {
                match = values[i].equals(value(batch.getColumnVector(wanted[i]), row));
            }
            if (!match) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (int c = 0; c < schema.length(); c++) {
                m.put(schema.at(c).getName(), value(batch.getColumnVector(c), row));
            }
            out.add(m);
        }
    }

    /** A value of a column as plain Java: arrays as lists, structs as maps by field name. */
    static Object value(ColumnVector v, int row) {
        if (v.isNullAt(row)) {
            return null;
        }
        DataType t = v.getDataType();
        if (t instanceof StringType) {
            return v.getString(row);
        } else if (t instanceof IntegerType) {
            return v.getInt(row);
        } else if (t instanceof LongType) {
            return v.getLong(row);
        } else if (t instanceof DoubleType) {
            return v.getDouble(row);
        } else if (t instanceof BooleanType) {
            return v.getBoolean(row);
        } else if (t instanceof DecimalType) {
            return v.getDecimal(row);
        } else if (t instanceof DateType) {
            return LocalDate.ofEpochDay(v.getInt(row));
        } else if (t instanceof TimestampType) {
            return Instant.EPOCH.plus(v.getLong(row), ChronoUnit.MICROS);
        } else if (t instanceof ArrayType) {
            io.delta.kernel.data.ArrayValue array = v.getArray(row);
            List<Object> list = new ArrayList<>(array.getSize());
            for (int i = 0; i < array.getSize(); i++) {
                list.add(value(array.getElements(), i));
            }
            return list;
        } else if (t instanceof io.delta.kernel.types.MapType) {
            io.delta.kernel.data.MapValue map = v.getMap(row);
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < map.getSize(); i++) {
                m.put(value(map.getKeys(), i), value(map.getValues(), i));
            }
            return m;
        } else if (t instanceof StructType s) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < s.length(); i++) {
                m.put(s.at(i).getName(), value(v.getChild(i), row));
            }
            return m;
        }
        throw new IllegalStateException("no look-up for column type " + t);
    }

    private static Predicate predicate(Map<String, Object> equals) {
        Predicate all = null;
        for (Map.Entry<String, Object> e : equals.entrySet()) {
            Predicate p = new Predicate("=", new Column(e.getKey()), literal(e.getValue()));
            all = all == null ? p : new And(all, p);
        }
        return all == null ? io.delta.kernel.expressions.AlwaysTrue.ALWAYS_TRUE : all;
    }

    private static Literal literal(Object value) {
        if (value instanceof String s) {
            return Literal.ofString(s);
        } else if (value instanceof LocalDate d) {
            return Literal.ofDate((int) d.toEpochDay());
        } else if (value instanceof Integer i) {
            return Literal.ofInt(i);
        } else if (value instanceof Long l) {
            return Literal.ofLong(l);
        } else if (value instanceof Boolean b) {
            return Literal.ofBoolean(b);
        }
        throw new IllegalArgumentException("no look-up by a value of " + value.getClass().getSimpleName());
    }

    /** The Delta Kernel form of a flat catalogue schema. */
    static StructType kernelSchema(org.apache.spark.sql.types.StructType spark) {
        StructType out = new StructType();
        for (org.apache.spark.sql.types.StructField f : spark.fields()) {
            out = out.add(new StructField(f.name(), kernelType(f.dataType()), f.nullable()));
        }
        return out;
    }

    private static DataType kernelType(org.apache.spark.sql.types.DataType t) {
        if (t instanceof org.apache.spark.sql.types.StringType) {
            return StringType.STRING;
        } else if (t instanceof org.apache.spark.sql.types.IntegerType) {
            return IntegerType.INTEGER;
        } else if (t instanceof org.apache.spark.sql.types.LongType) {
            return LongType.LONG;
        } else if (t instanceof org.apache.spark.sql.types.DoubleType) {
            return DoubleType.DOUBLE;
        } else if (t instanceof org.apache.spark.sql.types.BooleanType) {
            return BooleanType.BOOLEAN;
        } else if (t instanceof org.apache.spark.sql.types.DateType) {
            return DateType.DATE;
        } else if (t instanceof org.apache.spark.sql.types.TimestampType) {
            return TimestampType.TIMESTAMP;
        } else if (t instanceof org.apache.spark.sql.types.DecimalType d) {
            return new DecimalType(d.precision(), d.scale());
        }
        throw new IllegalArgumentException("no Delta Kernel type for " + t.simpleString());
    }

    /** Rows of plain Java values as a Delta Kernel batch, one column vector per field. */
    private record ValuesBatch(StructType schema, List<Object[]> rows) implements ColumnarBatch {
        @Override
        public StructType getSchema() {
            return schema;
        }

        @Override
        public int getSize() {
            return rows.size();
        }

        @Override
        public ColumnVector getColumnVector(int ordinal) {
            DataType type = schema.at(ordinal).getDataType();
            return new ColumnVector() {
                private Object at(int row) {
                    return rows.get(row)[ordinal];
                }

                @Override
                public DataType getDataType() {
                    return type;
                }

                @Override
                public int getSize() {
                    return rows.size();
                }

                @Override
                public void close() {
                }

                @Override
                public boolean isNullAt(int row) {
                    return at(row) == null;
                }

                @Override
                public String getString(int row) {
                    return (String) at(row);
                }

                @Override
                public int getInt(int row) {
                    Object v = at(row);
                    return v instanceof LocalDate d ? (int) d.toEpochDay() : (Integer) v;
                }

                @Override
                public long getLong(int row) {
                    Object v = at(row);
                    return v instanceof Instant i ? ChronoUnit.MICROS.between(Instant.EPOCH, i) : (Long) v;
                }

                @Override
                public double getDouble(int row) {
                    return (Double) at(row);
                }

                @Override
                public boolean getBoolean(int row) {
                    return (Boolean) at(row);
                }

                @Override
                public BigDecimal getDecimal(int row) {
                    return (BigDecimal) at(row);
                }
            };
        }
    }
}
