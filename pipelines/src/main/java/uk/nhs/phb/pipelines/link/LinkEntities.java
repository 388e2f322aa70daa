package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** How one source's records become entities. */
    public record Source(String name, String entityKey, String recencyColumn) {
    }

    /** The sources of our feeds: GP registrations (the spine) keyed by NHS token; social care and education by their own ids. */
    public static final Source PATIENTS = new Source("patients", "nhs_token", "registered_from");
    public static final Source ADULT_SOCIAL_CARE = new Source("asc_cld", "la_person_token", "event_start");
    public static final Source CHILDRENS_SOCIAL_CARE = new Source("csc", "child_token", "start_date");
    public static final Source EDUCATION = new Source("ehcp", "pupil_token", "start_date");

    private LinkEntities() {
    }

    /** Entities of one source's (bronze) records; fields a source lacks (education has no NHS token) are null. */
    public static Dataset<Row> of(Dataset<Row> records, Source source) {
        List<String> have = Arrays.asList(records.columns());
        List<String> missing = new ArrayList<>();
        for (String required : List.of(source.entityKey(), source.recencyColumn())) {
            if (!have.contains(required)) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("source " + source.name() + " lacks columns " + missing + "; it has " + have);
        }
        List<Column> aggs = new ArrayList<>();
        aggs.add(count(lit(1)).alias("records"));
        for (String f : IDENTITY) {
            if (f.equals(source.entityKey())) {
                continue;
            }
            if (have.contains(f)) {
                // the value of the latest record that has one (max_by skips null orderings)
                aggs.add(max_by(col(f), when(col(f).isNotNull(), col(source.recencyColumn()))).alias(f));
            } else {
                aggs.add(lit(null).cast(f.equals("birth_year") ? "int" : "string").alias(f));
            }
        }
        Dataset<Row> grouped = records.filter(col(source.entityKey()).isNotNull())
                .groupBy(col(source.entityKey()).alias("entity_key"))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        Column nhs = source.entityKey().equals("nhs_token") ? col("entity_key") : col("nhs_token");
        List<Column> out = new ArrayList<>();
        out.add(lit(source.name()).alias("source"));
        out.add(col("entity_key"));
        out.add(nhs.alias("nhs_token"));
        for (String f : IDENTITY.subList(1, IDENTITY.size())) {
            out.add(col(f));
        }
        out.add(col("records"));
        return grouped.select(out.toArray(Column[]::new));
    }
}
