package uk.nhs.phb.jobs.pseudonymise;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.Normalise;
import uk.nhs.phb.schemas.profiles.DatasetProfile;

/**
 * One CSV table of a return (SSDA903's episodes, header, reviews ...) pseudonymised at the council, row by row: each
 * identifier column the profile's identity names is replaced where it stands by phb's tokens ({@code CHILD} by
 * {@code child_token}, {@code DOB} by {@code dob_token}, {@code dob_ym_token}, {@code dob_dm_token} and {@code birth_year},
 * {@code UPN} by {@code pupil_token}); the columns it drops go; every other column is copied as it is. A table without
 * a given identifier keeps its other columns, so every table of the return gets the same treatment.
 */
final class CsvPseudonymise {
    /**
     * What one file held.
     *
     * @param rows            data rows
     * @param localIds        of them, with a local id (tokenised)
     * @param missingLocalIds rows of a table with the local id column but no id in it
     * @param removed         how many values of each identifying column were removed
     */
    record Counts(long rows, long localIds, long missingLocalIds, Map<String, Long> removed) {
    }

    private static final CSVFormat IN = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
    private static final CSVFormat OUT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").build();

    private CsvPseudonymise() {
    }

    /**
     * Copies the table in {@code in} to {@code out} pseudonymised.
     *
     * @param file         the file's name, for errors
     * @param tokenColumn  the column the local id's token is written as (the profile's person field, {@code child_token})
     * @throws IllegalArgumentException naming the file and line of a row that does not split into the header's columns
     */
    static Counts rewrite(String file, Reader in, Writer out, DatasetProfile.Identity identity, String tokenColumn, IdentityEncoder encoder) {
        // the printer is flushed, not closed: the caller owns the stream (and closes a gzip one after its trailer)
        try (CSVParser parser = IN.parse(in)) {
            CSVPrinter printer = new CSVPrinter(out, OUT);
            List<String> header = parser.getHeaderNames();
            Plan plan = new Plan(header, identity, tokenColumn);
            printer.printRecord(plan.outputHeader);
            long rows = 0;
            long ids = 0;
            long missing = 0;
            Map<String, Long> removed = new LinkedHashMap<>();
            identity.identifierElements().forEach(c -> removed.put(c, 0L));
            for (CSVRecord r : parser) {
                rows++;
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException(file + " line " + parser.getCurrentLineNumber() + ": " + r.size()
                            + " values where the header has " + header.size() + " columns; correct the line and pseudonymise the "
                            + "file again (nothing was written)");
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    String v = r.get(i).strip();
                    values.put(header.get(i), v.isEmpty() ? null : v);
                }
                for (String c : identity.identifierElements()) {
                    if (values.get(c) != null) {
                        removed.merge(c, 1L, Long::sum);
                    }
                }
                String localId = values.get(identity.localId());
                if (localId == null && identity.localIdOtherwise() != null && values.get(identity.localIdOtherwise()) != null) {
                    localId = identity.localIdOtherwise() + ":" + values.get(identity.localIdOtherwise());
                }
                if (plan.hasLocalId) {
                    if (localId == null) {
                        missing++;
                    } else {
                        ids++;
                    }
                }
                printer.printRecord(plan.row(r, values, localId, identity, encoder));
            }
            printer.flush();
            return new Counts(rows, ids, missing, removed);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": not a CSV table phb can read (" + e.getCause().getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where each output column comes from, worked out once from the header. */
    private static final class Plan {
        private final List<String> outputHeader = new ArrayList<>();
        /** per output column: the input column it copies, or a marker naming the token it holds */
        private final List<String> sources = new ArrayList<>();
        private final boolean hasLocalId;

        Plan(List<String> header, DatasetProfile.Identity identity, String tokenColumn) {
            hasLocalId = header.contains(identity.localId());
            boolean namesWritten = false;
            for (String c : header) {
                if (c.equals(identity.localId())) {
                    add(tokenColumn, "#local");
                } else if (c.equals(identity.localIdOtherwise())) {
                    if (!hasLocalId) {
                        add(tokenColumn, "#local");
                    }
                } else if (c.equals(identity.dateOfBirth())) {
                    add("dob_token", "#dob");
                    add("dob_ym_token", "#dob_ym");
                    add("dob_dm_token", "#dob_dm");
                    add("birth_year", "#birth_year");
                } else if (c.equals(identity.givenName()) || c.equals(identity.familyName())) {
                    if (!namesWritten) {
                        add("name_bloom", "#names");
                        namesWritten = true;
                    }
                } else if (c.equals(identity.postcode())) {
                    add("postcode_token", "#postcode");
                    add("postcode_district_token", "#postcode_district");
                } else if (other(identity, c) != null) {
                    add(other(identity, c).field(), "#other:" + c);
                } else if (!identity.drop().contains(c)) {
                    add(c, c);
                }
            }
        }

        private void add(String column, String source) {
            outputHeader.add(column);
            sources.add(source);
        }

        private static DatasetProfile.OtherId other(DatasetProfile.Identity identity, String column) {
            return identity.otherIds().stream().filter(o -> o.element().equals(column)).findFirst().orElse(null);
        }

        List<String> row(CSVRecord r, Map<String, String> values, String localId, DatasetProfile.Identity identity, IdentityEncoder encoder) {
            // a column the table lacks (or the identity does not name) reads as null
            Identity id = new Identity(null, values.get(identity.givenName()), values.get(identity.familyName()),
                    Normalise.date(values.get(identity.dateOfBirth())), null, values.get(identity.postcode()));
            EncodedIdentity e = encoder.encode(id);
            List<String> out = new ArrayList<>(sources.size());
            for (String s : sources) {
                out.add(switch (s) {
                    case "#local" -> localId == null ? null : encoder.localIdToken(identity.localIdDomain(), localId);
                    case "#dob" -> e.dobToken();
                    case "#dob_ym" -> e.dobYmToken();
                    case "#dob_dm" -> e.dobDmToken();
                    case "#birth_year" -> e.birthYear() == null ? null : e.birthYear().toString();
                    case "#names" -> e.nameBloom();
                    case "#postcode" -> id.postcode() == null ? null : e.postcodeToken();
                    case "#postcode_district" -> id.postcode() == null ? null : e.postcodeDistrictToken();
                    default -> {
                        if (s.startsWith("#other:")) {
                            DatasetProfile.OtherId o = other(identity, s.substring(7));
                            String v = values.get(o.element());
                            yield o.isId(v) ? encoder.localIdToken(o.domain(), v.strip()) : null;
                        }
                        yield r.get(s);
                    }
                });
            }
            return out;
        }
    }
}
