package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthSettings;
import uk.nhs.phb.pipelines.synth.SyntheticPopulation;

/**
 * The foundation end to end through the real commands: a synthetic population is generated, ingested,
 * linked and turned into features; every injected fault is found in quarantine under the matching rule and
 * nothing else is; linkage meets its targets against truth; no raw identifier reaches the lake or out/.
 */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fault kinds of the generator and the ingest rule each must land under. */
    private static final Map<String, String> RULE_OF_FAULT = Map.of("malformed_row", "malformed_row", "unknown_code", "unknown_code",
            "bad_cost", "out_of_range", "future_date", "future_date", "duplicate_record", "duplicate_record",
            "missing_required", "missing_required");

    @TempDir
    Path dir;

    private JsonNode run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertThat(code).as(String.join(" ", args) + "\n" + err).isZero();
        return JSON.readTree(out.toString());
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

        // every row in is either valid or quarantined, and the quarantine holds exactly the injected faults
        Map<String, Long> quarantinedByRule = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ingest.get("feeds").fields(); it.hasNext(); ) {
            var feed = it.next();
            JsonNode f = feed.getValue();
            assertThat(f.get("rows_in").asLong()).as(feed.getKey())
                    .isEqualTo(f.get("rows_valid").asLong() + f.get("rows_quarantined").asLong());
            assertThat(f.get("rows_in").asLong()).as("rows in %s = rows synth wrote", feed.getKey())
                    .isEqualTo(synth.get("rows").get(feed.getKey()).asLong());
            f.get("quarantined_by_rule").fields().forEachRemaining(e -> quarantinedByRule.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        }
        Map<String, Long> expected = new HashMap<>();
        synth.get("faults").fields().forEachRemaining(e -> {
            String rule = RULE_OF_FAULT.get(e.getKey());
            if (rule != null && e.getValue().asLong() > 0) {
                expected.merge(rule, e.getValue().asLong(), Long::sum);
            }
        });
        assertThat(expected).isNotEmpty();
        assertThat(quarantinedByRule).isEqualTo(expected);

        // linkage against the generator's truth
        JsonNode link = run(common("link", "--evaluate", "--lake-key-file", lakeKey.toString()));
        assertThat(link.get("f1").asDouble()).as(link.toString()).isGreaterThanOrEqualTo(0.99);
        assertThat(link.get("by_token_status").get("token").get("f1").asDouble()).isGreaterThanOrEqualTo(0.995);
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

        // risk model, scoring, eligibility and the priority list (issue 4); their tables join the identifier scan below
        IdentifyStages.trainScoreExplain(dir, lakeKey, spark, this::run, this::common, features.get("persons").asLong());

        // no raw identifier anywhere in the lake or out/
        Dataset<Row> raw = SyntheticPopulation.of(spark, SynthSettings.of(1500, 11), key).rawIdentities()
                .filter(col("kind").isin("nhs_number", "given_name", "family_name", "postcode"));
        List<String> tables = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir.resolve("lake"))) {
            s.filter(p -> p.getFileName().toString().equals("_delta_log")).forEach(p -> tables.add(p.getParent().toString()));
        }
        assertThat(tables).hasSizeGreaterThan(20);
        // every string value of every table, in one pass: each table's string columns exploded into (value, where)
        Dataset<Row> values = null;
        for (String t : tables) {
            Dataset<Row> d = spark.read().format("delta").load(t);
            List<org.apache.spark.sql.Column> strings = new ArrayList<>();
            for (StructField f : d.schema().fields()) {
                if (f.dataType().equals(DataTypes.StringType)) {
                    strings.add(col(f.name()));
                }
            }
            if (strings.isEmpty()) {
                continue;
            }
            Dataset<Row> v = d.select(explode(org.apache.spark.sql.functions.array(strings.toArray(org.apache.spark.sql.Column[]::new)))
                    .alias("value")).filter(col("value").isNotNull()).withColumn("where", lit(t));
            values = values == null ? v : values.unionByName(v);
        }
        values = values.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        assertThat(values.count()).as("the scan sees the lake's values").isGreaterThan(100_000);
        Dataset<Row> rawValues = org.apache.spark.sql.functions.broadcast(raw.select(col("value")).distinct());
        assertThat(values.join(rawValues, "value").limit(5).collectAsList()).as("raw identifiers in lake tables").isEmpty();
        Dataset<Row> embedded = values.filter(col("value").rlike("[0-9]{10}"))
                .select(explode(org.apache.spark.sql.functions.regexp_extract_all(col("value"), lit("[0-9]{10}"), lit(0))).alias("value"))
                .join(org.apache.spark.sql.functions.broadcast(raw.filter(col("kind").equalTo("nhs_number")).select("value")), "value");
        assertThat(embedded.limit(5).collectAsList()).as("NHS numbers inside lake values").isEmpty();
        values.unpersist();
        List<String> rawNhs = raw.filter(col("kind").equalTo("nhs_number")).select("value").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(rawNhs).as("NHS numbers in %s", p).noneMatch(text::contains);
            }
        }
    }
}
