package uk.nhs.phb.schemas.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import uk.nhs.phb.schemas.Csv;

/**
 * Code maps a profile looks codes up in: reference tables shipped with phb ({@code profiles/code_maps/<name>.csv}, such as
 * the SNOMED CT concepts of the QOF and eFI code clusters) with the rows of an ICB's local files added. Each is a CSV
 * whose first column is the code looked up and whose other columns are what a profile reads of a match; its opening
 * {@code #} lines say where the rows come from.
 */
public final class CodeMaps {
    private static final String FOLDER = "/uk/nhs/phb/schemas/profiles/code_maps/";

    /**
     * One code map.
     *
     * @param name    the map's name (its file name without {@code .csv})
     * @param header  the code column, then the columns a profile reads
     * @param rows    every row, the code first; a code may have several rows (a concept in two clusters)
     * @param source  where the rows come from (the file's opening comment lines), and the local files that added rows
     */
    public record CodeMap(String name, List<String> header, List<List<String>> rows, String source) implements java.io.Serializable {
        public CodeMap {
            Objects.requireNonNull(name, "name");
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
        }

        /** The columns a match gives (every column but the code). */
        public List<String> values() {
            return header.subList(1, header.size());
        }
    }

    private static final Map<String, CodeMap> SHIPPED = new java.util.concurrent.ConcurrentHashMap<>();

    private CodeMaps() {
    }

    /** A map phb ships, read once per JVM; an exception naming the maps there are when there is no such map. */
    public static CodeMap shipped(String name) {
        return SHIPPED.computeIfAbsent(name, CodeMaps::readShipped);
    }

    private static CodeMap readShipped(String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new ProfileException("a code map's name is snake_case: '" + name + "'");
        }
        InputStream in = CodeMaps.class.getResourceAsStream(FOLDER + name + ".csv");
        if (in == null) {
            throw new ProfileException("phb ships no code map '" + name + "'; code maps: " + String.join(", ", index()));
        }
        try (in) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse("code map " + name + " (profiles/code_maps/" + name + ".csv)", name, text, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of the maps phb ships. */
    public static List<String> index() {
        return Profiles.listing(FOLDER + "index.txt");
    }

    /**
     * {@code base} with the rows of a local file added: its header must be the shipped map's, and its rows are checked as
     * the shipped ones are.
     */
    public static CodeMap withLocal(CodeMap base, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ProfileException("local code map file " + file + " (for code map " + base.name() + ") does not exist");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProfileException("cannot read local code map file " + file + ": " + e.getMessage());
        }
        CodeMap local = parse("local code map file " + file, base.name(), text, base.header());
        List<List<String>> rows = new ArrayList<>(base.rows());
        rows.addAll(local.rows());
        return new CodeMap(base.name(), base.header(), rows, base.source() + " + local rows from " + file);
    }

    private static CodeMap parse(String what, String name, String text, List<String> expectedHeader) {
        List<Csv.Record> records;
        try {
            records = Csv.records(what, text);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(e.getMessage());
        }
        if (records.isEmpty()) {
            throw new ProfileException(what + " is empty; it needs a header: the code column, then the values a match gives");
        }
        List<String> header = records.get(0).fields();
        if (header.size() < 2 || new java.util.HashSet<>(header).size() != header.size()
                || header.stream().anyMatch(h -> !h.matches("[a-z][a-z0-9_]*"))) {
            throw new ProfileException(what + " line " + records.get(0).line() + ": the header is the code column then one or more "
                    + "value columns, each named once in snake_case; it is " + header);
        }
        if (expectedHeader != null && !expectedHeader.equals(header)) {
            throw new ProfileException(what + " line " + records.get(0).line() + ": the header must be the shipped map's, "
                    + String.join(",", expectedHeader) + "; it is " + String.join(",", header));
        }
        List<List<String>> rows = new ArrayList<>();
        Map<List<String>, Long> seen = new LinkedHashMap<>();
        for (Csv.Record r : records.subList(1, records.size())) {
            if (r.fields().size() != header.size()) {
                throw new ProfileException(what + " line " + r.line() + ": " + r.fields().size() + " fields, the header has " + header.size());
            }
            if (r.fields().get(0).isBlank()) {
                throw new ProfileException(what + " line " + r.line() + ": the code (" + header.get(0) + ") is blank");
            }
            Long earlier = seen.putIfAbsent(r.fields(), r.line());
            if (earlier != null) {
                throw new ProfileException(what + " line " + r.line() + ": the same row as line " + earlier);
            }
            rows.add(r.fields());
        }
        return new CodeMap(name, header, rows, sourceOf(text, what));
    }

    /** The opening comment lines, which say where the rows come from. */
    private static String sourceOf(String text, String what) {
        StringBuilder out = new StringBuilder();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#")) {
                break;
            }
            out.append(out.length() == 0 ? "" : " ").append(line.substring(1).strip());
        }
        return out.length() == 0 ? what : out.toString();
    }
}
