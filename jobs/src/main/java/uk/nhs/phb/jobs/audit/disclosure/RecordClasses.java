package uk.nhs.phb.jobs.audit.disclosure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.schemas.Csv;

/** The equivalence classes of person-level CSV files: how many records share each combination of some columns. */
final class RecordClasses {
    private RecordClasses() {
    }

    /** Streams every file (a record at a time) and counts the records of each combination of {@code columns}. */
    static Map<List<String>, Integer> count(List<Path> files, List<String> columns) {
        Map<List<String>, Integer> classes = new HashMap<>();
        for (Path f : files) {
            int[] at = new int[columns.size()];
            try {
                Csv.stream(f.toString(), Files.newBufferedReader(f, StandardCharsets.UTF_8), header -> {
                    for (int i = 0; i < columns.size(); i++) {
                        at[i] = header.indexOf(columns.get(i));
                        if (at[i] < 0) {
                            throw new InputException(f + " has no column " + columns.get(i) + ", a quasi-identifier its anonymisation.json names");
                        }
                    }
                }, fields -> {
                    List<String> key = new ArrayList<>(at.length);
                    for (int i : at) {
                        key.add(i < fields.size() ? fields.get(i) : "");
                    }
                    classes.merge(key, 1, Integer::sum);
                });
            } catch (IOException e) {
                throw new InputException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return classes;
    }
}
