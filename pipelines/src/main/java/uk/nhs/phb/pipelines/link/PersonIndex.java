package uk.nhs.phb.pipelines.link;

import static org.apache.spark.sql.functions.col;
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
        // each task deserialises its own copy, so the (transient, not thread-safe) MAC is never shared
        KeyedTokens tokens = new KeyedTokens(lakeKey.derive("person-index"));
        // marked nondeterministic only so Spark computes it once per row: a join on the hash makes Spark infer a
        // not-null filter, and pushing that filter below the projection would compute every keyed hash twice
        UserDefinedFunction f = udf((String s, String k) -> k == null ? null : tokens.token("entity", s + "|" + k),
                DataTypes.StringType).asNondeterministic();
        return f.apply(source, entityKey);
    }

    /** A person id: "P" and 16 characters of a keyed hash of the cluster anchor. */
    public static Column personId(SecretKey lakeKey, Column anchor) {
        KeyedTokens tokens = new KeyedTokens(lakeKey.derive("person-index"));
        UserDefinedFunction f = udf((String a) -> a == null ? null : "P" + tokens.token("person", a).substring(0, 16),
                DataTypes.StringType);
        return f.apply(anchor);
    }
}
