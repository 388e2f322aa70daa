package uk.nhs.phb.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.pipelines.BrowserAudit;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.audit.disclosure.DisclosureAttack;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.schemas.Quarter;

/**
 * The report on a 2,000-person synthetic lake: the return reconciles with the register counted here
 * independently, re-running gives byte-identical CSV files, figures below national level are suppressed and
 * rounded, and the page renders its charts in a real browser ({@link ChromiumCheck}).
 */
class ReportJobTest {
    private static final Quarter Q = Quarter.parse("2025-26Q4");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Map<String, Dataset<Row>> bronze;
    static ReportJob.Result first;
    static Path firstCopy;

    @BeforeAll
    static void buildAndReportTwice() throws IOException {
        spark = TestSpark.get();
        // a seed whose 2,000 people hold PHB starters enough for the design to show them (10; seed 3 had 7 once the
        // generator made twins, below the figure the design table may publish)
        bronze = ReportLake.build(spark, dir, 2000, 7);
        first = run(null);
        // keep the first report's files: a later run replaces the folder
        firstCopy = dir.resolve("first");
        copy(Path.of(first.out()), firstCopy);
    }

    static ReportJob.Result run(String org) {
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        ReportJob.Request req = ReportJob.Request.defaults(settings, ReportLake.LAKE_KEY, Q, org).evaluating(true);
        return ReportJob.run(spark, req, Progress.NONE);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** RFC 4180 rows (quoted values may hold commas and doubled quotes). */
    private static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            List<String> values = new ArrayList<>();
            StringBuilder v = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        v.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        v.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    values.add(v.toString());
                    v.setLength(0);
                } else {
                    v.append(c);
                }
            }
            values.add(v.toString());
            rows.add(values.toArray(String[]::new));
        }
        return rows;
    }

    @Test
    void theReturnReconcilesWithTheRegisterCountedIndependently() throws IOException {
        LocalDate fyStart = Q.financialYearStart();
        LocalDate end = Q.end();
        Map<String, Long> people = new LinkedHashMap<>();
        List<Row> reg = bronze.get("phb_register").select("nhs_token", "start_date", "end_date", "annual_value").collectAsList();
        java.util.Set<String> received = new java.util.HashSet<>();
        java.util.Set<String> active = new java.util.HashSet<>();
        java.util.Set<String> fresh = new java.util.HashSet<>();
        BigDecimal value = BigDecimal.ZERO;
        for (Row r : reg) {
            LocalDate s = r.getDate(1).toLocalDate();
            LocalDate e = r.isNullAt(2) ? null : r.getDate(2).toLocalDate();
            if (!s.isAfter(end) && (e == null || !e.isBefore(fyStart))) {
                received.add(r.getString(0));
            }
            if (!s.isAfter(end) && (e == null || !e.isBefore(end))) {
                active.add(r.getString(0));
                value = value.add(r.getDecimal(3));
            }
            if (!s.isBefore(Q.start()) && !s.isAfter(end)) {
                fresh.add(r.getString(0));
            }
        }
        people.put("received_ytd", (long) received.size());
        people.put("active_at_quarter_end", (long) active.size());
        people.put("new_in_quarter", (long) fresh.size());
        assertThat(received).hasSizeGreaterThan(10);
        // the published ICB totals are the independent counts under the rule
        List<String[]> ret = csv(dir.resolve("out/reports/" + Q + "/phb_return.csv"));
        assertThat(ret.get(0)).containsExactly("quarter", "org_level", "org_code", "icb_code", "measure", "breakdown", "category", "value");
        for (Map.Entry<String, Long> m : people.entrySet()) {
            String published = ret.stream().filter(r -> r[1].equals("ICB") && r[4].equals(m.getKey()) && r[5].equals("total"))
                    .findFirst().orElseThrow()[7];
            assertThat(published).as(m.getKey()).isEqualTo(SmallNumbers.NHS_DIGITAL.count(m.getValue(), SmallNumbers.Level.SUB_NATIONAL).text());
            assertThat(first.headline().get("return_" + m.getKey())).isEqualTo(published.equals("*") ? null : Long.parseLong(published));
        }
        String publishedValue = ret.stream().filter(r -> r[1].equals("ICB") && r[4].equals("annual_value_gbp") && r[5].equals("total"))
                .findFirst().orElseThrow()[7];
        if (!SmallNumbers.NHS_DIGITAL.count(active.size(), SmallNumbers.Level.SUB_NATIONAL).suppressed()) {
            assertThat(new BigDecimal(publishedValue)).isEqualByComparingTo(value.setScale(0, java.math.RoundingMode.HALF_UP));
        }
        // and the unrounded counts behind the table add up to the same people, whatever the breakdown
        List<Row> counts = uk.nhs.phb.pipelines.report.PhbReturn.counts(uk.nhs.phb.pipelines.report.PhbReturn.people(
                bronze.get("phb_register"), bronze.get("patients"), bronze.get("ref_practices"), Q)).collectAsList();
        for (String breakdown : List.of("age_group", "eligibility_group", "management_option")) {
            for (Map.Entry<String, Long> m : people.entrySet()) {
                long sum = counts.stream().filter(r -> r.getString(2).equals(m.getKey()) && r.getString(3).equals(breakdown))
                        .mapToLong(r -> r.getLong(5)).sum();
                assertThat(sum).as(breakdown + " " + m.getKey()).isEqualTo(m.getValue());
            }
        }
        // children and young people: under 18 at the quarter end, from their registration's year of birth
        Dataset<Row> births = bronze.get("patients").select("nhs_token", "birth_year").distinct();
        long cyp = bronze.get("phb_register").filter(col("start_date").leq(end.toString())
                        .and(col("end_date").isNull().or(col("end_date").geq(fyStart.toString()))))
                .select("nhs_token").distinct().join(births, "nhs_token").filter(col("birth_year").gt(end.getYear() - 18)).count();
        long cypUnrounded = counts.stream().filter(r -> r.getString(2).equals("received_ytd") && r.getString(3).equals("age_group")
                && r.getString(4).equals("CYP")).mapToLong(r -> r.getLong(5)).sum();
        assertThat(cypUnrounded).isEqualTo(cyp);
    }

    @Test
    void everyFigureBelowNationalLevelIsSuppressedOrRoundedAndTheManifestSaysHow() throws IOException {
        Path out = Path.of(first.out());
        int hidden = 0;
        // every count column of every table: 0, * or a multiple of 5
        Map<String, List<String>> countColumns = Map.of(
                "uptake_trend.csv", List.of("received_ytd", "active_at_quarter_end", "registered_population"),
                "spread.csv", List.of("active_at_quarter_end"),
                "offers.csv", List.of("accepted", "declined", "pending", "total"),
                "decline_reasons.csv", List.of("declined_offers"),
                "spend_by_cohort.csv", List.of("people"),
                "spend_by_service.csv", List.of("users", "phb_users"),
                "before_after_design.csv", List.of("treated", "candidate_controls", "matched_pairs"));
        for (Map.Entry<String, List<String>> e : countColumns.entrySet()) {
            List<String[]> rows = csv(out.resolve(e.getKey()));
            List<String> header = List.of(rows.get(0));
            for (String c : e.getValue()) {
                int i = header.indexOf(c);
                assertThat(i).as(e.getKey() + " " + c).isNotNegative();
                for (String[] r : rows.subList(1, rows.size())) {
                    assertThat(r[i]).as(e.getKey() + " " + c).matches("\\*|0|[0-9]*[05]");
                    hidden += r[i].equals("*") ? 1 : 0;
                }
            }
        }
        List<String[]> ret = csv(out.resolve("phb_return.csv"));
        for (String[] r : ret.subList(1, ret.size())) {
            if (!r[4].equals("annual_value_gbp")) {
                assertThat(r[7]).as(String.join(",", r)).matches("\\*|0|[0-9]*[05]");
                hidden += r[7].equals("*") ? 1 : 0;
            }
        }
        // the annual value is hidden exactly where the people in place behind it are
        for (String[] r : ret.subList(1, ret.size())) {
            if (r[4].equals("annual_value_gbp")) {
                String people = ret.stream().filter(x -> x[2].equals(r[2]) && x[4].equals("active_at_quarter_end") && x[5].equals(r[5])
                        && x[6].equals(r[6])).findFirst().orElseThrow()[7];
                assertThat(r[7].equals("*")).as(String.join(",", r)).isEqualTo(people.equals("*"));
            }
        }
        assertThat(hidden).as("a 2,000-person lake has small numbers to hide").isGreaterThan(0);
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("disclosure_rule").get("suppressed_counts").asText()).isEqualTo("1 to 7 shown as *");
        assertThat(manifest.get("disclosure_rule").get("rounding_base").asInt()).isEqualTo(5);
        assertThat(manifest.get("files").size()).isEqualTo(first.files().size() - 1);
        for (JsonNode f : manifest.get("files")) {
            byte[] bytes = Files.readAllBytes(out.resolve(f.get("name").asText()));
            assertThat(ReportFiles.sha256(bytes)).isEqualTo(f.get("sha256").asText());
        }
        // the workbook is a real XLSX with an About sheet and one sheet per CSV
        Path xlsx = out.resolve("phb_report_" + Q + ".xlsx");
        List<String> sheets = new ArrayList<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(xlsx.toFile())) {
            zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.matches("xl/worksheets/sheet[0-9]+\\.xml")).forEach(sheets::add);
            assertThat(zip.getEntry("xl/workbook.xml")).isNotNull();
            String workbook = new String(zip.getInputStream(zip.getEntry("xl/workbook.xml")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(workbook).contains("name=\"About\"", "name=\"phb_return\"", "name=\"before_after\"");
        }
        long csvCount;
        try (Stream<Path> files = Files.list(out)) {
            csvCount = files.filter(f -> f.toString().endsWith(".csv")).count();
        }
        assertThat(sheets).hasSize((int) csvCount + 1);
        // only the files a recipient should see: no hidden checksum side files
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".") || n.endsWith(".crc"));
        }
        // one line ending, \n, in every text file of the report (docs/REPORTS.md)
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.(csv|json|html)$")).toList()) {
                assertThat(Files.readAllBytes(f)).as(f + " has a carriage return").doesNotContain((byte) '\r');
            }
        }
        // nothing half-written is left beside the report
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).containsExactly(Q.toString());
        }
    }

    /**
     * The attack over the report and each Sub-ICB's report read together. The previous quarter beside them is CI's
     * check on the demo's publications (bench/disclosure.sh), so that this suite runs one report per area only.
     */
    @Test
    void noHiddenCountCanBeRecoveredFromTheReportAndItsSubIcbsReportsTogether() throws IOException {
        // its own out folder, so the other tests' report folder is left as it was
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(),
                dir.resolve("out-attack").toString(), "local[2]", false);
        List<Path> publications = new ArrayList<>(List.of(firstCopy));
        List<String> subIcbs = bronze.get("ref_practices").select("sub_icb_code").distinct().orderBy("sub_icb_code").as(Encoders.STRING())
                .collectAsList();
        assertThat(subIcbs).as("the lake has several areas to split").hasSizeGreaterThan(1);
        for (String org : subIcbs) {
            Path published = Path.of(ReportJob.run(spark, ReportJob.Request.defaults(settings, ReportLake.LAKE_KEY, Q, org),
                    Progress.NONE).out());
            publications.add(published);
            // without --evaluate the generator's truth stays out, though the landing holds it
            if (Files.exists(published.resolve("before_after.csv"))) {
                assertThat(Files.readAllLines(published.resolve("before_after.csv")).get(0)).doesNotContain("true_effect");
            }
            assertThat(Files.readString(published.resolve("phb_report_" + Q + "-" + org + ".html")).toLowerCase()).doesNotContain("true effect");
        }

        DisclosureAttack.Result r = DisclosureAttack.run(new DisclosureAttack.Request(publications, null));
        assertThat(r.recovered()).as("counts recovered").isEmpty();
        assertThat(r.unroundedCounts()).as("counts printed unrounded").isEmpty();
        assertThat(r.conflicts()).as("figures the attacker's reading cannot place").isEmpty();
        assertThat(r.tablesNotDescribed()).as("tables with figures the attack could not read").isEmpty();
        assertThat(r.publications()).isEqualTo(1 + subIcbs.size());
        assertThat(r.cellsTriedByTable()).containsKeys("phb_return", "before_after_design", "offers");
        assertThat(r.cellsTried()).isGreaterThan(50);
        assertThat(r.relations()).isGreaterThan(100);
    }

    @Test
    void theBeforeAfterSectionReportsItsDesignAndTheTruth() throws IOException {
        Path out = Path.of(first.out());
        List<String[]> ba = csv(out.resolve("before_after.csv"));
        assertThat(ba.get(0)).contains("did_estimate", "did_ci_low", "did_ci_high", "true_effect");
        assertThat(ba.stream().skip(1).map(r -> r[0]).toList()).containsExactly("acute", "primary_care", "community", "mental_health",
                "adult_social_care", "chc", "health_total", "all_sectors");
        List<String[]> balance = csv(out.resolve("balance.csv"));
        assertThat(balance.stream().skip(1).map(r -> r[0]).toList()).contains("age", "ltc_count", "log_cost_before_acute");
        assertThat(first.headline()).containsKeys("did_estimate", "did_ci_low", "did_ci_high", "true_effect", "max_abs_smd_after");
        // the summary's JSON carries the headline's keys at its top level, beside its own
        JsonNode summary = JSON.readTree(uk.nhs.phb.jobs.Json.mapper().writeValueAsString(first));
        assertThat(summary.get("quarter").asText()).isEqualTo(Q.toString());
        assertThat(summary.get("did_estimate").asText()).isEqualTo(String.valueOf(first.headline().get("did_estimate")));
        assertThat(summary.has("headline") || summary.has("regenerates_run")).isFalse();
        assertThat(summary.get("files").size()).isEqualTo(first.files().size());
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.get("before_after_design").get("caliper_sd").asDouble()).isEqualTo(0.2);
        assertThat(manifest.get("before_after_design").get("treated").asInt()).isPositive();
    }

    @Test
    void theHtmlPageRendersItsChartsInAHeadlessBrowser() throws Exception {
        Path html;
        try (Stream<Path> files = Files.list(Path.of(first.out()))) {
            html = files.filter(f -> f.toString().endsWith(".html")).findFirst().orElseThrow();
        }
        String page = Files.readString(html);
        // self-contained: nothing to fetch, nothing to run
        assertThat(page).doesNotContain("<script", "<link", "src=", "url(", "http:", "https:").contains("<h1>", "role=\"img\"", "<title id=");
        // charts whose figures are all published must draw shapes; the before/after ones are hidden with fewer than 8 pairs
        List<String> drawn = new ArrayList<>(List.of("chart-uptake", "chart-options", "chart-declines", "chart-sectors"));
        List<String> present = new ArrayList<>(List.of("chart-balance"));
        if (page.contains("id=\"chart-did\"")) {
            drawn.add("chart-did");
        }
        ChromiumCheck.assertChartsRender(html, dir.resolve("browser"), drawn, present);
        // as people use it: a desktop and a phone, no serious or critical accessibility finding, nothing wider than the window
        BrowserAudit.assertAccessible(dir.resolve("audit"), List.of(html));
        // every column of every CSV file is in the data dictionary, and the page's column headings are words, not names
        var words = uk.nhs.phb.schemas.ReportReference.words();
        try (Stream<Path> files = Files.list(html.getParent())) {
            for (Path csv : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
                for (String column : Files.readAllLines(csv).get(0).split(",")) {
                    assertThat(words).as(csv.getFileName() + " column " + column + " in report_words.csv").containsKey(column);
                }
            }
        }
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(page);
        assertThat(doc.select("thead th").eachText()).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain("_").doesNotContain("GBP"));
        assertThat(doc.text()).doesNotContain("GBP");
        // money with £ and thousands separators: the return's annual value of the ICB's budgets in place
        assertThat(doc.select("td[data-cell*=/annual_value_gbp/]").eachText()).isNotEmpty()
                .allSatisfy(t -> assertThat(t).matches("£[0-9]{1,3}(,[0-9]{3})*|\\*|0"));
    }

    @Test
    void aMissingInputOrUnknownOrganisationIsTheUsersToFix() {
        assertThatThrownBy(() -> run("ZZZ")).isInstanceOf(InputException.class).hasMessageContaining("--org ZZZ")
                .hasMessageContaining("known codes");
        JobSettings empty = new JobSettings(dir.resolve("nolake").toString(), dir.resolve("landing").toString(), dir.resolve("out2").toString(),
                "local[2]", false);
        assertThatThrownBy(() -> ReportJob.run(spark, ReportJob.Request.defaults(empty, ReportLake.LAKE_KEY, Q, null), Progress.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("bronze/phb_register").hasMessageContaining("phb ingest");
        JobSettings noTruth = new JobSettings(dir.resolve("lake").toString(), dir.resolve("no-landing").toString(),
                dir.resolve("out2").toString(), "local[2]", false);
        assertThatThrownBy(() -> ReportJob.run(spark, ReportJob.Request.defaults(noTruth, ReportLake.LAKE_KEY, Q, null).evaluating(true),
                Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("--evaluate needs")
                .hasMessageContaining("real feeds have none");
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        assertThatThrownBy(() -> ReportJob.run(spark, ReportJob.Request.defaults(settings, ReportLake.LAKE_KEY, Quarter.parse("2024-25Q2"), null), Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("phb features --as-of 2024-25Q2");
    }

    @Test
    void aPastReportIsMadeAgainExactlyFromTheTableVersionsItRead() throws IOException {
        // its own out folder, so the other tests' report is left as it was
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(),
                dir.resolve("out-replay").toString(), "local[2]", false);
        String register = dir.resolve("lake/bronze/phb_register").toString();
        long before = DeltaTables.version(spark, register);
        long registerRows = spark.read().format("delta").load(register).count();
        // the register changes after the first report: a third of its rows go, so today's report differs
        DeltaTable.forPath(spark, register).delete("pmod(hash(nhs_token), 3) = 0");
        try {
            assertThat(spark.read().format("delta").load(register).count()).isBetween(registerRows / 2, registerRows - 1);
            ReportJob.Result today = ReportJob.run(spark, ReportJob.Request.defaults(settings, ReportLake.LAKE_KEY, Q, null), Progress.NONE);
            assertThat(Files.readAllBytes(Path.of((String) today.out(), "phb_return.csv")))
                    .isNotEqualTo(Files.readAllBytes(firstCopy.resolve("phb_return.csv")));

            AuditLog.RunRecord past = AuditLog.of(settings).show((String) first.runId());
            ReportJob.Result again = ReportJob.run(spark, ReportJob.Request.replaying(settings, ReportLake.LAKE_KEY, past),
                    Progress.NONE);
            Path out = Path.of((String) again.out());
            assertThat(out.getFileName().toString()).isEqualTo(Q + ".run-" + first.runId());
            assertThat(again.regeneratesRun()).isEqualTo(first.runId());
            List<String> compared = new ArrayList<>();
            try (Stream<Path> files = Files.list(firstCopy)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".csv") || name.endsWith(".html")) {
                        assertThat(Files.readAllBytes(out.resolve(name))).as(name).isEqualTo(Files.readAllBytes(f));
                    } else if (name.endsWith(".xlsx")) {
                        assertThat(zipEntries(out.resolve(name))).as(name).isEqualTo(zipEntries(f));
                    } else {
                        continue;
                    }
                    compared.add(name);
                }
            }
            assertThat(compared).hasSizeGreaterThan(12).contains("phb_report_" + Q + ".html", "phb_report_" + Q + ".xlsx",
                    "phb_return.csv", "markers_of_progress.csv", "uptake_trend.csv", "spread.csv", "offers.csv", "decline_reasons.csv",
                    "spend_by_cohort.csv", "spend_by_service.csv", "before_after.csv", "balance.csv", "before_after_design.csv");
            JsonNode was = JSON.readTree(firstCopy.resolve("manifest.json").toFile());
            JsonNode is = JSON.readTree(out.resolve("manifest.json").toFile());
            assertThat(is.get("run_id").asText()).isEqualTo(first.runId());
            assertThat(is.get("regenerated_by_run").asText()).isEqualTo(again.runId());
            assertThat(is.get("headline")).isEqualTo(was.get("headline"));
            // every file's checksum matches but the workbook's, which holds the time it was written (compared by its sheets above)
            assertThat(withoutWorkbookChecksum(is.get("files"))).isEqualTo(withoutWorkbookChecksum(was.get("files")));
            // the replay read, and recorded, exactly the versions the first run read
            assertThat(JSON.readTree(AuditLog.of(settings).show((String) again.runId()).inputs())).isEqualTo(JSON.readTree(past.inputs()));
            // today's report is left as it was
            assertThat(Files.readAllBytes(Path.of((String) today.out(), "phb_return.csv")))
                    .isNotEqualTo(Files.readAllBytes(out.resolve("phb_return.csv")));
        } finally {
            DeltaTable.forPath(spark, register).restoreToVersion(before);
        }
        assertThat(spark.read().format("delta").load(register).count()).isEqualTo(registerRows);
    }

    @Test
    void onlyASucceededReportRunCanBeMadeAgain() {
        JobSettings settings = new JobSettings(dir.resolve("lake").toString(), dir.resolve("landing").toString(), dir.resolve("out").toString(),
                "local[2]", false);
        AuditLog log = AuditLog.of(settings);
        assertThatThrownBy(() -> run("ZZZ")).isInstanceOf(InputException.class);
        AuditLog.RunSummary failed = log.list(0).stream().filter(r -> r.command().equals("report") && r.status().equals("FAILED"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> ReportJob.Request.replaying(settings, ReportLake.LAKE_KEY, log.show(failed.runId())))
                .isInstanceOf(InputException.class).hasMessageContaining("did not succeed");
        AuditLog.RunRecord ingest = new AuditLog.RunRecord("20200101T000000Z-00000000", "ingest", "SUCCEEDED", "someone", null, null, null,
                "{}", "{}", "[]", "{}", null, "0.1.0");
        assertThatThrownBy(() -> ReportJob.Request.replaying(settings, ReportLake.LAKE_KEY, ingest)).isInstanceOf(InputException.class)
                .hasMessageContaining("not a report");
        assertThatThrownBy(() -> log.show("20200101T000000Z-00000000")).isInstanceOf(InputException.class).hasMessageContaining("phb audit");
    }

    private static List<String> withoutWorkbookChecksum(JsonNode files) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : files) {
            com.fasterxml.jackson.databind.node.ObjectNode o = f.deepCopy();
            if (o.get("name").asText().endsWith(".xlsx")) {
                o.remove(List.of("bytes", "sha256"));
            }
            out.add(o.toString());
        }
        return out;
    }

    /** Every entry of a zip file but its creation properties (which hold the time it was written), by name. */
    private static Map<String, String> zipEntries(Path zip) throws IOException {
        Map<String, String> entries = new java.util.TreeMap<>();
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(z.entries())) {
                if (!e.getName().equals("docProps/core.xml")) {
                    entries.put(e.getName(), new String(z.getInputStream(e).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }
}
