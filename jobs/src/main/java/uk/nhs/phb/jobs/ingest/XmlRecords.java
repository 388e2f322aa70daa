package uk.nhs.phb.jobs.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.schemas.profiles.FhirPath;
import uk.nhs.phb.schemas.profiles.XmlElementPath;

/**
 * The records of an XML return (a DfE census: CIN, SEN2), read as a stream: a file is never held whole, only the
 * record being read and what its ancestors said before it. A record is an element at one of the profile's record paths
 * ({@code Children.Child.CINdetails}); each becomes a row whose columns are paths, as in a FHIR profile, into a tree of
 * the root's members holding the record and its context: every element its ancestors opened before it that is not
 * itself on the way to a record ({@code Children.Child.ChildIdentifiers.LAchildID} beside
 * {@code Children.Child.CINdetails.CINreferralDate}). An element on the way to a record (an earlier {@code Child}, a
 * record nested in another) is dropped once read, so a record never carries its siblings or the records inside it.
 * Elements become members; a repeated element an array; an element's text its value. Attributes and namespaces are not
 * read: the returns use neither.
 */
final class XmlRecords implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String root;
    /** The record paths, each as its steps (optional wrappers left out). */
    private final List<List<String>> records;
    private final List<XmlElementPath> recordElementPaths;
    private final List<FhirPath> paths;
    /** The records' own element names, and the names of every element on the way to one. */
    private final java.util.Set<String> recordNames = new java.util.HashSet<>();
    private final java.util.Set<String> stepNames = new java.util.HashSet<>();

    /**
     * @param root    the root element every file must have ({@code Message})
     * @param records element paths below the root, dot-separated; a step ending in {@code ?} names an element that may
     *                or may not wrap the steps after it ({@code Pupils.PupilsOnRoll?.PupilOnRoll}): files with and
     *                without it are read alike, and column paths leave it out
     * @param paths   each column's path into a record's tree
     */
    XmlRecords(String root, List<String> records, List<FhirPath> paths) {
        this.root = root;
        this.recordElementPaths = records.stream().map(XmlElementPath::parse).toList();
        this.records = recordElementPaths.stream().map(XmlElementPath::steps).toList();
        this.paths = List.copyOf(paths);
        for (List<String> r : this.records) {
            recordNames.add(r.get(r.size() - 1));
            stepNames.addAll(r);
        }
    }

    /**
     * The rows of one file: each record's column values, then file, the line its element starts on, no raw text (a
     * record may hold names and identifiers anywhere) and null; or, where the file stops being readable XML, one row
     * saying where and why, after the records read before it.
     */
    Iterator<Row> rows(String file, InputStream in) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        // a return needs no DTD; refusing them refuses external entities (XXE) too
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        XMLStreamReader xml;
        try {
            InputStream buffered = in.markSupported() ? in : new java.io.BufferedInputStream(in, 1 << 16);
            xml = utf8(buffered) ? factory.createXMLStreamReader(lenientUtf8(buffered)) : factory.createXMLStreamReader(buffered);
        } catch (XMLStreamException e) {
            return List.of(malformed(file, 1, "the file is not XML: " + message(e))).iterator();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RecordIterator(file, xml, in);
    }

    /** Stands in for bytes that are not UTF-8, so only the records holding them are refused (as a CSV line is). */
    private static final char NOT_UTF8 = '\uE000';

    /**
     * Whether the file is UTF-8 (no UTF-16 byte order mark or pattern, no declaration of another encoding): such a file
     * is decoded here, each byte that is not UTF-8 standing in as {@link #NOT_UTF8}, because a parser decoding it
     * itself refuses a whole buffer of records around one bad byte. Another encoding is left to the parser.
     */
    private static boolean utf8(InputStream in) throws IOException {
        in.mark(512);
        byte[] head = in.readNBytes(512);
        in.reset();
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF) || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE)
                || head[0] == 0 || head[1] == 0)) {
            return false;
        }
        String start = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\\?xml[^>]*encoding\\s*=\\s*[\"']([^\"']+)[\"']")
                .matcher(start);
        return !m.find() || m.group(1).equalsIgnoreCase("UTF-8") || m.group(1).equalsIgnoreCase("UTF8");
    }

    private static java.io.Reader lenientUtf8(InputStream in) throws IOException {
        in.mark(3);
        byte[] bom = in.readNBytes(3);
        if (!(bom.length == 3 && bom[0] == (byte) 0xEF && bom[1] == (byte) 0xBB && bom[2] == (byte) 0xBF)) {
            in.reset();
        }
        java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .replaceWith(String.valueOf(NOT_UTF8));
        return new java.io.InputStreamReader(in, decoder);
    }

    private Row record(String file, long line, JsonNode tree) {
        Object[] values = new Object[paths.size() + 4];
        for (int i = 0; i < paths.size(); i++) {
            values[i] = paths.get(i).first(tree);
            if (values[i] instanceof String v && v.indexOf(NOT_UTF8) >= 0) {
                return malformed(file, line, "the record starting at line " + line + " holds bytes that are not UTF-8 text in a value "
                        + "phb reads; re-export the file as UTF-8 (or declare its encoding) and ingest it again");
            }
        }
        values[paths.size()] = file;
        values[paths.size() + 1] = line;
        return RowFactory.create(values);
    }

    private Row malformed(String file, long line, String why) {
        Object[] values = new Object[paths.size() + 4];
        values[paths.size()] = file;
        values[paths.size() + 1] = line;
        values[paths.size() + 3] = why;
        return RowFactory.create(values);
    }

    private static String message(XMLStreamException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        // the JDK's parser starts its message with "ParseError at [row,col]:[r,c]\nMessage: ", Woodstox ends it with
        // "\n at [row,col {unknown-source}]: [r,c]": the position is said once, by the caller
        int at = m.indexOf("Message: ");
        String text = at >= 0 ? m.substring(at + "Message: ".length()) : m;
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("at [row,col")).collect(java.util.stream.Collectors.joining(" "));
    }

    /** One open element: its name, whether a record or the way to one lies through it, what it holds so far. */
    private static final class Open {
        final String name;
        final int depth;
        final boolean recordPath;
        final boolean record;
        final long line;
        final ObjectNode members = NODES.objectNode();
        final StringBuilder text = new StringBuilder();

        Open(String name, int depth, boolean recordPath, boolean record, long line) {
            this.name = name;
            this.depth = depth;
            this.recordPath = recordPath;
            this.record = record;
            this.line = line;
        }

        JsonNode value() {
            return members.isEmpty() ? TextNode.valueOf(text.toString().strip()) : members;
        }

        void add(String child, JsonNode value) {
            JsonNode existing = members.get(child);
            if (existing == null) {
                members.set(child, value);
            } else if (existing.isArray()) {
                ((ArrayNode) existing).add(value);
            } else {
                members.set(child, NODES.arrayNode().add(existing).add(value));
            }
        }
    }

    private final class RecordIterator implements Iterator<Row> {
        private final String file;
        private final XMLStreamReader xml;
        private final InputStream in;
        private final Deque<Open> open = new ArrayDeque<>();
        private final List<String> names = new ArrayList<>();
        /** For every element open, whether it is an optional wrapper (not in {@link #names} or {@link #open}). */
        private final Deque<Boolean> wrapping = new ArrayDeque<>();
        private Row next;
        private boolean done;

        RecordIterator(String file, XMLStreamReader xml, InputStream in) {
            this.file = file;
            this.xml = xml;
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = advance();
                if (next == null) {
                    done = true;
                    close();
                }
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        /** The next record, or the row saying why the file cannot be read further; null at the end. */
        private Row advance() {
            try {
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        Row refused = start(xml.getLocalName(), xml.getLocation().getLineNumber());
                        if (refused != null) {
                            done = true;
                            return refused;
                        }
                    } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                        if (!open.isEmpty()) {
                            open.peek().text.append(xml.getText());
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        Row record = end();
                        if (record != null) {
                            return record;
                        }
                    }
                }
                return null;
            } catch (XMLStreamException e) {
                return broken(e);
            } catch (RuntimeException e) {
                // Woodstox reports some errors found while reading an element's text lazily, wrapped unchecked
                if (e.getCause() instanceof XMLStreamException x) {
                    return broken(x);
                }
                throw e;
            }
        }

        private Row broken(XMLStreamException e) {
            done = true;
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
            int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNumber();
            return malformed(file, Math.max(line, 1), "the XML is not well-formed at line " + line + ", column " + column
                    + (names.isEmpty() ? "" : ", inside " + String.join("/", names)) + ": " + message(e)
                    + ". Nothing after this point in the file was read: correct the file (or ask for it again) and ingest it again");
        }

        private Row start(String name, long line) {
            if (open.isEmpty() && !name.equals(root)) {
                return malformed(file, line, "the root element is <" + name + ">, not <" + root + ">: this is not the return this "
                        + "profile reads; move it to the folder of the profile that reads it");
            }
            if (isWrapper(name)) {
                wrapping.push(true);
                return null;
            }
            wrapping.push(false);
            names.add(name);
            int depth = names.size() - 1;
            boolean onPath = false;
            boolean isRecord = false;
            for (List<String> r : records) {
                if (depth == 0 || (depth <= r.size() && names.subList(1, names.size()).equals(r.subList(0, depth))
                        && (open.isEmpty() || open.peek().recordPath))) {
                    onPath = true;
                    isRecord |= depth == r.size();
                }
            }
            open.push(new Open(name, depth, onPath, isRecord, line));
            return null;
        }

        /** Whether {@code name}, opening at this point, is a record path's optional wrapper of its next step. */
        private boolean isWrapper(String name) {
            if (names.isEmpty() || (!open.isEmpty() && !open.peek().recordPath)) {
                return false;
            }
            List<String> opened = names.subList(1, names.size());
            return recordElementPaths.stream().anyMatch(r -> r.wraps(opened, name));
        }

        private Row end() {
            if (wrapping.pop()) {
                return null;
            }
            Open e = open.pop();
            String at = String.join("/", names);
            names.remove(names.size() - 1);
            if (open.isEmpty()) {
                return null;
            }
            if (e.record) {
                return record(file, e.line, tree(e));
            }
            if (!e.recordPath) {
                if (recordNames.contains(e.name)) {
                    // most often an end tag missing before it, which puts every later record inside an earlier one
                    return malformed(file, e.line, "a <" + e.name + "> element at " + at + " (line " + e.line + ") is not where "
                            + "this return's records are (" + recordElementPaths.stream().map(XmlElementPath::toString)
                            .collect(java.util.stream.Collectors.joining(", ")) + "), so it was not read: an end tag "
                            + "before it may be missing; correct the file (or ask for it again) and ingest it again");
                }
                // an element named like a step on the way to records, out of place, is not context either: dropped, so
                // a missing end tag never makes an earlier record's context hold the rest of the file
                if (!stepNames.contains(e.name)) {
                    open.peek().add(e.name, e.value());
                }
            }
            return null;
        }

        /** The root's members with the record in its place among what its ancestors hold so far. */
        private JsonNode tree(Open record) {
            JsonNode node = record.value();
            String name = record.name;
            for (Open ancestor : open) {
                if (ancestor.depth == 0) {
                    ObjectNode top = NODES.objectNode();
                    top.setAll(ancestor.members);
                    top.set(name, node);
                    return top;
                }
                ObjectNode level = NODES.objectNode();
                level.setAll(ancestor.members);
                level.set(name, node);
                node = level;
                name = ancestor.name;
            }
            throw new IllegalStateException("a record outside the root");
        }

        private void close() {
            try {
                xml.close();
                in.close();
            } catch (XMLStreamException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String toString() {
        return "XmlRecords[" + root + ", " + records + ", " + new ArrayList<>(paths) + "]";
    }
}
