package uk.nhs.phb.jobs.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Json;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RecordedParameters;
import uk.nhs.phb.jobs.Rerun;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.audit.LakeDiff;
import uk.nhs.phb.jobs.budget.BudgetJob;
import uk.nhs.phb.jobs.features.FeaturesJob;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.jobs.link.LinkJob;
import uk.nhs.phb.jobs.score.ScoreJob;
import uk.nhs.phb.jobs.train.ModelRegistry;
import uk.nhs.phb.jobs.train.TrainJob;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb replay RUN_ID}: runs a past run's stage again, exactly as the run recorded it, and checks that it makes
 * what the run made. A scratch lake under {@code <lake>/_replay/<run>} is given every table the run read, at the version
 * it read (a Delta shallow clone: the clone's log names the lake's own files, nothing is copied), and every table it
 * wrote as it was before the run wrote it. The stage runs there from the parameters the run recorded, through the same
 * code as a command. Then each table the run wrote is compared by content with the version the run recorded (row order
 * and run-id columns aside), and the new run's parameters with the old. The lake itself is only read; the replay is
 * recorded in its {@code audit/runs} as a run of its own.
 */
public final class Replay {
    public static final String COMMAND = "replay";
    private static final String SCRATCH = "_replay";
    /** Tables cloned or compared at once. */
    private static final int PARALLEL = 4;
    /** Parameters that say where a run ran, not what it did: a replay runs elsewhere by design. */
    private static final Set<String> WHERE = Set.of("lake", "landing", "out", "master", "batch_run_id", "step_key", "model");
    /** Counts that measure the run itself (its time and Spark's work), not what it made. */
    private static final Set<String> RUN_ONLY_COUNTS = Set.of("stage_seconds", "spark", "seconds");

    /** How a stage runs again from its run's record. */
    @FunctionalInterface
    public interface Stage {
        JobResult rerun(SparkSession spark, Rerun rerun, Progress progress);
    }

    /** The stages a replay can run again, by the command their runs record. */
    static final Map<String, Stage> STAGES = stagesInBatchOrder();

    private static Map<String, Stage> stagesInBatchOrder() {
        Map<String, Stage> m = new LinkedHashMap<>();
        m.put(IngestJob.COMMAND, IngestJob::rerun);
        m.put("link", LinkJob::rerun);
        m.put("features", FeaturesJob::rerun);
        m.put(TrainJob.COMMAND, TrainJob::rerun);
        m.put("score", ScoreJob::rerun);
        m.put("budget", BudgetJob::rerun);
        return java.util.Collections.unmodifiableMap(m);
    }

    private Replay() {
    }

    /** What to replay; {@code keepScratch} leaves the scratch lake in place to be looked at. */
    public record Request(String runId, boolean keepScratch) {
    }

    /** One table the replayed run wrote: the version it recorded, its rows then and as made again, and whether they agree. */
    public record TableCheck(String table, long recordedVersion, long rowsRecorded, long rowsReplayed, boolean equal, String note) {
    }

    /**
     * A replay: the run replayed and its command, the run that made its outputs again (recorded in the scratch lake),
     * each output's check, where the two runs' records differ, and where the scratch lake is when kept.
     */
    public record Result(String runId, String replayedRunId, String command, boolean equal, List<TableCheck> tables,
                         Differences differences, String rerunId, String scratchLake, double seconds) implements JobResult {
    }

    /**
     * What the two runs' records disagree on, by name: parameters (where each ran aside), files read (a landing file whose
     * size or time changed since) and counts (times aside).
     */
    public record Differences(List<String> parameters, List<String> inputFiles, List<String> counts) {
        public boolean none() {
            return parameters.isEmpty() && inputFiles.isEmpty() && counts.isEmpty();
        }
    }

    /** The stages {@code phb replay} runs again, in batch order. */
    public static List<String> stages() {
        return List.copyOf(STAGES.keySet());
    }

    public static Result run(SparkSession spark, JobSettings settings, SecretKey lakeKey, Request req, Progress progress) {
        Lake lake = settings.lakeLayout();
        AuditLog.RunRecord past = AuditLog.of(settings).show(req.runId());
        Stage stage = STAGES.get(past.command());
        if (stage == null) {
            throw new InputException("run " + past.runId() + " is a run of 'phb " + past.command() + "'; phb replay runs again the stages "
                    + "that write the lake (" + String.join(", ", stages()) + "). A report or an extract is made again with 'phb "
                    + past.command() + " --as-of-run " + past.runId() + "'");
        }
        if (!"SUCCEEDED".equals(past.status())) {
            throw new InputException("run " + past.runId() + " ended " + past.status() + "; only a run that succeeded recorded what it made");
        }
        RecordedParameters recorded = RecordedParameters.of(past);
        String fingerprint = recorded.text("lake_key_fingerprint");
        if (fingerprint != null && lakeKey == null) {
            throw new InputException("run " + past.runId() + " used the lake key of fingerprint " + fingerprint + "; give it with --lake-key-file");
        }
        if (fingerprint != null && !fingerprint.equals(lakeKey.fingerprint())) {
            throw new InputException("run " + past.runId() + " used the lake key of fingerprint " + fingerprint + " but this key's is "
                    + lakeKey.fingerprint() + "; give the key the run used");
        }
        Map<String, Long> inputs = past.tablesRead();
        List<JobRun.Output> outputs = past.tablesWritten();
        if (outputs.isEmpty()) {
            throw new InputException("run " + past.runId() + " recorded no lake table it wrote, so there is nothing to make again");
        }
        String scratchRoot = lake.root() + "/" + SCRATCH + "/" + past.runId();
        Lake scratch = new Lake(scratchRoot + "/lake");
        long t0 = System.nanoTime();
        Files2.discard(spark, scratchRoot);
        try {
            return JobRun.execute(spark, lake, COMMAND, RunParameters.of(settings, lakeKey).with("run", past.runId())
                    .with("command", past.command()), progress, run -> {
                run.stage("the lake as run " + past.runId() + " read it");
                List<Callable<Void>> clones = new ArrayList<>();
                for (Map.Entry<String, Long> in : inputs.entrySet()) {
                    run.input(catalogued(in.getKey()), in.getValue());
                    clones.add(() -> {
                        DeltaTables.shallowClone(spark, lake.root() + "/" + in.getKey(), in.getValue(), scratch.root() + "/" + in.getKey());
                        return null;
                    });
                }
                for (JobRun.Output out : outputs) {
                    if (!inputs.containsKey(out.table())) {
                        clones.add(() -> {
                            String path = lake.root() + "/" + out.table();
                            long kept = DeltaTables.versionKeptByRun(spark, path, past.runId(), out.version());
                            if (kept >= 0) {
                                DeltaTables.shallowClone(spark, path, kept, scratch.root() + "/" + out.table());
                            }
                            return null;
                        });
                    }
                }
                inParallel(clones);

                run.stage("run " + past.command() + " again");
                JobSettings there = new JobSettings(scratch.root(), settings.landing(), scratchRoot + "/out", settings.master(), settings.verbose());
                JobResult again = stage.rerun(spark, new Rerun(there, lakeKey, recorded, lake), progress);

                run.stage("compare");
                List<TableCheck> checks = inParallel(outputs.stream().<Callable<TableCheck>>map(out -> () -> check(spark, lake, scratch, out))
                        .toList());
                if (again instanceof TrainJob.Result trained) {
                    checks.add(modelCheck(spark, lake, scratch, json(past, past.counts(), "counts").path("model_id").asText(null),
                            trained.modelId()));
                }
                AuditLog.RunRecord rerun = AuditLog.of(there).show(again.runId());
                Differences differences = new Differences(differing(recorded.values(), RecordedParameters.of(rerun).values(), WHERE),
                        differingFiles(past.filesRead(), rerun.filesRead()),
                        differing(object(past, past.counts(), "counts"), object(rerun, rerun.counts(), "counts"), RUN_ONLY_COUNTS));
                boolean equal = differences.none() && checks.stream().allMatch(TableCheck::equal);
                run.count("tables", checks.size());
                run.count("tables_differing", checks.stream().filter(c -> !c.equal()).count());
                run.count("differences", differences);
                return new Result(run.runId(), past.runId(), past.command(), equal, checks, differences, again.runId(),
                        req.keepScratch() ? scratchRoot : null, Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            });
        } finally {
            if (!req.keepScratch()) {
                Files2.discard(spark, scratchRoot);
                Files2.discardIfEmpty(spark, lake.root() + "/" + SCRATCH);
            }
        }
    }

    /**
     * Runs Spark work of many small tables a few at a time: a shallow clone or a comparison of a small table is mostly the
     * driver's own work (reading logs, planning), which one thread leaves the cores idle on.
     */
    private static <T> List<T> inParallel(List<Callable<T>> work) {
        if (work.isEmpty()) {
            return new ArrayList<>();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, work.size()));
        try {
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(work)) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static TableCheck check(SparkSession spark, Lake lake, Lake scratch, JobRun.Output out) {
        String made = scratch.root() + "/" + out.table();
        if (!DeltaTables.exists(spark, made)) {
            return new TableCheck(out.table(), out.version(), out.rows(), -1, false, "not written again");
        }
        LakeDiff.TableDiff d = LakeDiff.compare(out.table(), spark.read().format("delta").option("versionAsOf", out.version())
                .load(lake.root() + "/" + out.table()), spark.read().format("delta").load(made), LakeDiff.defaultIgnored());
        return new TableCheck(out.table(), out.version(), d.rowsA(), d.rowsB(), d.equal(), d.note());
    }

    /** The names, {@code aside} aside, whose values differ between two records. */
    static List<String> differing(ObjectNode before, ObjectNode again, Set<String> aside) {
        Set<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        again.fieldNames().forEachRemaining(names::add);
        List<String> out = new ArrayList<>();
        for (String name : names) {
            JsonNode a = before.get(name);
            JsonNode b = again.get(name);
            if (!aside.contains(name) && (a == null || !a.equals(b))) {
                out.add(name);
            }
        }
        return out;
    }

    /** The model a training run made again against the one it recorded: the same id and the same fitted models, byte for byte. */
    private static TableCheck modelCheck(SparkSession spark, Lake lake, Lake scratch, String recordedId, String madeId) {
        String table = "models/" + madeId;
        if (recordedId == null) {
            return new TableCheck(table, -1, -1, -1, false, "the run recorded no model id");
        }
        if (!recordedId.equals(madeId)) {
            return new TableCheck(table, -1, -1, -1, false, "made model " + madeId + ", the run made " + recordedId);
        }
        String file = "/" + ModelRegistry.MODELS_FILE;
        boolean same = Files2.sameBytes(spark, ModelRegistry.folder(lake, recordedId) + file, ModelRegistry.folder(scratch, madeId) + file);
        return new TableCheck(table, -1, -1, -1, same, same ? "" : ModelRegistry.MODELS_FILE + " differs");
    }

    /** The files either run read whose size or time differs, or that only one of them read. */
    private static List<String> differingFiles(Map<String, JobRun.InputFile> before, Map<String, JobRun.InputFile> again) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(again.keySet());
        return names.stream().filter(n -> !java.util.Objects.equals(before.get(n), again.get(n))).toList();
    }

    private static ObjectNode object(AuditLog.RunRecord run, String text, String what) {
        JsonNode node = json(run, text, what);
        return node instanceof ObjectNode o ? o : Json.mapper().createObjectNode();
    }

    private static LakeTable catalogued(String path) {
        return LakeTables.at(path).orElseThrow(() -> new InputException("the run read " + path + ", which this phb's table catalogue "
                + "does not hold; replay it with the phb version that made it"));
    }

    private static JsonNode json(AuditLog.RunRecord run, String text, String what) {
        try {
            return Json.mapper().readTree(text == null ? "null" : text);
        } catch (JsonProcessingException e) {
            throw new InputException("run " + run.runId() + " has an unreadable record of its " + what + " in audit/runs: " + e.getOriginalMessage(), e);
        }
    }
}
