package uk.nhs.phb.jobs.audit.disclosure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.schemas.Csv;

/**
 * Reads every file of a published folder as an outsider would: each CSV file, each XLSX sheet and each HTML table
 * as a table of text, and each JSON file as a table of {@code key, value} leaves (nested keys joined by dots).
 */
final class PublishedFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The name of the table of figures a page addresses one by one ({@code data-cell="table|key values|column"}): a
     * rearranged copy of a CSV table, each figure saying where it stands there.
     */
    static final String ADDRESSED = "#cells";

    /** One table of a published file, as text. {@code heading} is the HTML heading or XLSX title above it. */
    record Table(String file, String format, String name, String heading, List<String> columns, List<List<String>> rows) {
    }

    private PublishedFiles() {
    }

    /**
     * Every table of every file in {@code folder}; files of other kinds are listed in {@code skipped}, and CSV files of
     * person-level records (under a {@code data} folder) in {@code records}, to be streamed rather than held.
     */
    static List<Table> read(Path folder, List<String> skipped, List<Path> records) {
        if (!Files.isDirectory(folder)) {
            throw new InputException(folder + " is not a folder: give the folder a publication was written to (a report, statement or extract)");
        }
        List<Table> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder, 3)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String name = folder.relativize(f).toString();
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            try {
                List<Table> read = new ArrayList<>();
                if (lower.endsWith(".csv") && name.replace('\\', '/').matches("(.*/)?data/[^/]+")) {
                    records.add(f);
                } else if (lower.endsWith(".csv")) {
                    read.add(csv(f));
                } else if (lower.endsWith(".xlsx")) {
                    read.addAll(xlsx(f));
                } else if (lower.endsWith(".html") || lower.endsWith(".htm")) {
                    read.addAll(html(f));
                } else if (lower.endsWith(".json")) {
                    read.add(json(f));
                } else {
                    skipped.add(name);
                }
                for (Table t : read) {
                    out.add(new Table(name, t.format(), t.name(), t.heading(), t.columns(), t.rows()));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof InputException ie) {
                    throw ie;
                }
                throw new InputException("cannot read " + f + " as a published " + lower.substring(lower.lastIndexOf('.') + 1)
                        + " file: " + e.getMessage(), e);
            }
        }
        return out;
    }

    static Table csv(Path f) throws IOException {
        List<List<String>> header = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        Csv.stream(f.toString(), Files.newBufferedReader(f, StandardCharsets.UTF_8), header::add, rows::add);
        String file = f.getFileName().toString();
        return new Table(file, "csv", file.substring(0, file.length() - 4), "", header.isEmpty() ? List.of() : List.copyOf(header.get(0)),
                rows);
    }

    /**
     * One table per sheet: the header is the first row of the sheet's full width whose cells are all text; the rows
     * above it (a title, a description) are its heading.
     */
    static List<Table> xlsx(Path f) throws IOException {
        List<Table> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(f); ReadableWorkbook wb = new ReadableWorkbook(in)) {
            for (Sheet sheet : wb.getSheets().toList()) {
                List<List<String>> grid = new ArrayList<>();
                try (Stream<Row> rows = sheet.openStream()) {
                    rows.forEach(r -> {
                        while (grid.size() < r.getRowNum() - 1) {
                            grid.add(List.of());
                        }
                        List<String> cells = new ArrayList<>();
                        for (int c = 0; c < r.getCellCount(); c++) {
                            cells.add(r.getCellText(c));
                        }
                        grid.add(cells);
                    });
                }
                out.add(gridTable(f.getFileName().toString(), "xlsx", sheet.getName(), grid));
            }
        }
        return out;
    }

    private static Table gridTable(String file, String format, String name, List<List<String>> grid) {
        int width = 0;
        for (List<String> r : grid) {
            width = Math.max(width, nonEmpty(r));
        }
        int header = -1;
        for (int i = 0; i < grid.size() && header < 0; i++) {
            List<String> r = grid.get(i);
            if (nonEmpty(r) == width && width > 1 && r.stream().filter(v -> v != null && !v.isBlank()).noneMatch(PublishedFiles::numeric)) {
                header = i;
            }
        }
        StringBuilder heading = new StringBuilder();
        for (int i = 0; i < Math.max(header, 0); i++) {
            heading.append(String.join(" ", grid.get(i).stream().map(v -> v == null ? "" : v).toList()).trim()).append(' ');
        }
        List<String> columns = header < 0 ? List.of() : trimmed(grid.get(header), width);
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 1; i < grid.size(); i++) {
            if (nonEmpty(grid.get(i)) > 0) {
                rows.add(trimmed(grid.get(i), width));
            }
        }
        return new Table(file, format, name, heading.toString().trim(), columns, rows);
    }

    /**
     * One table per HTML {@code <table>}: its {@code data-table} attribute (or caption) names it; header cells are
     * the first row's. A table of label and value rows ({@code <th>} then {@code <td>}) becomes one row, its labels
     * the columns. The nearest heading before the table is kept: it tells which group a table of values is about.
     * Figures a table addresses one by one go, from every such table, into one table {@link #ADDRESSED}.
     */
    static List<Table> html(Path f) throws IOException {
        Document doc = Jsoup.parse(f.toFile(), "UTF-8");
        List<Table> out = new ArrayList<>();
        String file = f.getFileName().toString();
        List<List<String>> addressed = new ArrayList<>();
        for (Element t : doc.select("table")) {
            if (!t.select("[data-cell]").isEmpty()) {
                for (Element c : t.select("[data-cell]")) {
                    addressed.add(List.of(c.attr("data-cell"), c.text()));
                }
                continue;
            }
            Element caption = t.selectFirst("caption");
            String name = t.hasAttr("data-table") ? t.attr("data-table") : caption != null ? caption.text() : "";
            String heading = heading(t);
            List<List<String>> grid = new ArrayList<>();
            for (Element tr : t.select("tr")) {
                grid.add(tr.select("th, td").eachText());
            }
            if (!grid.isEmpty() && grid.stream().allMatch(r -> r.size() == 2) && t.select("thead").isEmpty()) {
                List<String> labels = grid.stream().map(r -> r.get(0)).toList();
                List<String> values = grid.stream().map(r -> r.get(1)).toList();
                out.add(new Table(file, "html", name, heading, labels, List.of(values)));
            } else if (!grid.isEmpty()) {
                out.add(new Table(file, "html", name, heading, grid.get(0), grid.subList(1, grid.size())));
            }
        }
        if (!addressed.isEmpty()) {
            out.add(new Table(file, "html", ADDRESSED, "", List.of("cell", "value"), addressed));
        }
        return out;
    }

    private static String heading(Element table) {
        for (Element e = previous(table); e != null; e = previous(e)) {
            if (e.is("h1, h2, h3")) {
                return e.text();
            }
            Element inner = e.select("h1, h2, h3").last();
            if (inner != null) {
                return inner.text();
            }
        }
        return "";
    }

    private static Element previous(Element e) {
        Element p = e.previousElementSibling();
        if (p != null) {
            return p;
        }
        Element parent = e.parent();
        return parent == null || parent.is("body") ? null : previous(parent);
    }

    /** A JSON file's leaves as {@code key, value} rows; arrays index their elements ({@code files.3.rows}). */
    static Table json(Path f) throws IOException {
        JsonNode root = JSON.readTree(f.toFile());
        List<List<String>> rows = new ArrayList<>();
        leaves("", root, rows);
        String file = f.getFileName().toString();
        return new Table(file, "json", file.substring(0, file.length() - 5), "", List.of("key", "value"), rows);
    }

    private static void leaves(String prefix, JsonNode n, List<List<String>> rows) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), rows);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                leaves(prefix + "." + i, n.get(i), rows);
            }
        } else if (!n.isNull()) {
            rows.add(List.of(prefix, n.asText()));
        }
    }

    private static int nonEmpty(List<String> r) {
        int n = 0;
        for (String v : r) {
            if (v != null && !v.isBlank()) {
                n++;
            }
        }
        return n;
    }

    private static List<String> trimmed(List<String> r, int width) {
        List<String> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            out.add(i < r.size() && r.get(i) != null ? r.get(i) : "");
        }
        return out;
    }

    /** Whether a printed value is a number: digits with separators, a sign, a decimal point, {@code £} or {@code %}. */
    static boolean numeric(String v) {
        return Numbers.parse(v) != null;
    }
}
