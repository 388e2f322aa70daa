package uk.nhs.phb.pipelines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The mapping files analysts write for phb: one {@code role=column} line each, blank lines and {@code #}
 * comments ignored, roles case-insensitive. Every problem is reported at once, each with its line number.
 */
public final class RoleColumnLines {
    private RoleColumnLines() {
    }

    /**
     * @param knownRole which (lower-case) roles are allowed
     * @param roles     the allowed roles as the error message should list them
     * @return role -> column, in file order
     */
    public static Map<String, String> parse(String text, Predicate<String> knownRole, String roles) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                problems.add("line " + (i + 1) + ": '" + line + "' is not role=column");
                continue;
            }
            String role = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String column = line.substring(eq + 1).strip();
            if (!knownRole.test(role)) {
                problems.add("line " + (i + 1) + ": unknown role '" + role + "' (roles: " + roles + ")");
            } else if (out.put(role, column) != null) {
                problems.add("line " + (i + 1) + ": role '" + role + "' given twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return out;
    }
}
