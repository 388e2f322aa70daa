package uk.nhs.phb.jobs;

import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * The work Spark's finished tasks did while attached: bytes read and written, shuffle bytes written, bytes
 * spilled to disk and task time. Recorded with each run ({@code spark} in its counts) so a benchmark can show
 * where a stage's time goes (shuffle volume, spill) without the Spark UI.
 */
public final class SparkWork extends SparkListener implements AutoCloseable {
    private final SparkSession spark;
    private final LongAdder tasks = new LongAdder();
    private final LongAdder inputBytes = new LongAdder();
    private final LongAdder outputBytes = new LongAdder();
    private final LongAdder shuffleWriteBytes = new LongAdder();
    private final LongAdder shuffleReadBytes = new LongAdder();
    private final LongAdder spillDiskBytes = new LongAdder();
    private final LongAdder runNanos = new LongAdder();
    private final LongAdder gcMillis = new LongAdder();

    private SparkWork(SparkSession spark) {
        this.spark = spark;
    }

    /** Starts counting the tasks that finish from now until {@link #close()}. */
    public static SparkWork attach(SparkSession spark) {
        SparkWork w = new SparkWork(spark);
        spark.sparkContext().addSparkListener(w);
        return w;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics m = end.taskMetrics();
        if (m == null) {
            return;
        }
        tasks.increment();
        inputBytes.add(m.inputMetrics().bytesRead());
        outputBytes.add(m.outputMetrics().bytesWritten());
        shuffleWriteBytes.add(m.shuffleWriteMetrics().bytesWritten());
        shuffleReadBytes.add(m.shuffleReadMetrics().totalBytesRead());
        spillDiskBytes.add(m.diskBytesSpilled());
        runNanos.add(m.executorRunTime() * 1_000_000L);
        gcMillis.add(m.jvmGCTime());
    }

    /** What the tasks did: their number, megabytes read, written, shuffled and spilled, and task and GC seconds. */
    public record Totals(long tasks, double inputMb, double outputMb, double shuffleWriteMb, double shuffleReadMb, double spillDiskMb,
                         double taskSeconds, double gcSeconds) {
        /** No work: a step skipped as up to date. */
        public static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The totals so far. */
    public Totals totals() {
        return new Totals(tasks.sum(), mb(inputBytes.sum()), mb(outputBytes.sum()), mb(shuffleWriteBytes.sum()), mb(shuffleReadBytes.sum()),
                mb(spillDiskBytes.sum()), Math.round(runNanos.sum() / 1e7) / 100.0, Math.round(gcMillis.sum() / 10.0) / 100.0);
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
