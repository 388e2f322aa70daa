package uk.nhs.phb.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.LakeTables;

/**
 * The lake key a lake was built with. {@code phb link} records the key's keyed fingerprint in the commit
 * metadata of {@code silver/person_index}; every stage that hashes tokens with the lake key (link, features,
 * and later stages) checks the key it was given against it, so a wrong key is refused with a clear message
 * instead of silently matching no one.
 */
public final class LakeKeys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LakeKeys() {
    }

    /** The fingerprint recorded with the person index, or null when there is none (no index yet, or not phb's). */
    public static String recordedFingerprint(SparkSession spark, Lake lake) {
        String meta = DeltaTables.lastUserMetadata(spark, lake.path(LakeTables.PERSON_INDEX));
        if (meta == null) {
            return null;
        }
        try {
            Object fp = JSON.readValue(meta, Map.class).get("lake_key_fingerprint");
            return fp == null ? null : fp.toString();
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Refuses a key whose fingerprint differs from the one the person index was built with, naming both. */
    public static void check(SparkSession spark, Lake lake, SecretKey key) {
        String previous = recordedFingerprint(spark, lake);
        if (previous != null && !previous.equals(key.fingerprint())) {
            throw new InputException("silver/person_index was built with the lake key of fingerprint " + previous
                    + " but this key's fingerprint is " + key.fingerprint() + "; person ids would all change. Use the "
                    + "original --lake-key-file, or remove silver/person_index to start afresh");
        }
    }
}
