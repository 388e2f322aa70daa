package uk.nhs.phb.pipelines.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.Feeds;

class PersonFeaturesTest {
    private static final SecretKey LAKE_KEY = SecretKey.fromBase64("ZmVhdHVyZXMtdGVzdC1sYWtlLWtleS0wMDAwMDAwMDA=");
    private static final LocalDate REF = LocalDate.of(2025, 3, 31);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SharedSpark.get();
    }

    /** Typed bronze rows from field -> value maps (unnamed fields null). */
    private static Dataset<Row> bronze(String feed, List<Map<String, Object>> rows) {
        StructType schema = Feeds.byName(feed).typedSchema();
        StructType nullable = new StructType();
        for (StructField f : schema.fields()) {
            nullable = nullable.add(f.name(), f.dataType(), true);
        }
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object[] v = new Object[schema.size()];
            for (int i = 0; i < v.length; i++) {
                Object x = r.get(schema.fields()[i].name());
                v[i] = x instanceof LocalDate d ? Date.valueOf(d) : x instanceof Double d ? BigDecimal.valueOf(d) : x;
            }
            out.add(RowFactory.create(v));
        }
        return spark.createDataFrame(out, nullable);
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    @Test
    void featuresSeeOnlyWhatWasKnownOnTheReferenceDate() {
        Map<String, Dataset<Row>> b = new HashMap<>();
        b.put("patients", bronze("patients", List.of(
                row("record_id", "s1", "nhs_token", "T1", "birth_year", 1940, "sex", "2", "ethnicity", "A", "lsoa_code", "E01000001",
                        "practice_code", "A12345", "registered_from", d("2010-01-01")),
                row("record_id", "s2", "nhs_token", "T2", "birth_year", 1950, "sex", "1", "ethnicity", "A", "lsoa_code", "E01000001",
                        "practice_code", "A12345", "registered_from", d("2020-01-01"), "registered_to", d("2025-01-01"),
                        "date_of_death", d("2025-01-01")),
                row("record_id", "s3", "nhs_token", "T3", "birth_year", 1990, "sex", "1", "ethnicity", "A", "lsoa_code", "E01000001",
                        "practice_code", "A12345", "registered_from", d("2025-06-01")))));
        b.put("ref_lsoa", bronze("ref_lsoa", List.of(row("lsoa_code", "E01000001", "imd_decile", 1, "la_code", "E08000035"))));
        b.put("ref_practices", bronze("ref_practices", List.of(row("practice_code", "A12345", "pcn_code", "U00001",
                "sub_icb_code", "15F", "icb_code", "QWO", "list_size", 9000))));
        b.put("apc_spells", bronze("apc_spells", List.of(
                row("spell_id", "a1", "nhs_token", "T1", "admission_date", d("2025-03-01"), "discharge_date", d("2025-03-05"),
                        "admission_method", "21", "cost", 2750.0),
                row("spell_id", "a2", "nhs_token", "T1", "admission_date", d("2024-06-01"), "discharge_date", d("2024-06-03"),
                        "admission_method", "22", "cost", 2750.0),
                row("spell_id", "a3", "nhs_token", "T1", "admission_date", d("2025-02-15"), "discharge_date", d("2025-02-15"),
                        "admission_method", "11", "cost", 1100.0),
                row("spell_id", "a4", "nhs_token", "T1", "admission_date", d("2025-04-10"), "discharge_date", d("2025-04-12"),
                        "admission_method", "21", "cost", 2750.0))));
        b.put("ecds", bronze("ecds", List.of(
                row("attendance_id", "e1", "nhs_token", "T1", "arrival_date", d("2025-03-01"), "department_type", "01", "cost", 280.0),
                row("attendance_id", "e2", "nhs_token", "T1", "arrival_date", d("2025-05-01"), "department_type", "01", "cost", 280.0))));
        b.put("gp_conditions", bronze("gp_conditions", List.of(
                row("record_id", "c1", "nhs_token", "T1", "condition_code", "HTN", "recorded_date", d("2015-05-05")),
                row("record_id", "c2", "nhs_token", "T1", "condition_code", "DM", "recorded_date", d("2026-01-01")),
                row("record_id", "c3", "nhs_token", "T1", "condition_code", "EFI_FALLS", "recorded_date", d("2024-11-11")))));
        b.put("prescriptions", bronze("prescriptions", List.of(
                row("record_id", "p1", "nhs_token", "T1", "period_month", d("2025-02-01"), "distinct_medicines", 6, "items", 8, "cost", 76.0),
                row("record_id", "p2", "nhs_token", "T1", "period_month", d("2025-04-01"), "distinct_medicines", 12, "items", 14, "cost", 133.0))));
        b.put("asc_cld", bronze("asc_cld", List.of(
                row("event_id", "s1", "la_code", "E08000035", "la_person_token", "L1", "client_type", "SERVICE_USER", "event_type", "Service",
                        "event_start", d("2024-10-01"), "service_type", "LTS_COMMUNITY", "service_component", "HOME_CARE",
                        "delivery_mechanism", "LA_MANAGED", "unit_cost", 25.95, "cost_frequency_unit_type", "Hourly",
                        "planned_units_per_week", 10.0))));
        b.put("phb_register", bronze("phb_register", List.of(
                row("phb_id", "b1", "nhs_token", "T1", "eligibility_group", "CHC", "management_option", "NOTIONAL",
                        "eligible_date", d("2024-11-01"), "start_date", d("2025-01-01"), "annual_value", 40000.0))));

        StructType indexSchema = new StructType().add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType)
                .add("person_id", DataTypes.StringType);
        Dataset<Row> index = spark.createDataFrame(List.of(RowFactory.create("patients", "T1", "PA"), RowFactory.create("patients", "T2", "PB"),
                        RowFactory.create("patients", "T3", "PC"), RowFactory.create("asc_cld", "L1", "PA")), indexSchema)
                .select(org.apache.spark.sql.functions.col("source"),
                        PersonIndex.entityHash(LAKE_KEY, org.apache.spark.sql.functions.col("source"), org.apache.spark.sql.functions.col("entity_key"))
                                .alias("entity_hash"), org.apache.spark.sql.functions.col("person_id"));

        List<Row> rows = PersonFeatures.compute(new PersonFeatures.Inputs(b, index, LAKE_KEY), REF).collectAsList();
        assertThat(rows).as("only the person registered and alive on the reference date").hasSize(1);
        Row r = rows.get(0);
        assertThat((String) r.getAs("person_id")).isEqualTo("PA");
        assertThat((int) r.getAs("age")).isEqualTo(85);
        assertThat((String) r.getAs("age_band")).isEqualTo("85-89");
        assertThat((int) r.getAs("imd_quintile")).isEqualTo(1);
        assertThat((boolean) r.getAs("core20")).isTrue();
        assertThat((String) r.getAs("sub_icb_code")).isEqualTo("15F");
        assertThat((int) r.getAs("emergency_admissions_90d")).isEqualTo(1);
        assertThat((int) r.getAs("emergency_admissions_365d")).as("the April admission is after the reference date").isEqualTo(2);
        assertThat((int) r.getAs("elective_admissions_90d")).isEqualTo(1);
        assertThat((int) r.getAs("bed_days_90d")).isEqualTo(6);
        assertThat((int) r.getAs("bed_days_365d")).isEqualTo(9);
        assertThat((int) r.getAs("ae_contacts_365d")).isEqualTo(1);
        assertThat((boolean) r.getAs("ltc_htn")).isTrue();
        assertThat((boolean) r.getAs("ltc_dm")).as("diagnosed after the reference date").isFalse();
        assertThat((int) r.getAs("ltc_count")).isEqualTo(1);
        assertThat((int) r.getAs("medicines")).as("April's 12 medicines are in the future").isEqualTo(6);
        assertThat((boolean) r.getAs("polypharmacy_5")).isTrue();
        assertThat((boolean) r.getAs("polypharmacy_10")).isFalse();
        assertThat((double) r.getAs("efi_score")).as("hypertension, falls, polypharmacy").isEqualTo(Math.round(3 / 36.0 * 1e4) / 1e4);
        assertThat((String) r.getAs("efi_category")).isEqualTo("fit");
        assertThat((BigDecimal) r.getAs("spend_acute")).isEqualByComparingTo("6880.00");
        assertThat((BigDecimal) r.getAs("spend_prescribing")).isEqualByComparingTo("76.00");
        // 10 hours a week at 25.95 for the 182 days 1 Oct 2024 - 31 Mar 2025 = 26 weeks
        assertThat((BigDecimal) r.getAs("spend_adult_social_care")).isEqualByComparingTo("6747.00");
        assertThat((String) r.getAs("asc_long_term_support")).isEqualTo("LTS_COMMUNITY");
        assertThat((boolean) r.getAs("has_phb")).isTrue();
        assertThat((int) r.getAs("sectors_involved")).isEqualTo(2);
        assertThat(r.getAs("reference_date").toString()).isEqualTo("2025-03-31");
    }
}
