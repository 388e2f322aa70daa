package uk.nhs.phb.jobs.pseudonymise;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.profiles.DatasetProfile;

/**
 * {@code phb pseudonymise --profile ID}: a council's return pseudonymised where the council holds it, read and written as a
 * stream, file by file, so a return of any size takes the memory of one person's part: an XML return (SEN2, the CIN
 * census, the school census) element by element, or a return of CSV tables (SSDA903) row by row, each table's identifier
 * columns replaced where they stand. The output folder gets each file under its own name and a manifest
 * ({@code _pseudonymise.json}: counts, the elements or columns removed, the key's fingerprint; no secrets), published
 * atomically; it lands in {@code landing/<profile>/} as it is.
 */
public final class ReturnPseudonymiseJob {

    /**
     * @param in            an XML file ({@code .xml}, {@code .xml.gz}) or a folder of them; for a CSV return, a table
     *                      ({@code .csv}, {@code .csv.gz}) or the folder of the return's tables
     * @param profile       the profile whose return it is, with an {@code identity} section
     * @param localIdDomain the local id's token domain, or null for the profile's ({@code upn})
     */
    public record Request(String in, DatasetProfile profile, String localIdDomain, SecretKey key, String out, boolean force) {
        @Override
        public String toString() {
            return "Request[in=" + in + ", profile=" + profile.id() + ", out=" + out + "]";
        }
    }

    /** Counts of one run, over every file. */
    public record Result(int files, long persons, @JsonProperty("local_ids_tokenised") long localIds,
                         @JsonProperty("local_ids_missing") long missingLocalIds, Map<String, Long> removedElements,
                         String localIdDomain, String out, String keyFingerprint) {
    }

    /** {@code _pseudonymise.json} beside the output: the counts, the level, the profile, the token's element and the encoding. */
    record Manifest(@JsonUnwrapped Result counts, String level, String profile, String tokenElement, String encoding) {
    }

    private ReturnPseudonymiseJob() {
    }

    public static Result run(SparkSession spark, Request req, Progress progress) {
        DatasetProfile p = req.profile();
        if (p.identity() == null || p.person() == null) {
            throw new InputException("profile " + p.id() + " is not a return phb pseudonymise can read (no identity section); "
                    + "pseudonymise a CSV or Parquet file with --map instead");
        }
        DatasetProfile.Identity identity = p.identity();
        String domain = req.localIdDomain() != null ? req.localIdDomain() : identity.localIdDomain();
        if (!domain.matches("[A-Za-z][A-Za-z0-9_:-]*")) {
            throw new InputException("--local-id-domain must be letters, digits, _, : or - ('csc:E08000025'), not '" + domain + "'");
        }
        identity = new DatasetProfile.Identity(identity.elements(), identity.localId(), identity.localIdOtherwise(), domain, identity.givenName(), identity.familyName(),
                identity.dateOfBirth(), identity.postcode(), identity.drop(), identity.otherIds());
        List<Path> files = inputs(spark, req.in(), p.xml() ? ".xml" : ".csv");
        String staging = Files2.stagingFor(req.out());
        FileSystem outFs = Files2.plain(spark, staging);
        IdentityEncoder encoder = new IdentityEncoder(req.key());
        long persons = 0;
        long ids = 0;
        long missing = 0;
        Map<String, Long> removed = new LinkedHashMap<>();
        try {
            outFs.mkdirs(new Path(staging));
            for (Path f : files) {
                progress.stage("pseudonymise " + f.getName());
                String name = f.getName();
                boolean gz = name.toLowerCase(Locale.ROOT).endsWith(".gz");
                FileSystem inFs = f.getFileSystem(spark.sparkContext().hadoopConfiguration());
                try (InputStream raw = inFs.open(f);
                     InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : new java.io.BufferedInputStream(raw, 1 << 16);
                     OutputStream rawOut = outFs.create(new Path(staging, name), false);
                     OutputStream out = gz ? new GZIPOutputStream(rawOut, 1 << 16) : new java.io.BufferedOutputStream(rawOut, 1 << 16)) {
                    Map<String, Long> fileRemoved;
                    if (p.xml()) {
                        XmlPseudonymise.Counts c = XmlPseudonymise.rewrite(name, in, out, p.resource(), identity, p.person().field(), encoder);
                        persons += c.persons();
                        ids += c.localIds();
                        missing += c.missingLocalIds();
                        fileRemoved = c.removed();
                    } else {
                        java.io.Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
                        CsvPseudonymise.Counts c = CsvPseudonymise.rewrite(name,
                                new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8), w, identity, p.person().field(), encoder);
                        w.flush();
                        persons += c.rows();
                        ids += c.localIds();
                        missing += c.missingLocalIds();
                        fileRemoved = c.removed();
                    }
                    fileRemoved.forEach((k, v) -> removed.merge(k, v, Long::sum));
                } catch (IllegalArgumentException e) {
                    throw new InputException(e.getMessage() + " (profile " + p.id() + ")", e);
                }
            }
            Result result = new Result(files.size(), persons, ids, missing, removed, domain, req.out(), req.key().fingerprint());
            Manifest manifest = new Manifest(result, "PSEUDONYMISED", p.id(), p.person().field(), PseudonymiseJob.ENCODING);
            Files2.writeText(spark, staging + "/_pseudonymise.json", Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(manifest));
            Files2.publish(spark, staging, req.out(), req.force());
            return result;
        } catch (IOException e) {
            throw new InputException("cannot pseudonymise " + req.in() + " into " + req.out() + ": " + e.getMessage(), e);
        } finally {
            Files2.discard(spark, staging);
            progress.finish();
        }
    }

    /** The file, or the folder's {@code <ext>} and {@code <ext>.gz} files by name; an error naming what else it holds. */
    private static List<Path> inputs(SparkSession spark, String in, String ext) {
        Path path = new Path(in);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(path)) {
                throw new InputException("--in " + in + " does not exist");
            }
            List<Path> out = new ArrayList<>();
            FileStatus[] listed = fs.getFileStatus(path).isDirectory() ? fs.listStatus(path) : new FileStatus[] {fs.getFileStatus(path)};
            for (FileStatus s : listed) {
                String lower = s.getPath().getName().toLowerCase(Locale.ROOT);
                if (s.isFile() && (lower.endsWith(ext) || lower.endsWith(ext + ".gz"))) {
                    out.add(s.getPath());
                } else if (s.isFile() && !lower.startsWith("_") && !lower.startsWith(".")) {
                    throw new InputException(s.getPath() + " is not " + ext + " or " + ext + ".gz; the return is pseudonymised file by file");
                }
            }
            if (out.isEmpty()) {
                throw new InputException("--in " + in + " holds no " + ext + " or " + ext + ".gz file");
            }
            out.sort(java.util.Comparator.comparing(Path::getName));
            return out;
        } catch (IOException e) {
            throw new InputException("cannot read " + in + ": " + e.getMessage(), e);
        }
    }
}
