package uk.nhs.phb.jobs.audit.disclosure;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Published text read back as numbers: thousands separators, a pound sign and a per-cent sign are allowed. */
final class Numbers {
    private static final Pattern NUMBER = Pattern.compile("^\\s*(-?)\\s*£?\\s*(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.([0-9]+))?\\s*(%?)\\s*$");

    /** A printed number: its value, how many decimals it was printed with, and whether it ended in {@code %}. */
    record Printed(BigDecimal value, int decimals, boolean percent) {
        /** Half a unit of the last printed decimal: the rounding the value may carry. */
        double halfUnit() {
            return 0.5 * Math.pow(10, -decimals);
        }

        boolean whole() {
            return decimals == 0;
        }
    }

    private Numbers() {
    }

    /** The number printed in {@code text}, or null when it is not one ({@code *}, blank, a word). */
    static Printed parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = NUMBER.matcher(text);
        if (!m.matches()) {
            return null;
        }
        boolean negative = !m.group(1).isEmpty() || !m.group(2).isEmpty();
        String digits = m.group(3).replace(",", "");
        String frac = m.group(4);
        BigDecimal v = new BigDecimal(digits + (frac == null ? "" : "." + frac));
        return new Printed(negative ? v.negate() : v, frac == null ? 0 : frac.length(), !m.group(5).isEmpty());
    }

    /** Whether the text is the mark of a hidden figure. */
    static boolean hidden(String text) {
        return text != null && text.trim().equals("*");
    }
}
