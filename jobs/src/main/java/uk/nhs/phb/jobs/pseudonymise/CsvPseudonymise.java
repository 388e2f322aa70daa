package uk.nhs.phb.jobs.pseudonymise;

import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.Normalise;
import uk.nhs.phb.schemas.Csv;
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
        // the writer is flushed, not closed: the caller owns the stream (and closes a gzip one after its trailer)
        Csv.RowWriter writer = Csv.writer(out, ',');
        Table table = new Table(file, identity, tokenColumn, encoder, writer);
        Csv.records(file, in, table);
        writer.flush();
        return table.counts();
    }

    /** The rows of one file as they are read: the plan made from its header, then each row written and counted. */
    private static final class Table implements Consumer<Csv.Record> {
        private final String file;
        private final DatasetProfile.Identity identity;
        private final String tokenColumn;
        private final IdentityEncoder encoder;
        private final Csv.RowWriter writer;
        private final Map<String, Long> removed = new LinkedHashMap<>();
        private List<String> header;
        private Plan plan;
        private long rows;
        private long ids;
        private long missing;

        Table(String file, DatasetProfile.Identity identity, String tokenColumn, IdentityEncoder encoder, Csv.RowWriter writer) {
            this.file = file;
            this.identity = identity;
            this.tokenColumn = tokenColumn;
            this.encoder = encoder;
            this.writer = writer;
            identity.identifierElements().forEach(c -> removed.put(c, 0L));
        }

        @Override
        public void accept(Csv.Record r) {
            if (header == null) {
                header = r.fields();
                plan = new Plan(header, identity, tokenColumn);
                writer.row(plan.outputHeader);
                return;
            }
            rows++;
            if (r.fields().size() != header.size()) {
                throw new IllegalArgumentException(file + " line " + r.line() + ": " + r.fields().size()
                        + " values where the header has " + header.size() + " columns; correct the line and pseudonymise the "
                        + "file again (nothing was written)");
            }
            Map<String, String> raw = new LinkedHashMap<>();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String v = r.fields().get(i);
                raw.put(header.get(i), v);
                values.put(header.get(i), v.isBlank() ? null : v.strip());
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
            writer.row(plan.row(raw, values, localId, identity, encoder));
        }

        Counts counts() {
            return new Counts(rows, ids, missing, removed);
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

        List<String> row(Map<String, String> raw, Map<String, String> values, String localId, DatasetProfile.Identity identity, IdentityEncoder encoder) {
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
                        yield raw.get(s);
                    }
                });
            }
            return out;
        }
    }
}
