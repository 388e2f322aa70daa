package uk.nhs.phb.jobs.anonymise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.models.anonymise.LossMeasure;

class AnonymiseJobTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.get();
    }

    private static Path people(Path dir, int n) throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder("age;sex;imd_decile;admitted;diagnosis\n");
        String[] dx = {"J44", "I50", "E11", "F20", "C50", "N18"};
        for (int i = 0; i < n; i++) {
            sb.append(r.nextInt(100)).append(';').append(1 + r.nextInt(2)).append(';').append(1 + r.nextInt(10)).append(';')
                    .append(String.format("2025-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28))).append(';')
                    .append(dx[r.nextInt(dx.length)]).append('\n');
        }
        return Files.writeString(dir.resolve("people.csv"), sb);
    }

    /** The hierarchy of each named column of {@link #people}: built-ins, and a file for sex. */
    private static Map<String, String> hierarchies(Path dir, String... columns) throws Exception {
        Path sex = Files.writeString(dir.resolve("sex.csv"), "1;*\n2;*\n");
        Map<String, String> all = Map.of("age", "builtin:age", "sex", sex.toString(), "imd_decile", "builtin:imd", "admitted", "builtin:date");
        Map<String, String> qis = new LinkedHashMap<>();
        for (String c : columns) {
            qis.put(c, all.get(c));
        }
        return qis;
    }

    private static AnonymiseJob.Request request(Path in, Path dir, Map<String, String> qis) {
        return request(in, dir, qis, LossMeasure.NON_UNIFORM_ENTROPY, dir.resolve("out"));
    }

    private static AnonymiseJob.Request request(Path in, Path dir, Map<String, String> qis, LossMeasure loss, Path out) {
        return new AnonymiseJob.Request(in.toString(), "csv", ";", qis, List.of("diagnosis"),
                new AnonymiseJob.Models(5, 2.0, false, null, false), 0.02, loss, out.toString(), false, dir.resolve("lake").toString());
    }

    @Test
    void anonymisesToTheModelsWithinTheSuppressionLimitAndTheVerifierAgrees(@TempDir Path dir) throws Exception {
        Path in = people(dir, 6000);
        Map<String, String> qis = hierarchies(dir, "age", "sex", "imd_decile", "admitted");
        AnonymiseJob.Result r = AnonymiseJob.run(spark, request(in, dir, qis), Progress.NONE);
        AnonymiseJob.Summary s = r.summary();
        assertThat(s.kAchieved()).isGreaterThanOrEqualTo(5);
        assertThat(s.suppressed()).isLessThanOrEqualTo(120);
        assertThat(s.prosecutorRiskMax()).isLessThanOrEqualTo(0.2);
        assertThat(s.sampleUniques()).isZero();
        long written = spark.read().option("header", true).option("sep", ";").csv(dir.resolve("out/data").toString()).count();
        assertThat(written).isEqualTo(6000 - s.suppressed());
        String manifest = Files.readString(dir.resolve("out/anonymisation.json"));
        assertThat(manifest).contains("\"level\" : \"ANONYMISED\"").contains("\"passed\" : true")
                .contains("\"prosecutor_risk_max\" : ", "\"non_uniform_entropy_normalised\" : ", "\"tagged_without_evaluation\" : ",
                        "\"quasi_identifiers\" : {\n    \"age\" : \"builtin:age\",");
        assertThat(uk.nhs.phb.jobs.Json.mapper().writeValueAsString(s)).startsWith("{\"k_achieved\":" + s.kAchieved() + ",\"suppressed\":")
                .contains("\"information_loss\":{\"measure\":").contains("\"journalist_risk_max\":").endsWith(",\"seconds\":" + s.seconds() + "}");

        var ok = AnonymiseJob.verify(spark, dir.resolve("out/data").toString(), "csv", ";", List.of("age", "sex", "imd_decile", "admitted"),
                List.of("diagnosis"), new AnonymiseJob.Models(5, 2.0, false, null, false));
        assertThat(ok.passed()).isTrue();
        var raw = AnonymiseJob.verify(spark, in.toString(), "csv", ";", List.of("age", "sex", "imd_decile", "admitted"),
                List.of(), new AnonymiseJob.Models(5, null, false, null, false));
        assertThat(raw.passed()).as("the raw file is not 5-anonymous").isFalse();
    }

    @Test
    void readsALakeTableByNameWithBuiltInHierarchiesForOurColumns(@TempDir Path dir) throws Exception {
        // a small gold/person_features-shaped table: 5-year age bands and sex codes as features writes them
        SplittableRandom r = new SplittableRandom(11);
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        String[] bands = {"0-4", "35-39", "40-44", "85-89", "90+"};
        for (int i = 0; i < 400; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create("P" + i, bands[r.nextInt(bands.length)], r.nextBoolean() ? "1" : "2",
                    1 + r.nextInt(10), r.nextInt(5)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType().add("person_id", "string")
                .add("age_band", "string").add("sex", "string").add("imd_decile", "int").add("ltc_count", "int");
        Path lake = dir.resolve("lake");
        spark.createDataFrame(rows, schema).write().format("delta").save(lake.resolve("gold/person_features").toString());
        Map<String, String> qis = new LinkedHashMap<>();
        qis.put("age_band", "builtin:age_band");
        qis.put("sex", "builtin:sex");
        qis.put("imd_decile", "builtin:imd");
        AnonymiseJob.Result res = AnonymiseJob.run(spark, new AnonymiseJob.Request("gold/person_features", "csv", ";", qis, List.of(),
                new AnonymiseJob.Models(5, null, false, null, false), 0.02, LossMeasure.NON_UNIFORM_ENTROPY,
                dir.resolve("out").toString(), false, lake.toString()), Progress.NONE);
        assertThat(res.summary().records()).isEqualTo(400);
        assertThat(res.summary().kAchieved()).isGreaterThanOrEqualTo(5);
        assertThat(res.result().levels()).containsOnlyKeys("age_band", "sex", "imd_decile");
        assertThat(AnonymiseJob.verify(spark, dir.resolve("out/data").toString(), "csv", ";", List.of("age_band", "sex", "imd_decile"),
                List.of(), new AnonymiseJob.Models(5, null, false, null, false)).passed()).isTrue();
    }

    @Test
    void aLocalFileIsAnonymisedWithoutSparkExactlyAsSparkDoesIt(@TempDir Path dir) throws Exception {
        Path in = people(dir, 3000);
        Map<String, String> qis = hierarchies(dir, "age", "sex", "admitted");
        AnonymiseJob.Request plain = request(in, dir, qis, LossMeasure.IYENGAR, dir.resolve("plain"));
        assertThat(AnonymiseJob.needsSpark(plain)).isFalse();
        // the same rows in a folder: a folder is read by Spark
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.copy(in, folder.resolve("part-0.csv"));
        AnonymiseJob.Request viaSpark = request(folder, dir, qis, LossMeasure.IYENGAR, dir.resolve("spark"));
        assertThat(AnonymiseJob.needsSpark(viaSpark)).isTrue();

        AnonymiseJob.Result a = AnonymiseJob.run(null, plain, Progress.NONE);
        AnonymiseJob.Result b = AnonymiseJob.run(spark, viaSpark, Progress.NONE);
        assertThat(a.result().levels()).isEqualTo(b.result().levels());
        assertThat(a.result().suppressedRecords()).isEqualTo(b.result().suppressedRecords());
        assertThat(a.result().loss().iyengar()).isEqualTo(b.result().loss().iyengar());
        assertThat(dir.resolve("plain/data/anonymised.csv")).exists();
        List<String> plainRows = Files.readAllLines(dir.resolve("plain/data/anonymised.csv")).stream().sorted().toList();
        List<String> sparkRows = spark.read().option("header", true).option("sep", ";").csv(dir.resolve("spark/data").toString())
                .collectAsList().stream().map(r -> String.join(";", java.util.stream.IntStream.range(0, r.size())
                        .mapToObj(i -> r.isNullAt(i) ? "" : r.get(i).toString()).toList())).sorted().toList();
        assertThat(plainRows).hasSize(sparkRows.size() + 1);
        assertThat(plainRows.stream().filter(l -> !l.startsWith("age;")).toList()).isEqualTo(sparkRows);
        assertThat(Files.list(dir.resolve("plain")).map(p -> p.getFileName().toString()).sorted().toList())
                .containsExactly("anonymisation.json", "anonymisation.txt", "data");
    }

    @Test
    void badColumnsAndHierarchiesAreClearErrors(@TempDir Path dir) throws Exception {
        Path in = people(dir, 100);
        assertThatThrownBy(() -> AnonymiseJob.run(spark, request(in, dir, Map.of("postcode", "builtin:age")), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("no column(s) [postcode]").hasMessageContaining("imd_decile");
        assertThatThrownBy(() -> AnonymiseJob.run(spark, request(in, dir, Map.of("age", "builtin:shoe_size")), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("no built-in hierarchy 'shoe_size'");
        assertThatThrownBy(() -> AnonymiseJob.run(spark, request(in, dir, Map.of("age", "missing.csv")), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("no hierarchy file missing.csv");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
