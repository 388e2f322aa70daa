package uk.nhs.phb.pipelines.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.Feeds;

/**
 * The synthetic population: a whole ICB's people over a window, simulated person by person in Spark, with
 * every landing feed of {@link Feeds} and the hidden truth later stages are measured against.
 *
 * <p>Output is one tagged Dataset ({@link #RECORD_SCHEMA}: {@code table, values, raw}) so a writer can
 * split it into feeds in a single pass; {@link #table(Dataset, String)} gives one feed or truth table as columns.
 * Each person draws from random streams seeded by (seed, person index) only, so the rows for a seed are the
 * same whatever the partitioning. Identities are encoded with {@link uk.nhs.phb.models.pseudonym.IdentityEncoder},
 * as a data provider would; raw identities never leave the executors except through {@link #rawIdentities()}.
 */
public final class SyntheticPopulation {
    public static final String TRUTH_PERSON_RECORDS = "_truth/person_records";
    public static final String TRUTH_PERSONS = "_truth/persons";
    public static final String TRUTH_RISK = "_truth/risk";
    public static final String TRUTH_PHB_EFFECT = "_truth/phb_effect";
    public static final String TRUTH_FAULTS = "_truth/faults";

    /** The tagged output: table name, its values in column order (strings), and whether to write the row as-is. */
    public static final StructType RECORD_SCHEMA = new StructType()
            .add("table", DataTypes.StringType, false)
            .add("values", DataTypes.createArrayType(DataTypes.StringType, true), false)
            .add("raw", DataTypes.BooleanType, false);

    private static final Map<String, List<String>> TRUTH_COLUMNS = new LinkedHashMap<>();

    static {
        TRUTH_COLUMNS.put(TRUTH_PERSON_RECORDS, List.of("feed", "record_key", "person_id"));
        TRUTH_COLUMNS.put(TRUTH_PERSONS, List.of("person_id", "sex", "birth_year", "entry_type", "entry_date", "exit_date",
                "exit_reason", "sub_icb_code", "la_code", "lsoa_code", "imd_decile", "ethnicity", "latent_morbidity",
                "latent_emergency", "conditions", "efi_deficits", "asc_long_term_support", "chc_package", "wheelchair_user",
                "ehcp", "phb_holder", "social_care_without_nhs_number", "need_nhs_chc", "need_nhs_community",
                "need_nhs_mental_health", "need_nhs_wheelchair", "need_asc", "need_csc", "need_education"));
        TRUTH_COLUMNS.put(TRUTH_RISK, List.of("person_id", "reference_date", "p_emergency_12m", "outcome_12m",
                "follow_up_in_window", "prior_emergency_12m"));
        TRUTH_COLUMNS.put(TRUTH_PHB_EFFECT, List.of("person_id", "phb_id", "eligibility_group", "start_date", "sector",
                "cost_with_phb", "cost_without_phb"));
        TRUTH_COLUMNS.put(TRUTH_FAULTS, List.of("feed", "kind", "record_key", "field", "count"));
    }

    private final SparkSession spark;
    private final SynthSettings settings;
    private final SecretKey key;
    private final Model model;

    private SyntheticPopulation(SparkSession spark, SynthSettings settings, SecretKey key) {
        this.spark = spark;
        this.settings = settings;
        this.key = key;
        this.model = Model.of(settings);
    }

    /** A generator for these settings; the key is the data provider's pseudonymisation key. */
    public static SyntheticPopulation of(SparkSession spark, SynthSettings settings, SecretKey key) {
        if (spark == null || settings == null || key == null) {
            throw new IllegalArgumentException("spark, settings and key are all required");
        }
        return new SyntheticPopulation(spark, settings, key);
    }

    public SynthSettings settings() {
        return settings;
    }

    /** Feed names in contract order, then truth table names. */
    public static List<String> tableNames() {
        List<String> names = new ArrayList<>();
        Feeds.all().forEach(f -> names.add(f.name()));
        names.addAll(TRUTH_COLUMNS.keySet());
        return names;
    }

    /** The tables a landing folder of this layout holds: feeds (national tables in place of the feeds they carry), then truth. */
    public static List<String> tableNames(SynthLayout layout) {
        if (layout == SynthLayout.PHB) {
            return tableNames();
        }
        // a national table may carry several feeds (the GP journal: conditions and type 1 objections), so it is named once
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (String t : tableNames()) {
            List<String> national = NationalLayouts.tablesOf(t);
            if (national.isEmpty()) {
                names.add(t);
            } else {
                names.addAll(national);
            }
        }
        return List.copyOf(names);
    }

    /**
     * Where a file of {@code table} goes under the landing folder: {@code <table>/<part>}, or for a national table that
     * shares its folder with others of its data set, {@code <folder>/<table's file stem>-<part>}.
     */
    public static String file(String table, String part) {
        return NationalLayouts.file(table, part);
    }

    /**
     * The profile override a landing in {@code layout} is ingested with, and its code maps, by path under the landing
     * folder (the override file first); none for phb's layout.
     */
    public Map<String, String> profileOverrideFiles(SynthLayout layout) {
        return layout == SynthLayout.NATIONAL ? NationalReturns.overrideFiles(model.geo, model.ref) : Map.of();
    }

    /** Whether {@code table} is an XML return (written a document per return key by {@link ReturnDocument}). */
    public static boolean isReturn(String table) {
        return NationalReturns.isReturn(table);
    }

    /**
     * One return being written, a file per return key and partition: an XML return's header first, then its records (a
     * row's values: its return key, then paths and values); or a CSV table of a return (SSDA903's), its header line, then
     * a line per row (its values after the return key).
     */
    public static final class ReturnDocument implements java.io.Closeable {
        private final javax.xml.stream.XMLStreamWriter xml;
        private final uk.nhs.phb.schemas.Csv.RowWriter csv;
        private final java.io.Writer out;
        private final String table;

        /**
         * @param open opens the file, given its path under the landing folder (a return per key and partition)
         */
        public static ReturnDocument open(String table, String key, String part,
                                          java.util.function.Function<String, java.io.OutputStream> open) {
            return new ReturnDocument(table, key, open.apply(NationalReturns.file(table, key, part)));
        }

        private ReturnDocument(String table, String key, java.io.OutputStream stream) {
            this.table = table;
            this.out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(stream, java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
            List<String> columns = NationalReturns.csvColumns(table);
            try {
                if (columns != null) {
                    xml = null;
                    csv = uk.nhs.phb.schemas.Csv.writer(out, ',');
                    csv.row(columns);
                } else {
                    csv = null;
                    xml = javax.xml.stream.XMLOutputFactory.newFactory().createXMLStreamWriter(out);
                    NationalReturns.writeStart(xml, table, key);
                }
            } catch (javax.xml.stream.XMLStreamException e) {
                throw new IllegalStateException("writing a " + table + " return", e);
            }
        }

        /** The record of one tagged row's values (its return key first). */
        public void write(List<String> values) {
            try {
                if (csv != null) {
                    csv.row(values.subList(1, values.size()));
                } else {
                    NationalReturns.writeRecord(xml, table, values);
                }
            } catch (javax.xml.stream.XMLStreamException e) {
                throw new IllegalStateException("writing a " + table + " record", e);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            if (csv != null) {
                csv.close();
                return;
            }
            try {
                NationalReturns.writeEnd(xml);
                xml.close();
            } catch (javax.xml.stream.XMLStreamException e) {
                throw new java.io.IOException("closing a " + table + " return", e);
            }
            out.close();
        }
    }

    public static List<String> truthTables() {
        return List.copyOf(TRUTH_COLUMNS.keySet());
    }

    /**
     * Column names of a feed or truth table. A feed's columns leave out the fields a file may omit (cost source, price
     * year, HRG of an attendance): the generator records every cost, as a sender of phb's own layout does.
     */
    public static List<String> columns(String table) {
        List<String> truth = TRUTH_COLUMNS.get(table);
        if (truth != null) {
            return truth;
        }
        List<String> national = NationalLayouts.columns(table);
        return national != null ? national : Emitter.written(Feeds.byName(table)).stream().map(uk.nhs.phb.schemas.FieldSpec::name).toList();
    }

    /** Partitions for {@code people}: about 50,000 people each, at least the default parallelism. */
    public int partitions() {
        int byPeople = (int) Math.min(10_000, (settings.people() + 49_999) / 50_000);
        return Math.max(spark.sparkContext().defaultParallelism(), byPeople);
    }

    /** Every row of every feed and truth table, tagged by table, in phb's layout. Lazily evaluated; not cached. */
    public Dataset<Row> records() {
        return records(SynthLayout.PHB);
    }

    /**
     * Every row of every table of {@link #tableNames(SynthLayout)}, tagged by table. The same people, activity and faults
     * whatever the layout. Lazily evaluated; not cached.
     */
    public Dataset<Row> records(SynthLayout layout) {
        spark.sparkContext().setJobDescription("synth: simulate " + settings.people() + " people");
        Dataset<Long> ids = spark.range(0, settings.people(), 1, partitions()).as(Encoders.LONG());
        NationalLayouts national = layout == SynthLayout.NATIONAL ? new NationalLayouts(model.ref, model.geo, settings.end()) : null;
        Dataset<Row> people = ids.mapPartitions(new SimulatePartition(model, key, national), Encoders.row(RECORD_SCHEMA));
        return people.union(spark.createDataFrame(referenceRows(), RECORD_SCHEMA));
    }

    /** Simulates the people of one partition lazily, person after person. */
    static final class SimulatePartition implements org.apache.spark.api.java.function.MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final Model model;
        private final SecretKey key;
        private final NationalLayouts national;

        SimulatePartition(Model model, SecretKey key, NationalLayouts national) {
            this.model = model;
            this.key = key;
            this.national = national;
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Long> it) {
            PersonSimulator sim = new PersonSimulator(model, key);
            return new java.util.Iterator<Row>() {
                private java.util.Iterator<Row> current = java.util.Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && it.hasNext()) {
                        List<Row> rows = sim.simulate(it.next());
                        current = (national == null ? rows : national.rewrite(rows)).iterator();
                    }
                    return current.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return current.next();
                }
            };
        }
    }

    /** Re-derives raw identities for one partition. */
    static final class IdentityPartition implements org.apache.spark.api.java.function.MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final Model model;
        private final SecretKey key;

        IdentityPartition(Model model, SecretKey key) {
            this.model = model;
            this.key = key;
        }

        @Override
        public java.util.Iterator<Row> call(java.util.Iterator<Long> it) {
            PersonSimulator sim = new PersonSimulator(model, key);
            List<Row> out = new ArrayList<>();
            while (it.hasNext()) {
                out.addAll(sim.identities(it.next()));
            }
            return out.iterator();
        }
    }

    /** The reference feeds (practices, LSOAs), built from the seeded geography. */
    List<Row> referenceRows() {
        Geography g = model.geo;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < g.practiceCodes.length; i++) {
            rows.add(RowFactory.create("ref_practices", new String[] {g.practiceCodes[i], g.practicePcn[i],
                g.subIcbCodes[g.practiceSubIcb[i]], g.icbCode, Long.toString(g.practiceListSize[i])}, false));
        }
        for (int i = 0; i < g.lsoaCodes.length; i++) {
            rows.add(RowFactory.create("ref_lsoa", new String[] {g.lsoaCodes[i], Integer.toString(g.lsoaImd[i]),
                g.laCodes[g.lsoaLa[i]]}, false));
        }
        return rows;
    }

    /**
     * One feed or truth table as string columns, from tagged rows (for example {@link #records()} as written
     * or read back). Raw (malformed) rows are left out; count them in {@code _truth/faults}.
     */
    public static Dataset<Row> table(Dataset<Row> records, String table) {
        List<String> cols = columns(table);
        org.apache.spark.sql.Column[] select = new org.apache.spark.sql.Column[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            select[i] = functions.col("values").getItem(i).as(cols.get(i));
        }
        return records.filter(functions.col("table").equalTo(table).and(functions.not(functions.col("raw")))).select(select);
    }

    /**
     * The raw identities (person_id, kind, value: nhs_number, given_name, family_name, date_of_birth,
     * postcode, including the variants recorded by social care and education) re-derived for this seed.
     * Identifiable: for leak checks in tests only; never write it.
     */
    public Dataset<Row> rawIdentities() {
        StructType schema = new StructType().add("person_id", DataTypes.StringType).add("kind", DataTypes.StringType)
                .add("value", DataTypes.StringType);
        return spark.range(0, settings.people(), 1, partitions()).as(Encoders.LONG())
                .mapPartitions(new IdentityPartition(model, key), Encoders.row(schema));
    }
}
