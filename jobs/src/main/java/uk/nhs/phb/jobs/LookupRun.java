package uk.nhs.phb.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * A look-up that does not start Spark, recorded in {@code audit/runs} as every {@link JobRun} is: a RUNNING row when it
 * starts and a SUCCEEDED or FAILED row when it ends, with its parameters, the version of every table it read and its
 * counts. Written through {@link KernelLake}.
 */
public final class LookupRun implements AutoCloseable {
    private final KernelLake lake;
    private final String command;
    private final ObjectNode parameters;
    private final Instant started = Instant.now();
    private final String runId = JobRun.newRunId(started);
    private final ObjectNode inputs = Json.mapper().createObjectNode();
    private final ObjectNode counts = Json.mapper().createObjectNode();
    private boolean ended;

    private LookupRun(KernelLake lake, String command, RunParameters parameters) {
        this.lake = lake;
        this.command = command;
        this.parameters = parameters.values();
    }

    public static LookupRun start(KernelLake lake, String command, RunParameters parameters) {
        LookupRun run = new LookupRun(lake, command, parameters);
        run.append("RUNNING", null, null);
        return run;
    }

    public String runId() {
        return runId;
    }

    /** A table read, at the version read (its latest). */
    public void input(LakeTable table) {
        inputs.put(table.path(), lake.version(table));
    }

    public void count(String name, Object value) {
        counts.set(name, Json.mapper().valueToTree(value));
    }

    public void succeeded() {
        end("SUCCEEDED", null);
    }

    public void failed(Throwable error) {
        end("FAILED", error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    @Override
    public void close() {
        if (!ended) {
            end("FAILED", "ended without completing");
        }
    }

    private void end(String status, String error) {
        if (!ended) {
            ended = true;
            append(status, Instant.now(), error);
        }
    }

    private void append(String status, Instant endedAt, String error) {
        Object[] row = {runId, command, status, JobRun.json(parameters), System.getProperty("user.name"), started, endedAt,
                JobRun.json(inputs), JobRun.json(List.of()), JobRun.json(counts), error, JobRun.version()};
        lake.append(LakeTables.RUNS, List.<Object[]>of(row), "phb/" + JobRun.version());
    }
}
