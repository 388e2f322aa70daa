package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import uk.nhs.phb.models.pseudonym.KeyedTokens;
import uk.nhs.phb.models.pseudonym.SecretKey;

/**
 * Turns links into {@code silver/person_index}. Source tokens never reach it: an entity is stored as a keyed
 * hash of (source, entity key) under the lake's own key, and a person as a keyed hash of its cluster anchor,
 * so {@code person_id}s are stable across re-runs with the same key and data, and nothing in the index can be
 * joined back to a provider's token without the lake key. {@link #entityHash} is how later stages map a
 * bronze record to its person.
 *
 * <p>Columns: {@code source, entity_hash, person_id, method, match_weight, match_probability}.
 */
public final class PersonIndex {
    private PersonIndex() {
    }

    /** The index rows of {@link LinkPersons.Result#links()}. */
    public static Dataset<Row> of(Dataset<Row> links, SecretKey lakeKey) {
        return links.select(col("source"), entityHash(lakeKey, col("source"), col("entity_key")).alias("entity_hash"),
                personId(lakeKey, col("anchor")).alias("person_id"), col("method"), col("match_weight"), col("match_probability"));
    }

    /** The keyed hash a (source, entity key) pair is stored under. */
    public static Column entityHash(SecretKey lakeKey, Column source, Column entityKey) {
        return keyedHash(lakeKey).apply(source, entityKey);
    }

    /**
     * The rows of {@code records} with the {@code person_id} of their {@code keyColumn} under {@code source}, looked up
     * in {@code index} ({@code silver/person_index}); rows whose key is null or has no person drop out.
     */
    public static Dataset<Row> withPerson(Dataset<Row> records, String source, String keyColumn, Dataset<Row> index, SecretKey lakeKey) {
        Dataset<Row> persons = index.filter(col("source").equalTo(source)).select("entity_hash", "person_id");
        // the key is present here, so the hash is declared non-null: a join on a nullable hash makes Spark infer a
        // not-null filter and push it below the projection, which computes every keyed hash twice
        return records.filter(col(keyColumn).isNotNull())
                .withColumn("entity_hash", keyedHash(lakeKey).asNonNullable().apply(lit(source), col(keyColumn)))
                .join(persons, "entity_hash").drop("entity_hash");
    }

    private static UserDefinedFunction keyedHash(SecretKey lakeKey) {
        // each task deserialises its own copy, so the (transient, not thread-safe) MAC is never shared
        KeyedTokens tokens = new KeyedTokens(lakeKey.derive(SecretKey.PERSON_INDEX));
        return udf((String s, String k) -> k == null ? null : tokens.token("entity", s + "|" + k), DataTypes.StringType);
    }

    /** A person id: "P" and 16 characters of a keyed hash of the cluster anchor. */
    public static Column personId(SecretKey lakeKey, Column anchor) {
        KeyedTokens tokens = new KeyedTokens(lakeKey.derive(SecretKey.PERSON_INDEX));
        UserDefinedFunction f = udf((String a) -> a == null ? null : "P" + tokens.token("person", a).substring(0, 16),
                DataTypes.StringType);
        return f.apply(anchor);
    }
}
