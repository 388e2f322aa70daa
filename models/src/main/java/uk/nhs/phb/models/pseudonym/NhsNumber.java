package uk.nhs.phb.models.pseudonym;

/** NHS number rules: ten digits, the last a modulus-11 check digit (NHS Data Dictionary). */
public final class NhsNumber {
    private NhsNumber() {
    }

    /** Strips spaces and dashes; returns null when what remains is not ten digits. */
    public static String normalise(String raw) {
        if (raw == null) {
            return null;
        }
        String digits = raw.replace(" ", "").replace("-", "").strip();
        return digits.matches("[0-9]{10}") ? digits : null;
    }

    /** True when the value is ten digits with a correct modulus-11 check digit. */
    public static boolean isValid(String raw) {
        String n = normalise(raw);
        if (n == null) {
            return false;
        }
        int check = checkDigit(n.substring(0, 9));
        return check >= 0 && check == n.charAt(9) - '0';
    }

    /**
     * The check digit for nine leading digits, or -1 when no valid number starts with them (remainder gives
     * 10). Weights 10..2; check = 11 - (sum mod 11), with 11 mapped to 0.
     */
    public static int checkDigit(String nineDigits) {
        if (nineDigits.length() != 9) {
            throw new IllegalArgumentException("need nine digits, got " + nineDigits.length());
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nineDigits.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            return 0;
        }
        return check == 10 ? -1 : check;
    }
}
