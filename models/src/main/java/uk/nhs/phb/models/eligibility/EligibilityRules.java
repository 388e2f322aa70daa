package uk.nhs.phb.models.eligibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Csv;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * PHB eligibility rules held as reference data ({@code schemas/reference/phb_eligibility_rules.csv}, columns
 * {@code rule_id, cohort, basis, condition, reason}; a {@code # rules_version: X} comment names the version).
 * A local file extends them: a rule with a national rule's id replaces it, others are added, and the version
 * becomes {@code national+local}. This class checks everything that needs no engine (header, ids, cohort
 * codes, bases, empty fields) and reports every problem at once; the conditions themselves are checked against
 * the features table by the pipeline that applies them.
 */
public final class EligibilityRules {
    public static final String RESOURCE = "/uk/nhs/phb/schemas/reference/phb_eligibility_rules.csv";
    public static final List<String> HEADER = List.of("rule_id", "cohort", "basis", "condition", "reason");
    private static final Pattern VERSION = Pattern.compile("^#\\s*rules_version\\s*[:=]\\s*(\\S+)\\s*$");
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    /** One rule, with where it came from (file and line) for error messages. */
    public record Rule(String ruleId, String cohort, String basis, String condition, String reason, String source, int line) {
        /** "rule X (file F, line N)". */
        public String where() {
            return "rule " + ruleId + " (" + source + ", line " + line + ")";
        }

        /** Column names the reason inserts with {@code {column}}. */
        public List<String> reasonColumns() {
            List<String> out = new ArrayList<>();
            Matcher m = PLACEHOLDER.matcher(reason);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }
    }

    private final String version;
    private final List<Rule> rules;

    private EligibilityRules(String version, List<Rule> rules) {
        this.version = version;
        this.rules = List.copyOf(rules);
    }

    public String version() {
        return version;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The national rules shipped with phb. */
    public static EligibilityRules standard() {
        try (InputStream in = EligibilityRules.class.getResourceAsStream(RESOURCE)) {
            return parse(new String(Objects.requireNonNull(in, RESOURCE).readAllBytes(), StandardCharsets.UTF_8),
                    "phb_eligibility_rules.csv (built in)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads rules from CSV text; {@code source} names the file in messages. Every problem is reported in one exception. */
    public static EligibilityRules parse(String text, String source) {
        List<String> errors = new ArrayList<>();
        String version = null;
        String[] raw = text.split("\r?\n", -1);
        for (String l : raw) {
            Matcher m = VERSION.matcher(l.strip());
            if (m.matches()) {
                version = m.group(1);
            }
        }
        if (version == null) {
            version = "sha256-" + sha(text).substring(0, 12);
        }
        List<Csv.Record> lines;
        try {
            lines = Csv.records(source, text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRulesException(source + ": " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).fields().equals(HEADER)) {
            throw new InvalidRulesException(source + ": the first line must be the header " + String.join(",", HEADER)
                    + (lines.isEmpty() ? " (the file has no rules)" : ", found " + String.join(",", lines.get(0).fields())));
        }
        Set<String> cohorts = CodeLists.get("phb_group").keySet();
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Csv.Record l : lines.subList(1, lines.size())) {
            List<String> f = l.fields();
            String at = source + ", line " + l.line();
            if (f.size() != HEADER.size()) {
                errors.add(at + ": expected 5 fields (rule_id,cohort,basis,condition,reason), got " + f.size()
                        + "; put a condition or reason containing commas in double quotes");
                continue;
            }
            String id = f.get(0);
            String where = "rule " + (id.isEmpty() ? "(no id)" : id) + " (" + at + ")";
            if (!ID.matcher(id).matches()) {
                errors.add(where + ": rule_id '" + id + "' must start with a letter and hold only letters, digits, _ or -");
            } else if (byId.containsKey(id)) {
                errors.add(where + ": rule_id " + id + " is already used on line " + byId.get(id).line());
            }
            if (!cohorts.contains(f.get(1))) {
                errors.add(where + ": cohort '" + f.get(1) + "' is not a phb_group code; use one of " + String.join(", ", cohorts));
            }
            if (!ScoreTables.BASES.contains(f.get(2))) {
                errors.add(where + ": basis '" + f.get(2) + "' must be one of " + String.join(", ", ScoreTables.BASES));
            }
            if (f.get(3).isBlank()) {
                errors.add(where + ": the condition is empty");
            }
            if (f.get(4).isBlank()) {
                errors.add(where + ": the reason is empty; say in plain words why the rule makes someone eligible");
            }
            byId.put(id, new Rule(id, f.get(1), f.get(2), f.get(3).strip(), f.get(4).strip(), source, (int) l.line()));
        }
        if (byId.isEmpty() && errors.isEmpty()) {
            errors.add(source + ": the file has a header but no rules");
        }
        if (!errors.isEmpty()) {
            throw new InvalidRulesException(String.join("\n", errors));
        }
        return new EligibilityRules(version, new ArrayList<>(byId.values()));
    }

    /** These rules with a local file's: same id replaces, new ids are added; version {@code this+local}. */
    public EligibilityRules with(EligibilityRules local) {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Rule r : rules) {
            byId.put(r.ruleId(), r);
        }
        for (Rule r : local.rules) {
            byId.put(r.ruleId(), r);
        }
        return new EligibilityRules(version + "+" + local.version, new ArrayList<>(byId.values()));
    }

    static String sha(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rules file that cannot be used; the message names every rule, file and line at fault. */
    public static final class InvalidRulesException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidRulesException(String message) {
            super(message);
        }
    }
}
