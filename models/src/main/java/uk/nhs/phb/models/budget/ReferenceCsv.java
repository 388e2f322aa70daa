package uk.nhs.phb.models.budget;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reference-data CSV: {@code #} comment lines, a header, RFC 4180 quoting (a quoted field may hold
 * commas and doubled quotes; not line breaks). Rows are maps from header names to trimmed values.
 */
final class ReferenceCsv {
    /** One data row and the line it came from (for messages). */
    record Line(int number, Map<String, String> values) {
        String get(String field) {
            return values.get(field);
        }
    }

    private ReferenceCsv() {
    }

    /** The rows of {@code text}, checking the header holds {@code required} fields; {@code name} is for messages. */
    static List<Line> parse(String name, String text, List<String> required) {
        List<Line> out = new ArrayList<>();
        List<String> header = null;
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                List<String> fields = split(name, n, line);
                if (header == null) {
                    header = fields;
                    List<String> missing = new ArrayList<>(required);
                    missing.removeAll(header);
                    if (!missing.isEmpty()) {
                        throw new IllegalArgumentException(name + " line " + n + ": the header lacks " + missing + "; it must name "
                                + required);
                    }
                    continue;
                }
                if (fields.size() != header.size()) {
                    throw new IllegalArgumentException(name + " line " + n + ": " + fields.size() + " fields, the header has "
                            + header.size());
                }
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    m.put(header.get(i), fields.get(i).trim());
                }
                out.add(new Line(n, m));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (header == null) {
            throw new IllegalArgumentException(name + " is empty; it must have a header naming " + required);
        }
        return out;
    }

    static List<String> split(String name, int lineNumber, String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(name + " line " + lineNumber + ": a quoted field is not closed");
        }
        out.add(cur.toString());
        return out;
    }
}
