package uk.nhs.phb.pipelines.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.pipelines.link.LinkEntities;
import uk.nhs.phb.pipelines.features.PersonFeatures;

/**
 * Spend across the system in the 12 months to the reference date, for the population of
 * {@code gold/person_features} on that date: by sector for the whole population, for each cohort and each risk
 * tier (from {@code person_features}' {@code spend_*} columns), and by sector and service (from the bronze
 * feeds, with the same 12-month rules as person_features: events dated in the 365 days to the reference date,
 * packages and placements prorated by the days they overlap them), for everyone and for people with a personal
 * health budget in place.
 */
public final class SystemSpend {
    /** Cohorts: name, label, the person_features flag that defines it (null: everyone). People can be in several. */
    public static final List<String[]> COHORTS = List.of(
            new String[] {"population", "Whole registered population", null},
            new String[] {"phb_holders", "People with a personal health budget in place", "has_phb"},
            new String[] {"chc", "NHS Continuing Healthcare", "chc"},
            new String[] {"fast_track", "Fast Track continuing healthcare", "fast_track"},
            new String[] {"childrens_continuing_care", "Children's continuing care", "childrens_continuing_care"},
            new String[] {"s117", "Section 117 after-care", "s117"},
            new String[] {"wheelchair", "Long-term wheelchair users", "wheelchair"},
            new String[] {"ehcp", "Education, health and care plan", "ehcp"},
            new String[] {"ld_autism", "Learning disability and/or autism", "ld_autism"},
            new String[] {"serious_mental_illness", "Serious mental illness", "ltc_smi"},
            new String[] {"palliative", "Palliative care register", "ltc_pal"});
    /** Risk tiers of {@code gold/risk_scores}, highest first. */
    public static final List<String> TIERS = List.of("very_high", "high", "moderate", "low");
    public static final String NOT_SCORED = "not_scored";

    private SystemSpend() {
    }

    /**
     * Per cohort: {@code cohort, people}, and per sector {@code spend_<sector>} and {@code users_<sector>}
     * (people with spend in it), {@code spend_total}, {@code users_total}. One pass over the features.
     */
    public static Dataset<Row> byCohort(Dataset<Row> features) {
        // one pass over the features: every cohort's aggregates side by side, then one row per cohort
        List<Column> aggs = new ArrayList<>();
        for (String[] c : COHORTS) {
            Column in = c[2] == null ? lit(true) : coalesce(col(c[2]), lit(false));
            for (Column a : aggregates(in)) {
                aggs.add(a);
            }
        }
        Row all = features.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        List<Row> rows = new ArrayList<>();
        int per = aggregates(lit(true)).size();
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType().add("cohort", DataTypes.StringType);
        Dataset<Row> shape = features.agg(aggregates(lit(true)).get(0), aggregates(lit(true)).subList(1, per).toArray(Column[]::new));
        for (org.apache.spark.sql.types.StructField f : shape.schema().fields()) {
            schema = schema.add(f);
        }
        for (int k = 0; k < COHORTS.size(); k++) {
            Object[] v = new Object[per + 1];
            v[0] = COHORTS.get(k)[0];
            for (int j = 0; j < per; j++) {
                v[j + 1] = all.get(k * per + j);
            }
            rows.add(org.apache.spark.sql.RowFactory.create(v));
        }
        return features.sparkSession().createDataFrame(rows, schema);
    }

    /** The same per risk tier ({@code tier}: {@link #TIERS} or {@link #NOT_SCORED}); {@code tiers}: person_id, risk_tier. */
    public static Dataset<Row> byTier(Dataset<Row> features, Dataset<Row> tiers) {
        Dataset<Row> f = features.join(tiers.select("person_id", "risk_tier"), new String[] {"person_id"}, "left")
                .withColumn("tier", coalesce(col("risk_tier"), lit(NOT_SCORED)));
        List<Column> aggs = aggregates(lit(true));
        return f.groupBy("tier").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /** People, spend and users per sector and in total, over the rows where {@code in} holds. */
    static List<Column> aggregates(Column in) {
        List<Column> aggs = new ArrayList<>();
        aggs.add(sum(when(in, 1).otherwise(0)).cast("long").alias("people"));
        for (String s : PersonFeatures.SECTORS) {
            aggs.add(coalesce(sum(when(in, col("spend_" + s))), lit(0)).cast(DataTypes.createDecimalType(20, 2)).alias("spend_" + s));
            aggs.add(sum(when(in.and(col("spend_" + s).gt(0)), 1).otherwise(0)).cast("long").alias("users_" + s));
        }
        aggs.add(coalesce(sum(when(in, col("spend_total"))), lit(0)).cast(DataTypes.createDecimalType(20, 2)).alias("spend_total"));
        aggs.add(sum(when(in.and(col("spend_total").gt(0)), 1).otherwise(0)).cast("long").alias("users_total"));
        return aggs;
    }

    private static Column within(Column date, Column ref) {
        return date.leq(ref).and(date.gt(date_sub(ref, 365)));
    }

    /**
     * Each person's 12-month spend by sector and service: {@code person_id, sector, service, spend} (exact
     * decimal pounds). Services: admissions (emergency, elective, other), A&E by department type, outpatients (first,
     * follow-up), GP appointments by clinician type, prescribing, community services, mental health services,
     * continuing care by pathway, adult social care by service type, children's social care by episode type,
     * education by placement.
     */
    public static Dataset<Row> byService(PersonFeatures.Inputs in, LocalDate referenceDate) {
        Column ref = lit(referenceDate.toString()).cast(DataTypes.DateType);
        List<Dataset<Row>> parts = new ArrayList<>();
        Dataset<Row> f;
        if ((f = in.bronze().get("apc_spells")) != null) {
            Column service = when(col("admission_method").isin("21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D"), lit("EMERGENCY_ADMISSIONS"))
                    .when(col("admission_method").isin("11", "12", "13"), lit("ELECTIVE_ADMISSIONS")).otherwise(lit("OTHER_ADMISSIONS"));
            parts.add(events(in, f, "admission_date", ref, "acute", service));
        }
        if ((f = in.bronze().get("ecds")) != null) {
            parts.add(events(in, f, "arrival_date", ref, "acute", org.apache.spark.sql.functions.concat(lit("AE_"), col("department_type"))));
        }
        if ((f = in.bronze().get("outpatients")) != null) {
            parts.add(events(in, f, "appointment_date", ref, "acute",
                    when(col("first_attendance").isin("1", "3"), lit("OUTPATIENT_FIRST")).otherwise(lit("OUTPATIENT_FOLLOW_UP"))));
        }
        if ((f = in.bronze().get("gp_appointments")) != null) {
            parts.add(events(in, f, "appointment_date", ref, "primary_care",
                    col("hcp_type")));
        }
        if ((f = in.bronze().get("prescriptions")) != null) {
            parts.add(events(in, f, "period_month", ref, "prescribing", lit("PRESCRIPTIONS")));
        }
        if ((f = in.bronze().get("community")) != null) {
            parts.add(events(in, f, "contact_date", ref, "community", col("service_type")));
        }
        if ((f = in.bronze().get("mental_health")) != null) {
            parts.add(events(in, f, "start_date", ref, "mental_health", col("service")));
        }
        if ((f = in.bronze().get("chc")) != null) {
            Dataset<Row> e = PersonFeatures.withPerson(in, f, "patients", "nhs_token")
                    .filter(col("decision").equalTo("ELIGIBLE").and(col("decision_date").leq(ref)));
            parts.add(e.select(col("person_id"), lit("continuing_care").alias("sector"),
                    col("pathway").alias("service"),
                    coalesce(col("weekly_cost"), lit(0)).multiply(PersonFeatures.overlapDays(col("package_start"), col("package_end"), ref, 365))
                            .divide(7).alias("spend")));
        }
        if ((f = in.bronze().get("asc_cld")) != null) {
            Dataset<Row> e = PersonFeatures.withPerson(in, f, "asc_cld", "la_person_token")
                    .filter(col("event_type").equalTo("Service").and(col("event_start").leq(ref)));
            Column weekly = when(col("cost_frequency_unit_type").equalTo("Hourly"),
                    coalesce(col("unit_cost"), lit(0)).multiply(coalesce(col("planned_units_per_week"), lit(0))))
                    .when(col("cost_frequency_unit_type").equalTo("Weekly"), coalesce(col("unit_cost"), lit(0)))
                    .otherwise(lit(0));
            Column oneOff = when(col("cost_frequency_unit_type").equalTo("One-off").and(within(col("event_start"), ref)),
                    coalesce(col("unit_cost"), lit(0))).otherwise(lit(0));
            parts.add(e.select(col("person_id"), lit("adult_social_care").alias("sector"),
                    coalesce(col("service_type"), lit("UNSPECIFIED")).alias("service"),
                    weekly.multiply(PersonFeatures.overlapDays(col("event_start"), col("event_end"), ref, 365)).divide(7).plus(oneOff).alias("spend")));
        }
        if ((f = in.bronze().get("csc")) != null) {
            Dataset<Row> e = PersonFeatures.withPerson(in, f, "csc", "child_token").filter(col("start_date").leq(ref));
            parts.add(e.select(col("person_id"), lit("childrens_social_care").alias("sector"),
                    col("episode_type").alias("service"),
                    coalesce(col("placement_weekly_cost"), lit(0)).multiply(PersonFeatures.overlapDays(col("start_date"), col("end_date"), ref, 365))
                            .divide(7).alias("spend")));
        }
        if ((f = in.bronze().get("ehcp")) != null) {
            Dataset<Row> e = PersonFeatures.withPerson(in, f, LinkEntities.EDUCATION.name(), "pupil_token").filter(col("start_date").leq(ref));
            parts.add(e.select(col("person_id"), lit("education").alias("sector"),
                    col("placement_type").alias("service"),
                    col("annual_cost").multiply(PersonFeatures.overlapDays(col("start_date"), col("end_date"), ref, 365)).divide(365).alias("spend")));
        }
        Dataset<Row> all = null;
        for (Dataset<Row> p : parts) {
            // exact decimals: sums do not depend on the order Spark adds them in, so re-runs publish the same pounds
            Dataset<Row> typed = p.select(col("person_id"), col("sector"), col("service"),
                    col("spend").cast(DataTypes.createDecimalType(24, 6)).alias("spend"));
            all = all == null ? typed : all.unionByName(typed);
        }
        return all.groupBy("person_id", "sector", "service").agg(sum("spend").alias("spend"));
    }

    private static Dataset<Row> events(PersonFeatures.Inputs in, Dataset<Row> feed, String dateColumn, Column ref, String sector, Column service) {
        // sum per token and service first, so the keyed hash runs once per person and service, not once per event
        Dataset<Row> perToken = feed.filter(within(col(dateColumn), ref)).groupBy(col("nhs_token"), service.alias("service"))
                .agg(sum("cost").alias("spend"));
        return PersonFeatures.withPerson(in, perToken, "patients", "nhs_token")
                .select(col("person_id"), lit(sector).alias("sector"), col("service"), col("spend"));
    }

    /** Service code of a sector's total row, and sector code of the grand total row. */
    public static final String ALL = "ALL";

    /**
     * Per sector and service, per sector ({@code service = ALL}) and overall ({@code sector = service = ALL}):
     * {@code spend, users} over the population and {@code phb_spend, phb_users} over people with a budget in place
     * ({@code population}: person_features rows with {@code person_id, has_phb}). Users are people with spend.
     */
    public static Dataset<Row> serviceTotals(Dataset<Row> byService, Dataset<Row> population) {
        Dataset<Row> ps = byService.join(population.select("person_id", "has_phb"), "person_id").cache();
        Dataset<Row> sectors = ps.groupBy("person_id", "has_phb", "sector").agg(sum("spend").alias("spend")).withColumn("service", lit(ALL));
        Dataset<Row> persons = ps.groupBy("person_id", "has_phb").agg(sum("spend").alias("spend"))
                .withColumn("sector", lit(ALL)).withColumn("service", lit(ALL));
        Dataset<Row> all = ps.select("person_id", "has_phb", "sector", "service", "spend")
                .unionByName(sectors.select("person_id", "has_phb", "sector", "service", "spend"))
                .unionByName(persons.select("person_id", "has_phb", "sector", "service", "spend"));
        Column used = col("spend").gt(0.005);
        return all.groupBy("sector", "service").agg(
                sum("spend").alias("spend"), sum(when(used, 1).otherwise(0)).cast("long").alias("users"),
                sum(when(col("has_phb"), col("spend")).otherwise(lit(0))).alias("phb_spend"),
                sum(when(col("has_phb").and(used), 1).otherwise(0)).cast("long").alias("phb_users"));
    }
}
