package uk.nhs.phb.pipelines.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.eligibility.EligibilityRules;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * Applies PHB eligibility rules to {@code gold/person_features}: one output row per person, reference date and
 * rule met, with the rule's cohort, basis and reason. Conditions are Spark SQL boolean expressions over the
 * features columns; {@link #validate} checks each one against the table's schema before anything runs.
 */
public final class Eligibility {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");
    /** Columns a reason may not insert: identifiers, even pseudonymous ones. */
    static final List<String> NOT_IN_REASONS = List.of("person_id", "practice_code", "pcn_code");

    private Eligibility() {
    }

    /**
     * Checks every rule's condition (it must parse, name only existing columns and be boolean) and reason
     * placeholders against the features schema; all problems in one exception naming rule, file and line.
     */
    public static void validate(SparkSession spark, StructType featuresSchema, EligibilityRules rules) {
        Dataset<Row> empty = spark.createDataFrame(new ArrayList<Row>(), featuresSchema);
        List<String> errors = new ArrayList<>();
        for (EligibilityRules.Rule r : rules.rules()) {
            try {
                StructType t = empty.select(expr(r.condition()).alias("c")).schema();
                if (!t.apply("c").dataType().equals(DataTypes.BooleanType)) {
                    errors.add(r.where() + ": condition '" + r.condition() + "' is " + t.apply("c").dataType().simpleString()
                            + ", not true/false; compare it, e.g. '" + r.condition() + " > 0'");
                }
            } catch (Exception e) {
                errors.add(r.where() + ": condition '" + r.condition() + "' cannot be used: " + firstLine(e));
            }
            for (String c : r.reasonColumns()) {
                if (NOT_IN_REASONS.contains(c)) {
                    errors.add(r.where() + ": the reason may not show {" + c + "}, an identifier");
                } else if (!List.of(featuresSchema.fieldNames()).contains(c)) {
                    errors.add(r.where() + ": the reason refers to {" + c + "}, which is not a person_features column");
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new EligibilityRules.InvalidRulesException(String.join("\n", errors));
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 300 ? m.substring(0, 300) + " ..." : m;
    }

    /** The reason with {@code {column}} replaced by the row's value. */
    static Column reason(String text) {
        List<Column> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            parts.add(lit(text.substring(at, m.start())));
            parts.add(org.apache.spark.sql.functions.coalesce(col(m.group(1)).cast("string"), lit("unknown")));
            at = m.end();
        }
        parts.add(lit(text.substring(at)));
        return parts.size() == 1 ? parts.get(0) : concat(parts.toArray(Column[]::new));
    }

    /**
     * One row per (person, reference date, rule met): the {@code gold/phb_eligibility} columns. One pass over the
     * features: each rule becomes an element of an array (null when not met), which is exploded.
     */
    public static Dataset<Row> apply(Dataset<Row> features, EligibilityRules rules, String runId) {
        List<Column> met = new ArrayList<>();
        for (EligibilityRules.Rule r : rules.rules()) {
            met.add(org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.coalesce(expr(r.condition()), lit(false)),
                    org.apache.spark.sql.functions.struct(lit(r.cohort()).alias("cohort"), lit(r.basis()).alias("basis"),
                            lit(r.ruleId()).alias("rule_id"), reason(r.reason()).alias("reason"))));
        }
        return features.select(col("person_id"), col("reference_date"), org.apache.spark.sql.functions.array(met.toArray(Column[]::new)).alias("met"))
                .selectExpr("person_id", "reference_date", "explode(filter(met, m -> m IS NOT NULL)) AS m")
                .select(col("person_id"), col("reference_date"), col("m.cohort").alias("cohort"), col("m.basis").alias("basis"),
                        col("m.rule_id").alias("rule_id"), lit(rules.version()).alias("rules_version"), col("m.reason").alias("reason"),
                        lit(runId).alias("run_id"));
    }

    /** The rules of a version as {@code gold/phb_eligibility_rules} rows. */
    public static Dataset<Row> rulesTable(SparkSession spark, EligibilityRules rules) {
        List<Row> rows = new ArrayList<>();
        for (EligibilityRules.Rule r : rules.rules()) {
            rows.add(org.apache.spark.sql.RowFactory.create(rules.version(), r.ruleId(), r.cohort(), r.basis(), r.condition(), r.reason(),
                    r.source() + ", line " + r.line()));
        }
        return spark.createDataFrame(rows, ScoreTables.ELIGIBILITY_RULES_SCHEMA);
    }
}
