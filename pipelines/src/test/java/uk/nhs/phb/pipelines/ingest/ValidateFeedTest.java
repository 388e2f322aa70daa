package uk.nhs.phb.pipelines.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uk.nhs.phb.schemas.FieldType.BOOLEAN;
import static uk.nhs.phb.schemas.FieldType.DATE;
import static uk.nhs.phb.schemas.FieldType.DECIMAL;
import static uk.nhs.phb.schemas.FieldType.INTEGER;
import static uk.nhs.phb.schemas.FieldType.STRING;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.IdentityLevel;
import uk.nhs.phb.schemas.RowRule;

class ValidateFeedTest {
    static final LocalDate EXTRACT = LocalDate.of(2024, 6, 30);
    static final FeedContract TEST = new FeedContract("test_feed", "tests", "a feed with every type and rule",
            List.of(
                    FieldSpec.required("id", STRING, "id").pattern("[A-Z][0-9]{3}").build(),
                    FieldSpec.required("sex", STRING, "sex").codes("sex").build(),
                    FieldSpec.required("n", INTEGER, "count").range(0, 100).build(),
                    FieldSpec.optional("amount", DECIMAL, "money").range(0, 1000).build(),
                    FieldSpec.required("start_date", DATE, "start").notFuture().build(),
                    FieldSpec.optional("end_date", DATE, "end").notFuture().build(),
                    FieldSpec.optional("flag", BOOLEAN, "flag").build()),
            List.of("id"),
            List.of(new RowRule("end_before_start", "end_date >= start_date", "ends before it starts")),
            IdentityLevel.PSEUDONYMISED);

    static SparkSession spark;

    @BeforeAll
    static void spark() {
        spark = SharedSpark.get();
    }

    /** id, sex, n, amount, start_date, end_date, flag, then file and line. */
    static Row row(String file, long line, String... values) {
        List<Object> v = new ArrayList<>(Arrays.asList((Object[]) values));
        v.add(file);
        v.add(line);
        v.add(String.join(",", values));
        v.add(null);
        return RowFactory.create(v.toArray());
    }

    static Dataset<Row> input(FeedContract contract, List<Row> rows) {
        return spark.createDataFrame(rows, ValidateFeed.inputSchema(contract));
    }

    static ValidateFeed.Result validate(List<Row> rows) {
        return ValidateFeed.of(TEST).extractDate(EXTRACT).execute(input(TEST, rows));
    }

    @Test
    void validRowIsTypedAndCarriesLineage() {
        ValidateFeed.Result r = validate(List.of(row("a.csv", 2, "A001", "1", " 5 ", "12.5", "2024-01-31", "2024-06-30", "Y")));
        assertThat(r.quarantine().count()).isZero();
        List<Row> valid = r.valid().collectAsList();
        assertThat(valid).hasSize(1);
        Row v = valid.get(0);
        assertThat(r.valid().columns()).containsExactly("id", "sex", "n", "amount", "start_date", "end_date", "flag",
                "_source_file", "_source_line");
        assertThat(v.<String>getAs("id")).isEqualTo("A001");
        assertThat(v.<Integer>getAs("n")).isEqualTo(5);
        assertThat(v.<BigDecimal>getAs("amount")).isEqualByComparingTo("12.50");
        assertThat(v.<BigDecimal>getAs("amount").scale()).isEqualTo(2);
        assertThat(v.<Date>getAs("start_date").toLocalDate()).isEqualTo(LocalDate.of(2024, 1, 31));
        assertThat(v.<Date>getAs("end_date").toLocalDate()).isEqualTo(EXTRACT);
        assertThat(v.<Boolean>getAs("flag")).isTrue();
        assertThat(v.<String>getAs("_source_file")).isEqualTo("a.csv");
        assertThat(v.<Long>getAs("_source_line")).isEqualTo(2L);
        assertThat(r.valid().schema().apply("amount").dataType().simpleString()).isEqualTo("decimal(18,2)");
        assertThat(r.valid().schema().apply("start_date").dataType().simpleString()).isEqualTo("date");
        assertThat(r.valid().schema().apply("flag").dataType().simpleString()).isEqualTo("boolean");
        assertThat(r.valid().schema().apply("n").dataType().simpleString()).isEqualTo("int");
    }

    @Test
    void blankOptionalValuesAndNullRowRuleOperandsPass() {
        ValidateFeed.Result r = validate(List.of(row("a.csv", 2, "A001", "2", "0", "", "2024-01-31", "  ", "N")));
        List<Row> valid = r.valid().collectAsList();
        assertThat(valid).hasSize(1);
        assertThat(valid.get(0).<Object>getAs("amount")).isNull();
        assertThat(valid.get(0).<Object>getAs("end_date")).isNull();
        assertThat(valid.get(0).<Boolean>getAs("flag")).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', value = {
            "missing_required|id|  |id is blank; it is required",
            "missing_required|n||n is blank; it is required",
            "bad_type|n|5.0|n='5.0' is not a whole number",
            "bad_type|n|99999999999|n='99999999999' is not a whole number",
            "bad_type|amount|1.234|amount='1.234' is not a decimal number with at most 2 decimal places",
            "bad_type|amount|1e3|amount='1e3' is not a decimal",
            "bad_type|amount|£12|amount='£12' is not a decimal",
            "bad_type|start_date|31/01/2024|start_date='31/01/2024' is not a real date written yyyy-MM-dd",
            "bad_type|start_date|2023-02-30|start_date='2023-02-30' is not a real date",
            "bad_type|flag|yes|flag='yes' is not Y or N",
            "unknown_code|sex|7|sex='7' is not in code list sex (1, 2, 9, 0)",
            "bad_format|id|a001|id='a001' does not match the pattern [A-Z][0-9]{3}",
            "out_of_range|n|101|n=101 is outside the range 0..100 (inclusive)",
            "out_of_range|amount|-0.01|amount=-0.01 is outside the range 0..1000 (inclusive)",
            "future_date|start_date|2024-07-01|start_date=2024-07-01 is after the extract date 2024-06-30",
    })
    void eachFieldRuleQuarantinesWithRuleFieldAndDetail(String rule, String field, String value, String detail) {
        Map<String, String> good = new HashMap<>(Map.of("id", "B001", "sex", "2", "n", "7", "amount", "99.99",
                "start_date", "2024-01-01", "end_date", "", "flag", "Y"));
        good.put(field, value == null ? "" : value);
        String[] values = TEST.fieldNames().stream().map(good::get).toArray(String[]::new);
        ValidateFeed.Result r = validate(List.of(row("f.csv", 3, values)));
        assertThat(r.valid().count()).isZero();
        List<Row> q = r.quarantine().collectAsList();
        assertThat(q).hasSize(1);
        Row bad = q.get(0);
        assertThat(bad.<String>getAs("_rule")).isEqualTo(rule);
        assertThat(bad.<String>getAs("_field")).isEqualTo(field);
        assertThat(bad.<String>getAs("_detail")).startsWith(detail);
        assertThat(bad.<String>getAs(field)).isEqualTo(value == null ? "" : value);
        assertThat(bad.<String>getAs("_source_file")).isEqualTo("f.csv");
        assertThat(bad.<Long>getAs("_source_line")).isEqualTo(3L);
        assertThat(bad.<String>getAs("_raw_line")).isEqualTo(String.join(",", values));
        assertThat(bad.getList(bad.fieldIndex("_rules"))).containsExactly(rule);
    }

    @Test
    void rowRuleIsNamedAndShowsItsOperands() {
        ValidateFeed.Result r = validate(List.of(row("a.csv", 2, "A001", "1", "5", "1", "2024-02-01", "2024-01-01", "Y")));
        Row bad = r.quarantine().first();
        assertThat(bad.<String>getAs("_rule")).isEqualTo("end_before_start");
        assertThat(bad.<String>getAs("_field")).isNull();
        assertThat(bad.<String>getAs("_detail")).isEqualTo("ends before it starts (end_date=2024-01-01, start_date=2024-02-01)");
    }

    @Test
    void everyBrokenRuleIsListedAndTheFirstDecides() {
        ValidateFeed.Result r = validate(List.of(row("a.csv", 2, "", "7", "x", "1", "2030-01-01", "2024-01-01", "Y")));
        Row bad = r.quarantine().first();
        assertThat(bad.<String>getAs("_rule")).isEqualTo("missing_required");
        assertThat(bad.<String>getAs("_field")).isEqualTo("id");
        assertThat(bad.getList(bad.fieldIndex("_rules")))
                .containsExactly("missing_required", "unknown_code", "bad_type", "future_date", "end_before_start");
        List<Row> problems = bad.getList(bad.fieldIndex("_problems"));
        assertThat(problems).extracting(p -> p.getString(1)).containsExactly("id", "sex", "n", "start_date", null);
    }

    @Test
    void malformedRowsAreQuarantinedWithoutOtherRules() {
        Row malformed = RowFactory.create("A001", null, null, null, null, null, null, "a.csv", 7L, "A001,\"1,2",
                "expected 7 columns");
        ValidateFeed.Result r = validate(List.of(malformed));
        Row bad = r.quarantine().first();
        assertThat(bad.<String>getAs("_rule")).isEqualTo("malformed_row");
        assertThat(bad.<String>getAs("_detail")).isEqualTo("expected 7 columns");
        assertThat(bad.<String>getAs("_raw_line")).isEqualTo("A001,\"1,2");
        assertThat(bad.<Long>getAs("_source_line")).isEqualTo(7L);
        assertThat(bad.getList(bad.fieldIndex("_rules"))).containsExactly("malformed_row");
    }

    @Test
    void laterRowsWithTheSameKeyAreDuplicatesAndTheFirstIsKept() {
        ValidateFeed.Result r = validate(List.of(
                row("b.csv", 2, "A001", "1", "5", "1", "2024-01-01", "", "Y"),
                row("a.csv", 9, "A001", "2", "6", "1", "2024-01-01", "", "Y"),
                row("a.csv", 10, "A001", "2", "6", "1", "2024-01-01", "", "Y"),
                row("a.csv", 11, "A002", "1", "5", "1", "2024-01-01", "", "Y"),
                row("a.csv", 12, "", "1", "5", "1", "2024-01-01", "", "Y"),
                row("a.csv", 13, "", "1", "5", "1", "2024-01-01", "", "Y")));
        List<Row> valid = r.valid().collectAsList();
        assertThat(valid).extracting(v -> v.getAs("_source_file") + ":" + v.getAs("_source_line"))
                .containsExactlyInAnyOrder("a.csv:9", "a.csv:11");
        List<Row> q = r.quarantine().collectAsList();
        assertThat(q).extracting(v -> v.getAs("_source_file") + ":" + v.getAs("_source_line") + ":" + v.getAs("_rule"))
                .containsExactlyInAnyOrder("a.csv:10:duplicate_record", "b.csv:2:duplicate_record",
                        "a.csv:12:missing_required", "a.csv:13:missing_required");
        Row dup = q.stream().filter(x -> x.<String>getAs("_source_file").equals("b.csv")).findFirst().orElseThrow();
        assertThat(dup.<String>getAs("_detail")).isEqualTo(
                "record key id=A001 was first seen at a.csv line 9; later rows with the same key are duplicates");
        assertThat(dup.<String>getAs("_field")).isEqualTo("id");
    }

    @Test
    void theFirstOccurrenceWinsEvenWhenItBreaksAnotherRule() {
        ValidateFeed.Result r = validate(List.of(
                row("a.csv", 2, "A001", "1", "500", "1", "2024-01-01", "", "Y"),
                row("a.csv", 3, "A001", "1", "5", "1", "2024-01-01", "", "Y")));
        assertThat(r.valid().count()).isZero();
        assertThat(r.quarantine().collectAsList()).extracting(x -> x.<String>getAs("_rule"))
                .containsExactlyInAnyOrder("out_of_range", "duplicate_record");
    }

    @Test
    void everyRowEndsInExactlyOneOutputAndCountsByRuleAddUp() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = String.format("C%03d", i % 30);
            String n = i % 7 == 0 ? "x" : String.valueOf(i);
            String sex = i % 11 == 0 ? "5" : "1";
            rows.add(row("m.csv", i + 2, id, sex, n, "1.5", "2024-01-01", i % 5 == 0 ? "2023-01-01" : "", "Y"));
        }
        rows.add(RowFactory.create(null, null, null, null, null, null, null, "m.csv", 99L, "bad", "expected 7 columns"));
        ValidateFeed.Result r = validate(rows);
        long valid = r.valid().count();
        long quarantined = r.quarantine().count();
        assertThat(valid + quarantined).isEqualTo(rows.size());
        Map<String, Long> byRule = new HashMap<>();
        for (Row c : r.countsByRule().collectAsList()) {
            byRule.merge(c.isNullAt(0) ? "valid" : c.getString(0), c.getLong(2), Long::sum);
        }
        assertThat(byRule.get("valid")).isEqualTo(valid);
        assertThat(byRule.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(rows.size());
        assertThat(byRule).containsEntry("duplicate_record", 7L).containsEntry("malformed_row", 1L);
        // quarantined: duplicates 30..39, bad n {0,7,14,21,28}, bad sex {11,22}, end before start {5,10,15,20,25}
        assertThat(valid).isEqualTo(18);
    }

    @Test
    void realContractRowRulesRun() {
        FeedContract apc = Feeds.byName("apc_spells");
        String token = "A".repeat(43);
        List<Object> v = new ArrayList<>(List.of("S1", token, "RXX", "2024-03-10", "2024-03-01", "21", "I21.0", "EB10Z", "1234.00",
                "recorded"));
        v.add(null);
        v.addAll(List.of("apc.csv", 2L, "raw"));
        v.add(null);
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create(v.toArray())), ValidateFeed.inputSchema(apc));
        Row bad = ValidateFeed.of(apc).extractDate(EXTRACT).execute(in).quarantine().first();
        assertThat(bad.<String>getAs("_rule")).isEqualTo("discharge_before_admission");
        assertThat(bad.<String>getAs("_detail")).contains("discharge_date=2024-03-01", "admission_date=2024-03-10");
    }

    @Test
    void aLocalCodeIsAcceptedBesideItsNationalListAndKeptAsSent() {
        // sex 'X' is in no national list: quarantined, unless the ICB lists it as a local code
        Row local = row("a.csv", 2, "A001", "X", "5", "", "2024-01-31", "", "");
        assertThat(validate(List.of(local)).quarantine().first().<String>getAs("_rule")).isEqualTo("unknown_code");
        ValidateFeed.Result r = ValidateFeed.of(TEST).extractDate(EXTRACT).localCodes(Map.of("sex", Set.of("X")))
                .execute(input(TEST, List.of(local)));
        assertThat(r.quarantine().count()).isZero();
        assertThat(r.valid().first().<String>getAs("sex")).isEqualTo("X");

        // admission method '2X' is kept as not known ('99') and counted; a local code keeps its value and is not counted
        FeedContract apc = Feeds.byName("apc_spells");
        List<Object> v = new ArrayList<>(List.of("S1", "A".repeat(43), "RXX", "2024-03-10", "2024-03-12", "2X", "I21.0", "EB10Z", "1234.00",
                "recorded"));
        v.add(null);
        v.addAll(List.of("apc.csv", 2L, "raw"));
        v.add(null);
        Dataset<Row> in = spark.createDataFrame(List.of(RowFactory.create(v.toArray())), ValidateFeed.inputSchema(apc));
        ValidateFeed.Result national = ValidateFeed.of(apc).extractDate(EXTRACT).execute(in);
        assertThat(national.valid().first().<String>getAs("admission_method")).isEqualTo("99");
        assertThat(national.countsByRule().first().<String>getList(1)).containsExactly("admission_method=2X");
        ValidateFeed.Result withLocal = ValidateFeed.of(apc).extractDate(EXTRACT).localCodes(Map.of("admission_method", Set.of("2X"))).execute(in);
        assertThat(withLocal.valid().first().<String>getAs("admission_method")).isEqualTo("2X");
        assertThat(withLocal.countsByRule().first().<String>getList(1)).isEmpty();
    }

    @Test
    void missingInputColumnsAreNamed() {
        Dataset<Row> in = spark.sql("select 'x' as id, 'a' as _source_file, 1L as _source_line");
        assertThatThrownBy(() -> ValidateFeed.of(TEST).execute(in))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test_feed").hasMessageContaining("[sex, n, amount, start_date, end_date, flag]");
    }
}
