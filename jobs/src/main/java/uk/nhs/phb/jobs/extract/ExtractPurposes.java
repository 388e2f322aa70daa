package uk.nhs.phb.jobs.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.pipelines.extract.ColumnRef;
import uk.nhs.phb.pipelines.extract.PersonView;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.IdentityLevel;

/**
 * The extract purposes, held as configuration: for each purpose the identity levels it may release at, and for
 * each level the legal basis, the opt-outs applied, and the columns (person-level) or tables (aggregate). The
 * default is the resource {@code uk/nhs/phb/schemas/reference/extract_purposes.json}; {@code --purposes FILE}
 * replaces it. Every rule the extract relies on is checked here, and every problem is reported together.
 *
 * <p>Rules: levels are PSEUDONYMISED, ANONYMISED or AGGREGATE (never IDENTIFIABLE); a purpose that releases
 * aggregates releases nothing else, and the {@code publication} purpose releases only aggregates; person-level
 * levels name columns and no tables, aggregate levels tables and no columns; {@code person_id} is never released;
 * an anonymised level names its quasi-identifiers among its columns, with k of at least 2.
 */
public record ExtractPurposes(String source, String version, String sha256, Map<String, Purpose> purposes) {
    public static final String RESOURCE = "/uk/nhs/phb/schemas/reference/extract_purposes.json";
    /** The purpose whose output is published: it may only ever be aggregate. */
    public static final String PUBLICATION = "publication";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One purpose: who it serves, its scope, an optional population filter and sort, and its levels. */
    public record Purpose(String name, String description, String scope, Population population, ColumnRef orderBy,
                          IdentityLevel defaultLevel, Map<IdentityLevel, Level> levels) {
        /** Scope {@code practice}: the extract holds one GP practice's patients. */
        public boolean perPractice() {
            return scope.equals("practice");
        }
    }

    /** People of the population table (at the reference date) meeting a Spark SQL condition on its columns. */
    public record Population(String table, String where) {
    }

    /**
     * What a purpose releases at one level.
     *
     * @param optOuts   opt-out types applied, in order (a person removed counts under the first that matches)
     * @param columns   person-level columns (empty for aggregate)
     * @param anonymise the privacy models of an anonymised level (null otherwise)
     * @param tables    aggregate tables (empty for person-level)
     */
    public record Level(String legalBasis, List<String> optOuts, List<ColumnRef> columns, Anonymisation anonymise,
                        List<Table> tables) {
    }

    /** Settings passed to the anonymisation engine; quasi-identifiers are released column names. */
    public record Anonymisation(int k, Double l, boolean entropyL, Double t, boolean orderedT, double maxSuppression, String loss,
                                Map<String, String> quasiIdentifiers, List<String> sensitive) {
    }

    /**
     * A two-way table of persons; {@code filter} (a boolean column, or null) restricts the people counted;
     * {@code rowOrder} and {@code columnOrder} list categories to show first, in that order (others follow in natural
     * order).
     */
    public record Table(String name, String title, ColumnRef rows, ColumnRef columns, ColumnRef filter, List<String> rowOrder,
                        List<String> columnOrder) {
        public List<ColumnRef> refs() {
            List<ColumnRef> r = new ArrayList<>(List.of(rows, columns));
            if (filter != null) {
                r.add(filter);
            }
            return r;
        }
    }

    /** The built-in purposes. */
    public static ExtractPurposes defaults() {
        try (InputStream in = ExtractPurposes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(in.readAllBytes(), "built-in " + RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("reading " + RESOURCE, e);
        }
    }

    /** Purposes from a file (replacing the built-in ones). */
    public static ExtractPurposes fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("purposes file " + file + " does not exist; copy the built-in one from schemas/src/main/resources"
                    + RESOURCE + " and edit it");
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new InputException("cannot read purposes file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A purpose by name; unknown names are an input error listing the known ones. */
    public Purpose purpose(String name) {
        Purpose p = purposes.get(name);
        if (p == null) {
            throw new InputException("no purpose '" + name + "' in " + source + "; purposes: " + String.join(", ", purposes.keySet()));
        }
        return p;
    }

    static ExtractPurposes parse(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InputException("purposes file " + source + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> problems = new ArrayList<>();
        Map<String, Purpose> purposes = new LinkedHashMap<>();
        JsonNode list = root == null ? null : root.get("purposes");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InputException("purposes file " + source + " needs a non-empty \"purposes\" list");
        }
        for (JsonNode p : list) {
            Purpose purpose = purpose(p, problems);
            if (purpose != null && purposes.put(purpose.name(), purpose) != null) {
                problems.add("purpose '" + purpose.name() + "' is defined twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException("purposes file " + source + " has " + problems.size() + " problem(s): " + String.join("; ", problems));
        }
        return new ExtractPurposes(source, text(root, "version", "unversioned"), sha256(bytes), java.util.Collections.unmodifiableMap(purposes));
    }

    private static Purpose purpose(JsonNode p, List<String> problems) {
        String name = text(p, "name", null);
        if (name == null || !name.matches("[a-z][a-z0-9-]{0,39}")) {
            problems.add("a purpose needs a \"name\" of lower-case letters, digits and '-' (got " + name + ")");
            return null;
        }
        String where = "purpose '" + name + "'";
        String scope = text(p, "scope", "icb");
        if (!scope.equals("icb") && !scope.equals("practice")) {
            problems.add(where + ": \"scope\" must be icb or practice, not '" + scope + "'");
        }
        Population population = null;
        if (p.hasNonNull("population")) {
            JsonNode pop = p.get("population");
            population = new Population(text(pop, "table", ""), text(pop, "where", ""));
            if (!PersonView.TABLES.contains(population.table()) || population.where().isBlank()) {
                problems.add(where + ": \"population\" needs a \"table\" among " + PersonView.TABLES + " and a \"where\" condition");
            }
        }
        ColumnRef orderBy = ref(text(p, "order_by", null), where + " order_by", problems);
        Map<IdentityLevel, Level> levels = new EnumMap<>(IdentityLevel.class);
        JsonNode lv = p.get("levels");
        if (lv == null || !lv.isObject() || lv.isEmpty()) {
            problems.add(where + ": needs \"levels\", an object keyed by PSEUDONYMISED, ANONYMISED or AGGREGATE");
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = lv.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            IdentityLevel level;
            try {
                level = IdentityLevel.valueOf(e.getKey().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                problems.add(where + ": unknown level '" + e.getKey() + "' (PSEUDONYMISED, ANONYMISED or AGGREGATE)");
                continue;
            }
            if (level == IdentityLevel.IDENTIFIABLE) {
                problems.add(where + ": extracts are never IDENTIFIABLE; re-identification is the key holder's act (phb extract reidentify)");
                continue;
            }
            Level l = level(e.getValue(), level, where + " level " + level, problems);
            if (l != null) {
                levels.put(level, l);
            }
        }
        if (levels.containsKey(IdentityLevel.AGGREGATE) && levels.size() > 1) {
            problems.add(where + ": a purpose that releases aggregates releases nothing else; split it into two purposes");
        }
        if (name.equals(PUBLICATION) && !(levels.size() == 1 && levels.containsKey(IdentityLevel.AGGREGATE))) {
            problems.add(where + ": publication may only release AGGREGATE tables, never person-level rows");
        }
        String defaultText = text(p, "default_level", levels.size() == 1 ? levels.keySet().iterator().next().name() : null);
        IdentityLevel defaultLevel = null;
        try {
            defaultLevel = defaultText == null ? null : IdentityLevel.valueOf(defaultText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException x) {
            // reported below
        }
        if (defaultLevel == null || !levels.containsKey(defaultLevel)) {
            problems.add(where + ": \"default_level\" must be one of its levels " + levels.keySet() + ", not " + defaultText);
        }
        return new Purpose(name, text(p, "description", ""), scope, population, orderBy, defaultLevel, levels);
    }

    private static Level level(JsonNode n, IdentityLevel level, String where, List<String> problems) {
        String legalBasis = text(n, "legal_basis", "");
        if (legalBasis.isBlank()) {
            problems.add(where + ": needs its \"legal_basis\" text");
        }
        List<String> optOuts = new ArrayList<>();
        JsonNode oo = n.get("opt_outs");
        if (oo == null || !oo.isArray()) {
            problems.add(where + ": needs \"opt_outs\", a list (empty when none apply) of " + CodeLists.get("opt_out_type").keySet());
        } else {
            for (JsonNode o : oo) {
                if (!CodeLists.get("opt_out_type").containsKey(o.asText())) {
                    problems.add(where + ": unknown opt-out '" + o.asText() + "' (known: " + CodeLists.get("opt_out_type").keySet() + ")");
                } else if (!optOuts.contains(o.asText())) {
                    optOuts.add(o.asText());
                }
            }
        }
        List<ColumnRef> columns = new ArrayList<>();
        if (n.has("columns")) {
            for (JsonNode c : n.get("columns")) {
                ColumnRef r = ref(c.asText(), where + " column", problems);
                if (r != null) {
                    columns.add(r);
                }
            }
        }
        List<Table> tables = new ArrayList<>();
        if (n.has("tables")) {
            Set<String> tableNames = new HashSet<>();
            for (JsonNode t : n.get("tables")) {
                String tn = text(t, "name", "");
                if (!tn.matches("[a-z][a-z0-9_]{0,79}") || !tableNames.add(tn)) {
                    problems.add(where + ": table name '" + tn + "' must be unique lower-case snake_case (it names the file)");
                }
                ColumnRef rows = ref(text(t, "rows", null), where + " table " + tn + " rows", problems);
                ColumnRef cols = ref(text(t, "columns", null), where + " table " + tn + " columns", problems);
                ColumnRef filter = t.hasNonNull("filter") ? ref(t.get("filter").asText(), where + " table " + tn + " filter", problems) : null;
                if (rows == null || cols == null) {
                    problems.add(where + ": table '" + tn + "' needs \"rows\" and \"columns\" (table.column)");
                } else {
                    tables.add(new Table(tn, text(t, "title", tn), rows, cols, filter, strings(t.get("row_order")),
                            strings(t.get("column_order"))));
                }
            }
        }
        if (level == IdentityLevel.AGGREGATE) {
            if (!columns.isEmpty() || tables.isEmpty()) {
                problems.add(where + ": an aggregate level lists \"tables\" and no person-level \"columns\"");
            }
        } else if (columns.isEmpty() || !tables.isEmpty()) {
            problems.add(where + ": a person-level level lists \"columns\" and no \"tables\"");
        }
        Set<String> names = new HashSet<>();
        for (ColumnRef c : columns) {
            if (c.name().equals("person_id") || c.name().equals(ExtractJob.PSEUDONYM)) {
                problems.add(where + ": column " + c + " may not be released as '" + c.name() + "' (the lake's person_id never leaves "
                        + "it; pseudonymised extracts carry the recipient's own " + ExtractJob.PSEUDONYM + " column)");
            }
            if (!names.add(c.name())) {
                problems.add(where + ": two columns are released as '" + c.name() + "'; rename one with 'as'");
            }
        }
        Anonymisation anonymise = null;
        if (level == IdentityLevel.ANONYMISED) {
            anonymise = anonymisation(n.get("anonymise"), names, where, problems);
        } else if (n.has("anonymise")) {
            problems.add(where + ": only an ANONYMISED level takes \"anonymise\" settings");
        }
        return new Level(legalBasis, List.copyOf(optOuts), List.copyOf(columns), anonymise, List.copyOf(tables));
    }

    private static Anonymisation anonymisation(JsonNode a, Set<String> columns, String where, List<String> problems) {
        if (a == null || !a.isObject()) {
            problems.add(where + ": an ANONYMISED level needs \"anonymise\" settings (k, quasi_identifiers)");
            return null;
        }
        int k = a.path("k").asInt(0);
        if (k < 2) {
            problems.add(where + ": anonymise.k must be at least 2, not " + a.path("k").asText());
        }
        Map<String, String> qis = new LinkedHashMap<>();
        JsonNode q = a.get("quasi_identifiers");
        if (q == null || !q.isObject() || q.isEmpty()) {
            problems.add(where + ": anonymise.quasi_identifiers must map released columns to hierarchies (builtin:NAME or a CSV path)");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!columns.contains(e.getKey())) {
                    problems.add(where + ": quasi-identifier '" + e.getKey() + "' is not one of the level's released columns");
                }
                qis.put(e.getKey(), e.getValue().asText());
            }
        }
        List<String> sensitive = new ArrayList<>();
        for (JsonNode s : a.path("sensitive")) {
            if (!columns.contains(s.asText())) {
                problems.add(where + ": sensitive column '" + s.asText() + "' is not one of the level's released columns");
            }
            sensitive.add(s.asText());
        }
        Double l = a.hasNonNull("l") ? a.get("l").asDouble() : null;
        Double t = a.hasNonNull("t") ? a.get("t").asDouble() : null;
        if ((l != null || t != null) && sensitive.isEmpty()) {
            problems.add(where + ": anonymise.l and anonymise.t need \"sensitive\" columns");
        }
        double maxSuppression = a.path("max_suppression").asDouble(0.02);
        if (maxSuppression < 0 || maxSuppression >= 1) {
            problems.add(where + ": anonymise.max_suppression must be in [0, 1), not " + maxSuppression);
        }
        String loss = text(a, "loss", "entropy");
        if (!List.of("precision", "entropy", "discernibility", "iyengar").contains(loss)) {
            problems.add(where + ": anonymise.loss must be precision, entropy, discernibility or iyengar, not '" + loss + "'");
        }
        return new Anonymisation(k, l, a.path("entropy_l").asBoolean(false), t, a.path("ordered_t").asBoolean(false), maxSuppression, loss,
                qis, List.copyOf(sensitive));
    }

    private static ColumnRef ref(String text, String where, List<String> problems) {
        if (text == null) {
            return null;
        }
        try {
            ColumnRef r = ColumnRef.parse(text);
            if (!PersonView.TABLES.contains(r.table())) {
                problems.add(where + " '" + text + "': table '" + r.table() + "' is not one of " + PersonView.TABLES);
                return null;
            }
            return r;
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            list.forEach(v -> out.add(v.asText()));
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode n, String field, String otherwise) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? otherwise : v.asText();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
