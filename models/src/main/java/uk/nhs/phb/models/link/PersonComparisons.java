package uk.nhs.phb.models.link;

import java.util.List;

/**
 * The comparisons phb links people with, over the pseudonymised identity block of the feeds. Composite
 * fields are passed as {@code |}-joined values (see {@link #values}).
 *
 * <ul>
 *   <li>{@code name}: Dice of the Bloom encodings, levels >= 0.95, >= 0.85, >= 0.70, else;</li>
 *   <li>{@code dob}: exact date; day and month swapped; same year and month; same year; else;</li>
 *   <li>{@code sex}: same, else (codes 0 not known and 9 not specified count as missing);</li>
 *   <li>{@code postcode}: same postcode; same district; else.</li>
 * </ul>
 */
public final class PersonComparisons {
    public static final int NAME = 0;
    public static final int DOB = 1;
    public static final int SEX = 2;
    public static final int POSTCODE = 3;

    private PersonComparisons() {
    }

    public static ComparisonVector standard() {
        return new ComparisonVector(List.of(
                Comparison.dice("name", 0.95, 0.85, 0.70),
                new Comparison("dob", List.of("exact", "day_month_swapped", "year_month", "year", "else"),
                        PersonComparisons::dobLevel),
                Comparison.exact("sex"),
                new Comparison("postcode", List.of("full", "district", "else"), PersonComparisons::postcodeLevel)));
    }

    /**
     * The comparison inputs of one record, aligned with {@link #standard()}; a composite is null when all of
     * its parts are.
     */
    public static String[] values(String nameBloom, String dobToken, String dobDmToken, String dobYmToken, Integer birthYear,
                                  String sex, String postcodeToken, String postcodeDistrictToken) {
        String dob = dobToken == null && dobDmToken == null && dobYmToken == null && birthYear == null ? null
                : nz(dobToken) + "|" + nz(dobDmToken) + "|" + nz(dobYmToken) + "|" + (birthYear == null ? "" : birthYear);
        String pc = postcodeToken == null && postcodeDistrictToken == null ? null : nz(postcodeToken) + "|" + nz(postcodeDistrictToken);
        String s = sex == null || sex.equals("0") || sex.equals("9") ? null : sex;
        return new String[] {nameBloom, dob, s, pc};
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static int dobLevel(String a, String b) {
        String[] x = a.split("\\|", -1);
        String[] y = b.split("\\|", -1);
        if (agree(x[0], y[0])) {
            return 0;
        }
        if (agree(x[1], y[1])) {
            return 1;
        }
        if (agree(x[2], y[2])) {
            return 2;
        }
        return agree(x[3], y[3]) ? 3 : 4;
    }

    private static int postcodeLevel(String a, String b) {
        String[] x = a.split("\\|", -1);
        String[] y = b.split("\\|", -1);
        if (agree(x[0], y[0])) {
            return 0;
        }
        return agree(x[1], y[1]) ? 1 : 2;
    }

    private static boolean agree(String a, String b) {
        return !a.isEmpty() && a.equals(b);
    }
}
