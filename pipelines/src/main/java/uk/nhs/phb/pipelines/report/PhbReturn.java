package uk.nhs.phb.pipelines.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

/**
 * The PHB quarterly return, counted from {@code bronze/phb_register}: people (one NHS-number token each) who
 * <ul>
 *   <li>{@code received_ytd}: had a budget in place at any time from 1 April to the quarter end
 *       ({@code start_date <= quarter end} and no {@code end_date} before 1 April);
 *   <li>{@code active_at_quarter_end}: had a budget in place on the last day of the quarter;
 *   <li>{@code new_in_quarter}: had a budget start during the quarter;
 * </ul>
 * and {@code annual_value_gbp}, the total annual value of the budgets in place at the quarter end. Each person
 * is counted once per measure, in the categories of the latest budget that counts for it (latest start date,
 * then budget id), so the categories of a breakdown add up to the measure's total; the annual value is that of
 * all their budgets in place, in the same category. People are placed in the Sub-ICB Location of their GP
 * registration on the quarter end, or on their last budget's end if earlier ({@link Attribution}); age is in
 * whole years at the quarter end.
 */
public final class PhbReturn {
    public static final String RECEIVED = "received_ytd";
    public static final String ACTIVE = "active_at_quarter_end";
    public static final String NEW = "new_in_quarter";
    public static final String VALUE = "annual_value_gbp";
    public static final List<String> MEASURES = List.of(RECEIVED, ACTIVE, NEW);
    public static final String AGE = "age_group";
    public static final String GROUP = "eligibility_group";
    public static final String OPTION = "management_option";
    public static final List<String> BREAKDOWNS = List.of(AGE, GROUP, OPTION);
    /** Category of anything the reference lists do not place (an unknown age, a code missing from the template). */
    public static final String UNKNOWN = "UNKNOWN";

    private PhbReturn() {
    }

    /** One aggregate: people (and annual value, for the active measure) of a Sub-ICB in a category of a breakdown. */
    public record Count(String icb, String subIcb, String measure, String breakdown, String category, long people, BigDecimal value) {
    }

    /**
     * One row per person with a budget in the financial year to date: {@code nhs_token, icb_code, sub_icb_code,
     * age_group} and, per measure {@code m} in {@link #MEASURES}, {@code m} (boolean), {@code m_group},
     * {@code m_option} (return categories) and {@code active_value} (decimal).
     */
    public static Dataset<Row> people(Dataset<Row> register, Dataset<Row> patients, Dataset<Row> refPractices, Quarter quarter) {
        return people(register, patients, refPractices, quarter, null);
    }

    /**
     * As {@link #people(Dataset, Dataset, Dataset, Quarter)}; people with no GP registration are placed in Sub-ICB
     * {@link Attribution#UNKNOWN} of {@code homeIcb} (the lake's one ICB, whose PHB team keeps the register) when
     * it is given.
     */
    public static Dataset<Row> people(Dataset<Row> register, Dataset<Row> patients, Dataset<Row> refPractices, Quarter quarter,
                                      String homeIcb) {
        LocalDate end = quarter.end();
        Column e = lit(end.toString()).cast(DataTypes.DateType);
        Column f = lit(quarter.financialYearStart().toString()).cast(DataTypes.DateType);
        Column s = lit(quarter.start().toString()).cast(DataTypes.DateType);
        Dataset<Row> reg = register.filter(col("start_date").leq(e).and(col("end_date").isNull().or(col("end_date").geq(f))))
                .withColumn(RECEIVED, lit(true))
                .withColumn(ACTIVE, col("end_date").isNull().or(col("end_date").geq(e)))
                .withColumn(NEW, col("start_date").geq(s))
                .withColumn("group_category", category(col("eligibility_group"), ReportReference.eligibilityGroups()))
                .withColumn("option_category", category(col("management_option"), ReportReference.managementOptions()));
        Column order = struct(col("start_date"), col("phb_id"));
        List<Column> aggs = new ArrayList<>();
        for (String m : MEASURES) {
            aggs.add(max(col(m)).alias(m));
            aggs.add(max_by(when(col(m), col("group_category")), when(col(m), order)).alias(m + "_group"));
            aggs.add(max_by(when(col(m), col("option_category")), when(col(m), order)).alias(m + "_option"));
        }
        aggs.add(sum(when(col(ACTIVE), col("annual_value"))).cast(DataTypes.createDecimalType(18, 2)).alias("active_value"));
        aggs.add(least(e, max(coalesce(col("end_date"), e))).alias("at"));
        Dataset<Row> perPerson = reg.groupBy("nhs_token").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        Dataset<Row> who = Attribution.on(perPerson.select(col("nhs_token").alias("key"), col("nhs_token"), col("at")), patients, refPractices, null);
        return perPerson.join(who.withColumnRenamed("key", "nhs_token"), "nhs_token")
                .withColumn("icb_code", homeIcb == null ? col("icb_code")
                        : when(col("icb_code").equalTo(Attribution.UNKNOWN), lit(homeIcb)).otherwise(col("icb_code")))
                .withColumn("age_group", ageGroup(lit(end.getYear()).minus(col("birth_year"))))
                .drop("at", "birth_year", "sex", "lsoa_code", "imd_decile", "first_registered", "registered_at", "alive_at");
    }

    /** The return category of a register code, {@link #UNKNOWN} when the template has none. */
    static Column category(Column code, List<ReportReference.Category> categories) {
        List<Column> kv = new ArrayList<>();
        for (Map.Entry<String, String> m : ReportReference.bySourceCode(categories).entrySet()) {
            kv.add(lit(m.getKey()));
            kv.add(lit(m.getValue()));
        }
        return coalesce(element_at(org.apache.spark.sql.functions.map(kv.toArray(Column[]::new)), code), lit(UNKNOWN));
    }

    /** The age group of an age, {@link #UNKNOWN} when the age is unknown or in no group. */
    public static Column ageGroup(Column age) {
        Column out = null;
        for (ReportReference.AgeGroup g : ReportReference.ageGroups()) {
            Column test = age.between(g.minAge(), g.maxAge());
            out = out == null ? when(test, lit(g.code())) : out.when(test, lit(g.code()));
        }
        return out == null ? lit(UNKNOWN) : out.otherwise(lit(UNKNOWN));
    }

    /** Counts per Sub-ICB, measure, breakdown and category (small: collect it). */
    public static Dataset<Row> counts(Dataset<Row> people) {
        Dataset<Row> out = null;
        for (String m : MEASURES) {
            for (String[] b : new String[][] {{AGE, "age_group"}, {GROUP, m + "_group"}, {OPTION, m + "_option"}}) {
                Dataset<Row> part = people.filter(col(m)).select(col("icb_code"), col("sub_icb_code"), lit(m).alias("measure"),
                        lit(b[0]).alias("breakdown"), col(b[1]).alias("category"),
                        m.equals(ACTIVE) ? col("active_value") : lit(null).cast(DataTypes.createDecimalType(18, 2)).alias("active_value"));
                out = out == null ? part : out.unionByName(part);
            }
        }
        return out.groupBy("icb_code", "sub_icb_code", "measure", "breakdown", "category")
                .agg(count(lit(1)).alias("people"), sum("active_value").cast(DataTypes.createDecimalType(20, 2)).alias("value"));
    }

    /** The collected counts as records. */
    public static List<Count> toCounts(List<Row> rows) {
        List<Count> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Count(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                    r.isNullAt(6) ? null : r.getDecimal(6)));
        }
        return out;
    }
}
