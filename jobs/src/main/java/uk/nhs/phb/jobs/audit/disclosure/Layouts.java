package uk.nhs.phb.jobs.audit.disclosure;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import uk.nhs.phb.jobs.InputException;

/**
 * What the attacker knows of phb's publications: what an outsider reads in the published documentation
 * (docs/REPORTS.md, docs/BUDGETS.md, docs/EXTRACTS.md), written down as data. For each table: which columns name
 * a row, which hold counts of people, which lines add up to a total, which figures are shares or means of which
 * counts; and which keys of a publication's JSON manifest are which counts. Nothing here is read from the code
 * that publishes (so the attack is independent of {@code SmallNumbers}).
 */
final class Layouts {
    static final String TOTAL = "total";
    static final String RESOURCE = "/uk/nhs/phb/jobs/audit/disclosure/publication_layouts.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The rule the publications state: counts {@code 1..hiddenUpTo} hidden, others rounded to {@code roundedTo}. */
    @JsonIgnoreProperties({"source"})
    record Knowledge(Rule rule, List<String> scopeKeys, List<TableLayout> tables, List<ManifestCell> manifest) {
        Knowledge {
            scopeKeys = scopeKeys == null ? List.of() : List.copyOf(scopeKeys);
            tables = List.copyOf(tables);
            manifest = manifest == null ? List.of() : List.copyOf(manifest);
        }

        TableLayout table(String name) {
            for (TableLayout t : tables) {
                if (!t.twoWay() && (t.name().equals(name) || t.aliases().contains(name))) {
                    return t;
                }
            }
            return null;
        }

        /**
         * The layout of a table named by another (a manifest key, a reference): a described table, else the two-way
         * layout whose pattern the name matches (its row column unknown until the table is read); null when neither.
         */
        TableLayout named(String name) {
            TableLayout t = table(name);
            return t != null ? t : twoWay(name, List.of("", TOTAL));
        }

        /** The two-way layout whose name pattern matches a table of these columns, made concrete for them; or null. */
        TableLayout twoWay(String name, List<String> columns) {
            if (columns.size() < 2 || !columns.get(columns.size() - 1).equals(TOTAL)) {
                return null;
            }
            for (TableLayout t : tables) {
                if (t.twoWay() && name.matches(t.name())) {
                    String rows = columns.get(0);
                    return new TableLayout(name, List.of(), List.of(rows), t.scope(), columns.subList(1, columns.size()), TOTAL, Map.of(),
                            List.of(), List.of(new Line(List.of(), Map.of(rows, TOTAL), null, null, false, null)), List.of(), t.same(), Map.of(), null,
                            t.scopeSum(), false);
                }
            }
            return null;
        }
    }

    record Rule(int hiddenUpTo, int roundedTo) {
    }

    /**
     * @param name       the CSV file stem (and XLSX sheet name, cut to 31 characters)
     * @param aliases    other names of the same table (an HTML caption)
     * @param keys       the columns that name a row
     * @param scope      the manifest keys ({@code scopeKeys}) that a row of this table depends on besides its own
     *                   columns: {@code quarter} and {@code org} for a table with neither column
     * @param counts     columns holding counts of people (or events)
     * @param columnTotal the count column that is the sum of the row's other count columns, if any
     * @param countUnless rows whose count columns hold something else (column -> values), e.g. money rows of the return
     * @param money      columns of money in pounds
     * @param lines      additive lines
     * @param shares     shares, means and ratios
     * @param same       counts that are another table's count under another name
     * @param labelRows  for HTML tables of label and value rows: label -> column, with the row found by the table's heading
     * @param headingColumn the column whose value an HTML heading names
     * @param scopeSum   whether a count over a whole ICB is the sum of its Sub-ICBs' (the population split by area)
     * @param twoWay     a two-way table of counts with a {@code total} column and a {@code total} row, whatever its
     *                   categories: the first column names the row, every other column is a count; {@code name} is then a
     *                   regular expression for the tables it describes
     */
    @JsonIgnoreProperties({"about"})
    record TableLayout(String name, List<String> aliases, List<String> keys, List<String> scope, List<String> counts, String columnTotal,
                       Map<String, List<String>> countUnless, List<String> money, List<Line> lines, List<Share> shares, List<Same> same,
                       Map<String, String> labelRows, String headingColumn, boolean scopeSum, boolean twoWay) {
        TableLayout {
            Objects.requireNonNull(name, "a table layout needs a name");
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            keys = keys == null ? List.of() : List.copyOf(keys);
            scope = scope == null ? List.of() : List.copyOf(scope);
            same = same == null ? List.of() : List.copyOf(same);
            counts = counts == null ? List.of() : List.copyOf(counts);
            countUnless = countUnless == null ? Map.of() : Map.copyOf(countUnless);
            money = money == null ? List.of() : List.copyOf(money);
            lines = lines == null ? List.of() : List.copyOf(lines);
            shares = shares == null ? List.of() : List.copyOf(shares);
            labelRows = labelRows == null ? Map.of() : Map.copyOf(labelRows);
        }
    }

    /**
     * Rows grouped by {@code within}; in each group the row matching {@code total} is the total of the other rows,
     * split into one line per value of {@code partsBy} when given. {@code atLeast}: the parts may not cover the total.
     * {@code partsWhere}: only rows matching these (column -> value) are parts. {@code columns}: the count and money
     * columns that add up along the line (default all of them).
     */
    @JsonIgnoreProperties({"about"})
    record Line(List<String> within, Map<String, String> total, String partsBy, Map<String, String> partsWhere, boolean atLeast,
                List<String> columns) {
        Line {
            within = within == null ? List.of() : List.copyOf(within);
            columns = columns == null ? null : List.copyOf(columns);
            total = Map.copyOf(total);
            partsWhere = partsWhere == null ? Map.of() : Map.copyOf(partsWhere);
        }
    }

    /** In rows matching {@code where}, column {@code column} is the count {@code as}. */
    record Same(String column, Map<String, String> where, CellRef as) {
        Same {
            where = where == null ? Map.of() : Map.copyOf(where);
        }
    }

    /**
     * A figure of column {@code column} is {@code numerator / denominator} (times {@code per}: 100 for a percentage), known to
     * its printed precision, in rows whose key columns match {@code where} (column -> regular expression). A missing
     * numerator is a count the publication does not print (people with an attribute): a cell of its own, and when
     * {@code binary} its complement (denominator minus numerator) is a count too. {@code perPerson}: the figure is
     * money per person ({@code numerator} money, {@code denominator} people).
     */
    @JsonIgnoreProperties({"about"})
    record Share(String column, Double per, Map<String, String> where, CellRef numerator, CellRef denominator, boolean binary,
                 boolean perPerson) {
        Share {
            per = per == null ? 1.0 : per;
            where = where == null ? Map.of() : Map.copyOf(where);
            Objects.requireNonNull(denominator, "a share needs a denominator");
        }
    }

    /**
     * A cell: of {@code table} (default the same), in the row whose key values are {@code row} (templates:
     * {@code ${column}} is the current row's value, {@code ${1}} a group of the {@code where} expression; default the
     * same row), in {@code column}.
     */
    record CellRef(String table, List<String> row, String column) {
        CellRef {
            row = row == null ? null : List.copyOf(row);
            Objects.requireNonNull(column, "a cell reference needs a column");
        }
    }

    /** A count a JSON manifest names by its key (dots between levels), in manifests whose other keys have the values {@code when}. */
    record ManifestCell(String key, CellRef cell, Map<String, String> when) {
        ManifestCell {
            when = when == null ? Map.of() : Map.copyOf(when);
        }
    }

    private Layouts() {
    }

    /** The layouts shipped with phb, or those of {@code file} (a changed publication, a local one). */
    static Knowledge load(Path file) {
        try (InputStream in = file == null ? Layouts.class.getResourceAsStream(RESOURCE) : Files.newInputStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return JSON.readValue(in, Knowledge.class);
        } catch (IOException e) {
            throw new InputException("cannot read the publication layouts " + (file == null ? RESOURCE : file) + ": " + e.getMessage(), e);
        }
    }
}
