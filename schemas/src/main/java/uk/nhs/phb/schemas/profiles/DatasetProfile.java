package uk.nhs.phb.schemas.profiles;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.Feeds;

/**
 * How one national layout (SUS+ APCS, HES APC, ECDS ...) becomes rows of one phb feed contract. Profiles are
 * data: {@code profiles/<id>.yaml} resources, read by {@link Profiles}; see docs/PROFILES.md.
 *
 * <p>Reading a file by its profile: the file must hold every required {@link SourceColumn} (more columns are
 * ignored); each contract field is the value of its {@link #fields() expression} (Spark SQL over the source
 * columns), with dates in any of {@link #dateFormats()} made ISO; the person column becomes a keyed token of its
 * pseudonymisation domain; rows of one {@link Grouping} (episodes of one spell) become one row; and a row without a
 * cost is priced by {@link Pricing}.
 *
 * @param id            profile id (the landing folder's name unless {@code folder} says otherwise)
 * @param dataset       the national data set, in words
 * @param specification the specification the mapping follows, and where it was confirmed
 * @param specVersion   the specification's version or date
 * @param feed          the phb feed the rows become
 * @param unconfirmed   what could not be confirmed against the specification (empty when everything was)
 * @param dateFormats   accepted date and date-time formats (Java DateTimeFormatter patterns), tried in order
 * @param persons       the pseudonymised person columns, each re-keyed into its own field (a council's person id and the
 *                      NHS number); empty for a feed without one. The first is the person the raw line is checked for
 * @param columns       the source columns the profile reads, in file order of the specification
 * @param fields        contract field -> Spark SQL expression over the source columns (null: left blank)
 * @param grouping      rows to fold into one (HES episodes into spells), or null
 * @param pricing       how a row without a recorded cost is priced, or null
 * @param source        the file the profile was read from (and the override file, when one changed it)
 * @param folder        the landing folder read; several profiles may share one (MHSDS tables), each reading its files
 * @param files         which files of the folder are the profile's main table (a glob on the file name, such as
 *                      {@code MHS201*}), or null for every file
 * @param joins         other tables of the folder joined to each main row (a person's MPI row, a referral's team)
 * @param where         Spark SQL over the source columns saying which main rows are the feed's (null: all); the others
 *                      are set aside and counted, never quarantined (an informal legal status is no detention)
 * @param lookups       code maps a source column is looked up in (a SNOMED CT concept in the QOF and eFI clusters)
 * @param format        how the files are written: {@link #CSV} (CSV with a header, or Parquet), {@link #FHIR_NDJSON} (FHIR
 *                      R4 resources, one JSON object per line, as a Bulk Data export writes them), {@link #XML} or
 *                      {@link #LIST} (one value per line, no header)
 * @param resource      for {@link #FHIR_NDJSON}: the resource type of the main table's lines ({@code Condition}); for
 *                      {@link #XML}: the root element every file has ({@code Message}); else null
 * @param records       for {@link #XML}: the element paths below the root whose elements are the rows
 *                      ({@code Children.Child.CINdetails}), else empty
 * @param unread        the data set's other tables, which the profile knowingly does not read (globs on the file name,
 *                      such as SSDA903's {@code uasc.csv}): sent with the rest, they are listed, not refused
 * @param identity      for an XML return: where a person's identifiers are, for {@code phb pseudonymise} at the council;
 *                      else null
 */
public record DatasetProfile(
        String id,
        String dataset,
        String specification,
        String specVersion,
        String feed,
        String unconfirmed,
        List<String> dateFormats,
        List<Person> persons,
        List<SourceColumn> columns,
        Map<String, String> fields,
        Grouping grouping,
        Pricing pricing,
        String source,
        String folder,
        String files,
        List<Join> joins,
        String where,
        List<Lookup> lookups,
        String format,
        String resource,
        List<String> records,
        List<String> unread,
        Identity identity) {

    /** CSV files with a header line, or Parquet files. */
    public static final String CSV = "csv";
    /** FHIR R4 resources in newline-delimited JSON (FHIR Bulk Data Access: {@code application/fhir+ndjson}). */
    public static final String FHIR_NDJSON = "fhir_ndjson";
    /**
     * What expressions call the first person column's phb token (the keyed token the person field gets): an id made from
     * it names a record without its identifier (a census has no episode id).
     */
    public static final String PERSON_TOKEN = "person_token";
    /**
     * What expressions call the path of the row's landing file: a return whose tables carry no organisation code is told
     * apart by its folder ({@code ssda903/E08000025/episodes.csv}).
     */
    public static final String SOURCE_FILE = "_source_file";
    /** An XML return (a DfE census), read as a stream: rows are the elements at the profile's record paths. */
    public static final String XML = "xml";
    /**
     * A list of values, one per line and no header (the file of NHS numbers the National Data Opt-out check takes and
     * returns): the line's text up to its first comma is the profile's one column.
     */
    public static final String LIST = "list";
    public static final List<String> FORMATS = List.of(CSV, FHIR_NDJSON, XML, LIST);

    public DatasetProfile {
        Objects.requireNonNull(id, "id");
        dateFormats = List.copyOf(dateFormats);
        persons = persons == null ? List.of() : List.copyOf(persons);
        columns = List.copyOf(columns);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        folder = folder == null ? id : folder;
        joins = joins == null ? List.of() : List.copyOf(joins);
        lookups = lookups == null ? List.of() : List.copyOf(lookups);
        format = format == null ? CSV : format;
        records = records == null ? List.of() : List.copyOf(records);
        unread = unread == null ? List.of() : List.copyOf(unread);
    }

    /**
     * Where an XML return holds a person's identifiers, and which they are: what {@code phb pseudonymise --profile} replaces
     * at the council with phb's tokens and encodings, written as elements of the same names as the feed's fields
     * ({@code pupil_token}, {@code dob_token} ...) at the start of the element, where every record below it reads them.
     *
     * <p>For a return of CSV tables (SSDA903) the identifiers are columns, named alone, and {@code elements} is empty: each
     * table's columns of those names are replaced where they stand, in every table of the return.
     *
     * <p>Elements inside the person's are named by their path from it: a child ({@code UPN}) or a descendant
     * ({@code PupilIdentifiers.UPN}, {@code HomeInformation.Address.PostCode}). An element replaced or dropped goes
     * with everything inside it, and an identifier is still read from inside a dropped element.
     *
     * @param elements      the element paths below the root holding them (none for CSV tables; {@code Persons.Person}; a step ending in
     *                      {@code ?} may or may not be there, as in a record path); several when a return holds people
     *                      in more than one place (pupils on roll and no longer on roll)
     * @param localId       the element holding the council's or the DfE's id (re-keyed into the first person's field)
     * @param localIdOtherwise the element whose id stands in where the local id is absent, as the person column's
     *                      {@code otherwise} does at ingest (its token is of {@code <element name>:<id>}), or null
     * @param localIdDomain the token's domain ({@code upn}; a council's own ids belong in a domain naming the council)
     * @param givenName     the element holding the given name, or null
     * @param familyName    the element holding the family name, or null
     * @param dateOfBirth   the element holding the date of birth, or null
     * @param postcode      the element holding the postcode, or null
     * @param drop          other identifying elements, removed without a token (a ULN, a former UPN, a whole address)
     * @param otherIds      other ids replaced by their tokens, each in its own domain
     */
    public record Identity(List<String> elements, String localId, String localIdOtherwise, String localIdDomain, String givenName,
                           String familyName, String dateOfBirth, String postcode, List<String> drop, List<OtherId> otherIds)
            implements java.io.Serializable {
        public Identity {
            otherIds = List.copyOf(otherIds);
            elements = List.copyOf(elements);
            Objects.requireNonNull(localId, "local id");
            drop = List.copyOf(drop);
        }

        /** The child elements replaced or removed. */
        public List<String> identifierElements() {
            List<String> out = new java.util.ArrayList<>();
            for (String e : java.util.Arrays.asList(localId, localIdOtherwise, givenName, familyName, dateOfBirth, postcode)) {
                if (e != null) {
                    out.add(e);
                }
            }
            otherIds.forEach(o -> out.add(o.element()));
            out.addAll(drop);
            return out;
        }
    }

    /**
     * Another id of the person an XML return carries, keyed too rather than dropped: written as the element {@code field}
     * with its token in {@code domain} (a child's UPN in a CIN census, as {@code pupil_token} in the national UPN domain).
     */
    public record OtherId(String element, String domain, String field, String valid) implements java.io.Serializable {
        /** Whether {@code value} is an id to key (not blank, and matching {@code valid} when there is one). */
        public boolean isId(String value) {
            return value != null && !value.isBlank() && (valid == null || value.strip().matches(valid));
        }
    }

    /** The first person column, or null for a feed without one. */
    public Person person() {
        return persons.isEmpty() ? null : persons.get(0);
    }

    /** The person column that fills {@code field}, or null. */
    public Person personFor(String field) {
        return persons.stream().filter(x -> x.field().equals(field)).findFirst().orElse(null);
    }

    public boolean fhir() {
        return format.equals(FHIR_NDJSON);
    }

    public boolean xml() {
        return format.equals(XML);
    }

    public boolean list() {
        return format.equals(LIST);
    }

    /** Columns are found by a path into each record (FHIR, XML), not by a header name. */
    public boolean byPath() {
        return fhir() || xml();
    }

    /** The main table's columns and every joined table's, each as a join reads it ({@code name.column}). */
    public List<String> readableColumns() {
        List<String> out = new java.util.ArrayList<>(columns.stream().map(SourceColumn::name).toList());
        for (Join j : joins) {
            j.columns().forEach(c -> out.add(j.name() + "." + c.name()));
        }
        for (Lookup l : lookups) {
            l.columns().forEach(c -> out.add(l.name() + "." + c));
        }
        return out;
    }

    public FeedContract contract() {
        return Feeds.byName(feed);
    }

    public List<String> requiredColumns() {
        return columns.stream().filter(SourceColumn::required).map(SourceColumn::name).toList();
    }

    /**
     * The column holding a person's pseudonym and the pseudonymisation domain it belongs to. Values are re-keyed
     * with the lake key under their domain on entry, so pseudonyms of two domains can never join by accident.
     *
     * @param column the source column
     * @param domain the domain's name (e.g. {@code dscro}); set locally to the DSCRO that made the extract
     * @param field  the contract field the token fills ({@code nhs_token})
     * @param scope  the contract field naming the organisation whose own ids these are ({@code la_code}), or null for ids
     *               unique across organisations (an NHS number, a UPN): a scoped id is keyed with its organisation, so the
     *               same {@code C0001} from two councils never becomes one token
     * @param otherwise  the source column whose id stands in where {@code column} is blank (a young person's ULN where
     *                   SEN2 has no UPN), keyed in the same domain marked with its column's name
     *                   ({@code UniqueLearnerNumber:1234567890}), so it never equals an id of {@code column}; or null
     * @param valid      a regular expression an id must match to be one, or null for any: a value that does not (SSDA903's
     *                   {@code UN1}-{@code UN5}, which say why a child has no UPN) is no id and gets no token, so the
     *                   children it stands for never share one
     */
    public record Person(String column, String domain, String field, String scope, String otherwise, String valid) {
        public Person(String column, String domain, String field) {
            this(column, domain, field, null, null, null);
        }

        public Person withDomain(String newDomain, String newField) {
            return new Person(column, newDomain, newField, scope, otherwise, valid);
        }
    }

    /**
     * One column of the national layout.
     *
     * @param name        as in the file header
     * @param required    a file without it is refused
     * @param description what it holds
     * @param aliases     other header names accepted for it (local override)
     * @param path        in a FHIR resource or an XML record, where the value is ({@link FhirPath}); null in a CSV layout
     */
    public record SourceColumn(String name, boolean required, String description, List<String> aliases, FhirPath path) {
        public SourceColumn {
            aliases = List.copyOf(aliases);
        }

        public SourceColumn(String name, boolean required, String description, List<String> aliases) {
            this(name, required, description, aliases, null);
        }
    }

    /**
     * Another table of the profile's folder, joined to each main row: its columns are read in expressions as
     * {@code name.column}. When several of its rows match one main row (an MPI row per month), the largest is taken,
     * so the choice never depends on file order; a main row with no match gets nulls.
     *
     * @param name    how expressions name the joined row (snake_case)
     * @param files   which files of the folder hold the table (a glob on the file name)
     * @param on      main table column -> joined table column, all equal for a match
     * @param columns  the joined table's columns the profile reads
     * @param resource in a FHIR profile, the resource type of the joined table's lines ({@code Patient}), else null
     * @param optional a table an extract may leave out (a FHIR export whose dispenses code their medicine inline has no
     *                 Medication resources): its columns are then blank; otherwise a main table sent without it is refused
     * @param sameFolder   a row matches only rows of files in its own file's folder: a return whose ids are unique only within
     *                     it (SSDA903's {@code CHILD}), with each council's tables in a folder of their own
     */
    public record Join(String name, String files, Map<String, String> on, List<SourceColumn> columns, String resource, boolean optional,
                       boolean sameFolder) {
        public Join {
            on = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(on));
            columns = List.copyOf(columns);
        }
    }

    /**
     * A source column looked up in a code map ({@link CodeMaps}): expressions read a match's values as
     * {@code name.column}. A row whose code has several matches (a concept in two clusters) becomes a row for each; a row
     * with none gets nulls.
     *
     * @param name    how expressions name the match (snake_case)
     * @param map     the code map's name
     * @param on      the source column holding the code
     * @param columns the map's value columns
     */
    public record Lookup(String name, String map, String on, List<String> columns) {
        public Lookup {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Rows that are parts of one record (HES episodes of one hospital spell, the items of a person's month) folded
     * into one.
     *
     * @param by            contract fields that together identify the record
     * @param order         Spark SQL over the source columns putting the parts in order (the first part gives every
     *                      field not aggregated), or null for file order
     * @param max           contract fields taken as the largest value over the parts (e.g. the discharge date)
     * @param min           contract fields taken as the smallest value over the parts (the date first recorded)
     * @param id            the contract field that receives a keyed id of the group (when the layout has no record id)
     * @param sum           contract fields summed over the parts (items, cost); a part whose value is not a number
     *                      makes the sum that value, so validation reports it
     * @param countDistinct contract fields that become the number of distinct values over the parts (medicines)
     */
    public record Grouping(List<String> by, String order, List<String> max, List<String> min, String id, List<String> sum,
            List<String> countDistinct) {
        public Grouping {
            by = List.copyOf(by);
            max = List.copyOf(max);
            min = min == null ? List.of() : List.copyOf(min);
            sum = sum == null ? List.of() : List.copyOf(sum);
            countDistinct = countDistinct == null ? List.of() : List.copyOf(countDistinct);
        }

        /** Every field the fold computes rather than takes from the first part. */
        public List<String> aggregated() {
            List<String> out = new java.util.ArrayList<>(max);
            out.addAll(min);
            out.addAll(sum);
            out.addAll(countDistinct);
            return out;
        }
    }

    /**
     * How a row with no recorded cost is priced from a dated price list ({@link PriceList}).
     *
     * @param list            the price list: {@code hrg} (NHS Payment Scheme prices by point of delivery and HRG)
     *                        or {@code unit_cost} (Unit Costs of Health and Social Care by contact type)
     * @param date            the contract date field whose financial year picks the price year
     * @param pointOfDelivery Spark SQL over the contract fields giving the point of delivery
     * @param code            Spark SQL over the contract fields giving the code priced (an HRG, a contact type)
     * @param costField       the contract field to fill
     * @param units           Spark SQL over the contract fields giving how many units the row's price is for (the items
     *                        of a person's month), or null for one
     * @param unitsSource     the same over the source columns, for units the feed has no field for (bed days to the
     *                        end of the month a spell was last reported in); a fold keeps the kept part's. Null for none
     */
    public record Pricing(String list, String date, String pointOfDelivery, String code, String costField, String units,
                          String unitsSource) {
    }
}
