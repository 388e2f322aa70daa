package uk.nhs.phb.jobs.audit.disclosure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.Knowledge;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.TableLayout;
import uk.nhs.phb.jobs.audit.disclosure.PublishedFiles.Table;

/**
 * Published folders read through the layouts: each CSV table by its name, each XLSX sheet and HTML table as a copy
 * of the CSV table it repeats, each figure a page addresses by its address; what no layout describes is listed.
 */
final class Publications {
    private final Knowledge knowledge;
    /** Tables with figures that no layout describes, and files of kinds not read, by folder and file. */
    final List<String> unread = new ArrayList<>();
    final List<String> notRead = new ArrayList<>();
    int files;
    int tables;

    Publications(Knowledge knowledge) {
        this.knowledge = knowledge;
    }

    /**
     * A folder's tables matched to their layouts, with the scope its manifest names ({@code Knowledge.scopeKeys}),
     * its JSON files, and its person-level record files (streamed later, never held).
     */
    record Publication(Path folder, Map<String, String> scopeValues, List<Matched> tables, List<Table> json, List<Path> records) {
    }

    /** A table of a file read through a layout: {@code columns} are the layout's (CSV) column names. */
    record Matched(Table table, TableLayout layout, List<String> columns, List<List<String>> rows) {
        String value(List<String> row, String column) {
            int i = columns.indexOf(column);
            return i < 0 || i >= row.size() ? null : row.get(i);
        }

        /** Whether a row's values match every regular expression of {@code where}, collecting their groups. */
        boolean where(List<String> row, Map<String, String> where, List<String> groups) {
            for (Map.Entry<String, String> e : where.entrySet()) {
                String v = value(row, e.getKey());
                Matcher x = v == null ? null : Pattern.compile(e.getValue()).matcher(v);
                if (x == null || !x.matches()) {
                    return false;
                }
                for (int g = 1; g <= x.groupCount(); g++) {
                    groups.add(x.group(g));
                }
            }
            return true;
        }

        /** Whether a row has every value of {@code where} (column -> value). */
        boolean matches(List<String> row, Map<String, String> where) {
            for (Map.Entry<String, String> e : where.entrySet()) {
                if (!e.getValue().equals(value(row, e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        /** A template with {@code ${1}} as a group of a {@code where} expression and {@code ${column}} as the row's value. */
        String fill(String template, List<String> row, List<String> groups) {
            String out = template;
            for (int g = 0; g < groups.size(); g++) {
                out = out.replace("${" + (g + 1) + "}", groups.get(g));
            }
            Matcher x = Pattern.compile("\\$\\{([a-z_0-9]+)}").matcher(out);
            StringBuilder b = new StringBuilder();
            while (x.find()) {
                String v = value(row, x.group(1));
                x.appendReplacement(b, Matcher.quoteReplacement(v == null ? "" : v));
            }
            x.appendTail(b);
            return b.toString();
        }
    }

    /** Reads every file of {@code folder} and matches each table to the layout that describes it. */
    Publication read(Path folder) {
        List<String> skipped = new ArrayList<>();
        List<Path> records = new ArrayList<>();
        List<Table> all = PublishedFiles.read(folder, skipped, records);
        files += records.size();
        files += (int) all.stream().map(Table::file).distinct().count();
        skipped.forEach(f -> notRead.add(folder.getFileName() + "/" + f));
        tables += all.size();
        Map<String, String> scopeValues = new TreeMap<>();
        for (Table t : all) {
            if (t.format().equals("json")) {
                for (List<String> r : t.rows()) {
                    if (knowledge.scopeKeys().contains(r.get(0))) {
                        scopeValues.put(r.get(0), r.get(1));
                    }
                }
            }
        }
        Map<String, Table> csvByName = new LinkedHashMap<>();
        for (Table t : all) {
            if (t.format().equals("csv")) {
                csvByName.put(t.name(), t);
            }
        }
        List<Matched> matched = new ArrayList<>();
        for (Table t : all) {
            if (t.name().equals(PublishedFiles.ADDRESSED)) {
                matched.addAll(addressed(t, folder));
                continue;
            }
            Matched m = match(t, csvByName, all);
            if (m != null) {
                matched.add(m);
            } else if (!t.format().equals("json") && t.rows().stream().flatMap(List::stream).anyMatch(PublishedFiles::numeric)) {
                unread.add(folder.getFileName() + "/" + t.file() + (t.format().equals("csv") ? "" : ":" + t.name()));
            }
        }
        return new Publication(folder, scopeValues, matched, all.stream().filter(t -> t.format().equals("json")).toList(), records);
    }

    /** Each figure a page addresses ({@code table|key values|column}) as a one-row table of its layout. */
    private List<Matched> addressed(Table t, Path folder) {
        List<Matched> out = new ArrayList<>();
        for (List<String> r : t.rows()) {
            String[] a = r.get(0).split("\\|", -1);
            TableLayout l = a.length == 3 ? knowledge.table(a[0]) : null;
            List<String> key = a.length == 3 ? List.of(a[1].split("/", -1)) : List.of();
            if (l == null || key.size() != l.keys().size()) {
                unread.add(folder.getFileName() + "/" + t.file() + ":" + r.get(0));
                continue;
            }
            List<String> columns = new ArrayList<>(l.keys());
            columns.add(a[2]);
            List<String> row = new ArrayList<>(key);
            row.add(r.get(1));
            out.add(new Matched(t, l, columns, List.of(row)));
        }
        return out;
    }

    private Matched match(Table t, Map<String, Table> csvByName, List<Table> all) {
        if (t.format().equals("json")) {
            return null;
        }
        if (t.format().equals("csv")) {
            TableLayout l = knowledge.table(t.name());
            if (l == null) {
                l = knowledge.twoWay(t.name(), t.columns());
            }
            return l == null ? null : new Matched(t, l, t.columns(), t.rows());
        }
        // a sheet or HTML table: by its name, else by the CSV table with the same header, else by its label rows
        TableLayout l = knowledge.table(t.name());
        if (l == null && t.format().equals("xlsx")) {
            for (TableLayout x : knowledge.tables()) {
                if (x.name().length() > 31 && x.name().startsWith(t.name())) {
                    l = x;
                }
            }
        }
        if (l == null) {
            for (Table c : csvByName.values()) {
                if (c.columns().equals(t.columns()) && knowledge.table(c.name()) != null) {
                    l = knowledge.table(c.name());
                }
            }
        }
        if (l == null && t.format().equals("html")) {
            return labelRows(t, csvByName);
        }
        if (l == null) {
            return null;
        }
        Table csv = csvByName.get(l.name());
        List<String> columns = t.columns();
        if (csv != null && !csv.columns().equals(columns) && csv.columns().size() == columns.size()) {
            columns = csv.columns(); // the same table with readable headings: columns by position
        }
        return new Matched(t, l, columns, t.rows());
    }

    /** An HTML table of label and value rows about the group its heading names, matched to that group's CSV row. */
    private Matched labelRows(Table t, Map<String, Table> csvByName) {
        for (TableLayout l : knowledge.tables()) {
            if (l.labelRows().isEmpty() || l.headingColumn() == null || !l.labelRows().keySet().containsAll(t.columns())) {
                continue;
            }
            Table csv = csvByName.get(l.name());
            if (csv == null) {
                continue;
            }
            int hc = csv.columns().indexOf(l.headingColumn());
            for (List<String> r : csv.rows()) {
                if (hc >= 0 && r.get(hc).equals(t.heading())) {
                    List<String> row = new ArrayList<>(r);
                    for (int c = 0; c < row.size(); c++) {
                        row.set(c, l.keys().contains(csv.columns().get(c)) ? r.get(c) : "");
                    }
                    for (int i = 0; i < t.columns().size(); i++) {
                        row.set(csv.columns().indexOf(l.labelRows().get(t.columns().get(i))), t.rows().get(0).get(i));
                    }
                    return new Matched(t, l, csv.columns(), List.of(row));
                }
            }
        }
        return null;
    }
}
