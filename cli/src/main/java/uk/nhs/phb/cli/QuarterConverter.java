package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import uk.nhs.phb.schemas.Quarter;

/**
 * {@code --quarter YYYY-YYQn}: a financial-year quarter, parsed once by picocli. A bad value is a usage error (exit 2):
 * picocli's message names the option, this one the value, the form, an example and, for a near miss, the quarter meant.
 */
final class QuarterConverter implements ITypeConverter<Quarter> {
    /** A financial year written another way: 2025/26Q4, 2025-2026 Q4, 2025-26q4, FY2025-26 Q4, Q4 2025-26. */
    private static final Pattern FY_QN = Pattern.compile("(?:FY)?\\s*([0-9]{4})\\s*[-/]\\s*([0-9]{2}|[0-9]{4})\\s*[-/ ]?\\s*Q([1-4])");
    private static final Pattern QN_FY = Pattern.compile("Q([1-4])\\s*[-/ ]?\\s*(?:FY)?\\s*([0-9]{4})\\s*[-/]\\s*([0-9]{2}|[0-9]{4})");

    /** One year and a quarter, 2025Q4 or Q4 2025: the financial year 2025-26, or the calendar year 2025? */
    private static final Pattern YEAR_QN = Pattern.compile("([0-9]{4})\\s*[-/ ]?\\s*Q([1-4])");
    private static final Pattern QN_YEAR = Pattern.compile("Q([1-4])\\s*[-/ ]?\\s*([0-9]{4})");

    @Override
    public Quarter convert(String text) {
        try {
            return Quarter.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage() + suggestion(text).map(s -> "; " + s).orElse(""));
        }
    }

    /**
     * What a near miss probably means, in words, or nothing when there is no good guess. A year with a quarter
     * ({@code 2025Q4}) has two readings, so both are given with their months rather than one guessed.
     */
    static Optional<String> suggestion(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        Matcher m;
        if ((m = FY_QN.matcher(t)).matches()) {
            return financialYear(m.group(1), m.group(2), m.group(3));
        }
        if ((m = QN_FY.matcher(t)).matches()) {
            return financialYear(m.group(2), m.group(3), m.group(1));
        }
        if ((m = YEAR_QN.matcher(t)).matches()) {
            return yearAndQuarter(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if ((m = QN_YEAR.matcher(t)).matches()) {
            return yearAndQuarter(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)));
        }
        try {
            Quarter holding = Quarter.containing(LocalDate.parse(t));
            return Optional.of("did you mean " + holding + " (" + months(holding) + "), the quarter holding " + t + "?");
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> financialYear(String start, String end, String q) {
        int from = Integer.parseInt(start);
        int to = Integer.parseInt(end);
        boolean consecutive = end.length() == 2 ? (from + 1) % 100 == to : from + 1 == to;
        if (!consecutive) {
            return Optional.empty();
        }
        Quarter meant = new Quarter(from, Integer.parseInt(q));
        return Optional.of("did you mean " + meant + " (" + months(meant) + ")?");
    }

    /** Quarter n of the financial year starting in {@code year}, and what calendar quarter n of {@code year} is. */
    private static Optional<String> yearAndQuarter(int year, int q) {
        Quarter financial = new Quarter(year, q);
        Quarter calendar = Quarter.containing(LocalDate.of(year, 3 * q - 2, 1));
        return Optional.of("did you mean " + financial + " (" + months(financial) + "), or " + calendar + " for calendar Q" + q + " "
                + year + " (" + months(calendar) + ")? Financial years run April-March");
    }

    /** The months of a quarter in words, e.g. "January-March 2026". */
    private static String months(Quarter q) {
        return month(q.start()) + "-" + month(q.end()) + " " + q.end().getYear();
    }

    private static String month(LocalDate d) {
        return d.getMonth().getDisplayName(TextStyle.FULL, Locale.UK);
    }
}
