package uk.nhs.phb.pipelines.extract;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * One row per person from the gold tables, for an extract: the columns an extract names ({@link ColumnRef}),
 * joined on {@code person_id} to the people in scope. The population is {@code person_features} at the reference
 * date; {@code risk_scores} and {@code phb_priority} have one row per person and join as they are;
 * {@code phb_eligibility} (a row per cohort met) and {@code indicative_budgets} (a row per funding stream) are
 * aggregated per person: numbers summed (exactly: decimals stay decimals), booleans true when any row is, anything
 * else the sorted distinct values joined by {@code |}. Tables are given already filtered to the reference date.
 */
public final class PersonView {
    public static final String FEATURES = LakeTables.PERSON_FEATURES.name();
    /** Gold tables with one row per person and reference date. */
    public static final List<String> PER_PERSON = Stream.of(LakeTables.PERSON_FEATURES, LakeTables.RISK_SCORES, LakeTables.PHB_PRIORITY)
            .map(LakeTable::name).toList();
    /** Gold tables with several rows per person and reference date. */
    public static final List<String> PER_ROW = Stream.of(LakeTables.PHB_ELIGIBILITY, LakeTables.INDICATIVE_BUDGETS).map(LakeTable::name).toList();
    /** Every gold table an extract may draw on, in reading order. */
    public static final List<String> TABLES = Stream.concat(PER_PERSON.stream(), PER_ROW.stream()).toList();

    /** The catalogue entry of a table an extract draws on, by its name in a purpose's column references. */
    public static LakeTable table(String name) {
        return LakeTables.at(LakeTable.Layer.GOLD.folder() + "/" + name)
                .orElseThrow(() -> new IllegalArgumentException("no gold table " + name + "; an extract draws on " + TABLES));
    }
    /** A person-level value a publication table groups by when the person has none. */
    public static final String UNKNOWN = "unknown";

    private PersonView() {
    }

    /** Refs naming a table not in {@code tables} (absent from the lake, or no rows at the date). */
    public static List<ColumnRef> absent(Map<String, Dataset<Row>> tables, List<ColumnRef> refs) {
        return refs.stream().filter(r -> !tables.containsKey(r.table())).toList();
    }

    /** Refs naming a column their (present) table lacks: a configuration error. */
    public static List<ColumnRef> unknown(Map<String, Dataset<Row>> tables, List<ColumnRef> refs) {
        return refs.stream().filter(r -> tables.containsKey(r.table())
                && !Arrays.asList(tables.get(r.table()).columns()).contains(r.column())).toList();
    }

    /**
     * {@code person_id} and one column per ref (named {@link ColumnRef#name()}, in order) for every person of
     * {@code population} (which holds {@code person_id} and the {@code person_features} columns). Every ref's table
     * must be in {@code tables}.
     */
    public static Dataset<Row> select(Dataset<Row> population, Map<String, Dataset<Row>> tables, List<ColumnRef> refs) {
        check(tables, refs);
        List<Column> base = new ArrayList<>();
        base.add(col("person_id"));
        Map<String, List<ColumnRef>> byTable = new LinkedHashMap<>();
        for (ColumnRef r : refs) {
            if (r.table().equals(FEATURES)) {
                base.add(col(r.column()).alias(r.name()));
            } else {
                byTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r);
            }
        }
        Dataset<Row> out = population.select(base.toArray(Column[]::new));
        for (Map.Entry<String, List<ColumnRef>> e : byTable.entrySet()) {
            Dataset<Row> t = tables.get(e.getKey());
            List<Column> cols = new ArrayList<>();
            for (ColumnRef r : e.getValue()) {
                cols.add(PER_ROW.contains(r.table()) ? aggregate(t, r.column()).alias(r.name()) : col(r.column()).alias(r.name()));
            }
            Dataset<Row> part = PER_ROW.contains(e.getKey())
                    ? t.groupBy("person_id").agg(cols.get(0), cols.subList(1, cols.size()).toArray(Column[]::new))
                    : t.select(concat(col("person_id"), cols));
            out = out.join(part, new String[] {"person_id"}, "left");
        }
        List<Column> ordered = new ArrayList<>();
        ordered.add(col("person_id"));
        refs.forEach(r -> ordered.add(col(r.name())));
        return out.select(ordered.toArray(Column[]::new));
    }

    /**
     * {@code (person_id, value)} for one ref and the people of {@code population}: one pair per person for a
     * per-person table ({@link #UNKNOWN} when the person has no value), one per distinct value for a per-row table
     * (a person without rows has no pair). Values as text.
     */
    public static Dataset<Row> pairs(Dataset<Row> population, Map<String, Dataset<Row>> tables, ColumnRef ref) {
        check(tables, List.of(ref));
        Dataset<Row> people = population.select("person_id");
        if (PER_ROW.contains(ref.table())) {
            return tables.get(ref.table()).select(col("person_id"), coalesce(col(ref.column()).cast("string"), lit(UNKNOWN)).alias("value"))
                    .join(people, new String[] {"person_id"}, "left_semi").distinct();
        }
        Dataset<Row> one = select(population, tables, List.of(ref));
        return one.select(col("person_id"), coalesce(col(ref.name()).cast("string"), lit(UNKNOWN)).alias("value"));
    }

    /**
     * Persons per (row value, column value) of a two-way table over the people of {@code population} whose
     * {@code filter} (a boolean ref, or null) is true. A person with several values of a per-row ref counts once in
     * each; two refs of the same per-row table pair values within its rows. Columns {@code row, column, persons}; an
     * aggregate, small enough to collect.
     */
    public static Dataset<Row> cellCounts(Dataset<Row> population, Map<String, Dataset<Row>> tables, ColumnRef rows, ColumnRef columns,
                                          ColumnRef filter) {
        Dataset<Row> people = population;
        if (filter != null) {
            Dataset<Row> f = select(population, tables, List.of(filter));
            people = population.join(f.filter(col(filter.name()).equalTo(true)).select("person_id"), new String[] {"person_id"}, "left_semi");
        }
        if (rows.table().equals(columns.table()) && PER_ROW.contains(rows.table())) {
            // two columns of one per-row table pair within its rows, not every value with every value
            return tables.get(rows.table()).join(people.select("person_id"), new String[] {"person_id"}, "left_semi")
                    .select(col("person_id"), coalesce(col(rows.column()).cast("string"), lit(UNKNOWN)).alias("row"),
                            coalesce(col(columns.column()).cast("string"), lit(UNKNOWN)).alias("column"))
                    .groupBy("row", "column").agg(countDistinct("person_id").alias("persons"));
        }
        Dataset<Row> r = pairs(people, tables, rows).withColumnRenamed("value", "row");
        Dataset<Row> c = pairs(people, tables, columns).withColumnRenamed("value", "column");
        return r.join(c, "person_id").groupBy("row", "column").agg(countDistinct("person_id").alias("persons"));
    }

    /** The recipient's pseudonym of each person id ({@link RecipientPseudonyms}). */
    public static Column pseudonym(RecipientPseudonyms pseudonyms, Column personId) {
        // each task deserialises its own copy, so the (not thread-safe) MAC is never shared
        UserDefinedFunction f = udf((String id) -> pseudonyms.pseudonym(id), DataTypes.StringType);
        return f.apply(personId);
    }

    /** Complex values as text for CSV: arrays of plain values joined by {@code |}, other arrays, structs and maps as JSON. */
    public static Dataset<Row> flat(Dataset<Row> d) {
        List<Column> cols = new ArrayList<>();
        for (StructField f : d.schema().fields()) {
            DataType t = f.dataType();
            if (t instanceof ArrayType a && !(a.elementType() instanceof StructType || a.elementType() instanceof ArrayType
                    || a.elementType() instanceof MapType)) {
                cols.add(array_join(col(f.name()).cast(DataTypes.createArrayType(DataTypes.StringType)), "|").alias(f.name()));
            } else if (t instanceof ArrayType || t instanceof StructType || t instanceof MapType) {
                cols.add(to_json(col(f.name())).alias(f.name()));
            } else {
                cols.add(col(f.name()));
            }
        }
        return d.select(cols.toArray(Column[]::new));
    }

    private static Column aggregate(Dataset<Row> table, String column) {
        DataType t = table.schema().apply(column).dataType();
        if (t instanceof NumericType) {
            return sum(col(column));
        }
        if (t instanceof BooleanType) {
            return max(col(column));
        }
        return array_join(array_sort(collect_set(col(column).cast("string"))), "|");
    }

    private static void check(Map<String, Dataset<Row>> tables, List<ColumnRef> refs) {
        List<ColumnRef> missing = new ArrayList<>(absent(tables, refs));
        missing.addAll(unknown(tables, refs));
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("columns " + missing + " are not in the tables given " + tables.keySet());
        }
    }

    private static Column[] concat(Column first, List<Column> rest) {
        List<Column> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(Column[]::new);
    }
}
