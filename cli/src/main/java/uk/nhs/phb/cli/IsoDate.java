package uk.nhs.phb.cli;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A day written {@code yyyy-MM-dd} ({@code --extract-date}), parsed once by picocli. A bad value is a usage error (exit 2):
 * picocli's message names the option, this one the value, the form, an example and, for a near miss, the date meant.
 */
final class IsoDate implements ITypeConverter<LocalDate> {
    static final String FORM = "a date yyyy-MM-dd (e.g. 2026-03-31)";

    /** Day, month and year in either order of day and month, e.g. 31/03/2026. */
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile("([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})");
    /** Year first but not ISO: 2026/03/31, 2026-3-31, or without separators 20260331. */
    private static final Pattern YEAR_MONTH_DAY = Pattern.compile("([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})|([0-9]{4})([0-9]{2})([0-9]{2})");
    private static final Pattern ISO_SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    @Override
    public LocalDate convert(String text) {
        return parse(text, FORM);
    }

    /** {@code yyyy-MM-dd}, else a message saying the value is not {@code forms}, with the date meant when there is one. */
    static LocalDate parse(String text, String forms) {
        String t = text.strip();
        try {
            return LocalDate.parse(t);
        } catch (DateTimeParseException e) {
            if (ISO_SHAPE.matcher(t).matches()) {
                throw new TypeConversionException("'" + text + "' has the form yyyy-MM-dd but is no day of the calendar");
            }
            throw new TypeConversionException("'" + text + "' is not " + forms + suggestion(t).map(d -> "; did you mean " + d + "?").orElse(""));
        }
    }

    /** The date a near miss names, when only one reading is a date; nothing for 03/04/2026 (March or April?). */
    static Optional<LocalDate> suggestion(String text) {
        Matcher m = DAY_MONTH_YEAR.matcher(text);
        if (m.matches()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            int year = Integer.parseInt(m.group(3));
            Optional<LocalDate> dayFirst = date(year, b, a);
            Optional<LocalDate> monthFirst = date(year, a, b);
            if (dayFirst.isPresent() && monthFirst.isPresent()) {
                return dayFirst.equals(monthFirst) ? dayFirst : Optional.empty();
            }
            return dayFirst.or(() -> monthFirst);
        }
        m = YEAR_MONTH_DAY.matcher(text);
        if (m.matches()) {
            int g = m.group(1) != null ? 1 : 4;
            return date(Integer.parseInt(m.group(g)), Integer.parseInt(m.group(g + 1)), Integer.parseInt(m.group(g + 2)));
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> date(int year, int month, int day) {
        try {
            return Optional.of(LocalDate.of(year, month, day));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
