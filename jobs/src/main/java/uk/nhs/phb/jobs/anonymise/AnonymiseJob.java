package uk.nhs.phb.jobs.anonymise;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.ProviderFiles;
import uk.nhs.phb.models.anonymise.Anonymise;
import uk.nhs.phb.models.anonymise.AnonymiseResult;
import uk.nhs.phb.models.anonymise.FrequencySet;
import uk.nhs.phb.models.anonymise.Hierarchy;
import uk.nhs.phb.models.anonymise.LossMeasure;
import uk.nhs.phb.models.anonymise.NoTransformationException;
import uk.nhs.phb.models.anonymise.PrivacyModel;
import uk.nhs.phb.models.anonymise.VerifyAnonymity;
import uk.nhs.phb.pipelines.anonymise.AnonymiseTable;

/**
 * {@code phb anonymise}: full-domain generalisation of any table to the privacy models asked for, and
 * {@code --verify}: re-checking any file's claims without trusting its metadata. The anonymised output is
 * written only after the independent verifier has passed it.
 */
public final class AnonymiseJob {
    private static final ObjectMapper JSON = Json.mapper();

    /** Privacy models as asked on the command line; l and t apply to every sensitive column. */
    public record Models(int k, Double l, boolean entropyL, Double t, boolean orderedT) {
        List<PrivacyModel> build(List<String> sensitive) {
            List<PrivacyModel> out = new ArrayList<>();
            out.add(new PrivacyModel.KAnonymity(k));
            for (String s : sensitive) {
                if (l != null) {
                    out.add(entropyL ? new PrivacyModel.EntropyLDiversity(s, l) : new PrivacyModel.DistinctLDiversity(s, (int) Math.ceil(l)));
                }
                if (t != null) {
                    out.add(orderedT ? PrivacyModel.TCloseness.orderedDistance(s, t) : PrivacyModel.TCloseness.equalDistance(s, t));
                }
            }
            return out;
        }
    }

    /** What to anonymise: input, {@code column -> hierarchy spec} (a CSV path or {@code builtin:NAME}), models. */
    public record Request(String in, String format, String delimiter, Map<String, String> qis, List<String> sensitive, Models models,
                          double maxSuppression, LossMeasure loss, String out, boolean force, String lake) {
    }

    /** The JSON summary, the readable report, and the engine's result (levels, transformation, classes, risk). */
    public record Result(Summary summary, String text, AnonymiseResult result) {
    }

    private AnonymiseJob() {
    }

    /** Whether the request needs Spark: a local CSV file is anonymised in plain Java, without starting a session. */
    public static boolean needsSpark(Request req) {
        return !InMemoryAnonymise.suits(req);
    }

    /** Anonymises the request's input; {@code spark} may be null when {@link #needsSpark} says it is not needed. */
    public static Result run(SparkSession spark, Request req, Progress progress) {
        if (InMemoryAnonymise.suits(req)) {
            return InMemoryAnonymise.run(req, progress);
        }
        Input input = read(spark, resolve(spark, req.in(), req.lake()), req.format(), req.delimiter());
        try {
            return run(spark, input.data(), req, progress);
        } finally {
            input.release();
        }
    }

    /** Anonymises a table already in hand ({@code req.in()} only names it in the manifest). */
    public static Result run(SparkSession spark, Dataset<Row> data, Request req, Progress progress) {
        long t0 = System.nanoTime();
        List<String> qis = new ArrayList<>(req.qis().keySet());
        checkColumns(data, qis, req.sensitive(), req.in());
        List<PrivacyModel> models = req.models().build(req.sensitive());
        progress.stage("frequency set");
        data = data.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        try {
            FrequencySet fs = AnonymiseTable.frequencySet(data, qis, req.sensitive());
            progress.stage("lattice search");
            List<Hierarchy> hierarchies = new ArrayList<>();
            for (Map.Entry<String, String> q : req.qis().entrySet()) {
                hierarchies.add(hierarchy(spark, q.getKey(), q.getValue(), req.lake()));
            }
            AnonymiseResult result = optimise(fs, req, models, hierarchies);
            progress.stage("write");
            String staging = Files2.stagingFor(req.out());
            try {
                AnonymiseTable.apply(data, result.transformation()).write().option("header", true).option("sep", req.delimiter())
                        .csv(staging + "/data");
                Files2.nameSparkFiles(spark, staging + "/data", "anonymised", "csv");
                progress.stage("verify");
                Dataset<Row> written = spark.read().option("header", true).option("sep", req.delimiter()).csv(staging + "/data");
                VerifyAnonymity.Report report = verified(AnonymiseTable.frequencySet(written, qis, req.sensitive()), fs, req, models);
                Manifest manifest = manifest(req, models, result, report);
                Files2.writeText(spark, staging + "/anonymisation.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
                Files2.writeText(spark, staging + "/anonymisation.txt", result.toText());
                Files2.publish(spark, staging, req.out(), req.force());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            } finally {
                Files2.discard(spark, staging);
            }
            return new Result(summary(req, fs, result, t0), result.toText(), result);
        } finally {
            data.unpersist();
            progress.finish();
        }
    }

    /** The engine's optimum for the request, or the user's error when there is none. */
    static AnonymiseResult optimise(FrequencySet fs, Request req, List<PrivacyModel> models, List<Hierarchy> hierarchies) {
        Anonymise search = Anonymise.frequencySet(fs).maxSuppression(req.maxSuppression()).optimiseFor(req.loss());
        hierarchies.forEach(search::hierarchy);
        models.forEach(search::model);
        try {
            return search.execute();
        } catch (NoTransformationException e) {
            throw new InputException("no generalisation satisfies " + models + " within " + (100 * req.maxSuppression())
                    + "% suppression: " + e.getMessage() + ". Allow more suppression, coarser hierarchies or a smaller k/l, or a larger t");
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        }
    }

    /** The independent verifier's report on what was written; refuses to go on when it fails. */
    static VerifyAnonymity.Report verified(FrequencySet written, FrequencySet input, Request req, List<PrivacyModel> models) {
        VerifyAnonymity verifier = VerifyAnonymity.of(written);
        models.forEach(verifier::model);
        for (String s : req.sensitive()) {
            verifier.reference(s, input.sensitiveDistribution(s));
        }
        VerifyAnonymity.Report report = verifier.execute();
        if (!report.passed()) {
            throw new IllegalStateException("the anonymised output failed independent verification and was not written: " + report);
        }
        return report;
    }

    /** What anonymisation.json records: the request, the models, the engine's result and the verifier's report. */
    record Manifest(String level, String input, Map<String, String> quasiIdentifiers, List<String> sensitive, List<String> models,
                    double maxSuppression, AnonymiseResult.Summary result, VerifyAnonymity.Report verification) {
    }

    static Manifest manifest(Request req, List<PrivacyModel> models, AnonymiseResult result, VerifyAnonymity.Report report) {
        return new Manifest("ANONYMISED", req.in(), req.qis(), req.sensitive(), models.stream().map(Object::toString).toList(),
                req.maxSuppression(), result.summary(), report);
    }

    /**
     * The {@code --json} summary (keys in docs/CLI.md): the k reached, records suppressed and in all, levels, information
     * loss, the headline risks, the input's combinations and the lattice's size, where it went and how long it took.
     */
    public record Summary(long kAchieved, long suppressed, long records, Map<String, Integer> levels, Loss informationLoss,
                          double prosecutorRiskMax, double prosecutorRiskAverage, double journalistRiskMax, double marketerRisk,
                          long recordsAtRisk, long sampleUniques, int combinations, int latticeSize, boolean verified, String out,
                          double seconds) {
    }

    /** The loss of the chosen transformation: the measure optimised and each measure's value (entropy normalised). */
    public record Loss(String measure, double precision, double nonUniformEntropy, long discernibility, double iyengar) {
    }

    static Summary summary(Request req, FrequencySet fs, AnonymiseResult result, long t0) {
        return new Summary(result.classes().smallest(), result.suppressedRecords(), result.records(), result.levels(),
                new Loss(result.optimisedFor().name().toLowerCase(), result.loss().precision(), result.loss().nonUniformEntropyNormalised(),
                        result.loss().discernibility(), result.loss().iyengar()), result.risk().prosecutorMax(),
                result.risk().prosecutorAverage(), result.risk().journalistMax(), result.risk().marketer(), result.risk().recordsAtRisk(),
                result.risk().sampleUniques(), fs.size(), result.search().latticeSize(), true, req.out(),
                Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    }

    /** Whether {@code --verify} of this file needs Spark (a local CSV file does not). */
    public static boolean verifyNeedsSpark(String in, String format) {
        return !InMemoryAnonymise.localCsvFile(in, format);
    }

    /** {@code --verify}: the models checked on the file's own values, no metadata trusted; {@code spark} may be null for a local CSV. */
    public static VerifyAnonymity.Report verify(SparkSession spark, String in, String format, String delimiter, List<String> qis,
                                                List<String> sensitive, Models models) {
        if (!verifyNeedsSpark(in, format)) {
            try {
                VerifyAnonymity v = VerifyAnonymity.of(InMemoryAnonymise.frequencySet(Path.of(in), delimiter.charAt(0), qis, sensitive));
                models.build(sensitive).forEach(v::model);
                return v.execute();
            } catch (java.io.IOException e) {
                throw new InputException("cannot read " + in + ": " + e.getMessage(), e);
            }
        }
        Input input = read(spark, in, format, delimiter);
        try {
            checkColumns(input.data(), qis, sensitive, in);
            VerifyAnonymity v = VerifyAnonymity.of(AnonymiseTable.frequencySet(input.data(), qis, sensitive));
            models.build(sensitive).forEach(v::model);
            return v.execute();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage(), e);
        } finally {
            input.release();
        }
    }

    /**
     * The input path: as given when it exists, else a table of the lake named by its place in it
     * ({@code gold/person_features}), so {@code --in gold/person_features --lake DIR} works.
     */
    static String resolve(SparkSession spark, String in, String lake) {
        if (lake == null || Files2.exists(spark, in)) {
            return in;
        }
        String inLake = new Lake(lake).root() + "/" + in;
        return DeltaTables.exists(spark, inLake) ? inLake : in;
    }

    /** An input table, and the cached copy (if any) to release when done with it. */
    private record Input(Dataset<Row> data, Dataset<Row> cached) {
        void release() {
            if (cached != null) {
                cached.unpersist();
            }
        }
    }

    private static Input read(SparkSession spark, String in, String format, String delimiter) {
        if (DeltaTables.exists(spark, in)) {
            return new Input(spark.read().format("delta").load(in), null);
        }
        Dataset<Row> d = ProviderFiles.read(spark, in, format, delimiter);
        if (!List.of(d.columns()).contains(ProviderFiles.CORRUPT)) {
            return new Input(d, null);
        }
        // Spark answers a query on the corrupt-record column only from a cached copy; the search reuses it
        Dataset<Row> cached = d.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long bad = cached.filter(col(ProviderFiles.CORRUPT).isNotNull()).count();
        if (bad > 0) {
            cached.unpersist();
            throw new InputException(bad + " rows of " + in + " could not be parsed; fix them (check --delimiter) before anonymising");
        }
        return new Input(cached.drop(ProviderFiles.CORRUPT), cached);
    }

    private static void checkColumns(Dataset<Row> data, List<String> qis, List<String> sensitive, String in) {
        List<String> all = new ArrayList<>(qis);
        all.addAll(sensitive);
        List<String> missing = AnonymiseTable.missing(data, all);
        if (!missing.isEmpty()) {
            throw new InputException(in + " has no column(s) " + missing + "; its columns are " + List.of(data.columns()));
        }
    }

    /** A hierarchy from {@code builtin:age|age_band|sex|date|imd|ethnicity|practice} or a CSV file (value;level1;...;*). */
    public static Hierarchy hierarchy(SparkSession spark, String column, String spec, String lake) {
        if (spec.startsWith("builtin:")) {
            String name = spec.substring("builtin:".length());
            return switch (name) {
                case "age" -> Hierarchy.age(column);
                case "age_band" -> Hierarchy.ageBand(column);
                case "sex" -> Hierarchy.sex(column);
                case "date" -> Hierarchy.date(column);
                case "imd" -> Hierarchy.imdDecile(column);
                case "ethnicity" -> Hierarchy.ethnicity(column);
                case "practice" -> practice(spark, column, lake);
                default -> throw new InputException("--qi " + column + "=" + spec + ": no built-in hierarchy '" + name
                        + "' (built-ins: age, age_band, sex, date, imd, ethnicity, practice)");
            };
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new InputException("--qi " + column + "=" + spec + ": no hierarchy file " + spec
                    + " (give a CSV value;level1;...;* or builtin:NAME)");
        }
        try {
            return Hierarchy.fromCsv(column, file);
        } catch (IllegalArgumentException e) {
            throw new InputException("hierarchy " + spec + ": " + e.getMessage(), e);
        }
    }

    private static Hierarchy practice(SparkSession spark, String column, String lake) {
        String path = new Lake(lake).bronze("ref_practices");
        if (!DeltaTables.exists(spark, path)) {
            throw new InputException("builtin:practice needs bronze/ref_practices in " + lake + "; run 'phb ingest' or give a hierarchy CSV");
        }
        Map<String, String> practiceToPcn = new HashMap<>();
        Map<String, String> pcnToSubIcb = new HashMap<>();
        for (Row r : spark.read().format("delta").load(path).select("practice_code", "pcn_code", "sub_icb_code").collectAsList()) {
            practiceToPcn.put(r.getString(0), r.getString(1));
            pcnToSubIcb.put(r.getString(1), r.getString(2));
        }
        return Hierarchy.practice(column, practiceToPcn, pcnToSubIcb);
    }
}
