package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.pipelines.link.LinkEntities;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.PersonIndex;

/**
 * What the feeds say about each person's funding streams at a reference date: the current packages
 * (continuing care, adult social care long-term support, EHC plan, long-term wheelchair) with their
 * recorded costs, and the spend in the 12 months to the date on the community and mental health services a
 * budget can replace. Events reach a person through {@code silver/person_index} exactly as in the features
 * step; only events on or before the reference date count.
 *
 * <p>What a budget can replace, exactly:
 * <ul>
 *   <li>community health services: every contact of the {@code community} feed except wheelchair service
 *       assessments (the NHS wheelchair service keeps assessing; the chair is the wheelchair line);
 *   <li>mental health: community contacts ({@code event_type = CONTACT}) except the crisis team; never
 *       inpatient stays or detentions;
 *   <li>never: hospital care (admissions, A&E, outpatients), GP appointments, prescribing.
 * </ul>
 *
 * <p>Columns: {@code person_id}; per package stream {@code <s>_current boolean}, {@code <s>_items
 * array<struct<service, frequency, quantity, unit_cost>>} (frequency HOURLY / WEEKLY / ANNUAL) and
 * {@code <s>_cost double} (the recorded annual cost, for the cost model), for s in {@code cc, asc, edu};
 * {@code chair_current, chair_type, chair_cost}; {@code community_spend, mh_spend} (decimal) and
 * {@code community_by_service, mh_by_service} (map service -> decimal).
 */
public final class BudgetFacts {
    /** Community services a budget cannot replace. */
    public static final List<String> COMMUNITY_EXCLUDED = List.of("WHEELCHAIR_SERVICE");
    /** Mental health services a budget cannot replace (urgent and crisis care). */
    public static final List<String> MENTAL_HEALTH_EXCLUDED = List.of("CRISIS");
    static final DataType MONEY = DataTypes.createDecimalType(18, 2);
    static final StructType ITEM = new StructType().add("service", DataTypes.StringType).add("frequency", DataTypes.StringType)
            .add("quantity", MONEY).add("unit_cost", MONEY);

    /** Bronze tables by feed name (absent feeds simply contribute nothing), the person index and the lake key. */
    public record Inputs(Map<String, Dataset<Row>> bronze, Dataset<Row> personIndex, SecretKey lakeKey) {
        public Inputs {
            Objects.requireNonNull(bronze, "bronze");
            Objects.requireNonNull(personIndex, "personIndex");
            Objects.requireNonNull(lakeKey, "lakeKey");
        }
    }

    private BudgetFacts() {
    }

    /** The facts of every person with any, at {@code referenceDate}; persons with none are absent (callers left-join). */
    public static Dataset<Row> compute(Inputs in, LocalDate referenceDate) {
        Column ref = lit(referenceDate.toString()).cast(DataTypes.DateType);
        Dataset<Row> out = null;
        for (Dataset<Row> part : new Dataset[] {continuingCare(in, ref), socialCare(in, ref), education(in, ref), wheelchair(in, ref),
            community(in, ref), mentalHealth(in, ref)}) {
            if (part != null) {
                out = out == null ? part : out.join(part, new String[] {"person_id"}, "full_outer");
            }
        }
        if (out == null) {
            out = in.personIndex().sparkSession().emptyDataFrame().withColumn("person_id", lit(null).cast("string"));
        }
        return complete(out);
    }

    /** Adds every column a missing feed would have made, empty. */
    static Dataset<Row> complete(Dataset<Row> d) {
        List<String> cols = List.of(d.columns());
        Dataset<Row> out = d;
        for (String s : List.of("cc", "asc", "edu")) {
            out = cols.contains(s + "_current") ? out.withColumn(s + "_current", coalesce(col(s + "_current"), lit(false)))
                    : out.withColumn(s + "_current", lit(false));
            if (!cols.contains(s + "_items")) {
                out = out.withColumn(s + "_items", lit(null).cast(DataTypes.createArrayType(ITEM)));
                out = out.withColumn(s + "_cost", lit(null).cast("double"));
            }
        }
        out = cols.contains("chair_current") ? out.withColumn("chair_current", coalesce(col("chair_current"), lit(false)))
                : out.withColumn("chair_current", lit(false)).withColumn("chair_type", lit(null).cast("string"))
                        .withColumn("chair_cost", lit(null).cast(MONEY));
        for (String s : List.of("community", "mh")) {
            out = cols.contains(s + "_spend") ? out.withColumn(s + "_spend", coalesce(col(s + "_spend"), lit(0).cast(MONEY)))
                    .withColumn(s + "_s2", coalesce(col(s + "_s2"), lit(0.0)))
                    : out.withColumn(s + "_spend", lit(0).cast(MONEY)).withColumn(s + "_s2", lit(0.0))
                            .withColumn(s + "_by_service", lit(null).cast(DataTypes.createMapType(DataTypes.StringType, MONEY)));
        }
        return out.select("person_id", "cc_current", "cc_items", "cc_cost", "asc_current", "asc_items", "asc_cost", "edu_current",
                "edu_items", "edu_cost", "chair_current", "chair_type", "chair_cost", "community_spend", "community_by_service",
                "community_s2", "mh_spend", "mh_by_service", "mh_s2");
    }

    /** Rows of a feed with their person (rows whose token has no person drop out). */
    static Dataset<Row> withPerson(Inputs in, Dataset<Row> feed, String source, String tokenColumn) {
        return PersonIndex.withPerson(feed, source, tokenColumn, in.personIndex(), in.lakeKey());
    }

    private static Column item(Column service, String frequency, Column quantity, Column unitCost) {
        return struct(service.alias("service"), lit(frequency).alias("frequency"), quantity.cast(MONEY).alias("quantity"),
                unitCost.cast(MONEY).alias("unit_cost"));
    }

    /** Annual cost of a weekly amount, as a double for the cost model (money outputs never use it). */
    private static Column annualOfWeekly(Column weekly) {
        return weekly.cast("double").multiply(365.25 / 7);
    }

    static Dataset<Row> continuingCare(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("chc");
        if (f == null) {
            return null;
        }
        Column active = col("decision").equalTo("ELIGIBLE").and(col("decision_date").leq(ref)).and(col("package_start").leq(ref))
                .and(col("package_end").isNull().or(col("package_end").geq(ref)));
        return withPerson(in, f, "patients", "nhs_token").filter(active)
                .groupBy("person_id").agg(
                        array_sort(collect_list(when(col("weekly_cost").isNotNull(), item(coalesce(col("setting"), lit("HOME")), "WEEKLY", lit(1),
                                col("weekly_cost"))))).alias("cc_items"),
                        annualOfWeekly(sum(col("weekly_cost"))).alias("cc_cost"))
                .withColumn("cc_current", lit(true));
    }

    static Dataset<Row> socialCare(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("asc_cld");
        if (f == null) {
            return null;
        }
        Column active = col("event_type").equalTo("Service").and(col("service_type").startsWith("LTS_"))
                .and(col("event_start").leq(ref)).and(col("event_end").isNull().or(col("event_end").geq(ref)));
        Column hourly = col("cost_frequency_unit_type").equalTo("Hourly");
        Column weeklyUnit = col("cost_frequency_unit_type").equalTo("Weekly");
        Column units = coalesce(col("planned_units_per_week"), lit(1));
        Column service = coalesce(col("service_component"), col("service_type"));
        Column itemCol = when(hourly, item(service, "HOURLY", units, col("unit_cost")))
                .when(weeklyUnit, item(service, "WEEKLY", units, col("unit_cost")));
        Column weekly = when(hourly.or(weeklyUnit), units.multiply(col("unit_cost")));
        return withPerson(in, f, "asc_cld", "la_person_token").filter(active)
                .groupBy("person_id").agg(array_sort(collect_list(itemCol)).alias("asc_items"), annualOfWeekly(sum(weekly)).alias("asc_cost"))
                .withColumn("asc_current", lit(true));
    }

    static Dataset<Row> education(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("ehcp");
        if (f == null) {
            return null;
        }
        Column active = col("start_date").leq(ref).and(col("end_date").isNull().or(col("end_date").geq(ref)));
        return withPerson(in, f, LinkEntities.EDUCATION.name(), "pupil_token").filter(active)
                .groupBy("person_id").agg(
                        array_sort(collect_list(when(col("annual_cost").isNotNull(), item(col("placement_type"), "ANNUAL", lit(1), col("annual_cost"))))).alias("edu_items"),
                        sum(col("annual_cost")).cast("double").alias("edu_cost"))
                .withColumn("edu_current", lit(true));
    }

    static Dataset<Row> wheelchair(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("wheelchair");
        if (f == null) {
            return null;
        }
        return withPerson(in, f, "patients", "nhs_token")
                .filter(col("long_term_user").and(coalesce(col("provision_date"), col("referral_date")).leq(ref)))
                .groupBy("person_id").agg(
                        max_by(col("chair_type"), col("referral_date")).alias("chair_type"),
                        max_by(when(col("provision_date").leq(ref), col("chair_cost")), col("referral_date")).alias("chair_cost"))
                .withColumn("chair_current", lit(true));
    }

    static Dataset<Row> community(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("community");
        if (f == null) {
            return null;
        }
        Dataset<Row> window = f.filter(col("contact_date").leq(ref).and(col("contact_date").gt(date_sub(ref, 365)))
                .and(col("service_type").isin(COMMUNITY_EXCLUDED.toArray()).unary_$bang()));
        return byService(withPerson(in, window, "patients", "nhs_token"), "service_type", "community");
    }

    static Dataset<Row> mentalHealth(Inputs in, Column ref) {
        Dataset<Row> f = in.bronze().get("mental_health");
        if (f == null) {
            return null;
        }
        Dataset<Row> window = f.filter(col("start_date").leq(ref).and(col("start_date").gt(date_sub(ref, 365)))
                .and(col("event_type").equalTo("CONTACT")).and(col("service").isin(MENTAL_HEALTH_EXCLUDED.toArray()).unary_$bang()));
        return byService(withPerson(in, window, "patients", "nhs_token"), "service", "mh");
    }

    private static Dataset<Row> byService(Dataset<Row> events, String serviceColumn, String prefix) {
        Column c = col("cost").cast(MONEY);
        return events.groupBy(col("person_id"), col(serviceColumn).alias("service"))
                .agg(sum("cost").alias("amount"), sum(c.multiply(c)).alias("squares"))
                .groupBy("person_id").agg(
                        sum("amount").cast(MONEY).alias(prefix + "_spend"),
                        sum("squares").cast("double").alias(prefix + "_s2"),
                        map_from_entries(array_sort(collect_list(struct(col("service"), col("amount").cast(MONEY))))).alias(prefix + "_by_service"));
    }
}
