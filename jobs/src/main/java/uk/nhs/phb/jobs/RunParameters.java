package uk.nhs.phb.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.Quarter;

/**
 * What a run records as its parameters in {@code audit/runs}. A job builds them itself from its settings, never from
 * what a command or a batch passes along, so a stage records the same parameters whether it runs alone, in
 * {@code phb run} or from a test. Every run records where it read and wrote, and the lake key by fingerprint (never
 * the key, nor where its file lies).
 */
public final class RunParameters {
    private static final ObjectMapper JSON = Json.mapper();
    private final Map<String, Object> values = new LinkedHashMap<>();

    private RunParameters() {
    }

    /** The lake, landing and out folders, the Spark master, and the lake key's fingerprint ({@code lakeKey} may be null). */
    public static RunParameters of(JobSettings settings, SecretKey lakeKey) {
        RunParameters p = new RunParameters();
        p.values.put("lake", settings.lake());
        p.values.put("landing", settings.landing());
        p.values.put("out", settings.out());
        p.values.put("master", settings.master());
        if (lakeKey != null) {
            p.values.put("lake_key_fingerprint", lakeKey.fingerprint());
        }
        return p;
    }

    /**
     * One parameter. Dates, quarters and paths are recorded as text; a settings record as an object of its components
     * (snake_case names).
     */
    public RunParameters with(String name, Object value) {
        values.put(name, recordable(value));
        return this;
    }

    /** Several parameters at once (a job's own record of settings it can be replayed from). */
    public RunParameters withAll(Map<String, ?> more) {
        more.forEach(this::with);
        return this;
    }

    /** The parameters, in the order added. */
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    private static Object recordable(Object value) {
        if (value instanceof LocalDate || value instanceof Quarter || value instanceof Path || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof Record r) {
            return JSON.convertValue(r, Map.class);
        }
        return value;
    }
}
