package uk.nhs.phb.jobs.extract;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.CatalogueFixtures;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.audit.disclosure.DisclosureAttack;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.link.PersonIndex;
import uk.nhs.phb.schemas.IdentityLevel;
import uk.nhs.phb.schemas.Quarter;

/**
 * Extracts on a hand-built lake of 60 people at the end of 2025-26Q4 (and 10 at the quarter before, which no extract
 * may touch): two practices; opt-outs for 4 people by national data opt-out only, 2 by type 1 only, 1 by both, one
 * token nobody holds, and one person of practice B81002 with a national opt-out.
 */
class ExtractJobTest {
    static final Quarter Q = Quarter.parse("2025-26Q4");
    static final SecretKey LAKE_KEY = SecretKey.generate();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String A = "B81001";
    static final String B = "B81002";
    /** person index i: 0-39 at practice A, 40-59 at B. */
    static final Set<Integer> NDOO_ONLY = Set.of(1, 2, 3, 45);
    static final Set<Integer> TYPE1_ONLY = Set.of(4, 5);
    static final Set<Integer> BOTH = Set.of(6);
    /** PHB-eligible (phb_priority.eligible) people: the direct-care population. */
    static final Set<Integer> ELIGIBLE = Set.of(0, 1, 4, 6, 7, 8, 41);

    @TempDir
    static Path dir;
    static SparkSession spark;
    static JobSettings settings;
    static ExtractPurposes purposes;

    static String person(int i) {
        return String.format("P%015d", i);
    }

    static String token(int i) {
        return String.format("tok%040d", i);
    }

    @BeforeAll
    static void lake() throws Exception {
        spark = TestSpark.get();
        settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        String lake = settings.lake();
        Date end = Date.valueOf(Q.end());
        Date before = Date.valueOf(Q.previous().end());
        StructType features = new StructType().add("person_id", "string").add("reference_date", "date").add("age", "int")
                .add("age_band", "string").add("sex", "string").add("practice_code", "string").add("ltc_count", "int")
                .add("has_phb", "boolean");
        List<Row> f = new ArrayList<>();
        List<Row> risk = new ArrayList<>();
        List<Row> priority = new ArrayList<>();
        List<Row> index = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int age = 20 + (i * 7) % 60;
            int lo = age / 5 * 5;
            f.add(RowFactory.create(person(i), end, age, lo + "-" + (lo + 4), i % 3 == 0 ? "2" : "1", i < 40 ? A : B, i % 4, i % 10 == 0));
            risk.add(RowFactory.create(person(i), end, i < 6 ? "very_high" : "low", "run-r"));
            priority.add(RowFactory.create(person(i), end, 60 - i, ELIGIBLE.contains(i), "run-p"));
            index.add(RowFactory.create("patients", token(i), person(i)));
        }
        for (int i = 100; i < 110; i++) {
            f.add(RowFactory.create(person(i), before, 50, "50-54", "1", A, 1, false));
        }
        save(spark.createDataFrame(f, features), lake + "/gold/person_features");
        save(spark.createDataFrame(risk, new StructType().add("person_id", "string").add("reference_date", "date")
                .add("risk_tier", "string").add("run_id", "string")), lake + "/gold/risk_scores");
        save(spark.createDataFrame(priority, new StructType().add("person_id", "string").add("reference_date", "date")
                .add("priority_rank", "int").add("eligible", "boolean").add("run_id", "string")), lake + "/gold/phb_priority");
        // eligibility: persons 0 and 41 in two cohorts, 1, 4, 6, 7, 8 in one
        List<Row> elig = new ArrayList<>();
        for (Object[] e : new Object[][] {{0, "CHC"}, {0, "LD_AUTISM"}, {1, "S117"}, {4, "CHC"}, {6, "WHEELCHAIR"}, {7, "CHC"},
            {8, "EHCP"}, {41, "CHC"}, {41, "WHEELCHAIR"}}) {
            elig.add(RowFactory.create(person((int) e[0]), end, e[1], "legal_right", "run-e"));
        }
        save(spark.createDataFrame(elig, new StructType().add("person_id", "string").add("reference_date", "date").add("cohort", "string")
                .add("basis", "string").add("run_id", "string")), lake + "/gold/phb_eligibility");
        // budgets: person 0 has two lines (1200.50 + 300.25), person 7 one
        StructType budget = new StructType().add("person_id", "string").add("reference_date", "date").add("stream", "string")
                .add("annual_gbp", DataTypes.createDecimalType(12, 2)).add("run_id", "string");
        save(spark.createDataFrame(List.of(RowFactory.create(person(0), end, "NHS", new BigDecimal("1200.50"), "run-b"),
                RowFactory.create(person(0), end, "SOCIAL_CARE", new BigDecimal("300.25"), "run-b"),
                RowFactory.create(person(7), end, "NHS", new BigDecimal("99.99"), "run-b")), budget), lake + "/gold/indicative_budgets");
        List<Row> patients = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            patients.add(RowFactory.create("pat-" + i, token(i)));
        }
        save(spark.createDataFrame(patients, new StructType().add("record_id", "string").add("nhs_token", "string")), lake + "/bronze/patients");
        // the person index stores the keyed hash of each token, as 'phb link' does
        Dataset<Row> idx = spark.createDataFrame(index, new StructType().add("source", "string").add("token", "string").add("person_id", "string"));
        save(idx.select(col("source"), PersonIndex.entityHash(LAKE_KEY, col("source"), col("token")).alias("entity_hash"), col("person_id"),
                lit("SPINE").alias("method"), lit(null).cast("double").alias("match_weight"), lit(null).cast("double").alias("match_probability")),
                lake + "/silver/person_index");
        List<Row> opt = new ArrayList<>();
        int n = 0;
        for (int i : NDOO_ONLY) {
            opt.add(RowFactory.create("opt-" + n++, token(i), "NDOO", Date.valueOf("2024-01-01")));
        }
        for (int i : TYPE1_ONLY) {
            opt.add(RowFactory.create("opt-" + n++, token(i), "TYPE1", Date.valueOf("2024-01-01")));
        }
        for (int i : BOTH) {
            opt.add(RowFactory.create("opt-" + n++, token(i), "NDOO", Date.valueOf("2024-01-01")));
            opt.add(RowFactory.create("opt-" + n++, token(i), "TYPE1", Date.valueOf("2024-02-01")));
        }
        opt.add(RowFactory.create("opt-" + n, token(999), "NDOO", Date.valueOf("2024-01-01")));
        save(spark.createDataFrame(opt, new StructType().add("record_id", "string").add("nhs_token", "string").add("opt_out_type", "string")
                .add("recorded_date", "date")), lake + "/bronze/opt_outs");
        Path config = dir.resolve("purposes.json");
        Files.writeString(config, """
                {"version": "test", "purposes": [
                 {"name": "direct-care", "scope": "practice", "population": {"table": "phb_priority", "where": "eligible"},
                  "order_by": "phb_priority.priority_rank",
                  "levels": {"PSEUDONYMISED": {"legal_basis": "individual care", "opt_outs": [],
                    "columns": ["person_features.practice_code", "person_features.age", "phb_eligibility.cohort as eligible_cohorts",
                                "indicative_budgets.annual_gbp as indicative_annual_gbp"]}}},
                 {"name": "commissioning", "default_level": "PSEUDONYMISED",
                  "levels": {"PSEUDONYMISED": {"legal_basis": "s251 support", "opt_outs": ["NDOO", "TYPE1"],
                    "columns": ["person_features.age_band", "person_features.sex", "risk_scores.risk_tier", "phb_eligibility.basis"]},
                   "ANONYMISED": {"legal_basis": "anonymised", "opt_outs": [], "columns": ["person_features.age", "person_features.sex",
                     "person_features.ltc_count"], "anonymise": {"k": 5, "quasi_identifiers": {"age": "builtin:age", "sex": "builtin:sex"}}}}},
                 {"name": "publication", "levels": {"AGGREGATE": {"legal_basis": "aggregate", "opt_outs": [], "tables": [
                   {"name": "persons_by_sex_and_practice", "rows": "person_features.sex", "columns": "person_features.practice_code",
                    "row_order": ["2", "1"]},
                   {"name": "eligible_by_cohort_and_sex", "rows": "phb_eligibility.cohort", "columns": "person_features.sex"}]}}}
                ]}
                """);
        purposes = ExtractPurposes.fromFile(config);
    }

    static void save(Dataset<Row> d, String path) {
        CatalogueFixtures.complete(d, path).write().format("delta").mode("overwrite").save(path);
    }

    static ExtractJob.Result extract(String purpose, String recipient, IdentityLevel level, String practice) {
        return ExtractJob.run(spark, new ExtractJob.Request(settings, LAKE_KEY, purposes, purpose, recipient, Q, level, practice), Progress.NONE);
    }

    static List<String[]> csvRows(Path folder) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".csv")).toList()) {
                List<String> lines = Files.readAllLines(p);
                lines.subList(1, lines.size()).forEach(l -> rows.add(l.split(",", -1)));
            }
        }
        return rows;
    }

    static Set<String> pseudonyms(String recipient) throws Exception {
        Set<String> out = new HashSet<>();
        csvRows(Path.of(ExtractJob.folder(settings, Q, "commissioning", recipient), "data")).forEach(r -> out.add(r[0]));
        return out;
    }

    @Test
    void optOutsRemovedExactlyPerRuleRecipientPseudonymsDifferAndTheKeyHolderCanReidentify() throws Exception {
        ExtractJob.Result a = extract("commissioning", "DSCRO-North", null, null);
        // 60 people at the date; national opt-out removes 1, 2, 3, 45 and 6 (who also has type 1); type 1 removes 4, 5
        assertThat(a.populationInScope()).isEqualTo(60L);
        assertThat(a.optOutRemovals()).isEqualTo(Map.of("NDOO", 5L, "TYPE1", 2L));
        assertThat(a.rows()).isEqualTo(53L);
        assertThat(a.recipient()).isEqualTo("dscro-north");
        Path folder = Path.of((String) a.dir());
        assertThat(folder).isEqualTo(dir.resolve("out/extracts/2025-26Q4/commissioning/dscro-north"));
        JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
        assertThat(m.get("opt_out_removals").get("NDOO").asLong()).isEqualTo(5);
        assertThat(m.get("opt_out_removals").get("TYPE1").asLong()).isEqualTo(2);
        assertThat(m.get("opt_out_list").get("NDOO").get("tokens").asLong()).as("the unknown token is listed, not matched").isEqualTo(6);
        assertThat(m.get("opt_out_list").get("NDOO").get("persons_in_index").asLong()).isEqualTo(5);
        assertThat(m.get("legal_basis").asText()).isEqualTo("s251 support");
        assertThat(m.get("level").asText()).isEqualTo("PSEUDONYMISED");
        assertThat(m.get("inputs").has("gold/person_features")).isTrue();
        assertThat(m.get("inputs").has("bronze/opt_outs")).isTrue();

        List<String[]> rows = csvRows(folder.resolve("data"));
        assertThat(rows).hasSize(53);
        assertThat(Files.readAllLines(Files.list(folder.resolve("data")).filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow())
                .get(0)).isEqualTo("pseudonym,age_band,sex,risk_tier,basis");
        String all = String.join("\n", rows.stream().map(r -> String.join(",", r)).toList());
        assertThat(all).as("no lake person id leaves the lake").doesNotContain("P0000");
        // risk tier very_high for people 0-5: of those only 0 stays
        assertThat(rows.stream().filter(r -> r[3].equals("very_high")).count()).isEqualTo(1);

        // each id is the recipient's keyed function of the person (the job's ids equal it), so stable from release to
        // release for one recipient; another recipient's ids for the same people have none in common
        Set<String> first = pseudonyms("dscro-north");
        RecipientPseudonyms north = RecipientPseudonyms.of(LAKE_KEY, "dscro-north");
        Set<String> expectedIds = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            if (!NDOO_ONLY.contains(i) && !TYPE1_ONLY.contains(i) && !BOTH.contains(i)) {
                expectedIds.add(north.pseudonym(person(i)));
            }
        }
        assertThat(first).isEqualTo(expectedIds);
        RecipientPseudonyms south = RecipientPseudonyms.of(LAKE_KEY, "dscro-south");
        Set<String> other = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            other.add(south.pseudonym(person(i)));
        }
        assertThat(other).hasSize(60).doesNotContainAnyElementsOf(first);

        // the trail: every person in scope, included or the rule that removed them
        Map<String, Long> trail = ExtractJob.trailCounts(spark, settings.lakeLayout(), (String) a.runId());
        assertThat(trail).isEqualTo(Map.of("included", 53L, "NDOO", 5L, "TYPE1", 2L));
        Row six = spark.read().format("delta").load(dir.resolve("lake/audit/extract_log").toString())
                .filter(col("run_id").equalTo(a.runId()).and(col("person_id").equalTo(person(6)))).first();
        assertThat(six.<Boolean>getAs("included")).isFalse();
        assertThat(six.<String>getAs("removed_by")).isEqualTo("NDOO");
        assertThat(six.<String>getAs("extract_id")).isEqualTo("2025-26Q4/commissioning/dscro-north");

        // re-identification by the lake key holder: pseudonym -> person id and NHS token
        Path asked = Files.writeString(dir.resolve("asked.csv"), "pseudonym\n" + String.join("\n", first) + "\nRnot-a-pseudonym\n");
        ExtractReidentify.Result re = ExtractReidentify.run(spark, settings, LAKE_KEY, "dscro-north", asked.toString(),
                dir.resolve("lookup").toString(), false, Progress.NONE);
        assertThat(re.matched()).isEqualTo(53L);
        assertThat(re.unmatched()).isEqualTo(1L);
        Set<String> back = new HashSet<>();
        csvRows(dir.resolve("lookup/lookup")).stream().filter(r -> !r[1].isEmpty()).forEach(r -> {
            back.add(r[1]);
            assertThat(r[2]).isEqualTo(token(Integer.parseInt(r[1].substring(1))));
        });
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            if (!NDOO_ONLY.contains(i) && !TYPE1_ONLY.contains(i) && !BOTH.contains(i)) {
                expected.add(person(i));
            }
        }
        assertThat(back).isEqualTo(expected);
    }

    @Test
    void manifestChecksumsMatchTheFilesAndEveryFileIsListed() throws Exception {
        // direct care for practice B81001 (the recipient is the practice): its eligible people 0, 1, 4, 6, 7, 8 (opt-outs do
        // not apply to direct care), ordered by priority rank (60 - i)
        ExtractJob.Result r = extract("direct-care", "b81001", null, null);
        Path folder = Path.of((String) r.dir());
        JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
        Set<String> listed = new HashSet<>();
        for (JsonNode f : m.get("files")) {
            Path p = folder.resolve(f.get("path").asText());
            byte[] bytes = Files.readAllBytes(p);
            assertThat(bytes.length).isEqualTo(f.get("bytes").asLong());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(f.get("sha256").asText());
            listed.add(f.get("path").asText());
        }
        try (Stream<Path> s = Files.walk(folder)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).filter(p -> !p.equals("manifest.json")))
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
        try (Stream<Path> s = Files.list(folder.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no staging folder left").noneMatch(n -> n.contains(".tmp-"));
        }
        assertThat(m.get("practice").asText()).isEqualTo(A);
        assertThat(m.get("opt_outs_applied")).isEmpty();
        assertThat(m.get("order_by").asText()).isEqualTo("phb_priority.priority_rank");
        List<String[]> ra = csvRows(folder.resolve("data"));
        assertThat(ra).extracting(x -> x[2]).containsExactly("76", "69", "62", "48", "27", "20");
        assertThat(ra.get(5)).containsExactly(ra.get(5)[0], A, "20", "CHC|LD_AUTISM", "1500.75");
        assertThat(ra.get(1)[4]).as("person 7's one budget line").isEqualTo("99.99");
        assertThat(ra.get(0)[4]).as("no budget").isEmpty();
    }

    @Test
    void publicationWritesOnlySuppressedAggregatesNeverPersonRows() throws Exception {
        ExtractJob.Result r = extract("publication", "nhs-england", null, null);
        Path folder = Path.of((String) r.dir());
        try (Stream<Path> s = Files.walk(folder)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()))
                    .containsExactlyInAnyOrder("manifest.json", "tables/persons_by_sex_and_practice.csv", "tables/eligible_by_cohort_and_sex.csv");
        }
        // sex 2 = i % 3 == 0: at A (0-39) 14 people, at B (40-59) 6; sex 1: 26 at A, 14 at B. The 6 is shown as *; its row
        // total (20) would reveal it, so the 14 beside it goes too, then the 26 and 14 above them (column totals 40 and 20)
        assertThat(Files.readString(folder.resolve("tables/persons_by_sex_and_practice.csv"))).isEqualTo("""
                sex,practice_code:B81001,practice_code:B81002,total
                2,*,*,20
                1,*,*,40
                total,40,20,60
                """);
        // eligible by cohort: CHC 0(2), 4(1), 7(1), 41(2) -> sex 1: 4, 7, 41? 41 % 3 = 2 -> 1; so CHC sex1 = 3 (*), sex2 = 1 (*)
        String cohorts = Files.readString(folder.resolve("tables/eligible_by_cohort_and_sex.csv"));
        for (String line : cohorts.lines().skip(1).toList()) {
            for (String cell : line.substring(line.indexOf(',') + 1).split(",")) {
                assertThat(cell).as(line).matches("\\*|0|[0-9]*[05]");
            }
        }
        assertThat(cohorts).doesNotContain("P0000").doesNotContain("pseudonym").doesNotContain("tok");
        JsonNode m = JSON.readTree(folder.resolve("manifest.json").toFile());
        assertThat(m.get("level").asText()).isEqualTo("AGGREGATE");
        // the independent attack on the whole folder: the tables, their totals and the manifest's population together
        DisclosureAttack.Result attack = DisclosureAttack.run(new DisclosureAttack.Request(List.of(folder), null));
        assertThat(attack.recovered()).isEmpty();
        assertThat(attack.unroundedCounts()).isEmpty();
        assertThat(attack.conflicts()).isEmpty();
        assertThat(attack.cellsTriedByTable()).containsEntry("persons_by_sex_and_practice", 4);
        assertThat(m.has("pseudonym")).isFalse();
        // the last guard refuses anything the rule would not publish
        assertThatThrownBy(() -> Releases.checkAggregate("t", "pseudonym,age\nRabc,37\ntotal,37\n", 2, 1))
                .hasMessageContaining("not published");
        assertThatThrownBy(() -> Releases.checkAggregate("t", "sex,a,total\n1,12,12\ntotal,12,12\n", 1, 1))
                .hasMessageContaining("the figure '12'");
        // and no configuration can make publication person-level
        assertThatThrownBy(() -> ExtractPurposes.parse("""
                {"purposes": [{"name": "publication", "levels": {"PSEUDONYMISED": {"legal_basis": "x", "opt_outs": [],
                  "columns": ["person_features.sex"]}}}]}""".getBytes(StandardCharsets.UTF_8), "test.json"))
                .isInstanceOf(InputException.class).hasMessageContaining("publication may only release AGGREGATE tables");
        assertThatThrownBy(() -> ExtractPurposes.parse("""
                {"purposes": [{"name": "stats", "levels": {"AGGREGATE": {"legal_basis": "x", "opt_outs": [],
                  "columns": ["person_features.sex"], "tables": []}}}]}""".getBytes(StandardCharsets.UTF_8), "test.json"))
                .isInstanceOf(InputException.class).hasMessageContaining("an aggregate level lists \"tables\" and no person-level \"columns\"");
    }

    @Test
    void anonymisedExtractPassesTheIndependentVerifierAndTheTrailCountsSuppression() throws Exception {
        ExtractJob.Result r = extract("commissioning", "ics-analysts", IdentityLevel.ANONYMISED, null);
        Path data = Path.of((String) r.dir(), "anonymised", "data");
        var check = AnonymiseJob.verify(spark, data.toString(), "csv", ",", List.of("age", "sex"), List.of(),
                new AnonymiseJob.Models(5, null, false, null, false));
        assertThat(check.passed()).isTrue();
        long suppressed = (long) r.suppressed();
        assertThat((long) r.rows() + suppressed).as("no opt-outs for anonymised data: all 60").isEqualTo(60);
        assertThat(csvRows(data)).hasSize((int) (60 - suppressed));
        assertThat(ExtractJob.trailCounts(spark, settings.lakeLayout(), (String) r.runId()).getOrDefault(ExtractJob.SUPPRESSED, 0L))
                .isEqualTo(suppressed);
        JsonNode m = JSON.readTree(Path.of((String) r.dir(), "manifest.json").toFile());
        assertThat(m.get("anonymisation").get("verification").get("passed").asBoolean()).isTrue();
        assertThat(m.get("opt_outs_applied")).isEmpty();
        assertThat(Files.readString(data.getParent().getParent().resolve("manifest.json"))).doesNotContain("P0000");
        // the attack groups the released records by the quasi-identifiers the release names: no class below k
        DisclosureAttack.Result attack = DisclosureAttack.run(new DisclosureAttack.Request(List.of(Path.of((String) r.dir())), null));
        assertThat(attack.recovered()).isEmpty();
        assertThat(attack.cellsTriedByTable().get("records")).isPositive();
    }

    @Test
    void refusesWhatItCannotDoSafelyWithClearMessages() throws Exception {
        assertThatThrownBy(() -> extract("research", "x", null, null)).isInstanceOf(InputException.class)
                .hasMessageContaining("no purpose 'research'").hasMessageContaining("commissioning");
        assertThatThrownBy(() -> extract("publication", "x", IdentityLevel.PSEUDONYMISED, null)).isInstanceOf(InputException.class)
                .hasMessageContaining("may release at [AGGREGATE], not PSEUDONYMISED");
        assertThatThrownBy(() -> extract("direct-care", "dscro-north", null, null)).isInstanceOf(InputException.class)
                .hasMessageContaining("--practice");
        assertThatThrownBy(() -> extract("commissioning", "bad/name", null, null)).isInstanceOf(InputException.class)
                .hasMessageContaining("recipient 'bad/name'");
        // opt-outs must apply but the lake has no list: nothing is made
        JobSettings empty = new JobSettings(dir.resolve("lake2").toString(), "landing", dir.resolve("out2").toString(), "local[2]", false);
        save(spark.read().format("delta").load(settings.lake() + "/gold/person_features"), empty.lake() + "/gold/person_features");
        assertThatThrownBy(() -> ExtractJob.run(spark, new ExtractJob.Request(empty, LAKE_KEY, purposes, "commissioning", "dscro-north", Q,
                null, null), Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("no bronze/opt_outs");
        assertThat(dir.resolve("out2")).doesNotExist();
        // a list of type 1 opt-outs alone (GP records' codes) does not stand in for the national data opt-out list
        save(spark.read().format("delta").load(settings.lake() + "/bronze/opt_outs").filter("opt_out_type = 'TYPE1'"),
                empty.lake() + "/bronze/opt_outs");
        assertThatThrownBy(() -> ExtractJob.run(spark, new ExtractJob.Request(empty, LAKE_KEY, purposes, "commissioning", "dscro-north", Q,
                null, null), Progress.NONE)).isInstanceOf(InputException.class)
                .hasMessageContaining("bronze/opt_outs holds no NDOO opt-outs").hasMessageContaining("landing/ndop_opted_out");
        assertThat(dir.resolve("out2")).doesNotExist();
        // configuration errors are reported together, naming the purpose and field
        assertThatThrownBy(() -> ExtractPurposes.parse("""
                {"purposes": [{"name": "planning", "levels": {"ANONYMISED": {"legal_basis": "", "opt_outs": ["NDOO", "TYPE3"],
                  "columns": ["person_features.person_id", "person_features.age"], "anonymise": {"k": 1, "quasi_identifiers": {"sex": "builtin:sex"}}}}}]}
                """.getBytes(StandardCharsets.UTF_8), "test.json"))
                .isInstanceOf(InputException.class).hasMessageContaining("5 problem(s)").hasMessageContaining("legal_basis")
                .hasMessageContaining("unknown opt-out 'TYPE3'").hasMessageContaining("never leaves").hasMessageContaining("k must be at least 2")
                .hasMessageContaining("quasi-identifier 'sex' is not one of the level's released columns");
        ExtractPurposes defaults = ExtractPurposes.defaults();
        assertThat(defaults.purposes().keySet()).containsExactly("direct-care", "commissioning", "planning", "publication");
        assertThat(defaults.purpose("planning").defaultLevel()).isEqualTo(IdentityLevel.ANONYMISED);
        assertThat(defaults.purpose("commissioning").levels().get(IdentityLevel.PSEUDONYMISED).optOuts()).containsExactly("NDOO", "TYPE1");
        assertThat(defaults.purpose("direct-care").levels().get(IdentityLevel.PSEUDONYMISED).optOuts()).isEmpty();
    }

    @Test
    void aPastExtractIsMadeAgainExactlyFromTheTableVersionsItRead() throws Exception {
        // its own out folder and recipient, so the other tests' extracts are left as they were
        JobSettings own = new JobSettings(settings.lake(), settings.landing(), dir.resolve("out-replay").toString(), "local[2]", false);
        ExtractJob.Request request = new ExtractJob.Request(own, LAKE_KEY, purposes, "commissioning", "dscro-replay", Q, null, null);
        ExtractJob.Result first = ExtractJob.run(spark, request, Progress.NONE);
        Path firstDir = Path.of((String) first.dir());
        List<String> firstRows = sortedRows(firstDir.resolve("data"));
        JsonNode firstManifest = JSON.readTree(firstDir.resolve("manifest.json").toFile());
        assertThat(firstRows).hasSize(53);

        // two more people opt out after the first release, so today's extract holds two rows fewer
        String optOuts = settings.lake() + "/bronze/opt_outs";
        long before = DeltaTables.version(spark, optOuts);
        long optOutRows = spark.read().format("delta").load(optOuts).count();
        spark.createDataFrame(List.of(RowFactory.create("opt-late-1", token(10), "NDOO", Date.valueOf("2026-01-15")),
                        RowFactory.create("opt-late-2", token(11), "TYPE1", Date.valueOf("2026-02-15"))),
                new StructType().add("record_id", "string").add("nhs_token", "string").add("opt_out_type", "string").add("recorded_date", "date"))
                .write().format("delta").mode("append").save(optOuts);
        try {
            ExtractJob.Result today = ExtractJob.run(spark, request, Progress.NONE);
            assertThat(today.rows()).isEqualTo(51L);

            AuditLog.RunRecord past = AuditLog.of(own).show((String) first.runId());
            ExtractJob.Result again = ExtractJob.run(spark, ExtractJob.Request.replaying(own, LAKE_KEY, purposes, past),
                    Progress.NONE);
            Path againDir = Path.of((String) again.dir());
            assertThat(againDir).isEqualTo(Path.of(firstDir + ".run-" + first.runId()));
            assertThat(again.regeneratesRun()).isEqualTo(first.runId());
            assertThat(again.rows()).isEqualTo(53L);
            assertThat(sortedRows(againDir.resolve("data"))).isEqualTo(firstRows);
            JsonNode m = JSON.readTree(againDir.resolve("manifest.json").toFile());
            assertThat(m.get("run_id").asText()).isEqualTo(first.runId());
            assertThat(m.get("regenerated_by_run").asText()).isEqualTo(again.runId());
            for (String key : List.of("extract_id", "level", "legal_basis", "opt_out_removals", "opt_out_list", "population_in_scope", "rows",
                    "inputs", "purposes_config")) {
                assertThat(m.get(key)).as(key).isEqualTo(firstManifest.get(key));
            }
            assertThat(JSON.readTree(AuditLog.of(own).show((String) again.runId()).inputs())).isEqualTo(JSON.readTree(past.inputs()));
            // today's release is left as it was
            assertThat(sortedRows(firstDir.resolve("data"))).hasSize(51);

            assertThatThrownBy(() -> ExtractJob.Request.replaying(own, LAKE_KEY, ExtractPurposes.defaults(), past))
                    .isInstanceOf(InputException.class).hasMessageContaining("give that file with --purposes");
        } finally {
            io.delta.tables.DeltaTable.forPath(spark, optOuts).restoreToVersion(before);
        }
        assertThat(spark.read().format("delta").load(optOuts).count()).isEqualTo(optOutRows);
    }

    private static List<String> sortedRows(Path data) throws Exception {
        List<String> rows = new ArrayList<>();
        for (String[] r : csvRows(data)) {
            rows.add(String.join(",", r));
        }
        java.util.Collections.sort(rows);
        return rows;
    }
}
