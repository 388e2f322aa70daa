package uk.nhs.phb.pipelines.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.pseudonym.KeyedTokens;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.FieldType;
import uk.nhs.phb.schemas.profiles.CodeMaps;
import uk.nhs.phb.schemas.profiles.DatasetProfile;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Grouping;
import uk.nhs.phb.schemas.profiles.DatasetProfile.Pricing;
import uk.nhs.phb.schemas.profiles.PriceList;
import uk.nhs.phb.schemas.profiles.PriceList.Price;
import uk.nhs.phb.schemas.profiles.Profiles;

/**
 * Rows of a national layout, read by its {@link DatasetProfile}, into the input of {@link ValidateFeed}: every
 * contract field as a string plus the lineage columns. The contract's checks then apply unchanged, so a national
 * extract and a file in phb's own layout are held to the same rules.
 *
 * <p>In order: each field is its profile expression over the source columns (dates in any of the profile's formats
 * become ISO; a value that matches none is kept as sent, so validation reports it; decimals are rounded to pence);
 * the person column becomes a keyed token of its pseudonymisation domain (the raw pseudonym is replaced in the kept
 * raw line too, and a line whose pseudonym could not be read keeps no raw line); the parts of one record (episodes of
 * a spell) are folded into one row; and a row without a recorded cost is priced from the price list.
 */
public final class ApplyProfile {
    /** The label under which a domain's pseudonyms are keyed: two domains never share a token. */
    public static final String DOMAIN_LABEL = "pseudonym:";
    /**
     * The person's phb token when the file is {@code phb pseudonymise} output (the layout with its identifiers replaced
     * by tokens at the provider): kept as it is, in the provider's token domain, never re-keyed.
     */
    public static final String PHB_TOKEN = "__phb_token";
    private static final String ORDER = "__order";
    private static final String UNITS = "__price_units";
    private static final String TOKEN = "__token";
    private static final String GROUP_KEY = "__group";
    private static final String PART = "__part";
    private static final StructType PRICED = new StructType()
            .add("price", DataTypes.StringType)
            .add("year", DataTypes.StringType)
            .add("source", DataTypes.StringType);

    private final DatasetProfile profile;
    private final SecretKey lakeKey;
    private final PriceList prices;
    private final Profiles reference;

    private ApplyProfile(DatasetProfile profile, SecretKey lakeKey, Profiles reference) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.lakeKey = lakeKey;
        this.reference = Objects.requireNonNull(reference, "reference");
        this.prices = reference.prices();
        if (profile.person() != null && lakeKey == null) {
            throw new IllegalArgumentException("profile " + profile.id() + " re-keys pseudonyms: it needs the lake key");
        }
    }

    /** The column a reader puts the {@code i}-th person column's phb token in, where the file carries it in place. */
    public static String phbToken(int i) {
        return i == 0 ? PHB_TOKEN : PHB_TOKEN + "_" + i;
    }

    private static String token(int i) {
        return i == 0 ? TOKEN : TOKEN + "_" + i;
    }

    /**
     * @param reference the profiles' reference tables: the price list (with local prices) and the code maps (with local
     *                  rows)
     */
    public static ApplyProfile of(DatasetProfile profile, SecretKey lakeKey, Profiles reference) {
        return new ApplyProfile(profile, lakeKey, reference);
    }

    /**
     * @param national every source column the profile reads (as strings; optional ones may be absent) plus
     *                 {@code _source_file}, {@code _source_line}, {@code _raw_line}, {@code _malformed}
     */
    public Dataset<Row> execute(Dataset<Row> national) {
        FeedContract contract = profile.contract();
        List<String> present = List.of(national.columns());
        Dataset<Row> df = national;
        for (int i = 0; i < profile.persons().size(); i++) {
            if (!present.contains(phbToken(i))) {
                df = df.withColumn(phbToken(i), lit(null).cast(DataTypes.StringType));
            }
        }
        df = withAbsentColumns(df);
        df = withLookups(df);
        if (profile.where() != null) {
            df = df.filter(theFeeds());
        }
        for (int i = 0; i < profile.persons().size(); i++) {
            // the keyed token is made once per row, for the person field and for the raw line alike, and not at all for a
            // row that already carries phb's token
            Column given = trim(col(phbToken(i)));
            DatasetProfile.Person person = profile.persons().get(i);
            df = df.withColumn(token(i), when(given.isNull().or(given.equalTo("")), token(scoped(person), person.domain())));
        }
        if (profile.person() != null) {
            df = df.withColumn(DatasetProfile.PERSON_TOKEN, personToken(0));
        }
        List<Column> cols = new ArrayList<>();
        for (FieldSpec f : contract.fields()) {
            cols.add(field(f).as(f.name()));
        }
        cols.add(col(ValidateFeed.SOURCE_FILE));
        cols.add(col(ValidateFeed.SOURCE_LINE));
        cols.add(rawLine().as(ValidateFeed.RAW_LINE));
        cols.add(col(ValidateFeed.MALFORMED));
        if (profile.grouping() != null) {
            String order = profile.grouping().order();
            cols.add((order == null ? lit(null).cast(DataTypes.StringType) : expr(order)).as(ORDER));
        }
        if (profile.pricing() != null && profile.pricing().unitsSource() != null) {
            cols.add(expr(profile.pricing().unitsSource()).cast(DataTypes.StringType).as(UNITS));
        }
        Dataset<Row> mapped = df.select(cols.toArray(Column[]::new));
        if (profile.grouping() != null) {
            mapped = fold(mapped, profile.grouping());
        }
        if (profile.pricing() != null) {
            mapped = price(mapped, profile.pricing());
        }
        return mapped.select(ValidateFeed.inputColumns(contract));
    }

    /** The {@code i}-th person's phb token: the one the file carries (phb pseudonymise output), else the keyed one. */
    private static Column personToken(int i) {
        Column given = trim(col(phbToken(i)));
        return when(given.isNotNull().and(given.notEqual("")), given).otherwise(col(token(i)));
    }

    private Column field(FieldSpec f) {
        for (int i = 0; i < profile.persons().size(); i++) {
            if (profile.persons().get(i).field().equals(f.name())) {
                return personToken(i);
            }
        }
        String sql = profile.fields().get(f.name());
        if (sql == null) {
            return lit(null).cast(DataTypes.StringType);
        }
        Column v = trim(expr(sql).cast(DataTypes.StringType));
        if (f.type() == FieldType.DATE) {
            return date(v);
        }
        if (f.type() == FieldType.DECIMAL) {
            Column number = v.try_cast(DataTypes.createDecimalType(24, 6));
            return when(number.isNotNull(), round(number, 2).cast(FieldType.DECIMAL.sparkType()).cast(DataTypes.StringType))
                    .otherwise(v);
        }
        return v;
    }

    /**
     * A date in any of the profile's formats as {@code yyyy-MM-dd}, or the value as sent when none fits (validation then
     * reports it). The common shapes are rearranged as text, for the formats the profile accepts: parsing by trial is
     * costly where most values fail the first formats (a UDAL date-time fails three before it fits). An impossible day in
     * a rearranged value (2024-02-30) still fails validation's typed check.
     */
    private Column date(Column v) {
        List<String> formats = profile.dateFormats();
        Column out = null;
        if (formats.contains("yyyy-MM-dd")) {
            out = when(v.rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), v);
        }
        if (formats.stream().anyMatch(x -> x.startsWith("yyyy-MM-dd HH") || x.startsWith("yyyy-MM-dd'T'HH"))) {
            Column c = v.rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}");
            out = out == null ? when(c, substring(v, 1, 10)) : out.when(c, substring(v, 1, 10));
        }
        if (formats.contains("dd/MM/yyyy")) {
            Column c = v.rlike("^[0-9]{2}/[0-9]{2}/[0-9]{4}$");
            Column iso = concat(substring(v, 7, 4), lit("-"), substring(v, 4, 2), lit("-"), substring(v, 1, 2));
            out = out == null ? when(c, iso) : out.when(c, iso);
        }
        List<Column> parsed = new ArrayList<>();
        for (String format : formats) {
            parsed.add(try_to_timestamp(v, lit(format)));
        }
        Column general = coalesce(date_format(coalesce(parsed.toArray(Column[]::new)), "yyyy-MM-dd"), v);
        return out == null ? general : out.otherwise(general);
    }

    /**
     * The id a person's token is made from: the column's value, or for an id unique only within its organisation (a
     * council's) the organisation's code (the scope field's value) and the id; null when either is blank, so a council id
     * whose council is not known is never keyed as another council's.
     */
    private Column scoped(DatasetProfile.Person person) {
        Column id = trim(source(person.column()).cast(DataTypes.StringType));
        if (person.valid() != null) {
            id = when(id.rlike("^(?:" + person.valid() + ")$"), id);
        }
        if (person.otherwise() != null) {
            Column standIn = trim(source(person.otherwise()).cast(DataTypes.StringType));
            id = when(id.isNotNull().and(id.notEqual("")), id)
                    .when(standIn.isNotNull().and(standIn.notEqual("")), concat(lit(person.otherwise() + ":"), standIn));
        }
        if (person.scope() == null) {
            return id;
        }
        Column scope = trim(expr(profile.fields().get(person.scope())).cast(DataTypes.StringType));
        return when(scope.isNotNull().and(scope.notEqual("")).and(id.isNotNull()).and(id.notEqual("")), concat_ws("|", scope, id));
    }

    private Column token(Column pseudonym, String domain) {
        KeyedTokens tokens = new KeyedTokens(lakeKey);
        String label = DOMAIN_LABEL + domain;
        // each task deserialises its own copy, so the (transient, not thread-safe) MAC is never shared
        UserDefinedFunction keyed = udf((String v) -> v == null || v.isBlank() ? null : tokens.token(label, v.strip()),
                DataTypes.StringType);
        return keyed.apply(pseudonym.cast(DataTypes.StringType));
    }

    /**
     * The rows of the profile's source that are the feed's; the rest are set aside (see {@link #setAside}). A line that
     * could not be read is the feed's, so validation quarantines it with its reason rather than setting it aside unread.
     */
    private Column theFeeds() {
        return col(ValidateFeed.MALFORMED).isNotNull().or(coalesce(expr(profile.where()), lit(false)));
    }

    /** The source rows the profile sets aside as not the feed's (none without a {@code where}); for counting. */
    public Dataset<Row> setAside(Dataset<Row> national) {
        return profile.where() == null ? national.limit(0) : withLookups(withAbsentColumns(national)).filter(functions.not(theFeeds()));
    }

    /**
     * Each row with its code's matches in the profile's code maps, as a struct column per lookup: a row for each match
     * (a concept in two clusters is a condition of each), one with nulls where there is none. The maps are small and
     * broadcast.
     */
    private Dataset<Row> withLookups(Dataset<Row> df) {
        for (DatasetProfile.Lookup l : profile.lookups()) {
            CodeMaps.CodeMap map = reference.codeMap(l.map());
            StructType values = new StructType();
            for (String c : map.values()) {
                values = values.add(c, DataTypes.StringType);
            }
            String code = "__code_" + l.name();
            StructType schema = new StructType().add(code, DataTypes.StringType).add(l.name(), values);
            List<Row> rows = new ArrayList<>();
            for (List<String> r : map.rows()) {
                rows.add(RowFactory.create(r.get(0).strip(), RowFactory.create(r.subList(1, r.size()).toArray())));
            }
            Dataset<Row> codes = df.sparkSession().createDataFrame(rows, schema);
            df = df.join(functions.broadcast(codes), trim(col("`" + l.on() + "`")).equalTo(codes.col(code)), "left").drop(code);
        }
        return df;
    }

    /** The profile's optional columns a file left out, as nulls. */
    private Dataset<Row> withAbsentColumns(Dataset<Row> df) {
        List<String> present = List.of(df.columns());
        for (DatasetProfile.SourceColumn c : profile.columns()) {
            if (!present.contains(c.name())) {
                df = df.withColumn(c.name(), lit(null).cast(DataTypes.StringType));
            }
        }
        return df;
    }

    /** A source column by its name in the profile: a main column, or a joined table's as {@code join.column}. */
    private Column source(String name) {
        int dot = name.indexOf('.');
        // a joined table's or a lookup's column (a struct column named after it), unless a main column has that dotted name
        if (dot > 0 && profile.readableColumns().contains(name) && profile.columns().stream().noneMatch(c -> c.name().equals(name))) {
            return col(name.substring(0, dot)).getField(name.substring(dot + 1));
        }
        return col("`" + name + "`");
    }

    /**
     * The landing line, with the raw pseudonym replaced by its token; as sent when the file carries phb's token in place
     * of the pseudonym; withheld otherwise, when the pseudonym could not be read (it may be in the line unreplaced), for a
     * profile that joins tables (the line holds the data set's own person id) and for one with several person columns
     * (a council's id beside the NHS number). The file and line number are kept.
     */
    private Column rawLine() {
        if (profile.person() == null) {
            return col(ValidateFeed.RAW_LINE);
        }
        if (!profile.joins().isEmpty() || profile.persons().size() > 1 || profile.person().otherwise() != null) {
            // the main table's line names the person by the data set's own id (the key its person table is joined on), by
            // several ids, or by a stand-in id the token does not replace
            return lit(null).cast(DataTypes.StringType);
        }
        Column pseudonym = trim(col(profile.person().column()).cast(DataTypes.StringType));
        // a reader gives the token as empty (not null) where the file has no pseudonym column: its lines hold none
        return when(pseudonym.isNotNull().and(pseudonym.notEqual("")),
                replace(col(ValidateFeed.RAW_LINE), pseudonym, coalesce(col(TOKEN), lit(""))))
                .when(col(PHB_TOKEN).isNotNull(), col(ValidateFeed.RAW_LINE));
    }

    /**
     * The parts of one record into one row: fields from the first part in order, {@code max} and {@code min} fields as
     * the largest and smallest value, {@code sum} fields summed, {@code count_distinct} fields counted, and the group's
     * id a hash of its (already keyed) key fields. A part lacking a key field stays a row of its own, so validation
     * reports it rather than merging it with others.
     */
    private Dataset<Row> fold(Dataset<Row> rows, Grouping g) {
        Column[] key = g.by().stream().map(f -> col(f)).toArray(Column[]::new);
        Column complete = lit(true);
        for (Column k : key) {
            complete = complete.and(k.isNotNull()).and(trim(k).notEqual(""));
        }
        Column groupKey = when(complete, concat(lit("K|"), concat_ws("|", key)))
                .otherwise(concat(lit("R|"), col(ValidateFeed.SOURCE_FILE), lit("|"), col(ValidateFeed.SOURCE_LINE).cast(DataTypes.StringType)));
        Dataset<Row> keyed = rows.withColumn(GROUP_KEY, groupKey);
        // one hash aggregation, no sort: the first part by (order, file, line), parts without an order last
        Column position = struct(col(ORDER).isNull(), col(ORDER), col(ValidateFeed.SOURCE_FILE), col(ValidateFeed.SOURCE_LINE));
        List<String> carried = java.util.Arrays.stream(rows.columns()).filter(c -> !c.equals(ORDER)).toList();
        List<Column> aggs = new ArrayList<>();
        aggs.add(min_by(struct(carried.stream().map(c -> col(c)).toArray(Column[]::new)), position).as(PART));
        for (String m : g.max()) {
            aggs.add(max(col(m)).as("__agg_" + m));
        }
        for (String m : g.min()) {
            aggs.add(functions.min(col(m)).as("__agg_" + m));
        }
        for (String m : g.sum()) {
            aggs.add(sum(m));
        }
        for (String m : g.countDistinct()) {
            // a set per group (groups are small) keeps the fold one hash aggregation; count_distinct beside other
            // aggregates makes Spark expand every row once per distinct column and aggregate twice
            aggs.add(functions.size(functions.collect_set(col(m))).cast(DataTypes.StringType).as("__agg_" + m));
        }
        Dataset<Row> folded = keyed.groupBy(col(GROUP_KEY)).agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        List<Column> out = new ArrayList<>();
        List<String> aggregated = g.aggregated();
        for (String c : carried) {
            out.add((aggregated.contains(c) ? col("__agg_" + c) : col(PART + "." + c)).as(c));
        }
        out.add(col(GROUP_KEY));
        keyed = folded.select(out.toArray(Column[]::new));
        if (g.id() != null) {
            keyed = keyed.withColumn(g.id(), substring(sha2(col(GROUP_KEY), 256), 1, 40));
        }
        return keyed.drop(GROUP_KEY);
    }

    /**
     * A field's sum over the parts, as text in its type (whole for an integer field, pence for a decimal). A part whose
     * value is not a number makes the sum that value (the largest such), so validation quarantines the record for it
     * rather than adding up what can be read.
     */
    private Column sum(String field) {
        Column v = trim(col(field));
        Column number = v.try_cast(DataTypes.createDecimalType(38, 6));
        Column bad = max(when(v.isNotNull().and(v.notEqual("")).and(number.isNull()), v));
        Column total = functions.sum(number);
        FieldType type = profile.contract().field(field).map(FieldSpec::type).orElse(FieldType.STRING);
        Column whole = total.cast(DataTypes.LongType).cast(DataTypes.StringType);
        Column text = type == FieldType.INTEGER
                ? when(total.equalTo(functions.floor(total)), whole).otherwise(total.cast(DataTypes.StringType))
                : round(total, 2).cast(DataTypes.StringType);
        return coalesce(bad, text).as("__agg_" + field);
    }

    /** Rows without a recorded cost priced from the list; {@code cost_source} and {@code price_year} say how. */
    private Dataset<Row> price(Dataset<Row> rows, Pricing p) {
        Column cost = col(p.costField());
        boolean hasSource = profile.contract().field("cost_source").isPresent();
        Column recorded = cost.isNotNull().and(trim(cost).notEqual(""));
        Column date = col(p.date()).try_cast(DataTypes.DateType);
        Column financialYear = year(date).minus(when(month(date).lt(4), 1).otherwise(0));
        Column priced = lookup(rows.sparkSession(), p.list()).apply(expr(p.pointOfDelivery()).cast(DataTypes.StringType),
                expr(p.code()).cast(DataTypes.StringType), financialYear);
        // the cost column is replaced below, so whether it was recorded is kept first
        Dataset<Row> out = rows.withColumn("__recorded", recorded).withColumn("__priced", when(functions.not(col("__recorded")), priced));
        Column price = col("__priced.price");
        if (p.units() != null || p.unitsSource() != null) {
            // a price per unit (a dispensed item, a bed day) times the row's units; units that are not a number leave the cost blank
            Column units = (p.units() != null ? expr(p.units()) : col(UNITS)).try_cast(DataTypes.createDecimalType(24, 6));
            price = round(price.cast(DataTypes.createDecimalType(24, 6)).multiply(units), 2).cast(DataTypes.StringType);
        }
        out = out.withColumn(p.costField(), when(col("__recorded"), cost).otherwise(price));
        if (hasSource) {
            out = out.withColumn("cost_source", when(col("__recorded"), lit("recorded")).otherwise(col("__priced.source")))
                    .withColumn("price_year", when(col("__recorded"), lit(null).cast(DataTypes.StringType)).otherwise(col("__priced.year")));
        }
        return out.drop("__priced", "__recorded", UNITS);
    }

    /** (point of delivery, code, financial year) -> (price, price year, cost source), or null when nothing applies. */
    private UserDefinedFunction lookup(org.apache.spark.sql.SparkSession spark, String list) {
        // broadcast, since what a function captures is deserialised again in every task, and a price list is thousands of rows
        org.apache.spark.broadcast.Broadcast<PriceList.Index> index = org.apache.spark.api.java.JavaSparkContext
                .fromSparkContext(spark.sparkContext()).broadcast(prices.index(list));
        return udf((String pod, String code, Integer fy) -> {
            PriceList.Priced p = index.value().find(pod, code, fy);
            return p == null ? null : RowFactory.create(p.price().toPlainString(), p.year() == null ? null : p.year().toString(), p.costSource());
        }, PRICED);
    }
}
