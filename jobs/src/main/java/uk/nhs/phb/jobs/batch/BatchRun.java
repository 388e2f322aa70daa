package uk.nhs.phb.jobs.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobResult;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.SparkWork;
import uk.nhs.phb.jobs.ingest.IngestJob;

/**
 * {@code phb run}: the pipeline's steps for one quarter as one batch with one run id. Each step is an
 * ordinary job run (its own record in {@code audit/runs}, tagged with the batch's run id and a step key);
 * a step whose previous run under the same key read exactly the inputs that are there now, and whose
 * outputs are untouched since, is skipped unless forced. A failed step stops the batch and leaves every
 * earlier output as it was, so running the batch again resumes at the failed step.
 */
public final class BatchRun {
    public static final String COMMAND = "run";

    /** What a step does, given the progress sink; returns the job's result (with its run id). */
    @FunctionalInterface
    public interface Action {
        JobResult run(SparkSession spark, Progress progress);
    }

    /**
     * One step. {@code key} identifies the step's work (name and the parameters that change its output, e.g.
     * {@code features@2026-03-31}); {@code readsLanding} makes the whole landing inventory part of its inputs.
     */
    public record Step(String name, String key, boolean readsLanding, Action action) {
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(action, "action");
        }
    }

    /**
     * How one step ended: {@code ran} or {@code skipped} (then {@code runId} is the earlier run that did the work, and
     * there is no {@code result}); {@code spark} is the work Spark did for it.
     */
    public record StepOutcome(@JsonIgnore String step, String status, String runId, double seconds, SparkWork.Totals spark,
                              @JsonIgnore JobResult result) {
        /** The step's own summary (its command's {@code --json}); empty when the step was skipped. */
        @JsonProperty("summary")
        public Object summary() {
            return result == null ? Map.of() : result;
        }
    }

    /** The batch: its run, its label (the quarter), each step's outcome by name in order, and the time it took. */
    @JsonPropertyOrder({"run_id", "batch", "steps", "seconds"})
    public record Result(String runId, @JsonProperty("batch") String label, @JsonIgnore List<StepOutcome> steps, double seconds) {
        /** What step {@code name} returned, when it ran in this batch and returned a {@code type}. */
        public <R extends JobResult> Optional<R> result(String name, Class<R> type) {
            return steps.stream().filter(s -> s.step().equals(name) && type.isInstance(s.result())).map(s -> type.cast(s.result())).findFirst();
        }

        @JsonProperty("steps")
        public Map<String, StepOutcome> byName() {
            Map<String, StepOutcome> m = new LinkedHashMap<>();
            steps.forEach(s -> m.put(s.step(), s));
            return m;
        }
    }

    /** Told as each step starts and ends, for the CLI's lines. */
    public interface Listener {
        Listener NONE = new Listener() { };

        default void starting(int index, int total, Step step) {
        }

        default void ended(int index, int total, StepOutcome outcome) {
        }
    }

    private final JobSettings settings;
    private final String label;
    private final List<Step> steps;
    private final Map<String, String> parameters;
    private boolean force;
    private Progress progress = Progress.NONE;
    private Listener listener = Listener.NONE;

    private BatchRun(JobSettings settings, String label, List<Step> steps, Map<String, String> parameters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.label = Objects.requireNonNull(label, "label");
        this.steps = List.copyOf(steps);
        this.parameters = new LinkedHashMap<>(parameters);
        if (this.steps.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one step");
        }
    }

    /** A batch named {@code label} (e.g. the quarter) over {@code steps} in order. */
    public static BatchRun of(JobSettings settings, String label, List<Step> steps, Map<String, String> parameters) {
        return new BatchRun(settings, label, steps, parameters);
    }

    /** Run every step even when an earlier run with the same inputs exists. */
    public BatchRun force(boolean force) {
        this.force = force;
        return this;
    }

    public BatchRun progress(Progress progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    public BatchRun listener(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    public Result execute() {
        SparkSession spark = SparkSessions.forJob(settings);
        long t0 = System.nanoTime();
        RunParameters params = RunParameters.of(settings, null).withAll(parameters).with("batch", label)
                .with("steps", steps.stream().map(Step::name).toList()).with("force", force);
        StepLedger ledger = new StepLedger(spark, settings);
        List<StepOutcome> outcomes = new ArrayList<>();
        try (JobRun batch = JobRun.start(spark, settings.lakeLayout(), COMMAND, params, Progress.NONE)) {
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                listener.starting(i + 1, steps.size(), step);
                long s0 = System.nanoTime();
                Optional<String> done = force ? Optional.empty()
                        : ledger.upToDate(step.key(), step.readsLanding() ? IngestJob.landingInventory(spark, settings) : null);
                StepOutcome outcome;
                if (done.isPresent()) {
                    outcome = new StepOutcome(step.name(), "skipped", done.get(), seconds(s0), SparkWork.Totals.NONE, null);
                } else {
                    JobResult result;
                    SparkWork.Totals work;
                    try (JobRun.Scope scope = JobRun.inBatch(batch.runId(), step.key()); SparkWork w = SparkWork.attach(spark)) {
                        result = step.action().run(spark, progress);
                        work = w.totals();
                    } catch (RuntimeException e) {
                        batch.count("steps", stepCounts(outcomes, step.name()));
                        batch.failed(e);
                        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                        String message = "step '" + step.name() + "' (" + (i + 1) + " of " + steps.size() + ") failed: " + why
                                + (outcomes.isEmpty() ? "" : "; the " + outcomes.size() + " earlier step(s) kept their outputs and "
                                + "running the batch again resumes at '" + step.name() + "'");
                        if (isUserError(e)) {
                            throw new InputException(message, e);
                        }
                        throw new BatchStepException(message, e);
                    }
                    outcome = new StepOutcome(step.name(), "ran", result.runId(), seconds(s0), work, result);
                }
                outcomes.add(outcome);
                batch.count(step.name(), new StepCount(outcome.status(), String.valueOf(outcome.runId()), outcome.seconds()));
                listener.ended(i + 1, steps.size(), outcome);
            }
            batch.count("steps", stepCounts(outcomes, null));
            batch.succeeded();
            return new Result(batch.runId(), label, List.copyOf(outcomes), seconds(t0));
        }
    }

    /** A step failed for a reason that is not the user's input (the message names the step). */
    public static final class BatchStepException extends RuntimeException {
        BatchStepException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A step as the batch's run records it. */
    private record StepCount(String status, String runId, double seconds) {
    }

    /** The steps that ran, were skipped and (when one did) failed, as the batch's run records them. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    private record Steps(List<String> ran, List<String> skipped, String failed) {
    }

    private static Steps stepCounts(List<StepOutcome> outcomes, String failed) {
        return new Steps(outcomes.stream().filter(o -> o.status().equals("ran")).map(StepOutcome::step).toList(),
                outcomes.stream().filter(o -> o.status().equals("skipped")).map(StepOutcome::step).toList(), failed);
    }

    private static boolean isUserError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InputException || c.getClass().getName().endsWith("SecretKey$KeyException")) {
                return true;
            }
        }
        return false;
    }

    private static double seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e7) / 100.0;
    }
}
