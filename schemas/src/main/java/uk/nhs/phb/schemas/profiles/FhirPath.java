package uk.nhs.phb.schemas.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The part of FHIRPath a profile needs to take one value out of a FHIR resource in JSON: member names as the JSON has
 * them ({@code onsetDateTime}, not {@code onset}), each step flattening arrays as FHIRPath does, and four functions:
 * {@code where(path = 'text')}, {@code extension('url')}, {@code first()} and {@code replaceMatches('regex', 'substitution')}.
 * For example {@code identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').value}. A path's value is the first
 * of the values it selects, as text (an object or array as its JSON), or null when it selects none.
 */
public final class FhirPath implements Serializable {
    private static final long serialVersionUID = 1L;

    private sealed interface Step extends Serializable permits Member, Where, First, Replace {
    }

    private record Member(String name) implements Step {
    }

    private record Where(FhirPath left, String equals) implements Step {
    }

    private record First() implements Step {
    }

    private record Replace(Pattern regex, String substitution) implements Step {
    }

    private final String text;
    private final List<Step> steps;

    private FhirPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /** The path written as {@code text}, or a {@link ProfileException} saying where it goes wrong. */
    public static FhirPath parse(String text) {
        Objects.requireNonNull(text, "path");
        Parser p = new Parser(text);
        FhirPath path = p.path();
        if (p.pos < text.length()) {
            throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        }
        return path;
    }

    /** The first value the path selects in {@code resource}, as text; null when it selects none. */
    public String first(JsonNode resource) {
        List<JsonNode> values = select(List.of(resource));
        if (values.isEmpty()) {
            return null;
        }
        JsonNode v = values.get(0);
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private List<JsonNode> select(List<JsonNode> from) {
        List<JsonNode> current = from;
        for (Step s : steps) {
            List<JsonNode> next = new ArrayList<>();
            if (s instanceof Member m) {
                for (JsonNode n : current) {
                    JsonNode v = n.isObject() ? n.get(m.name()) : null;
                    if (v == null || v.isNull()) {
                        continue;
                    }
                    if (v.isArray()) {
                        v.forEach(next::add);
                    } else {
                        next.add(v);
                    }
                }
            } else if (s instanceof Where w) {
                for (JsonNode n : current) {
                    if (w.left().select(List.of(n)).stream().anyMatch(x -> x.isValueNode() && x.asText().equals(w.equals()))) {
                        next.add(n);
                    }
                }
            } else if (s instanceof First) {
                next.add(current.get(0));
            } else if (s instanceof Replace r) {
                for (JsonNode n : current) {
                    if (n.isValueNode()) {
                        next.add(TextNode.valueOf(r.regex().matcher(n.asText()).replaceAll(r.substitution())));
                    }
                }
            }
            current = next;
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        FhirPath path() {
            int start = pos;
            List<Step> steps = new ArrayList<>();
            do {
                space();
                String name = identifier();
                space();
                if (peek() == '(') {
                    pos++;
                    steps.addAll(function(name));
                } else {
                    steps.add(new Member(name));
                }
                space();
            } while (accept('.'));
            return new FhirPath(text.substring(start, pos).strip(), steps);
        }

        private List<Step> function(String name) {
            space();
            List<Step> out;
            switch (name) {
                case "where" -> {
                    FhirPath left = path();
                    expect('=');
                    out = List.of(new Where(left, string()));
                }
                case "extension" -> out = List.of(new Member("extension"), new Where(new FhirPath("url", List.of(new Member("url"))), string()));
                case "first" -> out = List.of(new First());
                case "replaceMatches" -> {
                    String regex = string();
                    expect(',');
                    String substitution = string();
                    try {
                        out = List.of(new Replace(Pattern.compile(regex), substitution));
                    } catch (PatternSyntaxException e) {
                        throw error("'" + regex + "' is not a regular expression: " + e.getDescription());
                    }
                }
                default -> throw error("function '" + name + "' is not one a profile may use (where, extension, first, replaceMatches)");
            }
            expect(')');
            return out;
        }

        private String identifier() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos || !Character.isLetter(text.charAt(start))) {
                throw error("a member or function name is expected");
            }
            return text.substring(start, pos);
        }

        private String string() {
            space();
            if (peek() != '\'') {
                throw error("a quoted text ('...') is expected");
            }
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length() && text.charAt(pos) != '\'') {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                out.append(c);
            }
            if (pos >= text.length()) {
                throw error("a quoted text is not closed");
            }
            pos++;
            space();
            return out.toString();
        }

        private void expect(char c) {
            space();
            if (!accept(c)) {
                throw error("'" + c + "' is expected");
            }
            space();
        }

        private boolean accept(char c) {
            if (peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void space() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        ProfileException error(String what) {
            return new ProfileException("FHIRPath '" + text + "' at character " + (pos + 1) + ": " + what);
        }
    }
}
