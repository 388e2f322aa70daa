package uk.nhs.phb.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * One execution of a job: its run id, the tables it read and wrote (with Delta versions), its counts and
 * its outcome, recorded in {@code audit/runs}. A RUNNING row is appended when it starts and a final row
 * (SUCCEEDED or FAILED) when it ends, so a crashed run stays visible as RUNNING. Its parameters are the job's own
 * ({@link RunParameters}): keys appear only by fingerprint.
 */
public final class JobRun implements AutoCloseable {
    public static final StructType SCHEMA = LakeTables.RUNS.schema();

    private static final ObjectMapper JSON = Json.mapper();
    private static final ThreadLocal<BatchStep> BATCH = new ThreadLocal<>();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SparkSession spark;
    private final Lake lake;
    private final String runId;
    private final String command;
    private final ObjectNode parameters;
    private final Instant started;
    private final Progress progress;
    private final SparkProgress listener;
    private final SparkWork work;
    private final ObjectNode inputs = JSON.createObjectNode();
    private final List<Output> outputs = new ArrayList<>();
    private final ObjectNode counts = JSON.createObjectNode();
    private final Map<String, Double> stageSeconds = new LinkedHashMap<>();
    private String currentStage;
    private long stageStart;
    private boolean ended;

    private JobRun(SparkSession spark, Lake lake, String command, RunParameters parameters, Progress progress) {
        this.spark = spark;
        this.lake = lake;
        this.command = command;
        this.parameters = parameters.values();
        BatchStep batch = BATCH.get();
        if (batch != null) {
            this.parameters.put("batch_run_id", batch.batchRunId());
            this.parameters.put("step_key", batch.stepKey());
        }
        this.started = Instant.now();
        this.runId = newRunId(started);
        this.progress = progress;
        this.listener = SparkProgress.attach(spark, progress);
        this.work = SparkWork.attach(spark);
    }

    /** Starts a run and appends its RUNNING record. */
    public static JobRun start(SparkSession spark, Lake lake, String command, RunParameters parameters, Progress progress) {
        JobRun run = new JobRun(spark, lake, command, parameters, progress);
        run.append("RUNNING", null, null);
        return run;
    }

    /** The work of one job, given its run to record stages, inputs, outputs and counts in. */
    @FunctionalInterface
    public interface Work<R> {
        R perform(JobRun run) throws Exception;
    }

    /**
     * Runs {@code work} as one recorded run, the way every job runs: a RUNNING record first, then SUCCEEDED when the
     * work returns, or FAILED with the error, which is thrown on (a checked one inside an {@link IllegalStateException}
     * naming the command).
     */
    public static <R> R execute(SparkSession spark, Lake lake, String command, RunParameters parameters, Progress progress,
                                Work<R> work) {
        try (JobRun run = start(spark, lake, command, parameters, progress)) {
            R result;
            try {
                result = work.perform(run);
            } catch (RuntimeException | Error e) {
                run.failed(e);
                throw e;
            } catch (Exception e) {
                run.failed(e);
                throw new IllegalStateException("phb " + command + " failed: " + e.getMessage(), e);
            }
            run.succeeded();
            return result;
        }
    }

    public String runId() {
        return runId;
    }

    /**
     * Runs started by this thread until the returned scope closes belong to a batch: each records
     * {@code batch_run_id} and {@code step_key} in its parameters, so the batch can find them again.
     */
    public static Scope inBatch(String batchRunId, String stepKey) {
        BATCH.set(new BatchStep(batchRunId, stepKey));
        return BATCH::remove;
    }

    private record BatchStep(String batchRunId, String stepKey) {
    }

    /** A table a run wrote: the version its write made and the rows it wrote. */
    public record Output(String table, long version, long rows) {
    }

    /** A file a run read (a landing feed): its size and last-modified time, so a changed file is visible. */
    public record InputFile(long bytes, String modified) {
    }

    /** A batch scope; closing it ends the batch tagging for this thread. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Names the work that follows, for the progress display and the Spark UI. */
    public void stage(String name) {
        closeStage();
        currentStage = name;
        stageStart = System.nanoTime();
        listener.reset();
        progress.stage(name);
        spark.sparkContext().setJobDescription(command + ": " + name);
    }

    public void input(LakeTable table, long version) {
        inputs.put(table.path(), version);
    }

    /** A file read (landing feeds), with its size and last-modified time so a changed file is visible. */
    public void inputFile(String path, long bytes, Instant modified) {
        inputs.set(path, JSON.valueToTree(new InputFile(bytes, modified.toString())));
    }

    public void output(LakeTable table, long version, long rows) {
        outputs.add(new Output(table.path(), version, rows));
    }

    /** A figure of the run (any value, recorded as its JSON). */
    public void count(String name, Object value) {
        counts.set(name, JSON.valueToTree(value));
    }

    public void succeeded() {
        end("SUCCEEDED", null);
    }

    public void failed(Throwable error) {
        end("FAILED", error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    /** Seconds spent in each stage so far, in order (recorded in the run's counts as {@code stage_seconds}). */
    public Map<String, Double> stageSeconds() {
        closeStage();
        return new LinkedHashMap<>(stageSeconds);
    }

    private void closeStage() {
        if (currentStage != null) {
            stageSeconds.merge(currentStage, Math.round((System.nanoTime() - stageStart) / 1e7) / 100.0, Double::sum);
            currentStage = null;
        }
    }

    private void end(String status, String error) {
        if (ended) {
            return;
        }
        ended = true;
        closeStage();
        if (!stageSeconds.isEmpty()) {
            count("stage_seconds", stageSeconds);
        }
        progress.finish();
        spark.sparkContext().setJobDescription(null);
        listener.detach(spark);
        work.close();
        count("spark", work.totals());
        append(status, Timestamp.from(Instant.now()), error);
    }

    /** A run closed without an outcome failed (an exception escaped the job). */
    @Override
    public void close() {
        if (!ended) {
            end("FAILED", "ended without completing");
        }
    }

    private void append(String status, Timestamp ended, String error) {
        Row row = RowFactory.create(runId, command, status, json(parameters), System.getProperty("user.name"),
                Timestamp.from(started), ended, json(inputs), json(outputs), json(counts), error, version());
        spark.createDataFrame(List.of(row), SCHEMA).coalesce(1)
                .write().format("delta").mode(SaveMode.Append).save(lake.runs());
    }

    /** A run id: when it started (UTC, to the second) and a random suffix. */
    static String newRunId(Instant started) {
        return ID_TIME.format(started) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write run record", e);
        }
    }

    static String version() {
        String v = JobRun.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
