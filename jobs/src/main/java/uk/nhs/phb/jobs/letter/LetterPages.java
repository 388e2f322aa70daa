package uk.nhs.phb.jobs.letter;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.logging.Level;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;
import uk.nhs.phb.jobs.pages.Pages;
import uk.nhs.phb.models.letter.PersonLetter;

/**
 * A person's letter as a page: HTML from a Pebble template through {@link Pages} (every value escaped for HTML by the engine, so no text
 * from the lake can become markup), and the same page as a tagged PDF (PDF/UA: a structure tree, the language, the
 * title and embedded fonts, so a screen reader can read it) made by openhtmltopdf. One template serves both; the
 * PDF's page size and fonts come from its print rules.
 */
public final class LetterPages {
    private static final String TEMPLATE = "uk/nhs/phb/jobs/letter/letter.html.peb";
    /** Liberation Sans (SIL Open Font Licence), metric-compatible with Arial, shipped in openpdf-fonts-extra. */
    private static final String FONT_FOLDER = "/liberation/";
    static final String PDF_FONT = "Liberation Sans";

    static {
        // the printer's progress notes (fonts loaded, selectors matched) are not a user's business; its warnings are
        for (String logger : XRLog.listRegisteredLoggers()) {
            XRLog.setLevel(logger, Level.WARNING);
        }
    }

    private LetterPages() {
    }

    /** The letter as an HTML page (UTF-8, one file with its own styles). */
    public static String html(PersonLetter letter) {
        return render(letter, false);
    }

    private static String render(PersonLetter letter, boolean forPdf) {
        return Pages.render(TEMPLATE, Map.of("letter", letter, "pdfFont", PDF_FONT, "forPdf", forPdf));
    }

    /** The letter printed to an A4 tagged PDF (the same page, with print sizes and without the phone's layout). */
    public static byte[] pdf(PersonLetter letter) {
        String html = render(letter, true);
        String title = "the letter of " + letter.personId();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PdfRendererBuilder b = new PdfRendererBuilder();
            b.useFastMode();
            b.usePdfUaAccessibility(true);
            font(b, "LiberationSans-Regular.ttf", 400, FontStyle.NORMAL);
            font(b, "LiberationSans-Bold.ttf", 700, FontStyle.NORMAL);
            font(b, "LiberationSans-Italic.ttf", 400, FontStyle.ITALIC);
            b.withW3cDocument(new W3CDom().fromJsoup(Jsoup.parse(html)), null);
            b.withProducer("phb");
            b.toStream(out);
            b.run();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("printing " + title + " to PDF", e);
        }
    }

    private static void font(PdfRendererBuilder b, String file, int weight, FontStyle style) {
        b.useFont(() -> {
            InputStream in = LetterPages.class.getResourceAsStream(FONT_FOLDER + file);
            if (in == null) {
                throw new IllegalStateException("font " + FONT_FOLDER + file + " is missing from the classpath (openpdf-fonts-extra)");
            }
            return in;
        }, PDF_FONT, weight, style, true);
    }
}
