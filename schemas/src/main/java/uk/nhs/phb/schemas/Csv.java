package uk.nhs.phb.schemas;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The one way phb reads and writes small CSV files (reference data, reports, summaries, aggregate extracts), through
 * Commons CSV: RFC 4180 quoting, UTF-8 text, {@code \n} line ends, as Spark writes the large ones. Reading skips blank
 * lines and lines starting with {@code #}, and trims spaces around unquoted values; a problem names the file and line.
 */
public final class Csv {
    private static final CSVFormat READ = CSVFormat.RFC4180.builder().setCommentMarker('#').setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true).get();
    private static final CSVFormat DATA = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private Csv() {
    }

    /** One record as written: its line in the file (1-based, for messages) and its fields. */
    public record Record(long line, List<String> fields) {
    }

    /** One data row: its line in the file and its values by the header's names. */
    public record Row(long line, Map<String, String> values) {
        /** The value of a column, or null when the header has no such column. */
        public String get(String column) {
            return values.get(column);
        }
    }

    /** Every record of a text, the header included, with the line each starts on. */
    public static List<Record> records(String name, String text) {
        long[] lineStarts = lineStarts(text);
        List<Record> out = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(READ).get()) {
            for (CSVRecord r : parser) {
                out.add(new Record(firstLineOf(text, lineStarts, r.getCharacterPosition()), r.toList()));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException(name + ": not readable as CSV: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The data rows of a text with a header naming each column. A header lacking a {@code required} column, or a row
     * with more fields than the header, is refused naming the file and line; a row with fewer leaves the last columns
     * empty.
     */
    public static List<Row> rows(String name, String text, List<String> required) {
        List<Record> records = records(name, text);
        if (records.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty; it needs a header naming " + required);
        }
        List<String> header = records.get(0).fields();
        List<String> missing = new ArrayList<>(required);
        missing.removeAll(header);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(name + " line " + records.get(0).line() + ": the header lacks " + missing + "; it must name "
                    + required);
        }
        List<Row> rows = new ArrayList<>();
        for (Record r : records.subList(1, records.size())) {
            if (r.fields().size() > header.size()) {
                throw new IllegalArgumentException(name + " line " + r.line() + ": " + r.fields().size() + " fields, the header has "
                        + header.size());
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                values.put(header.get(i), i < r.fields().size() ? r.fields().get(i) : "");
            }
            rows.add(new Row(r.line(), values));
        }
        return rows;
    }

    /** As {@link #rows(String, String, List)}, reading the text from {@code reader}. */
    public static List<Row> rows(String name, Reader reader, List<String> required) {
        try (Reader r = reader) {
            java.io.StringWriter text = new java.io.StringWriter();
            r.transferTo(text);
            return rows(name, text.toString(), required);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }

    /**
     * Reads a data file of any size a record at a time, as written (no comment lines, values untrimmed): {@code header}
     * gets the first record, {@code row} every other.
     */
    public static void stream(String name, Reader reader, Consumer<List<String>> header, Consumer<List<String>> row) {
        stream(name, reader, ',', header, row);
    }

    /** As {@link #stream(String, Reader, Consumer, Consumer)} with another delimiter ({@code ; | \t}). */
    public static void stream(String name, Reader reader, char delimiter, Consumer<List<String>> header, Consumer<List<String>> row) {
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(DATA.builder().setDelimiter(delimiter).get()).get()) {
            boolean first = true;
            for (CSVRecord r : parser) {
                (first ? header : row).accept(r.toList());
                first = false;
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException(name + ": not readable as CSV: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a data file of any size a record at a time, as {@link #stream(String, Reader, Consumer, Consumer)} does, each
     * record with the line it starts on (for messages naming a line).
     */
    public static void records(String name, Reader reader, Consumer<Record> record) {
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(DATA).get()) {
            long line = 1;
            for (CSVRecord r : parser) {
                record.accept(new Record(line, r.toList()));
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new IllegalArgumentException(name + ": not readable as CSV: " + e.getMessage(), e);
        }
    }

    /** CSV text of a header and rows; a null value is an empty field, any other is written as {@code String.valueOf}. */
    public static String write(List<String> header, List<? extends List<?>> rows) {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter printer = new CSVPrinter(out, WRITE)) {
            printer.printRecord(header);
            for (List<?> row : rows) {
                printer.printRecord(row.stream().map(v -> v == null ? "" : String.valueOf(v)).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes rows one at a time (files of any size), in the one format with the given delimiter. */
    public static final class RowWriter implements AutoCloseable {
        private final CSVPrinter printer;

        private RowWriter(Appendable out, char delimiter) {
            try {
                printer = new CSVPrinter(out, WRITE.builder().setDelimiter(delimiter).get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** One record; a null value is an empty field. */
        public void row(List<?> values) {
            try {
                printer.printRecord(values.stream().map(v -> v == null ? "" : String.valueOf(v)).toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes out what is buffered, leaving the stream open (for a caller that owns it). */
        public void flush() {
            try {
                printer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                printer.close(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A writer of records to {@code out} (closed with the writer). */
    public static RowWriter writer(Appendable out, char delimiter) {
        return new RowWriter(out, delimiter);
    }

    /** One line of CSV (fields quoted where needed, ending in {@code \n}). */
    public static String line(List<?> fields) {
        return write(fields.stream().map(v -> v == null ? "" : String.valueOf(v)).toList(), List.of());
    }

    private static long[] lineStarts(String text) {
        List<Long> starts = new ArrayList<>(List.of(0L));
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1L);
            }
        }
        return starts.stream().mapToLong(Long::longValue).toArray();
    }

    /** The line a record starts on: a record's position includes the comment and blank lines before it. */
    private static long firstLineOf(String text, long[] lineStarts, long position) {
        int i = Arrays.binarySearch(lineStarts, position);
        int line = i >= 0 ? i : -i - 2;
        while (line + 1 < lineStarts.length) {
            String l = text.substring((int) lineStarts[line], (int) lineStarts[line + 1]);
            if (!l.isBlank() && !l.startsWith("#")) {
                break;
            }
            line++;
        }
        return line + 1L;
    }
}
