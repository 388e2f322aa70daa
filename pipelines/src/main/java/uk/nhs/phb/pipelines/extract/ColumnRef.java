package uk.nhs.phb.pipelines.extract;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column of a gold table as an extract names it: {@code table.column}, optionally {@code table.column as name}
 * to release it under another name.
 *
 * @param table  gold table ({@link PersonView#TABLES})
 * @param column column of that table
 * @param name   the released column's name
 */
public record ColumnRef(String table, String column, String name) {
    private static final Pattern FORM = Pattern.compile("([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)(?:\\s+as\\s+([a-z_][a-z0-9_]*))?");

    public ColumnRef {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        name = name == null ? column : name;
    }

    /**
     * Parses {@code table.column} or {@code table.column as name}.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static ColumnRef parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("column '" + text + "' is not of the form table.column or table.column as name "
                    + "(lower-case snake_case), e.g. risk_scores.risk_tier");
        }
        return new ColumnRef(m.group(1), m.group(2), m.group(3));
    }

    @Override
    public String toString() {
        return table + "." + column + (name.equals(column) ? "" : " as " + name);
    }
}
