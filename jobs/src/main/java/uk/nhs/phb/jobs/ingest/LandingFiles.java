package uk.nhs.phb.jobs.ingest;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.pipelines.pseudonymise.Pseudonymise;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.profiles.DatasetProfile;

/**
 * Finds a feed's files under {@code <landing>/<feed>/} (recursively; names starting with {@code _} or
 * {@code .} are never read) and checks each CSV header against the contract, reading only the first line.
 */
final class LandingFiles {
    enum Format { CSV, PARQUET, NDJSON, XML, LIST }

    /**
     * One landing file: its qualified path, its name relative to the feed folder, for CSV its header, and the table of its
     * profile it holds ({@link #MAIN}, or a join's name).
     */
    record LandingFile(String path, String name, Format format, long bytes, long modified, List<String> header, String table) {
    }

    /** The table of a file in phb's layout, and of a profile's main table. */
    static final String MAIN = "";

    /**
     * One folder of a feed's files; {@code files} is empty when the folder is absent. {@code profile} is the dataset
     * profile that reads the folder, or null for phb's own layout ({@code landing/<feed>/}).
     */
    record FeedFiles(FeedContract contract, DatasetProfile profile, String folder, boolean present, List<LandingFile> files) {
        /** Who reads the files, for the data-quality summary: the profile and its specification's version, or phb's layout. */
        String readBy() {
            return profile == null ? "phb layout " + contract.name() : "profile " + profile.id() + " (" + profile.specVersion() + ")";
        }
    }

    private LandingFiles() {
    }

    /**
     * Lists and checks one feed. Problems (a missing required folder, an unreadable or unsupported file, a
     * header that does not match the contract) are added to {@code problems}, one readable line each.
     */
    static FeedFiles find(Configuration conf, String landing, FeedContract contract, boolean optional, List<String> problems) {
        return find(conf, landing, contract, null, optional, problems);
    }

    /**
     * Lists and checks one profile's folder, {@code <landing>/<profile id>/}; a file must hold every column the profile
     * requires (by its name or an alias) and may hold more.
     */
    static FeedFiles find(Configuration conf, String landing, DatasetProfile profile, List<String> problems) {
        return find(conf, landing, profile.contract(), profile, true, problems);
    }

    private static FeedFiles find(Configuration conf, String landing, FeedContract contract, DatasetProfile profile, boolean optional,
                                  List<String> problems) {
        Path folder = new Path(landing, profile == null ? contract.name() : profile.folder());
        String label = label(contract, profile);
        List<LandingFile> files = new ArrayList<>();
        try {
            FileSystem fs = folder.getFileSystem(conf);
            if (!fs.exists(folder)) {
                if (!optional) {
                    problems.add(label + ": folder " + folder + " does not exist; put the feed's files there "
                            + "(CSV with header " + String.join(",", contract.fieldNames()) + ", or Parquet), "
                            + "or leave the feed out with --feeds");
                }
                return new FeedFiles(contract, profile, folder.toString(), false, List.of());
            }
            if (!fs.getFileStatus(folder).isDirectory()) {
                problems.add(label + ": " + folder + " is a file; it must be a folder holding the feed's files");
                return new FeedFiles(contract, profile, folder.toString(), false, List.of());
            }
            String prefix = fs.makeQualified(folder).toUri().getPath();
            collect(fs, fs.makeQualified(folder), prefix, contract, profile, conf, files, problems);
        } catch (IOException e) {
            problems.add(label + ": cannot list " + folder + ": " + e.getMessage());
            return new FeedFiles(contract, profile, folder.toString(), true, List.of());
        }
        if (profile != null && files.stream().anyMatch(f -> f.table().equals(MAIN))) {
            for (DatasetProfile.Join j : profile.joins()) {
                if (!j.optional() && files.stream().noneMatch(f -> f.table().equals(j.name()))) {
                    problems.add(label + ": folder " + folder + " holds the main table's files (" + profile.files() + ") but none named "
                            + j.files() + ", the table it joins as " + j.name() + " (on " + String.join(", ", j.on().keySet())
                            + "); send that table with the others");
                }
            }
        }
        // a FHIR export writes no file for a resource type it has none of (Bulk Data Access): no rows, not a fault
        boolean fhir = profile != null && profile.fhir();
        if (files.isEmpty() && !fhir && problems.stream().noneMatch(p -> p.startsWith(label + ":"))) {
            problems.add(label + ": folder " + folder + (profile != null && profile.xml()
                    ? " holds no .xml or .xml.gz files; remove the folder when there is no return to ingest"
                    : profile != null && profile.list() ? " holds no .dat, .csv or .txt files; remove the folder when there is no list to ingest"
                    : " holds no .csv, .csv.gz or .parquet files; an empty feed is a CSV file with just the header line"));
        }
        files.sort(Comparator.comparing(LandingFile::name));
        return new FeedFiles(contract, profile, folder.toString(), true, files);
    }

    private static void collect(FileSystem fs, Path dir, String prefix, FeedContract contract, DatasetProfile profile, Configuration conf,
                                List<LandingFile> files, List<String> problems) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String base = s.getPath().getName();
            if (base.startsWith("_") || base.startsWith(".")) {
                continue;
            }
            String rel = s.getPath().toUri().getPath().substring(prefix.length() + 1);
            if (s.isDirectory()) {
                collect(fs, s.getPath(), prefix, contract, profile, conf, files, problems);
                continue;
            }
            String table = profile == null ? MAIN : tableOf(profile, base);
            if (table == null) {
                // another profile's table in a shared folder; a file no profile claims is reported by ingest's preflight
                continue;
            }
            String lower = base.toLowerCase(Locale.ROOT);
            String where = label(contract, profile) + ": file " + s.getPath().toUri().getPath();
            if (profile != null && profile.fhir()) {
                if (lower.endsWith(".ndjson") || lower.endsWith(".ndjson.gz")) {
                    if (!lower.endsWith(".gz") || completeGzip(fs, conf, s.getPath(), where, problems)) {
                        files.add(new LandingFile(s.getPath().toString(), rel, Format.NDJSON, s.getLen(), s.getModificationTime(), List.of(), table));
                    }
                } else {
                    problems.add(where + " is not .ndjson or .ndjson.gz (FHIR resources, one per line, as a Bulk Data export writes "
                            + "them); move it out of the folder or rename it to start with '_' so ingest skips it");
                }
            } else if (profile != null && profile.xml()) {
                if (lower.endsWith(".xml") || lower.endsWith(".xml.gz")) {
                    if (!lower.endsWith(".gz") || completeGzip(fs, conf, s.getPath(), where, problems)) {
                        files.add(new LandingFile(s.getPath().toString(), rel, Format.XML, s.getLen(), s.getModificationTime(), List.of(), table));
                    }
                } else {
                    problems.add(where + " is not .xml or .xml.gz (" + profile.dataset() + " is an XML return); move it out of the "
                            + "folder or rename it to start with '_' so ingest skips it");
                }
            } else if (profile != null && profile.list()) {
                if (lower.matches(".*\\.(dat|csv|txt)(\\.gz)?")) {
                    if (!lower.endsWith(".gz") || completeGzip(fs, conf, s.getPath(), where, problems)) {
                        files.add(new LandingFile(s.getPath().toString(), rel, Format.LIST, s.getLen(), s.getModificationTime(), List.of(), table));
                    }
                } else {
                    problems.add(where + " is not .dat, .csv or .txt (" + profile.dataset() + " is a list, one value per line); move it "
                            + "out of the folder or rename it to start with '_' so ingest skips it");
                }
            } else if (lower.endsWith(".parquet")) {
                files.add(new LandingFile(s.getPath().toString(), rel, Format.PARQUET, s.getLen(), s.getModificationTime(), List.of(), table));
            } else if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
                List<String> header = header(fs, conf, s.getPath(), where, contract, profile, table, problems);
                if (header != null && lower.endsWith(".gz") && !completeGzip(fs, conf, s.getPath(), where, problems)) {
                    header = null;
                }
                if (header != null) {
                    files.add(new LandingFile(s.getPath().toString(), rel, Format.CSV, s.getLen(), s.getModificationTime(), header, table));
                }
            } else {
                problems.add(where + " is not .csv, .csv.gz or .parquet; move it out of the feed folder or rename it "
                        + "to start with '_' so ingest skips it");
            }
        }
    }

    private static List<String> header(FileSystem fs, Configuration conf, Path path, String where, FeedContract contract,
                                       DatasetProfile profile, String table, List<String> problems) {
        String line;
        try (InputStream raw = fs.open(path)) {
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
            InputStream in = codec == null ? raw : codec.createInputStream(raw);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            line = reader.readLine();
        } catch (FileNotFoundException e) {
            problems.add(where + " disappeared while reading; check nothing else is writing to the landing folder");
            return null;
        } catch (IOException e) {
            problems.add(where + " cannot be read: " + e.getMessage() + "; check its permissions and that it is not corrupt");
            return null;
        }
        if (line == null || line.isBlank()) {
            problems.add(where + " is empty; a CSV file must start with the header line " + String.join(",",
                    profile == null ? contract.fieldNames() : profile.requiredColumns()));
            return null;
        }
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        List<String> header = splitHeader(line, ',');
        String problem = profile == null ? checkColumns(header, contract) : checkColumns(header, profile, table);
        if (problem == null) {
            return header;
        }
        if (header.size() == 1) {
            for (char other : new char[] {';', '\t', '|'}) {
                if (line.indexOf(other) >= 0) {
                    String name = other == '\t' ? "tab" : "'" + other + "'";
                    problems.add(where + " is delimited by " + name + "; phb reads comma-separated CSV (RFC 4180): "
                            + "re-export it with ',' as the delimiter");
                    return null;
                }
            }
        }
        problems.add(where + ": " + problem);
        return null;
    }

    /**
     * Reads a compressed file to its end, so a truncated or damaged one is reported before anything is written
     * (rather than failing half-way through the run). Costs one decompression pass; .gz landings are rare.
     */
    private static boolean completeGzip(FileSystem fs, Configuration conf, Path path, String where, List<String> problems) {
        try (InputStream raw = fs.open(path)) {
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
            InputStream in = codec == null ? raw : codec.createInputStream(raw);
            byte[] buf = new byte[1 << 16];
            while (in.read(buf) >= 0) {
                // read to the end
            }
            return true;
        } catch (IOException | RuntimeException e) {
            problems.add(where + " is not a complete gzip file (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); it may have been cut short in transfer: re-send it");
            return false;
        }
    }

    /**
     * Null when the header names exactly the contract's fields (any order; a field with a {@code whenAbsent} rule may be
     * left out; the identity-block columns of {@code phb pseudonymise} that the contract does not name are ignored, so its
     * output lands as it is), else what is wrong.
     */
    static String checkColumns(List<String> header, FeedContract contract) {
        Set<String> expected = new LinkedHashSet<>(contract.fieldNames());
        Set<String> mustHave = new LinkedHashSet<>(contract.headerFields().stream().map(FieldSpec::name).toList());
        Set<String> seen = new LinkedHashSet<>();
        Set<String> duplicated = new LinkedHashSet<>();
        for (String h : header) {
            if (!seen.add(h)) {
                duplicated.add(h);
            }
        }
        Set<String> missing = new LinkedHashSet<>(mustHave);
        missing.removeAll(seen);
        Set<String> unknown = new LinkedHashSet<>(seen);
        unknown.removeAll(expected);
        // phb pseudonymise writes the whole identity block; a feed keeps the encodings its contract names
        unknown.removeAll(Pseudonymise.IDENTITY_COLUMNS);
        if (missing.isEmpty() && unknown.isEmpty() && duplicated.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing column(s) " + String.join(", ", missing));
        }
        if (!unknown.isEmpty()) {
            parts.add("unknown column(s) " + String.join(", ", unknown));
        }
        if (!duplicated.isEmpty()) {
            parts.add("repeated column(s) " + String.join(", ", duplicated));
        }
        return "header has " + String.join("; ", parts) + ". Expected the columns (in any order): "
                + String.join(",", contract.fieldNames());
    }

    /**
     * The table of a profile a file holds, by the file's name: {@link #MAIN} for the profile's main table, a join's name,
     * or null when the file is none of the profile's (another profile's table in a shared folder).
     */
    static String tableOf(DatasetProfile profile, String fileName) {
        if (profile.files() == null || matches(profile.files(), fileName)) {
            return MAIN;
        }
        for (DatasetProfile.Join j : profile.joins()) {
            if (matches(j.files(), fileName)) {
                return j.name();
            }
        }
        return null;
    }

    /** A table of the profile's data set that it knowingly does not read (SSDA903's {@code uasc.csv}). */
    static boolean unread(DatasetProfile profile, String fileName) {
        return profile.unread().stream().anyMatch(glob -> matches(glob, fileName));
    }

    private static boolean matches(String glob, String fileName) {
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(java.nio.file.Path.of(fileName));
    }

    static DatasetProfile.Join join(DatasetProfile profile, String name) {
        return profile.joins().stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("profile " + profile.id() + " has no join " + name));
    }

    /** How problems name the folder: the feed, or the profile and the feed it fills. */
    static String label(FeedContract contract, DatasetProfile profile) {
        return profile == null ? "feed " + contract.name() : "profile " + profile.id() + " (" + profile.dataset() + ", feed " + contract.name() + ")";
    }

    /**
     * Null when the header holds every column the profile requires, by its name or one of its aliases (other columns
     * are ignored), else what is missing and what to do.
     */
    static String checkColumns(List<String> header, DatasetProfile profile) {
        return checkColumns(header, profile, MAIN);
    }

    /** As {@link #checkColumns(List, DatasetProfile)}, for the profile's main table or one of its joined tables. */
    static String checkColumns(List<String> header, DatasetProfile profile, String table) {
        Set<String> seen = new LinkedHashSet<>(header);
        List<String> missing = new ArrayList<>();
        // phb pseudonymise's output carries the person as a token already, in place of the pseudonym column
        Set<String> tokenised = new LinkedHashSet<>();
        if (table.equals(MAIN)) {
            profile.persons().stream().filter(x -> seen.contains(x.field())).forEach(x -> tokenised.add(x.column()));
        } else {
            // a person read from a joined table (an MPI): its pseudonym column there, or the token in its place
            profile.persons().stream().filter(x -> x.column().startsWith(table + ".") && seen.contains(x.field()))
                    .forEach(x -> tokenised.add(x.column().substring(table.length() + 1)));
            // the main person's id it is joined on, pseudonymised in this table as in the main one
            DatasetProfile.Join j = join(profile, table);
            profile.persons().stream().filter(x -> j.on().containsKey(x.column()) && seen.contains(x.field()))
                    .forEach(x -> tokenised.add(j.on().get(x.column())));
        }
        List<DatasetProfile.SourceColumn> columns = table.equals(MAIN) ? profile.columns() : join(profile, table).columns();
        for (DatasetProfile.SourceColumn c : columns) {
            if (tokenised.contains(c.name())) {
                continue;
            }
            if (c.required() && !seen.contains(c.name()) && c.aliases().stream().noneMatch(seen::contains)) {
                missing.add(c.name() + (c.aliases().isEmpty() ? "" : " (or " + String.join(", ", c.aliases()) + ")"));
            }
        }
        if (header.size() != seen.size()) {
            return "header repeats a column name; each column must appear once";
        }
        if (missing.isEmpty()) {
            return null;
        }
        String which = table.equals(MAIN) ? "reads" : "reads from the table it joins as " + table + " (files named "
                + join(profile, table).files() + ";";
        return "header lacks the column(s) " + String.join(", ", missing) + " that profile " + profile.id() + " " + which
                + (table.equals(MAIN) ? " (" : " ") + profile.source() + "). If the extract names a column differently, add an alias in the override file "
                + "(--profile-overrides; docs/PROFILES.md); `phb profiles show " + profile.id() + "` lists every column";
    }

    private static List<String> splitHeader(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        for (String part : line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1)) {
            String name = part.trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).trim();
            }
            out.add(name);
        }
        return out;
    }
}
