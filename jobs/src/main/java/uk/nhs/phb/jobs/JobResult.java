package uk.nhs.phb.jobs;

/**
 * What a job returns: a record whose components are its summary (printed by the CLI, their snake_case names the
 * {@code --json} keys) and the id of the run that did the work, as {@code audit/runs} records it.
 */
public interface JobResult {
    String runId();
}
