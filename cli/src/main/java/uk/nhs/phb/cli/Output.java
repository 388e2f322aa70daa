package uk.nhs.phb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import uk.nhs.phb.jobs.Json;

/** Writes a command's result: one JSON object with {@code --json} ({@link Json}), readable lines otherwise. */
final class Output {
    private Output() {
    }

    static void print(PrintWriter out, boolean json, Object summary, String text) {
        if (json) {
            try {
                out.println(Json.mapper().writeValueAsString(summary));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot print summary as JSON", e);
            }
        } else {
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        out.flush();
    }
}
