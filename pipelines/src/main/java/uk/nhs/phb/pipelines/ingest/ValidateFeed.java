package uk.nhs.phb.pipelines.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.RowRule;

/**
 * Validates one landing feed against its {@link FeedContract}: every input row ends in exactly one of
 * {@link Result#valid()} (typed per {@link FeedContract#typedSchema()}) or {@link Result#quarantine()} (the
 * raw strings with the rules it broke). A pure transformation: no I/O, no actions; the work is vectorised
 * Spark expressions plus one window (shuffle) for {@code duplicate_record}.
 *
 * <p>Input: one string column per contract field (any extra columns are ignored), {@code _source_file}
 * (string) and {@code _source_line} (long), and optionally {@code _raw_line} (the line as read) and
 * {@code _malformed} (null when the reader could split the line, else why it could not).
 *
 * <p>Values are trimmed of leading and trailing spaces; a blank value is absent. The checks, in the order
 * that decides {@code _rule} (the first rule broken):
 * <ol>
 *   <li>{@code malformed_row}: the reader could not split the line into the contract's columns (wrong column
 *       count, unbalanced quote, invalid UTF-8). No other rule is evaluated on such a row.</li>
 *   <li>per field, in contract order: {@code missing_required}, {@code bad_type} (integers as digits;
 *       decimals with at most 2 decimal places fitting decimal(18,2); dates ISO {@code yyyy-MM-dd} and real;
 *       booleans {@code Y}/{@code N}), {@code unknown_code}, {@code bad_format}, {@code out_of_range},
 *       {@code future_date} (after the extract date). A field's later checks run only on a present,
 *       well-typed value.</li>
 *   <li>the contract's row rules by name, over the typed values; a null operand passes.</li>
 *   <li>{@code duplicate_record}: among well-formed rows whose record key is complete, every row after the
 *       first with the same key, ordered by ({@code _source_file}, {@code _source_line}). The first
 *       occurrence is the record even when it breaks other rules, so a later copy never silently replaces
 *       it.</li>
 * </ol>
 */
public final class ValidateFeed {
    public static final String SOURCE_FILE = "_source_file";
    public static final String SOURCE_LINE = "_source_line";
    public static final String RAW_LINE = "_raw_line";
    public static final String MALFORMED = "_malformed";
    public static final String RULE = "_rule";
    public static final String FIELD = "_field";
    public static final String DETAIL = "_detail";
    public static final String RULES = "_rules";
    public static final String PROBLEMS = "_problems";

    public static final String MALFORMED_ROW = "malformed_row";
    public static final String MISSING_REQUIRED = "missing_required";
    public static final String BAD_TYPE = "bad_type";
    public static final String UNKNOWN_CODE = "unknown_code";
    public static final String BAD_FORMAT = "bad_format";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String FUTURE_DATE = "future_date";
    public static final String DUPLICATE_RECORD = "duplicate_record";

    /** One broken rule: {@code rule}, {@code field} (null for row rules), {@code detail}. */
    public static final StructType PROBLEM = new StructType()
            .add("rule", DataTypes.StringType, false)
            .add("field", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true);

    private static final String RAW = "__raw";
    private static final String CLEAN = "__c";
    private static final String RECODED = "__recoded";

    private final FeedContract contract;
    private LocalDate extractDate = LocalDate.now();
    private Map<String, List<String>> localCodes = Map.of();

    private ValidateFeed(FeedContract contract) {
        this.contract = Objects.requireNonNull(contract, "contract");
    }

    /** Validation of one feed; the extract date defaults to today. */
    public static ValidateFeed of(FeedContract contract) {
        return new ValidateFeed(contract);
    }

    /** Dates after this day break {@code future_date} (fields marked not-future). Default: today. */
    public ValidateFeed extractDate(LocalDate date) {
        this.extractDate = Objects.requireNonNull(date, "extract date");
        return this;
    }

    /**
     * Codes the ICB accepts beside national code lists (list name -> codes): a value in one is valid and kept as sent,
     * neither quarantined as {@code unknown_code} nor kept as "not known". Default: none.
     */
    public ValidateFeed localCodes(Map<String, ? extends java.util.Collection<String>> codes) {
        Map<String, List<String>> copy = new java.util.HashMap<>();
        Objects.requireNonNull(codes, "local codes").forEach((list, c) -> copy.put(list, c.stream().sorted().toList()));
        this.localCodes = Map.copyOf(copy);
        return this;
    }

    /** The codes a field's list accepts: the national list, then the local codes. */
    private List<String> codes(FieldSpec f) {
        List<String> out = new ArrayList<>(CodeLists.get(f.codeList()).keySet());
        for (String c : localCodes.getOrDefault(f.codeList(), List.of())) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The three outputs, all lazy and all derived from {@link #checked()}: persist {@code checked} when more
     * than one of them is evaluated, so the input is read and validated once.
     *
     * @param checked      every row: typed fields, lineage, raw values in struct {@code __raw} and {@code _raw_line}
     *                     (both kept only on failing rows), {@code _rule}, {@code _field}, {@code _detail},
     *                     {@code _rules}, {@code _problems}
     * @param valid        rows breaking no rule: typed fields in contract order, {@code _source_file}, {@code _source_line}
     * @param quarantine   rows breaking a rule: raw string fields, {@code _source_file}, {@code _source_line},
     *                     {@code _raw_line}, {@code _rule}, {@code _field}, {@code _detail}, {@code _rules}, {@code _problems}
     * @param countsByRule {@code _rule} (null for valid rows), {@code recoded} and {@code count}: one row per first rule
     *                     broken and, for valid rows, per set of codes kept as their field's {@code unknownAs} code
     *                     ({@code field=value} as sent; empty for almost every row), so one pass counts both
     */
    public record Result(Dataset<Row> checked, Dataset<Row> valid, Dataset<Row> quarantine, Dataset<Row> countsByRule) {
    }

    /**
     * The input this validation expects from a reader: every contract field as a string, then
     * {@code _source_file}, {@code _source_line}, {@code _raw_line}, {@code _malformed}.
     */
    public static StructType inputSchema(FeedContract contract) {
        return contract.landingSchema()
                .add(SOURCE_FILE, DataTypes.StringType, false)
                .add(SOURCE_LINE, DataTypes.LongType, false)
                .add(RAW_LINE, DataTypes.StringType, true)
                .add(MALFORMED, DataTypes.StringType, true);
    }

    /** The columns of {@link #inputSchema}, in order, for a reader's final select. */
    public static Column[] inputColumns(FeedContract contract) {
        return java.util.Arrays.stream(inputSchema(contract).fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    /** Runs the checks (lazily) over {@code raw}. */
    public Result execute(Dataset<Row> raw) {
        checkInput(raw);
        List<FieldSpec> fields = contract.fields();
        Set<String> present = Set.of(raw.columns());

        // 1. raw values kept aside, cleaned (trimmed, blank -> null) values by position
        List<Column> a = new ArrayList<>();
        a.add(col(SOURCE_FILE).cast(DataTypes.StringType).as(SOURCE_FILE));
        a.add(col(SOURCE_LINE).cast(DataTypes.LongType).as(SOURCE_LINE));
        a.add((present.contains(RAW_LINE) ? col(RAW_LINE).cast(DataTypes.StringType) : lit(null).cast(DataTypes.StringType)).as(RAW_LINE));
        a.add((present.contains(MALFORMED) ? col(MALFORMED).cast(DataTypes.StringType) : lit(null).cast(DataTypes.StringType)).as(MALFORMED));
        List<Column> rawFields = new ArrayList<>();
        for (FieldSpec f : fields) {
            rawFields.add(col(f.name()).cast(DataTypes.StringType).as(f.name()));
        }
        a.add(struct(rawFields.toArray(Column[]::new)).as(RAW));
        List<Column> recodings = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec f = fields.get(i);
            Column trimmed = trim(col(f.name()).cast(DataTypes.StringType));
            Column clean = when(trimmed.notEqual(lit("")), trimmed);
            if (f.unknownAs() != null) {
                Column outside = clean.isNotNull().and(functions.not(clean.isin(codes(f).toArray())));
                recodings.add(when(outside, concat(lit(f.name() + "="), clean)));
                clean = when(outside, lit(f.unknownAs())).otherwise(clean);
            }
            a.add(clean.as(CLEAN + i));
        }
        a.add((recodings.isEmpty() ? array().cast("array<string>") : array_compact(array(recodings.toArray(Column[]::new)))).as(RECODED));
        Dataset<Row> cleaned = raw.select(a.toArray(Column[]::new));

        // 2. typed values under the field names (so row rules read the typed columns)
        List<Column> b = new ArrayList<>(List.of(col(SOURCE_FILE), col(SOURCE_LINE), col(RAW_LINE), col(MALFORMED), col(RAW), col(RECODED)));
        for (int i = 0; i < fields.size(); i++) {
            b.add(col(CLEAN + i));
            b.add(FieldChecks.typed(fields.get(i), col(CLEAN + i)).as(fields.get(i).name()));
        }
        Dataset<Row> typed = cleaned.select(b.toArray(Column[]::new));
        for (FieldSpec f : fields) {
            if (f.canonical() != null) {
                typed = typed.withColumn(f.name(), expr(f.canonical()));
            }
        }

        // 3. every broken rule as a problem struct, in the order that decides _rule
        List<FieldChecks.Check> checks = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec f = fields.get(i);
            checks.addAll(FieldChecks.problems(f, col(CLEAN + i), col(f.name()), extractDate, f.codeList() == null ? List.of() : codes(f)));
        }
        for (RowRule rule : contract.rowRules()) {
            checks.add(FieldChecks.rowRule(rule, contract));
        }
        // the array is built only for a row that breaks a rule: most rows break none
        Column fieldProblems = checks.isEmpty()
                ? emptyProblems()
                : when(checks.stream().map(FieldChecks.Check::broken).reduce(Column::or).orElseThrow(),
                        array_compact(array(checks.stream().map(FieldChecks.Check::problemOrNull).toArray(Column[]::new))))
                .otherwise(emptyProblems());
        Column malformedProblem = array(problem(MALFORMED_ROW, null, col(MALFORMED)));
        Column problems = when(col(MALFORMED).isNotNull(), malformedProblem).otherwise(fieldProblems);

        List<Column> c = new ArrayList<>(List.of(col(SOURCE_FILE), col(SOURCE_LINE), col(RAW_LINE), col(MALFORMED), col(RAW), col(RECODED)));
        for (FieldSpec f : fields) {
            c.add(col(f.name()));
        }
        c.add(problems.as(PROBLEMS));
        Dataset<Row> withProblems = typed.select(c.toArray(Column[]::new));

        // 4. duplicate_record: the first well-formed row with a complete key is the record
        Dataset<Row> withDuplicates = markDuplicates(withProblems);

        // 5. first rule, its field and detail, distinct rule names; raw line only where it is needed
        List<Column> d = new ArrayList<>(List.of(col(SOURCE_FILE), col(SOURCE_LINE)));
        Column failed = size(col(PROBLEMS)).gt(0);
        d.add(when(failed, col(RAW_LINE)).as(RAW_LINE));
        d.add(when(failed, col(RAW)).as(RAW));
        for (FieldSpec f : fields) {
            d.add(col(f.name()));
        }
        Column first = get(col(PROBLEMS), lit(0));
        d.add(first.getField("rule").as(RULE));
        d.add(first.getField("field").as(FIELD));
        d.add(first.getField("detail").as(DETAIL));
        d.add(array_distinct(col(PROBLEMS).getField("rule")).as(RULES));
        d.add(col(PROBLEMS));
        d.add(when(failed, array().cast("array<string>")).otherwise(col(RECODED)).as(RECODED));
        return outputsOf(withDuplicates.select(d.toArray(Column[]::new)));
    }

    /**
     * The valid rows, the quarantine and the counts of {@code checked}: {@link Result#checked()} as {@link #execute}
     * made it, or that dataset computed once and read back (so the outputs need not plan the validation again).
     */
    public Result outputsOf(Dataset<Row> checked) {
        List<FieldSpec> fields = contract.fields();
        List<Column> validCols = new ArrayList<>();
        for (FieldSpec f : fields) {
            validCols.add(col(f.name()));
        }
        validCols.add(col(SOURCE_FILE));
        validCols.add(col(SOURCE_LINE));
        Dataset<Row> valid = checked.filter(size(col(PROBLEMS)).equalTo(0)).select(validCols.toArray(Column[]::new));

        List<Column> quarantineCols = new ArrayList<>();
        for (FieldSpec f : fields) {
            quarantineCols.add(col(RAW).getField(f.name()).as(f.name()));
        }
        for (String n : List.of(SOURCE_FILE, SOURCE_LINE, RAW_LINE, RULE, FIELD, DETAIL, RULES, PROBLEMS)) {
            quarantineCols.add(col(n));
        }
        Dataset<Row> quarantine = checked.filter(size(col(PROBLEMS)).gt(0)).select(quarantineCols.toArray(Column[]::new));

        Dataset<Row> counts = checked.groupBy(col(RULE), col(RECODED).as("recoded")).count();
        return new Result(checked, valid, quarantine, counts);
    }

    private Dataset<Row> markDuplicates(Dataset<Row> in) {
        List<String> key = contract.recordKey();
        if (key.isEmpty()) {
            return in;
        }
        Column eligible = col(MALFORMED).isNull();
        for (String k : key) {
            eligible = eligible.and(col(k).isNotNull());
        }
        // the hash first: the sort behind the window then compares 8-byte prefixes, not ids sharing long prefixes
        List<Column> partition = new ArrayList<>();
        partition.add(xxhash64(key.stream().map(k -> col(k)).toArray(Column[]::new)));
        partition.add(eligible);
        key.forEach(k -> partition.add(col(k)));
        WindowSpec w = Window.partitionBy(partition.toArray(Column[]::new)).orderBy(col(SOURCE_FILE), col(SOURCE_LINE));
        Column rank = row_number().over(w);
        Column firstFile = first(col(SOURCE_FILE)).over(w);
        Column firstLine = first(col(SOURCE_LINE)).over(w);

        List<Column> keyText = new ArrayList<>();
        for (String k : key) {
            keyText.add(concat(lit(k + "="), FieldChecks.shown(col(k).cast(DataTypes.StringType))));
        }
        Column detail = concat(lit("record key "), concat_ws(", ", keyText.toArray(Column[]::new)),
                lit(" was first seen at "), firstFile, lit(" line "), firstLine.cast(DataTypes.StringType),
                lit("; later rows with the same key are duplicates"));
        Column duplicate = eligible.and(rank.gt(1));
        Column dupProblem = problem(DUPLICATE_RECORD, String.join(",", key), detail);
        return in.withColumn(PROBLEMS, when(duplicate, concat(col(PROBLEMS), array(dupProblem)))
                .otherwise(col(PROBLEMS)));
    }

    private void checkInput(Dataset<Row> raw) {
        Set<String> present = Set.of(raw.columns());
        Set<String> missing = new LinkedHashSet<>();
        for (String f : contract.fieldNames()) {
            if (!present.contains(f)) {
                missing.add(f);
            }
        }
        for (String l : List.of(SOURCE_FILE, SOURCE_LINE)) {
            if (!present.contains(l)) {
                missing.add(l);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("ValidateFeed(" + contract.name() + "): input lacks columns " + missing
                    + "; it has " + List.of(raw.columns()));
        }
    }

    static Column problem(String rule, String field, Column detail) {
        return struct(lit(rule).as("rule"), lit(field).cast(DataTypes.StringType).as("field"),
                detail.cast(DataTypes.StringType).as("detail"));
    }

    private static Column emptyProblems() {
        return expr("array()").cast(new ArrayType(PROBLEM, true));
    }




}
