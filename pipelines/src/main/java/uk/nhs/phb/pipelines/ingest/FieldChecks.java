package uk.nhs.phb.pipelines.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.FieldType;
import uk.nhs.phb.schemas.RowRule;

/** The per-field and per-row checks as Spark column expressions (no UDFs). */
final class FieldChecks {
    private static final int SHOWN_CHARS = 60;
    private static final int CODES_SHOWN = 12;
    /** Anchors for {@code rlike}, which searches: the whole value must match. */
    private static final String START = "^(?:";
    private static final String END = ")\\z";
    private static final String INTEGER_TEXT = "[+-]?[0-9]{1,10}";
    private static final String LONG_TEXT = "[+-]?[0-9]{1,19}";
    /** decimal(18,2): at most 16 digits before the point and 2 after. */
    private static final String DECIMAL_TEXT = "[+-]?[0-9]{1,16}(\\.[0-9]{1,2})?";
    private static final String DATE_TEXT = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private FieldChecks() {
    }

    /** The typed value of a cleaned (trimmed, blank = null) string; null when absent or not of the type. */
    static Column typed(FieldSpec f, Column clean) {
        return switch (f.type()) {
            case STRING -> clean;
            case INTEGER -> when(clean.rlike(anchored(INTEGER_TEXT)), clean.try_cast(DataTypes.IntegerType));
            case LONG -> when(clean.rlike(anchored(LONG_TEXT)), clean.try_cast(DataTypes.LongType));
            case DECIMAL -> when(clean.rlike(anchored(DECIMAL_TEXT)), clean.try_cast(FieldType.DECIMAL.sparkType()));
            // cast rejects impossible days (2023-02-30) by returning null
            case DATE -> when(clean.rlike(anchored(DATE_TEXT)), clean.try_cast(DataTypes.DateType));
            case BOOLEAN -> when(clean.equalTo("Y"), lit(true)).when(clean.equalTo("N"), lit(false));
        };
    }

    /** What a value of the type looks like, for details. */
    static String expected(FieldType type) {
        return switch (type) {
            case STRING -> "text";
            case INTEGER -> "a whole number (integer)";
            case LONG -> "a whole number (long)";
            case DECIMAL -> "a decimal number with at most 2 decimal places and 16 digits before the point, e.g. 1234.50";
            case DATE -> "a real date written yyyy-MM-dd";
            case BOOLEAN -> "Y or N";
        };
    }

    /**
     * One check: {@code broken} is true when the rule is broken (never null), {@code problem} the problem struct.
     * Kept apart so a row can be tested cheaply and its problems built only when one is broken.
     */
    record Check(Column broken, Column problem) {
        Check {
            broken = coalesce(broken, lit(false));
        }

        Column problemOrNull() {
            return when(broken, problem);
        }
    }

    /**
     * Field checks in rule order.
     *
     * @param codes the codes {@code f}'s code list accepts (the national list and the ICB's local codes)
     */
    static List<Check> problems(FieldSpec f, Column clean, Column typed, LocalDate extractDate, List<String> codes) {
        String name = f.name();
        List<Check> out = new ArrayList<>();
        if (f.required()) {
            out.add(new Check(clean.isNull(), ValidateFeed.problem(ValidateFeed.MISSING_REQUIRED, name,
                    lit(name + " is blank; it is required"))));
        }
        Column present = clean.isNotNull();
        if (f.type() != FieldType.STRING) {
            out.add(new Check(present.and(typed.isNull()), ValidateFeed.problem(ValidateFeed.BAD_TYPE, name,
                    concat(lit(name + "='"), shown(clean), lit("' is not " + expected(f.type()))))));
        }
        Column wellTyped = typed.isNotNull();
        if (f.codeList() != null) {
            out.add(new Check(wellTyped.and(not(typed.isin(codes.toArray()))), ValidateFeed.problem(ValidateFeed.UNKNOWN_CODE, name,
                    concat(lit(name + "='"), shown(clean), lit("' is not in code list " + f.codeList() + " " + codesText(codes))))));
        }
        if (f.pattern() != null) {
            out.add(new Check(present.and(not(clean.rlike(anchored(f.pattern())))), ValidateFeed.problem(ValidateFeed.BAD_FORMAT, name,
                    concat(lit(name + "='"), shown(clean), lit("' does not match the pattern " + f.pattern())))));
        }
        if (f.min() != null || f.max() != null) {
            Column outside = lit(false);
            if (f.min() != null) {
                outside = outside.or(typed.lt(bound(f.type(), f.min())));
            }
            if (f.max() != null) {
                outside = outside.or(typed.gt(bound(f.type(), f.max())));
            }
            String range = (f.min() == null ? "" : number(f.min())) + ".." + (f.max() == null ? "" : number(f.max()));
            out.add(new Check(wellTyped.and(outside), ValidateFeed.problem(ValidateFeed.OUT_OF_RANGE, name,
                    concat(lit(name + "="), shown(clean), lit(" is outside the range " + range + " (inclusive)")))));
        }
        if (f.notFuture() && f.type() == FieldType.DATE) {
            Column extract = lit(extractDate.toString()).cast(DataTypes.DateType);
            out.add(new Check(wellTyped.and(typed.gt(extract)), ValidateFeed.problem(ValidateFeed.FUTURE_DATE, name,
                    concat(lit(name + "="), shown(clean), lit(" is after the extract date " + extractDate)))));
        }
        return out;
    }

    /** A row rule over the typed columns: broken when the expression is false (null passes). */
    static Check rowRule(RowRule rule, FeedContract contract) {
        Column broken = not(coalesce(expr(rule.expression()), lit(true)));
        List<Column> operands = new ArrayList<>();
        for (String field : operands(rule, contract)) {
            operands.add(concat(lit(field + "="), coalesce(shown(col(field).cast(DataTypes.StringType)), lit("blank"))));
        }
        Column detail = operands.isEmpty()
                ? lit(rule.meaning())
                : concat(lit(rule.meaning() + " ("), concat_ws(", ", operands.toArray(Column[]::new)), lit(")"));
        return new Check(broken, ValidateFeed.problem(rule.name(), null, detail));
    }

    /** The contract fields a row rule's expression mentions, in order of first mention. */
    static List<String> operands(RowRule rule, FeedContract contract) {
        List<String> names = contract.fieldNames();
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(rule.expression().replaceAll("'[^']*'", "''"));
        while (m.find()) {
            if (names.contains(m.group()) && !out.contains(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    /** A value for a detail message, cut to {@value #SHOWN_CHARS} characters. */
    static Column shown(Column value) {
        return when(length(value).gt(SHOWN_CHARS), concat(substring(value, 1, SHOWN_CHARS - 3), lit("..."))).otherwise(value);
    }

    static String anchored(String regex) {
        return START + regex + END;
    }

    private static Column bound(FieldType type, double v) {
        return type == FieldType.DECIMAL ? lit(new BigDecimal(number(v))) : lit(v);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : BigDecimal.valueOf(v).toPlainString();
    }

    private static String codesText(List<String> codes) {
        if (codes.size() <= CODES_SHOWN) {
            return "(" + String.join(", ", codes) + ")";
        }
        return "(" + String.join(", ", codes.subList(0, CODES_SHOWN)) + ", ... " + codes.size() + " codes)";
    }
}
