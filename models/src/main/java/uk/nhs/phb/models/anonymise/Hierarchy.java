package uk.nhs.phb.models.anonymise;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Quarter;

/**
 * A generalisation hierarchy for one quasi-identifier column: level 0 is the original value, each higher
 * level a coarser grouping of the level below, and the top level ({@link #maxLevel()}) usually {@code *}.
 *
 * <p>Two kinds: a table read from CSV ({@link #fromCsv}), which rejects values it does not list, and
 * functional built-ins ({@link #age}, {@link #ageBand}, {@link #sex}, {@link #date}, {@link #imdDecile},
 * {@link #ethnicity}, {@link #practice}) that compute the levels of any valid value. A null value (missing) stays null at every
 * level below the top and becomes the top value there, so missing values form their own classes.
 *
 * <p>The engine checks, on the values present, that every level is a grouping of the level below (a value at
 * level j never generalises to two different values at level j+1); the search relies on it.
 */
public abstract class Hierarchy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The value of the top level of every built-in hierarchy. */
    public static final String ANY = "*";

    private final String column;

    Hierarchy(String column) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("a hierarchy needs the name of its column");
        }
        this.column = column;
    }

    /** The column this hierarchy generalises (used in error messages). */
    public final String column() {
        return column;
    }

    /** The highest level; levels run from 0 (original value) to this. */
    public abstract int maxLevel();

    /**
     * The value of {@code value} at {@code level}.
     *
     * @throws IllegalArgumentException if the value is not valid for this hierarchy (the message names the
     *         column and the value) or the level is out of range
     */
    public final String generalise(String value, int level) {
        if (level < 0 || level > maxLevel()) {
            throw new IllegalArgumentException("column '" + column + "': level " + level + " is outside 0.." + maxLevel());
        }
        if (value == null) {
            return level == maxLevel() ? top() : null;
        }
        return level == 0 ? checked(value) : at(value, level);
    }

    /** Every level of a value, from the original (level 0) to the top. */
    public final List<String> levels(String value) {
        List<String> out = new ArrayList<>(maxLevel() + 1);
        for (int l = 0; l <= maxLevel(); l++) {
            out.add(generalise(value, l));
        }
        return out;
    }

    /** The value at level {@code level >= 1} of a non-null value. */
    abstract String at(String value, int level);

    /** Level 0: the value itself, after checking it is valid. */
    String checked(String value) {
        at(value, maxLevel());
        return value;
    }

    /** The top value (what a null becomes at the top level). */
    String top() {
        return ANY;
    }

    IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException("column '" + column + "': value '" + value + "' " + why);
    }

    // ------------------------------------------------------------------------------------------- CSV

    /**
     * Reads a hierarchy table: one row per original value, one column per level
     * ({@code value;level1;level2;...;*}), delimited by {@code ;} or {@code ,} (whichever the first row
     * uses, {@code ;} winning when both appear). No header; blank lines and lines starting with {@code #}
     * are skipped; values are trimmed and may be wrapped in double quotes.
     *
     * @throws IllegalArgumentException when rows have different numbers of levels, a value is listed twice,
     *         or the file is empty (messages name the file, line and column)
     */
    public static Hierarchy fromCsv(String column, Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return fromCsv(column, r, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading hierarchy for column '" + column + "' from " + file, e);
        }
    }

    /** As {@link #fromCsv(String, Path)}, from a reader; {@code source} names it in messages. */
    public static Hierarchy fromCsv(String column, Reader reader, String source) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String delimiter = null;
        int width = -1;
        int widthLine = -1;
        int lineNo = 0;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank() || line.strip().startsWith("#")) {
                    continue;
                }
                if (delimiter == null) {
                    delimiter = line.contains(";") ? ";" : ",";
                }
                String[] cells = line.split(java.util.regex.Pattern.quote(delimiter), -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = unquote(cells[i].strip());
                }
                if (width < 0) {
                    width = cells.length;
                    widthLine = lineNo;
                    if (width < 2) {
                        throw new IllegalArgumentException("hierarchy " + source + " for column '" + column + "': line "
                                + lineNo + " has one column; each row needs the value and at least one level, e.g. 37;35-39;*");
                    }
                } else if (cells.length != width) {
                    throw new IllegalArgumentException("hierarchy " + source + " for column '" + column + "': line " + lineNo
                            + " has " + cells.length + " columns but line " + widthLine + " has " + width
                            + "; every row needs one column per level (delimiter '" + delimiter + "')");
                }
                if (rows.putIfAbsent(cells[0], cells) != null) {
                    throw new IllegalArgumentException("hierarchy " + source + " for column '" + column + "': value '"
                            + cells[0] + "' is listed twice (again on line " + lineNo + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading hierarchy " + source + " for column '" + column + "'", e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("hierarchy " + source + " for column '" + column + "' has no rows");
        }
        return new Table(column, source, rows, width - 1);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** A hierarchy given as a table of values; unknown values are rejected. */
    static final class Table extends Hierarchy {
        private static final long serialVersionUID = 1L;
        private final String source;
        private final Map<String, String[]> rows;
        private final int maxLevel;
        private final String top;

        Table(String column, String source, Map<String, String[]> rows, int maxLevel) {
            super(column);
            this.source = source;
            this.rows = new HashMap<>(rows);
            this.maxLevel = maxLevel;
            // the value most rows share at the top level, normally "*"
            Map<String, Integer> n = new HashMap<>();
            for (String[] r : rows.values()) {
                n.merge(r[maxLevel], 1, Integer::sum);
            }
            this.top = Collections.max(n.entrySet(), Map.Entry.comparingByValue()).getKey();
        }

        @Override
        public int maxLevel() {
            return maxLevel;
        }

        @Override
        String at(String value, int level) {
            return row(value)[level];
        }

        @Override
        String checked(String value) {
            row(value);
            return value;
        }

        @Override
        String top() {
            return top;
        }

        private String[] row(String value) {
            String[] r = rows.get(value);
            if (r == null) {
                throw invalid(value, "is not in the hierarchy " + source + "; add a row for it");
            }
            return r;
        }
    }

    // ------------------------------------------------------------------------------------- built-ins

    /**
     * Age in whole years: {@code 37 -> 35-39 -> 30-39 -> 20-39 -> *} (5-, 10- and 20-year bands starting
     * at multiples of the band width). Rejects negative and non-integer values.
     */
    public static Hierarchy age(String column) {
        return new Age(column);
    }

    static final class Age extends Hierarchy {
        private static final long serialVersionUID = 1L;
        private static final int[] WIDTHS = {5, 10, 20};

        Age(String column) {
            super(column);
        }

        @Override
        public int maxLevel() {
            return 4;
        }

        @Override
        String at(String value, int level) {
            int age;
            try {
                age = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw invalid(value, "is not an age in whole years");
            }
            if (age < 0) {
                throw invalid(value, "is not an age in whole years (negative)");
            }
            if (level == 4) {
                return ANY;
            }
            int w = WIDTHS[level - 1];
            int lo = age / w * w;
            return lo + "-" + (lo + w - 1);
        }
    }

    /**
     * Five-year age bands as {@code gold/person_features.age_band} writes them ({@code 35-39}, {@code 90+}):
     * {@code 35-39 -> 30-39 -> 20-39 -> *}, and {@code 85-89 -> 80-89 -> 80+ -> *}, {@code 90+ -> 90+ -> 80+ -> *}
     * (the open top band nests in an open 20-year band); {@code unknown} stays {@code unknown} below the top.
     */
    public static Hierarchy ageBand(String column) {
        return new AgeBand(column);
    }

    static final class AgeBand extends Hierarchy {
        private static final long serialVersionUID = 1L;
        private static final java.util.regex.Pattern BAND = java.util.regex.Pattern.compile("([0-9]{1,3})-([0-9]{1,3})|([0-9]{1,3})\\+|unknown");

        AgeBand(String column) {
            super(column);
        }

        @Override
        public int maxLevel() {
            return 3;
        }

        @Override
        String at(String value, int level) {
            java.util.regex.Matcher m = BAND.matcher(value.strip());
            if (!m.matches()) {
                throw invalid(value, "is not a five-year age band such as 35-39 or 90+");
            }
            if (level == 3) {
                return ANY;
            }
            if (m.group(0).equals("unknown")) {
                return "unknown";
            }
            int lo = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(3));
            boolean open = m.group(3) != null;
            if (m.group(1) != null && (lo % 5 != 0 || Integer.parseInt(m.group(2)) != lo + 4)) {
                throw invalid(value, "is not a five-year age band such as 35-39 or 90+");
            }
            if (level == 1) {
                return open ? lo + "+" : lo / 10 * 10 + "-" + (lo / 10 * 10 + 9);
            }
            int twenty = lo / 20 * 20;
            return lo >= 80 ? "80+" : twenty + "-" + (twenty + 19);
        }
    }

    /**
     * Sex as an NHS code (code list {@code sex}: 1, 2, 9, 0) {@code -> *}: released or not, nothing in between.
     */
    public static Hierarchy sex(String column) {
        return new Flat(column, "sex");
    }

    /** A coded value released as is or as {@code *}; codes outside the list are rejected. */
    static final class Flat extends Hierarchy {
        private static final long serialVersionUID = 1L;
        private final java.util.Set<String> codes;
        private final String list;

        Flat(String column, String codeList) {
            super(column);
            this.codes = new java.util.HashSet<>(CodeLists.get(codeList).keySet());
            this.list = codeList;
        }

        @Override
        public int maxLevel() {
            return 1;
        }

        @Override
        String at(String value, int level) {
            if (!codes.contains(value)) {
                throw invalid(value, "is not in the code list '" + list + "' " + new java.util.TreeSet<>(codes));
            }
            return ANY;
        }
    }

    /**
     * Dates {@code yyyy-MM-dd}: {@code 2025-05-14 -> 2025-05 -> 2025-26Q1 -> 2025 -> *}: month, financial
     * quarter ({@code YYYY-YYQn}, Q1 = April-June) and calendar year. Each financial quarter lies inside one
     * calendar year (January-March is Q4 of the previous financial year but the same calendar year), so the
     * levels nest.
     */
    public static Hierarchy date(String column) {
        return new DateHierarchy(column);
    }

    static final class DateHierarchy extends Hierarchy {
        private static final long serialVersionUID = 1L;

        DateHierarchy(String column) {
            super(column);
        }

        @Override
        public int maxLevel() {
            return 4;
        }

        @Override
        String at(String value, int level) {
            LocalDate d;
            try {
                d = LocalDate.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw invalid(value, "is not a date of the form yyyy-MM-dd");
            }
            return switch (level) {
                case 1 -> String.format("%04d-%02d", d.getYear(), d.getMonthValue());
                case 2 -> Quarter.containing(d).toString();
                case 3 -> String.format("%04d", d.getYear());
                default -> ANY;
            };
        }
    }

    /** Index of Multiple Deprivation decile 1-10: {@code 3 -> quintile 2 -> *} (quintile = ceil(decile / 2)). */
    public static Hierarchy imdDecile(String column) {
        return new ImdDecile(column);
    }

    static final class ImdDecile extends Hierarchy {
        private static final long serialVersionUID = 1L;

        ImdDecile(String column) {
            super(column);
        }

        @Override
        public int maxLevel() {
            return 2;
        }

        @Override
        String at(String value, int level) {
            int d;
            try {
                d = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw invalid(value, "is not an IMD decile (1-10)");
            }
            if (d < 1 || d > 10) {
                throw invalid(value, "is not an IMD decile (1-10)");
            }
            return level == 1 ? "quintile " + (d + 1) / 2 : ANY;
        }
    }

    /**
     * NHS ethnic category code (A-S, Z; code list {@code ethnicity}) {@code -> broad group -> *}, broad group
     * one of White, Mixed, Asian, Black, Other, Not stated (from the code's meaning in the code list).
     */
    public static Hierarchy ethnicity(String column) {
        Map<String, String> groups = new HashMap<>();
        for (Map.Entry<String, String> e : CodeLists.get("ethnicity").entrySet()) {
            groups.put(e.getKey(), broadGroup(e.getKey(), e.getValue()));
        }
        return new Mapped(column, List.of(groups), "is not an NHS ethnic category code (" + String.join(", ",
                CodeLists.get("ethnicity").keySet()) + ")");
    }

    private static String broadGroup(String code, String meaning) {
        String m = meaning.toLowerCase(java.util.Locale.ROOT);
        if (m.startsWith("white")) {
            return "White";
        } else if (m.startsWith("mixed")) {
            return "Mixed";
        } else if (m.startsWith("asian")) {
            return "Asian";
        } else if (m.startsWith("black")) {
            return "Black";
        } else if (m.startsWith("other")) {
            return "Other";
        } else if (m.startsWith("not stated")) {
            return "Not stated";
        }
        throw new IllegalStateException("ethnicity code list: no broad group for " + code + " (" + meaning + ")");
    }

    /**
     * GP practice {@code -> PCN -> Sub-ICB -> *}, from the caller's mappings (practice code to PCN code, PCN
     * code to Sub-ICB code). A practice missing from the mapping is rejected with its value.
     *
     * @throws IllegalArgumentException if a PCN in the first mapping has no Sub-ICB in the second
     */
    public static Hierarchy practice(String column, Map<String, String> practiceToPcn, Map<String, String> pcnToSubIcb) {
        List<String> missing = new ArrayList<>();
        for (String pcn : new java.util.TreeSet<>(practiceToPcn.values())) {
            if (!pcnToSubIcb.containsKey(pcn)) {
                missing.add(pcn);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("column '" + column + "': PCN(s) " + missing
                    + " have practices but no Sub-ICB in the PCN-to-Sub-ICB mapping");
        }
        Map<String, String> toSubIcb = new HashMap<>();
        practiceToPcn.forEach((p, pcn) -> toSubIcb.put(p, pcnToSubIcb.get(pcn)));
        return new Mapped(column, List.of(new HashMap<>(practiceToPcn), toSubIcb),
                "is not in the practice-to-PCN mapping; add the practice to the mapping");
    }

    /** Levels 1..n-1 looked up from value-keyed maps, level n is {@code *}. */
    static final class Mapped extends Hierarchy {
        private static final long serialVersionUID = 1L;
        private final List<Map<String, String>> levels;
        private final String unknown;

        Mapped(String column, List<Map<String, String>> levels, String unknown) {
            super(column);
            this.levels = List.copyOf(levels);
            this.unknown = unknown;
        }

        @Override
        public int maxLevel() {
            return levels.size() + 1;
        }

        @Override
        String at(String value, int level) {
            String g = levels.get(0).get(value);
            if (g == null) {
                throw invalid(value, unknown);
            }
            return level == maxLevel() ? ANY : levels.get(level - 1).get(value);
        }
    }
}
