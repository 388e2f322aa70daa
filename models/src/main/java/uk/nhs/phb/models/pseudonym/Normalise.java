package uk.nhs.phb.models.pseudonym;

import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;

/** Normalisation applied before encoding, identical for every provider so encodings can agree. */
public final class Normalise {
    private Normalise() {
    }

    /** Upper case, accents removed, letters only (spaces, hyphens and apostrophes dropped). Null when empty. */
    public static String name(String raw) {
        if (raw == null) {
            return null;
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        s = s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
        return s.isEmpty() ? null : s;
    }

    /** Upper case with no spaces; null unless it looks like a UK postcode. */
    public static String postcode(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.toUpperCase(Locale.ROOT).replaceAll("\\s", "");
        return s.matches("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}") ? s : null;
    }

    /** The outward code (district) of a normalised postcode: everything before the last three characters. */
    public static String postcodeDistrict(String normalisedPostcode) {
        return normalisedPostcode == null ? null : normalisedPostcode.substring(0, normalisedPostcode.length() - 3);
    }

    /** Maps common sex codes and words to the NHS data dictionary codes 1, 2, 9, 0. */
    public static String sex(String raw) {
        if (raw == null) {
            return "0";
        }
        return switch (raw.strip().toUpperCase(Locale.ROOT)) {
            case "1", "M", "MALE" -> "1";
            case "2", "F", "FEMALE" -> "2";
            case "9", "X", "I", "INDETERMINATE", "NOT SPECIFIED" -> "9";
            default -> "0";
        };
    }

    /** Parses ISO (yyyy-MM-dd) or UK (dd/MM/yyyy) dates; null when neither. */
    public static LocalDate date(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.strip();
        try {
            if (s.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(s);
            }
            if (s.matches("[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")) {
                String[] p = s.split("/");
                return LocalDate.of(Integer.parseInt(p[2]), Integer.parseInt(p[1]), Integer.parseInt(p[0]));
            }
        } catch (java.time.DateTimeException e) {
            return null;
        }
        return null;
    }
}
