package uk.nhs.phb.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.pipelines.BrowserAudit;

/**
 * Issue 5 through the real commands, on the lake {@link EndToEndTest} has built and {@link IdentifyStages} has
 * scored (1,500 synthetic people): the refusal without eligibility, indicative budgets evaluated against the
 * generator's truth with the table's invariants, and a statement of resources that reconciles with the table and
 * suppresses small numbers. Called from that test so the synthetic lake is built once.
 */
final class BudgetStages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BudgetStages() {
    }

    static void budgetsAndStatement(Path dir, Path lakeKey, SparkSession spark, IdentifyStages.Runner run, IdentifyStages.Args args)
            throws Exception {
        // a lake without gold/phb_eligibility: exit 3 with what to run
        java.nio.file.Files.createDirectories(dir.resolve("empty-lake"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("budget", "--as-of", "2025-26Q4",
                "--lake", dir.resolve("empty-lake").toString(), "--lake-key-file", lakeKey.toString(), "--master", "local[2]");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).contains("no gold/phb_eligibility").contains("run 'phb score --as-of 2026-03-31' first");

        Dataset<Row> eligibility = spark.read().format("delta").load(dir.resolve("lake/gold/phb_eligibility").toString())
                .filter(col("reference_date").equalTo(lit("2026-03-31").cast("date")));
        long listed = spark.read().format("delta").load(dir.resolve("lake/gold/phb_priority").toString())
                .filter(col("reference_date").equalTo(lit("2026-03-31").cast("date"))).select("person_id")
                .union(eligibility.select("person_id")).distinct().count();
        JsonNode budget = run.run(args.common("budget", "--as-of", "2025-26Q4", "--evaluate", "--lake-key-file", lakeKey.toString()));
        assertThat(budget.get("people").asLong() + budget.get("people_without_lines").asLong()).isEqualTo(listed);
        assertThat(budget.get("lines").asLong()).isGreaterThan(budget.get("people").asLong() - 1);
        double mdape = budget.get("mdape").asDouble();
        double coverage = budget.get("range_coverage").asDouble();
        double baseline = budget.get("baseline_mdape").asDouble();
        assertThat(mdape).as("needs-based estimate against the true need").isLessThan(baseline);
        assertThat(coverage).isBetween(0.2, 0.9);
        assertThat(budget.get("lines_evaluated").asLong()).isPositive();

        List<Row> lines = spark.read().format("delta").load(dir.resolve("lake/gold/indicative_budgets").toString()).collectAsList();
        assertThat(lines).hasSize(budget.get("lines").asInt());
        BudgetRules rules = BudgetRules.defaults();
        BigDecimal total = BigDecimal.ZERO;
        Map<String, List<Row>> byPerson = lines.stream().collect(Collectors.groupingBy(r -> r.getAs("person_id")));
        for (Map.Entry<String, List<Row>> p : byPerson.entrySet()) {
            String explanation = p.getValue().get(0).getAs("explanation");
            BigDecimal sum = BigDecimal.ZERO;
            for (Row r : p.getValue()) {
                BigDecimal annual = r.getAs("annual_gbp");
                assertThat(annual.scale()).isEqualTo(2);
                assertThat((BigDecimal) r.getAs("weekly_gbp")).isEqualTo(Money.weeklyFromAnnual(annual));
                if (r.<Boolean>getAs("pooled")) {
                    assertThat(rules.cohort(r.getAs("cohort")).pooled()).as(r.toString()).isTrue();
                }
                assertThat(explanation).contains((String) r.getAs("line_text"));
                sum = sum.add(annual);
            }
            assertThat(explanation).startsWith("Your indicative budget is " + Money.format(sum) + " a year").doesNotContain(p.getKey());
            total = total.add(sum);
        }
        assertThat(total).isEqualByComparingTo(budget.get("total_annual_gbp").decimalValue());

        // the person's view: 'phb eligibility --person' and their letter carry the lake's budget, part by part
        Map.Entry<String, List<Row>> most = byPerson.entrySet().stream()
                .max(Map.Entry.<String, List<Row>>comparingByValue(java.util.Comparator.comparingInt(List::size))
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow();
        BigDecimal theirs = most.getValue().stream().map(r -> r.<BigDecimal>getAs("annual_gbp")).reduce(BigDecimal.ZERO, BigDecimal::add);
        JsonNode person = run.run(args.common("eligibility", "--person", most.getKey()));
        assertThat(person.fieldNames()).toIterable().as("the person's view, read without Spark, carries nothing for staff only")
                .containsExactly("person_id", "reference_date", "run_id", "letter");
        JsonNode view = person.get("letter");
        assertThat(view.get("budget").get("annual").asText()).isEqualTo(Money.format(theirs));
        assertThat(view.get("budget").get("parts").size()).isEqualTo(most.getValue().size());
        assertThat(view.get("budget").get("steps").size()).isEqualTo(most.getValue().size());
        assertThat(view.get("may_have_budget").asBoolean()).isTrue();
        JsonNode letters = run.run(args.common("letter", "--person", most.getKey()));
        assertThat(letters.get("folder").asText()).isEqualTo(dir.resolve("out/letters/2026-03-31").toString());
        assertThat(letters.get("files")).extracting(JsonNode::asText)
                .containsExactly("letter-" + most.getKey() + ".html", "letter-" + most.getKey() + ".pdf");
        Path letterPage = dir.resolve("out/letters/2026-03-31/letter-" + most.getKey() + ".html");
        assertThat(Files.readString(letterPage)).contains(Money.format(theirs) + " a year");

        JsonNode sor = run.run(args.common("statement-of-resources", "--as-of", "2025-26Q4"));
        Path folder = Path.of(sor.get("out").asText());
        assertThat(folder).isEqualTo(dir.resolve("out/statement-of-resources/2026-03-31"));
        JsonNode manifest = JSON.readTree(folder.resolve("manifest.json").toFile());
        for (String f : List.of("statement.csv", "services.csv", "statement.html")) {
            byte[] bytes = Files.readAllBytes(folder.resolve(f));
            assertThat(manifest.get("files").get(f).get("sha256").asText())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
        assertThat(Files.list(folder.getParent()).map(x -> x.getFileName().toString())).allMatch(n -> !n.contains(".tmp-"));
        List<String[]> statement = Files.readAllLines(folder.resolve("statement.csv")).stream().skip(1)
                .map(l -> l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)).toList();
        String[] all = statement.get(statement.size() - 1);
        assertThat(all[0]).isEqualTo("ALL");
        assertThat(new BigDecimal(all[12])).as("the statement's total is the table's").isEqualByComparingTo(total);
        BigDecimal shown = BigDecimal.ZERO;
        boolean anySuppressed = false;
        for (String[] row : statement.subList(0, statement.size() - 1)) {
            long eligibleInCohort = eligibility.filter(col("cohort").equalTo(row[0])).select("person_id").distinct().count();
            if (eligibleInCohort >= 1 && eligibleInCohort <= 7) {
                assertThat(row[7]).as(row[0] + " has " + eligibleInCohort + " eligible people").isEqualTo("*");
            } else if (eligibleInCohort > 7) {
                assertThat(Long.parseLong(row[7]) % 5).isZero();
            }
            // everyone with a budget in a group is someone the group says can have one (OTHER: the priority list's people in no group)
            if (!row[7].equals("*") && !row[8].equals("*") && !row[8].isEmpty()) {
                assertThat(Long.parseLong(row[7])).as(row[0] + ": people who can have one, against people with a budget")
                        .isGreaterThanOrEqualTo(Long.parseLong(row[8]));
            }
            if (row[12].equals("*")) {
                anySuppressed = true;
            } else if (!row[12].isEmpty()) {
                shown = shown.add(new BigDecimal(row[12]));
            }
        }
        if (!anySuppressed) {
            assertThat(shown).isEqualByComparingTo(total);
        }
        String html = Files.readString(folder.resolve("statement.html"));
        assertThat(html).contains("Statement of resources").doesNotContain("<script").doesNotContain("http");
        // the statement and a person's letter as people read them: desktop and phone, no serious accessibility finding
        BrowserAudit.assertAccessible(dir.resolve("browser-audit"), List.of(folder.resolve("statement.html"), letterPage));
    }
}
