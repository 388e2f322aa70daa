package uk.nhs.phb.jobs.pseudonymise;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.xml.stream.XMLEventFactory;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLEventWriter;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.events.XMLEvent;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.Normalise;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.XmlElementPath;

/**
 * An XML return (a DfE census) pseudonymised at the council, as a stream: each element at the profile's identity path (a
 * SEN2 {@code Person}, a CIN {@code ChildIdentifiers}, a school census {@code PupilOnRoll}) loses its identifying elements
 * (children, or deeper: {@code PupilIdentifiers.UPN}, a whole {@code HomeInformation}) and starts instead with phb's
 * token of the local id and the encodings linkage compares ({@code pupil_token}, {@code name_bloom}, {@code dob_token},
 * {@code dob_ym_token}, {@code dob_dm_token}, {@code birth_year}, {@code postcode_token},
 * {@code postcode_district_token}), each only when its source was there. Everything else is copied as it is, except
 * comments, DTDs and processing instructions, which may hold anything. Only one person's element is held at a time.
 */
final class XmlPseudonymise {
    /**
     * What one file held.
     *
     * @param persons       elements at the identity path
     * @param localIds      of them, with a local id (tokenised)
     * @param missingLocalIds without one (their records will be quarantined at the ICB for the person field)
     * @param removed       how many of each identifying element were removed
     */
    public record Counts(long persons, long localIds, long missingLocalIds, Map<String, Long> removed) {
    }

    private static final XMLEventFactory EVENTS = XMLEventFactory.newInstance();

    private XmlPseudonymise() {
    }

    /**
     * Copies {@code in} to {@code out} with every identity element pseudonymised.
     *
     * @param file         the file's name, for errors
     * @param root         the root element the profile reads ({@code Message})
     * @param tokenElement the element the local id's token is written as (the profile's person field, {@code pupil_token})
     * @throws IllegalArgumentException naming the file, line and element when it is not the profile's return or not XML
     */
    public static Counts rewrite(String file, InputStream in, OutputStream out, String root, DatasetProfile.Identity identity,
                                 String tokenElement, IdentityEncoder encoder) {
        Objects.requireNonNull(identity, "identity");
        XMLInputFactory inputs = XMLInputFactory.newFactory();
        inputs.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        inputs.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        inputs.setProperty(XMLInputFactory.IS_COALESCING, true);
        List<XmlElementPath> targets = identity.elements().stream().map(XmlElementPath::parse).toList();
        List<List<String>> targetSteps = targets.stream().map(XmlElementPath::steps).toList();
        Set<String> identifiers = new HashSet<>(identity.identifierElements());
        Map<String, Long> removed = new LinkedHashMap<>();
        identity.identifierElements().forEach(e -> removed.put(e, 0L));
        long persons = 0;
        long withId = 0;
        XMLEventReader reader = null;
        try {
            reader = inputs.createXMLEventReader(in, "UTF-8");
            XMLEventWriter writer = XMLOutputFactory.newFactory().createXMLEventWriter(out, "UTF-8");
            List<String> path = new ArrayList<>();
            // per open element, whether it is an optional wrapper on the way to the persons (left out of path)
            java.util.Deque<Boolean> wrapping = new java.util.ArrayDeque<>();
            while (reader.hasNext()) {
                XMLEvent ev = reader.nextEvent();
                if (ev.isStartDocument()) {
                    writer.add(EVENTS.createStartDocument("UTF-8", "1.0"));
                } else if (ev.isStartElement()) {
                    String name = ev.asStartElement().getName().getLocalPart();
                    if (path.isEmpty() && !name.equals(root)) {
                        throw new IllegalArgumentException(file + ": the root element is <" + name + ">, not <" + root
                                + ">: this is not the return the profile reads");
                    }
                    List<String> opened = path.isEmpty() ? null : path.subList(1, path.size());
                    if (opened != null && targets.stream().anyMatch(t -> t.wraps(opened, name))) {
                        wrapping.push(true);
                        writer.add(ev);
                        continue;
                    }
                    wrapping.push(false);
                    path.add(name);
                    if (targetSteps.contains(path.subList(1, path.size()))) {
                        persons++;
                        if (person(ev, reader, writer, identity, identifiers, tokenElement, encoder, removed)) {
                            withId++;
                        }
                        path.remove(path.size() - 1);
                        wrapping.pop();
                    } else {
                        writer.add(ev);
                    }
                } else if (ev.isEndElement()) {
                    if (!wrapping.pop()) {
                        path.remove(path.size() - 1);
                    }
                    writer.add(ev);
                } else if (ev.isCharacters() || ev.isEndDocument()) {
                    writer.add(ev);
                }
                // comments, processing instructions and DTDs are not copied: they may hold anything
            }
            writer.flush();
            writer.close();
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
            throw new IllegalArgumentException(file + (line > 0 ? " line " + line : "") + " is not well-formed XML ("
                    + String.valueOf(e.getMessage()).replaceAll("^ParseError at \\[row,col\\]:\\[[0-9]+,[0-9]+\\]\\s*Message:\\s*", "")
                    + "); nothing was written for it: ask for the file again");
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // the stream is closed by its owner
                }
            }
        }
        return new Counts(persons, withId, persons - withId, removed);
    }

    /** One identity element, read whole (a person's part of a return is small), written pseudonymised. */
    private static boolean person(XMLEvent start, XMLEventReader reader, XMLEventWriter writer, DatasetProfile.Identity identity,
                                  Set<String> identifiers, String tokenElement, IdentityEncoder encoder, Map<String, Long> removed)
            throws XMLStreamException {
        Map<String, StringBuilder> values = new LinkedHashMap<>();
        List<XMLEvent> kept = new ArrayList<>();
        List<String> inside = new ArrayList<>();
        int removing = -1; // the depth of the identifying element being removed, with all inside it
        while (true) {
            XMLEvent ev = reader.nextEvent();
            if (ev.isStartElement()) {
                inside.add(ev.asStartElement().getName().getLocalPart());
                String at = String.join(".", inside);
                if (identifiers.contains(at)) {
                    values.computeIfAbsent(at, k -> new StringBuilder());
                    removed.merge(at, 1L, Long::sum);
                    if (removing < 0) {
                        removing = inside.size();
                    }
                }
            } else if (ev.isEndElement()) {
                if (inside.isEmpty()) {
                    break;
                }
                boolean removedHere = removing == inside.size();
                inside.remove(inside.size() - 1);
                if (removedHere) {
                    removing = -1;
                    continue;
                }
            } else if (ev.isCharacters()) {
                StringBuilder value = inside.isEmpty() ? null : values.get(String.join(".", inside));
                if (value != null) {
                    value.append(ev.asCharacters().getData());
                }
            } else {
                continue;
            }
            if (removing < 0) {
                kept.add(ev);
            }
        }
        String localId = text(values, identity.localId());
        String standIn = identity.localIdOtherwise() == null ? null : text(values, identity.localIdOtherwise());
        if (localId == null && standIn != null) {
            // as ingest keys the person column's stand-in: marked with its element's name
            localId = identity.localIdOtherwise().substring(identity.localIdOtherwise().lastIndexOf('.') + 1) + ":" + standIn;
        }
        Identity id = new Identity(null, text(values, identity.givenName()), text(values, identity.familyName()),
                Normalise.date(text(values, identity.dateOfBirth())), null, text(values, identity.postcode()));
        EncodedIdentity e = encoder.encode(id);
        writer.add(start);
        String token = localId == null ? null : encoder.localIdToken(identity.localIdDomain(), localId);
        element(writer, tokenElement, token);
        element(writer, "name_bloom", e.nameBloom());
        element(writer, "dob_token", e.dobToken());
        element(writer, "dob_ym_token", e.dobYmToken());
        element(writer, "dob_dm_token", e.dobDmToken());
        element(writer, "birth_year", e.birthYear() == null ? null : e.birthYear().toString());
        element(writer, "postcode_token", id.postcode() == null ? null : e.postcodeToken());
        element(writer, "postcode_district_token", id.postcode() == null ? null : e.postcodeDistrictToken());
        for (DatasetProfile.OtherId other : identity.otherIds()) {
            String value = text(values, other.element());
            element(writer, other.field(), other.isId(value) ? encoder.localIdToken(other.domain(), value) : null);
        }
        for (XMLEvent k : kept) {
            writer.add(k);
        }
        writer.add(EVENTS.createEndElement(start.asStartElement().getName(), null));
        return token != null;
    }

    private static String text(Map<String, StringBuilder> values, String element) {
        if (element == null || !values.containsKey(element)) {
            return null;
        }
        String v = values.get(element).toString().strip();
        return v.isEmpty() ? null : v;
    }

    private static void element(XMLEventWriter writer, String name, String value) throws XMLStreamException {
        if (value == null) {
            return;
        }
        writer.add(EVENTS.createStartElement("", "", name));
        writer.add(EVENTS.createCharacters(value));
        writer.add(EVENTS.createEndElement("", "", name));
    }
}
