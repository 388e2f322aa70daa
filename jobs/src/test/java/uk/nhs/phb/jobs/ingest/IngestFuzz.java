package uk.nhs.phb.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.synth.SynthJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.SynthSettings;

/**
 * Random corruption of landing files, then a real {@link IngestJob}: every trial must end either in an ingest
 * where each non-blank data line of every file is in bronze or quarantine exactly once (by file and line,
 * counted here independently from the bytes), or in an {@link InputException} naming a corrupted file or its
 * feed. Anything else (another exception, a lost or doubled row) is a failure, reported with its seed.
 *
 * <p>Used by {@code IngestFuzzTest} (a few trials) and {@code bench/fuzz.sh} (many, via the same test with
 * {@code -Dphb.fuzz.trials=N}).
 */
final class IngestFuzz {
    static final LocalDate EXTRACT = LocalDate.of(2026, 6, 30);

    /** The corruption operators, each applied to one CSV file's bytes. */
    static final List<String> OPERATORS = List.of("truncate", "wrong_delimiter_file", "wrong_delimiter_lines", "binary_garbage",
            "garbage_line", "huge_field", "latin1_text", "utf16_file", "shuffle_columns", "shuffle_header_only",
            "shuffle_line_values", "empty_file", "unicode_in_codes", "header_only", "bom", "bom_mid_file", "crlf", "lone_cr",
            "blank_lines", "duplicate_lines", "no_final_newline", "unbalanced_quote", "quoted_newline", "nul_bytes",
            "gzip", "truncated_gzip", "extra_columns", "missing_columns", "control_chars_in_header", "swap_lines");

    private final SparkSession spark;
    private final Path work;
    private final Path base;

    /** One trial's outcome. */
    record Outcome(long seed, String feed, List<String> operators, int filesCorrupted, String result, long rowsIn,
                   long quarantined, String message) {
    }

    IngestFuzz(SparkSession spark, Path work) {
        this.spark = spark;
        this.work = work;
        this.base = work.resolve("base-landing");
    }

    /** A small synthetic landing (CSV, default faults) to corrupt; made once. */
    void makeBase(int people, long seed) {
        if (Files.exists(base)) {
            return;
        }
        JobSettings s = new JobSettings(work.resolve("synth-lake").toString(), base.toString(), work.resolve("synth-out").toString(),
                "local[2]", false);
        SynthJob.run(s, SynthSettings.of(people, seed), SecretKey.generate(), SynthJob.FORMAT_CSV, false, Progress.NONE);
    }

    /** Feeds whose base files hold at least a few data lines (the interesting ones to corrupt). */
    List<String> feeds() {
        try (Stream<Path> s = Files.list(base)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("_")).sorted()
                    .filter(n -> dataLines(n) >= 3).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long dataLines(String feed) {
        long n = 0;
        for (Path f : csvFiles(base.resolve(feed))) {
            try {
                n += Math.max(0, Files.readAllLines(f).size() - 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return n;
    }

    private static List<Path> csvFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("_")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One trial: a feed's files copied, 1-3 of them corrupted by 1-3 operators each, ingested and checked. */
    Outcome trial(long seed) throws IOException {
        Random r = new Random(seed);
        List<String> feeds = feeds();
        String feed = feeds.get(r.nextInt(feeds.size()));
        Path landing = work.resolve("landing-" + seed);
        Path folder = landing.resolve(feed);
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        int copies = 1 + r.nextInt(3);
        List<Path> src = csvFiles(base.resolve(feed)).stream().filter(p -> size(p) > 0).toList();
        for (int i = 0; i < copies; i++) {
            Path s = src.get(r.nextInt(src.size()));
            Path d = folder.resolve("part-" + i + ".csv");
            // each copy gets a distinct record key space? no: copies of the same file are duplicates, which ingest must quarantine
            Files.copy(s, d);
            files.add(d);
        }
        List<String> applied = new ArrayList<>();
        Set<String> corrupted = new HashSet<>();
        int nCorrupt = 1 + r.nextInt(files.size());
        for (int i = 0; i < nCorrupt; i++) {
            Path f = files.get(i);
            int ops = 1 + r.nextInt(3);
            for (int k = 0; k < ops; k++) {
                String op = OPERATORS.get(r.nextInt(OPERATORS.size()));
                f = apply(op, f, r);
                files.set(i, f);
                applied.add(op);
            }
            corrupted.add(f.getFileName().toString());
        }
        Map<String, Set<Long>> expected = new TreeMap<>();
        for (Path f : files) {
            expected.put(f.getFileName().toString(), expectedLines(f));
        }
        JobSettings settings = new JobSettings(work.resolve("lake").toString(), landing.toString(), work.resolve("out").toString(),
                "local[2]", false);
        try {
            IngestJob.Result res = IngestJob.of(settings).feeds(List.of(feed)).extractDate(EXTRACT).execute();
            IngestJob.FeedResult fr = res.feeds().get(0);
            check(settings, feed, expected, fr, seed, applied);
            return new Outcome(seed, feed, applied, corrupted.size(), "ingested", fr.rowsIn(), fr.rowsQuarantined(), null);
        } catch (InputException e) {
            String m = e.getMessage();
            boolean names = corrupted.stream().anyMatch(m::contains) || m.contains(folder.toString());
            if (!names) {
                throw new AssertionError("seed " + seed + " " + applied + ": the input error names no corrupted file: " + m, e);
            }
            return new Outcome(seed, feed, applied, corrupted.size(), "input_error", 0, 0, m);
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + " feed " + feed + " " + applied + ": ingest failed with " + e, e);
        } finally {
            deleteTree(landing);
        }
    }

    /** Bronze and quarantine hold exactly the expected (file, line) pairs, once each; counts agree. */
    private void check(JobSettings settings, String feed, Map<String, Set<Long>> expected, IngestJob.FeedResult fr, long seed,
                       List<String> applied) {
        String ctx = "seed " + seed + " feed " + feed + " " + applied;
        long expectedRows = expected.values().stream().mapToLong(Set::size).sum();
        if (fr.rowsIn() != expectedRows) {
            throw new AssertionError(ctx + ": rows_in " + fr.rowsIn() + " but the files hold " + expectedRows + " non-blank data lines");
        }
        if (fr.rowsIn() != fr.rowsValid() + fr.rowsQuarantined()) {
            throw new AssertionError(ctx + ": rows_in != valid + quarantined: " + fr);
        }
        List<Row> got = spark.read().format("delta").load(settings.lakeLayout().bronze(feed)).select("_source_file", "_source_line")
                .union(spark.read().format("delta").load(settings.lakeLayout().quarantine(feed)).select("_source_file", "_source_line"))
                .collectAsList();
        Map<String, Set<Long>> seen = new TreeMap<>();
        for (Row row : got) {
            if (!seen.computeIfAbsent(row.getString(0), k -> new HashSet<>()).add(row.getLong(1))) {
                throw new AssertionError(ctx + ": line " + row.getLong(1) + " of " + row.getString(0) + " is in the lake twice");
            }
        }
        expected.entrySet().removeIf(e -> e.getValue().isEmpty());
        if (!seen.equals(expected)) {
            throw new AssertionError(ctx + ": lines in bronze+quarantine differ from the files' data lines: expected "
                    + summary(expected) + " got " + summary(seen));
        }
    }

    private static String summary(Map<String, Set<Long>> m) {
        Map<String, Integer> s = new TreeMap<>();
        m.forEach((k, v) -> s.put(k, v.size()));
        return s.toString();
    }

    /**
     * The data lines of a file counted from its bytes, independently of ingest's reader: lines end at LF, CR or
     * CRLF (gzip decompressed first); line 1 is the header; a line that is blank after UTF-8 decoding (invalid
     * bytes replaced) is skipped. Line numbers are 1-based.
     */
    static Set<Long> expectedLines(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        if (f.getFileName().toString().endsWith(".gz")) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
                b = in.readAllBytes();
            } catch (IOException e) {
                return Set.of(); // a broken gzip can only end in an input error
            }
        }
        Set<Long> out = new HashSet<>();
        long line = 0;
        int start = 0;
        int i = 0;
        while (i <= b.length) {
            boolean end = i == b.length || b[i] == '\n' || b[i] == '\r';
            if (end) {
                if (i == b.length && start == i) {
                    break;
                }
                line++;
                String text = new String(b, start, i - start, StandardCharsets.UTF_8);
                if (line > 1 && !text.isBlank()) {
                    out.add(line);
                }
                if (i < b.length && b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
            i++;
        }
        return out;
    }

    // ------------------------------------------------------------------ operators

    Path apply(String op, Path f, Random r) throws IOException {
        byte[] b = Files.readAllBytes(f);
        boolean gz = f.getFileName().toString().endsWith(".gz");
        if (gz && !op.equals("truncate")) {
            return f; // a gzip file is only ever truncated further
        }
        String text = new String(b, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        byte[] out = switch (op) {
            case "truncate" -> Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
            case "wrong_delimiter_file" -> text.replace(',', pick(r, ';', '\t', '|')).getBytes(StandardCharsets.UTF_8);
            case "wrong_delimiter_lines" -> mapLines(lines, r, 0.3, l -> l.replace(',', ';'));
            case "binary_garbage" -> insert(b, randomBytes(r, 1 + r.nextInt(200)), r);
            case "garbage_line" -> insert(b, concat(new byte[] {'\n'}, randomBytes(r, 1 + r.nextInt(300)), new byte[] {'\n'}), r);
            case "huge_field" -> mapLines(lines, r, 0.05, l -> replaceField(l, r, "x".repeat(200_000 + r.nextInt(800_000))));
            case "latin1_text" -> mapLinesBytes(lines, r, 0.2, l -> replaceField(l, r, "Caf\u00e9 \u00a3").getBytes(StandardCharsets.ISO_8859_1));
            case "utf16_file" -> text.getBytes(StandardCharsets.UTF_16);
            case "shuffle_columns" -> shuffleColumns(lines, r, true);
            case "shuffle_header_only" -> shuffleColumns(lines, r, false);
            case "shuffle_line_values" -> mapLines(lines, r, 0.2, l -> {
                List<String> v = new ArrayList<>(Arrays.asList(l.split(",", -1)));
                Collections.shuffle(v, r);
                return String.join(",", v);
            });
            case "empty_file" -> new byte[0];
            case "unicode_in_codes" -> mapLines(lines, r, 0.3, l -> replaceField(l, r,
                    pick(r, "\uFF2D", "\u00c9", "\uD83D\uDE00", "\u200BGP", "GP\u00a0", "\u202Eabc", "\u0130", "\u2028")));
            case "header_only" -> (lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8);
            case "bom" -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
            case "bom_mid_file" -> mapLines(lines, r, 0.1, l -> "\uFEFF" + l);
            case "crlf" -> text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
            case "lone_cr" -> mapLines(lines, r, 0.1, l -> l.isEmpty() ? l : l.substring(0, l.length() / 2) + "\r" + l.substring(l.length() / 2));
            case "blank_lines" -> mapLines(lines, r, 0.2, l -> l + "\n" + pick(r, "", "   ", "\t", " \u2003 "));
            case "duplicate_lines" -> mapLines(lines, r, 0.2, l -> l + "\n" + l);
            case "no_final_newline" -> text.endsWith("\n") ? text.substring(0, text.length() - 1).getBytes(StandardCharsets.UTF_8) : b;
            case "unbalanced_quote" -> mapLines(lines, r, 0.1, l -> "\"" + l);
            case "quoted_newline" -> mapLines(lines, r, 0.1, l -> replaceField(l, r, "\"two\nlines\""));
            case "nul_bytes" -> insert(b, new byte[] {0, 0, 0}, r);
            case "gzip", "truncated_gzip" -> gzip(b, op.equals("truncated_gzip"), r);
            case "extra_columns" -> mapLines(lines, r, 0.2, l -> l + ",extra");
            case "missing_columns" -> mapLines(lines, r, 0.2, l -> l.contains(",") ? l.substring(0, l.lastIndexOf(',')) : l);
            case "control_chars_in_header" -> {
                lines.set(0, lines.get(0).replaceFirst(",", ",\u0007"));
                yield String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            }
            case "swap_lines" -> {
                if (lines.size() > 3) {
                    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
                    Collections.shuffle(body, r);
                    List<String> all = new ArrayList<>();
                    all.add(lines.get(0));
                    all.addAll(body);
                    yield String.join("\n", all).getBytes(StandardCharsets.UTF_8);
                }
                yield b;
            }
            default -> throw new IllegalArgumentException(op);
        };
        Path target = f;
        if (op.startsWith("gzip") || op.equals("truncated_gzip")) {
            target = f.resolveSibling(f.getFileName() + ".gz");
            Files.delete(f);
        }
        Files.write(target, out);
        return target;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }

    private static byte[] mapLines(List<String> lines, Random r, double share, java.util.function.UnaryOperator<String> f) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            out.add(i > 0 && !l.isEmpty() && r.nextDouble() < share ? f.apply(l) : l);
        }
        return String.join("\n", out).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mapLinesBytes(List<String> lines, Random r, double share, java.util.function.Function<String, byte[]> f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            byte[] b = i > 0 && !l.isEmpty() && r.nextDouble() < share ? f.apply(l) : l.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
            if (i < lines.size() - 1) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static String replaceField(String line, Random r, String value) {
        String[] v = line.split(",", -1);
        v[r.nextInt(v.length)] = value;
        return String.join(",", v);
    }

    private static byte[] shuffleColumns(List<String> lines, Random r, boolean rowsToo) {
        int n = lines.get(0).split(",", -1).length;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, r);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            String[] v = l.split(",", -1);
            if ((i == 0 || rowsToo) && v.length == n && !l.contains("\"")) {
                String[] w = new String[n];
                for (int k = 0; k < n; k++) {
                    w[k] = v[order.get(k)];
                }
                out.add(String.join(",", w));
            } else {
                out.add(l);
            }
        }
        return String.join("\n", out).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] insert(byte[] b, byte[] what, Random r) {
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        return concat(Arrays.copyOf(b, at), what, Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] b, boolean truncate, Random r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        byte[] z = out.toByteArray();
        return truncate && z.length > 20 ? Arrays.copyOf(z, 10 + r.nextInt(z.length - 10)) : z;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Totals over outcomes, for the test's report and the bench. */
    static Map<String, Object> totals(List<Outcome> outcomes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trials", outcomes.size());
        m.put("corrupted_files", outcomes.stream().mapToInt(Outcome::filesCorrupted).sum());
        m.put("operators_applied", outcomes.stream().mapToInt(o -> o.operators().size()).sum());
        m.put("ingested", outcomes.stream().filter(o -> o.result().equals("ingested")).count());
        m.put("input_errors", outcomes.stream().filter(o -> o.result().equals("input_error")).count());
        m.put("rows_in", outcomes.stream().mapToLong(Outcome::rowsIn).sum());
        m.put("rows_quarantined", outcomes.stream().mapToLong(Outcome::quarantined).sum());
        m.put("rows_lost", 0);
        Map<String, Long> byOp = new TreeMap<>();
        outcomes.forEach(o -> o.operators().forEach(op -> byOp.merge(op, 1L, Long::sum)));
        m.put("by_operator", byOp);
        return m;
    }
}
