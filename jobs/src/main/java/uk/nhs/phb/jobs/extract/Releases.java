package uk.nhs.phb.jobs.extract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.anonymise.AnonymiseJob;
import uk.nhs.phb.models.anonymise.LossMeasure;
import uk.nhs.phb.models.anonymise.VerifyAnonymity;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.models.pseudonym.RecipientPseudonyms;
import uk.nhs.phb.pipelines.anonymise.AnonymiseTable;
import uk.nhs.phb.pipelines.extract.ColumnRef;
import uk.nhs.phb.pipelines.extract.PersonView;
import uk.nhs.phb.schemas.Csv;

/** The three kinds of release an extract writes: pseudonymised rows, an anonymised table, aggregate tables. */
final class Releases {
    private Releases() {
    }

    /** Present refs; refs of absent tables are left out with a note; a column missing from a present table is an error. */
    static List<ColumnRef> present(List<ColumnRef> refs, Map<String, Dataset<Row>> tables, List<String> notes, String what) {
        List<ColumnRef> unknown = PersonView.unknown(tables, refs);
        if (!unknown.isEmpty()) {
            Map<String, List<String>> have = new TreeMap<>();
            unknown.forEach(u -> have.put(u.table(), List.of(tables.get(u.table()).columns())));
            throw new InputException(what + " names columns " + unknown + " that the gold tables do not have (their columns: " + have
                    + "); correct the purposes file");
        }
        List<ColumnRef> absent = PersonView.absent(tables, refs);
        if (!absent.isEmpty()) {
            notes.add(what + ": left out " + absent.stream().map(ColumnRef::name).toList() + " (table absent)");
        }
        return refs.stream().filter(r -> !absent.contains(r)).toList();
    }

    /**
     * What a person-level release wrote: rows, column names, for anonymised ones the person ids released, and what the
     * release adds to the manifest.
     */
    record Released(long rows, List<String> columns, Dataset<Row> included, Details details) {
    }

    /**
     * What a release adds to its manifest, by level (the parts another level has are left out): a person-level release's
     * columns; a pseudonymised one's pseudonym and order; an anonymised one's suppressed records, its anonymisation and a
     * summary of it (for the command's summary, not the manifest); an aggregate one's tables and the rule they went through.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Details(List<ColumnInfo> columns, Pseudonym pseudonym, String orderBy, Long suppressed, Anonymisation anonymisation,
                   @JsonIgnore AnonymisationSummary anonymisationSummary, List<TableInfo> tables, String disclosureControl) {
    }

    /** A released column and its Spark type. */
    record ColumnInfo(String name, String type) {
    }

    /** How a pseudonymised release names its people. */
    record Pseudonym(String column, String scheme, String keyFingerprint) {
    }

    /** An anonymised release's quasi-identifiers, models, limit, levels, the k reached, its loss, risks and the verifier's report. */
    record Anonymisation(Map<String, String> quasiIdentifiers, List<String> sensitive, List<String> models, double maxSuppression,
                         Map<String, Integer> levels, long kAchieved, AnonymiseJob.Loss informationLoss, double prosecutorRiskMax,
                         double journalistRiskMax, double marketerRisk, long sampleUniques, VerifyAnonymity.Report verification) {
    }

    /** The anonymisation in brief, for the command's summary. */
    public record AnonymisationSummary(long kAchieved, long suppressed, Map<String, Integer> levels, AnonymiseJob.Loss informationLoss,
                                       double prosecutorRiskMax, long sampleUniques, boolean verified) {
    }

    /** An aggregate table as the manifest lists it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableInfo(String name, String file, String title, String rows, String columns, String filter, String unit,
                            long primarySuppressions, long secondarySuppressions) {
    }

    /** What an aggregate release wrote: the table rows, and the tables and rule for the manifest. */
    record Aggregated(long rows, Details details) {
    }

    static Released pseudonymised(SparkSession spark, ExtractJob.Request req, ExtractPurposes.Purpose purpose, ExtractPurposes.Level spec,
                                           String recipient, Dataset<Row> kept, Map<String, Dataset<Row>> tables, String staging,
                                           List<String> notes) {
        List<ColumnRef> refs = present(spec.columns(), tables, notes, "columns");
        List<ColumnRef> all = new ArrayList<>(refs);
        ColumnRef order = purpose.orderBy();
        boolean hiddenOrder = false;
        if (order != null && tables.containsKey(order.table()) && refs.stream().noneMatch(r -> r.name().equals(order.name()))) {
            all.add(new ColumnRef(order.table(), order.column(), "_order"));
            hiddenOrder = true;
        }
        RecipientPseudonyms pseudonyms = RecipientPseudonyms.of(req.lakeKey(), recipient);
        Dataset<Row> view = PersonView.select(kept, tables, all);
        List<Column> out = new ArrayList<>();
        out.add(PersonView.pseudonym(pseudonyms, col("person_id")).alias(ExtractJob.PSEUDONYM));
        refs.forEach(r -> out.add(col(r.name())));
        Column sortKey = order == null || !tables.containsKey(order.table()) ? null : col(hiddenOrder ? "_order" : order.name());
        Dataset<Row> released = view.select(concat(out, sortKey == null ? null : sortKey.alias("_sort")));
        released = sortKey == null ? released.orderBy(ExtractJob.PSEUDONYM) : released.orderBy(col("_sort").asc_nulls_last(), col(ExtractJob.PSEUDONYM));
        released = PersonView.flat(released.drop("_sort"));
        released.coalesce(1).write().option("header", true).csv(staging + "/data");
        Files2.nameSparkFiles(spark, staging + "/data", "extract", "csv");
        long rows = spark.read().option("header", true).csv(staging + "/data").count();
        List<String> columns = List.of(released.columns());
        Pseudonym pseudonym = new Pseudonym(ExtractJob.PSEUDONYM, "R + 20 base64url characters of HMAC-SHA256(person_id) under the lake "
                + "key derived for extract:" + recipient + "; the same for every extract to this recipient, unrelated for any other",
                pseudonyms.keyFingerprint());
        String orderBy = order == null ? null : sortKey == null ? ExtractJob.PSEUDONYM : order.toString();
        return new Released(rows, columns, null, new Details(columnList(released), pseudonym, orderBy, null, null, null, null, null));
    }

    static Released anonymised(SparkSession spark, ExtractJob.Request req, ExtractPurposes.Level spec, Dataset<Row> kept,
                                       Map<String, Dataset<Row>> tables, String staging, List<String> notes, List<Dataset<Row>> cached,
                                       Progress progress) {
        List<ColumnRef> refs = present(spec.columns(), tables, notes, "columns");
        List<String> names = refs.stream().map(ColumnRef::name).toList();
        ExtractPurposes.Anonymisation a = spec.anonymise();
        Map<String, String> qis = new LinkedHashMap<>();
        a.quasiIdentifiers().forEach((c, h) -> {
            if (names.contains(c)) {
                qis.put(c, h);
            } else {
                notes.add("quasi-identifier " + c + " is not released (its table is absent)");
            }
        });
        List<String> sensitive = a.sensitive().stream().filter(names::contains).toList();
        if (qis.isEmpty()) {
            throw new InputException("none of the quasi-identifiers " + a.quasiIdentifiers().keySet() + " can be released; nothing to anonymise");
        }
        Dataset<Row> view = PersonView.flat(PersonView.select(kept, tables, refs)).persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(view);
        LossMeasure loss = switch (a.loss()) {
            case "precision" -> LossMeasure.PRECISION;
            case "discernibility" -> LossMeasure.DISCERNIBILITY;
            case "iyengar" -> LossMeasure.IYENGAR;
            default -> LossMeasure.NON_UNIFORM_ENTROPY;
        };
        Double l = sensitive.isEmpty() ? null : a.l();
        Double t = sensitive.isEmpty() ? null : a.t();
        AnonymiseJob.Models models = new AnonymiseJob.Models(a.k(), l, a.entropyL(), t, a.orderedT());
        String out = staging + "/anonymised";
        AnonymiseJob.Result result = AnonymiseJob.run(spark, view.drop("person_id"), new AnonymiseJob.Request("extract at "
                + req.quarter().end(), "csv", ",", qis, sensitive, models, a.maxSuppression(), loss, out, false, req.settings().lake()), progress);
        // which people the transformation released, for the trail (the output itself carries no person id)
        Dataset<Row> included = AnonymiseTable.apply(view, result.result().transformation()).select(col("person_id"),
                lit(true).alias("_released"));
        VerifyAnonymity.Report check = AnonymiseJob.verify(spark, out + "/data", "csv", ",", new ArrayList<>(qis.keySet()), sensitive, models);
        if (!check.passed()) {
            throw new IllegalStateException("the anonymised extract failed verification where it is to be published: " + check);
        }
        AnonymiseJob.Summary s = result.summary();
        long rows = s.records() - s.suppressed();
        Anonymisation anonymisation = new Anonymisation(qis, sensitive, result.result().models(), a.maxSuppression(), result.result().levels(),
                s.kAchieved(), s.informationLoss(), s.prosecutorRiskMax(), s.journalistRiskMax(), s.marketerRisk(), s.sampleUniques(), check);
        AnonymisationSummary brief = new AnonymisationSummary(s.kAchieved(), s.suppressed(), s.levels(), s.informationLoss(),
                s.prosecutorRiskMax(), s.sampleUniques(), true);
        return new Released(rows, List.of(view.drop("person_id").columns()), included,
                new Details(columnList(view.drop("person_id")), null, null, s.suppressed(), anonymisation, brief, null, null));
    }

    /** Writes each table through the small-number rule; returns the number of table rows written and the tables for the manifest. */
    static Aggregated aggregate(SparkSession spark, ExtractPurposes.Level spec, Dataset<Row> kept, Map<String, Dataset<Row>> tables,
                                String staging, List<String> notes) {
        List<TableInfo> written = new ArrayList<>();
        long rows = 0;
        for (ExtractPurposes.Table t : spec.tables()) {
            List<ColumnRef> refs = present(t.refs(), tables, notes, "table " + t.name());
            if (refs.size() < t.refs().size()) {
                continue;
            }
            List<Row> cells = PersonView.cellCounts(kept, tables, t.rows(), t.columns(), t.filter()).collectAsList();
            if (cells.isEmpty()) {
                notes.add("table " + t.name() + ": no people to count; not written");
                continue;
            }
            List<String> rowLabels = labels(cells, 0, t.rowOrder());
            List<String> colLabels = labels(cells, 1, t.columnOrder());
            long[][] counts = new long[rowLabels.size()][colLabels.size()];
            for (Row c : cells) {
                counts[rowLabels.indexOf(c.getString(0))][colLabels.indexOf(c.getString(1))] = c.getLong(2);
            }
            SmallNumbers.Table published = SmallNumbers.NHS_DIGITAL.table(counts, SmallNumbers.Level.SUB_NATIONAL);
            String csv = csv(t, rowLabels, colLabels, published);
            checkAggregate(t.name(), csv, rowLabels.size(), colLabels.size());
            Files2.writeText(spark, staging + "/tables/" + t.name() + ".csv", csv);
            rows += rowLabels.size() + 1;
            written.add(new TableInfo(t.name(), "tables/" + t.name() + ".csv", t.title(), t.rows().toString(), t.columns().toString(),
                    t.filter() == null ? null : t.filter().toString(), "persons", countSuppressed(published, SmallNumbers.Suppression.PRIMARY),
                    published.secondarySuppressions()));
        }
        String rule = SmallNumbers.NHS_DIGITAL + ", sub-national: 0 stays 0, 1-7 shown as *, others rounded to the "
                + "nearest 5; totals from unrounded counts; secondary suppression where a total would reveal a hidden cell";
        return new Aggregated(rows, new Details(null, null, null, null, null, null, written, rule));
    }

    static String csv(ExtractPurposes.Table t, List<String> rowLabels, List<String> colLabels, SmallNumbers.Table published) {
        String[][] grid = published.grid();
        List<String> header = new ArrayList<>(List.of(t.rows().name()));
        colLabels.forEach(c -> header.add(t.columns().name() + ":" + c));
        header.add("total");
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r <= rowLabels.size(); r++) {
            List<String> row = new ArrayList<>(List.of(r < rowLabels.size() ? rowLabels.get(r) : "total"));
            row.addAll(List.of(grid[r]));
            rows.add(row);
        }
        return Csv.write(header, rows);
    }

    /**
     * The last guard of a publication: the file holds one header, a line per category and a total line, and every
     * figure is 0, {@code *} or a multiple of 5. Anything else (a person-level row, an unrounded count) stops the
     * run before anything is published.
     */
    static void checkAggregate(String name, String csv, int rowCategories, int colCategories) {
        List<List<String>> lines = new ArrayList<>();
        Csv.stream("publication table " + name, new java.io.StringReader(csv), lines::add, lines::add);
        if (lines.size() != rowCategories + 2) {
            throw new IllegalStateException("publication table " + name + " has " + lines.size() + " lines, not " + (rowCategories + 2)
                    + "; not published");
        }
        for (List<String> cells : lines.subList(1, lines.size())) {
            if (cells.size() != colCategories + 2) {
                throw new IllegalStateException("publication table " + name + ": a line has " + cells.size() + " cells; not published");
            }
            for (int i = cells.size() - colCategories - 1; i < cells.size(); i++) {
                String v = cells.get(i);
                if (!v.equals("*") && !(v.matches("[0-9]+") && Long.parseLong(v) % 5 == 0)) {
                    throw new IllegalStateException("publication table " + name + " holds the figure '" + v
                            + "', which the small-number rule never publishes; not published");
                }
            }
        }
        if (lines.get(0).stream().anyMatch(h -> h.contains("person_id") || h.contains(ExtractJob.PSEUDONYM))) {
            throw new IllegalStateException("publication table " + name + " names a person id column; not published");
        }
    }

    static int countSuppressed(SmallNumbers.Table t, SmallNumbers.Suppression kind) {
        int n = 0;
        for (SmallNumbers.Figure[] row : t.cells()) {
            for (SmallNumbers.Figure f : row) {
                n += f.suppression() == kind ? 1 : 0;
            }
        }
        for (SmallNumbers.Figure f : t.rowTotals()) {
            n += f.suppression() == kind ? 1 : 0;
        }
        for (SmallNumbers.Figure f : t.columnTotals()) {
            n += f.suppression() == kind ? 1 : 0;
        }
        return n + (t.grandTotal().suppression() == kind ? 1 : 0);
    }

    /** Category labels: those of {@code order} first, in that order, then natural order (numbers by value, then text; {@code unknown} last). */
    static List<String> labels(List<Row> cells, int i, List<String> order) {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        cells.forEach(c -> set.add(c.getString(i)));
        List<String> out = new ArrayList<>(set);
        out.sort(Comparator.comparing((String s) -> order.contains(s) ? order.indexOf(s) : order.size())
                .thenComparing(s -> s.equals(PersonView.UNKNOWN))
                .thenComparing(s -> !s.matches("-?[0-9]+(\\.[0-9]+)?"))
                .thenComparing((a, b) -> a.matches("-?[0-9]+(\\.[0-9]+)?") && b.matches("-?[0-9]+(\\.[0-9]+)?")
                        ? Double.compare(Double.parseDouble(a), Double.parseDouble(b)) : naturalBand(a).compareTo(naturalBand(b))));
        return out;
    }

    /** Sorts bands like 5-9 before 10-14: leading number padded. */
    static String naturalBand(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9]+)(.*)$").matcher(s);
        return m.matches() ? String.format("%09d%s", Long.parseLong(m.group(1)), m.group(2)) : s;
    }

    static List<ColumnInfo> columnList(Dataset<Row> d) {
        List<ColumnInfo> out = new ArrayList<>();
        for (var f : d.schema().fields()) {
            out.add(new ColumnInfo(f.name(), f.dataType().simpleString()));
        }
        return out;
    }

    static Column[] concat(List<Column> cols, Column extra) {
        List<Column> all = new ArrayList<>(cols);
        if (extra != null) {
            all.add(extra);
        }
        return all.toArray(Column[]::new);
    }
}
