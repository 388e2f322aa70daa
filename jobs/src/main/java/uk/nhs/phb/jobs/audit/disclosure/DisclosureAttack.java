package uk.nhs.phb.jobs.audit.disclosure;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uk.nhs.phb.jobs.audit.disclosure.Bounds.Interval;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.CellRef;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.Knowledge;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.Line;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.Share;
import uk.nhs.phb.jobs.audit.disclosure.Layouts.TableLayout;
import uk.nhs.phb.jobs.audit.disclosure.Publications.Matched;
import uk.nhs.phb.jobs.audit.disclosure.Publications.Publication;
import uk.nhs.phb.jobs.audit.disclosure.PublishedFiles.Table;

/**
 * An attack on published folders, made without the code that published them: read every file of every folder
 * together (CSV, XLSX, HTML, JSON manifests), take each figure as an interval of what the count behind it can be
 * under the stated small-number rule, and narrow the intervals through every relation an outsider can see (totals
 * and their parts, shares and means times their denominators, the same figure in two files or two quarters, an
 * ICB's figures against its Sub-ICBs'). A count in {@code 1..7} that closes on one value is recovered: a leak.
 */
public final class DisclosureAttack {
    private static final String SEP = "|";
    private static final String RECORDS = "records|";

    /**
     * @param publications the published folders to read together (a report, a statement, an extract; several
     *                     quarters or organisations at once)
     * @param layouts      a layouts file to use instead of the one shipped with phb, or null
     */
    public record Request(List<Path> publications, Path layouts) {
        public Request {
            publications = List.copyOf(publications);
            if (publications.isEmpty()) {
                throw new IllegalArgumentException("name at least one published folder to attack");
            }
        }
    }

    /** A count the attack pinned down: where, its value and the figures and relations that gave it away. */
    public record Recovery(String cell, long value, List<String> evidence) {
    }

    /**
     * @param cellsTried  hidden or unprinted counts the attack tried to recover ({@code cellsTriedByTable} by table)
     * @param recovered   counts of 1..7 the attack recovered (must be none)
     * @param figuresRead counts printed (or hidden) in the files, each copy counted
     * @param unroundedCounts counts printed exactly although the rule rounds them (each names its cell and value)
     * @param conflicts   cells whose figures contradict each other under the attacker's reading (a layout to check)
     * @param tablesNotDescribed tables with figures that the layouts do not describe, by file (their figures were not used)
     * @param filesNotRead files of a kind the attack does not read (neither CSV, XLSX, HTML nor JSON)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Result(int publications, int files, int tables, int figuresRead, int relations, int cellsTried, List<Recovery> recovered,
                         List<String> unroundedCounts, List<String> conflicts, List<String> tablesNotDescribed, List<String> filesNotRead,
                         Map<String, Integer> cellsTriedByTable) {
        /** Whether anything was recovered or printed unrounded. */
        @JsonProperty("leaks")
        public boolean leaks() {
            return !recovered.isEmpty() || !unroundedCounts.isEmpty();
        }

        @JsonProperty("cells_recovered")
        public int cellsRecovered() {
            return recovered.size();
        }
    }

    private final Knowledge knowledge;
    private final Bounds bounds = new Bounds();
    /** Cells the publications hide or never print: what the attacker is after. */
    private final Map<String, String> targets = new LinkedHashMap<>();
    private final Map<String, String> exactCounts = new LinkedHashMap<>();
    private final Set<String> printedSmall = new LinkedHashSet<>();
    private final Publications reader;
    private int figures;

    private DisclosureAttack(Knowledge knowledge) {
        this.knowledge = knowledge;
        this.reader = new Publications(knowledge);
    }

    /** Runs the attack over every folder of the request together. */
    public static Result run(Request req) {
        DisclosureAttack a = new DisclosureAttack(Layouts.load(req.layouts()));
        List<Publication> pubs = new ArrayList<>();
        for (Path p : req.publications()) {
            Publication pub = a.reader.read(p);
            pubs.add(pub);
            if (!pub.records().isEmpty()) {
                a.recordLevel(pub);
            }
        }
        for (Publication p : pubs) {
            a.observe(p);
        }
        a.scopeSums(pubs);
        a.bounds.propagate();
        return a.result(pubs.size());
    }

    /**
     * A person-level release that says it is k-anonymous (its {@code anonymisation.json}): every combination of its
     * quasi-identifiers must be shared by at least k records. A smaller class is a count the release was meant never
     * to show, and is reported as recovered; without that file, the records are not read.
     */
    private void recordLevel(Publication pub) {
        Path folder = pub.folder();
        List<Path> records = pub.records();
        List<String> qi = new ArrayList<>();
        Integer k = null;
        for (Table t : pub.json()) {
            if (!t.file().endsWith("anonymisation.json")) {
                continue;
            }
            for (List<String> r : t.rows()) {
                if (r.get(0).startsWith("quasi_identifiers.")) {
                    qi.add(r.get(0).substring("quasi_identifiers.".length()));
                }
                Matcher m = Pattern.compile("([0-9]+)-anonymity").matcher(r.get(1));
                if (r.get(0).startsWith("models.") && m.matches()) {
                    k = Integer.parseInt(m.group(1));
                }
            }
        }
        if (qi.isEmpty() || k == null) {
            records.forEach(f -> reader.notRead.add(folder.getFileName() + "/" + folder.relativize(f) + " (person-level records without anonymisation.json)"));
            return;
        }
        Map<List<String>, Integer> classes = RecordClasses.count(records, qi);
        for (Map.Entry<List<String>, Integer> c : classes.entrySet()) {
            String cell = RECORDS + folder.getFileName() + "|" + String.join("/", c.getKey()) + "|class_size";
            targets.put(cell, folder.getFileName().toString());
            bounds.observe(cell, new Interval(c.getValue(), c.getValue()), c.getValue() + " records share " + qi + " in "
                    + folder.getFileName() + " (" + k + "-anonymity claimed)");
            if (c.getValue() < k) {
                printedSmall.add(cell);
            }
        }
    }

    private void observe(Publication p) {
        // a table's structure (lines, row totals, the same count elsewhere) from its fullest copy, the CSV file first
        Map<String, Matched> primary = new LinkedHashMap<>();
        for (Matched m : p.tables()) {
            Matched best = primary.get(m.layout().name());
            boolean csv = m.table().format().equals("csv");
            if (best == null || (csv && !best.table().format().equals("csv"))
                    || (!best.table().format().equals("csv") && !csv && m.rows().size() > best.rows().size())) {
                primary.put(m.layout().name(), m);
            }
        }
        for (Matched m : p.tables()) {
            TableLayout l = m.layout();
            String where = p.folder().getFileName() + "/" + m.table().file() + (m.table().format().equals("csv") ? "" : ":" + m.table().name());
            for (List<String> row : m.rows()) {
                for (String c : l.counts()) {
                    if (isCount(m, l, row)) {
                        count(cell(p, l, row, m, c), m.value(row, c), where);
                    }
                }
                for (String c : l.money()) {
                    money(cell(p, l, row, m, c), m.value(row, c), where);
                }
            }
            // every copy's shares: a copy may print one more precisely than the CSV file
            for (Share s : l.shares()) {
                shares(p, m, s, where);
            }
            if (primary.get(l.name()) == m) {
                for (Line line : l.lines()) {
                    lines(p, m, line);
                }
                columnTotals(p, m);
                for (Layouts.Same s : l.same()) {
                    same(p, m, s);
                }
            }
        }
        for (Table t : p.json()) {
            Map<String, String> leaves = new LinkedHashMap<>();
            t.rows().forEach(r -> leaves.put(r.get(0), r.get(1)));
            for (List<String> r : t.rows()) {
                for (Layouts.ManifestCell mc : knowledge.manifest()) {
                    boolean applies = mc.when().entrySet().stream().allMatch(e -> e.getValue().equals(leaves.get(e.getKey())));
                    if (mc.key().equals(r.get(0)) && applies) {
                        TableLayout l = knowledge.named(mc.cell().table());
                        if (l != null) {
                            count(key(p, l, mc.cell().row(), mc.cell().column()), r.get(1), p.folder().getFileName() + "/" + t.file() + ":" + r.get(0));
                        }
                    }
                }
            }
        }
    }

    private boolean isCount(Matched m, TableLayout l, List<String> row) {
        for (Map.Entry<String, List<String>> e : l.countUnless().entrySet()) {
            if (e.getValue().contains(m.value(row, e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private void count(String cell, String text, String where) {
        if (text == null) {
            return;
        }
        int hidden = knowledge.rule().hiddenUpTo();
        int base = knowledge.rule().roundedTo();
        if (Numbers.hidden(text)) {
            figures++;
            targets.putIfAbsent(cell, where);
            bounds.observe(cell, new Interval(1, Bounds.UNBOUNDED), "hidden in " + where);
            return;
        }
        Numbers.Printed n = Numbers.parse(text);
        if (n == null || !n.whole() || n.value().signum() < 0) {
            return;
        }
        figures++;
        long v = n.value().longValueExact();
        if (v == 0) {
            bounds.observe(cell, new Interval(0, 0), "0 in " + where);
        } else if (v % base == 0 && v > hidden) {
            long half = (base - 1) / 2;
            bounds.observe(cell, new Interval(Math.max(hidden + 1, v - half), v + (base - 1 - half)), v + " (rounded) in " + where);
        } else {
            bounds.observe(cell, new Interval(v, v), v + " (exact) in " + where);
            exactCounts.putIfAbsent(cell, v + " in " + where);
            if (v <= hidden) {
                printedSmall.add(cell);
            }
        }
    }

    /** Money in pence: the printed pounds to their printed precision. */
    private void money(String cell, String text, String where) {
        Numbers.Printed n = text == null ? null : Numbers.parse(text);
        if (n == null || n.value().signum() < 0) {
            return;
        }
        double v = n.value().doubleValue();
        double h = n.halfUnit();
        bounds.observe(cell + "#pence", new Interval((long) Math.ceil((v - h) * 100 - 1e-9), (long) Math.floor((v + h) * 100 + 1e-9)),
                "£" + text + " in " + where);
    }

    private void lines(Publication p, Matched m, Line line) {
        TableLayout l = m.layout();
        Map<List<String>, List<List<String>>> groups = new LinkedHashMap<>();
        for (List<String> row : m.rows()) {
            List<String> g = new ArrayList<>();
            for (String w : line.within()) {
                g.add(m.value(row, w));
            }
            groups.computeIfAbsent(g, k -> new ArrayList<>()).add(row);
        }
        for (List<List<String>> group : groups.values()) {
            List<String> total = null;
            Map<String, List<List<String>>> parts = new LinkedHashMap<>();
            for (List<String> row : group) {
                if (m.matches(row, line.total())) {
                    total = row;
                } else if (m.matches(row, line.partsWhere())) {
                    parts.computeIfAbsent(line.partsBy() == null ? "" : m.value(row, line.partsBy()), k -> new ArrayList<>()).add(row);
                }
            }
            if (total == null || !isCount(m, l, total)) {
                continue;
            }
            for (List<List<String>> part : parts.values()) {
                for (String c : l.counts()) {
                    if (line.columns() != null && !line.columns().contains(c)) {
                        continue;
                    }
                    List<String> cells = new ArrayList<>();
                    for (List<String> r : part) {
                        cells.add(cell(p, l, r, m, c));
                    }
                    bounds.sum(new Bounds.Sum(cell(p, l, total, m, c), cells, line.atLeast(), "total of its line in " + l.name()));
                }
                for (String c : l.money()) {
                    if (line.columns() != null && !line.columns().contains(c)) {
                        continue;
                    }
                    List<String> cells = new ArrayList<>();
                    for (List<String> r : part) {
                        cells.add(cell(p, l, r, m, c) + "#pence");
                    }
                    bounds.sum(new Bounds.Sum(cell(p, l, total, m, c) + "#pence", cells, line.atLeast(), "money total of its line in " + l.name()));
                }
            }
        }
    }

    /** Each row's total column is the sum of its other count columns. */
    private void columnTotals(Publication p, Matched m) {
        TableLayout l = m.layout();
        if (l.columnTotal() == null) {
            return;
        }
        for (List<String> row : m.rows()) {
            List<String> parts = new ArrayList<>();
            for (String c : l.counts()) {
                if (!c.equals(l.columnTotal()) && m.columns().contains(c)) {
                    parts.add(cell(p, l, row, m, c));
                }
            }
            bounds.sum(new Bounds.Sum(cell(p, l, row, m, l.columnTotal()), parts, false, "row total of " + l.name()));
        }
    }

    private void same(Publication p, Matched m, Layouts.Same s) {
        for (List<String> row : m.rows()) {
            List<String> groups = new ArrayList<>();
            if (!m.where(row, s.where(), groups)) {
                continue;
            }
            String other = ref(p, m.layout(), m, row, groups, s.as());
            bounds.sum(new Bounds.Sum(other, List.of(cell(p, m.layout(), row, m, s.column())), false, s.column() + " of " + m.layout().name()
                    + " is " + other));
        }
    }

    /**
     * A printed share says something new only if it was not computed from printed figures: one that the printed
     * numerator and denominator give again (to its printed precision) is passed over, one they do not give is taken
     * as computed from the exact counts, and relates them.
     */
    private void shares(Publication p, Matched m, Share s, String where) {
        TableLayout l = m.layout();
        for (List<String> row : m.rows()) {
            List<String> groups = new ArrayList<>();
            Numbers.Printed n = m.where(row, s.where(), groups) ? Numbers.parse(m.value(row, s.column())) : null;
            if (n == null) {
                continue;
            }
            double scale = 1 / s.per();
            double value = n.value().doubleValue() * scale;
            double half = n.halfUnit() * scale;
            String den = ref(p, l, m, row, groups, s.denominator());
            String self = cell(p, l, row, m, s.column());
            String how = s.column() + " " + m.value(row, s.column()) + " in " + where;
            Numbers.Printed denPrinted = Numbers.parse(printed(p, m, row, groups, s.denominator()));
            Numbers.Printed numPrinted = s.numerator() == null ? null : Numbers.parse(printed(p, m, row, groups, s.numerator()));
            if (fromPrinted(s, value, half, numPrinted, denPrinted)) {
                continue;
            }
            if (s.perPerson()) {
                String money = ref(p, l, m, row, groups, s.numerator()) + "#pence";
                bounds.ratio(new Bounds.Ratio(money, den, (value - half) * 100, (value + half) * 100, how));
                continue;
            }
            String num;
            if (s.numerator() != null) {
                num = ref(p, l, m, row, groups, s.numerator());
            } else {
                num = self + "#count";
                targets.putIfAbsent(num, where);
                if (s.binary()) {
                    String complement = self + "#others";
                    targets.putIfAbsent(complement, where);
                    bounds.sum(new Bounds.Sum(den, List.of(num, complement), false, "the rest of " + den));
                }
            }
            bounds.ratio(new Bounds.Ratio(num, den, Math.max(0, value - half), value + half, how));
        }
    }

    /**
     * Whether the printed numerator over the printed denominator gives the share again; with no printed numerator,
     * whether some count the rule could print (0 or a multiple of the rounding base) does.
     */
    private boolean fromPrinted(Share s, double value, double half, Numbers.Printed num, Numbers.Printed den) {
        if (den == null || den.value().signum() == 0 || (s.numerator() != null && num == null)) {
            return false;
        }
        double d = den.value().doubleValue();
        double eps = 1e-9;
        if (num != null) {
            return Math.abs(num.value().doubleValue() / d - value) <= half + eps;
        }
        int base = knowledge.rule().roundedTo();
        long k = Math.round(value * d / base);
        for (long c = Math.max(0, k - 1); c <= k + 1; c++) {
            if (Math.abs(c * base / d - value) <= half + eps) {
                return true;
            }
        }
        return false;
    }

    /** The text printed for a referenced cell in this publication (its CSV copy first), or null when not printed. */
    private String printed(Publication p, Matched here, List<String> row, List<String> groups, CellRef r) {
        if (r == null) {
            return null;
        }
        List<String> key = new ArrayList<>();
        if (r.row() == null) {
            for (String k : here.layout().keys()) {
                key.add(here.value(row, k));
            }
        } else {
            for (String t : r.row()) {
                key.add(here.fill(t, row, groups));
            }
        }
        String table = r.table() == null ? here.layout().name() : r.table();
        for (Matched m : p.tables()) {
            if (!m.layout().name().equals(table)) {
                continue;
            }
            for (List<String> candidate : m.rows()) {
                List<String> k = new ArrayList<>();
                for (String c : m.layout().keys()) {
                    k.add(m.value(candidate, c));
                }
                if (k.equals(key)) {
                    return m.value(candidate, r.column());
                }
            }
        }
        return null;
    }

    private String ref(Publication p, TableLayout here, Matched m, List<String> row, List<String> groups, CellRef r) {
        TableLayout l = r.table() == null ? here : knowledge.named(r.table());
        if (l == null) {
            throw new IllegalStateException("the layouts name an unknown table " + r.table());
        }
        if (r.row() == null) {
            return cell(p, l, row, m, r.column());
        }
        List<String> values = new ArrayList<>();
        for (String t : r.row()) {
            values.add(m.fill(t, row, groups));
        }
        return key(p, l, values, r.column());
    }

    private String cell(Publication p, TableLayout l, List<String> row, Matched m, String column) {
        List<String> values = new ArrayList<>();
        for (String k : l.keys()) {
            String v = m.value(row, k);
            values.add(v == null ? "" : v);
        }
        return key(p, l, values, column);
    }

    private static String key(Publication p, TableLayout l, List<String> rowKey, String column) {
        List<String> scope = new ArrayList<>();
        for (String k : l.scope()) {
            scope.add(p.scopeValues().getOrDefault(k, ""));
        }
        return l.name() + SEP + String.join("/", scope) + SEP + String.join("/", rowKey) + SEP + column;
    }

    /**
     * A Sub-ICB's publication beside its ICB's (the same quarter): every count of a table whose population is split
     * by area is at least the sum of the Sub-ICBs' present, exactly the sum when all are present; a row a Sub-ICB's
     * table leaves out is 0 there.
     */
    private void scopeSums(List<Publication> pubs) {
        Map<String, Set<String>> subIcbs = new TreeMap<>();
        for (Publication p : pubs) {
            for (Matched m : p.tables()) {
                if (m.columns().contains("org_level") && m.columns().contains("icb_code")) {
                    for (List<String> r : m.rows()) {
                        if ("SUB_ICB".equals(m.value(r, "org_level"))) {
                            subIcbs.computeIfAbsent(m.value(r, "icb_code"), k -> new LinkedHashSet<>()).add(m.value(r, "org_code"));
                        }
                    }
                }
            }
        }
        for (Publication parent : pubs) {
            String org = parent.scopeValues().get("org");
            String icb = org != null ? org : subIcbs.size() == 1 ? subIcbs.keySet().iterator().next() : null;
            if (icb == null || !subIcbs.containsKey(icb)) {
                continue;
            }
            List<Publication> children = new ArrayList<>();
            for (Publication c : pubs) {
                Map<String, String> rest = new TreeMap<>(c.scopeValues());
                Map<String, String> parentRest = new TreeMap<>(parent.scopeValues());
                String childOrg = rest.remove("org");
                parentRest.remove("org");
                if (childOrg != null && subIcbs.get(icb).contains(childOrg) && rest.equals(parentRest)) {
                    children.add(c);
                }
            }
            if (!children.isEmpty()) {
                sumOverAreas(parent, children, children.size() < subIcbs.get(icb).size());
            }
        }
    }

    private void sumOverAreas(Publication parent, List<Publication> children, boolean atLeast) {
        for (Matched pm : parent.tables()) {
            TableLayout l = pm.layout();
            if (!l.scopeSum() || !pm.table().format().equals("csv")) {
                continue;
            }
            Map<String, List<String>> parts = new LinkedHashMap<>();
            for (List<String> row : pm.rows()) {
                for (String c : l.counts()) {
                    if (isCount(pm, l, row)) {
                        parts.put(cell(parent, l, row, pm, c), new ArrayList<>());
                    }
                }
            }
            for (Publication child : children) {
                Matched cm = child.tables().stream().filter(t -> t.layout() == l && t.table().format().equals("csv")).findFirst().orElse(null);
                if (cm == null) {
                    continue;
                }
                for (List<String> row : pm.rows()) {
                    for (String c : l.counts()) {
                        if (!isCount(pm, l, row)) {
                            continue;
                        }
                        List<String> rowKey = new ArrayList<>();
                        for (String k : l.keys()) {
                            rowKey.add(pm.value(row, k));
                        }
                        String childCell = key(child, l, rowKey, c);
                        if (!bounds.has(childCell)) {
                            bounds.observe(childCell, new Interval(0, 0), "no row in " + child.folder().getFileName() + "/" + cm.table().file());
                        }
                        parts.get(cell(parent, l, row, pm, c)).add(childCell);
                    }
                }
            }
            parts.forEach((total, cells) -> bounds.sum(new Bounds.Sum(total, cells, atLeast, "the Sub-ICBs' publications add up to the ICB's")));
        }
    }

    private Result result(int publications) {
        int hidden = knowledge.rule().hiddenUpTo();
        List<Recovery> recovered = new ArrayList<>();
        Map<String, Integer> byTable = new TreeMap<>();
        for (String cell : targets.keySet()) {
            byTable.merge(cell.substring(0, cell.indexOf(SEP)), 1, Integer::sum);
            Interval i = bounds.get(cell);
            // a class of released records is a count by design; only one below the release's own k is a leak
            boolean counts = cell.startsWith(RECORDS) ? printedSmall.contains(cell)
                    : i.exact() && i.lo() >= 1 && i.lo() <= hidden && !bounds.conflicts().contains(cell);
            if (counts) {
                recovered.add(new Recovery(cell, i.lo(), bounds.evidence(cell)));
            }
        }
        for (String cell : printedSmall) {
            if (!targets.containsKey(cell)) {
                recovered.add(new Recovery(cell, bounds.get(cell).lo(), bounds.evidence(cell)));
            }
        }
        List<String> unrounded = new ArrayList<>();
        exactCounts.forEach((cell, what) -> unrounded.add(cell + " = " + what));
        return new Result(publications, reader.files, reader.tables, figures, bounds.relations(), targets.size(), recovered, unrounded,
                List.copyOf(bounds.conflicts()), List.copyOf(reader.unread), List.copyOf(reader.notRead), byTable);
    }
}
