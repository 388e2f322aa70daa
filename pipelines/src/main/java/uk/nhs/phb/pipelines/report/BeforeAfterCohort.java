package uk.nhs.phb.pipelines.report;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.Materialised;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.pipelines.link.PersonIndex;

/**
 * The units of the before/after comparison, one row each, with their pre-period covariates and their costs in
 * the 12 calendar months before and the 12 from the index month, by sector.
 *
 * <ul>
 *   <li><b>Treated</b>: people whose first budget in the register started in the start window (the
 *       {@code startWindowMonths} index months ending 12 months before the quarter's last month, and never before
 *       the 13th month of activity in the lake), with no other budget in place in the 12 months before it. The
 *       index month is the month the budget started (as in the generator's truth: 12 months from the start month).
 *   <li><b>Candidate controls</b>: people who declined an offer of a budget and had none in place at any time in
 *       their 24-month window; their index date is the offer date plus the median days from offer to budget in
 *       place among the treated of the same eligibility group (known before any matching), and their index month
 *       must fall in the same start window. One offer per person (the earliest).
 *   <li>Both must be registered with a practice and alive on the index date, and registered since before their
 *       12 months before (so both periods are observed in full).
 * </ul>
 *
 * Covariates are measured at the anchor date (the accepted or declined offer; the eligibility date for budgets
 * without an offer in the feeds) and over the 12 months before: age, female, IMD decile, long-term conditions
 * recorded, adult social care long-term support in place, emergency admissions, and log(1 + cost) by sector.
 * Costs by sector are those of the generator's truth ({@link #SECTORS}): acute (admitted care, A&E, outpatients),
 * primary care (GP appointments and prescribing), community, mental health, adult social care (weekly packages
 * prorated by days, plus one-off costs) and continuing healthcare (weekly packages prorated by days).
 */
public final class BeforeAfterCohort {
    public static final List<String> SECTORS = List.of("acute", "primary_care", "community", "mental_health", "adult_social_care", "chc");
    /** Covariates other than the eligibility-group indicators, in order. */
    public static final List<String> COVARIATES = List.of("age", "age_under_65", "female", "imd_decile", "ltc_count", "asc_long_term_support",
            "emergency_admissions_before", "log_cost_before_acute", "log_cost_before_primary_care", "log_cost_before_community",
            "log_cost_before_mental_health", "log_cost_before_adult_social_care", "log_cost_before_chc");

    /**
     * @param quarterEnd        the report's reference date; after periods end on or before it
     * @param startWindowMonths how many index months the start window holds
     * @param firstActivity     the first day of the month the lake's activity feeds start
     * @param org               an ICB or Sub-ICB code, or null for everyone
     * @param homeIcb           the lake's one ICB, or null
     */
    public record Settings(LocalDate quarterEnd, int startWindowMonths, LocalDate firstActivity, String org, String homeIcb) {
        public Settings {
            Objects.requireNonNull(quarterEnd, "quarterEnd");
            Objects.requireNonNull(firstActivity, "firstActivity");
            if (startWindowMonths < 1) {
                throw new IllegalArgumentException("the start window must hold at least one month, got " + startWindowMonths);
            }
        }

        /** The last index month: its 12 months after end with the quarter. */
        public YearMonth lastIndexMonth() {
            return YearMonth.from(quarterEnd).minusMonths(11);
        }

        /** The first index month: the start window, and 12 full months of activity before it. */
        public YearMonth firstIndexMonth() {
            YearMonth byWindow = lastIndexMonth().minusMonths(startWindowMonths - 1L);
            YearMonth first = YearMonth.from(firstActivity);
            if (firstActivity.getDayOfMonth() != 1) {
                first = first.plusMonths(1);
            }
            YearMonth byData = first.plusMonths(12);
            return byWindow.isBefore(byData) ? byData : byWindow;
        }

        public boolean windowEmpty() {
            return firstIndexMonth().isAfter(lastIndexMonth());
        }
    }

    private BeforeAfterCohort() {
    }

    private static Column date(LocalDate d) {
        return lit(d.toString()).cast(DataTypes.DateType);
    }

    /**
     * The units with covariates and outcomes: {@code key} ({@code T:<phb_id>} or {@code C:<offer_id>}),
     * {@code treated, eligibility_group, phb_id, index_month} (first day), {@code icb_code, sub_icb_code},
     * {@link #COVARIATES}, {@code before_<sector>} and {@code after_<sector>} (decimal pounds) for each of
     * {@link #SECTORS}.
     */
    public static Dataset<Row> units(Map<String, Dataset<Row>> bronze, Dataset<Row> personIndex, SecretKey lakeKey, Settings s) {
        Dataset<Row> register = Objects.requireNonNull(bronze.get("phb_register"), "bronze phb_register");
        Dataset<Row> offers = bronze.get("phb_offers");
        Column firstIdx = date(s.firstIndexMonth().atDay(1));
        Column lastIdx = date(s.lastIndexMonth().atDay(1));
        Column startMonth = trunc(col("start_date"), "month");

        // treated: first budget started in the window, none in place in the 12 months before
        Dataset<Row> starts = register.filter(startMonth.between(firstIdx, lastIdx))
                .groupBy("nhs_token").agg(min_by(struct(col("phb_id"), col("eligibility_group"), col("eligible_date"), col("start_date")),
                        struct(col("start_date"), col("phb_id"))).alias("b"))
                .select(col("nhs_token"), col("b.phb_id").alias("phb_id"), col("b.eligibility_group").alias("eligibility_group"),
                        col("b.eligible_date").alias("eligible_date"), col("b.start_date").alias("start_date"));
        Dataset<Row> earlier = register.select(col("nhs_token"), col("phb_id").alias("other_id"), col("start_date").alias("other_start"),
                col("end_date").alias("other_end"));
        Dataset<Row> clash = starts.join(earlier, "nhs_token")
                .filter(col("other_id").notEqual(col("phb_id")).and(col("other_start").leq(col("start_date")))
                        .and(col("other_end").isNull().or(col("other_end").geq(add_months(trunc(col("start_date"), "month"), -12)))))
                .select("nhs_token").distinct();
        Dataset<Row> treated = starts.join(clash, new String[] {"nhs_token"}, "left_anti");
        if (offers != null) {
            Dataset<Row> accepted = offers.filter(col("outcome").equalTo("ACCEPTED"))
                    .select(col("nhs_token"), col("eligibility_group").alias("offer_group"), col("offer_date"));
            Dataset<Row> anchor = treated.join(accepted, "nhs_token")
                    .filter(col("offer_group").equalTo(col("eligibility_group")).and(col("offer_date").leq(col("start_date")))
                            .and(col("offer_date").geq(date_add(col("eligible_date"), -31))))
                    .groupBy("nhs_token").agg(max(col("offer_date")).alias("offer_date"));
            treated = treated.join(anchor, new String[] {"nhs_token"}, "left")
                    .withColumn("anchor", coalesce(col("offer_date"), col("eligible_date"))).drop("offer_date");
        } else {
            treated = treated.withColumn("anchor", col("eligible_date"));
        }
        treated = treated.withColumn("lag", datediff(col("start_date"), col("anchor")));
        Dataset<Row> units = treated.select(concat(lit("T:"), col("phb_id")).alias("key"), col("nhs_token"), lit(true).alias("treated"),
                col("eligibility_group"), col("phb_id"), col("anchor"), col("start_date").alias("index_date"));
        if (offers != null) {
            Dataset<Row> lags = treated.groupBy("eligibility_group")
                    .agg(round(percentile(col("lag"), lit(0.5))).cast("int").alias("median_lag"));
            Column indexDate = date_add(col("offer_date"), col("median_lag"));
            Dataset<Row> declined = offers.filter(col("outcome").equalTo("DECLINED"))
                    .join(broadcast(lags), "eligibility_group")
                    .withColumn("index_date", indexDate)
                    .filter(trunc(col("index_date"), "month").between(firstIdx, lastIdx))
                    .groupBy("nhs_token").agg(min_by(struct(col("offer_id"), col("eligibility_group"), col("offer_date"), col("index_date")),
                            struct(col("offer_date"), col("offer_id"))).alias("o"))
                    .select(col("nhs_token"), col("o.offer_id").alias("offer_id"), col("o.eligibility_group").alias("eligibility_group"),
                            col("o.offer_date").alias("anchor"), col("o.index_date").alias("index_date"));
            Dataset<Row> overlapping = declined.join(earlier, "nhs_token")
                    .filter(col("other_start").lt(add_months(trunc(col("index_date"), "month"), 12))
                            .and(col("other_end").isNull().or(col("other_end").geq(add_months(trunc(col("index_date"), "month"), -12)))))
                    .select("nhs_token").distinct();
            Dataset<Row> controls = declined.join(overlapping, new String[] {"nhs_token"}, "left_anti")
                    .join(treated.select("nhs_token"), new String[] {"nhs_token"}, "left_anti");
            units = units.unionByName(controls.select(concat(lit("C:"), col("offer_id")).alias("key"), col("nhs_token"), lit(false).alias("treated"),
                    col("eligibility_group"), lit(null).cast("string").alias("phb_id"), col("anchor"), col("index_date")));
        }
        units = units.withColumn("index_month", trunc(col("index_date"), "month"))
                .withColumn("before_start", add_months(col("index_month"), -12))
                .withColumn("after_end", add_months(col("index_month"), 12));

        // registered and alive on the index date, since before the 12 months before; organisation and demographics
        Dataset<Row> who = Attribution.on(units.select(col("key"), col("nhs_token"), col("index_date").alias("at")), bronze.get("patients"),
                bronze.get("ref_practices"), bronze.get("ref_lsoa"));
        units = units.join(who, "key")
                .filter(col("registered_at").and(col("alive_at")).and(col("first_registered").leq(col("before_start"))))
                .withColumn("icb_code", ProgressMarkers.homeIcb(col("icb_code"), s.homeIcb()));
        units = Attribution.inOrg(units, s.org());
        // made once and kept on the executors: the costs below join it a dozen times, and with its plan (the register joined
        // to itself, offers, attribution) every join was analysed again, half of a report's driver time
        units = Materialised.of(units.select(col("key"), col("nhs_token"), col("treated"), col("eligibility_group"), col("phb_id"),
                col("anchor"), col("index_month"), col("before_start"), col("after_end"), col("icb_code"), col("sub_icb_code"),
                year(col("anchor")).minus(col("birth_year")).cast("double").alias("age"),
                col("sex").equalTo("2").cast("double").alias("female"), col("imd_decile").cast("double").alias("imd_decile")));

        Dataset<Row> slim = broadcast(units.select("key", "nhs_token", "anchor", "index_month", "before_start", "after_end"));
        List<Dataset<Row>> parts = new ArrayList<>();
        // activity costs, by the date each event counts on
        Map<String, List<String[]>> events = new LinkedHashMap<>();
        events.put("acute", List.of(new String[] {"apc_spells", "admission_date"}, new String[] {"ecds", "arrival_date"},
                new String[] {"outpatients", "appointment_date"}));
        events.put("primary_care", List.of(new String[] {"gp_appointments", "appointment_date"}, new String[] {"prescriptions", "period_month"}));
        events.put("community", List.<String[]>of(new String[] {"community", "contact_date"}));
        events.put("mental_health", List.<String[]>of(new String[] {"mental_health", "start_date"}));
        for (Map.Entry<String, List<String[]>> sector : events.entrySet()) {
            for (String[] f : sector.getValue()) {
                Dataset<Row> feed = bronze.get(f[0]);
                if (feed == null) {
                    continue;
                }
                Dataset<Row> e = feed.select(col("nhs_token"), col(f[1]).alias("d"), col("cost")).join(slim, "nhs_token")
                        .filter(col("d").geq(col("before_start")).and(col("d").lt(col("after_end"))));
                parts.add(e.groupBy("key").agg(
                        sum(when(col("d").lt(col("index_month")), col("cost")).otherwise(lit(0))).alias("before"),
                        sum(when(col("d").geq(col("index_month")), col("cost")).otherwise(lit(0))).alias("after"))
                        .withColumn("sector", lit(sector.getKey())));
            }
        }
        Dataset<Row> chc = bronze.get("chc");
        if (chc != null) {
            Dataset<Row> e = chc.filter(col("decision").equalTo("ELIGIBLE").and(col("package_start").isNotNull()))
                    .select(col("nhs_token"), col("package_start").alias("from"), col("package_end").alias("to"),
                            coalesce(col("weekly_cost"), lit(0)).alias("weekly"))
                    .join(slim, "nhs_token");
            parts.add(prorated(e, s.quarterEnd(), lit(0)).withColumn("sector", lit("chc")));
        }
        Dataset<Row> asc = bronze.get("asc_cld");
        Dataset<Row> ascPeople = null;
        if (asc != null && personIndex != null) {
            // adult social care reaches a person through the index (council ids), as in person_features
            Dataset<Row> unitPerson = units.select("key", "nhs_token")
                    .withColumn("entity_hash", PersonIndex.entityHash(lakeKey, lit("patients"), col("nhs_token")))
                    .join(personIndex.filter(col("source").equalTo("patients")).select("entity_hash", "person_id"), "entity_hash")
                    .select("key", "person_id");
            PersonFeatures.Inputs in = new PersonFeatures.Inputs(Map.of("patients", bronze.get("patients")), personIndex, lakeKey);
            Dataset<Row> services = PersonFeatures.withPerson(in, asc, "asc_cld", "la_person_token")
                    .filter(col("event_type").equalTo("Service"))
                    .join(broadcast(unitPerson), "person_id")
                    .join(slim.drop("nhs_token"), "key");
            Column weekly = when(col("cost_frequency_unit_type").equalTo("Hourly"),
                    coalesce(col("unit_cost"), lit(0)).multiply(coalesce(col("planned_units_per_week"), lit(0))))
                    .when(col("cost_frequency_unit_type").equalTo("Weekly"), coalesce(col("unit_cost"), lit(0)))
                    .otherwise(lit(0));
            Column oneOff = when(col("cost_frequency_unit_type").equalTo("One-off"), coalesce(col("unit_cost"), lit(0))).otherwise(lit(0));
            Dataset<Row> e = services.select(col("key"), col("before_start"), col("index_month"), col("after_end"), col("event_start").alias("from"),
                    col("event_end").alias("to"), weekly.alias("weekly"), oneOff.alias("one_off"));
            parts.add(prorated(e, s.quarterEnd(), col("one_off")).withColumn("sector", lit("adult_social_care")));
            ascPeople = services.filter(col("service_type").startsWith("LTS_").and(col("event_start").leq(col("anchor")))
                            .and(col("event_end").isNull().or(col("event_end").geq(col("anchor")))))
                    .select("key").distinct().withColumn("asc_long_term_support", lit(1.0));
        }
        Dataset<Row> costs = null;
        for (Dataset<Row> p : parts) {
            costs = costs == null ? p : costs.unionByName(p);
        }
        List<Column> aggs = new ArrayList<>();
        for (String sector : SECTORS) {
            aggs.add(sum(when(col("sector").equalTo(sector), col("before"))).alias("before_" + sector));
            aggs.add(sum(when(col("sector").equalTo(sector), col("after"))).alias("after_" + sector));
        }
        Dataset<Row> out = units;
        if (costs != null) {
            out = out.join(costs.groupBy("key").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)),
                    new String[] {"key"}, "left");
        }
        // one projection per step: a withColumn per column re-analyses the whole plan every time
        List<String> present = List.of(out.columns());
        Map<String, Column> costColumns = new LinkedHashMap<>();
        for (String sector : SECTORS) {
            for (String w : new String[] {"before_", "after_"}) {
                String c = w + sector;
                costColumns.put(c, round(present.contains(c) ? coalesce(col(c), lit(0)) : lit(0), 2).cast(DataTypes.createDecimalType(14, 2)));
            }
        }
        out = out.withColumns(costColumns);
        // conditions recorded before the anchor, emergency admissions in the 12 months before
        Dataset<Row> conditions = bronze.get("gp_conditions");
        if (conditions != null) {
            out = out.join(conditions.filter(col("condition_code").isin(PersonFeatures.LTC.toArray())).select("nhs_token", "condition_code", "recorded_date")
                    .join(slim, "nhs_token").filter(col("recorded_date").lt(col("anchor")))
                    .groupBy("key").agg(countDistinct("condition_code").cast("double").alias("ltc_count")), new String[] {"key"}, "left");
        }
        Dataset<Row> apc = bronze.get("apc_spells");
        if (apc != null) {
            out = out.join(apc.filter(col("admission_method").isin("21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D"))
                    .select("nhs_token", "admission_date").join(slim, "nhs_token")
                    .filter(col("admission_date").geq(col("before_start")).and(col("admission_date").lt(col("index_month"))))
                    .groupBy("key").agg(count(lit(1)).cast("double").alias("emergency_admissions_before")), new String[] {"key"}, "left");
        }
        if (ascPeople != null) {
            out = out.join(ascPeople, new String[] {"key"}, "left");
        }
        present = List.of(out.columns());
        Map<String, Column> covariates = new LinkedHashMap<>();
        for (String c : List.of("ltc_count", "emergency_admissions_before", "asc_long_term_support")) {
            covariates.put(c, present.contains(c) ? coalesce(col(c), lit(0.0)) : lit(0.0));
        }
        covariates.put("age_under_65", when(col("age").lt(65), 1.0).otherwise(0.0));
        covariates.put("imd_decile", coalesce(col("imd_decile"), lit(5.5)));
        for (String sector : SECTORS) {
            covariates.put("log_cost_before_" + sector, org.apache.spark.sql.functions.log1p(col("before_" + sector).cast("double")));
        }
        out = out.withColumns(covariates);
        List<Column> select = new ArrayList<>(List.of(col("key"), col("treated"), col("eligibility_group"), col("phb_id"), col("index_month"),
                col("icb_code"), col("sub_icb_code")));
        for (String c : COVARIATES) {
            select.add(col(c));
        }
        for (String sector : SECTORS) {
            select.add(col("before_" + sector));
            select.add(col("after_" + sector));
        }
        return out.select(select.toArray(Column[]::new));
    }

    /**
     * Costs of packages with a weekly cost prorated by the days of [from, to] (to null: ongoing to the quarter end)
     * inside the period before ([before_start, index_month)) and after ([index_month, after_end)), plus
     * {@code oneOff} on the day it starts.
     */
    static Dataset<Row> prorated(Dataset<Row> e, LocalDate quarterEnd, Column oneOff) {
        Column to = coalesce(col("to"), date(quarterEnd));
        Column beforeDays = days(col("from"), to, col("before_start"), date_add(col("index_month"), -1));
        Column afterDays = days(col("from"), to, col("index_month"), date_add(col("after_end"), -1));
        Column beforeOne = when(col("from").geq(col("before_start")).and(col("from").lt(col("index_month"))), oneOff).otherwise(lit(0));
        Column afterOne = when(col("from").geq(col("index_month")).and(col("from").lt(col("after_end"))), oneOff).otherwise(lit(0));
        return e.groupBy("key").agg(
                sum(col("weekly").multiply(beforeDays).divide(7).plus(beforeOne)).alias("before"),
                sum(col("weekly").multiply(afterDays).divide(7).plus(afterOne)).alias("after"));
    }

    /** Days of [from, to] inside [windowFrom, windowTo], both ends included. */
    static Column days(Column from, Column to, Column windowFrom, Column windowTo) {
        return greatest(lit(0), datediff(least(to, windowTo), greatest(from, windowFrom)).plus(1));
    }
}
