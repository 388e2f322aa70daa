package uk.nhs.phb.jobs;

/**
 * Where a job reports what it is doing. The CLI shows it on a terminal (stage and rows/s) and stays
 * silent in {@code --json} mode or when output is not a terminal.
 */
public interface Progress {
    /** A silent sink. */
    Progress NONE = new Progress() {
        @Override
        public void stage(String name) {
        }

        @Override
        public void rows(long rowsSoFar) {
        }

        @Override
        public void finish() {
        }
    };

    /** A new stage begins; rows restart from zero. */
    void stage(String name);

    /** Rows processed so far in the current stage. */
    void rows(long rowsSoFar);

    /** The job is over; clear any live display. */
    void finish();
}
