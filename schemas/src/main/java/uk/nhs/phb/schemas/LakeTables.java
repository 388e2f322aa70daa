package uk.nhs.phb.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.LakeTable.Layer;

/**
 * The catalogue of every table in the lake. Code names a table by these constants (never by a string), and reads it
 * through the catalogue, which checks the table has the columns this phb relies on. docs/ARCHITECTURE.md draws it.
 */
public final class LakeTables {
    private static final List<String> BY_DATE = List.of("reference_date");
    private static final List<String> UNPARTITIONED = List.of();

    /** Columns ingest adds to every bronze row: where it came from and which run landed it. */
    public static final StructType BRONZE_LINEAGE = StructType.fromDDL("_source_file STRING, _source_line BIGINT, _ingest_run_id STRING");

    /** One broken rule of a quarantined row: {@code rule}, {@code field} (null for row rules), {@code detail}. */
    public static final StructType PROBLEM = new StructType()
            .add("rule", DataTypes.StringType, false)
            .add("field", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true);

    /** Columns ingest adds to every quarantined row: its line as read and every rule it broke. */
    public static final StructType QUARANTINE_LINEAGE = new StructType()
            .add("_source_file", DataTypes.StringType).add("_source_line", DataTypes.LongType).add("_raw_line", DataTypes.StringType)
            .add("_rule", DataTypes.StringType).add("_field", DataTypes.StringType).add("_detail", DataTypes.StringType)
            .add("_rules", DataTypes.createArrayType(DataTypes.StringType)).add("_problems", DataTypes.createArrayType(PROBLEM))
            .add("_ingest_run_id", DataTypes.StringType);

    public static final LakeTable PERSON_INDEX = new LakeTable(Layer.SILVER, "person_index", StructType.fromDDL(
            "source STRING, entity_hash STRING, person_id STRING, method STRING, match_weight DOUBLE, match_probability DOUBLE"),
            UNPARTITIONED, "link", "Every source record's keyed identity hash and the person it was linked to, with how.");

    public static final LakeTable LINK_REVIEW = new LakeTable(Layer.SILVER, "link_review", StructType.fromDDL(
            "source STRING, entity_hash STRING, candidate_person_id STRING, match_weight DOUBLE, match_probability DOUBLE, reason STRING"),
            UNPARTITIONED, "link", "Record pairs the linker could not decide, for clerical review.");

    public static final LakeTable PERSON_FEATURES = new LakeTable(Layer.GOLD, "person_features", StructType.fromDDL(
            "person_id STRING, reference_date DATE, practice_code STRING, ethnicity STRING, sex STRING, imd_decile INTEGER, "
            + "la_code STRING, pcn_code STRING, sub_icb_code STRING, icb_code STRING, age INTEGER, age_band STRING, "
            + "imd_quintile INTEGER, core20 BOOLEAN, emergency_admissions_90d INTEGER, "
            + "elective_admissions_90d INTEGER, bed_days_90d INTEGER, emergency_admissions_180d INTEGER, "
            + "elective_admissions_180d INTEGER, bed_days_180d INTEGER, emergency_admissions_365d INTEGER, "
            + "elective_admissions_365d INTEGER, bed_days_365d INTEGER, ae_contacts_90d INTEGER, "
            + "ae_contacts_180d INTEGER, ae_contacts_365d INTEGER, outpatient_contacts_90d INTEGER, "
            + "outpatient_contacts_180d INTEGER, outpatient_contacts_365d INTEGER, gp_contacts_90d INTEGER, "
            + "gp_contacts_180d INTEGER, gp_contacts_365d INTEGER, community_contacts_90d INTEGER, "
            + "community_contacts_180d INTEGER, community_contacts_365d INTEGER, spend_community DECIMAL(18,2), "
            + "mental_health_contacts_90d INTEGER, mental_health_contacts_180d INTEGER, "
            + "mental_health_contacts_365d INTEGER, s117 BOOLEAN, spend_mental_health DECIMAL(18,2), "
            + "medicines INTEGER, polypharmacy_5 BOOLEAN, polypharmacy_10 BOOLEAN, spend_prescribing DECIMAL(18,2), "
            + "ltc_htn BOOLEAN, ltc_dm BOOLEAN, ltc_copd BOOLEAN, ltc_ast BOOLEAN, ltc_hf BOOLEAN, ltc_af BOOLEAN, "
            + "ltc_ckd BOOLEAN, ltc_dem BOOLEAN, ltc_can BOOLEAN, ltc_smi BOOLEAN, ltc_dep BOOLEAN, ltc_ld BOOLEAN, "
            + "ltc_aut BOOLEAN, ltc_chd BOOLEAN, ltc_stroke BOOLEAN, ltc_epil BOOLEAN, ltc_ra BOOLEAN, ltc_ost BOOLEAN, "
            + "ltc_park BOOLEAN, ltc_pal BOOLEAN, ltc_count INTEGER, multimorbidity_score INTEGER, ld_autism BOOLEAN, "
            + "efi_score DOUBLE, efi_category STRING, chc BOOLEAN, fast_track BOOLEAN, "
            + "childrens_continuing_care BOOLEAN, spend_continuing_care DECIMAL(18,2), asc_long_term_support STRING, "
            + "asc_direct_payment BOOLEAN, spend_adult_social_care DECIMAL(18,2), child_in_need BOOLEAN, "
            + "child_protection_plan BOOLEAN, looked_after BOOLEAN, spend_childrens_social_care DECIMAL(18,2), "
            + "ehcp BOOLEAN, ehcp_primary_need STRING, spend_education DECIMAL(18,2), wheelchair BOOLEAN, "
            + "has_phb BOOLEAN, phb_group STRING, spend_acute DECIMAL(18,2), spend_primary_care DECIMAL(18,2), "
            + "spend_total DECIMAL(18,2), sectors_involved INTEGER, run_id STRING"),
            BY_DATE, "features", "One row per person per reference date: demographics, activity, conditions, care and spend "
            + "(docs/MODELS.md lists every column). Training writes the dates it needs and lacks.");

    public static final LakeTable RISK_SCORES = new LakeTable(Layer.GOLD, ScoreTables.RISK_SCORES, ScoreTables.RISK_SCORES_SCHEMA,
            BY_DATE, "score", "Each person's risk of emergency admission and predicted cost over the next 12 months.");

    public static final LakeTable PHB_ELIGIBILITY = new LakeTable(Layer.GOLD, ScoreTables.PHB_ELIGIBILITY,
            ScoreTables.PHB_ELIGIBILITY_SCHEMA, BY_DATE, "score", "One row per (person, cohort) a PHB eligibility rule puts the person in.");

    public static final LakeTable PHB_PRIORITY = new LakeTable(Layer.GOLD, ScoreTables.PHB_PRIORITY, ScoreTables.PHB_PRIORITY_SCHEMA,
            BY_DATE, "score", "The priority list, with each person's top risk factors in words.");

    public static final LakeTable ELIGIBILITY_RULES = new LakeTable(Layer.GOLD, ScoreTables.ELIGIBILITY_RULES,
            ScoreTables.ELIGIBILITY_RULES_SCHEMA, UNPARTITIONED, "score", "The eligibility rules of every rules version used.");

    public static final LakeTable INDICATIVE_BUDGETS = new LakeTable(Layer.GOLD, "indicative_budgets", StructType.fromDDL(
            "person_id STRING, reference_date DATE, stream STRING, funder STRING, cohort STRING, cohorts ARRAY<STRING>, "
            + "method STRING, annual_gbp DECIMAL(12,2), weekly_gbp DECIMAL(12,2), range_low_gbp DECIMAL(12,2), "
            + "range_high_gbp DECIMAL(12,2), range_basis STRING, needs_estimate_gbp DECIMAL(12,2), pooled BOOLEAN, "
            + "basis MAP<STRING, STRING>, current_services MAP<STRING, DECIMAL(12,2)>, line_text STRING, explanation STRING, "
            + "model_id STRING, rules_version STRING, method_version STRING, run_id STRING"),
            BY_DATE, "budget", "One row per person and funding stream: the indicative budget, its range and how it was made.");

    public static final LakeTable BUDGET_MODELS = new LakeTable(Layer.GOLD, "budget_models", StructType.fromDDL(
            "stream STRING, part STRING, term STRING, coefficient DOUBLE, std_error DOUBLE, dispersion DOUBLE, observations DOUBLE, "
            + "patterns INTEGER, iterations INTEGER, converged BOOLEAN, reference_date DATE, model_id STRING, run_id STRING"),
            BY_DATE, "budget", "The needs models' coefficients behind each date's budgets.");

    public static final LakeTable RUNS = new LakeTable(Layer.AUDIT, "runs", StructType.fromDDL(
            "run_id STRING, command STRING, status STRING, parameters STRING, user STRING, started_at TIMESTAMP, "
            + "ended_at TIMESTAMP, inputs STRING, outputs STRING, counts STRING, error STRING, phb_version STRING"),
            UNPARTITIONED, "every stage", "One RUNNING row when a run starts and one SUCCEEDED or FAILED row when it ends.");

    public static final LakeTable EXTRACT_LOG = new LakeTable(Layer.AUDIT, "extract_log", StructType.fromDDL(
            "run_id STRING, extract_id STRING, quarter STRING, reference_date DATE, purpose STRING, recipient STRING, "
            + "level STRING, person_id STRING, included BOOLEAN, removed_by STRING, logged_at TIMESTAMP"),
            UNPARTITIONED, "extract", "Every person in an extract's scope: included, or the rule that removed them.");

    private static final List<LakeTable> DERIVED = List.of(PERSON_INDEX, LINK_REVIEW, PERSON_FEATURES, RISK_SCORES, PHB_ELIGIBILITY,
            PHB_PRIORITY, ELIGIBILITY_RULES, INDICATIVE_BUDGETS, BUDGET_MODELS, RUNS, EXTRACT_LOG);

    private LakeTables() {
    }

    /** {@code bronze/<feed>}: the feed's valid rows, typed, with where each came from. */
    public static LakeTable bronze(FeedContract feed) {
        return new LakeTable(Layer.BRONZE, feed.name(), append(feed.typedSchema(), BRONZE_LINEAGE), UNPARTITIONED, "ingest",
                "Valid rows of the " + feed.name() + " feed, typed (docs/FEEDS.md).");
    }

    /** {@code quarantine/<feed>}: the feed's rows that broke a rule, as read, with every rule they broke. */
    public static LakeTable quarantine(FeedContract feed) {
        return new LakeTable(Layer.QUARANTINE, feed.name(), append(feed.landingSchema(), QUARANTINE_LINEAGE), UNPARTITIONED, "ingest",
                "Rows of the " + feed.name() + " feed that broke a rule, as read, with the rules they broke.");
    }

    public static LakeTable bronze(String feed) {
        return bronze(Feeds.byName(feed));
    }

    /** Every table a lake can hold: the bronze and quarantine table of every feed, then the derived tables. */
    public static List<LakeTable> all() {
        List<LakeTable> all = new ArrayList<>();
        for (FeedContract feed : Feeds.all()) {
            all.add(bronze(feed));
            all.add(quarantine(feed));
        }
        all.addAll(DERIVED);
        return all;
    }

    /** The table at a path under the lake root, e.g. {@code gold/risk_scores}. */
    public static Optional<LakeTable> at(String path) {
        return all().stream().filter(t -> t.path().equals(path)).findFirst();
    }

    private static StructType append(StructType head, StructType tail) {
        StructType out = head;
        for (var f : tail.fields()) {
            out = out.add(f);
        }
        return out;
    }
}
