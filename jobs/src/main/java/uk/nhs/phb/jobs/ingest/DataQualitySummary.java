package uk.nhs.phb.jobs.ingest;

import com.fasterxml.jackson.databind.ObjectWriter;
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
import uk.nhs.phb.jobs.Json;
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
    private static final ObjectWriter MAPPER = Json.mapper().writerWithDefaultPrettyPrinter();

    private DataQualitySummary() {
    }

    /**
     * The summary ({@code data_quality.json}, and what {@code phb ingest --json} prints): the run, the extract date, each
     * feed's accounting by feed, and the totals.
     */
    record Summary(String runId, LocalDate extractDate, Map<String, Feed> feeds, long rowsIn, long rowsValid, long rowsQuarantined) {
    }

    /** One feed's accounting, as the summary gives it. */
    record Feed(String status, int files, long rowsIn, long rowsValid, long rowsQuarantined, Map<String, Long> quarantinedByRule,
                long bronzeVersion, long quarantineVersion, double seconds, Map<String, String> readBy, Map<String, Long> recoded) {
    }

    static Summary summary(String runId, LocalDate extractDate, List<FeedResult> feeds) {
        Map<String, Feed> byFeed = new LinkedHashMap<>();
        for (FeedResult f : feeds) {
            byFeed.put(f.feed(), new Feed(f.status(), f.files(), f.rowsIn(), f.rowsValid(), f.rowsQuarantined(), f.quarantinedByRule(),
                    f.bronzeVersion(), f.quarantineVersion(), Math.round(f.seconds() * 10) / 10.0, f.readBy(), f.recoded()));
        }
        return new Summary(runId, extractDate, byFeed, feeds.stream().mapToLong(FeedResult::rowsIn).sum(),
                feeds.stream().mapToLong(FeedResult::rowsValid).sum(), feeds.stream().mapToLong(FeedResult::rowsQuarantined).sum());
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
            writeText(fs, new Path(tmp, JSON), MAPPER.writeValueAsString(summary(runId, extractDate, feeds)) + "\n");
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
