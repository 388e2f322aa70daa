package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.StatementOfResources;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.Feeds;

/**
 * Budgets of a small built population: five named people with hand-computed lines, and thirty others so
 * that every cost model has people to learn from.
 */
class IndicativeBudgetsTest {
    private static final SecretKey LAKE_KEY = SecretKey.fromBase64("YnVkZ2V0cy10ZXN0LWxha2Uta2V5LTAwMDAwMDAwMDA=");
    private static final LocalDate REF = LocalDate.of(2026, 3, 31);
    private static final BudgetRules RULES = BudgetRules.defaults();
    private static SparkSession spark;
    private static List<Row> lines;
    private static Dataset<Row> linesDs;
    private static Dataset<Row> eligibility;

    @BeforeAll
    static void build() {
        spark = SharedSpark.get();
        Map<String, List<Map<String, Object>>> b = new HashMap<>();
        List<Map<String, Object>> feature = new ArrayList<>();
        List<Object[]> index = new ArrayList<>();
        List<String> named = List.of("PA", "PB", "PC", "PD", "PE");
        for (int i = 0; i < 35; i++) {
            String p = i < 5 ? named.get(i) : String.format("P%02d", i);
            int birth = p.equals("PD") ? 2014 : i % 7 == 3 ? 2012 + i % 5 : 1930 + i * 2;
            int age = REF.getYear() - birth;
            Map<String, Object> fr = row("person_id", p, "age_band", age >= 90 ? "90+" : (age / 20 * 20) + "-" + (age / 20 * 20 + 19),
                    "efi_score", (i % 5) / 36.0);
            feature.add(fr);
            index.add(new Object[] {"patients", "T" + p, p});
            // background community and mental health use, every third person none
            for (int k = 0; k < (i >= 5 ? i % 3 : 0); k++) {
                add(b, "community", row("contact_id", "c" + p + k, "nhs_token", "T" + p, "contact_date", d("2025-09-0" + (k + 1)),
                        "service_type", "DISTRICT_NURSING", "cost", 65.0));
            }
            if (i >= 5 && i % 4 == 0) {
                add(b, "mental_health", row("event_id", "m" + p, "nhs_token", "T" + p, "event_type", "CONTACT", "start_date",
                        d("2025-10-10"), "service", "CMHT", "cost", 180.0 * (1 + i % 3)));
                fr.put("ltc_smi", true);
            }
            if (i >= 5 && i < 12) {
                add(b, "chc", row("record_id", "h" + p, "nhs_token", "T" + p, "pathway", "STANDARD", "referral_date", d("2024-01-01"),
                        "decision_date", d("2024-02-01"), "decision", "ELIGIBLE", "package_start", d("2024-03-01"),
                        "setting", i % 2 == 0 ? "HOME" : "NURSING_HOME", "weekly_cost", 1200.0 + 50 * i));
                fr.put("chc", true);
            }
            if (i >= 12 && i < 19) {
                add(b, "asc_cld", row("event_id", "a" + p, "la_code", "E08000035", "la_person_token", "L" + p, "client_type",
                        "SERVICE_USER", "event_type", "Service", "event_start", d("2025-04-01"), "service_type", "LTS_RESIDENTIAL",
                        "service_component", "RESIDENTIAL", "delivery_mechanism", "COMMISSIONED", "unit_cost", 1000.0 + 10 * i,
                        "cost_frequency_unit_type", "Weekly", "planned_units_per_week", 1.0));
                index.add(new Object[] {"asc_cld", "L" + p, p});
                fr.put("asc_long_term_support", "LTS_RESIDENTIAL");
            }
            if (i >= 19 && i < 25) {
                add(b, "ehcp", row("ehcp_id", "e" + p, "la_code", "E08000035", "pupil_token", "U" + p, "start_date", d("2022-09-01"),
                        "primary_need", "ASD", "placement_type", "MAINSTREAM", "annual_cost", 10000.0 + 500 * i));
                index.add(new Object[] {"education", "U" + p, p});
                fr.put("ehcp", true);
                fr.put("ehcp_primary_need", "ASD");
            }
        }
        Map<String, Map<String, Object>> f = new HashMap<>();
        feature.forEach(r -> f.put((String) r.get("person_id"), r));
        // PA: CHC at home, 1550 a week; an A&E attendance and a GP appointment a budget cannot include
        add(b, "chc", row("record_id", "hPA", "nhs_token", "TPA", "pathway", "STANDARD", "referral_date", d("2025-01-01"),
                "decision_date", d("2025-02-01"), "decision", "ELIGIBLE", "package_start", d("2025-03-01"), "setting", "HOME",
                "weekly_cost", 1550.0));
        f.get("PA").putAll(row("chc", true, "spend_acute", 280.0, "spend_primary_care", 49.0));
        // PB: learning disability, 10.5 hours of home care a week, four community contacts, no mental health contact
        f.get("PB").putAll(row("ltc_ld", true, "asc_long_term_support", "LTS_COMMUNITY"));
        add(b, "asc_cld", row("event_id", "aPB", "la_code", "E08000035", "la_person_token", "LPB", "client_type", "SERVICE_USER",
                "event_type", "Service", "event_start", d("2025-04-01"), "service_type", "LTS_COMMUNITY", "service_component", "HOME_CARE",
                "delivery_mechanism", "LA_MANAGED", "unit_cost", 30.90, "cost_frequency_unit_type", "Hourly", "planned_units_per_week", 10.5));
        index.add(new Object[] {"asc_cld", "LPB", "PB"});
        for (String[] c : new String[][] {{"1", "DISTRICT_NURSING"}, {"2", "DISTRICT_NURSING"}, {"3", "PODIATRY"}, {"4", "PODIATRY"},
            {"5", "WHEELCHAIR_SERVICE"}}) {
            add(b, "community", row("contact_id", "cPB" + c[0], "nhs_token", "TPB", "contact_date", d("2025-06-0" + c[0]), "service_type", c[1],
                    "cost", 65.0));
        }
        // PC: a powered wheelchair for long-term use, section 117 after-care with ten CMHT contacts and a crisis contact
        add(b, "wheelchair", row("record_id", "wPC", "nhs_token", "TPC", "referral_date", d("2024-01-01"), "provision_date",
                d("2024-03-01"), "long_term_user", true, "chair_type", "POWERED", "chair_cost", 3400.0));
        add(b, "mental_health", row("event_id", "dPC", "nhs_token", "TPC", "event_type", "DETENTION", "start_date", d("2023-01-01"),
                "end_date", d("2023-03-01"), "mha_section", "3", "service", "INPATIENT_WARD", "cost", 0.0));
        for (int k = 0; k < 10; k++) {
            add(b, "mental_health", row("event_id", "mPC" + k, "nhs_token", "TPC", "event_type", "CONTACT", "start_date",
                    d("2025-" + (k < 6 ? "0" + (k + 4) : Integer.toString(k % 3 + 10)) + "-1" + k), "service", "CMHT", "cost", 180.0));
        }
        add(b, "mental_health", row("event_id", "mPCx", "nhs_token", "TPC", "event_type", "CONTACT", "start_date", d("2025-12-15"),
                "service", "CRISIS", "cost", 400.0));
        // PD: a child with an EHC plan at a state special school and one children's community contact
        add(b, "ehcp", row("ehcp_id", "ePD", "la_code", "E08000035", "pupil_token", "UPD", "start_date", d("2021-09-01"),
                "primary_need", "SLD", "placement_type", "SPECIAL_STATE", "annual_cost", 26000.0));
        index.add(new Object[] {"education", "UPD", "PD"});
        f.get("PD").putAll(row("ehcp", true, "ehcp_primary_need", "SLD"));
        f.get("PC").putAll(row("spend_mental_health", 2200.0));
        add(b, "community", row("contact_id", "cPD", "nhs_token", "TPD", "contact_date", d("2025-07-01"), "service_type",
                "CHILDRENS_COMMUNITY", "cost", 65.0));
        // PE: CHC in a nursing home and a learning disability
        add(b, "chc", row("record_id", "hPE", "nhs_token", "TPE", "pathway", "STANDARD", "referral_date", d("2024-06-01"),
                "decision_date", d("2024-07-01"), "decision", "ELIGIBLE", "package_start", d("2024-08-01"), "setting", "NURSING_HOME",
                "weekly_cost", 1350.0));
        f.get("PE").putAll(row("ltc_ld", true, "chc", true));
        add(b, "mental_health", row("event_id", "mPE", "nhs_token", "TPE", "event_type", "CONTACT", "start_date", d("2025-05-05"),
                "service", "LD_TEAM", "cost", 180.0));

        Map<String, Dataset<Row>> bronze = new HashMap<>();
        b.forEach((feed, rows) -> bronze.put(feed, bronze(feed, rows)));
        StructType indexSchema = new StructType().add("source", DataTypes.StringType).add("entity_key", DataTypes.StringType)
                .add("person_id", DataTypes.StringType);
        Dataset<Row> personIndex = spark.createDataFrame(index.stream().map(RowFactory::create).toList(), indexSchema)
                .select(col("source"), PersonIndex.entityHash(LAKE_KEY, col("source"), col("entity_key")).alias("entity_hash"), col("person_id"));
        Dataset<Row> features = features(feature);
        Dataset<Row> facts = BudgetFacts.compute(new BudgetFacts.Inputs(bronze, personIndex, LAKE_KEY), REF);
        StructType eligSchema = new StructType().add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
                .add("cohort", DataTypes.StringType);
        List<Row> elig = new ArrayList<>();
        for (String[] e : new String[][] {{"PA", "CHC"}, {"PB", "LD_AUTISM"}, {"PC", "WHEELCHAIR"}, {"PC", "S117"}, {"PD", "EHCP"},
            {"PE", "CHC"}, {"PE", "LD_AUTISM"}}) {
            elig.add(RowFactory.create(e[0], Date.valueOf(REF), e[1]));
        }
        elig.add(RowFactory.create("PB", Date.valueOf(REF.minusMonths(3)), "OTHER"));
        eligibility = spark.createDataFrame(elig, eligSchema);
        Dataset<Row> people = IndicativeBudgets.budgetPeople(eligibility, null, REF);
        IndicativeBudgets.Result result = IndicativeBudgets.compute(features, facts, people,
                new IndicativeBudgets.Settings(RULES, 3, REF, "run-test"));
        linesDs = result.lines().cache();
        lines = linesDs.collectAsList();
    }

    /** The gold/person_features columns budgets read, with the given values and false / zero / null elsewhere. */
    private static Dataset<Row> features(List<Map<String, Object>> rows) {
        StructType schema = new StructType().add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
                .add("age_band", DataTypes.StringType).add("efi_score", DataTypes.DoubleType)
                .add("asc_long_term_support", DataTypes.StringType).add("ehcp_primary_need", DataTypes.StringType);
        for (String c : NeedsModels.CONDITIONS) {
            schema = schema.add(c, DataTypes.BooleanType);
        }
        for (String c : List.of("chc", "fast_track", "childrens_continuing_care", "ehcp")) {
            schema = schema.add(c, DataTypes.BooleanType);
        }
        for (String c : List.of("acute", "primary_care", "prescribing", "mental_health", "continuing_care", "adult_social_care", "education")) {
            schema = schema.add("spend_" + c, DataTypes.createDecimalType(18, 2));
        }
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object[] v = new Object[schema.size()];
            for (int i = 0; i < v.length; i++) {
                StructField field = schema.fields()[i];
                Object x = field.name().equals("reference_date") ? Date.valueOf(REF) : r.get(field.name());
                if (x == null && field.dataType() == DataTypes.BooleanType) {
                    x = false;
                } else if (x == null && field.name().startsWith("spend_")) {
                    x = BigDecimal.ZERO.setScale(2);
                } else if (x instanceof Double dd && field.name().startsWith("spend_")) {
                    x = BigDecimal.valueOf(dd).setScale(2);
                }
                v[i] = x;
            }
            out.add(RowFactory.create(v));
        }
        return spark.createDataFrame(out, schema);
    }

    private static void add(Map<String, List<Map<String, Object>>> b, String feed, Map<String, Object> row) {
        b.computeIfAbsent(feed, k -> new ArrayList<>()).add(row);
    }

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

    private static List<Row> of(String person) {
        return lines.stream().filter(r -> r.getAs("person_id").equals(person)).toList();
    }

    private static Row line(String person, String stream) {
        return of(person).stream().filter(r -> r.getAs("stream").equals(stream)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + stream + " line for " + person + ": " + of(person)));
    }

    private static BigDecimal annual(Row r) {
        return r.getAs("annual_gbp");
    }

    @Test
    void onlyPeopleEligibleAtTheDateGetBudgets() {
        assertThat(lines.stream().map(r -> (String) r.getAs("person_id")).distinct().sorted().toList())
                .containsExactly("PA", "PB", "PC", "PD", "PE");
        assertThat(of("PB")).allMatch(r -> !r.getAs("cohort").equals("OTHER"));
    }

    @Test
    void handComputedPackagesHistoryAndChairs() {
        Row pa = line("PA", "nhs_continuing_care");
        assertThat((String) pa.getAs("method")).isEqualTo("current_package");
        assertThat(annual(pa)).isEqualTo(new BigDecimal("80876.79")); // 1550 x 365.25 / 7
        assertThat((BigDecimal) pa.getAs("weekly_gbp")).isEqualTo(new BigDecimal("1550.00"));
        assertThat(of("PA")).hasSize(1);

        Row asc = line("PB", "adult_social_care");
        assertThat(annual(asc)).isEqualTo(new BigDecimal("16929.34")); // 10.5 h x 30.90 = 324.45 a week
        Row community = line("PB", "nhs_community");
        assertThat((String) community.getAs("method")).isEqualTo("historic_spend");
        assertThat(annual(community)).as("four contacts; the wheelchair assessment is not replaceable").isEqualTo(new BigDecimal("260.00"));
        Map<String, BigDecimal> services = community.getJavaMap(community.fieldIndex("current_services"));
        assertThat(services).containsOnlyKeys("DISTRICT_NURSING", "PODIATRY");
        Row mh = line("PB", "nhs_mental_health");
        assertThat((String) mh.getAs("method")).isEqualTo("needs_estimate");
        assertThat(annual(mh)).isEqualTo((BigDecimal) mh.getAs("needs_estimate_gbp")).isPositive();

        Row chair = line("PC", "nhs_wheelchair");
        assertThat((String) chair.getAs("method")).isEqualTo("nhs_chair_cost");
        assertThat(annual(chair)).as("the NHS's powered chair: 3200 / 5 years, not this chair's 3400").isEqualTo(new BigDecimal("640.00"));
        Row pcMh = line("PC", "nhs_mental_health");
        assertThat(annual(pcMh)).as("ten CMHT contacts; the crisis contact is not replaceable").isEqualTo(new BigDecimal("1800.00"));
        assertThat((String) pcMh.getAs("cohort")).isEqualTo("S117");

        assertThat(annual(line("PD", "education"))).isEqualTo(new BigDecimal("26000.00"));
        assertThat(annual(line("PD", "nhs_community"))).isEqualTo(new BigDecimal("65.00"));
        assertThat(annual(line("PE", "nhs_continuing_care"))).isEqualTo(new BigDecimal("70441.07")); // 1350 x 365.25 / 7
    }

    @Test
    void streamsArePooledOnlyWhereTheCohortAllowsIt() {
        for (Row r : lines) {
            if (r.<Boolean>getAs("pooled")) {
                assertThat(RULES.cohort(r.getAs("cohort")).pooled()).as(r.toString()).isTrue();
            }
        }
        assertThat(of("PB")).allMatch(r -> r.<Boolean>getAs("pooled"));
        assertThat(line("PE", "nhs_continuing_care").<Boolean>getAs("pooled")).isFalse();
        assertThat(line("PE", "nhs_community").<Boolean>getAs("pooled")).isTrue();
        assertThat(line("PC", "nhs_wheelchair").<Boolean>getAs("pooled")).isFalse();
        assertThat(line("PC", "nhs_mental_health").<Boolean>getAs("pooled")).as("the only S117 line: nothing to pool with").isFalse();
    }

    @Test
    void explanationsListEveryLineAddUpAndNameNoIdentifier() {
        for (String p : List.of("PA", "PB", "PC", "PD", "PE")) {
            List<Row> mine = of(p);
            String text = mine.get(0).getAs("explanation");
            assertThat(mine).allMatch(r -> r.getAs("explanation").equals(text));
            BigDecimal total = mine.stream().map(IndicativeBudgetsTest::annual).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(text).startsWith("Your indicative budget is " + uk.nhs.phb.models.budget.Money.format(total) + " a year");
            for (Row r : mine) {
                assertThat(text).contains((String) r.getAs("line_text"));
            }
            assertThat(text).doesNotContain(p).doesNotContain("T" + p).contains("A budget cannot include emergency care");
            assertThat(mine).allMatch(r -> r.getAs("range_low_gbp") == null
                    || ((BigDecimal) r.getAs("range_low_gbp")).compareTo(r.getAs("range_high_gbp")) <= 0);
        }
        assertThat((String) line("PA", "nhs_continuing_care").getAs("explanation"))
                .contains("hospital care including A&E and emergency admissions £280.00").contains("GP services £49.00");
        assertThat((String) line("PC", "nhs_mental_health").getAs("explanation")).contains("No adult social care is arranged for you now");
    }

    @Test
    void statementTotalsReconcileWithTheLinesAndSmallCohortsAreSuppressed() {
        StatementOfResources.Figures f = StatementFigures.compute(linesDs, eligibility.filter(col("reference_date").equalTo(Date.valueOf(REF))),
                REF, null);
        BigDecimal all = lines.stream().map(IndicativeBudgetsTest::annual).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(f.all().total()).isEqualByComparingTo(all);
        assertThat(f.all().people()).isEqualTo(5);
        BigDecimal sumOfCohorts = f.cohorts().stream().map(c -> c.budgets().total()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sumOfCohorts).isEqualByComparingTo(all);
        assertThat(f.cohort("CHC").peopleEligible()).isEqualTo(2);
        assertThat(f.cohort("CHC").budgets().total()).isEqualByComparingTo("151317.86"); // 80876.79 + 70441.07
        List<List<String>> csv = StatementOfResources.csv(f, RULES, SmallNumbers.NHS_DIGITAL);
        Map<String, List<String>> byCohort = csv.stream().collect(Collectors.toMap(r -> r.get(0), r -> r, (a, x) -> a));
        int people = StatementOfResources.CSV_HEADER.indexOf("people_with_budget");
        int total = StatementOfResources.CSV_HEADER.indexOf("total_annual_gbp");
        assertThat(byCohort.get("CHC").get(people)).isEqualTo("*");
        assertThat(byCohort.get("CHC").get(total)).isEqualTo("*");
        assertThat(byCohort.get("FAST_TRACK").get(people)).isEqualTo("0");
        assertThat(byCohort.get("ALL").get(people)).as("5 people: suppressed below national level").isEqualTo("*");
        assertThat(byCohort.get("ALL").get(total)).isEqualTo("*");
    }
}
