package uk.nhs.phb.schemas;

import java.util.Objects;

/**
 * One field of a feed contract: its type, whether it must be present, and the checks a value must pass.
 *
 * @param name        column name, snake_case, as it appears in the landing file header
 * @param type        value type
 * @param required    a blank value breaks rule {@code missing_required}
 * @param description one line for docs/FEEDS.md
 * @param codeList    name of a code list resource ({@link CodeLists}); a value outside it breaks {@code unknown_code}
 * @param pattern     Java regex the whole value must match, else {@code bad_format}
 * @param min         inclusive lower bound for numbers, else {@code out_of_range}
 * @param max         inclusive upper bound for numbers, else {@code out_of_range}
 * @param notFuture   for dates: a value after the extract date breaks {@code future_date}
 * @param whenAbsent  for an optional field: a file may leave the column out, and then each row gets this Spark SQL
 *                    expression over the row's other fields (null: the column must be in the header)
 * @param unknownAs   for a coded field: a value outside the code list keeps its row with this code (which the list
 *                    holds), and is counted per value in the data-quality summary (null: the row is quarantined as
 *                    {@code unknown_code})
 * @param canonical   for a string field: the Spark SQL expression (over the field's own name) that a valid value is
 *                    stored as, so the forms a code arrives in ({@code J18.9}, {@code J189}) are one value in the lake
 *                    (null: stored as sent, trimmed)
 */
public record FieldSpec(
        String name,
        FieldType type,
        boolean required,
        String description,
        String codeList,
        String pattern,
        Double min,
        Double max,
        boolean notFuture,
        String whenAbsent,
        String unknownAs,
        String canonical) {

    public FieldSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("field name must be snake_case: '" + name + "'");
        }
        if (whenAbsent != null && required) {
            throw new IllegalArgumentException("a required field cannot be left out of a file: '" + name + "'");
        }
        if (unknownAs != null && codeList == null) {
            throw new IllegalArgumentException("unknownAs needs a code list: '" + name + "'");
        }
        if (canonical != null && type != FieldType.STRING) {
            throw new IllegalArgumentException("a canonical form is for string fields: '" + name + "'");
        }
        if (codeList != null && type != FieldType.STRING) {
            throw new IllegalArgumentException("code list on non-string field '" + name + "'");
        }
    }

    public static Builder required(String name, FieldType type, String description) {
        return new Builder(name, type, true, description);
    }

    public static Builder optional(String name, FieldType type, String description) {
        return new Builder(name, type, false, description);
    }

    /** Fluent construction so contracts read as a list of fields. */
    public static final class Builder {
        private final String name;
        private final FieldType type;
        private final boolean required;
        private final String description;
        private String codeList;
        private String pattern;
        private Double min;
        private Double max;
        private boolean notFuture;
        private String whenAbsent;
        private String unknownAs;
        private String canonical;

        private Builder(String name, FieldType type, boolean required, String description) {
            this.name = name;
            this.type = type;
            this.required = required;
            this.description = description;
        }

        public Builder codes(String list) {
            this.codeList = list;
            return this;
        }

        public Builder pattern(String regex) {
            this.pattern = regex;
            return this;
        }

        public Builder range(double min, double max) {
            this.min = min;
            this.max = max;
            return this;
        }

        public Builder min(double min) {
            this.min = min;
            return this;
        }

        public Builder notFuture() {
            this.notFuture = true;
            return this;
        }

        /** The column may be left out of a file; each row then gets {@code sqlExpression} over its other fields. */
        public Builder whenAbsent(String sqlExpression) {
            this.whenAbsent = sqlExpression;
            return this;
        }

        /** A value outside the code list keeps its row as {@code code} and is counted (rather than quarantined). */
        public Builder unknownAs(String code) {
            this.unknownAs = code;
            return this;
        }

        /** A valid value is stored as {@code sqlExpression} over the field's own name (one form for every way it arrives). */
        public Builder canonical(String sqlExpression) {
            this.canonical = sqlExpression;
            return this;
        }

        public FieldSpec build() {
            return new FieldSpec(name, type, required, description, codeList, pattern, min, max, notFuture, whenAbsent, unknownAs,
                    canonical);
        }
    }
}
