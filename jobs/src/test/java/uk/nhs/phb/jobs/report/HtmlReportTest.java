package uk.nhs.phb.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.pipelines.report.ReportTable;

/** The report page's words: figures shown as the data dictionary says, and the before/after read out in plain words. */
class HtmlReportTest {
    private static final ReportTable BEFORE_AFTER = new ReportTable("before_after", "Before and after", "", List.of("outcome", "label",
            "pairs", "did_estimate", "did_ci_low", "did_ci_high"), List.of(
            List.of("acute", "Acute hospital care", "40", "-500.25", "-951.00", "-64.10"),
            List.of("primary_care", "Primary care", "40", "12.00", "-30.00", "55.00"),
            List.of("community", "Community", "*", "*", "*", "*")));

    @Test
    void figuresAreShownAsTheirColumnsKindSays() {
        assertThat(HtmlReport.shown("spend_total", "2958366")).isEqualTo("£2,958,366");
        assertThat(HtmlReport.shown("did_estimate", "-500.25")).isEqualTo("-£500.25");
        assertThat(HtmlReport.shown("people", "13810")).isEqualTo("13,810");
        assertThat(HtmlReport.shown("received_ytd_per_100k", "1169.6")).isEqualTo("1,169.6");
        assertThat(HtmlReport.shown("people", "*")).isEqualTo("*");
        assertThat(HtmlReport.shown("risk_tier", "very_high")).isEqualTo("Very high");
        assertThat(HtmlReport.shown("eligibility_group", "FAST_TRACK")).isEqualTo("Adult Fast Track");
        assertThat(HtmlReport.shown("label", "A&E: minor injury")).isEqualTo("A&E: minor injury");
        assertThat(HtmlReport.shown("not_in_the_dictionary", "1234")).isEqualTo("1234");
    }

    @Test
    void unbalancedMatchingIsAWarningNotToUseTheEstimates() {
        Document d = Jsoup.parse(HtmlReport.reading(BEFORE_AFTER, Map.of("max_abs_smd_after", 0.16)));
        assertThat(d.select(".warning h3").text()).isEqualTo("Matching did not balance the groups: do not use these estimates");
        assertThat(d.select(".warning p").text()).contains("the largest standardised difference is 0.16, above 0.1");
        assertThat(d.select("li").eachText()).containsExactly(
                "Acute hospital care: £500 less a person a year than the comparison group, 95% interval -£951 to -£64; the whole interval is "
                        + "below zero: a saving is likely.",
                "Primary care and prescribing: £12 more a person a year than the comparison group, 95% interval -£30 to £55; the interval "
                        + "includes zero: the data cannot tell a saving from a rise.");
    }

    @Test
    void noPairsMeansNoEstimateSaidInWords() {
        ReportTable none = new ReportTable("before_after", "Before and after", "", BEFORE_AFTER.columns(), List.of(
                List.of("acute", "Acute hospital care", "0", "", "", "")));
        Document d = Jsoup.parse(HtmlReport.reading(none, java.util.Collections.singletonMap("max_abs_smd_after", null)));
        assertThat(d.select("li")).isEmpty();
        assertThat(d.text()).startsWith("No estimate can be shown: too few people with a PHB could be matched");
    }

    @Test
    void balancedMatchingSaysSoAndGivesNoWarning() {
        Document d = Jsoup.parse(HtmlReport.reading(BEFORE_AFTER, Map.of("max_abs_smd_after", 0.04)));
        assertThat(d.select(".warning")).isEmpty();
        assertThat(d.text()).contains("Matching balanced the groups").contains("about 95 in 100 such intervals would contain it");
    }
}
