package uk.nhs.phb.schemas.profiles;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY;
import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Grouping;
import uk.nhs.phb.schemas.profiles.DatasetProfile.SourceColumn;
import uk.nhs.phb.schemas.profiles.PriceList.Price;

/**
 * A profile in words: what {@code phb profiles show} prints, and the generated part of docs/PROFILES.md, so the
 * documentation cannot drift from what ingest does.
 */
public final class ProfilesDoc {
    private ProfilesDoc() {
    }

    /**
     * Every mapping of one profile, as {@code phb profiles show ID --json} prints it; the sections a profile lacks (XML
     * root and record, FHIR resource, identity, joins, lookups, grouping, pricing) are left out.
     */
    public record Shown(String id, String dataset, String specification, String specVersion, String unconfirmed, String folder, String feed,
                        String source, List<String> dateFormats, String format, @JsonInclude(NON_NULL) String resource,
                        @JsonInclude(NON_NULL) String root, @JsonInclude(NON_NULL) List<String> record,
                        @JsonInclude(NON_NULL) ShownIdentity identity,
                        @JsonInclude(NON_EMPTY) @JsonFormat(with = JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED) List<ShownPerson> person,
                        List<ShownColumn> columns, @JsonInclude(NON_NULL) String files, @JsonInclude(NON_EMPTY) List<String> unread,
                        @JsonInclude(NON_NULL) String where, @JsonInclude(NON_EMPTY) List<ShownJoin> join, Map<String, String> fields,
                        @JsonInclude(NON_EMPTY) List<DatasetProfile.Lookup> lookup, @JsonInclude(NON_NULL) ShownGroup group,
                        @JsonInclude(NON_NULL) ShownPrice price) {
    }

    /** An XML return's identity: its element(s) (or every table of a CSV return), the local id and what is taken out. */
    public record ShownIdentity(@JsonInclude(NON_NULL) @JsonFormat(with = JsonFormat.Feature.WRITE_SINGLE_ELEM_ARRAYS_UNWRAPPED)
                                List<String> element, @JsonInclude(NON_NULL) String tables, String localId, String localIdDomain,
                                List<String> identifierElements, String tokenElement) {
    }

    public record ShownPerson(String column, String domain, String field) {
    }

    public record ShownColumn(String name, boolean required, List<String> aliases, @JsonInclude(NON_NULL) String path, String description) {
    }

    public record ShownJoin(String name, String files, @JsonInclude(NON_NULL) String resource, Map<String, String> on, List<String> columns) {
    }

    public record ShownGroup(List<String> by, String order, List<String> max, List<String> min, List<String> sum, List<String> countDistinct,
                             String id) {
    }

    @JsonInclude(NON_NULL)
    public record ShownPrice(String list, String date, String pointOfDelivery, String code, String costField, String unitsSource,
                             String units) {
    }

    public static Shown shown(DatasetProfile p) {
        ShownIdentity identity = null;
        if (p.identity() != null) {
            identity = new ShownIdentity(p.xml() ? p.identity().elements() : null, p.xml() ? null : "every table of the return",
                    p.identity().localId(), p.identity().localIdDomain(), p.identity().identifierElements(), p.person().field());
        }
        List<ShownColumn> columns = new ArrayList<>();
        for (SourceColumn c : p.columns()) {
            columns.add(new ShownColumn(c.name(), c.required(), c.aliases(), c.path() == null ? null : c.path().toString(), c.description()));
        }
        List<ShownJoin> joins = new ArrayList<>();
        for (DatasetProfile.Join j : p.joins()) {
            joins.add(new ShownJoin(j.name(), j.files(), j.resource(), j.on(), j.columns().stream().map(SourceColumn::name).toList()));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (FieldSpec f : p.contract().fields()) {
            fields.put(f.name(), source(p, f.name()));
        }
        DatasetProfile.Grouping g = p.grouping();
        ShownGroup group = g == null ? null : new ShownGroup(g.by(), String.valueOf(g.order()), g.max(), g.min(), g.sum(), g.countDistinct(),
                String.valueOf(g.id()));
        DatasetProfile.Pricing pr = p.pricing();
        ShownPrice price = pr == null ? null : new ShownPrice(pr.list(), pr.date(), pr.pointOfDelivery(), pr.code(), pr.costField(),
                pr.unitsSource(), pr.units());
        return new Shown(p.id(), p.dataset(), p.specification(), p.specVersion(), p.unconfirmed(), "landing/" + p.folder(), p.feed(), p.source(),
                p.dateFormats(), p.format(), p.fhir() ? p.resource() : null, p.xml() ? p.resource() : null, p.xml() ? p.records() : null,
                identity, p.persons().stream().map(x -> new ShownPerson(x.column(), x.domain(), x.field())).toList(), columns,
                p.files(), p.files() == null ? List.of() : p.unread(), p.where(), joins, fields, p.lookups(), group, price);
    }

    /** Where a feed field's value comes from, in words. */
    static String source(DatasetProfile p, String field) {
        DatasetProfile.Person person = p.personFor(field);
        if (person != null) {
            return "keyed token of " + person.column() + " in pseudonymisation domain '" + person.domain() + "'";
        }
        if (p.grouping() != null && field.equals(p.grouping().id())) {
            return "keyed id of the group (" + String.join(", ", p.grouping().by()) + ")";
        }
        String sql = p.fields().get(field);
        String priced = p.pricing() != null && p.pricing().costField().equals(field)
                ? " when given; otherwise priced from the " + p.pricing().list() + " price list" : "";
        if (field.equals("cost_source") && p.pricing() != null) {
            return "recorded when the cost was sent; otherwise tariff, unit_cost or local, by the price used";
        }
        if (field.equals("price_year") && p.pricing() != null) {
            return "financial year of the price used (blank for recorded costs)";
        }
        if (sql == null) {
            return priced.isEmpty() ? "(blank)" : "priced from the " + p.pricing().list() + " price list";
        }
        String folded = "";
        if (p.grouping() != null) {
            folded = p.grouping().max().contains(field) ? " (largest over the group)"
                    : p.grouping().min().contains(field) ? " (smallest over the group)"
                    : p.grouping().sum().contains(field) ? " (summed over the group)"
                    : p.grouping().countDistinct().contains(field) ? " (distinct values over the group, counted)" : "";
        }
        return sql + folded + priced;
    }

    /** How a profile's grouping folds rows, in words. */
    static String grouping(Grouping g, boolean markdown) {
        String q = markdown ? "`" : "";
        StringBuilder t = new StringBuilder("Rows with the same ").append(String.join(", ", g.by())).append(" are one record");
        t.append(g.order() == null ? ", in the order of the files and lines" : ", in the order of " + q + g.order() + q);
        List<String> computed = g.aggregated();
        t.append("; the first gives every field").append(computed.isEmpty() ? "" : " except " + String.join(", ", computed));
        List<String> how = new ArrayList<>();
        if (!g.max().isEmpty()) {
            how.add(String.join(", ", g.max()) + " the largest over the record");
        }
        if (!g.min().isEmpty()) {
            how.add(String.join(", ", g.min()) + " the smallest");
        }
        if (!g.sum().isEmpty()) {
            how.add(String.join(", ", g.sum()) + " summed");
        }
        if (!g.countDistinct().isEmpty()) {
            how.add(String.join(", ", g.countDistinct()) + " the number of distinct values");
        }
        return t.append(how.isEmpty() ? "" : " (" + String.join("; ", how) + ")").append(".\n").toString();
    }

    private static String lookup(DatasetProfile.Lookup l, Profiles profiles, boolean markdown) {
        String q = markdown ? "`" : "";
        CodeMaps.CodeMap map = profiles.codeMap(l.map());
        return "Looked up as " + q + l.name() + q + ": " + q + l.on() + q + " in code map " + q + l.map() + q + " ("
                + String.format("%,d", map.rows().size()) + " rows; " + map.source() + "), giving " + String.join(", ",
                        l.columns().stream().map(c -> q + l.name() + "." + c + q).toList())
                + "; a code with several rows gives a row for each.\n";
    }

    /** What {@code phb profiles show ID} prints. */
    public static String text(DatasetProfile p, Profiles profiles) {
        StringBuilder t = new StringBuilder();
        t.append(p.id()).append(": ").append(p.dataset()).append('\n');
        t.append("  reads landing/").append(p.folder()).append("/ into feed ").append(p.feed()).append('\n');
        t.append("  specification: ").append(p.specification()).append('\n');
        t.append("  version: ").append(p.specVersion()).append('\n');
        if (!p.unconfirmed().isEmpty()) {
            t.append("  not confirmed: ").append(p.unconfirmed()).append('\n');
        }
        t.append("  read from: ").append(p.source()).append('\n');
        t.append("  dates in: ").append(String.join(", ", p.dateFormats())).append("\n\n");
        if (p.fhir()) {
            t.append("  lines: FHIR R4 resources in NDJSON; the main table's are ").append(p.resource()).append(" resources\n");
        }
        if (p.list()) {
            t.append("  lines: one value per line, no header; the text up to a line's first comma is ").append(p.columns().get(0).name())
                    .append('\n');
        }
        if (p.identity() != null) {
            t.append("  identity (phb pseudonymise --profile ").append(p.id()).append("): ")
                    .append(p.xml() ? "in each " + String.join(" and ", p.identity().elements()) : "in every table of the return")
                    .append(", ").append(String.join(", ", p.identity().identifierElements())).append(" are replaced by ")
                    .append(p.person().field()).append(" (domain ").append(p.identity().localIdDomain()).append(") and the encodings\n");
        }
        if (p.xml()) {
            t.append("  records: XML elements ").append(String.join(", ", p.records())).append(" below <").append(p.resource())
                    .append(">, read as a stream\n");
        }
        t.append("Columns read").append(":\n");
        for (SourceColumn c : p.columns()) {
            t.append(String.format("  %-26s %-9s %s%s%s%n", c.name(), c.required() ? "required" : "optional", c.description(),
                    c.aliases().isEmpty() ? "" : " (also read as " + String.join(", ", c.aliases()) + ")",
                    c.path() == null ? "" : "\n" + " ".repeat(38) + "path: " + c.path()));
        }
        if (p.files() != null) {
            t.append("  (the files named ").append(p.files()).append(")\n");
        }
        for (DatasetProfile.Join j : p.joins()) {
            t.append("\nJoined as ").append(j.name()).append(": the files named ").append(j.files())
                    .append(j.resource() == null ? "" : " (" + j.resource() + " resources)").append(", on ").append(on(j))
                    .append(j.optional() ? "; may be left out" : "").append(":\n");
            for (SourceColumn c : j.columns()) {
                t.append(String.format("  %-26s %-9s %s%s%n", c.name(), c.required() ? "required" : "optional", c.description(),
                        c.path() == null ? "" : "\n" + " ".repeat(38) + "path: " + c.path()));
            }
        }
        for (DatasetProfile.Lookup l : p.lookups()) {
            t.append('\n').append(lookup(l, profiles, false));
        }
        if (p.where() != null) {
            t.append("\nRows are the feed's where ").append(p.where()).append("; the others are set aside and counted.\n");
        }
        t.append("\nFeed ").append(p.feed()).append(" fields:\n");
        for (FieldSpec f : p.contract().fields()) {
            t.append(String.format("  %-20s <- %s%n", f.name(), source(p, f.name())));
        }
        if (p.grouping() != null) {
            t.append('\n').append(grouping(p.grouping(), false));
        }
        if (p.pricing() != null) {
            t.append("\nA row without ").append(p.pricing().costField()).append(" is priced from the ").append(p.pricing().list())
                    .append(" list at point of delivery ").append(p.pricing().pointOfDelivery()).append(", code ")
                    .append(p.pricing().code()).append(", for the financial year of ").append(p.pricing().date())
                    .append(p.pricing().units() == null ? "" : ", times " + p.pricing().units())
                    .append(p.pricing().unitsSource() == null ? "" : ", times " + p.pricing().unitsSource()).append(".\n");
        }
        return t.toString();
    }

    private static String columnRow(SourceColumn c) {
        String holds = c.description() + (c.path() == null ? "" : " (path `" + c.path() + "`)");
        return "| `" + c.name() + "`" + (c.aliases().isEmpty() ? "" : " (or `" + String.join("`, `", c.aliases()) + "`)") + " | "
                + (c.required() ? "yes" : "no") + " | " + holds.replace("|", "\\|") + " |\n";
    }

    /** The generated part of docs/PROFILES.md: every profile's columns and mappings, and the national price list's sources. */
    public static String markdown(Profiles profiles) {
        StringBuilder md = new StringBuilder();
        md.append("| profile | landing folder | feed | dataset | specification version |\n|---|---|---|---|---|\n");
        for (DatasetProfile p : profiles.all()) {
            md.append("| [`").append(p.id()).append("`](#").append(p.id()).append(") | `landing/").append(p.folder()).append("/` | `")
                    .append(p.feed()).append("` | ").append(p.dataset()).append(" | ").append(p.specVersion()).append(" |\n");
        }
        for (DatasetProfile p : profiles.all()) {
            md.append("\n### ").append(p.id()).append("\n\n").append(p.dataset()).append(". Follows: ").append(p.specification())
                    .append(" (").append(p.specVersion()).append(").\n\n");
            if (!p.unconfirmed().isEmpty()) {
                md.append("Not confirmed against the specification: ").append(p.unconfirmed()).append("\n\n");
            }
            for (DatasetProfile.Person person : p.persons()) {
                md.append("Person: `").append(person.column()).append("`, re-keyed with the lake key in domain `")
                        .append(person.domain()).append("` into `").append(person.field()).append("`.\n\n");
            }
            if (p.fhir()) {
                md.append("Lines: FHIR R4 resources, one JSON object per line (NDJSON); the main table's are `").append(p.resource())
                        .append("` resources, each column taken by its FHIRPath.\n\n");
            }
            if (p.list()) {
                md.append("Lines: one value per line and no header, as the National Data Opt-out check's files are written; the text ")
                        .append("up to a line's first comma is `").append(p.columns().get(0).name()).append("` (a MESH `.dat` file's ")
                        .append("trailing comma is allowed), blank lines are skipped.\n\n");
            }
            if (p.identity() != null) {
                md.append("Identity: `phb pseudonymise --profile ").append(p.id()).append("` replaces, in each `")
                        .append(String.join("` and `", p.identity().elements())).append("`, the elements `").append(String.join("`, `", p.identity().identifierElements()))
                        .append("` by `").append(p.person().field()).append("` (phb's token of `").append(p.identity().localId())
                        .append("`, domain `").append(p.identity().localIdDomain()).append("`) and the linkage encodings the feed carries.\n\n");
            }
            if (p.xml()) {
                md.append("Records: XML, read as a stream; each element at `").append(String.join("` and `", p.records()))
                        .append("` below the root `<").append(p.resource()).append(">` is a row, each column taken by its path ")
                        .append("from the root (the record and what its ancestors hold before it).\n\n");
            }
            md.append("| column | required | holds |\n|---|---|---|\n");
            for (SourceColumn c : p.columns()) {
                md.append(columnRow(c));
            }
            if (p.files() != null) {
                md.append("\nThe main table is the folder's files named `").append(p.files()).append("`.\n");
            }
            for (DatasetProfile.Join j : p.joins()) {
                md.append("\nJoined as `").append(j.name()).append("` (files named `").append(j.files()).append("`")
                        .append(j.resource() == null ? "" : ", `" + j.resource() + "` resources").append(", on ")
                        .append(on(j)).append("; the largest row where several match").append(j.optional() ? "; may be left out, its columns then blank" : "")
                        .append("):\n\n| column | required | holds |\n|---|---|---|\n");
                for (SourceColumn c : j.columns()) {
                    md.append(columnRow(c));
                }
            }
            for (DatasetProfile.Lookup l : p.lookups()) {
                md.append('\n').append(lookup(l, profiles, true));
            }
            if (p.where() != null) {
                md.append("\nRows are the feed's where `").append(p.where().replace("|", "\\|"))
                        .append("`; the others are set aside and counted in the data-quality summary (`read_by`).\n");
            }
            md.append("\n| feed field | from |\n|---|---|\n");
            for (FieldSpec f : p.contract().fields()) {
                md.append("| `").append(f.name()).append("` | ").append(code(source(p, f.name()))).append(" |\n");
            }
            if (p.grouping() != null) {
                md.append('\n').append(grouping(p.grouping(), true));
            }
            if (p.pricing() != null) {
                md.append("\nUncosted rows: ").append(p.pricing().list()).append(" price list, point of delivery `")
                        .append(p.pricing().pointOfDelivery().replace("|", "\\|")).append("`, code `").append(p.pricing().code())
                        .append("`, financial year of `").append(p.pricing().date()).append("`")
                        .append(p.pricing().units() == null ? "" : ", times `" + p.pricing().units() + "`")
                        .append(p.pricing().unitsSource() == null ? "" : ", times `" + p.pricing().unitsSource() + "`").append(".\n");
            }
        }
        md.append("\n### National prices shipped\n\n| list | point of delivery | prices | years | source |\n|---|---|---|---|---|\n");
        Map<String, List<Price>> byPod = new LinkedHashMap<>();
        for (Price x : profiles.prices().prices()) {
            byPod.computeIfAbsent(x.list() + "|" + x.pointOfDelivery(), k -> new ArrayList<>()).add(x);
        }
        for (List<Price> l : byPod.values()) {
            Price first = l.get(0);
            String years = l.stream().map(x -> x.year() == null ? "any" : x.year() + "/" + String.format("%02d", (x.year() + 1) % 100))
                    .distinct().sorted().reduce((a, b) -> a + ", " + b).orElse("");
            String sources = l.stream().map(Price::source).distinct().reduce((a, b) -> a + "; " + b).orElse("");
            md.append("| ").append(first.list()).append(" | `").append(first.pointOfDelivery()).append("` | ").append(l.size())
                    .append(" | ").append(years).append(" | ").append(sources.replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    private static String on(DatasetProfile.Join j) {
        return String.join(" and ", j.on().entrySet().stream().map(e -> e.getKey() + " = " + j.name() + "." + e.getValue()).toList());
    }

    private static String code(String s) {
        return "`" + s.replace("|", "\\|").replace("`", "'") + "`";
    }
}
