package uk.nhs.phb.schemas.profiles;

import java.io.Reader;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Grouping;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Person;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Pricing;
import uk.nhs.phb.schemas.profiles.DatasetProfile.SourceColumn;
import uk.nhs.phb.schemas.profiles.YamlNodes.Entry;

/**
 * Reads one dataset profile file ({@code profiles/<id>.yaml}): its source columns and aliases, the person columns and
 * their pseudonymisation domains, the feed fields as expressions over the columns, joins and lookups of further
 * tables, a return's identity section, grouping and pricing; then checks it whole against the feed's contract. Every
 * error names the file and line.
 */
final class ProfileParser {
    private static final String[] PROFILE_KEYS = {"id", "dataset", "specification", "spec_version", "feed", "unconfirmed",
        "date_formats", "person", "columns", "fields", "group", "price", "folder", "files", "join", "where", "lookup", "format", "resource", "root", "record", "unread", "identity"};
    /** An element path below the root ({@link XmlElementPath}): names joined by dots, a name ending in ? optional. */
    private static final String XML_PATH = "(" + Profiles.XML_NAME + "\\??\\.)*" + Profiles.XML_NAME;

    private ProfileParser() {
    }

    /** One profile file. */
    static DatasetProfile parse(String file, Reader reader) {
        Entry doc = YamlNodes.read(file, reader);
        Map<String, Entry> m = doc.map(PROFILE_KEYS);
        String id = YamlNodes.required(m, "id", doc);
        if (!id.matches("[a-z][a-z0-9_]*")) {
            throw m.get("id").error("a profile id is snake_case (it is also the landing folder's name): '" + id + "'");
        }
        String feed = YamlNodes.required(m, "feed", doc);
        FeedContract contract;
        try {
            contract = Feeds.byName(feed);
        } catch (IllegalArgumentException e) {
            throw m.get("feed").error(e.getMessage());
        }
        List<String> dateFormats = m.containsKey("date_formats") ? dateFormats(m.get("date_formats")) : Profiles.DEFAULT_DATE_FORMATS;
        String format = Optional.ofNullable(YamlNodes.optional(m, "format")).orElse(DatasetProfile.CSV);
        if (!DatasetProfile.FORMATS.contains(format)) {
            throw m.get("format").error("format '" + format + "' is not one of " + DatasetProfile.FORMATS);
        }
        boolean fhir = format.equals(DatasetProfile.FHIR_NDJSON);
        boolean xml = format.equals(DatasetProfile.XML);
        String resource = YamlNodes.optional(m, "resource");
        if (fhir != (resource != null)) {
            throw (fhir ? doc : m.get("resource")).error(fhir ? "a FHIR profile names the resource type of its main table's lines ('resource: Condition')"
                    : "'resource' is for a FHIR profile (format: " + DatasetProfile.FHIR_NDJSON + ")");
        }
        if (resource != null && !resource.matches("[A-Z][A-Za-z]+")) {
            throw m.get("resource").error("'" + resource + "' is not a FHIR resource type (Patient, Encounter, Condition ...)");
        }
        List<String> records = List.of();
        if (xml != m.containsKey("root") || xml != m.containsKey("record")) {
            Entry at = xml ? doc : m.containsKey("root") ? m.get("root") : m.get("record");
            throw at.error(xml ? "an XML profile names the root element of its files ('root: Message') and the element path of "
                    + "its rows below it ('record: Children.Child.CINdetails', or a list of them)"
                    : "'root' and 'record' are for an XML profile (format: " + DatasetProfile.XML + ")");
        }
        if (xml) {
            resource = YamlNodes.required(m, "root", doc);
            if (!resource.matches(Profiles.XML_NAME)) {
                throw m.get("root").error("'" + resource + "' is not an XML element name");
            }
            Entry re = m.get("record");
            records = re.isMap() ? List.of() : re.texts();
            if (records.isEmpty()) {
                throw re.error("'record' is an element path below the root ('Children.Child.CINdetails') or a list of them");
            }
            for (String r : records) {
                if (!r.matches(XML_PATH)) {
                    throw re.error("'" + r + "' is not an element path below the root: element names joined by dots, "
                            + "without the root ('Children.Child.CINdetails'); a name ending in ? is an element that may or "
                            + "may not wrap the rest ('Pupils.PupilsOnRoll?.PupilOnRoll')");
                }
            }
        }
        Map<String, SourceColumn> columns = new LinkedHashMap<>();
        Entry columnsEntry = m.get("columns");
        if (columnsEntry == null) {
            throw doc.error("'columns' is required: the source columns the profile reads");
        }
        addColumns(columnsEntry, columns, fhir || xml);
        boolean list = format.equals(DatasetProfile.LIST);
        if (list && (columns.size() != 1 || m.containsKey("join") || m.containsKey("group"))) {
            throw (columns.size() != 1 ? columnsEntry : m.containsKey("join") ? m.get("join") : m.get("group")).error(
                    "a list profile (format: " + DatasetProfile.LIST + ") reads one value per line: one column, no join, no group");
        }
        String folder = YamlNodes.optional(m, "folder");
        if (folder != null && !folder.matches("[a-z][a-z0-9_]*")) {
            throw m.get("folder").error("a landing folder's name is snake_case: '" + folder + "'");
        }
        String files = YamlNodes.optional(m, "files");
        if (xml && m.containsKey("join")) {
            throw m.get("join").error("an XML return holds each record's context in the same file: read it by path "
                    + "(Children.Child.ChildIdentifiers.LAchildID), not by a join");
        }
        List<DatasetProfile.Join> joins = m.containsKey("join") ? joins(m.get("join"), columns, fhir) : List.of();
        List<String> unread = m.containsKey("unread") ? m.get("unread").texts() : List.of();
        if (!unread.isEmpty() && files == null) {
            throw m.get("unread").error("'unread' names the data set's tables the profile does not read, beside those it reads by "
                    + "name ('files: episodes.csv')");
        }
        if (!joins.isEmpty() && files == null) {
            throw m.get("join").error("a profile that joins tables names its main table's files ('files: MHS201*'), so the "
                    + "joined tables' files are not read as main rows");
        }
        List<Person> persons = m.containsKey("person") ? persons(m.get("person"), contract, columns, joins) : List.of();
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Entry> fieldLines = new LinkedHashMap<>();
        Entry fieldsEntry = m.get("fields");
        if (fieldsEntry == null) {
            throw doc.error("'fields' is required: the feed's fields as expressions over the source columns");
        }
        for (Map.Entry<String, Entry> f : fieldsEntry.map().entrySet()) {
            fields.put(f.getKey(), f.getValue().text());
            fieldLines.put(f.getKey(), f.getValue());
        }
        List<DatasetProfile.Lookup> lookups = m.containsKey("lookup") ? lookups(m.get("lookup"), columns, joins) : List.of();
        Grouping grouping = m.containsKey("group") ? grouping(m.get("group")) : null;
        Pricing pricing = m.containsKey("price") ? pricing(m.get("price")) : null;
        DatasetProfile p = new DatasetProfile(id, YamlNodes.required(m, "dataset", doc), YamlNodes.required(m, "specification", doc),
                YamlNodes.required(m, "spec_version", doc), feed, Optional.ofNullable(YamlNodes.optional(m, "unconfirmed")).orElse(""),
                dateFormats, persons, List.copyOf(columns.values()), fields, grouping, pricing, file, folder, files, joins,
                YamlNodes.optional(m, "where"), lookups, format, resource, records, unread, identity(m, format, persons));
        check(p, fieldLines, m, doc);
        for (Person person : persons) {
            String scope = person.scope();
            if (scope != null && (fields.get(scope) == null || fields.get(scope).contains(DatasetProfile.PERSON_TOKEN))) {
                throw m.get("person").error("the person column's scope '" + scope + "' must be a field the profile sets from the "
                        + "source columns, not from " + DatasetProfile.PERSON_TOKEN);
            }
        }
        return p;
    }

    /** One person column ({@code person: {column, domain, field}}) or several, as a list; each fills its own field. */
    static List<Person> persons(Entry pe, FeedContract contract, Map<String, SourceColumn> columns, List<DatasetProfile.Join> joins) {
        List<Entry> entries = pe.isMap() ? List.of(pe) : pe.list();
        List<Person> out = new ArrayList<>();
        Set<String> fields = new LinkedHashSet<>();
        for (Entry e : entries) {
            Map<String, Entry> pm = e.map("column", "domain", "field", "scope", "otherwise", "valid");
            String column = YamlNodes.required(pm, "column", e);
            String field = Optional.ofNullable(YamlNodes.optional(pm, "field")).orElse("nhs_token");
            String scope = YamlNodes.optional(pm, "scope");
            if (scope != null && contract.field(scope).isEmpty()) {
                throw pm.get("scope").error("feed " + contract.name() + " has no field '" + scope + "' to scope the id by");
            }
            String otherwise = YamlNodes.optional(pm, "otherwise");
            if (otherwise != null && !readable(columns.values(), joins).contains(otherwise)) {
                throw pm.get("otherwise").error("the person column's stand-in '" + otherwise + "' is not among the profile's columns");
            }
            Person person = new Person(column, YamlNodes.required(pm, "domain", e), field, scope, otherwise,
                    validPattern(YamlNodes.optional(pm, "valid"), pm.get("valid")));
            checkDomain(person.domain(), pm.get("domain"));
            if (!readable(columns.values(), joins).contains(column)) {
                throw pm.get("column").error("the person column '" + column + "' is not among the profile's columns"
                        + (joins.isEmpty() ? "" : " or its joined tables' (name.column)"));
            }
            if (contract.field(field).isEmpty()) {
                throw e.error("feed " + contract.name() + " has no field '" + field + "'");
            }
            if (!fields.add(field)) {
                throw e.error("two person columns fill '" + field + "'");
            }
            out.add(person);
        }
        return out;
    }

    /** A {@code valid} pattern, checked to be a regular expression; null when none is given. */
    static String validPattern(String regex, Entry at) {
        if (regex == null) {
            return null;
        }
        try {
            java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException ex) {
            throw at.error("'valid' is a regular expression an id must match: " + ex.getDescription());
        }
        return regex;
    }

    static List<String> readable(java.util.Collection<SourceColumn> columns, List<DatasetProfile.Join> joins) {
        List<String> out = new ArrayList<>(columns.stream().map(SourceColumn::name).toList());
        for (DatasetProfile.Join j : joins) {
            j.columns().forEach(c -> out.add(j.name() + "." + c.name()));
        }
        return out;
    }

    static List<DatasetProfile.Join> joins(Entry e, Map<String, SourceColumn> main, boolean fhir) {
        List<DatasetProfile.Join> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> mainLower = new LinkedHashSet<>();
        main.keySet().forEach(c -> mainLower.add(c.toLowerCase(Locale.ROOT)));
        for (Entry je : e.list()) {
            Map<String, Entry> jm = je.map("name", "files", "on", "columns", "resource", "optional", "same_folder");
            String name = YamlNodes.required(jm, "name", je);
            if (!name.matches("[a-z][a-z0-9_]*") || mainLower.contains(name) || !names.add(name)) {
                throw jm.get("name").error("a join's name is snake_case, used once, and not a column's name: '" + name + "'");
            }
            String files = YamlNodes.required(jm, "files", je);
            if (!jm.containsKey("columns")) {
                throw je.error("join '" + name + "' needs 'columns': the joined table's columns the profile reads");
            }
            String resource = YamlNodes.optional(jm, "resource");
            if (fhir != (resource != null)) {
                throw je.error(fhir ? "join '" + name + "' names the resource type of its lines ('resource: Patient')"
                        : "join '" + name + "': 'resource' is for a FHIR profile");
            }
            Map<String, SourceColumn> columns = new LinkedHashMap<>();
            addColumns(jm.get("columns"), columns, fhir);
            if (!jm.containsKey("on") || jm.get("on").map().isEmpty()) {
                throw je.error("join '" + name + "' needs 'on': main column: joined column, for each key the two tables share");
            }
            Map<String, String> on = new LinkedHashMap<>();
            for (Map.Entry<String, Entry> k : jm.get("on").map().entrySet()) {
                String joined = k.getValue().text();
                if (!main.containsKey(k.getKey())) {
                    throw k.getValue().error("join '" + name + "': '" + k.getKey() + "' is not among the main table's columns");
                }
                if (!columns.containsKey(joined)) {
                    throw k.getValue().error("join '" + name + "': '" + joined + "' is not among its columns");
                }
                on.put(k.getKey(), joined);
            }
            out.add(new DatasetProfile.Join(name, files, on, List.copyOf(columns.values()), resource,
                    jm.containsKey("optional") && bool(jm.get("optional")), jm.containsKey("same_folder") && bool(jm.get("same_folder"))));
        }
        return out;
    }

    static List<DatasetProfile.Lookup> lookups(Entry e, Map<String, SourceColumn> main, List<DatasetProfile.Join> joins) {
        List<DatasetProfile.Lookup> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        joins.forEach(j -> names.add(j.name()));
        Set<String> mainLower = new LinkedHashSet<>();
        main.keySet().forEach(c -> mainLower.add(c.toLowerCase(Locale.ROOT)));
        for (Entry le : e.list()) {
            Map<String, Entry> lm = le.map("name", "map", "on");
            String name = YamlNodes.required(lm, "name", le);
            if (!name.matches("[a-z][a-z0-9_]*") || mainLower.contains(name) || !names.add(name)) {
                throw lm.get("name").error("a lookup's name is snake_case, used once (joins included), and not a column's name: '"
                        + name + "'");
            }
            String map = YamlNodes.required(lm, "map", le);
            CodeMaps.CodeMap codes;
            try {
                codes = CodeMaps.shipped(map);
            } catch (ProfileException ex) {
                throw lm.get("map").error(ex.getMessage());
            }
            String on = YamlNodes.required(lm, "on", le);
            if (!main.containsKey(on)) {
                throw lm.get("on").error("lookup '" + name + "': '" + on + "' is not among the main table's columns");
            }
            out.add(new DatasetProfile.Lookup(name, map, on, codes.values()));
        }
        return out;
    }

    static void checkDomain(String domain, Entry e) {
        if (!domain.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw e.error("a pseudonymisation domain is a short name of letters, digits, '.', '_' or '-' (e.g. dscro-x26): '"
                    + domain + "'");
        }
    }

    static List<String> dateFormats(Entry e) {
        List<String> out = e.texts();
        for (String f : out) {
            try {
                DateTimeFormatter.ofPattern(f);
            } catch (IllegalArgumentException ex) {
                throw e.error("'" + f + "' is not a date format (Java DateTimeFormatter pattern): " + ex.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw e.error("date_formats is empty");
        }
        return out;
    }

    /**
     * A FHIR or XML profile's columns each name their {@code path} in the resource or record; a CSV profile's are found by
     * header name.
     */
    static void addColumns(Entry columnsEntry, Map<String, SourceColumn> columns, boolean fhir) {
        for (Map.Entry<String, Entry> c : columnsEntry.map().entrySet()) {
            Entry v = c.getValue();
            String description;
            boolean optional = false;
            List<String> aliases = List.of();
            FhirPath path = null;
            if (v.isMap()) {
                Map<String, Entry> cm = v.map("description", "optional", "aliases", "path");
                description = YamlNodes.required(cm, "description", v);
                optional = cm.containsKey("optional") && bool(cm.get("optional"));
                aliases = cm.containsKey("aliases") ? cm.get("aliases").texts() : List.of();
                if (cm.containsKey("path") != fhir) {
                    throw v.error(fhir ? "column '" + c.getKey() + "' needs 'path': where its value is in the FHIR resource or XML record"
                            : "column '" + c.getKey() + "': 'path' is for a FHIR or XML profile (a CSV column is found by its header name)");
                }
                if (fhir && !aliases.isEmpty()) {
                    throw cm.get("aliases").error("a FHIR or XML column has a path, not header aliases");
                }
                if (fhir) {
                    try {
                        path = FhirPath.parse(cm.get("path").text());
                    } catch (ProfileException ex) {
                        throw cm.get("path").error(ex.getMessage());
                    }
                }
            } else if (fhir) {
                throw v.error("column '" + c.getKey() + "' needs 'path': where its value is in the FHIR resource or XML record");
            } else {
                description = v.text();
            }
            columns.put(c.getKey(), new SourceColumn(c.getKey(), !optional, description == null ? "" : description, aliases, path));
        }
    }

    static boolean bool(Entry e) {
        String t = e.text();
        if ("true".equalsIgnoreCase(t) || "yes".equalsIgnoreCase(t)) {
            return true;
        }
        if ("false".equalsIgnoreCase(t) || "no".equalsIgnoreCase(t)) {
            return false;
        }
        throw e.error("'" + e.key() + "' is true or false, not '" + t + "'");
    }

    /** A return's {@code identity} section (XML or CSV tables), or null. */
    static DatasetProfile.Identity identity(Map<String, Entry> m, String format, List<Person> persons) {
        Entry e = m.get("identity");
        if (e == null) {
            return null;
        }
        boolean xml = format.equals(DatasetProfile.XML);
        if (!xml && !format.equals(DatasetProfile.CSV)) {
            throw e.error("'identity' is for a return phb pseudonymise rewrites at the council: XML, or CSV tables");
        }
        if (persons.isEmpty()) {
            throw e.error("'identity' says where a return's person identifiers are, for phb pseudonymise; this profile names no "
                    + "person column");
        }
        Map<String, Entry> i = e.map("element", "local_id", "local_id_otherwise", "local_id_domain", "given_name", "family_name",
                "date_of_birth", "postcode", "drop", "other_ids");
        if (xml != i.containsKey("element")) {
            throw e.error(xml ? "'element' is required: the element path of each person below the root ('Persons.Person'), or a list"
                    : "'element' is for an XML return: a CSV return's identifiers are its tables' columns, named alone");
        }
        List<String> elements = xml ? i.get("element").texts() : List.of();
        for (String element : elements) {
            if (!element.matches(XML_PATH)) {
                throw i.get("element").error("'" + element + "' is not an element path below the root ('Persons.Person'; a name "
                        + "ending in ? may or may not wrap the rest)");
            }
        }
        String element = String.join(" and ", elements);
        String domain = YamlNodes.required(i, "local_id_domain", e);
        if (!domain.matches("[a-z][a-z0-9_]*")) {
            throw i.get("local_id_domain").error("a token domain is snake_case: '" + domain + "'");
        }
        List<String> drop = i.containsKey("drop") ? i.get("drop").texts() : List.of();
        String otherwise = YamlNodes.optional(i, "local_id_otherwise");
        String personOtherwise = persons.get(0).otherwise();
        if (otherwise != null && (personOtherwise == null || !otherwise.substring(otherwise.lastIndexOf('.') + 1).equals(personOtherwise))) {
            throw i.get("local_id_otherwise").error("'local_id_otherwise' stands in for the local id as the person column's "
                    + "'otherwise' does at ingest, so it names the same element (" + personOtherwise + ")");
        }
        List<DatasetProfile.OtherId> otherIds = new ArrayList<>();
        if (i.containsKey("other_ids")) {
            for (Entry o : i.get("other_ids").list()) {
                Map<String, Entry> om = o.map("element", "domain", "field", "valid");
                DatasetProfile.OtherId other = new DatasetProfile.OtherId(YamlNodes.required(om, "element", o),
                        YamlNodes.required(om, "domain", o), YamlNodes.required(om, "field", o),
                        validPattern(YamlNodes.optional(om, "valid"), om.get("valid")));
                checkDomain(other.domain(), om.get("domain"));
                if (persons.stream().noneMatch(p -> p.field().equals(other.field()) && p.domain().equals(other.domain()))) {
                    throw om.get("field").error("other id " + other.element() + " is written as '" + other.field() + "', which no "
                            + "person column of domain '" + other.domain() + "' fills: ingest would not read it as a token");
                }
                otherIds.add(other);
            }
        }
        DatasetProfile.Identity id = new DatasetProfile.Identity(elements, YamlNodes.required(i, "local_id", e), otherwise, domain,
                YamlNodes.optional(i, "given_name"), YamlNodes.optional(i, "family_name"), YamlNodes.optional(i, "date_of_birth"),
                YamlNodes.optional(i, "postcode"), drop, otherIds);
        for (String name : id.identifierElements()) {
            if (!xml && name.contains(".")) {
                throw e.error("'" + name + "' is not a column name: a CSV return's identifiers are named alone ('CHILD')");
            }
            if (!name.matches(Profiles.XML_NAME + "(\\." + Profiles.XML_NAME + ")*")) {
                throw e.error("'" + name + "' is not an element path inside " + element + " (a child's name, or names joined by "
                        + "dots: 'PupilIdentifiers.UPN')");
            }
        }
        return id;
    }

    static Grouping grouping(Entry e) {
        Map<String, Entry> g = e.map("by", "order", "max", "min", "id", "sum", "count_distinct");
        List<String> by = g.containsKey("by") ? g.get("by").texts() : List.of();
        if (by.isEmpty()) {
            throw e.error("'group' needs 'by': the feed fields that identify one record");
        }
        Grouping out = new Grouping(by, YamlNodes.optional(g, "order"), texts(g, "max"), texts(g, "min"), YamlNodes.optional(g, "id"),
                texts(g, "sum"), texts(g, "count_distinct"));
        Set<String> seen = new LinkedHashSet<>(by);
        for (String f : out.aggregated()) {
            if (!seen.add(f)) {
                throw e.error("field '" + f + "' is named twice in 'group' (a field is a key, or computed one way)");
            }
        }
        return out;
    }

    static List<String> texts(Map<String, Entry> m, String key) {
        return m.containsKey(key) ? m.get(key).texts() : List.of();
    }

    static Pricing pricing(Entry e) {
        Map<String, Entry> p = e.map("list", "date", "point_of_delivery", "code", "cost_field", "units", "units_source");
        String list = YamlNodes.required(p, "list", e);
        if (!PriceList.LISTS.contains(list)) {
            throw p.get("list").error("price list '" + list + "' is not one of " + PriceList.LISTS);
        }
        Pricing pricing = new Pricing(list, YamlNodes.required(p, "date", e), YamlNodes.required(p, "point_of_delivery", e),
                YamlNodes.required(p, "code", e), Optional.ofNullable(YamlNodes.optional(p, "cost_field")).orElse("cost"),
                YamlNodes.optional(p, "units"), YamlNodes.optional(p, "units_source"));
        if (pricing.units() != null && pricing.unitsSource() != null) {
            throw p.get("units_source").error("a price has units or units_source, not both");
        }
        return pricing;
    }

    /** Cross-checks: every field is the feed's, every expression parses and reads declared columns, nothing required is left. */
    static void check(DatasetProfile p, Map<String, Entry> fieldLines, Map<String, Entry> m, Entry doc) {
        FeedContract contract = p.contract();
        Set<String> sourceColumns = new LinkedHashSet<>();
        p.readableColumns().forEach(c -> sourceColumns.add(c.toLowerCase(Locale.ROOT)));
        if (p.person() != null) {
            if (sourceColumns.contains(DatasetProfile.PERSON_TOKEN)) {
                throw doc.error("a column named '" + DatasetProfile.PERSON_TOKEN + "': the name is the person's phb token's in expressions");
            }
            sourceColumns.add(DatasetProfile.PERSON_TOKEN);
        }
        sourceColumns.add(DatasetProfile.SOURCE_FILE);
        for (Map.Entry<String, String> f : p.fields().entrySet()) {
            Entry line = fieldLines.get(f.getKey());
            if (contract.field(f.getKey()).isEmpty()) {
                throw line.error("feed " + contract.name() + " has no field '" + f.getKey() + "'; its fields: "
                        + String.join(", ", contract.fieldNames()));
            }
            if (p.personFor(f.getKey()) != null) {
                throw line.error("'" + f.getKey() + "' is made from the person column; remove it from 'fields'");
            }
            if (f.getValue() != null) {
                readsOnly(f.getValue(), sourceColumns, "source columns", line);
            }
        }
        if (p.where() != null) {
            readsOnly(p.where(), sourceColumns, "source columns", m.getOrDefault("where", doc));
        }
        Set<String> feedFields = new LinkedHashSet<>(contract.fieldNames());
        if (p.grouping() != null) {
            Entry g = m.get("group");
            if (p.grouping().order() != null) {
                readsOnly(p.grouping().order(), sourceColumns, "source columns", g);
            }
            List<String> named = new ArrayList<>(p.grouping().by());
            named.addAll(p.grouping().aggregated());
            if (p.grouping().id() != null) {
                named.add(p.grouping().id());
            }
            for (String f : named) {
                if (!feedFields.contains(f)) {
                    throw g.error("feed " + contract.name() + " has no field '" + f + "'");
                }
            }
        }
        if (p.pricing() != null) {
            Entry pe = m.get("price");
            Set<String> lower = new LinkedHashSet<>();
            feedFields.forEach(f -> lower.add(f.toLowerCase(Locale.ROOT)));
            readsOnly(p.pricing().pointOfDelivery(), lower, "feed fields", pe);
            readsOnly(p.pricing().code(), lower, "feed fields", pe);
            if (p.pricing().units() != null) {
                readsOnly(p.pricing().units(), lower, "feed fields", pe);
            }
            if (p.pricing().unitsSource() != null) {
                readsOnly(p.pricing().unitsSource(), sourceColumns, "source columns", pe);
            }
            for (String f : List.of(p.pricing().date(), p.pricing().costField())) {
                if (!feedFields.contains(f)) {
                    throw pe.error("feed " + contract.name() + " has no field '" + f + "'");
                }
            }
        }
        List<String> unfilled = new ArrayList<>();
        for (FieldSpec f : contract.fields()) {
            boolean filled = p.fields().get(f.name()) != null
                    || p.personFor(f.name()) != null
                    || (p.grouping() != null && f.name().equals(p.grouping().id()))
                    || (p.pricing() != null && f.name().equals(p.pricing().costField()));
            if (f.required() && !filled) {
                unfilled.add(f.name());
            }
        }
        if (!unfilled.isEmpty()) {
            throw (m.get("fields") == null ? doc : m.get("fields")).error("feed " + contract.name() + " requires field(s) "
                    + String.join(", ", unfilled) + ", which the profile does not fill");
        }
    }

    static void readsOnly(String sql, Set<String> allowed, String what, Entry where) {
        Set<String> read;
        try {
            read = SqlExpressions.columns(sql);
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage());
        }
        for (String c : read) {
            if (!allowed.contains(c)) {
                throw where.error("the expression '" + sql + "' reads '" + c + "', which is not among the profile's " + what);
            }
        }
    }
}
