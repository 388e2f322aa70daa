package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Issue 4 through the real commands, on the lake {@link EndToEndTest} has just built (1,500 synthetic people with
 * features at the window's end): train, score, the eligibility explanation, and the refusals. Called from that test
 * so the synthetic lake is built once.
 */
final class IdentifyStages {
    interface Runner {
        JsonNode run(String... args) throws Exception;
    }

    interface Args {
        String[] common(String... more);
    }

    private IdentifyStages() {
    }

    static void trainScoreExplain(Path dir, Path lakeKey, SparkSession spark, Runner run, Args args, long personsInFeatures) throws Exception {
        Path lake = dir.resolve("lake");
        JsonNode train = run.run(args.common("train", "--as-of", "2025-26Q4", "--train-quarters", "2", "--trees", "150", "--evaluate",
                "--lake-key-file", lakeKey.toString()));
        // prospective: the last training date's 12-month outcome window ends on the test date, not inside its window
        assertThat(train.get("training_reference_dates").toString()).isEqualTo("[\"2023-12-31\",\"2024-03-31\"]");
        assertThat(train.get("test_reference_date").asText()).isEqualTo("2025-03-31");
        double auroc = train.get("auroc").asDouble();
        assertThat(auroc).as(train.toString()).isGreaterThan(train.get("baseline_prior_admissions_auroc").asDouble())
                .isGreaterThan(0.65);
        assertThat(train.get("oracle_auroc").asDouble()).as("--evaluate: the oracle is measured").isGreaterThan(0.65);
        // every headline figure has a bootstrap interval around it
        JsonNode ci = train.get("bootstrap");
        assertThat(ci.get("replicates").asInt()).isEqualTo(200);
        assertThat(ci.get("auroc").get("lower").asDouble()).isLessThan(auroc);
        assertThat(ci.get("auroc").get("upper").asDouble()).isGreaterThan(auroc);
        assertThat(ci.get("auprc").get("lower").asDouble()).isLessThan(train.get("auprc").asDouble());
        assertThat(ci.get("calibration_slope").get("upper").asDouble()).isGreaterThan(train.get("calibration_slope").asDouble());
        for (String key : List.of("brier", "calibration_intercept", "ppv_top1", "sensitivity_top1", "ppv_top5", "sensitivity_top5")) {
            assertThat(ci.get(key).get("lower").asDouble()).as(key).isLessThan(ci.get(key).get("upper").asDouble());
        }
        assertThat(train.get("auroc_ci_lower").asDouble()).isLessThan(auroc);
        assertThat(train.get("calibration_slope").asDouble()).isBetween(0.5, 2.0);
        for (String key : List.of("auprc", "brier", "calibration_intercept", "baseline_multimorbidity_auroc", "logistic_auroc")) {
            assertThat(train.get(key).isNumber()).as(key).isTrue();
        }
        Path model = Path.of(train.get("model_dir").asText());
        for (String f : List.of("models.ser", "features.json", "training.json", "metrics.json", "evaluation.html", "model_card.md")) {
            assertThat(model.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(lake.resolve("models/current")).strip()).isEqualTo(train.get("model_id").asText());
        String html = Files.readString(model.resolve("evaluation.html"));
        assertThat(html).contains("<svg").contains("ROC curves").contains("Core20").doesNotContain("src=", "<script", "<link");
        assertThat(Files.readString(model.resolve("model_card.md"))).contains("## Intended use", "## Limits", "## Subgroups");

        // a rules file with a bad column is refused before anything is written, naming the rule and line
        Path badRules = dir.resolve("bad_rules.csv");
        Files.writeString(badRules, "rule_id,cohort,basis,condition,reason\nLOC_X,OTHER,local,no_such_feature >= 2,why\n");
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute(args.common("score", "--as-of", "2025-26Q4", "--rules", badRules.toString()));
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("rule LOC_X (" + badRules + ", line 2): condition 'no_such_feature >= 2' cannot be used");

        Path local = dir.resolve("local_rules.csv");
        Files.writeString(local, "# rules_version: test-local\nrule_id,cohort,basis,condition,reason\n"
                + "LOC_MULTI,OTHER,local,multimorbidity_score >= 3,\"{multimorbidity_score} long-term conditions\"\n");
        JsonNode score = run.run(args.common("score", "--as-of", "2025-26Q4", "--rules", local.toString()));
        long n = score.get("persons").asLong();
        assertThat(n).as("one risk score per person with features").isEqualTo(personsInFeatures);
        Dataset<Row> risk = spark.read().format("delta").load(lake.resolve("gold/risk_scores").toString());
        assertThat(risk.count()).isEqualTo(n);
        assertThat(risk.select("person_id").distinct().count()).isEqualTo(n);
        JsonNode tiers = score.get("tiers");
        long vh = Math.round(0.005 * n);
        long h = Math.round(0.05 * n);
        long m = Math.round(0.20 * n);
        assertThat(tiers.get("very_high").asLong()).isEqualTo(vh);
        assertThat(tiers.get("high").asLong()).isEqualTo(h - vh);
        assertThat(tiers.get("moderate").asLong()).isEqualTo(m - h);
        assertThat(tiers.get("low").asLong()).isEqualTo(n - m);
        assertThat(risk.filter(col("predicted_cost_12m").lt(0)).count()).isZero();
        assertThat(score.get("rules_version").asText()).isEqualTo("england-2019.12+test-local");

        // eligibility matches the features exactly, cohort by cohort
        Dataset<Row> features = spark.read().format("delta").load(lake.resolve("gold/person_features").toString())
                .filter(col("reference_date").equalTo("2026-03-31"));
        Dataset<Row> elig = spark.read().format("delta").load(lake.resolve("gold/phb_eligibility").toString());
        assertThat(elig.filter(col("cohort").equalTo("CHC")).count()).isEqualTo(features.filter(col("chc")).count());
        assertThat(elig.filter(col("cohort").equalTo("LD_AUTISM")).count()).isEqualTo(features.filter(col("ld_autism")).count());
        assertThat(elig.filter(col("cohort").equalTo("OTHER")).count()).isEqualTo(features.filter(col("multimorbidity_score").geq(3)).count());
        assertThat(elig.filter(col("cohort").equalTo("OTHER")).select("reason").first().getString(0)).endsWith(" long-term conditions");

        // the priority list: every eligible person, ranks 1..N, factors that raise risk, in words
        Dataset<Row> prio = spark.read().format("delta").load(lake.resolve("gold/phb_priority").toString());
        long listed = prio.count();
        assertThat(listed).isEqualTo(score.get("priority_list").asLong());
        assertThat(prio.filter(col("eligible")).count()).isEqualTo(elig.select("person_id").distinct().count());
        assertThat(prio.agg(org.apache.spark.sql.functions.min("priority_rank"), org.apache.spark.sql.functions.max("priority_rank"))
                .first().toString()).isEqualTo("[1," + listed + "]");
        Row first = prio.orderBy("priority_rank").first();
        List<Row> factors = first.getList(first.fieldIndex("top_factors"));
        assertThat(factors).isNotEmpty();
        for (int i = 0; i < factors.size(); i++) {
            assertThat(factors.get(i).getDouble(2)).isPositive();
            if (i > 0) {
                assertThat(factors.get(i).getDouble(2)).isLessThanOrEqualTo(factors.get(i - 1).getDouble(2));
            }
        }
        assertThat((String) first.getAs("explanation")).contains("Predicted risk of an emergency admission");

        JsonNode explain = run.run(args.common("eligibility", "--person", first.getAs("person_id"), "--for-staff"));
        assertThat(explain.get("priority").get("priority_rank").asInt()).isEqualTo(1);
        assertThat(explain.get("rules_met").size() + explain.get("rules_not_met").size()).isEqualTo(8);
        assertThat(explain.get("top_factors").size()).isEqualTo(factors.size());
    }
}
