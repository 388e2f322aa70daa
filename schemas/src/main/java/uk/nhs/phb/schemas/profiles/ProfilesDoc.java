package uk.nhs.phb.schemas.profiles;

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

    /** Every mapping of one profile, as an ordered map (for {@code --json}). */
    public static Map<String, Object> toMap(DatasetProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("dataset", p.dataset());
        m.put("specification", p.specification());
        m.put("spec_version", p.specVersion());
        m.put("unconfirmed", p.unconfirmed());
        m.put("folder", "landing/" + p.folder());
        m.put("feed", p.feed());
        m.put("source", p.source());
        m.put("date_formats", p.dateFormats());
        m.put("format", p.format());
        if (p.fhir()) {
            m.put("resource", p.resource());
        }
        if (p.xml()) {
            m.put("root", p.resource());
            m.put("record", p.records());
        }
        if (p.identity() != null) {
            Map<String, Object> id = new java.util.LinkedHashMap<>();
            if (p.xml()) {
                id.put("element", p.identity().elements().size() == 1 ? p.identity().elements().get(0) : p.identity().elements());
            } else {
                id.put("tables", "every table of the return");
            }
            id.put("local_id", p.identity().localId());
            id.put("local_id_domain", p.identity().localIdDomain());
            id.put("identifier_elements", p.identity().identifierElements());
            id.put("token_element", p.person().field());
            m.put("identity", id);
        }
        if (p.persons().size() == 1) {
            m.put("person", Map.of("column", p.person().column(), "domain", p.person().domain(), "field", p.person().field()));
        } else if (!p.persons().isEmpty()) {
            m.put("person", p.persons().stream().map(x -> Map.of("column", x.column(), "domain", x.domain(), "field", x.field())).toList());
        }
        List<Map<String, Object>> columns = new ArrayList<>();
        for (SourceColumn c : p.columns()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name());
            cm.put("required", c.required());
            cm.put("aliases", c.aliases());
            if (c.path() != null) {
                cm.put("path", c.path().toString());
            }
            cm.put("description", c.description());
            columns.add(cm);
        }
        m.put("columns", columns);
        if (p.files() != null) {
            m.put("files", p.files());
            if (!p.unread().isEmpty()) {
                m.put("unread", p.unread());
            }
        }
        if (p.where() != null) {
            m.put("where", p.where());
        }
        if (!p.joins().isEmpty()) {
            List<Map<String, Object>> joins = new ArrayList<>();
            for (DatasetProfile.Join j : p.joins()) {
                Map<String, Object> jm = new LinkedHashMap<>();
                jm.put("name", j.name());
                jm.put("files", j.files());
                if (j.resource() != null) {
                    jm.put("resource", j.resource());
                }
                jm.put("on", j.on());
                jm.put("columns", j.columns().stream().map(SourceColumn::name).toList());
                joins.add(jm);
            }
            m.put("join", joins);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldSpec f : p.contract().fields()) {
            fields.put(f.name(), source(p, f.name()));
        }
        m.put("fields", fields);
        if (!p.lookups().isEmpty()) {
            List<Map<String, Object>> lookups = new ArrayList<>();
            for (DatasetProfile.Lookup l : p.lookups()) {
                lookups.add(Map.of("name", l.name(), "map", l.map(), "on", l.on(), "columns", l.columns()));
            }
            m.put("lookup", lookups);
        }
        if (p.grouping() != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("by", p.grouping().by());
            g.put("order", String.valueOf(p.grouping().order()));
            g.put("max", p.grouping().max());
            g.put("min", p.grouping().min());
            g.put("sum", p.grouping().sum());
            g.put("count_distinct", p.grouping().countDistinct());
            g.put("id", String.valueOf(p.grouping().id()));
            m.put("group", g);
        }
        if (p.pricing() != null) {
            Map<String, Object> price = new LinkedHashMap<>(Map.of("list", p.pricing().list(), "date", p.pricing().date(), "point_of_delivery",
                    p.pricing().pointOfDelivery(), "code", p.pricing().code(), "cost_field", p.pricing().costField()));
            if (p.pricing().unitsSource() != null) {
                price.put("units_source", p.pricing().unitsSource());
            }
            if (p.pricing().units() != null) {
                price.put("units", p.pricing().units());
            }
            m.put("price", price);
        }
        return m;
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
