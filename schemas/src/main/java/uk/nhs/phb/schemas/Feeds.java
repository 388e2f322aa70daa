package uk.nhs.phb.schemas;

import static uk.nhs.phb.schemas.FieldSpec.optional;
import static uk.nhs.phb.schemas.FieldSpec.required;
import static uk.nhs.phb.schemas.FieldType.BOOLEAN;
import static uk.nhs.phb.schemas.FieldType.DATE;
import static uk.nhs.phb.schemas.FieldType.DECIMAL;
import static uk.nhs.phb.schemas.FieldType.INTEGER;
import static uk.nhs.phb.schemas.FieldType.STRING;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of landing feeds. Shapes follow the national data sets they stand for (SUS/HES, ECDS,
 * GP data, CSDS, MHSDS, ASC Client Level Data, CIN census, SEN2, the PHB collection); see docs/FEEDS.md.
 *
 * <p>Identifiers arrive only as keyed tokens (HMAC-SHA256, base64url, 43 characters) and keyed Bloom
 * encodings; the plain values never reach us.
 */
public final class Feeds {
    /** base64url, no padding, of a 32-byte HMAC-SHA256. */
    public static final String TOKEN_PATTERN = "[A-Za-z0-9_-]{43}";
    /** base64 (standard alphabet, padded) of a 1024-bit Bloom filter = 128 bytes = 171 characters and one "=". */
    public static final String BLOOM_PATTERN = "[A-Za-z0-9+/]{171}=";
    public static final String ICD10_PATTERN = "[A-Z][0-9]{2}(\\.?[0-9X])?[0-9]?";
    /**
     * An ICD-10 code as the NHS Data Dictionary writes it in commissioning data sets: no dot, a three-character code
     * filled with X ({@code J18.9} and {@code J189} are {@code J189}; {@code I10} and {@code I10X} are {@code I10X}).
     */
    static String icd10Canonical(String field) {
        return "CASE WHEN " + field + " RLIKE '^[A-Z][0-9]{2}$' THEN concat(" + field + ", 'X') ELSE replace(" + field + ", '.', '') END";
    }
    public static final String PRACTICE_PATTERN = "[A-Z][0-9]{5}";
    public static final String LSOA_PATTERN = "E01[0-9]{6}";
    /** Organisation code of the provider (trust level: 3 characters; NHS trusts start with R, independent sector providers with other letters). */
    public static final String PROVIDER_PATTERN = "[A-Z0-9]{3}";
    public static final String HRG_PATTERN = "[A-Z]{2}[0-9]{2}[A-Z]";
    public static final String LA_PATTERN = "E0[6-9][0-9]{6}";

    private static final String DSCRO = "DSCRO (pseudonymised NHS data)";
    private static final String LA = "local authority";
    private static final String EDUCATION = "local authority education (SEN2)";
    private static final String SCHOOL_CENSUS = "local authority education (school census, pupil level)";
    private static final String ICB = "ICB PHB team";
    private static final String REFERENCE = "reference data (ODS, MHCLG)";
    private static final String OPT_OUTS = "DSCRO (national data opt-outs from NHS England's service; type 1 opt-outs from GP systems)";

    private static final List<FeedContract> ALL = build();
    private static final Map<String, FeedContract> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(FeedContract::name, Function.identity()));

    private Feeds() {
    }

    /** Every feed, in the order ingest processes them. */
    public static List<FeedContract> all() {
        return ALL;
    }

    public static FeedContract byName(String name) {
        FeedContract c = BY_NAME.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown feed '" + name + "'; known feeds: " + BY_NAME.keySet());
        }
        return c;
    }

    private static FieldSpec id(String name, String description) {
        return required(name, STRING, description).pattern("[A-Za-z0-9_-]{1,40}").build();
    }

    private static FieldSpec nhsToken(boolean requiredField) {
        String d = "keyed token of the NHS number (HMAC-SHA256 by the data provider)";
        return (requiredField ? required("nhs_token", STRING, d) : optional("nhs_token", STRING, d + "; blank when not known"))
                .pattern(TOKEN_PATTERN).build();
    }

    /** Whether the person came: a file may leave it out (every row then counts as attended, as phb's layout always did). */
    private static FieldSpec attendance(String what) {
        return optional("attendance_status", STRING, "attended or did not attend, for a " + what + " (5, 6 attended; 7 late, "
                + "not seen; 2, 4 cancelled; 3 did not attend)").codes("attendance_status").unknownAs("9").whenAbsent("NULL").build();
    }

    private static FieldSpec cost(String name, String description) {
        return required(name, DECIMAL, description).range(0, 5_000_000).build();
    }

    /**
     * Where a row's cost came from and the financial year of the price used: a file in phb's own layout may leave
     * both out (its costs are then recorded ones); a dataset profile prices what arrives uncosted.
     */
    private static List<FieldSpec> costSource() {
        return List.of(
                optional("cost_source", STRING, "recorded (sent with the data), tariff (HRG national price), unit_cost "
                        + "(national unit cost), local (the ICB's own price list)").codes("cost_source")
                        .whenAbsent("CASE WHEN cost IS NOT NULL AND trim(cost) <> '' THEN 'recorded' END").build(),
                optional("price_year", INTEGER, "first year of the financial year of the price used (blank for recorded costs)")
                        .range(2000, 2100).whenAbsent("CAST(NULL AS STRING)").build());
    }

    private static FieldSpec hrg(String description) {
        return optional("hrg_code", STRING, description).pattern(HRG_PATTERN).whenAbsent("CAST(NULL AS STRING)").build();
    }

    private static FieldSpec date(String name, String description) {
        return required(name, DATE, description).notFuture().build();
    }

    private static FieldSpec optionalDate(String name, String description) {
        return optional(name, DATE, description).notFuture().build();
    }

    /** The demographic encodings a provider attaches where a record may lack an NHS-number token. */
    private static List<FieldSpec> demographicEncodings() {
        return List.of(
                optional("name_bloom", STRING, "Bloom-filter encoding (CLK, 1024 bits) of given and family name bigrams")
                        .pattern(BLOOM_PATTERN).build(),
                optional("dob_token", STRING, "keyed token of the full date of birth").pattern(TOKEN_PATTERN).build(),
                optional("dob_ym_token", STRING, "keyed token of year and month of birth").pattern(TOKEN_PATTERN).build(),
                optional("dob_dm_token", STRING, "keyed token of year with day and month unordered (agrees when day and month are swapped)")
                        .pattern(TOKEN_PATTERN).build(),
                optional("postcode_token", STRING, "keyed token of the normalised postcode").pattern(TOKEN_PATTERN).build(),
                optional("postcode_district_token", STRING, "keyed token of the postcode outward code").pattern(TOKEN_PATTERN).build(),
                optional("birth_year", INTEGER, "year of birth").range(1900, 2100).build(),
                optional("sex", STRING, "sex (NHS data dictionary: 1 male, 2 female, 9 not specified, 0 not known)").codes("sex").build());
    }

    private static List<FieldSpec> fields(Object... parts) {
        List<FieldSpec> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof FieldSpec f) {
                out.add(f);
            } else if (p instanceof List<?> l) {
                l.forEach(x -> out.add((FieldSpec) x));
            } else {
                throw new IllegalArgumentException(String.valueOf(p));
            }
        }
        return out;
    }

    private static List<FeedContract> build() {
        List<FeedContract> feeds = new ArrayList<>();

        feeds.add(new FeedContract("ref_practices", REFERENCE,
                "GP practices with their Primary Care Network, Sub-ICB Location and ICB (ODS-style codes).",
                fields(
                        required("practice_code", STRING, "ODS practice code").pattern(PRACTICE_PATTERN).build(),
                        required("pcn_code", STRING, "Primary Care Network code").pattern("U[0-9]{5}").build(),
                        required("sub_icb_code", STRING, "Sub-ICB Location code (a former CCG)").pattern("[0-9]{2}[A-Z0-9]").build(),
                        required("icb_code", STRING, "ICB ODS code").pattern("Q[A-Z0-9]{2}").build(),
                        required("list_size", INTEGER, "registered list size at extract").range(0, 200_000).build()),
                List.of("practice_code"), List.of(), IdentityLevel.AGGREGATE));

        feeds.add(new FeedContract("ref_lsoa", REFERENCE,
                "Lower-layer super output areas with their IMD 2019 decile (1 = most deprived) and local authority.",
                fields(
                        required("lsoa_code", STRING, "LSOA 2011 code").pattern(LSOA_PATTERN).build(),
                        required("imd_decile", INTEGER, "IMD 2019 decile, 1 most deprived").range(1, 10).build(),
                        required("la_code", STRING, "local authority district code").pattern(LA_PATTERN).build()),
                List.of("lsoa_code"), List.of(), IdentityLevel.AGGREGATE));

        feeds.add(new FeedContract("patients", DSCRO,
                "GP registrations with demographics: one row per registration spell (a move within the area starts a new spell).",
                fields(
                        id("record_id", "registration spell id"),
                        nhsToken(true),
                        demographicEncodings(),
                        required("ethnicity", STRING, "ethnic category (NHS data dictionary codes A-S, Z not stated)").codes("ethnicity").unknownAs("Z").build(),
                        required("lsoa_code", STRING, "LSOA of residence").pattern(LSOA_PATTERN).build(),
                        required("practice_code", STRING, "registered GP practice").pattern(PRACTICE_PATTERN).build(),
                        date("registered_from", "registration start (birth date for people born in the area)"),
                        optionalDate("registered_to", "registration end (moved away, moved within, or died)"),
                        optionalDate("date_of_death", "date of death")),
                List.of("record_id"),
                List.of(new RowRule("end_before_start", "registered_to >= registered_from",
                        "registration ends before it starts: check the spell dates")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("gp_conditions", DSCRO,
                "Long-term conditions and frailty deficits coded in primary care (first recorded date).",
                fields(
                        id("record_id", "coded entry id"),
                        nhsToken(true),
                        required("condition_code", STRING, "condition or eFI deficit group (reference list)").codes("conditions").build(),
                        date("recorded_date", "date first recorded")),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("gp_appointments", DSCRO,
                "GP practice appointments (GPAD-style).",
                fields(
                        id("record_id", "appointment id"),
                        nhsToken(true),
                        date("appointment_date", "appointment date"),
                        required("hcp_type", STRING, "clinician type").codes("hcp_type").build(),
                        required("appointment_mode", STRING, "face to face, telephone, home visit, video").codes("appointment_mode").build(),
                        required("attended", BOOLEAN, "Y attended, N did not attend").build(),
                        cost("cost", "unit cost of the appointment (GBP)"),
                        costSource()),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("prescriptions", DSCRO,
                "Primary care prescribing, one row per person and month.",
                fields(
                        id("record_id", "row id"),
                        nhsToken(true),
                        date("period_month", "first day of the month"),
                        required("distinct_medicines", INTEGER, "distinct medicines (BNF chemical substances) issued").range(0, 60).build(),
                        required("items", INTEGER, "prescription items").range(0, 500).build(),
                        cost("cost", "net ingredient cost (GBP)")),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("apc_spells", DSCRO,
                "Admitted patient care spells (SUS/HES style).",
                fields(
                        id("spell_id", "hospital provider spell id"),
                        nhsToken(true),
                        required("provider_code", STRING, "provider organisation code (3 characters: NHS trusts start with R)").pattern(PROVIDER_PATTERN).build(),
                        date("admission_date", "admission date"),
                        optionalDate("discharge_date", "discharge date (blank while in hospital)"),
                        required("admission_method", STRING, "admission method (11-13 elective, 21-28/2A-2D emergency, 31-32 maternity, 81-83 other)").codes("admission_method").unknownAs("99").build(),
                        required("primary_diagnosis", STRING, "primary diagnosis, ICD-10 (with or without the dot; kept without it, a three-character code filled with X, as commissioning data sets write it)").pattern(ICD10_PATTERN)
                                .canonical(icd10Canonical("primary_diagnosis")).build(),
                        required("hrg_code", STRING, "HRG4+ code").pattern(HRG_PATTERN).build(),
                        cost("cost", "spell cost (GBP, tariff)"),
                        costSource()),
                List.of("spell_id"),
                List.of(new RowRule("discharge_before_admission", "discharge_date >= admission_date",
                        "the spell is discharged before it is admitted: check both dates")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("ecds", DSCRO,
                "Emergency care attendances (ECDS style).",
                fields(
                        id("attendance_id", "attendance id"),
                        nhsToken(true),
                        required("provider_code", STRING, "provider organisation code (3 characters: NHS trusts start with R)").pattern(PROVIDER_PATTERN).build(),
                        date("arrival_date", "arrival date"),
                        required("department_type", STRING, "01 major A&E, 02 single specialty, 03 UTC/minor injury, 04 walk-in").codes("department_type").unknownAs("99").build(),
                        hrg("emergency care HRG (VB codes)"),
                        cost("cost", "attendance cost (GBP)"),
                        costSource()),
                List.of("attendance_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("outpatients", DSCRO,
                "Outpatient appointments (SUS/HES style).",
                fields(
                        id("appointment_id", "appointment id"),
                        nhsToken(true),
                        required("provider_code", STRING, "provider organisation code (3 characters: NHS trusts start with R)").pattern(PROVIDER_PATTERN).build(),
                        date("appointment_date", "appointment date"),
                        required("first_attendance", STRING, "1 first, 2 follow-up (face to face); 3 first, 4 follow-up (telephone or video); 5 RTT clock-stop administrative event").codes("first_attendance").unknownAs("9").build(),
                        required("treatment_function", STRING, "treatment function code (NHS Data Dictionary; the list changes yearly, so any "
                                + "three-digit code is accepted)").pattern("[0-9]{3}").build(),
                        required("attendance_status", STRING, "5/6 attended, 7 late not seen, 2/4 cancelled, 3 did not attend").codes("attendance_status").unknownAs("9").build(),
                        hrg("outpatient HRG (WF codes for attendances without a procedure)"),
                        cost("cost", "appointment cost (GBP, zero when not attended)"),
                        costSource()),
                List.of("appointment_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("community", DSCRO,
                "Community health service contacts (CSDS style).",
                fields(
                        id("contact_id", "contact id"),
                        nhsToken(true),
                        date("contact_date", "contact date"),
                        required("service_type", STRING, "community service").codes("community_service").unknownAs("OTHER").build(),
                        attendance("contact"),
                        cost("cost", "contact cost (GBP)"),
                        costSource()),
                List.of("contact_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("mental_health", DSCRO,
                "Mental health service events (MHSDS style): contacts, inpatient stays and Mental Health Act detentions.",
                fields(
                        id("event_id", "event id"),
                        nhsToken(true),
                        required("event_type", STRING, "CONTACT, INPATIENT, DETENTION").codes("mh_event_type").build(),
                        date("start_date", "event start"),
                        optionalDate("end_date", "event end (stays and detentions)"),
                        optional("mha_section", STRING, "Mental Health Act section for detentions").codes("mha_section").build(),
                        required("service", STRING, "team or service").codes("mh_service").unknownAs("OTHER").build(),
                        attendance("contact"),
                        cost("cost", "event cost (GBP)"),
                        costSource()),
                List.of("event_id"),
                List.of(new RowRule("end_before_start", "end_date >= start_date", "the event ends before it starts"),
                        new RowRule("detention_without_section", "event_type <> 'DETENTION' OR mha_section IS NOT NULL",
                                "a detention must name its Mental Health Act section")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("chc", DSCRO,
                "NHS Continuing Healthcare and children's continuing care: referrals, decisions and packages.",
                fields(
                        id("record_id", "referral id"),
                        nhsToken(true),
                        required("pathway", STRING, "STANDARD, FAST_TRACK, CHILDREN").codes("chc_pathway").build(),
                        date("referral_date", "referral date"),
                        optionalDate("decision_date", "eligibility decision date"),
                        optional("decision", STRING, "ELIGIBLE, NOT_ELIGIBLE").codes("chc_decision").build(),
                        optionalDate("package_start", "care package start"),
                        optionalDate("package_end", "care package end"),
                        optional("setting", STRING, "HOME, CARE_HOME, NURSING_HOME, HOSPICE").codes("chc_setting").build(),
                        optional("weekly_cost", DECIMAL, "package cost per week (GBP)").range(0, 50_000).build()),
                List.of("record_id"),
                List.of(new RowRule("decision_before_referral", "decision_date >= referral_date", "decided before referred"),
                        new RowRule("package_end_before_start", "package_end >= package_start", "package ends before it starts")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("wheelchair", DSCRO,
                "NHS wheelchair service referrals and provision.",
                fields(
                        id("record_id", "referral id"),
                        nhsToken(true),
                        date("referral_date", "referral date"),
                        optionalDate("provision_date", "chair provided"),
                        required("long_term_user", BOOLEAN, "Y when the chair is for long-term use (over 6 months)").build(),
                        required("chair_type", STRING, "MANUAL, POWERED, SPECIALIST").codes("chair_type").build(),
                        optional("chair_cost", DECIMAL, "cost of the chair the NHS provides (GBP)").range(0, 100_000).build()),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("phb_register", ICB,
                "The ICB's register of personal health budgets.",
                fields(
                        id("phb_id", "budget id"),
                        nhsToken(true),
                        required("eligibility_group", STRING, "group the budget was offered under (reference list)").codes("phb_group").build(),
                        required("management_option", STRING, "NOTIONAL, THIRD_PARTY, DIRECT_PAYMENT, MIXED").codes("management_option").build(),
                        date("eligible_date", "date the person became eligible / was referred"),
                        optionalDate("indicative_shared_date", "date the indicative budget was shared with the person"),
                        optionalDate("plan_agreed_date", "date the care plan was agreed"),
                        date("start_date", "budget in place"),
                        optionalDate("end_date", "budget ended"),
                        required("annual_value", DECIMAL, "annual budget value (GBP)").range(0, 2_000_000).build()),
                List.of("phb_id"),
                List.of(new RowRule("end_before_start", "end_date >= start_date", "budget ends before it starts"),
                        new RowRule("start_before_eligible", "start_date >= eligible_date", "budget starts before eligibility")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("phb_reviews", ICB,
                "Scheduled reviews of personal health budgets.",
                fields(
                        id("review_id", "review id"),
                        id("phb_id", "budget id"),
                        date("due_date", "review due"),
                        optionalDate("review_date", "review held (blank if not yet held)")),
                List.of("review_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("phb_offers", ICB,
                "Offers of a personal health budget and their outcome, with the reason when declined.",
                fields(
                        id("offer_id", "offer id"),
                        nhsToken(true),
                        date("offer_date", "offer date"),
                        required("eligibility_group", STRING, "group offered under").codes("phb_group").build(),
                        required("outcome", STRING, "ACCEPTED, DECLINED, PENDING").codes("offer_outcome").build(),
                        optional("decline_reason", STRING, "reason given when declined").codes("decline_reason").build()),
                List.of("offer_id"),
                List.of(new RowRule("declined_without_reason", "outcome <> 'DECLINED' OR decline_reason IS NOT NULL",
                        "a declined offer must give its reason")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("asc_cld", LA,
                "Adult social care Client Level Data: Request, Assessment, Service and Review events.",
                fields(
                        id("event_id", "event id"),
                        required("la_code", STRING, "local authority").pattern(LA_PATTERN).build(),
                        required("la_person_token", STRING, "keyed token of the council's own person id").pattern(TOKEN_PATTERN).build(),
                        nhsToken(false),
                        demographicEncodings(),
                        optional("ethnicity", STRING, "ethnic category (mapped to NHS codes)").codes("ethnicity").build(),
                        required("client_type", STRING, "service user or carer").codes("asc_client_type").build(),
                        required("event_type", STRING, "Request, Assessment, Service, Review").codes("asc_event_type").build(),
                        date("event_start", "event start"),
                        optionalDate("event_end", "event end (blank while ongoing)"),
                        optional("service_type", STRING, "long/short term support type").codes("asc_service_type").build(),
                        optional("service_component", STRING, "service component").codes("asc_service_component").build(),
                        optional("delivery_mechanism", STRING, "how the service is delivered").codes("asc_delivery_mechanism").build(),
                        optional("primary_support_reason", STRING, "primary support reason").codes("asc_support_reason").build(),
                        optional("unit_cost", DECIMAL, "cost per unit (GBP)").range(0, 20_000).build(),
                        optional("cost_frequency_unit_type", STRING, "Hourly, Weekly, One-off").codes("asc_cost_unit").build(),
                        optional("planned_units_per_week", DECIMAL, "planned units per week").range(0, 168).build(),
                        optional("event_outcome", STRING, "outcome of the event").codes("asc_event_outcome").build()),
                List.of("event_id"),
                List.of(new RowRule("end_before_start", "event_end >= event_start", "the event ends before it starts"),
                        new RowRule("service_without_type", "event_type <> 'Service' OR service_type IS NOT NULL",
                                "a Service event must give its service type")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("csc", LA,
                "Children's social care (children in need census): child in need, child protection and looked-after episodes.",
                fields(
                        id("episode_id", "episode id"),
                        required("la_code", STRING, "local authority").pattern(LA_PATTERN).build(),
                        required("child_token", STRING, "keyed token of the council's child id").pattern(TOKEN_PATTERN).build(),
                        nhsToken(false),
                        demographicEncodings(),
                        required("episode_type", STRING, "CIN child in need, CPP child protection plan, CLA looked after").codes("csc_episode_type").build(),
                        date("start_date", "episode start"),
                        optionalDate("end_date", "episode end"),
                        optional("placement_weekly_cost", DECIMAL, "placement cost per week for looked-after children (GBP)").range(0, 50_000).build(),
                        optional("pupil_token", STRING, "keyed token of the child's unique pupil number, where the return gives one "
                                + "(the CIN census does): it meets the school census, whose names, date of birth and postcode then link a "
                                + "child the return names by ids alone").pattern(TOKEN_PATTERN).whenAbsent("CAST(NULL AS STRING)").build(),
                        optional("placement_type", STRING, "a looked-after episode's placement, as SSDA903's PLACE codes it (U1-U6 "
                                + "foster care, K2 a children's home ...); blank for other episodes").codes("cla_placement")
                                .whenAbsent("CAST(NULL AS STRING)").build()),
                List.of("episode_id"),
                List.of(new RowRule("end_before_start", "end_date >= start_date", "the episode ends before it starts")),
                IdentityLevel.PSEUDONYMISED));

        feeds.add(new FeedContract("ehcp", EDUCATION,
                "Education, health and care plans (SEN2 style). Education records never carry an NHS number.",
                fields(
                        id("ehcp_id", "plan id"),
                        required("la_code", STRING, "local authority").pattern(LA_PATTERN).build(),
                        required("pupil_token", STRING, "keyed token of the unique pupil number").pattern(TOKEN_PATTERN).build(),
                        demographicEncodings(),
                        date("start_date", "plan issued"),
                        optionalDate("end_date", "plan ceased"),
                        required("primary_need", STRING, "SEN primary need").codes("sen_primary_need").build(),
                        required("placement_type", STRING, "education setting").codes("ehcp_placement").build(),
                        optional("annual_cost", DECIMAL, "annual cost of the plan's provision (GBP, high-needs funding); blank when "
                                + "neither the data nor a price list gives one").range(0, 500_000).build(),
                        optional("cost_source", STRING, "recorded (sent with the data), unit_cost (a national average cost of a "
                                + "placement of its type), local (the council's own price list)").codes("cost_source")
                                .whenAbsent("CASE WHEN annual_cost IS NOT NULL AND trim(annual_cost) <> '' THEN 'recorded' END").build(),
                        optional("price_year", INTEGER, "first year of the financial year of the price used (blank for recorded costs)")
                                .range(2000, 2100).whenAbsent("CAST(NULL AS STRING)").build()),
                List.of("ehcp_id"),
                List.of(new RowRule("end_before_start", "end_date >= start_date", "the plan ends before it starts")),
                IdentityLevel.PSEUDONYMISED));

        // last, so adding it left every other feed's position (and the generator's random streams) unchanged
        feeds.add(new FeedContract("opt_outs", OPT_OUTS,
                "Patients' choices that their confidential information is not used beyond their individual care: national data "
                        + "opt-outs (NDOO, set with NHS England's service; apply to research and planning) and type 1 opt-outs "
                        + "(recorded at the GP practice; stop identifiable GP data leaving the practice for purposes other than care). "
                        + "The current list, replaced whole at each delivery: an opt-out the patient has withdrawn is absent.",
                fields(
                        id("record_id", "row id"),
                        nhsToken(true),
                        required("opt_out_type", STRING, "NDOO national data opt-out, TYPE1 type 1 (GP practice) opt-out").codes("opt_out_type").build(),
                        optionalDate("recorded_date", "date the opt-out was set (the national check gives none)"),
                        optional("listed_as", STRING, "OPTED_OUT: the person has this opt-out; CLEARED: the person was checked and "
                                + "may be used (the national check's answer), so everyone not listed CLEARED has the opt-out")
                                .codes("opt_out_listing").whenAbsent("'OPTED_OUT'").build()),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        // after opt_outs for the same reason
        feeds.add(new FeedContract("school_census", SCHOOL_CENSUS,
                "Pupils on roll at a census (the DfE school census, pupil level): the education spine. A pupil's UPN stays "
                        + "with them from school to school and council to council, so an EHC plan (SEN2) meets the pupil's names, "
                        + "date of birth and postcode here, which link the pupil to health records; the census carries no NHS number.",
                fields(
                        id("record_id", "row id"),
                        required("la_code", STRING, "the school's local authority").pattern(LA_PATTERN).build(),
                        optional("school_number", STRING, "the school's DfE number (local authority number and establishment number, "
                                + "7 digits)").pattern("[0-9]{7}").build(),
                        required("pupil_token", STRING, "keyed token of the unique pupil number").pattern(TOKEN_PATTERN).build(),
                        demographicEncodings(),
                        date("census_date", "census reference date (the census day the pupil was on roll)"),
                        optional("sen_provision", STRING, "special educational needs provision on census day: E EHC plan, K SEN support, "
                                + "N none").codes("sen_provision").build()),
                List.of("record_id"), List.of(), IdentityLevel.PSEUDONYMISED));

        return List.copyOf(feeds);
    }
}
