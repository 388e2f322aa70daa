package uk.nhs.phb.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.ingest.IngestJob.FeedResult;
import uk.nhs.phb.schemas.Csv;

/**
 * The per-feed accounting of an ingest run, written to {@code <out>/ingest/<run_id>/data_quality.csv} and
 * {@code data_quality.json}. Files are written into a hidden temporary folder which is then renamed, so a
 * reader never sees half a summary.
 *
 * <p>CSV columns: {@code feed, status, files, rows_in, rows_valid, rows_quarantined, quarantined_by_rule,
 * bronze_version, quarantine_version, read_by, recoded}, where {@code read_by} names the layout or dataset profile (with its
 * specification's version) that read each landing folder, {@code recoded} counts the codes outside their list kept as
 * "not known" ({@code field=value:n} joined by {@code ;}), and {@code quarantined_by_rule} is {@code rule=n} pairs joined by
 * {@code ;} (each quarantined row counted once, under the first rule it broke).
 */
final class DataQualitySummary {
    static final String CSV = "data_quality.csv";
    static final String JSON = "data_quality.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DataQualitySummary() {
    }

    /** The summary as an ordered map (also what {@code phb ingest --json} prints). */
    static Map<String, Object> toMap(String runId, LocalDate extractDate, List<FeedResult> feeds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("extract_date", extractDate.toString());
        Map<String, Object> byFeed = new LinkedHashMap<>();
        for (FeedResult f : feeds) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("status", f.status());
            x.put("files", f.files());
            x.put("rows_in", f.rowsIn());
            x.put("rows_valid", f.rowsValid());
            x.put("rows_quarantined", f.rowsQuarantined());
            x.put("quarantined_by_rule", f.quarantinedByRule());
            x.put("bronze_version", f.bronzeVersion());
            x.put("quarantine_version", f.quarantineVersion());
            x.put("seconds", Math.round(f.seconds() * 10) / 10.0);
            x.put("read_by", f.readBy());
            x.put("recoded", f.recoded());
            byFeed.put(f.feed(), x);
        }
        m.put("feeds", byFeed);
        m.put("rows_in", feeds.stream().mapToLong(FeedResult::rowsIn).sum());
        m.put("rows_valid", feeds.stream().mapToLong(FeedResult::rowsValid).sum());
        m.put("rows_quarantined", feeds.stream().mapToLong(FeedResult::rowsQuarantined).sum());
        return m;
    }

    static String csv(List<FeedResult> feeds) {
        List<List<?>> rows = new java.util.ArrayList<>();
        for (FeedResult f : feeds) {
            String rules = f.quarantinedByRule().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(";"));
            rows.add(List.of(f.feed(), f.status(), f.files(), f.rowsIn(), f.rowsValid(), f.rowsQuarantined(), rules, f.bronzeVersion(),
                    f.quarantineVersion(), String.join("; ", f.readBy().values()), f.recoded().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(";"))));
        }
        return Csv.write(List.of("feed", "status", "files", "rows_in", "rows_valid", "rows_quarantined", "quarantined_by_rule",
                "bronze_version", "quarantine_version", "read_by", "recoded"), rows);
    }

    /** Writes both files; returns the folder. */
    static String write(Configuration conf, String out, String runId, LocalDate extractDate, List<FeedResult> feeds) {
        Path parent = new Path(out, "ingest");
        Path tmp = new Path(parent, ".tmp-" + runId);
        Path dest = new Path(parent, runId);
        try {
            FileSystem fs = Files2.plain(parent.getFileSystem(conf));
            fs.mkdirs(tmp);
            writeText(fs, new Path(tmp, CSV), csv(feeds));
            writeText(fs, new Path(tmp, JSON), MAPPER.writeValueAsString(toMap(runId, extractDate, feeds)) + "\n");
            if (!fs.rename(tmp, dest)) {
                throw new IOException("could not rename " + tmp + " to " + dest);
            }
            return dest.toString();
        } catch (IOException | RuntimeException e) {
            try {
                tmp.getFileSystem(conf).delete(tmp, true);
            } catch (IOException | RuntimeException ignored) {
                // best effort: a .tmp- folder is never read as a summary
            }
            throw new InputException("cannot write the data-quality summary under " + parent + ": " + e.getMessage()
                    + "; check --out is a writable folder with space left", e);
        }
    }

    private static void writeText(FileSystem fs, Path path, String text) throws IOException {
        try (OutputStream o = fs.create(path, true)) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
