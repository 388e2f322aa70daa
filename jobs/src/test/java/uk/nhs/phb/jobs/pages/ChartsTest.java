package uk.nhs.phb.jobs.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** The one chart code of phb's pages: round ticks, named axes, and every series told apart without colour and described in words. */
class ChartsTest {
    @Test
    void chartTicksAreRoundNumbers() {
        // the uptake chart once ticked at 366.4, 732.7 ...
        assertThat(Charts.niceStep(1465.6 / 4)).isEqualTo(500.0);
        assertThat(Charts.niceStep(0.3)).isEqualTo(0.5);
        assertThat(Charts.niceStep(21)).isEqualTo(25.0);
        assertThat(Charts.tickText(1500, 500)).isEqualTo("1,500");
        assertThat(Charts.tickText(1.5, 0.5)).isEqualTo("1.5");
        // as many decimals as the step has: a net-benefit axis once ticked 0.0, 0.0, 0.0
        assertThat(Charts.tickText(0.04, 0.02)).isEqualTo("0.04");
        assertThat(Charts.tickText(0.025, 0.025)).isEqualTo("0.025");
        assertThat(Charts.tickText(1.0, 0.2)).isEqualTo("1");
        assertThat(Charts.tickText(12.5, 2.5)).isEqualTo("12.5");
        String chart = Charts.lines("c", "t", "People per 100,000 registered", List.of("2025-26Q1", "2025-26Q2"), List.of(1169.6, 1465.6), "m",
                List.of(300.0, 385.0), "t");
        Document d = Jsoup.parse(chart);
        assertThat(d.select("text[text-anchor=end]").eachText()).containsExactly("0", "500", "1,000", "1,500");
        assertThat(d.select("text").eachText()).contains("People per 100,000 registered", "Quarter");
    }

    @Test
    void theBeforeAfterChartsTickInRoundPoundsAndNameTheirAxes() {
        // the forest once ticked at its padded ends only, -4809.7 and 4683.2, with no title or unit
        String forest = Charts.forest("f", "t", List.of(new Charts.Interval("Acute hospital care", -874.6, -2532.8, 641.0, -172.9),
                new Charts.Interval("All sectors", -635.4, -4154.2, 2985.4, null)), "Change in cost per person a year (£)");
        Document f = Jsoup.parse(forest);
        assertThat(f.select("text[text-anchor=middle]").eachText()).containsExactly("-£6,000", "-£4,000", "-£2,000", "£0", "£2,000",
                "£4,000", "Change in cost per person a year (£)");
        assertThat(f.select("desc").text()).startsWith("Acute hospital care: estimate -£875, 95% interval -£2,533 to £641, true effect -£173;");
        assertThat(Charts.pounds(-0.4)).isEqualTo("£0");
        String dots = Charts.dots("b", "t", List.of("age", "sex"), List.of(0.31, 0.02), List.of(0.22, 0.01), 0.1, "Absolute difference");
        Document b = Jsoup.parse(dots);
        assertThat(b.select("text[text-anchor=middle]").eachText()).containsExactly("0", "0.1", "0.2", "0.3", "0.4", "Absolute difference");
    }

    @Test
    void curvesTellTheirSeriesApartWithoutColourAndDescribeThemInWords() {
        List<double[]> diagonal = List.of(new double[] {0, 0}, new double[] {0.5, 0.8}, new double[] {1, 1});
        String svg = Charts.curves("roc", "ROC curves", "false positive rate", "true positive rate", 1, 1, "chance",
                new Charts.Series("flag everyone", "net benefit 0.05", List.of(new double[] {0, 0.05}, new double[] {1, 0}), List.of()),
                List.of(new Charts.Series("trees <chosen>", "AUROC 0.781", diagonal, List.of(new double[] {0.5, 0.8})),
                        new Charts.Series("logistic", "AUROC 0.760", diagonal, List.of(new double[] {0.5, 0.7})),
                        new Charts.Series("beyond the axes", "clipped", List.of(new double[] {-1, 2}, new double[] {3, -1}), List.of())));
        Document d = Jsoup.parse(svg);
        assertThat(d.select("svg").attr("role")).isEqualTo("img");
        assertThat(d.select("desc").text()).isEqualTo("false positive rate across, 0 to 1; true positive rate up, 0 to 1; trees <chosen>: "
                + "AUROC 0.781; logistic: AUROC 0.760; beyond the axes: clipped; flag everyone: net benefit 0.05.");
        // a name from the data is text, never markup
        assertThat(svg).contains("trees &lt;chosen&gt;").doesNotContain("<chosen>");
        // the series differ by dash pattern as well as colour, in the plot and again in the legend
        assertThat(d.select("polyline.line").eachAttr("stroke-dasharray")).contains("8 4", "2 3");
        assertThat(d.select("polyline.line").stream().filter(p -> !p.hasAttr("stroke-dasharray")).count()).isEqualTo(2);
        // and their markers by shape: a circle for the first series, a square for the second
        assertThat(d.select("circle.point")).hasSize(2);
        assertThat(d.select("path.point").attr("d")).contains("h7 v7 h-7 Z");
        // ticks at 0, 0.2 ... 1, and every point inside the chart, those beyond the axes at its edge
        assertThat(d.select("text[text-anchor=end]").eachText()).containsExactly("0", "0.2", "0.4", "0.6", "0.8", "1");
        for (String points : d.select("polyline.line").eachAttr("points")) {
            for (String xy : points.split(" ")) {
                assertThat(Double.parseDouble(xy.split(",")[0])).isBetween(70.0, 516.0);
                assertThat(Double.parseDouble(xy.split(",")[1])).isBetween(16.0, 500.0);
            }
        }
        assertThat(d.select("text").eachText()).contains("trees <chosen>", "logistic", "flag everyone", "chance");
    }
}
