package uk.nhs.phb.schemas.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Person;
import uk.nhs.phb.schemas.profiles.DatasetProfile.SourceColumn;
import uk.nhs.phb.schemas.profiles.PriceList.Price;
import uk.nhs.phb.schemas.profiles.YamlNodes.Entry;

/**
 * The dataset profiles phb ships ({@code profiles/<id>.yaml}, listed in {@code profiles/index.txt}) and an ICB's
 * local override file, which may add a column alias or a column, replace a field's expression, set the
 * pseudonymisation domain, and add local prices, all without a rebuild. Every error names its file and line.
 */
public final class Profiles {
    private static final String FOLDER = "/uk/nhs/phb/schemas/profiles/";
    /** Date formats a profile accepts when it names none: ISO, UK day-first, and ISO date-times. */
    static final List<String> DEFAULT_DATE_FORMATS = List.of("yyyy-MM-dd", "dd/MM/yyyy", "yyyy-MM-dd HH:mm:ss",
            "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.SSS", "dd/MM/yyyy HH:mm", "dd/MM/yyyy HH:mm:ss", "yyyyMMdd");
    static final String XML_NAME = "[A-Za-z_][A-Za-z0-9_-]*";
    private static final String[] OVERRIDE_KEYS = {"domain", "domains", "aliases", "columns", "fields", "date_formats"};

    private final Map<String, DatasetProfile> byId;
    private final PriceList prices;
    private final String overrideFile;
    private final Map<String, CodeMaps.CodeMap> localCodeMaps;
    private final Map<String, Map<String, String>> localCodes;

    private Profiles(Map<String, DatasetProfile> byId, PriceList prices, String overrideFile, Map<String, CodeMaps.CodeMap> localCodeMaps,
            Map<String, Map<String, String>> localCodes) {
        this.byId = java.util.Collections.unmodifiableMap(new TreeMap<>(byId));
        this.prices = prices;
        this.overrideFile = overrideFile;
        this.localCodeMaps = Map.copyOf(localCodeMaps);
        Map<String, Map<String, String>> codes = new TreeMap<>();
        localCodes.forEach((list, c) -> codes.put(list, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(c))));
        this.localCodes = java.util.Collections.unmodifiableMap(codes);
    }

    private static volatile Profiles shipped;

    /** The profiles phb ships, with the national price list (read once per JVM). */
    public static Profiles builtIn() {
        Profiles p = shipped;
        if (p == null) {
            p = readShipped();
            shipped = p;
        }
        return p;
    }

    private static Profiles readShipped() {
        Map<String, DatasetProfile> out = new TreeMap<>();
        for (String id : index()) {
            String resource = FOLDER + id + ".yaml";
            InputStream in = Profiles.class.getResourceAsStream(resource);
            if (in == null) {
                throw new IllegalStateException("profiles/index.txt names " + id + " but " + resource + " is missing");
            }
            DatasetProfile p = ProfileParser.parse("profiles/" + id + ".yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!p.id().equals(id)) {
                throw new IllegalStateException("profiles/" + id + ".yaml declares id " + p.id());
            }
            out.put(id, p);
        }
        return new Profiles(out, PriceList.national(), null, Map.of(), Map.of());
    }

    /** The built-in profiles changed by a local override file (or unchanged when {@code file} is null). */
    /**
     * Where a landing folder may carry its own override file (read by ingest when none is given; phb synth writes one for
     * its synthetic councils and schools).
     */
    public static final String LANDING_OVERRIDES = "_reference/profile-overrides.yaml";

    public static Profiles withOverrides(Path file) {
        Profiles base = builtIn();
        if (file == null) {
            return base;
        }
        if (!Files.isRegularFile(file)) {
            throw new ProfileException("override file " + file + " does not exist; pass the path of your local profile "
                    + "overrides (see docs/PROFILES.md), or leave --profile-overrides out");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return base.override(file.toString(), r);
        } catch (IOException e) {
            throw new ProfileException("cannot read override file " + file + ": " + e.getMessage());
        }
    }

    public List<DatasetProfile> all() {
        return List.copyOf(byId.values());
    }

    /** The profiles that read a landing folder (several when a data set's tables share one, as MHSDS's do). */
    public List<DatasetProfile> inFolder(String folder) {
        return byId.values().stream().filter(p -> p.folder().equals(folder)).toList();
    }

    public DatasetProfile byId(String id) {
        DatasetProfile p = byId.get(id);
        if (p == null) {
            throw new ProfileException("no profile '" + id + "'; profiles: " + String.join(", ", byId.keySet()));
        }
        return p;
    }

    public PriceList prices() {
        return prices;
    }

    /**
     * Codes an ICB accepts beside a national code list (list name -> code -> meaning), from its override file: a row with
     * one is valid and keeps the code, where it would otherwise be quarantined or kept as "not known".
     */
    public Map<String, Map<String, String>> localCodes() {
        return localCodes;
    }

    /** A code map as profiles read it: the shipped rows, with an override file's local rows added. */
    public CodeMaps.CodeMap codeMap(String name) {
        CodeMaps.CodeMap local = localCodeMaps.get(name);
        return local != null ? local : CodeMaps.shipped(name);
    }

    /** The override file these profiles were changed by, or null. */
    public String overrideFile() {
        return overrideFile;
    }

    private static List<String> index() {
        return listing(FOLDER + "index.txt");
    }

    /** The names an index resource lists, one a line ({@code #} lines are comments). */
    static List<String> listing(String resource) {
        InputStream in = Profiles.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing resource " + resource);
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One profile file (see {@link ProfileParser}). */
    static DatasetProfile parse(String file, Reader reader) {
        return ProfileParser.parse(file, reader);
    }

    /** These profiles changed by one override file. */
    Profiles override(String file, Reader reader) {
        Entry doc = YamlNodes.read(file, reader);
        Map<String, Entry> top = doc.map("profiles", "prices", "code_maps", "codes");
        Map<String, DatasetProfile> out = new TreeMap<>(byId);
        if (top.containsKey("profiles")) {
            for (Map.Entry<String, Entry> e : top.get("profiles").map().entrySet()) {
                DatasetProfile base = byId.get(e.getKey());
                if (base == null) {
                    throw e.getValue().error("no profile '" + e.getKey() + "' to override; profiles: " + String.join(", ", byId.keySet()));
                }
                out.put(base.id(), overridden(base, e.getValue(), file));
            }
        }
        List<Price> local = new ArrayList<>();
        if (top.containsKey("prices")) {
            for (Entry pe : top.get("prices").list()) {
                local.add(localPrice(pe));
            }
        }
        Map<String, CodeMaps.CodeMap> maps = new LinkedHashMap<>(localCodeMaps);
        if (top.containsKey("code_maps")) {
            Path dir = Path.of(file).toAbsolutePath().getParent();
            for (Map.Entry<String, Entry> cm : top.get("code_maps").map().entrySet()) {
                try {
                    CodeMaps.CodeMap base = maps.containsKey(cm.getKey()) ? maps.get(cm.getKey()) : CodeMaps.shipped(cm.getKey());
                    String path = cm.getValue().text();
                    if (path == null || path.isBlank()) {
                        throw new ProfileException("give the path of a CSV file of local rows (relative to the override file)");
                    }
                    maps.put(cm.getKey(), CodeMaps.withLocal(base, dir.resolve(path)));
                } catch (ProfileException ex) {
                    throw cm.getValue().error(ex.getMessage());
                }
            }
        }
        Map<String, Map<String, String>> codes = new LinkedHashMap<>(localCodes);
        if (top.containsKey("codes")) {
            Set<String> lists = new java.util.TreeSet<>();
            Feeds.all().forEach(c -> c.fields().forEach(f -> {
                if (f.codeList() != null) {
                    lists.add(f.codeList());
                }
            }));
            for (Map.Entry<String, Entry> l : top.get("codes").map().entrySet()) {
                if (!lists.contains(l.getKey())) {
                    throw l.getValue().error("no code list '" + l.getKey() + "' in the feeds; code lists: " + String.join(", ", lists));
                }
                Map<String, String> national = uk.nhs.phb.schemas.CodeLists.get(l.getKey());
                Map<String, String> added = new LinkedHashMap<>(codes.getOrDefault(l.getKey(), Map.of()));
                for (Entry ce : l.getValue().list()) {
                    Map<String, Entry> cm = ce.map("code", "meaning");
                    String code = YamlNodes.required(cm, "code", ce).strip();
                    String meaning = YamlNodes.required(cm, "meaning", ce);
                    if (national.containsKey(code)) {
                        throw ce.error("'" + code + "' is already in the national list " + l.getKey() + " (" + national.get(code)
                                + "); a local code is one the national list lacks");
                    }
                    added.put(code, meaning);
                }
                codes.put(l.getKey(), added);
            }
        }
        return new Profiles(out, prices.with(local), file, maps, codes);
    }

    private static DatasetProfile overridden(DatasetProfile base, Entry e, String file) {
        Map<String, Entry> o = e.map(OVERRIDE_KEYS);
        List<Person> persons = new ArrayList<>(base.persons());
        if (o.containsKey("domain")) {
            if (persons.isEmpty()) {
                throw o.get("domain").error("profile " + base.id() + " has no person column, so no domain to set");
            }
            String domain = o.get("domain").text();
            ProfileParser.checkDomain(domain == null ? "" : domain, o.get("domain"));
            persons.set(0, persons.get(0).withDomain(domain, persons.get(0).field()));
        }
        if (o.containsKey("domains")) {
            // by the field each person column fills: {la_person_token: council-e08000026, nhs_token: dscro-x26}
            for (Map.Entry<String, Entry> d : o.get("domains").map().entrySet()) {
                int at = -1;
                for (int i = 0; i < persons.size(); i++) {
                    if (persons.get(i).field().equals(d.getKey())) {
                        at = i;
                    }
                }
                if (at < 0) {
                    throw d.getValue().error("profile " + base.id() + " has no person column filling '" + d.getKey() + "'");
                }
                String domain = d.getValue().text();
                ProfileParser.checkDomain(domain == null ? "" : domain, d.getValue());
                persons.set(at, persons.get(at).withDomain(domain, d.getKey()));
            }
        }
        Map<String, SourceColumn> columns = new LinkedHashMap<>();
        base.columns().forEach(c -> columns.put(c.name(), c));
        if (o.containsKey("columns")) {
            ProfileParser.addColumns(o.get("columns"), columns, base.byPath());
        }
        List<DatasetProfile.Join> joins = new ArrayList<>(base.joins());
        if (o.containsKey("aliases") && base.byPath()) {
            throw o.get("aliases").error("profile " + base.id() + " reads " + (base.fhir() ? "FHIR resources" : "XML records") + ", whose columns are found by path, not by header "
                    + "name: give the column again under 'columns' with the path your export uses");
        }
        if (o.containsKey("aliases")) {
            for (Map.Entry<String, Entry> a : o.get("aliases").map().entrySet()) {
                int dot = a.getKey().indexOf('.');
                if (dot > 0 && !columns.containsKey(a.getKey())) {
                    // a joined table's column, named as expressions read it (mpi.Der_Pseudo_NHS_Number)
                    String join = a.getKey().substring(0, dot);
                    String column = a.getKey().substring(dot + 1);
                    int at = -1;
                    for (int i = 0; i < joins.size(); i++) {
                        if (joins.get(i).name().equals(join)) {
                            at = i;
                        }
                    }
                    DatasetProfile.Join j = at < 0 ? null : joins.get(at);
                    if (j == null || j.columns().stream().noneMatch(c -> c.name().equals(column))) {
                        throw a.getValue().error("profile " + base.id() + " has no joined column '" + a.getKey() + "' to alias");
                    }
                    List<SourceColumn> joined = new ArrayList<>();
                    for (SourceColumn c : j.columns()) {
                        List<String> aliases = new ArrayList<>(c.aliases());
                        if (c.name().equals(column)) {
                            aliases.addAll(a.getValue().texts());
                        }
                        joined.add(new SourceColumn(c.name(), c.required(), c.description(), aliases, c.path()));
                    }
                    joins.set(at, new DatasetProfile.Join(j.name(), j.files(), j.on(), joined, j.resource(), j.optional(), j.sameFolder()));
                    continue;
                }
                SourceColumn c = columns.get(a.getKey());
                if (c == null) {
                    throw a.getValue().error("profile " + base.id() + " has no column '" + a.getKey() + "' to alias");
                }
                List<String> aliases = new ArrayList<>(c.aliases());
                aliases.addAll(a.getValue().texts());
                columns.put(c.name(), new SourceColumn(c.name(), c.required(), c.description(), aliases, c.path()));
            }
        }
        Map<String, String> fields = new LinkedHashMap<>(base.fields());
        Map<String, Entry> fieldLines = new LinkedHashMap<>();
        if (o.containsKey("fields")) {
            for (Map.Entry<String, Entry> f : o.get("fields").map().entrySet()) {
                fields.put(f.getKey(), f.getValue().text());
                fieldLines.put(f.getKey(), f.getValue());
            }
        }
        List<String> dateFormats = o.containsKey("date_formats") ? ProfileParser.dateFormats(o.get("date_formats")) : base.dateFormats();
        DatasetProfile p = new DatasetProfile(base.id(), base.dataset(), base.specification(), base.specVersion(), base.feed(),
                base.unconfirmed(), dateFormats, persons, List.copyOf(columns.values()), fields, base.grouping(), base.pricing(),
                base.source() + " + " + file, base.folder(), base.files(), joins, base.where(), base.lookups(), base.format(), base.resource(), base.records(), base.unread(), base.identity());
        // fields the override did not touch were checked with the profile; they are checked again against the new
        // columns and reported at the override's entry
        for (String f : fields.keySet()) {
            fieldLines.putIfAbsent(f, e);
        }
        Map<String, Entry> lines = new LinkedHashMap<>();
        lines.put("fields", o.getOrDefault("fields", e));
        lines.put("group", e);
        lines.put("price", e);
        ProfileParser.check(p, fieldLines, lines, e);
        return p;
    }

    private static Price localPrice(Entry e) {
        Map<String, Entry> m = e.map("list", "point_of_delivery", "code", "fy", "price", "source");
        String list = YamlNodes.required(m, "list", e);
        if (!PriceList.LISTS.contains(list)) {
            throw m.get("list").error("price list '" + list + "' is not one of " + PriceList.LISTS);
        }
        String fy = Optional.ofNullable(YamlNodes.optional(m, "fy")).orElse("*");
        Integer year;
        try {
            year = fy.equals("*") ? null : Integer.valueOf(fy);
        } catch (NumberFormatException ex) {
            throw m.get("fy").error("fy is the first year of the financial year (2024 for 2024/25) or *, not '" + fy + "'");
        }
        BigDecimal price;
        try {
            price = new BigDecimal(YamlNodes.required(m, "price", e));
        } catch (NumberFormatException ex) {
            throw m.get("price").error("price is a number of pounds, not '" + m.get("price").text() + "'");
        }
        if (price.signum() < 0) {
            throw m.get("price").error("a price cannot be negative");
        }
        return new Price(list, YamlNodes.required(m, "point_of_delivery", e), Optional.ofNullable(YamlNodes.optional(m, "code")).orElse("*"),
                year, price, YamlNodes.required(m, "source", e), true);
    }
}
