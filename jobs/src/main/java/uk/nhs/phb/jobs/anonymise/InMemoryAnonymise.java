package uk.nhs.phb.jobs.anonymise;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.models.anonymise.AnonymiseResult;
import uk.nhs.phb.models.anonymise.FrequencySet;
import uk.nhs.phb.models.anonymise.Hierarchy;
import uk.nhs.phb.models.anonymise.PrivacyModel;
import uk.nhs.phb.models.anonymise.Transformation;
import uk.nhs.phb.models.anonymise.VerifyAnonymity;
import uk.nhs.phb.schemas.Csv;

/**
 * {@code phb anonymise} of a CSV file on a local disk, in plain Java: no Spark session is started. The file is read
 * three times as a stream (to count the combinations, to write the generalised rows, and the written file to verify
 * them), so memory holds the combinations, never the rows, and a file of any size fits. Tables in a lake, Parquet and
 * files on other file systems go through Spark ({@link AnonymiseJob}). Outputs are the same: {@code data/anonymised.csv},
 * {@code anonymisation.json}, {@code anonymisation.txt}, published by one rename.
 */
final class InMemoryAnonymise {
    private static final ObjectMapper JSON = uk.nhs.phb.jobs.Json.mapper();

    private InMemoryAnonymise() {
    }

    /** A local CSV file whose hierarchies need no lake (every built-in but {@code practice}). */
    static boolean suits(AnonymiseJob.Request req) {
        return localCsvFile(req.in(), req.format()) && !hasScheme(req.out())
                && req.qis().values().stream().noneMatch("builtin:practice"::equals);
    }

    /** A CSV file on this machine's disk (no {@code s3a:}, {@code hdfs:} ... scheme): read here without Spark. */
    static boolean localCsvFile(String path, String format) {
        return "csv".equals(format) && !hasScheme(path) && Files.isRegularFile(Path.of(path));
    }

    private static boolean hasScheme(String path) {
        return path.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    }

    static AnonymiseJob.Result run(AnonymiseJob.Request req, Progress progress) {
        long t0 = System.nanoTime();
        Path in = Path.of(req.in());
        char delimiter = req.delimiter().charAt(0);
        List<String> qis = new ArrayList<>(req.qis().keySet());
        List<PrivacyModel> models = req.models().build(req.sensitive());
        try {
            progress.stage("frequency set");
            FrequencySet fs = frequencySet(in, delimiter, qis, req.sensitive());
            progress.stage("lattice search");
            List<Hierarchy> hierarchies = new ArrayList<>();
            req.qis().forEach((column, spec) -> hierarchies.add(AnonymiseJob.hierarchy(null, column, spec, req.lake())));
            AnonymiseResult result = AnonymiseJob.optimise(fs, req, models, hierarchies);
            progress.stage("write");
            Path target = Path.of(req.out());
            if (Files.exists(target) && !req.force()) {
                throw new InputException(target + " already exists; choose another place or pass --force to replace it");
            }
            Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
            try {
                Path data = Files.createDirectories(staging.resolve("data")).resolve("anonymised.csv");
                write(in, data, delimiter, qis, result.transformation());
                progress.stage("verify");
                VerifyAnonymity.Report report = AnonymiseJob.verified(frequencySet(data, delimiter, qis, req.sensitive()), fs, req, models);
                Files.writeString(staging.resolve("anonymisation.json"),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(AnonymiseJob.manifest(req, models, result, report)));
                Files.writeString(staging.resolve("anonymisation.txt"), result.toText());
                publish(staging, target);
            } finally {
                delete(staging);
            }
            return new AnonymiseJob.Result(AnonymiseJob.summary(req, fs, result, t0), result.toText(), result);
        } catch (IOException e) {
            throw new InputException("cannot anonymise " + in + " into " + req.out() + ": " + e.getMessage(), e);
        } finally {
            progress.finish();
        }
    }

    /** The combinations of a file's quasi-identifiers and sensitive values, read as a stream; empty fields are null. */
    static FrequencySet frequencySet(Path file, char delimiter, List<String> qis, List<String> sensitive) throws IOException {
        FrequencySet.Builder b = FrequencySet.builder(qis, sensitive);
        int[][] at = new int[2][];
        read(file, delimiter, header -> {
            at[0] = columns(file, header, qis);
            at[1] = columns(file, header, sensitive);
        }, fields -> b.add(values(fields, at[0]), values(fields, at[1]), 1));
        return b.build();
    }

    /** The input's rows with their quasi-identifiers generalised and the suppressed rows left out, in input order. */
    private static void write(Path in, Path out, char delimiter, List<String> qis, Transformation t) throws IOException {
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8); Csv.RowWriter csv = Csv.writer(w, delimiter)) {
            int[][] at = new int[1][];
            read(in, delimiter, header -> {
                at[0] = columns(in, header, qis);
                csv.row(header);
            }, fields -> {
                String[] q = values(fields, at[0]);
                if (t.isSuppressed(q)) {
                    return;
                }
                String[] g = t.generalise(q);
                List<String> row = new ArrayList<>(fields);
                for (int i = 0; i < at[0].length; i++) {
                    row.set(at[0][i], g[i]);
                }
                csv.row(row);
            });
        }
    }

    private static void read(Path file, char delimiter, Consumer<List<String>> header, Consumer<List<String>> row) throws IOException {
        int[] width = {-1};
        long[] line = {1};
        Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            Csv.stream(file.toString(), r, delimiter, h -> {
                width[0] = h.size();
                header.accept(h);
            }, fields -> {
                line[0]++;
                if (fields.size() != width[0]) {
                    throw new InputException(file + " record " + line[0] + " has " + fields.size() + " fields, the header has " + width[0]
                            + "; fix it (check --delimiter) before anonymising");
                }
                row.accept(fields);
            });
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() + "; check --delimiter", e);
        }
    }

    private static int[] columns(Path file, List<String> header, List<String> wanted) {
        List<String> missing = wanted.stream().filter(c -> !header.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new InputException(file + " has no column(s) " + missing + "; its columns are " + header);
        }
        return wanted.stream().mapToInt(header::indexOf).toArray();
    }

    private static String[] values(List<String> fields, int[] at) {
        String[] v = new String[at.length];
        for (int i = 0; i < at.length; i++) {
            String f = fields.get(at[i]);
            v[i] = f.isEmpty() ? null : f;
        }
        return v;
    }

    /** Moves the finished staging folder onto the target; a previous output is moved aside first and deleted last. */
    private static void publish(Path staging, Path target) throws IOException {
        Path aside = null;
        if (Files.exists(target)) {
            aside = target.resolveSibling(target.getFileName() + ".old-" + UUID.randomUUID().toString().substring(0, 8));
            Files.move(target, aside);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        } catch (IOException e) {
            if (aside != null) {
                Files.move(aside, target);
            }
            throw e;
        }
        if (aside != null) {
            delete(aside);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
