package uk.nhs.phb.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.pipelines.BrowserAudit;
import uk.nhs.phb.models.risk.Evaluation;
import uk.nhs.phb.models.risk.Metrics;

/**
 * The model report ({@code evaluation.html}) as a reader meets it: it says which model phb scores with, warns of a
 * group the risk list never reaches (here the under-45s, whose risks are all below the operating point) and names the
 * routes that cover them instead, and it passes the browser audit at desktop and phone widths.
 */
class ModelReportPageTest {
    @TempDir
    Path dir;

    @Test
    void theReportNamesTheChosenModelWarnsOfAGroupNeverFlaggedAndIsAccessible() throws Exception {
        Random r = new Random(7);
        int n = 4000;
        double[] gbt = new double[n];
        double[] logistic = new double[n];
        int[] y = new int[n];
        double[] events = new double[n];
        String[] age = new String[n];
        for (int i = 0; i < n; i++) {
            boolean young = i % 2 == 0;
            age[i] = young ? "18-44" : "75+";
            gbt[i] = young ? 0.01 + 0.02 * r.nextDouble() : 0.05 + 0.6 * r.nextDouble();
            logistic[i] = Math.min(1, gbt[i] + 0.05 * r.nextGaussian() * gbt[i]);
            y[i] = r.nextDouble() < gbt[i] ? 1 : 0;
            events[i] = y[i];
        }
        double threshold = Metrics.thresholdForTopShare(gbt, 0.05);
        Map<String, Evaluation.Binary> models = new LinkedHashMap<>();
        models.put("gbt", Evaluation.binary(gbt, y, events, threshold, true, 100, 1));
        models.put("logistic", Evaluation.binary(logistic, y, events, Metrics.thresholdForTopShare(logistic, 0.05), true, 0, 0));
        models.put(Evaluation.Report.ORACLE, Evaluation.binary(gbt, y, events, threshold, true, 0, 0).withGbtAurocOnSameRows(Metrics.auroc(gbt, y)));
        Map<String, Map<String, Evaluation.Group>> subgroups = Evaluation.subgroups(gbt, y, events, Map.of("age_band", age), threshold);
        Map<String, String> context = new LinkedHashMap<>();
        context.put("model", "risk-test");
        List<String> routes = List.of("NHS Continuing Healthcare", "Education, health and care plan");
        double[] predicted = new double[n];
        double[] observed = new double[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = 1000 + 3000 * gbt[i];
            observed[i] = Math.max(0, predicted[i] + 800 * r.nextGaussian());
        }
        Evaluation.Cost cost = Evaluation.cost(predicted, observed);
        String page = ModelReportPage.html("Emergency admission risk model risk-test", context, models, subgroups, cost, "gbt", routes);
        Path html = dir.resolve("evaluation.html");
        Files.writeString(html, page);

        Document d = Jsoup.parse(page);
        assertThat(d.select(".chosen").text()).startsWith("The model phb scores with: Gradient-boosted trees.");
        // models, groups and figures in words: no internal names, counts and pounds with separators
        assertThat(d.select("td:first-child").eachText()).doesNotContain("gbt", "logistic", Evaluation.Report.ORACLE)
                .contains("Gradient-boosted trees", "Oracle: the generator's true risk (synthetic data)");
        assertThat(d.select("h3").eachText()).contains("Age band").doesNotContain("age_band");
        assertThat(d.select("td").eachText()).noneMatch(t -> t.matches("[0-9]{4,}"));
        assertThat(d.select("div[aria-label=Cost by tenth of prediction] td").eachText()).anyMatch(t -> t.matches("£[0-9]{1,3}(,[0-9]{3})+"));
        assertThat(d.select(".warning li").eachText()).singleElement().asString().startsWith("age band 18-44 (")
                .endsWith("people admitted, none flagged)");
        assertThat(d.select(".warning").text()).contains("NHS Continuing Healthcare; Education, health and care plan");
        // the cost model's error in words and pounds, not "mae 1722.676"
        assertThat(d.text()).doesNotContain("mae").contains("mean absolute error a person (£)");
        assertThat(d.select("th:containsOwn(mean absolute error a person) + td").text()).matches("£[0-9]{1,3}(,[0-9]{3})*");
        // the chosen model's headline figures with their bootstrap intervals, each interval around its estimate
        List<org.jsoup.nodes.Element> rows = d.select("div[aria-label=Headline figures with 95% intervals] tr:gt(0)");
        assertThat(rows).hasSize(9);
        org.jsoup.nodes.Element auroc = rows.get(0);
        assertThat(auroc.child(0).text()).isEqualTo("AUROC");
        double estimate = Double.parseDouble(auroc.child(1).text());
        String[] ends = auroc.child(2).text().split(" to ");
        assertThat(Double.parseDouble(ends[0])).isLessThan(estimate);
        assertThat(Double.parseDouble(ends[1])).isGreaterThan(estimate);
        assertThat(d.select("div[aria-label=Beside a national model] td").eachText()).contains("SPARRA version 4 (Scotland)", "0.799", "0.389");
        // the series differ by dash as well as colour
        assertThat(d.select("svg polyline[stroke-dasharray=8 4]")).isNotEmpty();
        BrowserAudit.assertAccessible(dir.resolve("shots"), List.of(html));
    }
}
