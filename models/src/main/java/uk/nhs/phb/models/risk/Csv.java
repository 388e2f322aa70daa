package uk.nhs.phb.models.risk;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the small reference CSV files of the risk and eligibility stages: comma-separated, fields in double
 * quotes may hold commas and doubled quotes ({@code ""}), {@code #} starts a comment line, blank lines are skipped.
 */
public final class Csv {
    private Csv() {
    }

    /** One record of a file: its 1-based line number and fields. */
    public record Line(int number, List<String> fields) {
    }

    /** The records of a text (header included), with line numbers; comments and blank lines left out. */
    public static List<Line> parse(String text) {
        List<Line> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank() || l.stripLeading().startsWith("#")) {
                continue;
            }
            out.add(new Line(i + 1, fields(l, i + 1)));
        }
        return out;
    }

    /** The fields of one line. */
    public static List<String> fields(String line, int number) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
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
            } else if (c == '"' && cur.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cur.setLength(0);
            } else if (c == ',') {
                f.add(wasQuoted ? cur.toString() : cur.toString().strip());
                cur.setLength(0);
                wasQuoted = false;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + number + ": a quoted field is not closed");
        }
        f.add(wasQuoted ? cur.toString() : cur.toString().strip());
        return f;
    }
}
