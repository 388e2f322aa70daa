package uk.nhs.phb.pipelines.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.eligibility.EligibilityRules;
import uk.nhs.phb.pipelines.SharedSpark;

/** Eligibility rules against hand-built feature rows, rule validation, and risk tiers by exact rank. */
class ScorePipelinesTest {
    private static final StructType FEATURES = new StructType()
            .add("person_id", DataTypes.StringType).add("reference_date", DataTypes.DateType)
            .add("chc", DataTypes.BooleanType).add("fast_track", DataTypes.BooleanType)
            .add("childrens_continuing_care", DataTypes.BooleanType).add("s117", DataTypes.BooleanType)
            .add("wheelchair", DataTypes.BooleanType).add("ld_autism", DataTypes.BooleanType).add("ehcp", DataTypes.BooleanType)
            .add("ltc_pal", DataTypes.BooleanType).add("ltc_smi", DataTypes.BooleanType)
            .add("multimorbidity_score", DataTypes.IntegerType).add("emergency_admissions_365d", DataTypes.IntegerType)
            .add("mental_health_contacts_365d", DataTypes.IntegerType);
    private static final Date REF = Date.valueOf(LocalDate.of(2026, 3, 31));

    /** A person with the named flags true and the given counts (multimorbidity, admissions, MH contacts). */
    private static Row person(String id, List<String> flags, int mm, int adm, int mh) {
        Object[] v = new Object[FEATURES.size()];
        v[0] = id;
        v[1] = REF;
        for (int i = 2; i <= 10; i++) {
            v[i] = flags.contains(FEATURES.fields()[i].name());
        }
        v[11] = mm;
        v[12] = adm;
        v[13] = mh;
        return RowFactory.create(v);
    }

    private static Dataset<Row> features(SparkSession spark) {
        return spark.createDataFrame(List.of(
                person("P-CHC", List.of("chc"), 2, 0, 0),
                person("P-FT", List.of("fast_track", "ltc_pal"), 3, 1, 0),
                person("P-CCC", List.of("childrens_continuing_care", "ehcp"), 0, 0, 0),
                person("P-S117", List.of("s117", "ltc_smi"), 1, 0, 12),
                person("P-WC", List.of("wheelchair"), 1, 0, 0),
                person("P-LD", List.of("ld_autism"), 0, 0, 0),
                person("P-MM", List.of(), 5, 3, 0),
                person("P-NONE", List.of(), 3, 1, 5)), FEATURES);
    }

    private static Map<String, List<String>> rulesMet(Dataset<Row> elig) {
        Map<String, List<String>> m = new HashMap<>();
        for (Row r : elig.collectAsList()) {
            m.computeIfAbsent(r.getAs("person_id"), k -> new ArrayList<>()).add(r.getAs("cohort") + "/" + r.getAs("basis"));
        }
        m.values().forEach(l -> l.sort(String::compareTo));
        return m;
    }

    @Test
    void nationalAndLocalRulesMatchTheHandBuiltPeople() throws Exception {
        SparkSession spark = SharedSpark.get();
        String local = new String(EligibilityRules.class.getResourceAsStream("/uk/nhs/phb/schemas/reference/phb_local_rules.example.csv")
                .readAllBytes());
        EligibilityRules rules = EligibilityRules.standard().with(EligibilityRules.parse(local, "example"));
        Eligibility.validate(spark, FEATURES, rules);
        Dataset<Row> elig = Eligibility.apply(features(spark), rules, "run-1");
        Map<String, List<String>> met = rulesMet(elig);
        assertThat(met).containsOnlyKeys("P-CHC", "P-FT", "P-CCC", "P-S117", "P-WC", "P-LD", "P-MM");
        assertThat(met.get("P-CHC")).containsExactly("CHC/legal_right");
        assertThat(met.get("P-FT")).containsExactly("END_OF_LIFE/local", "FAST_TRACK/legal_right");
        assertThat(met.get("P-CCC")).containsExactly("CCC/legal_right", "EHCP/expected");
        assertThat(met.get("P-S117")).containsExactly("MENTAL_HEALTH/local", "S117/legal_right");
        assertThat(met.get("P-WC")).containsExactly("WHEELCHAIR/legal_right");
        assertThat(met.get("P-LD")).containsExactly("LD_AUTISM/expected");
        assertThat(met.get("P-MM")).containsExactly("OTHER/local");
        Row mm = elig.filter("person_id = 'P-MM'").first();
        assertThat((String) mm.getAs("reason"))
                .isEqualTo("High-need multimorbidity: 5 long-term conditions and 3 emergency admissions in the last year");
        assertThat((String) mm.getAs("rules_version")).isEqualTo("england-2019.12+example-local-1");
        assertThat((String) mm.getAs("rule_id")).isEqualTo("LOC_HIGH_NEED_MULTIMORBID");
        assertThat((String) mm.getAs("run_id")).isEqualTo("run-1");
        // national rules only: P-NONE and P-MM meet nothing
        assertThat(rulesMet(Eligibility.apply(features(spark), EligibilityRules.standard(), "r"))).doesNotContainKeys("P-NONE", "P-MM");
    }

    @Test
    void badConditionsAreRefusedNamingRuleFileAndLine() {
        SparkSession spark = SharedSpark.get();
        EligibilityRules bad = EligibilityRules.parse("rule_id,cohort,basis,condition,reason\n"
                + "R1,OTHER,local,no_such_column > 1,why\n"
                + "R2,OTHER,local,chc AND (,why\n"
                + "R3,OTHER,local,multimorbidity_score,why\n"
                + "R4,OTHER,local,chc,\"for {person_id}\"\n", "local.csv");
        assertThatThrownBy(() -> Eligibility.validate(spark, FEATURES, bad))
                .isInstanceOf(EligibilityRules.InvalidRulesException.class)
                .hasMessageContaining("rule R1 (local.csv, line 2): condition 'no_such_column > 1' cannot be used")
                .hasMessageContaining("rule R2 (local.csv, line 3): condition 'chc AND (' cannot be used")
                .hasMessageContaining("rule R3 (local.csv, line 4): condition 'multimorbidity_score' is int, not true/false")
                .hasMessageContaining("rule R4 (local.csv, line 5): the reason may not show {person_id}");
    }

    @Test
    void tiersTakeExactSharesByRankAndPercentileIsHundredAtTheTop() {
        SparkSession spark = SharedSpark.get();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // ties in pairs: order among ties by person id
            rows.add(RowFactory.create(String.format("P%04d", i), (double) (i / 2)));
        }
        Dataset<Row> scored = spark.createDataFrame(rows, new StructType().add("person_id", DataTypes.StringType)
                .add("p_emergency_12m", DataTypes.DoubleType)).repartition(3);
        List<Row> t = RiskTiers.withTiers(scored, 1000).collectAsList();
        Map<String, Long> counts = t.stream().collect(Collectors.groupingBy(r -> r.getAs("risk_tier"), Collectors.counting()));
        assertThat(counts).containsEntry("very_high", 5L).containsEntry("high", 45L).containsEntry("moderate", 150L).containsEntry("low", 800L);
        Row top = t.stream().filter(r -> (long) r.getAs("risk_rank") == 0).findFirst().orElseThrow();
        assertThat((String) top.getAs("person_id")).isEqualTo("P0998");
        assertThat((double) top.getAs("risk_percentile")).isEqualTo(100.0);
        assertThat(t.stream().mapToLong(r -> r.getAs("risk_rank")).distinct().count()).isEqualTo(1000);
    }
}
