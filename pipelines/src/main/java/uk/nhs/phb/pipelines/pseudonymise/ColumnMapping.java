package uk.nhs.phb.pipelines.pseudonymise;

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
        Map<String, String> lines = uk.nhs.phb.pipelines.RoleColumnLines.parse(text,
                role -> role.equals("local_id_domain") || java.util.Arrays.stream(Role.values()).anyMatch(r -> r.key().equals(role)),
                "nhs_number, given_name, family_name, date_of_birth, sex, postcode, local_id, local_id_domain");
        Map<Role, String> columns = new EnumMap<>(Role.class);
        for (Role r : Role.values()) {
            if (lines.containsKey(r.key())) {
                columns.put(r, lines.get(r.key()));
            }
        }
        return new ColumnMapping(columns, lines.get("local_id_domain"));
    }

    /** The source columns this mapping reads (and removes from the output). */
    public List<String> sourceColumns() {
        return List.copyOf(columns.values());
    }
}
