package uk.nhs.phb.jobs.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.ingest.LandingFiles.Format;
import uk.nhs.phb.jobs.ingest.LandingFiles.LandingFile;
import uk.nhs.phb.pipelines.ingest.ApplyProfile;
import uk.nhs.phb.pipelines.ingest.ValidateFeed;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.profiles.DatasetProfile;

/**
 * Reads landing files into the raw input of {@link ValidateFeed}: every contract field as a string plus
 * {@code _source_file}, {@code _source_line}, {@code _raw_line}, {@code _malformed}.
 *
 * <p>CSV: each file is read as lines (Hadoop {@code TextInputFormat}; {@code .gz} decompressed; CR, LF and
 * CRLF endings) numbered per file with {@code zipWithIndex}, which costs one cheap extra pass that only
 * counts the lines of a multi-split file. Line 1 is the header; blank lines are skipped and not counted.
 * Each line is split by Spark's CSV parser ({@code from_csv}, RFC 4180 quoting with {@code ""} as an
 * escaped quote) by the file's own header order, so columns may come in any order. A line that does not
 * split into exactly the header's columns, has an unbalanced quote or is not valid UTF-8 is marked
 * malformed. A quoted value holding a line break is not supported: its lines are quarantined as malformed.
 *
 * <p>Parquet: read per file; every column is cast to string (booleans as {@code Y}/{@code N}) so the
 * same checks apply; {@code _source_line} is the 1-based row number in the file.
 */
final class LandingReader {
    private static final String LINE = NumberedLines.LINE;
    private static final String CORRUPT = "__corrupt";
    private static final StructType LINES = NumberedLines.SCHEMA;

    private LandingReader() {
    }

    /** All files of one feed as one raw Dataset (a union of the per-file plans). */
    static Dataset<Row> read(SparkSession spark, FeedContract contract, List<LandingFile> files) {
        Dataset<Row> out = perFile(files, f -> parquet(spark, contract, f), (header, group) -> csv(spark, contract, header, group),
                (a, b) -> a.unionByName(b));
        return out == null ? spark.createDataFrame(List.of(), ValidateFeed.inputSchema(contract)) : out;
    }

    /**
     * The union of one plan per Parquet file and one per group of CSV files sharing a header order (one Spark CSV parse
     * per header), or null when there are no files.
     */
    private static Dataset<Row> perFile(List<LandingFile> files, java.util.function.Function<LandingFile, Dataset<Row>> parquet,
                                        java.util.function.BiFunction<List<String>, List<LandingFile>, Dataset<Row>> csv,
                                        java.util.function.BinaryOperator<Dataset<Row>> union) {
        Dataset<Row> out = null;
        Map<List<String>, List<LandingFile>> csvByHeader = new LinkedHashMap<>();
        for (LandingFile f : files) {
            if (f.format() == Format.CSV) {
                csvByHeader.computeIfAbsent(f.header(), h -> new ArrayList<>()).add(f);
            } else {
                out = out == null ? parquet.apply(f) : union.apply(out, parquet.apply(f));
            }
        }
        for (Map.Entry<List<String>, List<LandingFile>> e : csvByHeader.entrySet()) {
            Dataset<Row> part = csv.apply(e.getKey(), e.getValue());
            out = out == null ? part : union.apply(out, part);
        }
        return out;
    }

    /** CSV files sharing one header order, in phb's own layout. */
    private static Dataset<Row> csv(SparkSession spark, FeedContract contract, List<String> header, List<LandingFile> files) {
        List<Column> cols = new ArrayList<>();
        for (String field : contract.fieldNames()) {
            if (header.contains(field)) {
                cols.add(col("__p." + field).as(field));
            }
        }
        return withAbsentFields(parsedLines(spark, header, files, cols), contract, header);
    }

    /** The contract's fields a file left out (only those with a {@code whenAbsent} rule pass the header check), filled. */
    static Dataset<Row> withAbsentFields(Dataset<Row> df, FeedContract contract, List<String> present) {
        for (FieldSpec f : contract.fields()) {
            if (!present.contains(f.name())) {
                df = df.withColumn(f.name(), expr(f.whenAbsent()).cast(DataTypes.StringType));
            }
        }
        return df.select(ValidateFeed.inputColumns(contract));
    }

    /**
     * Files of one dataset profile: the profile's source columns (each by its name or the first alias the file uses,
     * named as the profile names it; optional ones the file lacks are left out) as strings, plus the lineage columns; and
     * for each joined table, a struct column of its name holding the matching row's columns (the largest row where several
     * match, nulls where none does).
     */
    static Dataset<Row> readNational(SparkSession spark, DatasetProfile profile, List<LandingFile> files) {
        Dataset<Row> out = readTable(spark, profile, LandingFiles.MAIN, profile.columns(),
                files.stream().filter(f -> f.table().equals(LandingFiles.MAIN)).toList());
        for (DatasetProfile.Join j : profile.joins()) {
            Dataset<Row> table = readTable(spark, profile, j.name(), j.columns(), files.stream().filter(f -> f.table().equals(j.name())).toList());
            List<String> tokens = personsIn(profile, j.name()).stream().map(ApplyProfile::phbToken).toList();
            List<String> absent = new ArrayList<>(tokens);
            keyTokens(profile, j).values().forEach(i -> absent.add(carriedKey(i)));
            for (String t : absent) {
                if (!List.of(table.columns()).contains(t)) {
                    table = table.withColumn(t, lit(null).cast(DataTypes.StringType));
                }
            }
            out = joined(out, table, j, tokens, keyTokens(profile, j));
            for (int i : personsIn(profile, j.name())) {
                // phb pseudonymise's output of a joined table (an MPI) carries the person's token in place of the pseudonym
                Column carried = col(j.name() + ".`" + ApplyProfile.phbToken(i) + "`");
                out = out.withColumn(ApplyProfile.phbToken(i), List.of(out.columns()).contains(ApplyProfile.phbToken(i))
                        ? coalesce(col(ApplyProfile.phbToken(i)), carried) : carried);
            }
        }
        return out;
    }

    /** The persons of a profile whose pseudonym column is in {@code table} (the main table's: those without a join prefix). */
    private static List<Integer> personsIn(DatasetProfile profile, String table) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < profile.persons().size(); i++) {
            String column = profile.persons().get(i).column();
            boolean joined = profile.joins().stream().anyMatch(j -> column.startsWith(j.name() + "."));
            if (table.equals(LandingFiles.MAIN) ? !joined : column.startsWith(table + ".")) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * For each key of a join, the main table's person whose id it is, or null: phb pseudonymise writes that id's token in
     * its place in every table of the return ({@code child_token} for SSDA903's {@code CHILD}), so the tables are then
     * joined on the token.
     */
    private static Map<String, Integer> keyTokens(DatasetProfile profile, DatasetProfile.Join j) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (int i : personsIn(profile, LandingFiles.MAIN)) {
            if (j.on().containsKey(profile.persons().get(i).column())) {
                out.put(profile.persons().get(i).column(), i);
            }
        }
        return out;
    }

    /**
     * A joined table's tokens that stand in for the main person's id it is joined on (phb pseudonymise's output), each as
     * {@link #carriedKey}, when the file has them; {@code prefix} is how its columns are reached.
     */
    private static List<Column> carriedKeys(DatasetProfile profile, String table, List<String> header, String prefix) {
        List<Column> out = new ArrayList<>();
        keyTokens(profile, LandingFiles.join(profile, table)).forEach((column, i) -> {
            String field = profile.persons().get(i).field();
            if (header.contains(field)) {
                out.add(col(prefix + "`" + field + "`").cast(DataTypes.StringType).as(carriedKey(i)));
            }
        });
        return out;
    }

    /** The column holding the token that stands in a joined table for the main person {@code i}'s id. */
    private static String carriedKey(int i) {
        return "__key_token" + i;
    }

    /** A join key's value: the token where the file carries one in the id's place, else the id, marked apart. */
    private static Column keyValue(Column id, Column token) {
        return when(trim(token).isNotNull().and(trim(token).notEqual("")), concat(lit("T|"), trim(token)))
                .when(trim(id).isNotNull().and(trim(id).notEqual("")), concat(lit("R|"), trim(id)));
    }

    /** The folder of a row's file, for a join within each folder. */
    private static Column folderOf() {
        return regexp_extract(col(ValidateFeed.SOURCE_FILE), "^(.*)/[^/]*$", 1);
    }

    /** {@code main} with each row's match in {@code table} as the struct column {@code join.name()}. */
    private static Dataset<Row> joined(Dataset<Row> main, Dataset<Row> table, DatasetProfile.Join j, List<String> tokens,
                                       Map<String, Integer> keyTokens) {
        List<String> mainKeys = new ArrayList<>(j.on().keySet());
        List<Column> keys = new ArrayList<>();
        Column match = null;
        Dataset<Row> left = main;
        List<String> mainColumns = List.of(main.columns());
        List<String> tableColumns = List.of(table.columns());
        for (int i = 0; i < mainKeys.size(); i++) {
            String joinedColumn = j.on().get(mainKeys.get(i));
            Integer person = keyTokens.get(mainKeys.get(i));
            Column mainId = mainColumns.contains(mainKeys.get(i)) ? col("`" + mainKeys.get(i) + "`") : lit(null).cast(DataTypes.StringType);
            Column tableId = tableColumns.contains(joinedColumn) ? col("`" + joinedColumn + "`") : lit(null).cast(DataTypes.StringType);
            if (person == null) {
                keys.add(trim(tableId).as("__jk" + i));
                left = left.withColumn("__mk" + i, trim(mainId));
            } else {
                Column mainToken = mainColumns.contains(ApplyProfile.phbToken(person)) ? col(ApplyProfile.phbToken(person))
                        : lit(null).cast(DataTypes.StringType);
                keys.add(keyValue(tableId, col(carriedKey(person))).as("__jk" + i));
                left = left.withColumn("__mk" + i, keyValue(mainId, mainToken));
            }
        }
        if (j.sameFolder()) {
            keys.add(folderOf().as("__jk" + mainKeys.size()));
            left = left.withColumn("__mk" + mainKeys.size(), folderOf());
            mainKeys = new ArrayList<>(mainKeys);
            mainKeys.add("__folder");
        }
        List<String> names = new ArrayList<>(j.columns().stream().map(DatasetProfile.SourceColumn::name).toList());
        names.addAll(tokens);
        Column[] fields = names.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
        // several rows of the joined table may match (an MPI row per month): the largest, so file order never decides. A
        // line that does not split into its header's columns is left out: its values are in the wrong places, and a main row
        // it alone would have matched gets blank joined fields (quarantined for them where they fill a required field)
        Dataset<Row> one = table.filter(col(ValidateFeed.MALFORMED).isNull()).groupBy(keys.toArray(Column[]::new))
                .agg(max(struct(fields)).as(j.name()));
        for (int i = 0; i < mainKeys.size(); i++) {
            Column eq = col("__mk" + i).equalTo(one.col("__jk" + i));
            match = match == null ? eq : match.and(eq);
        }
        Dataset<Row> out = left.join(one, match, "left");
        for (int i = 0; i < mainKeys.size(); i++) {
            out = out.drop("__mk" + i).drop(one.col("__jk" + i));
        }
        return out;
    }

    /** One table of a profile: its columns as strings, named as the profile names them, plus the lineage columns. */
    private static Dataset<Row> readTable(SparkSession spark, DatasetProfile profile, String table, List<DatasetProfile.SourceColumn> columns,
                                          List<LandingFile> files) {
        boolean main = table.equals(LandingFiles.MAIN);
        if (profile.fhir()) {
            return fhirTable(spark, profile, table, columns, files);
        }
        if (profile.xml()) {
            return xmlTable(spark, profile, columns, files);
        }
        if (profile.list()) {
            return listTable(spark, profile, columns, files);
        }
        Dataset<Row> out = perFile(files, f -> nationalParquet(spark, profile, columns, f), (header, group) -> {
            List<Column> cols = new ArrayList<>();
            for (DatasetProfile.SourceColumn c : columns) {
                String name = nameInFile(c, header);
                if (name != null) {
                    cols.add(col("__p.`" + name + "`").as(c.name()));
                }
            }
            for (int i : personsIn(profile, table)) {
                DatasetProfile.Person person = profile.persons().get(i);
                if (header.contains(person.field())) {
                    cols.add(phbToken(col("__p.`" + person.field() + "`"), columns, person, header).as(ApplyProfile.phbToken(i)));
                }
            }
            if (!main) {
                carriedKeys(profile, table, header, "__p.").forEach(cols::add);
            }
            return parsedLines(spark, header, group, cols);
        }, (a, b) -> a.unionByName(b, true));
        if (out == null) {
            out = spark.createDataFrame(List.of(), tableSchema(columns));
        }
        if (!main) {
            // a joined table's columns the files left out (optional ones, a pseudonym replaced by the token) are null, so
            // the struct is the same whatever came
            for (String c : columns.stream().map(DatasetProfile.SourceColumn::name).toList()) {
                if (!List.of(out.columns()).contains(c)) {
                    out = out.withColumn(c, lit(null).cast(DataTypes.StringType));
                }
            }
        }
        return out;
    }

    /** A profile table's columns as strings, then the lineage columns. */
    private static StructType tableSchema(List<DatasetProfile.SourceColumn> columns) {
        StructType schema = new StructType();
        for (DatasetProfile.SourceColumn c : columns) {
            schema = schema.add(c.name(), DataTypes.StringType, true);
        }
        return schema.add(ValidateFeed.SOURCE_FILE, DataTypes.StringType, false)
                .add(ValidateFeed.SOURCE_LINE, DataTypes.LongType, false)
                .add(ValidateFeed.RAW_LINE, DataTypes.StringType, true)
                .add(ValidateFeed.MALFORMED, DataTypes.StringType, true);
    }

    /**
     * One table of a FHIR profile: the lines of its NDJSON files, each a resource of the table's type with the columns taken
     * by their paths. A line that is not JSON, or holds another resource type, is malformed (quarantined from the main table,
     * left out of a joined one). The line itself is never kept: a resource may carry names and identifiers anywhere.
     */
    private static Dataset<Row> fhirTable(SparkSession spark, DatasetProfile profile, String table, List<DatasetProfile.SourceColumn> columns,
                                          List<LandingFile> files) {
        DatasetProfile.Join join = table.equals(LandingFiles.MAIN) ? null : LandingFiles.join(profile, table);
        String resource = join == null ? profile.resource() : join.resource();
        String glob = join == null ? profile.files() : join.files();
        StructType schema = tableSchema(columns);
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), schema);
        }
        JavaRDD<Row> lines = NumberedLines.of(spark, files, false);
        FhirLines reader = new FhirLines(resource, glob, columns.stream().map(DatasetProfile.SourceColumn::path).toList());
        return spark.createDataFrame(lines.mapPartitions(reader::rows), schema);
    }

    /**
     * The records of an XML profile's files, each file read as one stream by one task ({@link XmlRecords}): a file is never
     * held whole, and its records are numbered by the line their element starts on. The text is never kept. The files are
     * shared among a few tasks a core, so a folder of thousands of small returns (a school's each) is one stage, not a
     * union of thousands.
     */
    private static Dataset<Row> xmlTable(SparkSession spark, DatasetProfile profile, List<DatasetProfile.SourceColumn> columns,
                                         List<LandingFile> files) {
        StructType schema = tableSchema(columns);
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), schema);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        XmlRecords reader = new XmlRecords(profile.resource(), profile.records(),
                columns.stream().map(DatasetProfile.SourceColumn::path).toList());
        List<Tuple2<String, String>> paths = files.stream().map(f -> new Tuple2<>(f.path(), f.name())).toList();
        org.apache.spark.util.SerializableConfiguration conf = new org.apache.spark.util.SerializableConfiguration(jsc.hadoopConfiguration());
        int tasks = Math.max(1, Math.min(paths.size(), 3 * jsc.defaultParallelism()));
        JavaRDD<Row> rows = jsc.parallelize(paths, tasks).flatMap(file -> {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file._1());
            java.io.InputStream in = path.getFileSystem(conf.value()).open(path);
            String name = file._2();
            boolean gzip = name.toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
            return reader.rows(name, gzip ? new java.util.zip.GZIPInputStream(in, 1 << 16) : new java.io.BufferedInputStream(in, 1 << 16));
        });
        Dataset<Row> out = spark.createDataFrame(rows, schema);
        // a return phb pseudonymise wrote at the council carries phb's token where the id was, as a CSV file does in a column
        for (int i = 0; i < profile.persons().size(); i++) {
            String field = profile.persons().get(i).field();
            if (columns.stream().anyMatch(c -> c.name().equals(field))) {
                out = out.withColumn(ApplyProfile.phbToken(i), col("`" + field + "`"));
            }
        }
        return out;
    }

    /**
     * The lines of a list profile's files (no header): each line's text up to its first comma, unquoted and trimmed, is the
     * one column. The line itself is never kept: it is an identifier. A file whose first line is the person field's name
     * ({@code nhs_token}) is {@code phb pseudonymise} output: its values are phb's tokens, kept as they are.
     */
    private static Dataset<Row> listTable(SparkSession spark, DatasetProfile profile, List<DatasetProfile.SourceColumn> columns,
                                          List<LandingFile> files) {
        StructType schema = tableSchema(columns).add(ApplyProfile.phbToken(0), DataTypes.StringType, true);
        if (files.isEmpty()) {
            return spark.createDataFrame(List.of(), schema);
        }
        String field = profile.person().field();
        java.util.Set<String> tokenFiles = new java.util.HashSet<>();
        for (LandingFile f : files) {
            if (field.equals(firstListValue(spark, f))) {
                tokenFiles.add(f.name());
            }
        }
        JavaRDD<Row> lines = NumberedLines.of(spark, files, false)
                .filter(r -> !(r.getLong(1) == 1 && tokenFiles.contains(r.getString(0))));
        return spark.createDataFrame(lines.map(r -> {
            boolean tokens = tokenFiles.contains(r.getString(0));
            String value = listValue(r.getString(2));
            return RowFactory.create(tokens ? null : value, r.getString(0), r.getLong(1), null, r.getString(3), tokens ? value : null);
        }), schema);
    }

    /** The value on a list file's first line (a byte order mark ignored), or null. */
    private static String firstListValue(SparkSession spark, LandingFile f) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(f.path());
        try (java.io.InputStream raw = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path);
             java.io.InputStream in = f.name().toLowerCase(java.util.Locale.ROOT).endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
             java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            String first = r.readLine();
            return first == null ? null : listValue(first.replace("\uFEFF", ""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading " + f.name(), e);
        }
    }

    /** A list line's value: the text before its first comma, without surrounding quotes or spaces. */
    static String listValue(String line) {
        int comma = line.indexOf(',');
        String v = (comma < 0 ? line : line.substring(0, comma)).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1).strip();
        }
        return v.isEmpty() ? null : v;
    }

    /**
     * phb's token from a file that carries it in place of the pseudonym ({@code phb pseudonymise} output). Where the file has
     * no pseudonym column a blank token is read as empty, not null: its lines hold no pseudonym, so a quarantined one keeps
     * its line (ApplyProfile withholds the line only where a pseudonym may be in it unreplaced).
     */
    private static Column phbToken(Column token, List<DatasetProfile.SourceColumn> columns, DatasetProfile.Person person, List<String> header) {
        String column = person.column().substring(person.column().indexOf('.') + 1);
        boolean pseudonymColumn = columns.stream().filter(c -> c.name().equals(column)).anyMatch(c -> nameInFile(c, header) != null);
        return pseudonymColumn ? token : coalesce(token, lit(""));
    }

    /** The header name a file uses for a profile column: its own name, else the first alias present, else null. */
    private static String nameInFile(DatasetProfile.SourceColumn c, List<String> header) {
        if (header.contains(c.name())) {
            return c.name();
        }
        return c.aliases().stream().filter(header::contains).findFirst().orElse(null);
    }

    /**
     * Lines of CSV files sharing one header, split by it: {@code __p} is the parsed line (a struct of the header's
     * columns); returns {@code selected} and the lineage columns.
     */
    private static Dataset<Row> parsedLines(SparkSession spark, List<String> header, List<LandingFile> files, List<Column> selected) {
        JavaRDD<Row> lines = NumberedLines.of(spark, files, true);
        Dataset<Row> df = spark.createDataFrame(lines, LINES);

        StructType parseSchema = new StructType();
        for (String h : header) {
            parseSchema = parseSchema.add(h, DataTypes.StringType, true);
        }
        parseSchema = parseSchema.add(CORRUPT, DataTypes.StringType, true);
        Map<String, String> options = Map.of(
                "mode", "PERMISSIVE",
                "columnNameOfCorruptRecord", CORRUPT,
                "quote", "\"",
                "escape", "\"");
        Column parsed = from_csv(col(LINE), lit(parseSchema.toDDL()), options);
        // counting quotes costs a pass over the line; most lines hold none
        Column quotes = length(col(LINE)).minus(length(regexp_replace(col(LINE), "\"", "")));
        Column malformed = when(col(ValidateFeed.MALFORMED).isNotNull(), col(ValidateFeed.MALFORMED))
                .when(col(LINE).contains("\"").and(quotes.mod(2).equalTo(1)), lit("unbalanced double quote: the line does not split into the "
                        + header.size() + " columns of the header"))
                .when(col("__p." + CORRUPT).isNotNull(), lit("wrong number of columns: the line does not split into the "
                        + header.size() + " columns of the header"));
        List<Column> cols = new ArrayList<>(selected);
        cols.add(col(ValidateFeed.SOURCE_FILE));
        cols.add(col(ValidateFeed.SOURCE_LINE));
        cols.add(col(LINE).as(ValidateFeed.RAW_LINE));
        cols.add(malformed.as(ValidateFeed.MALFORMED));
        return df.withColumn("__p", parsed).select(cols.toArray(Column[]::new));
    }

    private static Dataset<Row> nationalParquet(SparkSession spark, DatasetProfile profile, List<DatasetProfile.SourceColumn> columns,
                                                LandingFile f) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(f.path());
        } catch (RuntimeException e) {
            throw new InputException(LandingFiles.label(profile.contract(), profile) + ": file " + f.path()
                    + " cannot be read as Parquet (" + e.getMessage() + "); check it is a complete Parquet file");
        }
        List<String> present = List.of(df.columns());
        String problem = LandingFiles.checkColumns(present, profile, f.table());
        if (problem != null) {
            throw new InputException(LandingFiles.label(profile.contract(), profile) + ": file " + f.path() + ": "
                    + problem.replace("header lacks", "schema lacks"));
        }
        List<Column> cols = new ArrayList<>();
        for (DatasetProfile.SourceColumn c : columns) {
            String name = nameInFile(c, present);
            if (name != null) {
                Column v = col("`" + name + "`");
                Column asText = df.schema().apply(name).dataType().equals(DataTypes.BooleanType)
                        ? when(v, lit("Y")).when(v.isNotNull(), lit("N")) : v.cast(DataTypes.StringType);
                cols.add(asText.as(c.name()));
            }
        }
        for (int i : personsIn(profile, f.table())) {
            DatasetProfile.Person person = profile.persons().get(i);
            if (present.contains(person.field())) {
                cols.add(phbToken(col("`" + person.field() + "`").cast(DataTypes.StringType), columns, person, present)
                        .as(ApplyProfile.phbToken(i)));
            }
        }
        cols.add(lit(f.name()).as(ValidateFeed.SOURCE_FILE));
        cols.add(col("_metadata.row_index").plus(1).cast(DataTypes.LongType).as(ValidateFeed.SOURCE_LINE));
        cols.add(lit(null).cast(DataTypes.StringType).as(ValidateFeed.RAW_LINE));
        cols.add(lit(null).cast(DataTypes.StringType).as(ValidateFeed.MALFORMED));
        return df.select(cols.toArray(Column[]::new));
    }

    /** Null when the Parquet file can be read and has exactly the contract's columns, else what is wrong. */
    static String checkParquet(SparkSession spark, FeedContract contract, LandingFile f) {
        try {
            String problem = LandingFiles.checkColumns(List.of(spark.read().parquet(f.path()).columns()), contract);
            return problem == null ? null
                    : "feed " + contract.name() + ": file " + f.path() + ": " + problem.replace("header has", "schema has");
        } catch (RuntimeException e) {
            return "feed " + contract.name() + ": file " + f.path() + " cannot be read as Parquet (" + e.getMessage()
                    + "); check it is a complete Parquet file";
        }
    }

    private static Dataset<Row> parquet(SparkSession spark, FeedContract contract, LandingFile f) {
        String problem = checkParquet(spark, contract, f);
        if (problem != null) {
            throw new InputException(problem);
        }
        Dataset<Row> df = spark.read().parquet(f.path());
        List<Column> cols = new ArrayList<>();
        List<String> present = List.of(df.columns());
        for (String field : contract.fieldNames()) {
            if (!present.contains(field)) {
                continue;
            }
            DataType type = df.schema().apply(field).dataType();
            Column c = col(field);
            Column asText = type.equals(DataTypes.BooleanType)
                    ? when(c, lit("Y")).when(c.isNotNull(), lit("N"))
                    : c.cast(DataTypes.StringType);
            cols.add(asText.as(field));
        }
        cols.add(lit(f.name()).as(ValidateFeed.SOURCE_FILE));
        cols.add(col("_metadata.row_index").plus(1).cast(DataTypes.LongType).as(ValidateFeed.SOURCE_LINE));
        cols.add(lit(null).cast(DataTypes.StringType).as(ValidateFeed.RAW_LINE));
        cols.add(lit(null).cast(DataTypes.StringType).as(ValidateFeed.MALFORMED));
        return withAbsentFields(df.select(cols.toArray(Column[]::new)), contract, present);
    }
}
