package uk.nhs.phb.jobs.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.schemas.profiles.FhirPath;

/**
 * Lines of a FHIR NDJSON file (as {@link LandingReader} numbers them: file, line, text, malformed) into rows of a
 * profile's table: the value of each column's path, then file, line, no raw line, and what is wrong with the line. Each
 * line is parsed once for all columns.
 */
final class FhirLines implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String resource;
    private final String files;
    private final List<FhirPath> paths;

    FhirLines(String resource, String files, List<FhirPath> paths) {
        this.resource = resource;
        this.files = files;
        this.paths = List.copyOf(paths);
    }

    Iterator<Row> rows(Iterator<Row> lines) {
        // one value per line: '{...} trailing' is not a resource
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public Row next() {
                Row line = lines.next();
                return row(json, line.getString(0), line.getLong(1), line.getString(2), line.getString(3));
            }
        };
    }

    private Row row(ObjectMapper json, String file, long number, String text, String malformed) {
        Object[] values = new Object[paths.size() + 4];
        values[paths.size()] = file;
        values[paths.size() + 1] = number;
        values[paths.size() + 2] = null;
        if (malformed != null) {
            values[paths.size() + 3] = malformed;
            return RowFactory.create(values);
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            node = null;
        }
        String problem = problem(node);
        if (problem != null) {
            values[paths.size() + 3] = problem;
            return RowFactory.create(values);
        }
        for (int i = 0; i < paths.size(); i++) {
            values[i] = paths.get(i).first(node);
        }
        return RowFactory.create(values);
    }

    /** Null for a resource of the table's type, else why the line is not one. */
    private String problem(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "the line is not a JSON object: a FHIR NDJSON file holds one resource per line, each on one line";
        }
        JsonNode type = node.get("resourceType");
        if (type == null || !type.isTextual()) {
            return "the line has no resourceType: it is not a FHIR resource";
        }
        if (!type.asText().equals(resource)) {
            return "a " + type.asText() + " resource in a file of " + resource + " resources (files named " + files
                    + "): a Bulk Data export writes each resource type to its own files; rename the file by its type";
        }
        return null;
    }

    @Override
    public String toString() {
        return "FhirLines[" + resource + ", " + new ArrayList<>(paths) + "]";
    }
}
