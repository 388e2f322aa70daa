package uk.nhs.phb.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * File-system steps on any Hadoop URI: publishing a folder atomically (write beside it, then rename), so
 * a crash never leaves a half-written output that looks complete.
 */
public final class Files2 {
    private Files2() {
    }

    public static FileSystem fs(SparkSession spark, String path) {
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            return new Path(path).getFileSystem(conf);
        } catch (IOException e) {
            throw new InputException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file system of {@code path}, writing no checksum side files: on a local disk Hadoop writes a hidden
     * {@code .crc} beside every file, which is noise in a folder sent to someone and refuses the file once anyone
     * corrects it by hand. For the files phb writes itself; Delta tables keep theirs.
     */
    public static FileSystem plain(SparkSession spark, String path) {
        return plain(fs(spark, path));
    }

    /** {@code fs} without its checksum layer, if it has one. */
    public static FileSystem plain(FileSystem fs) {
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    public static boolean exists(SparkSession spark, String path) {
        try {
            return fs(spark, path).exists(new Path(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh sibling path for staging an output that will be renamed onto {@code target}. */
    public static String stagingFor(String target) {
        return target + ".tmp-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Moves a finished staging folder onto {@code target}, replacing what was there only when asked. The
     * previous output is moved aside first and deleted only after the new one is in place.
     */
    public static void publish(SparkSession spark, String staging, String target, boolean replace) {
        FileSystem fs = fs(spark, target);
        Path t = new Path(target);
        Path s = new Path(staging);
        try {
            Path aside = null;
            if (fs.exists(t)) {
                if (!replace) {
                    fs.delete(s, true);
                    throw new InputException(target + " already exists; choose another place or pass --force to replace it");
                }
                aside = new Path(target + ".old-" + UUID.randomUUID().toString().substring(0, 8));
                if (!fs.rename(t, aside)) {
                    throw new InputException("cannot move the previous " + target + " aside; check permissions");
                }
            }
            if (t.getParent() != null) {
                fs.mkdirs(t.getParent());
            }
            if (!fs.rename(s, t)) {
                if (aside != null) {
                    fs.rename(aside, t);
                }
                throw new InputException("cannot publish " + target + " (rename from staging failed); check permissions and space");
            }
            if (aside != null) {
                fs.delete(aside, true);
            }
        } catch (IOException e) {
            throw new InputException("cannot publish " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives the files Spark wrote into {@code folder} names a person can read, and removes what Spark and the file system
     * leave beside them ({@code _SUCCESS}, {@code .crc}): the one data file becomes {@code <name>.<extension>}, several
     * become {@code <name>-1.<extension>}, {@code <name>-2.<extension>} ... in Spark's order. Returns the new names.
     */
    public static java.util.List<String> nameSparkFiles(SparkSession spark, String folder, String name, String extension) {
        FileSystem fs = plain(spark, folder);
        Path dir = new Path(folder);
        try {
            java.util.List<Path> parts = new java.util.ArrayList<>();
            for (var st : fs.listStatus(dir)) {
                String n = st.getPath().getName();
                if (n.startsWith("part-")) {
                    parts.add(st.getPath());
                } else if (n.startsWith("_") || n.startsWith(".")) {
                    fs.delete(st.getPath(), false);
                }
            }
            parts.sort(java.util.Comparator.comparing(Path::getName));
            java.util.List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                String target = parts.size() == 1 ? name + "." + extension : name + "-" + (i + 1) + "." + extension;
                if (!fs.rename(parts.get(i), new Path(dir, target))) {
                    throw new InputException("cannot rename " + parts.get(i) + " to " + target + " in " + folder + "; check permissions");
                }
                names.add(target);
            }
            return names;
        } catch (IOException e) {
            throw new InputException("cannot name the files in " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes, anywhere under {@code folder}, the {@code .crc} checksum files a local disk writes beside Spark's files and
     * the {@code _SUCCESS} markers Spark writes: they are not for the people a folder goes to, and a stale {@code .crc}
     * makes Hadoop refuse a file someone corrected by hand.
     */
    public static void removeSideFiles(SparkSession spark, String folder) {
        FileSystem fs = plain(spark, folder);
        try {
            var it = fs.listFiles(new Path(folder), true);
            java.util.List<Path> side = new java.util.ArrayList<>();
            while (it.hasNext()) {
                Path p = it.next().getPath();
                if (p.getName().endsWith(".crc") || p.getName().equals("_SUCCESS")) {
                    side.add(p);
                }
            }
            for (Path p : side) {
                fs.delete(p, false);
            }
        } catch (IOException e) {
            throw new InputException("cannot tidy " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Removes a staging folder left by a failed step; never throws. */
    public static void discard(SparkSession spark, String staging) {
        try {
            fs(spark, staging).delete(new Path(staging), true);
        } catch (IOException | RuntimeException e) {
            // best effort: a stale .tmp- folder is harmless and never read
        }
    }

    /** Removes a folder when it holds nothing; never throws. */
    public static void discardIfEmpty(SparkSession spark, String folder) {
        try {
            FileSystem fs = fs(spark, folder);
            Path p = new Path(folder);
            if (fs.exists(p) && fs.listStatus(p).length == 0) {
                fs.delete(p, false);
            }
        } catch (IOException | RuntimeException e) {
            // best effort, as discard
        }
    }

    /** Writes a small text file (manifest, summary) through the Hadoop file system, with no checksum side file. */
    public static void writeText(SparkSession spark, String path, String text) {
        FileSystem fs = plain(spark, path);
        try (var out = fs.create(new Path(path), true)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** True when the path, or any file directly inside the folder, ends with {@code ending}. */
    public static boolean hasFileEnding(SparkSession spark, String path, String ending) {
        try {
            FileSystem fs = fs(spark, path);
            Path p = new Path(path);
            if (!fs.getFileStatus(p).isDirectory()) {
                return path.endsWith(ending);
            }
            for (var st : fs.listStatus(p)) {
                if (st.getPath().getName().endsWith(ending)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads the first line of a text file (a CSV header), or null for an empty file. */
    public static String firstLine(SparkSession spark, String path) {
        FileSystem fs = fs(spark, path);
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(new Path(path)),
                java.nio.charset.StandardCharsets.UTF_8))) {
            return in.readLine();
        } catch (IOException e) {
            throw new InputException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** True when both files exist and hold the same bytes. */
    public static boolean sameBytes(SparkSession spark, String a, String b) {
        try (var inA = new java.io.BufferedInputStream(fs(spark, a).open(new Path(a)));
             var inB = new java.io.BufferedInputStream(fs(spark, b).open(new Path(b)))) {
            for (int x = inA.read(), y = inB.read(); ; x = inA.read(), y = inB.read()) {
                if (x != y) {
                    return false;
                }
                if (x < 0) {
                    return true;
                }
            }
        } catch (java.io.FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new InputException("cannot read " + a + " or " + b + ": " + e.getMessage(), e);
        }
    }
}
