package uk.nhs.phb.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.LocalDate;
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
    private final ObjectNode values = JSON.createObjectNode();

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
        values.set(name, JSON.valueToTree(recordable(value)));
        return this;
    }

    /** Several parameters at once (a job's own record of settings it can be replayed from). */
    public RunParameters withAll(Map<String, ?> more) {
        more.forEach(this::with);
        return this;
    }

    /** Each component of a record as a parameter of its own (snake_case names). */
    public RunParameters withFields(Record fields) {
        values.setAll((ObjectNode) JSON.valueToTree(fields));
        return this;
    }

    /** The parameters, in the order added, as the run records them (a copy). */
    public ObjectNode values() {
        return values.deepCopy();
    }

    private static Object recordable(Object value) {
        if (value instanceof LocalDate || value instanceof Quarter || value instanceof Path || value instanceof Enum<?>) {
            return value.toString();
        }
        return value;
    }
}
