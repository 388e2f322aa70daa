package uk.nhs.phb.pipelines.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.Feeds;

/** Training rows are point-in-time correct: an event on the reference date is a feature, the day after an outcome. */
class OutcomesTest {
    private static final SecretKey LAKE_KEY = SecretKey.fromBase64("b3V0Y29tZXMtdGVzdC1sYWtlLWtleS0wMDAwMDAwMDA=");
    private static final LocalDate REF = LocalDate.of(2024, 3, 31);

    private static Dataset<Row> bronze(SparkSession spark, String feed, List<Map<String, Object>> rows) {
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

    private static Map<String, Object> spell(String id, String date, String method, double cost) {
        return row("spell_id", id, "nhs_token", "T1", "admission_date", LocalDate.parse(date), "discharge_date", LocalDate.parse(date),
                "admission_method", method, "cost", cost);
    }

    @Test
    void anAdmissionTheDayAfterTheReferenceDateIsAnOutcomeNeverAFeature() {
        SparkSession spark = SharedSpark.get();
        Map<String, Dataset<Row>> b = new HashMap<>();
        b.put("patients", bronze(spark, "patients", List.of(row("record_id", "s1", "nhs_token", "T1", "birth_year", 1940, "sex", "2",
                "ethnicity", "A", "lsoa_code", "E01000001", "practice_code", "A12345", "registered_from", LocalDate.parse("2010-01-01")))));
        b.put("apc_spells", bronze(spark, "apc_spells", List.of(
                spell("on-ref", "2024-03-31", "21", 1000.0),      // feature only
                spell("day-after", "2024-04-01", "22", 2000.0),   // outcome only
                spell("elective", "2024-04-02", "11", 500.0),     // cost outcome, not an emergency
                spell("last-day", "2025-03-31", "2A", 3000.0),    // the last day of the 12 months: outcome
                spell("too-late", "2025-04-01", "21", 9000.0))));  // after the window: neither
        b.put("asc_cld", bronze(spark, "asc_cld", List.of(row("event_id", "c1", "la_code", "E08000035", "la_person_token", "L1",
                "client_type", "SERVICE_USER", "event_type", "Service", "event_start", LocalDate.parse("2024-10-01"),
                "event_end", LocalDate.parse("2024-10-14"), "service_type", "LTS_COMMUNITY", "service_component", "HOME_CARE",
                "delivery_mechanism", "LA_MANAGED", "unit_cost", 70.0, "cost_frequency_unit_type", "Weekly"))));
        StructType indexSchema = new StructType().add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType)
                .add("person_id", DataTypes.StringType);
        Dataset<Row> index = spark.createDataFrame(List.of(RowFactory.create("patients", "T1", "PA"), RowFactory.create("asc_cld", "L1", "PA")),
                        indexSchema)
                .select(org.apache.spark.sql.functions.col("source"),
                        PersonIndex.entityHash(LAKE_KEY, org.apache.spark.sql.functions.col("source"),
                                org.apache.spark.sql.functions.col("entity_key")).alias("entity_hash"),
                        org.apache.spark.sql.functions.col("person_id"));
        PersonFeatures.Inputs in = new PersonFeatures.Inputs(b, index, LAKE_KEY);

        Row f = PersonFeatures.compute(in, REF).collectAsList().get(0);
        assertThat((int) f.getAs("emergency_admissions_365d")).as("features count the admission on the reference date only").isEqualTo(1);
        assertThat(((BigDecimal) f.getAs("spend_acute")).doubleValue()).isEqualTo(1000.0);

        List<Row> o = Outcomes.compute(in, REF).collectAsList();
        assertThat(o).hasSize(1);
        assertThat((String) o.get(0).getAs("person_id")).isEqualTo("PA");
        assertThat((int) o.get(0).getAs("outcome_emergency_admissions"))
                .as("the day after and the last day of the 12 months, not the reference date, not an elective, not after").isEqualTo(2);
        // spells 2000 + 500 + 3000, and two weeks of a £70-a-week care package (14 days prorated)
        assertThat((double) o.get(0).getAs("outcome_cost_12m")).isCloseTo(5500 + 70.0 * 14 / 7, within(1e-6));

        // the next year's features see the day-after admission that was this year's outcome
        Row next = PersonFeatures.compute(in, REF.plusMonths(12)).collectAsList().get(0);
        assertThat((int) next.getAs("emergency_admissions_365d")).isEqualTo(2);
    }
}
