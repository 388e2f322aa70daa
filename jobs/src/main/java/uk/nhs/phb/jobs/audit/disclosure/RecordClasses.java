package uk.nhs.phb.jobs.audit.disclosure;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import uk.nhs.phb.jobs.InputException;

/** The equivalence classes of person-level CSV files: how many records share each combination of some columns. */
final class RecordClasses {
    private RecordClasses() {
    }

    /** Streams every file (a record at a time) and counts the records of each combination of {@code columns}. */
    static Map<List<String>, Integer> count(List<Path> files, List<String> columns) {
        Map<List<String>, Integer> classes = new HashMap<>();
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
        for (Path f : files) {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
                for (String c : columns) {
                    if (!p.getHeaderNames().contains(c)) {
                        throw new InputException(f + " has no column " + c + ", a quasi-identifier its anonymisation.json names");
                    }
                }
                for (CSVRecord rec : p) {
                    List<String> key = new ArrayList<>(columns.size());
                    for (String c : columns) {
                        key.add(rec.get(c));
                    }
                    classes.merge(key, 1, Integer::sum);
                }
            } catch (IOException e) {
                throw new InputException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return classes;
    }
}
