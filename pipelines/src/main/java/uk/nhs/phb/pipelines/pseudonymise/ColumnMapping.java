package uk.nhs.phb.pipelines.pseudonymise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which column of a provider's file holds which identifier. Written as lines {@code role=column}
 * (blank lines and {@code #} comments ignored), e.g. {@code nhs_number=NHS_NO}. Every role is optional
 * but at least one must be given; {@code local_id} also needs {@code local_id_domain} (e.g. {@code la_person}),
 * which names the output column {@code <domain>_token}.
 */
public record ColumnMapping(Map<Role, String> columns, String localIdDomain) {

    /** The identifier roles a mapping can name. */
    public enum Role {
        NHS_NUMBER, GIVEN_NAME, FAMILY_NAME, DATE_OF_BIRTH, SEX, POSTCODE, LOCAL_ID;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ColumnMapping {
        columns = Collections.unmodifiableMap(new EnumMap<>(columns));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("the mapping names no identifier column; give lines like nhs_number=NHS_NO");
        }
        if (columns.containsKey(Role.LOCAL_ID) && (localIdDomain == null || !localIdDomain.matches("[a-z][a-z0-9_]*"))) {
            throw new IllegalArgumentException("local_id needs local_id_domain=NAME (snake_case), e.g. local_id_domain=la_person");
        }
    }

    /** Parses mapping text; all problems are reported together, each with its line number. */
    public static ColumnMapping parse(String text) {
        Map<Role, String> columns = new EnumMap<>(Role.class);
        String domain = null;
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
            if (role.equals("local_id_domain")) {
                domain = column;
                continue;
            }
            Role r = null;
            for (Role candidate : Role.values()) {
                if (candidate.key().equals(role)) {
                    r = candidate;
                }
            }
            if (r == null) {
                problems.add("line " + (i + 1) + ": unknown role '" + role + "' (roles: nhs_number, given_name, family_name, "
                        + "date_of_birth, sex, postcode, local_id, local_id_domain)");
            } else if (columns.put(r, column) != null) {
                problems.add("line " + (i + 1) + ": role '" + role + "' given twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new ColumnMapping(columns, domain);
    }

    /** The source columns this mapping reads (and removes from the output). */
    public List<String> sourceColumns() {
        return List.copyOf(columns.values());
    }
}
