package uk.nhs.phb.schemas.profiles;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML document read as SnakeYAML's node tree, which keeps each value's line, so that every error in a profile
 * or override file can name its line. Only maps, lists and plain values are accepted (no anchors or tags).
 */
final class YamlNodes {
    private final String file;

    private YamlNodes(String file) {
        this.file = file;
    }

    /** The document's top-level map. */
    static Entry read(String file, Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw ProfileException.at(file, line, "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw ProfileException.at(file, 0, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw ProfileException.at(file, 1, "the file is empty");
        }
        return new YamlNodes(file).new Entry("(document)", root);
    }

    /** One value with its key and line. */
    final class Entry {
        private final String key;
        private final Node node;

        private Entry(String key, Node node) {
            this.key = key;
            this.node = node;
        }

        String key() {
            return key;
        }

        int line() {
            return node.getStartMark().getLine() + 1;
        }

        String file() {
            return file;
        }

        ProfileException error(String message) {
            return ProfileException.at(file, line(), message);
        }

        boolean isMap() {
            return node instanceof MappingNode;
        }

        boolean isList() {
            return node instanceof SequenceNode;
        }

        /** The entries of a map, in file order; refuses keys outside {@code allowed} (when given). */
        Map<String, Entry> map(String... allowed) {
            if (!(node instanceof MappingNode m)) {
                throw error("'" + key + "' must be a map of names to values");
            }
            Map<String, Entry> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw ProfileException.at(file, t.getKeyNode().getStartMark().getLine() + 1, "a key must be a plain name");
                }
                if (allowed.length > 0 && !List.of(allowed).contains(k.getValue())) {
                    throw ProfileException.at(file, k.getStartMark().getLine() + 1, "unknown key '" + k.getValue() + "' in '" + key
                            + "'; allowed: " + String.join(", ", allowed));
                }
                out.put(k.getValue(), new Entry(k.getValue(), t.getValueNode()));
            }
            return out;
        }

        List<Entry> list() {
            if (!(node instanceof SequenceNode s)) {
                throw error("'" + key + "' must be a list");
            }
            List<Entry> out = new ArrayList<>();
            for (Node n : s.getValue()) {
                out.add(new Entry(key, n));
            }
            return out;
        }

        /** A plain value as text (null for an empty value). */
        String text() {
            if (!(node instanceof ScalarNode s)) {
                throw error("'" + key + "' must be a single value, not a map or list");
            }
            String v = s.getValue();
            return v == null || v.isEmpty() || v.equals("~") || (v.equals("null") && s.getScalarStyle().getChar() == null) ? null : v;
        }

        List<String> texts() {
            if (node instanceof ScalarNode) {
                String t = text();
                return t == null ? List.of() : List.of(t);
            }
            return list().stream().map(Entry::text).toList();
        }
    }

    static String required(Map<String, Entry> m, String key, Entry parent) {
        Entry e = m.get(key);
        String v = e == null ? null : e.text();
        if (v == null || v.isBlank()) {
            throw parent.error("'" + key + "' is required");
        }
        return v;
    }

    static String optional(Map<String, Entry> m, String key) {
        Entry e = m.get(key);
        return e == null ? null : e.text();
    }
}
