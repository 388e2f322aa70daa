package uk.nhs.phb.schemas;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A financial-year quarter, written {@code YYYY-YYQn}: {@code 2025-26Q1} is April-June 2025 and
 * {@code 2025-26Q4} is January-March 2026.
 */
public record Quarter(int fyStartYear, int q) implements Comparable<Quarter> {
    private static final Pattern FORMAT = Pattern.compile("([0-9]{4})-([0-9]{2})Q([1-4])");

    public Quarter {
        if (q < 1 || q > 4) {
            throw new IllegalArgumentException("quarter must be 1-4, got " + q);
        }
    }

    /** Parses {@code YYYY-YYQn}; the message says the expected form when it does not match. */
    public static Quarter parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("quarter '" + text + "' is not of the form YYYY-YYQn, e.g. 2025-26Q4 (January-March 2026)");
        }
        int start = Integer.parseInt(m.group(1));
        int endTwo = Integer.parseInt(m.group(2));
        if ((start + 1) % 100 != endTwo) {
            throw new IllegalArgumentException("quarter '" + text + "': the financial year " + start + "-" + m.group(2)
                    + " does not exist; write " + start + "-" + String.format("%02d", (start + 1) % 100));
        }
        return new Quarter(start, Integer.parseInt(m.group(3)));
    }

    /** The quarter that contains a date. */
    public static Quarter containing(LocalDate date) {
        int month = date.getMonthValue();
        int fy = month >= 4 ? date.getYear() : date.getYear() - 1;
        int q = month >= 4 ? (month - 4) / 3 + 1 : 4;
        return new Quarter(fy, q);
    }

    public LocalDate start() {
        return LocalDate.of(fyStartYear, 4, 1).plusMonths(3L * (q - 1));
    }

    /** The last day of the quarter: the reference date features and scores are computed at. */
    public LocalDate end() {
        return start().plusMonths(3).minusDays(1);
    }

    /** First day of the financial year (1 April), where year-to-date counts start. */
    public LocalDate financialYearStart() {
        return LocalDate.of(fyStartYear, 4, 1);
    }

    public Quarter previous() {
        return q == 1 ? new Quarter(fyStartYear - 1, 4) : new Quarter(fyStartYear, q - 1);
    }

    public Quarter next() {
        return q == 4 ? new Quarter(fyStartYear + 1, 1) : new Quarter(fyStartYear, q + 1);
    }

    @Override
    public int compareTo(Quarter o) {
        return fyStartYear != o.fyStartYear ? Integer.compare(fyStartYear, o.fyStartYear) : Integer.compare(q, o.q);
    }

    @Override
    public String toString() {
        return String.format("%04d-%02dQ%d", fyStartYear, (fyStartYear + 1) % 100, q);
    }
}
