package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import uk.nhs.phb.schemas.Quarter;

/**
 * {@code --as-of}: a date {@code yyyy-MM-dd}, or a financial-year quarter {@code YYYY-YYQn} meaning its last day, parsed
 * once by picocli. A bad value is a usage error (exit 2): picocli's message names the option, this one the value, the
 * forms, an example and, for a near miss, the date or quarter meant. {@link QuarterEnd} also requires a quarter's last day.
 */
class AsOfDate implements ITypeConverter<LocalDate> {
    private static final String FORMS = IsoDate.FORM + " or a financial-year quarter YYYY-YYQn meaning its last day (e.g. 2025-26Q4, "
            + "January-March 2026, means 2026-03-31)";

    @Override
    public LocalDate convert(String text) {
        if (text.toUpperCase(Locale.ROOT).contains("Q")) {
            try {
                return Quarter.parse(text).end();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (a quarter means its last day; a date yyyy-MM-dd, e.g. 2026-03-31, "
                        + "is also taken)" + QuarterConverter.suggestion(text).map(s -> "; " + s).orElse(""));
            }
        }
        return IsoDate.parse(text, FORMS);
    }

    /**
     * {@code --as-of} where the design needs a quarter's last day (30 June, 30 September, 31 December or 31 March), as
     * {@code phb train}'s reference date: another day is refused naming the quarter ends either side of it.
     */
    static final class QuarterEnd extends AsOfDate {
        @Override
        public LocalDate convert(String text) {
            LocalDate d = super.convert(text);
            Quarter q = Quarter.containing(d);
            if (!q.end().equals(d)) {
                Quarter before = q.previous();
                throw new TypeConversionException("'" + text + "' is not a quarter end (30 June, 30 September, 31 December or 31 March); "
                        + "did you mean " + before.end() + " (" + before + ") or " + q.end() + " (" + q + ")?");
            }
            return d;
        }
    }
}
