package uk.nhs.phb.jobs.letter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.nhs.phb.pipelines.BrowserAudit;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.TestSpark;
import uk.nhs.phb.jobs.score.ScoredLake;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb letter} on a hand-built lake of three people at one date: P1 has NHS Continuing Healthcare and a care
 * package; P2 has an EHC plan with two pooled parts; P3 is in no group. Their letters carry the lake's figures,
 * the budget's own explanation of each part, nothing that judges the person, and they pass the browser audit.
 */
class LetterJobTest {
    static final Date AT = Date.valueOf("2026-03-31");

    @TempDir
    static Path dir;
    static SparkSession spark;
    static JobSettings settings;

    @BeforeAll
    static void lake() {
        spark = TestSpark.get();
        settings = ScoredLake.settings(dir);
        Lake lake = settings.lakeLayout();
        ScoredLake.write(lake, LakeTables.RISK_SCORES, List.of(ScoredLake.risk("P1", AT, 0.42, "9100.00", 0.99, "very high"),
                ScoredLake.risk("P2", AT, 0.05, "800.00", 0.40, "low"), ScoredLake.risk("P3", AT, 0.02, "300.00", 0.10, "low")));
        ScoredLake.write(lake, LakeTables.PHB_ELIGIBILITY, List.of(
                ScoredLake.eligible("P1", AT, "CHC", "legal_right", "LR_CHC", "eligible for NHS continuing healthcare"),
                ScoredLake.eligible("P2", AT, "EHCP", "expected", "EX_EHCP", "has an EHC plan")));
        ScoredLake.write(lake, LakeTables.INDICATIVE_BUDGETS, List.of(
                budget("P1", Stream.NHS_CONTINUING_CARE, "CHC", "31204.50", "24000.00", "39000.00", false,
                        "Worked out from your current package (ready reckoner): 14 hours a week of care in your own home."),
                budget("P2", Stream.EDUCATION, "EHCP", "9000.00", "6000.00", "12000.00", true, "Worked out from your current EHC plan."),
                budget("P2", Stream.NHS_COMMUNITY, "EHCP", "1500.25", "900.00", "2100.00", true,
                        "Worked out from what the NHS spent on these services for you in the last 12 months: £1,500.25.")));
    }

    static JobSettings settings(String out) {
        return new JobSettings(settings.lake(), settings.landing(), dir.resolve(out).toString(), "local[2]", false);
    }

    static Row budget(String person, Stream s, String cohort, String annual, String low, String high, boolean pooled, String how) {
        return ScoredLake.budget(person, AT, s, cohort, s == Stream.NHS_COMMUNITY ? "historic_spend" : "current_package", annual, low, high,
                pooled, how);
    }

    @Test
    void eachPersonGetsAnHtmlPageAndATaggedPdfWithTheLakesFigures() throws IOException {
        Path out = dir.resolve("out1/letters/2026-03-31");
        LetterJob.Result r = LetterJob.run(spark, settings("out1"), new LetterJob.Settings(List.of("P1", "P2", "P3"), null, null, false, null),
                Progress.NONE);
        assertThat(r.referenceDate()).isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(r.folder()).isEqualTo(out.toString());
        assertThat(r.letters()).isEqualTo(3);
        assertThat(r.withBudget()).isEqualTo(2);
        assertThat(r.files()).containsExactly("letter-P1.html", "letter-P1.pdf", "letter-P2.html", "letter-P2.pdf", "letter-P3.html",
                "letter-P3.pdf");
        try (var listing = Files.list(out)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).as("no part files left behind").hasSize(6);
        }

        Document p2 = Jsoup.parse(out.resolve("letter-P2.html").toFile(), "UTF-8");
        assertThat(p2.select("html").attr("lang")).isEqualTo("en-GB");
        assertThat(p2.select("h1").text()).isEqualTo("Your personal health budget: an early indication");
        assertThat(p2.select(".total").text()).isEqualTo("£10,500.25 a year which is £201.24 a week");
        // parts in the budget's own order: community before education
        assertThat(p2.select("tbody th").eachText()).containsExactly("NHS community health services", "Council education support (EHC plan)");
        assertThat(p2.select("tfoot td.money").eachText()).containsExactly("£10,500.25", "£201.24");
        assertThat(p2.select(".note").text()).startsWith("People with needs like yours cost between £6,900.00 and £14,100.00 a year");
        assertThat(p2.select("ol li").eachText()).containsExactly(
                "NHS community health services: Worked out from what the NHS spent on these services for you in the last 12 months: £1,500.25.",
                "Council education support (EHC plan): Worked out from your current EHC plan.");

        Document p3 = Jsoup.parse(out.resolve("letter-P3.html").toFile(), "UTF-8");
        assertThat(p3.select(".total")).isEmpty();
        assertThat(p3.text()).contains("do not put you in a group that has a right to a personal health budget");

        for (String id : List.of("P1", "P2", "P3")) {
            String text = Jsoup.parse(out.resolve("letter-" + id + ".html").toFile(), "UTF-8").text();
            assertThat(text).as(id).contains("Our reference: " + id).contains("31 March 2026")
                    .doesNotContainIgnoringCase("risk").doesNotContainIgnoringCase("score").doesNotContainIgnoringCase("depriv")
                    .doesNotContain("LR_CHC").doesNotContain("EX_EHCP").doesNotContain("_");
        }

        try (PDDocument pdf = Loader.loadPDF(out.resolve("letter-P1.pdf").toFile())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("£31,204.50 a year").contains("You are eligible for NHS Continuing Healthcare")
                    .contains("14 hours a week of care in your own home");
            var catalog = pdf.getDocumentCatalog();
            assertThat(catalog.getMarkInfo()).as("a tagged PDF").isNotNull();
            assertThat(catalog.getMarkInfo().isMarked()).isTrue();
            assertThat(catalog.getStructureTreeRoot()).as("the structure tree a screen reader follows").isNotNull();
            assertThat(catalog.getLanguage()).isEqualTo("en-GB");
            assertThat(pdf.getDocumentInformation().getTitle()).startsWith("Your personal health budget");
            List<String> fonts = new ArrayList<>();
            for (var page : pdf.getPages()) {
                for (var name : page.getResources().getFontNames()) {
                    PDFont f = page.getResources().getFont(name);
                    assertThat(f.isEmbedded()).as(f.getName() + " embedded").isTrue();
                    fonts.add(f.getName());
                }
            }
            assertThat(fonts).isNotEmpty().allSatisfy(f -> assertThat(f).contains("LiberationSans"));
            // every font object anywhere in the file is the embedded one: no base-14 font the printer falls back to
            List<String> everyFont = new ArrayList<>();
            var cos = pdf.getDocument();
            for (var key : cos.getXrefTable().keySet()) {
                var object = cos.getObjectFromPool(key).getObject();
                if (object instanceof org.apache.pdfbox.cos.COSDictionary d
                        && org.apache.pdfbox.cos.COSName.FONT.equals(d.getCOSName(org.apache.pdfbox.cos.COSName.TYPE))) {
                    everyFont.add(d.getNameAsString(org.apache.pdfbox.cos.COSName.BASE_FONT));
                }
            }
            assertThat(everyFont).isNotEmpty().allSatisfy(f -> assertThat(f).contains("LiberationSans"));
            assertThat(pdf.getDocumentInformation().getSubject()).as("the description PDF/UA asks for").isNotBlank();
        }
    }

    @Test
    void aCohortsLettersAreEveryoneInItAndEasyReadUsesWholePounds() throws IOException {
        Path out = dir.resolve("out2/letters/2026-03-31");
        LetterJob.Result r = LetterJob.run(spark, settings("out2"), new LetterJob.Settings(null, "EHCP", LocalDate.of(2026, 3, 31), true,
                Set.of(LetterJob.Format.HTML)), Progress.NONE);
        assertThat(r.files()).containsExactly("letter-P2-easy-read.html");
        Document d = Jsoup.parse(out.resolve("letter-P2-easy-read.html").toFile(), "UTF-8");
        assertThat(d.select("body").hasClass("easy-read")).isTrue();
        assertThat(d.select(".total").text()).isEqualTo("About £10,500 a year That is about £201 a week");
        assertThat(d.select("ol li").eachText()).containsExactly("We looked at what the NHS spent on your care last year.",
                "We looked at the care you get now and what it costs.");
    }

    @Test
    void badRequestsAreNamed() {
        assertThatThrownBy(() -> LetterJob.run(spark, settings, new LetterJob.Settings(List.of("P1", "P9"), null, null, false, null),
                Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("no person P9 in gold/risk_scores at 2026-03-31");
        assertThatThrownBy(() -> LetterJob.run(spark, settings, new LetterJob.Settings(null, "S117", null, false, null),
                Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("nobody is in group S117 at 2026-03-31");
        assertThatThrownBy(() -> new LetterJob.Settings(List.of("943 476 5919"), null, null, false, null))
                .isInstanceOf(InputException.class).hasMessageContaining("phb never looks people up by NHS number or name");
        assertThatThrownBy(() -> LetterJob.run(spark, settings, new LetterJob.Settings(List.of("P1"), null, LocalDate.of(2025, 3, 31), false,
                null), Progress.NONE)).isInstanceOf(InputException.class).hasMessageContaining("nothing was scored at 2025-03-31");
    }

    @Test
    void lettersPassTheBrowserAuditAtDesktopAndPhoneWidths() throws Exception {
        Path out = dir.resolve("out3/letters/2026-03-31");
        LetterJob.run(spark, settings("out3"), new LetterJob.Settings(List.of("P2", "P3"), null, null, false, Set.of(LetterJob.Format.HTML)),
                Progress.NONE);
        LetterJob.run(spark, settings("out3"), new LetterJob.Settings(List.of("P2"), null, null, true, Set.of(LetterJob.Format.HTML)),
                Progress.NONE);
        List<BrowserAudit.Page> pages = BrowserAudit.assertAccessible(dir.resolve("shots"), List.of(out.resolve("letter-P2.html"),
                out.resolve("letter-P3.html"), out.resolve("letter-P2-easy-read.html")));
        assertThat(pages).hasSize(6);
    }
}
