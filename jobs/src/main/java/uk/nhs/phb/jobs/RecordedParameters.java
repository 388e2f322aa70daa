package uk.nhs.phb.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import uk.nhs.phb.jobs.audit.AuditLog;

/**
 * The parameters a past run recorded ({@link RunParameters}), read back to run its stage again exactly as it ran: each
 * value in the type the job's settings take. A value the record lacks or cannot give in that type is an
 * {@link InputException} naming the run and the parameter.
 */
public final class RecordedParameters {
    private final String runId;
    private final ObjectNode values;

    private RecordedParameters(String runId, ObjectNode values) {
        this.runId = runId;
        this.values = values;
    }

    public static RecordedParameters of(AuditLog.RunRecord run) {
        try {
            JsonNode node = Json.mapper().readTree(run.parameters() == null ? "{}" : run.parameters());
            if (!(node instanceof ObjectNode o)) {
                throw new InputException("run " + run.runId() + " recorded its parameters as " + node.getNodeType() + ", not an object");
            }
            return new RecordedParameters(run.runId(), o);
        } catch (JsonProcessingException e) {
            throw new InputException("run " + run.runId() + " has an unreadable record of its parameters in audit/runs: "
                    + e.getOriginalMessage(), e);
        }
    }

    public String runId() {
        return runId;
    }

    /** The whole record, as the run wrote it. */
    public ObjectNode values() {
        return values.deepCopy();
    }

    public boolean has(String name) {
        return values.hasNonNull(name);
    }

    /** A text parameter, or null when the run recorded none. */
    public String text(String name) {
        return has(name) ? values.get(name).asText() : null;
    }

    /** A file parameter, or null when the run was given none. */
    public Path path(String name) {
        return has(name) ? Path.of(values.get(name).asText()) : null;
    }

    public LocalDate date(String name) {
        String text = required(name).asText();
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new InputException("run " + runId + " recorded " + name + " as '" + text + "', not a date");
        }
    }

    public boolean flag(String name) {
        JsonNode v = required(name);
        if (!v.isBoolean()) {
            throw new InputException("run " + runId + " recorded " + name + " as " + v + ", not true or false");
        }
        return v.booleanValue();
    }

    public int integer(String name) {
        JsonNode v = required(name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InputException("run " + runId + " recorded " + name + " as " + v + ", not a whole number");
        }
        return v.intValue();
    }

    public long whole(String name) {
        JsonNode v = required(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InputException("run " + runId + " recorded " + name + " as " + v + ", not a whole number");
        }
        return v.longValue();
    }

    /** A list of texts (e.g. feed names). */
    public List<String> texts(String name) {
        JsonNode v = required(name);
        if (!v.isArray()) {
            throw new InputException("run " + runId + " recorded " + name + " as " + v + ", not a list");
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** A settings record the run recorded whole (its components in snake_case), read back into its type. */
    public <T extends Record> T record(String name, Class<T> type) {
        try {
            return Json.mapper().treeToValue(required(name), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InputException("run " + runId + " recorded " + name + " as " + required(name) + ", which is not a "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private JsonNode required(String name) {
        if (!has(name)) {
            throw new InputException("run " + runId + " recorded no parameter " + name + "; it was made by a phb that did not record it,"
                    + " so it cannot be run again as it ran");
        }
        return values.get(name);
    }
}
