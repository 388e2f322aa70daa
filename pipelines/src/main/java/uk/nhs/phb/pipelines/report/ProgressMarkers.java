package uk.nhs.phb.pipelines.report;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

/**
 * The markers of progress, measured from the PHB register, reviews and offers (the project's own definitions;
 * no national template exists, DOMAIN.md): uptake against a trajectory, indicative budgets shared before the
 * plan was agreed, days from eligibility to the budget being in place, reviews on time, and offers accepted and
 * declined with the reasons. Every function returns small aggregates.
 */
public final class ProgressMarkers {
    private ProgressMarkers() {
    }

    /**
     * The organisation of everyone on the register or offered a budget, by their GP registration at the quarter
     * end (or their last one): {@code nhs_token, icb_code, sub_icb_code}.
     */
    public static Dataset<Row> tokenOrgs(Dataset<Row> register, Dataset<Row> offers, Dataset<Row> patients, Dataset<Row> refPractices,
                                         Quarter quarter, String homeIcb) {
        Dataset<Row> tokens = register.select("nhs_token");
        if (offers != null) {
            tokens = tokens.union(offers.select("nhs_token"));
        }
        tokens = tokens.distinct().withColumn("key", col("nhs_token")).withColumn("at", lit(quarter.end().toString()).cast(DataTypes.DateType));
        Dataset<Row> who = Attribution.on(tokens, patients, refPractices, null);
        return who.select(col("key").alias("nhs_token"), homeIcb(col("icb_code"), homeIcb).alias("icb_code"), col("sub_icb_code"));
    }

    static Column homeIcb(Column icb, String homeIcb) {
        return homeIcb == null ? icb : when(icb.equalTo(Attribution.UNKNOWN), lit(homeIcb)).otherwise(icb);
    }

    /**
     * Per quarter: people who received a budget in that financial year to date, people with one in place at the
     * quarter end, and people registered with a practice (and alive) at the quarter end, for the organisation
     * ({@code null}: everyone). Columns {@code quarter, received_ytd, active_at_quarter_end, registered}.
     */
    public static Dataset<Row> uptakeTrend(SparkSession spark, Dataset<Row> register, Dataset<Row> patients, Dataset<Row> refPractices,
                                           List<Quarter> quarters, String org, String homeIcb) {
        List<Row> qs = new ArrayList<>();
        for (Quarter q : quarters) {
            qs.add(RowFactory.create(q.toString(), java.sql.Date.valueOf(q.financialYearStart()), java.sql.Date.valueOf(q.end())));
        }
        Dataset<Row> qdf = spark.createDataFrame(qs, new StructType().add("quarter", DataTypes.StringType)
                .add("fy_start", DataTypes.DateType).add("q_end", DataTypes.DateType));
        Dataset<Row> held = register.crossJoin(broadcast(qdf))
                .filter(col("start_date").leq(col("q_end")).and(col("end_date").isNull().or(col("end_date").geq(col("fy_start")))))
                .groupBy("nhs_token", "quarter", "q_end")
                .agg(max(col("end_date").isNull().or(col("end_date").geq(col("q_end")))).alias("active"),
                        least(col("q_end"), max(coalesce(col("end_date"), col("q_end")))).alias("at"));
        Dataset<Row> who = Attribution.on(held.withColumn("key", concat_ws("|", col("nhs_token"), col("quarter"))),
                patients, refPractices, null);
        Dataset<Row> heldOrg = held.withColumn("key", concat_ws("|", col("nhs_token"), col("quarter")))
                .join(who.select(col("key"), homeIcb(col("icb_code"), homeIcb).alias("icb_code"), col("sub_icb_code")), "key");
        Dataset<Row> uptake = Attribution.inOrg(heldOrg, org).groupBy("quarter")
                .agg(count(lit(1)).alias("received_ytd"), sum(when(col("active"), 1).otherwise(0)).cast("long").alias("active_at_quarter_end"));
        Dataset<Row> spells = patients.crossJoin(broadcast(qdf))
                .filter(col("registered_from").leq(col("q_end")).and(col("registered_to").isNull().or(col("registered_to").gt(col("q_end"))))
                        .and(col("date_of_death").isNull().or(col("date_of_death").gt(col("q_end")))));
        if (refPractices != null) {
            spells = spells.join(broadcast(refPractices.select("practice_code", "sub_icb_code", "icb_code")),
                    new String[] {"practice_code"}, "left");
        } else {
            spells = spells.withColumn("sub_icb_code", lit(Attribution.UNKNOWN)).withColumn("icb_code", lit(Attribution.UNKNOWN));
        }
        Dataset<Row> registered = Attribution.inOrg(spells, org).groupBy("quarter").agg(countDistinct("nhs_token").alias("registered"));
        return qdf.select("quarter").join(uptake, new String[] {"quarter"}, "left").join(registered, new String[] {"quarter"}, "left")
                .select(col("quarter"), coalesce(col("received_ytd"), lit(0L)).alias("received_ytd"),
                        coalesce(col("active_at_quarter_end"), lit(0L)).alias("active_at_quarter_end"),
                        coalesce(col("registered"), lit(0L)).alias("registered"))
                .orderBy("quarter");
    }

    /**
     * The planning and review markers of the financial year to date, for budgets of people in {@code orgTokens}:
     * one row with {@code plans_agreed} (plan agreed from 1 April to the quarter end), {@code indicative_before_plan}
     * (of those, the indicative budget shared on or before the plan date), {@code started} (budgets in place from
     * 1 April), {@code days_median}, {@code days_p90} (days from eligibility to the budget in place, exact
     * percentiles with linear interpolation), {@code reviews_due} (due from 1 April to {@code onTimeDays} before
     * the quarter end, so each can be judged), {@code reviews_on_time} (held no later than {@code onTimeDays}
     * after the due date).
     */
    public static Dataset<Row> planning(Dataset<Row> register, Dataset<Row> reviews, Dataset<Row> orgTokens, Quarter quarter, int onTimeDays) {
        Column f = lit(quarter.financialYearStart().toString()).cast(DataTypes.DateType);
        Column e = lit(quarter.end().toString()).cast(DataTypes.DateType);
        Dataset<Row> reg = register.join(orgTokens.select("nhs_token"), "nhs_token");
        Column planned = col("plan_agreed_date").between(f, e);
        Column started = col("start_date").between(f, e);
        Dataset<Row> plans = reg.agg(
                sum(when(planned, 1).otherwise(0)).cast("long").alias("plans_agreed"),
                sum(when(planned.and(col("indicative_shared_date").leq(col("plan_agreed_date"))), 1).otherwise(0)).cast("long")
                        .alias("indicative_before_plan"),
                sum(when(started, 1).otherwise(0)).cast("long").alias("started"),
                percentile(when(started, datediff(col("start_date"), col("eligible_date"))), array(lit(0.5), lit(0.9))).alias("days"));
        Dataset<Row> rv;
        Column due = col("due_date").between(f, date_add(e, -onTimeDays));
        if (reviews != null) {
            rv = reviews.join(reg.select("phb_id"), "phb_id").agg(
                    sum(when(due, 1).otherwise(0)).cast("long").alias("reviews_due"),
                    sum(when(due.and(col("review_date").isNotNull()).and(col("review_date").leq(date_add(col("due_date"), onTimeDays))), 1)
                            .otherwise(0)).cast("long").alias("reviews_on_time"));
        } else {
            rv = plans.select(lit(0L).alias("reviews_due"), lit(0L).alias("reviews_on_time"));
        }
        return plans.crossJoin(rv).select(coalesce(col("plans_agreed"), lit(0L)).alias("plans_agreed"),
                coalesce(col("indicative_before_plan"), lit(0L)).alias("indicative_before_plan"),
                coalesce(col("started"), lit(0L)).alias("started"),
                col("days").getItem(0).alias("days_median"), col("days").getItem(1).alias("days_p90"),
                coalesce(col("reviews_due"), lit(0L)).alias("reviews_due"), coalesce(col("reviews_on_time"), lit(0L)).alias("reviews_on_time"));
    }

    /**
     * Offers made from 1 April to the quarter end to people in {@code orgTokens}: {@code group} (return category),
     * {@code outcome}, {@code decline_reason}, {@code offers}.
     */
    public static Dataset<Row> offers(Dataset<Row> offers, Dataset<Row> orgTokens, Quarter quarter) {
        Column f = lit(quarter.financialYearStart().toString()).cast(DataTypes.DateType);
        Column e = lit(quarter.end().toString()).cast(DataTypes.DateType);
        return offers.join(orgTokens.select("nhs_token"), "nhs_token").filter(col("offer_date").between(f, e))
                .withColumn("group", PhbReturn.category(col("eligibility_group"), ReportReference.eligibilityGroups()))
                .groupBy("group", "outcome", "decline_reason").agg(count(lit(1)).alias("offers"));
    }
}
