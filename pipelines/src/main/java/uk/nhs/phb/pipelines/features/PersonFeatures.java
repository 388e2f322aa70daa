package uk.nhs.phb.pipelines.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.pipelines.link.LinkEntities;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Csv;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.FieldSpec;

/**
 * {@code gold/person_features}: one row per person registered (and alive) at a reference date, with what
 * was known on that date and nothing after it. Every event is filtered to {@code date <= reference date}
 * before it counts; windows are the 90, 180 and 365 days ending on the reference date.
 *
 * <p>Events reach a person only through {@code silver/person_index}: the bronze token is hashed with the
 * lake key exactly as the index stores it ({@link PersonIndex#entityHash}). Events whose token has no
 * person (someone not registered in the area) are left out; {@link #attrition} counts them.
 */
public final class PersonFeatures {
    /** Long-term conditions flagged one by one (codes of the {@code conditions} list). */
    public static final List<String> LTC = List.of("HTN", "DM", "COPD", "AST", "HF", "AF", "CKD", "DEM", "CAN", "SMI", "DEP",
            "LD", "AUT", "CHD", "STROKE", "EPIL", "RA", "OST", "PARK", "PAL");
    /** Spend sectors over the 12 months to the reference date. */
    public static final List<String> SECTORS = List.of("acute", "community", "mental_health", "primary_care", "prescribing",
            "continuing_care", "adult_social_care", "childrens_social_care", "education");
    static final List<String> EMERGENCY_METHODS = List.of("21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D");
    static final List<String> ELECTIVE_METHODS = List.of("11", "12", "13");
    static final int[] WINDOWS = {90, 180, 365};

    /** The bronze tables (by feed name), the person index and the lake key that hashed it. */
    public record Inputs(Map<String, Dataset<Row>> bronze, Dataset<Row> personIndex, SecretKey lakeKey) {
        public Inputs {
            Objects.requireNonNull(bronze.get("patients"), "bronze patients is required");
        }

        /** A feed's bronze table; a field a file may leave out that the table lacks (it predates the field) is null. */
        Dataset<Row> feed(String name) {
            Dataset<Row> f = bronze.get(name);
            if (f == null || Feeds.all().stream().noneMatch(c -> c.name().equals(name))) {
                return f;
            }
            for (FieldSpec s : Feeds.byName(name).fields()) {
                if (s.whenAbsent() != null && !List.of(f.columns()).contains(s.name())) {
                    f = f.withColumn(s.name(), lit(null).cast(s.type().sparkType()));
                }
            }
            return f;
        }
    }

    private PersonFeatures() {
    }

    /** The features of every person in the population at {@code referenceDate}. */
    public static Dataset<Row> compute(Inputs in, LocalDate referenceDate) {
        Column ref = lit(referenceDate.toString()).cast(DataTypes.DateType);
        Dataset<Row> base = population(in, ref, referenceDate);
        List<Dataset<Row>> parts = new ArrayList<>();
        parts.add(hospital(in, ref));
        parts.add(counted(in, "ecds", "arrival_date", "ae", lit(true), ref));
        parts.add(counted(in, "outpatients", "appointment_date", "outpatient", col("attendance_status").isin("5", "6"), ref));
        parts.add(counted(in, "gp_appointments", "appointment_date", "gp", col("attended"), ref));
        // a contact the person did not come to is no contact; a file that does not say counts every one
        parts.add(counted(in, "community", "contact_date", "community", attended(), ref));
        parts.add(mentalHealth(in, ref));
        parts.add(prescribing(in, ref));
        parts.add(conditions(in, ref));
        parts.add(continuingCare(in, ref));
        parts.add(socialCare(in, ref));
        parts.add(childrensSocialCare(in, ref));
        parts.add(education(in, ref));
        parts.add(wheelchairAndPhb(in, ref));
        Dataset<Row> out = base;
        for (Dataset<Row> p : parts) {
            if (p != null) {
                out = out.join(p, new String[] {"person_id"}, "left");
            }
        }
        return finish(out, ref);
    }

    /** People registered, alive, at the reference date, with demographics and area. */
    static Dataset<Row> population(Inputs in, Column ref, LocalDate referenceDate) {
        Dataset<Row> spells = withPerson(in, in.feed("patients"), "patients", "nhs_token")
                .filter(col("registered_from").leq(ref)
                        .and(col("registered_to").isNull().or(col("registered_to").gt(ref)))
                        .and(col("date_of_death").isNull().or(col("date_of_death").gt(ref))));
        Dataset<Row> latest = spells.groupBy("person_id").agg(
                max_by(col("lsoa_code"), col("registered_from")).alias("lsoa_code"),
                max_by(col("practice_code"), col("registered_from")).alias("practice_code"),
                max_by(col("ethnicity"), col("registered_from")).alias("ethnicity"),
                max_by(col("birth_year"), col("registered_from")).alias("birth_year"),
                max_by(col("sex"), col("registered_from")).alias("sex"));
        Dataset<Row> out = latest;
        if (in.feed("ref_lsoa") != null) {
            out = out.join(in.feed("ref_lsoa").select("lsoa_code", "imd_decile", "la_code"), new String[] {"lsoa_code"}, "left");
        } else {
            out = out.withColumn("imd_decile", lit(null).cast("int")).withColumn("la_code", lit(null).cast("string"));
        }
        if (in.feed("ref_practices") != null) {
            out = out.join(in.feed("ref_practices").select("practice_code", "pcn_code", "sub_icb_code", "icb_code"),
                    new String[] {"practice_code"}, "left");
        } else {
            out = out.withColumn("pcn_code", lit(null).cast("string")).withColumn("sub_icb_code", lit(null).cast("string"))
                    .withColumn("icb_code", lit(null).cast("string"));
        }
        Column age = lit(referenceDate.getYear()).minus(col("birth_year"));
        return out.withColumn("age", age)
                .withColumn("age_band", ageBand(age))
                .withColumn("imd_quintile", when(col("imd_decile").isNotNull(), col("imd_decile").plus(1).divide(2).cast("int")))
                .withColumn("core20", col("imd_decile").leq(2))
                .drop("lsoa_code", "birth_year");
    }

    /** Five-year bands to 90+, the bands national publications use. */
    public static Column ageBand(Column age) {
        Column lower = when(age.geq(90), lit(90)).otherwise(age.divide(5).cast("int").multiply(5));
        return when(age.isNull(), lit("unknown")).when(age.geq(90), lit("90+"))
                .otherwise(org.apache.spark.sql.functions.concat(lower.cast("string"), lit("-"), lower.plus(4).cast("string")));
    }

    /** Attaches person_id to rows of a feed through the person index (inner join: rows without a person drop out). */
    public static Dataset<Row> withPerson(Inputs in, Dataset<Row> feed, String source, String tokenColumn) {
        return PersonIndex.withPerson(feed, source, tokenColumn, in.personIndex(), in.lakeKey());
    }

    /** Rows of each event feed that reached a person, and that did not: the attrition of the feature step. */
    public static Dataset<Row> attrition(Inputs in) {
        Dataset<Row> out = null;
        for (String[] f : new String[][] {{"apc_spells", "patients", "nhs_token"}, {"ecds", "patients", "nhs_token"},
            {"outpatients", "patients", "nhs_token"}, {"gp_appointments", "patients", "nhs_token"},
            {"asc_cld", "asc_cld", "la_person_token"}, {"csc", "csc", "child_token"}, {"ehcp", "education", "pupil_token"}, {"school_census", "education", "pupil_token"}}) {
            Dataset<Row> feed = in.feed(f[0]);
            if (feed == null) {
                continue;
            }
            Dataset<Row> index = in.personIndex().filter(col("source").equalTo(f[1])).select(col("entity_hash"), lit(true).alias("hit"));
            Dataset<Row> a = feed.withColumn("entity_hash", PersonIndex.entityHash(in.lakeKey(), lit(f[1]), col(f[2])))
                    .join(index, new String[] {"entity_hash"}, "left")
                    .agg(count(lit(1)).alias("rows_in"), sum(when(col("hit").isNotNull(), 1).otherwise(0)).alias("rows_with_person"))
                    .withColumn("feed", lit(f[0]));
            out = out == null ? a : out.unionByName(a);
        }
        return out;
    }

    private static Column within(Column date, Column ref, int days) {
        return date.leq(ref).and(date.gt(date_sub(ref, days)));
    }

    /** Days of [start, end] inside (ref - days, ref]; end null means ongoing. */
    public static Column overlapDays(Column start, Column end, Column ref, int days) {
        Column from = greatest(start, date_sub(ref, days - 1));
        Column to = least(coalesce(end, ref), ref);
        return greatest(lit(0), datediff(to, from).plus(1));
    }

    static Dataset<Row> hospital(Inputs in, Column ref) {
        Dataset<Row> apc = in.feed("apc_spells");
        if (apc == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, apc, "patients", "nhs_token").filter(col("admission_date").leq(ref));
        Column emergency = col("admission_method").isin(EMERGENCY_METHODS.toArray());
        Column elective = col("admission_method").isin(ELECTIVE_METHODS.toArray());
        List<Column> aggs = new ArrayList<>();
        for (int w : WINDOWS) {
            aggs.add(sum(when(within(col("admission_date"), ref, w).and(emergency), 1).otherwise(0)).alias("emergency_admissions_" + w + "d"));
            aggs.add(sum(when(within(col("admission_date"), ref, w).and(elective), 1).otherwise(0)).alias("elective_admissions_" + w + "d"));
            aggs.add(sum(overlapDays(col("admission_date"), col("discharge_date"), ref, w)).alias("bed_days_" + w + "d"));
        }
        aggs.add(sum(when(within(col("admission_date"), ref, 365), col("cost")).otherwise(lit(0))).alias("spend_apc"));
        return e.groupBy("person_id").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    static Dataset<Row> counted(Inputs in, String feed, String dateColumn, String name, Column counts, Column ref) {
        Dataset<Row> f = in.feed(feed);
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "patients", "nhs_token").filter(col(dateColumn).leq(ref));
        List<Column> aggs = new ArrayList<>();
        for (int w : WINDOWS) {
            aggs.add(sum(when(within(col(dateColumn), ref, w).and(counts), 1).otherwise(0)).alias(name + "_contacts_" + w + "d"));
        }
        aggs.add(sum(when(within(col(dateColumn), ref, 365), col("cost")).otherwise(lit(0))).alias("spend_" + name));
        return e.groupBy("person_id").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /** Attended (5, 6), or not said: phb's own layout carries no attendance for community and mental health contacts. */
    static Column attended() {
        return col("attendance_status").isNull().or(col("attendance_status").isin("5", "6"));
    }

    static Dataset<Row> mentalHealth(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("mental_health");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "patients", "nhs_token").filter(col("start_date").leq(ref));
        List<Column> aggs = new ArrayList<>();
        for (int w : WINDOWS) {
            aggs.add(sum(when(within(col("start_date"), ref, w).and(col("event_type").equalTo("CONTACT")).and(attended()), 1).otherwise(0))
                    .alias("mental_health_contacts_" + w + "d"));
        }
        // section 117 after-care follows detention for treatment (s3), by hospital order (s37), hospital direction (s45A) or
        // transfer from prison (s47, s48)
        aggs.add(max(when(col("event_type").equalTo("DETENTION").and(col("mha_section").isin("3", "37", "45A", "47", "48")), 1).otherwise(0))
                .cast("boolean").alias("s117"));
        aggs.add(sum(when(within(col("start_date"), ref, 365), col("cost")).otherwise(lit(0))).alias("spend_mental_health"));
        return e.groupBy("person_id").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    static Dataset<Row> prescribing(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("prescriptions");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "patients", "nhs_token").filter(col("period_month").leq(ref));
        // medicines in the last three months: the eFI's polypharmacy deficit is five or more
        Column recent = within(col("period_month"), ref, 92);
        return e.groupBy("person_id").agg(
                max(when(recent, col("distinct_medicines")).otherwise(lit(0))).alias("medicines"),
                sum(when(within(col("period_month"), ref, 365), col("cost")).otherwise(lit(0))).alias("spend_prescribing"));
    }

    static Dataset<Row> conditions(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("gp_conditions");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "patients", "nhs_token").filter(col("recorded_date").leq(ref));
        List<Column> aggs = new ArrayList<>();
        for (String c : LTC) {
            aggs.add(max(when(col("condition_code").equalTo(c), 1).otherwise(0)).cast("boolean").alias("ltc_" + c.toLowerCase()));
        }
        aggs.add(countDistinct(when(col("condition_code").isin(LTC.toArray()), col("condition_code"))).alias("ltc_count"));
        Map<String, List<String>> deficits = efiDeficits();
        List<Column> deficitFlags = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<String>> d : deficits.entrySet()) {
            if (d.getValue().isEmpty()) {
                continue;
            }
            String alias = "efi_d" + (i++);
            aggs.add(max(when(col("condition_code").isin(d.getValue().toArray()), 1).otherwise(0)).alias(alias));
            deficitFlags.add(col(alias));
        }
        Column sumFlags = deficitFlags.stream().reduce(lit(0), Column::plus);
        String[] flagNames = new String[i];
        for (int k = 0; k < i; k++) {
            flagNames[k] = "efi_d" + k;
        }
        return e.groupBy("person_id").agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .withColumn("efi_coded_deficits", sumFlags)
                .drop(flagNames);
    }

    /** eFI deficit -> the condition codes that record it (empty for derived deficits such as polypharmacy). */
    static Map<String, List<String>> efiDeficits() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        var in = Objects.requireNonNull(CodeLists.class.getResourceAsStream("reference/efi_deficits.csv"), "efi_deficits.csv");
        for (Csv.Row r : Csv.rows("efi_deficits.csv", new InputStreamReader(in, StandardCharsets.UTF_8), List.of("deficit", "source"))) {
            String source = r.get("source");
            out.put(r.get("deficit"), source.startsWith("derived:") ? List.of() : List.of(source.split("\\|")));
        }
        return out;
    }

    static Dataset<Row> continuingCare(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("chc");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "patients", "nhs_token")
                .filter(col("decision").equalTo("ELIGIBLE").and(col("decision_date").leq(ref)));
        Column active = col("package_start").leq(ref).and(col("package_end").isNull().or(col("package_end").geq(ref)));
        Column weekly = coalesce(col("weekly_cost"), lit(0));
        return e.groupBy("person_id").agg(
                max(when(active.and(col("pathway").equalTo("STANDARD")), 1).otherwise(0)).cast("boolean").alias("chc"),
                max(when(active.and(col("pathway").equalTo("FAST_TRACK")), 1).otherwise(0)).cast("boolean").alias("fast_track"),
                max(when(active.and(col("pathway").equalTo("CHILDREN")), 1).otherwise(0)).cast("boolean").alias("childrens_continuing_care"),
                sum(weekly.multiply(overlapDays(col("package_start"), col("package_end"), ref, 365)).divide(7))
                        .alias("spend_continuing_care"));
    }

    static Dataset<Row> socialCare(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("asc_cld");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "asc_cld", "la_person_token")
                .filter(col("event_type").equalTo("Service").and(col("event_start").leq(ref)));
        Column active = col("event_end").isNull().or(col("event_end").geq(ref));
        Column weekly = when(col("cost_frequency_unit_type").equalTo("Hourly"),
                coalesce(col("unit_cost"), lit(0)).multiply(coalesce(col("planned_units_per_week"), lit(0))))
                .when(col("cost_frequency_unit_type").equalTo("Weekly"), coalesce(col("unit_cost"), lit(0)))
                .otherwise(lit(0));
        Column oneOff = when(col("cost_frequency_unit_type").equalTo("One-off").and(within(col("event_start"), ref, 365)),
                coalesce(col("unit_cost"), lit(0))).otherwise(lit(0));
        Column lts = col("service_type").startsWith("LTS_");
        return e.groupBy("person_id").agg(
                max_by(when(active.and(lts), col("service_type")), when(active.and(lts), col("event_start"))).alias("asc_long_term_support"),
                max(when(active.and(col("delivery_mechanism").equalTo("DIRECT_PAYMENT")), 1).otherwise(0)).cast("boolean")
                        .alias("asc_direct_payment"),
                sum(weekly.multiply(overlapDays(col("event_start"), col("event_end"), ref, 365)).divide(7).plus(oneOff))
                        .alias("spend_adult_social_care"));
    }

    static Dataset<Row> childrensSocialCare(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("csc");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, "csc", "child_token").filter(col("start_date").leq(ref));
        Column active = col("end_date").isNull().or(col("end_date").geq(ref));
        return e.groupBy("person_id").agg(
                max(when(active.and(col("episode_type").equalTo("CIN")), 1).otherwise(0)).cast("boolean").alias("child_in_need"),
                max(when(active.and(col("episode_type").equalTo("CPP")), 1).otherwise(0)).cast("boolean").alias("child_protection_plan"),
                max(when(active.and(col("episode_type").equalTo("CLA")), 1).otherwise(0)).cast("boolean").alias("looked_after"),
                sum(coalesce(col("placement_weekly_cost"), lit(0)).multiply(overlapDays(col("start_date"), col("end_date"), ref, 365))
                        .divide(7)).alias("spend_childrens_social_care"));
    }

    static Dataset<Row> education(Inputs in, Column ref) {
        Dataset<Row> f = in.feed("ehcp");
        if (f == null) {
            return null;
        }
        Dataset<Row> e = withPerson(in, f, LinkEntities.EDUCATION.name(), "pupil_token").filter(col("start_date").leq(ref));
        Column active = col("end_date").isNull().or(col("end_date").geq(ref));
        return e.groupBy("person_id").agg(
                max(when(active, 1).otherwise(0)).cast("boolean").alias("ehcp"),
                max_by(when(active, col("primary_need")), when(active, col("start_date"))).alias("ehcp_primary_need"),
                sum(col("annual_cost").multiply(overlapDays(col("start_date"), col("end_date"), ref, 365)).divide(365))
                        .alias("spend_education"));
    }

    static Dataset<Row> wheelchairAndPhb(Inputs in, Column ref) {
        Dataset<Row> out = null;
        if (in.feed("wheelchair") != null) {
            out = withPerson(in, in.feed("wheelchair"), "patients", "nhs_token")
                    .filter(col("long_term_user").and(coalesce(col("provision_date"), col("referral_date")).leq(ref)))
                    .groupBy("person_id").agg(lit(true).alias("wheelchair"));
        }
        if (in.feed("phb_register") != null) {
            Dataset<Row> phb = withPerson(in, in.feed("phb_register"), "patients", "nhs_token")
                    .filter(col("start_date").leq(ref).and(col("end_date").isNull().or(col("end_date").geq(ref))))
                    .groupBy("person_id").agg(lit(true).alias("has_phb"),
                            max_by(col("eligibility_group"), col("start_date")).alias("phb_group"));
            out = out == null ? phb : out.join(phb, new String[] {"person_id"}, "full_outer");
        }
        return out;
    }

    /** Count columns: zero when a person had no such event, or the feed is absent. */
    static List<String> countColumns() {
        List<String> out = new ArrayList<>();
        for (int w : WINDOWS) {
            for (String n : List.of("emergency_admissions_", "elective_admissions_", "bed_days_", "ae_contacts_", "outpatient_contacts_",
                    "gp_contacts_", "community_contacts_", "mental_health_contacts_")) {
                out.add(n + w + "d");
            }
        }
        out.addAll(List.of("ltc_count", "medicines", "efi_coded_deficits"));
        return out;
    }

    /** Flag columns: false when absent. */
    static List<String> flagColumns() {
        List<String> out = new ArrayList<>();
        for (String c : LTC) {
            out.add("ltc_" + c.toLowerCase());
        }
        out.addAll(List.of("s117", "chc", "fast_track", "childrens_continuing_care", "asc_direct_payment", "child_in_need",
                "child_protection_plan", "looked_after", "ehcp", "wheelchair", "has_phb"));
        return out;
    }

    /** Fills absences with zero/false, adds derived features, money as decimal(18,2). */
    static Dataset<Row> finish(Dataset<Row> d, Column ref) {
        // each step is one projection: a withColumn per column re-analyses the whole plan every time
        List<String> cols = List.of(d.columns());
        Map<String, Column> filled = new LinkedHashMap<>();
        for (String c : countColumns()) {
            filled.put(c, cols.contains(c) ? coalesce(col(c), lit(0)).cast("int") : lit(0));
        }
        for (String c : flagColumns()) {
            filled.put(c, cols.contains(c) ? coalesce(col(c), lit(false)) : lit(false));
        }
        for (String c : List.of("asc_long_term_support", "ehcp_primary_need", "phb_group")) {
            if (!cols.contains(c)) {
                filled.put(c, lit(null).cast("string"));
            }
        }
        for (String[] s : new String[][] {{"apc", "acute"}, {"ae", "acute"}, {"outpatient", "acute"}, {"gp", "primary_care"},
            {"community", "community"}}) {
            if (!cols.contains("spend_" + s[0])) {
                filled.put("spend_" + s[0], lit(0));
            }
        }
        Dataset<Row> out = d.withColumns(filled);
        out = out.withColumn("spend_acute", coalesce(col("spend_apc"), lit(0)).plus(coalesce(col("spend_ae"), lit(0)))
                        .plus(coalesce(col("spend_outpatient"), lit(0))))
                .withColumn("spend_primary_care", coalesce(col("spend_gp"), lit(0)))
                .drop("spend_apc", "spend_ae", "spend_outpatient", "spend_gp");
        cols = List.of(out.columns());
        Map<String, Column> money = new LinkedHashMap<>();
        for (String sector : SECTORS) {
            String c = "spend_" + sector;
            money.put(c, org.apache.spark.sql.functions.round(cols.contains(c) ? coalesce(col(c), lit(0)) : lit(0), 2)
                    .cast(DataTypes.createDecimalType(18, 2)));
        }
        out = out.withColumns(money);
        Column total = SECTORS.stream().map(s -> col("spend_" + s)).reduce(lit(0), Column::plus);
        Column polypharmacy = col("medicines").geq(5);
        Column efi = col("efi_coded_deficits").plus(when(polypharmacy, 1).otherwise(0)).divide(36.0);
        Column health = col("emergency_admissions_365d").plus(col("elective_admissions_365d")).plus(col("ae_contacts_365d"))
                .plus(col("outpatient_contacts_365d")).plus(col("gp_contacts_365d")).gt(0)
                .or(col("chc")).or(col("fast_track")).or(col("childrens_continuing_care"));
        Column social = col("asc_long_term_support").isNotNull().or(col("child_in_need")).or(col("child_protection_plan"))
                .or(col("looked_after"));
        Map<String, Column> derived = new LinkedHashMap<>();
        derived.put("spend_total", total.cast(DataTypes.createDecimalType(18, 2)));
        derived.put("polypharmacy_5", polypharmacy);
        derived.put("polypharmacy_10", col("medicines").geq(10));
        derived.put("efi_score", org.apache.spark.sql.functions.round(efi, 4));
        derived.put("efi_category", when(efi.leq(0.12), lit("fit")).when(efi.leq(0.24), lit("mild"))
                .when(efi.leq(0.36), lit("moderate")).otherwise(lit("severe")));
        derived.put("multimorbidity_score", col("ltc_count"));
        derived.put("ld_autism", col("ltc_ld").or(col("ltc_aut")));
        derived.put("sectors_involved", when(health, 1).otherwise(0).plus(when(social, 1).otherwise(0))
                .plus(when(col("ehcp"), 1).otherwise(0)));
        derived.put("reference_date", ref);
        return out.withColumns(derived).drop("efi_coded_deficits");
    }
}
