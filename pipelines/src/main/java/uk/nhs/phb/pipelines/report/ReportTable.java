package uk.nhs.phb.pipelines.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One published table of the quarterly report: a file name, a title and a plain-words description, the column
 * names and the rows as published text (counts already suppressed and rounded, money and rates already
 * formatted). Every writer (CSV, XLSX, HTML) renders the same text, so the three agree cell for cell.
 *
 * @param name        file stem, e.g. {@code phb_return} (written as {@code phb_return.csv})
 * @param title       a heading for people
 * @param description what each row is and how its figures are defined
 * @param columns     column names (machine-readable, snake_case)
 * @param rows        each the values of one row, in column order
 */
public record ReportTable(String name, String title, String description, List<String> columns, List<List<String>> rows) {
    public ReportTable {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("table " + name + ": row " + r + " has " + r.size() + " values for " + columns.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(r)));
        }
        rows = Collections.unmodifiableList(copy);
    }

    /** The value in a row under a column. */
    public String value(List<String> row, String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("table " + name + " has no column " + column);
        }
        return row.get(i);
    }

    /** Rows whose columns hold the given values (pairs of column, value). */
    public List<List<String>> where(String... columnValuePairs) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : rows) {
            boolean ok = true;
            for (int i = 0; i < columnValuePairs.length; i += 2) {
                ok &= value(r, columnValuePairs[i]).equals(columnValuePairs[i + 1]);
            }
            if (ok) {
                out.add(r);
            }
        }
        return out;
    }

    /** A builder that collects rows. */
    public static Builder builder(String name, String title, String description, String... columns) {
        return new Builder(name, title, description, List.of(columns));
    }

    public static final class Builder {
        private final String name;
        private final String title;
        private final String description;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        Builder(String name, String title, String description, List<String> columns) {
            this.name = name;
            this.title = title;
            this.description = description;
            this.columns = columns;
        }

        public Builder row(Object... values) {
            List<String> r = new ArrayList<>();
            for (Object v : values) {
                r.add(v == null ? "" : v.toString());
            }
            rows.add(r);
            return this;
        }

        public ReportTable build() {
            return new ReportTable(name, title, description, columns, rows);
        }
    }
}
