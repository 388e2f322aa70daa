package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.batch.BatchRun;
import uk.nhs.phb.jobs.batch.QuarterBatch;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;
import uk.nhs.phb.schemas.Quarter;

/**
 * The foundation end to end through the real commands: a synthetic population is generated, ingested,
 * linked and turned into features; every injected fault is found in quarantine under the matching rule and
 * nothing else is; linkage meets its targets against truth; the leak scanner finds no raw identifier, source
 * token or key material in the lake, out/ or anything the commands printed.
 */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fault kinds of the generator and the ingest rule each must land under. */
    private static final Map<String, String> RULE_OF_FAULT = Map.of("malformed_row", "malformed_row", "unknown_code", "unknown_code",
            "bad_cost", "out_of_range", "future_date", "future_date", "duplicate_record", "duplicate_record",
            "missing_required", "missing_required");

    /**
     * The feeds synth writes as several national rows or tables for one record, folded back on ingest; opt-outs, whose
     * type 1 profile reads the GP journal too (a damaged journal line is quarantined by each profile that reads it); and
     * the XML returns (school census, SEN2, CIN census), which leave out a row sent damaged (NationalLayoutEqualityTest).
     */
    private static final List<String> FOLDED = List.of("gp_conditions", "prescriptions", "community", "mental_health", "chc", "opt_outs",
            "school_census", "ehcp", "csc");

    @TempDir
    Path dir;

    /** Everything the commands printed (stdout and stderr), scanned for leaks at the end. */
    private final StringBuilder printed = new StringBuilder();

    private JsonNode run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        printed.append(out).append(err);
        assertThat(code).as(String.join(" ", args) + "\n" + err).isZero();
        return JSON.readTree(out.toString());
    }

    /** Rows synth wrote for a feed: in its own folder, or in the folders of the dataset profiles that fill it. */
    private static long rowsWritten(JsonNode rows, String feed) {
        if (rows.has(feed)) {
            return rows.get(feed).asLong();
        }
        return uk.nhs.phb.schemas.profiles.Profiles.builtIn().all().stream()
                .filter(p -> p.contract().name().equals(feed) && rows.has(p.folder())).mapToLong(p -> rows.get(p.folder()).asLong()).sum();
    }

    private String[] common(String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of("--lake", dir.resolve("lake").toString(), "--landing", dir.resolve("landing").toString(),
                "--out", dir.resolve("out").toString(), "--master", "local[2]", "--json"));
        return a.toArray(String[]::new);
    }

    @Test
    void synthIngestLinkFeaturesAccountForEveryRowAndLeakNothing() throws Exception {
        Path providerKey = dir.resolve("keys/provider.key");
        SecretKey key = SecretKey.generate();
        key.writeTo(providerKey);
        Path lakeKey = dir.resolve("keys/lake.key");
        SecretKey.generate().writeTo(lakeKey);

        JsonNode synth = run(common("synth", "--people", "1500", "--seed", "11", "--key-file", providerKey.toString()));
        JsonNode ingest = run(common("ingest"));

        // every row in is either valid or quarantined, and the quarantine holds exactly the injected faults; the health
        // feeds landed as the national extracts (synth's default layout), each read by its dataset profile. The feeds
        // written as several national rows for one record (GP events, NHSBSA items, CSDS, MHSDS, CHC PLDS) are folded
        // back on ingest, so their records are not the rows written, and a fault their files cannot carry (a duplicate
        // event folds, an unknown concept is set aside) is not quarantined: NationalLayoutEqualityTest accounts for them
        assertThat(synth.get("layout").asText()).isEqualTo("national");
        Map<String, Long> quarantinedByRule = new HashMap<>();
        long recoded = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = ingest.get("feeds").fields(); it.hasNext(); ) {
            var feed = it.next();
            JsonNode f = feed.getValue();
            assertThat(f.get("rows_in").asLong()).as(feed.getKey())
                    .isEqualTo(f.get("rows_valid").asLong() + f.get("rows_quarantined").asLong());
            for (JsonNode n : f.get("recoded")) {
                recoded += n.asLong();
            }
            if (FOLDED.contains(feed.getKey())) {
                assertThat(f.get("rows_valid").asLong()).as(feed.getKey()).isPositive();
                continue;
            }
            assertThat(f.get("rows_in").asLong()).as("rows in %s = rows synth wrote", feed.getKey())
                    .isEqualTo(rowsWritten(synth.get("rows"), feed.getKey()));
            f.get("quarantined_by_rule").fields().forEachRemaining(e -> quarantinedByRule.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        assertThat(ingest.get("feeds").get("apc_spells").get("read_by").toString()).contains("sus_apcs");
        // every code injected outside a list whose rows are kept was kept and counted, and nothing else was
        assertThat(recoded).isEqualTo(synth.get("faults").get("recoded_code").asLong()).isPositive();
        Map<String, Long> expected = new HashMap<>();
        try (var faults = Files.list(dir.resolve("landing/_truth/faults"))) {
            for (Path file : faults.toList()) {
                for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                    String[] v = line.split(",");
                    String rule = RULE_OF_FAULT.get(v[1]);
                    if (rule != null && !FOLDED.contains(v[0])) {
                        expected.merge(rule, 1L, Long::sum);
                    }
                }
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(quarantinedByRule).isEqualTo(expected);

        // linkage against the generator's truth
        JsonNode link = run(common("link", "--evaluate", "--lake-key-file", lakeKey.toString()));
        assertThat(link.get("f1").asDouble()).as(link.toString()).isGreaterThanOrEqualTo(0.99);
        assertThat(link.get("by_token_status").get("token").get("f1").asDouble()).isGreaterThanOrEqualTo(0.995);
        // every group splits the same entities (those whose person is on the spine)
        JsonNode byGroup = link.get("recall_by_group");
        assertThat(byGroup.fieldNames()).toIterable().containsExactly("imd_quintile", "ethnicity_group", "age_band", "sex");
        java.util.Set<Long> totals = new java.util.HashSet<>();
        for (JsonNode group : byGroup) {
            long entities = 0;
            for (JsonNode value : group) {
                entities += value.get("entities").asLong();
                assertThat(value.get("recall").asDouble()).isBetween(0.9, 1.0);
            }
            totals.add(entities);
        }
        assertThat(totals).hasSize(1).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(link.get("blocking_recall").asDouble()).isGreaterThanOrEqualTo(0.97);
        // a person whose only registration row was quarantined by an injected fault is (rightly) not on the spine
        assertThat(link.get("persons").asLong()).isBetween(1455L, 1545L);

        // features at the end of the window: the people registered and alive then
        JsonNode features = run(common("features", "--as-of", "2025-26Q4", "--lake-key-file", lakeKey.toString()));
        SparkSession spark = SparkSessions.forJob(new JobSettings(dir.resolve("lake").toString(), "landing", "out", "local[2]", false));
        long expectedPersons = spark.read().option("header", true).csv(dir.resolve("landing/_truth/persons").toString())
                .filter(col("entry_date").isNull().or(col("entry_date").leq("2026-03-31")).and(col("exit_date").isNull().or(col("exit_date").gt("2026-03-31"))))
                .count();
        assertThat(features.get("persons").asLong()).isBetween((long) (expectedPersons * 0.97), expectedPersons);
        featuresRecordTheSameParametersInABatchAsAlone(spark, SecretKey.fromFile(lakeKey), features.get("run_id").asText());

        // extracts with the built-in purposes: the synthetic opt-out list reaches people through the person index, and a
        // commissioning extract for a DSCRO leaves them out; the publication holds only suppressed counts
        JsonNode commissioning = run(common("extract", "--purpose", "commissioning", "--recipient", "dscro-north", "--quarter", "2025-26Q4",
                "--lake-key-file", lakeKey.toString()));
        long inScope = commissioning.get("population_in_scope").asLong();
        long ndoo = commissioning.get("opt_out_removals").get("NDOO").asLong();
        long type1 = commissioning.get("opt_out_removals").get("TYPE1").asLong();
        assertThat(inScope).isEqualTo(features.get("persons").asLong());
        assertThat((double) ndoo / inScope).as("national data opt-outs ~5%").isBetween(0.03, 0.08);
        assertThat((double) type1 / inScope).as("type 1 opt-outs without a national one ~1%").isBetween(0.002, 0.03);
        assertThat(commissioning.get("rows").asLong()).isEqualTo(inScope - ndoo - type1);
        assertThat(commissioning.get("notes").toString()).contains("gold/risk_scores");
        JsonNode publication = run(common("extract", "--purpose", "publication", "--recipient", "nhs-england", "--quarter", "2025-26Q4",
                "--lake-key-file", lakeKey.toString()));
        assertThat(publication.get("tables").findValuesAsText("name")).contains("population_by_age_band_and_sex");
        Path ageSex = Path.of(publication.get("dir").asText(), "tables", "population_by_age_band_and_sex.csv");
        assertThat(Files.readAllLines(ageSex).get(Files.readAllLines(ageSex).size() - 1))
                .as("the grand total is the population rounded to 5").endsWith("," + Math.round(inScope / 5.0) * 5);

        // risk model, scoring, eligibility and the priority list (issue 4); their tables join the identifier scan below
        IdentifyStages.trainScoreExplain(dir, lakeKey, spark, this::run, this::common, features.get("persons").asLong());
        // indicative budgets and the statement of resources (issue 5) on the scored lake
        BudgetStages.budgetsAndStatement(dir, lakeKey, spark, this::run, this::common);

        // no raw identifier, source token outside bronze, or key material anywhere in the lake, out/ or what the
        // commands printed (keys are never printed, logged or written to audit/runs): the real scanner
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("cli.log"), printed.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(common("audit",
                "--scan-for-identifiers", dir.resolve("lake").toString(), dir.resolve("out").toString(), logs.toString(),
                "--keys", dir.resolve("keys").toString()));
        JsonNode scan = JSON.readTree(out.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(scan.get("found").asLong()).isZero();
        scan.get("checks").fields().forEachRemaining(c -> assertThat(c.getValue().asText()).as(c.getKey()).startsWith("checked"));
        assertThat(scan.get("checks").get("raw_name").asText()).contains("1500 synthetic people");
        assertThat(scan.get("scanned").get("tables").asLong()).isGreaterThan(20);
        assertThat(scan.get("scanned").get("values").asLong()).as("the scan sees the lake's values").isGreaterThan(100_000);
        for (Path k : List.of(providerKey, lakeKey)) {
            String b64 = Files.readString(k).strip();
            assertThat(printed.toString()).as("key printed").doesNotContain(b64).doesNotContain(b64.substring(0, 12));
        }
        everyTableIsCatalogued(spark, dir.resolve("lake"));
        // what phb hands to people carries only their files; the landing it writes carries no checksum files either
        try (var files = Files.walk(dir.resolve("out"))) {
            List<String> noise = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".crc") || n.startsWith("_SUCCESS") || n.startsWith("part-")).toList();
            assertThat(noise).as("checksum, marker and part- files under out/").isEmpty();
        }
        // one line ending in everything phb writes for people to read (docs/REPORTS.md): \n, never \r\n
        try (var files = Files.walk(dir.resolve("out"))) {
            List<Path> text = files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().matches(".*\\.(csv|json|html|txt|md)$")).toList();
            assertThat(text.stream().filter(p -> p.toString().endsWith(".csv")).count()).as("CSV files under out/").isGreaterThanOrEqualTo(5);
            for (Path p : text) {
                assertThat(Files.readAllBytes(p)).as(p + " has a carriage return").doesNotContain((byte) '\r');
            }
        }
        try (var files = Files.walk(dir.resolve("out/extracts"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("extract.csv")).count()).as("a pseudonymised extract's data")
                    .isPositive();
        }
        try (var files = Files.walk(dir.resolve("landing"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList()).isEmpty();
        }
        // last, since it changes a rules file to show a replay finds it: every stage replays from its run
        ReplayStages.everyStageReplays(dir, lakeKey, spark, this::run, this::common);
    }

    /** The batch's features step, run as {@code phb run} runs it, records what {@code phb features} alone recorded. */
    private void featuresRecordTheSameParametersInABatchAsAlone(SparkSession spark, SecretKey lakeKey, String aloneRunId) throws Exception {
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        BatchRun.Step step = QuarterBatch.steps(settings, lakeKey, Quarter.parse("2025-26Q4"),
                QuarterBatch.Options.of(LocalDate.parse("2026-11-01"), false)).stream().filter(s -> s.name().equals("features")).findFirst()
                .orElseThrow();
        BatchRun.Result batch = BatchRun.of(settings, "parameters", List.of(step), Map.of()).execute();
        String batchRunId = batch.steps().get(0).runId();
        Map<String, JsonNode> recorded = new HashMap<>();
        for (Row r : spark.read().format("delta").load(settings.lakeLayout().runs()).filter(col("status").equalTo("SUCCEEDED"))
                .filter(col("run_id").isin(aloneRunId, batchRunId)).select("run_id", "parameters").collectAsList()) {
            recorded.put(r.getString(0), JSON.readTree(r.getString(1)));
        }
        com.fasterxml.jackson.databind.node.ObjectNode inBatch = (com.fasterxml.jackson.databind.node.ObjectNode) recorded.get(batchRunId);
        assertThat(inBatch.get("batch_run_id").asText()).as("the batch's own tag").isEqualTo(batch.runId());
        assertThat(inBatch.get("step_key").asText()).isEqualTo("features@2026-03-31");
        inBatch.remove(List.of("batch_run_id", "step_key"));
        assertThat(inBatch).isEqualTo(recorded.get(aloneRunId));
        assertThat(inBatch.get("as_of").asText()).isEqualTo("2026-03-31");
        assertThat(inBatch.get("lake_key_fingerprint").asText()).isEqualTo(lakeKey.fingerprint());
        assertThat(inBatch.toString()).doesNotContain(dir.resolve("keys").toString());
    }

    /** Every table the stages wrote is in the catalogue with exactly its columns, types and partitioning. */
    private static void everyTableIsCatalogued(SparkSession spark, Path lake) throws Exception {
        List<String> found = new java.util.ArrayList<>();
        try (var layers = Files.list(lake)) {
            for (Path layer : layers.sorted().toList()) {
                if (!Files.isDirectory(layer)) {
                    continue;
                }
                try (var tables = Files.list(layer)) {
                    for (Path t : tables.sorted().filter(x -> Files.isDirectory(x.resolve("_delta_log"))).toList()) {
                        String path = lake.relativize(t).toString().replace('\\', '/');
                        found.add(path);
                        LakeTable entry = LakeTables.at(path).orElse(null);
                        assertThat(entry).as("%s is in the catalogue", path).isNotNull();
                        var detail = DeltaTable.forPath(spark, t.toString()).detail().first();
                        org.apache.spark.sql.types.StructType schema = spark.read().format("delta").load(t.toString()).schema();
                        assertThat(entry.mismatches(schema)).as(path).isEmpty();
                        assertThat(schema.fieldNames()).as("%s has no column the catalogue lacks", path)
                                .containsExactlyInAnyOrderElementsOf(entry.columns());
                        assertThat(detail.<String>getList(detail.fieldIndex("partitionColumns"))).as(path).isEqualTo(entry.partitionBy());
                    }
                }
            }
        }
        assertThat(found).contains("silver/person_index", "gold/person_features", "gold/risk_scores", "gold/indicative_budgets",
                "gold/budget_models", "audit/runs", "audit/extract_log", "bronze/patients", "quarantine/patients");
    }
}
