package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The people each source knows about, one row per source-local identity ("entity"), with the
 * pseudonymised identity fields linkage compares. A council's or school's own id already tells which of
 * its records are one person, so records are first grouped by it; each field takes its value from the
 * person's most recent record that has one.
 *
 * <p>Output columns: {@code source, entity_key, nhs_token, name_bloom, dob_token, dob_ym_token, dob_dm_token,
 * postcode_token, postcode_district_token, birth_year, sex, records}.
 */
public final class LinkEntities {
    /** Identity fields compared by linkage, as named in the feed contracts. */
    public static final List<String> IDENTITY = List.of("nhs_token", "name_bloom", "dob_token", "dob_ym_token",
            "dob_dm_token", "postcode_token", "postcode_district_token", "birth_year", "sex");

    /**
     * How one source's records become entities: the feeds whose records it groups by {@code entityKey}, each with the
     * column that tells its more recent records.
     */
    public record Source(String name, String entityKey, Map<String, String> recencyByFeed) {
        public Source {
            recencyByFeed = Collections.unmodifiableMap(new LinkedHashMap<>(recencyByFeed));
        }

        Source(String name, String entityKey, String feed, String recencyColumn) {
            this(name, entityKey, Map.of(feed, recencyColumn));
        }

        public List<String> feeds() {
            return List.copyOf(recencyByFeed.keySet());
        }
    }

    /** The sources of our feeds: GP registrations (the spine) keyed by NHS token; social care and education by their own ids. */
    public static final Source PATIENTS = new Source("patients", "nhs_token", "patients", "registered_from");
    public static final Source ADULT_SOCIAL_CARE = new Source("asc_cld", "la_person_token", "asc_cld", "event_start");
    public static final Source CHILDRENS_SOCIAL_CARE = new Source("csc", "child_token", "csc", "start_date");
    /**
     * Pupils, by UPN token: the school census (the education spine, a row per pupil per census with the pupil's
     * names, date of birth and postcode) and the EHC plans of SEN2, which meet it on the UPN. A plan whose return came
     * without encodings still reaches its pupil's health records through the census.
     */
    public static final Source EDUCATION = new Source("education", "pupil_token",
            orderedMap("school_census", "census_date", "ehcp", "start_date"));

    private LinkEntities() {
    }

    private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** Entities of one source's (bronze) records by feed; feeds absent from the map are skipped, fields a feed lacks are null. */
    public static Dataset<Row> of(Map<String, Dataset<Row>> recordsByFeed, Source source) {
        Dataset<Row> records = null;
        for (Map.Entry<String, String> part : source.recencyByFeed().entrySet()) {
            Dataset<Row> feed = recordsByFeed.get(part.getKey());
            if (feed == null) {
                continue;
            }
            Dataset<Row> slice = identityColumns(feed, part.getKey(), source.entityKey(), part.getValue());
            records = records == null ? slice : records.unionByName(slice);
        }
        if (records == null) {
            throw new IllegalArgumentException("source " + source.name() + " has none of its feeds " + source.feeds());
        }
        return of(records, source);
    }

    /**
     * For each entity of {@code source} whose records give the child's UPN token ({@code pupil_token}, as the CIN census
     * does), the latest: output {@code entity_key, pupil_token}; null when no feed of the source has the column.
     */
    public static Dataset<Row> pupilTokens(Map<String, Dataset<Row>> recordsByFeed, Source source) {
        Dataset<Row> out = null;
        for (Map.Entry<String, String> part : source.recencyByFeed().entrySet()) {
            Dataset<Row> feed = recordsByFeed.get(part.getKey());
            if (feed == null || !Arrays.asList(feed.columns()).contains("pupil_token")) {
                continue;
            }
            Dataset<Row> slice = feed.filter(col(source.entityKey()).isNotNull().and(col("pupil_token").isNotNull()))
                    .select(col(source.entityKey()).alias("entity_key"), col("pupil_token"), col(part.getValue()).cast("date").alias("recency"));
            out = out == null ? slice : out.unionByName(slice);
        }
        if (out == null) {
            return null;
        }
        return out.groupBy("entity_key").agg(max_by(col("pupil_token"), col("recency")).alias("pupil_token"));
    }

    /**
     * Entities of {@code sourceName} take each identity field they lack from the pupil their UPN token meets (an
     * {@link #EDUCATION} entity: the school census holds the names, date of birth and postcode a CIN census lacks), when
     * both give the same birth year or either gives none, so a mistyped UPN of another child's age lends nothing.
     */
    public static Dataset<Row> withPupilIdentity(Dataset<Row> entities, String sourceName, Dataset<Row> pupilTokens) {
        List<Column> pupilCols = new ArrayList<>();
        pupilCols.add(col("entity_key").alias("p_key"));
        for (String f : IDENTITY.subList(1, IDENTITY.size())) {
            pupilCols.add(col(f).alias("p_" + f));
        }
        Dataset<Row> pupils = entities.filter(col("source").equalTo(EDUCATION.name())).select(pupilCols.toArray(Column[]::new));
        Dataset<Row> target = entities.filter(col("source").equalTo(sourceName))
                .join(pupilTokens, new String[] {"entity_key"}, "left")
                .join(pupils, col("pupil_token").equalTo(col("p_key")), "left");
        Column sameAge = col("birth_year").isNull().or(col("p_birth_year").isNull()).or(col("birth_year").equalTo(col("p_birth_year")));
        List<Column> out = new ArrayList<>();
        out.add(col("source"));
        out.add(col("entity_key"));
        out.add(col("nhs_token"));
        for (String f : IDENTITY.subList(1, IDENTITY.size())) {
            out.add(when(sameAge, org.apache.spark.sql.functions.coalesce(col(f), col("p_" + f))).otherwise(col(f)).alias(f));
        }
        out.add(col("records"));
        return entities.filter(col("source").notEqual(sourceName)).unionByName(target.select(out.toArray(Column[]::new)));
    }

    private static Dataset<Row> identityColumns(Dataset<Row> feed, String feedName, String entityKey, String recency) {
        List<String> have = Arrays.asList(feed.columns());
        List<String> missing = new ArrayList<>();
        for (String required : List.of(entityKey, recency)) {
            if (!have.contains(required)) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("feed " + feedName + " lacks columns " + missing + "; it has " + have);
        }
        List<Column> cols = new ArrayList<>();
        cols.add(col(entityKey).alias("entity_key"));
        cols.add(col(recency).cast("date").alias("recency"));
        for (String f : IDENTITY) {
            if (f.equals(entityKey)) {
                continue;
            }
            cols.add(have.contains(f) ? col(f).cast(f.equals("birth_year") ? "int" : "string").alias(f)
                    : lit(null).cast(f.equals("birth_year") ? "int" : "string").alias(f));
        }
        return feed.select(cols.toArray(Column[]::new));
    }

    /** {@code records}: entity_key, recency and every identity field but the entity key's own. */
    private static Dataset<Row> of(Dataset<Row> records, Source source) {
        boolean keyedByNhsToken = source.entityKey().equals("nhs_token");
        List<Column> aggs = new ArrayList<>();
        for (String f : IDENTITY) {
            if (!f.equals(source.entityKey())) {
                // the value of the latest record that has one (max_by skips null orderings)
                aggs.add(max_by(col(f), when(col(f).isNotNull(), col("recency"))).alias(f));
            }
        }
        Dataset<Row> grouped = records.filter(col("entity_key").isNotNull())
                .groupBy(col("entity_key"))
                .agg(count(lit(1)).alias("records"), aggs.toArray(Column[]::new));
        List<Column> out = new ArrayList<>();
        out.add(lit(source.name()).alias("source"));
        out.add(col("entity_key"));
        out.add((keyedByNhsToken ? col("entity_key") : col("nhs_token")).alias("nhs_token"));
        for (String f : IDENTITY.subList(1, IDENTITY.size())) {
            out.add(col(f));
        }
        out.add(col("records"));
        return grouped.select(out.toArray(Column[]::new));
    }
}
