package uk.nhs.phb.jobs.pages;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one way phb makes an HTML page: a Pebble template on the classpath, rendered by one engine that escapes every
 * value for HTML (autoescaping on) and refuses a name the page was not given (strict variables), so no text from the
 * lake can become markup and a misspelt field fails the build's tests instead of printing nothing. Pages extend
 * {@code layout.html.peb}, which carries the one stylesheet; charts come from {@link Charts}.
 */
public final class Pages {
    /** Where the pages' templates are, on the classpath. */
    public static final String FOLDER = "uk/nhs/phb/jobs/pages/";

    // templates are found through phb's own class loader, not Pebble's: under spark-submit Pebble may come from the
    // cluster's classpath, whose loader cannot see the resources of the application jar (the cluster proof found this)
    private static final PebbleEngine ENGINE = new PebbleEngine.Builder().loader(new ClasspathLoader(Pages.class.getClassLoader()))
            .strictVariables(true)
            .autoEscaping(true).defaultEscapingStrategy("html").newLineTrimming(false).build();

    private Pages() {
    }

    /**
     * A table as a page shows it ({@code tables.peb}): in a region of its own, named by {@code label}, that scrolls when
     * the table is wider than the window; a header row when {@code columns} is not empty; every cell already in words.
     */
    public record Table(String label, List<String> columns, List<Row> rows) {
        public Table {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** A table's row: its first cell a row header when {@code headed}; {@code core20} marks the most deprived fifth of areas. */
    public record Row(List<String> cells, boolean headed, boolean core20) {
        public Row {
            cells = cells.stream().map(c -> c == null ? "" : c).toList();
        }

        /** A row of data cells, the first one naming the row. */
        public static Row of(String... cells) {
            return new Row(Arrays.asList(cells), false, false);
        }

        /** A row whose first cell is its header: a figure's name and its value. */
        public static Row headed(String name, String value) {
            return new Row(List.of(name, value), true, false);
        }
    }

    /** The page of the template at {@code path} on the classpath, with {@code values} as its variables. */
    public static String render(String path, Map<String, Object> values) {
        try {
            StringWriter out = new StringWriter();
            ENGINE.getTemplate(path).evaluate(out, values);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering the page " + path, e);
        }
    }
}
