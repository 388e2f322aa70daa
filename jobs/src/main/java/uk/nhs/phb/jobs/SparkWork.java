package uk.nhs.phb.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
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

    /** {@code tasks}, {@code input_mb}, {@code output_mb}, {@code shuffle_write_mb}, {@code shuffle_read_mb}, {@code spill_disk_mb}, {@code task_seconds}, {@code gc_seconds}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", tasks.sum());
        m.put("input_mb", mb(inputBytes.sum()));
        m.put("output_mb", mb(outputBytes.sum()));
        m.put("shuffle_write_mb", mb(shuffleWriteBytes.sum()));
        m.put("shuffle_read_mb", mb(shuffleReadBytes.sum()));
        m.put("spill_disk_mb", mb(spillDiskBytes.sum()));
        m.put("task_seconds", Math.round(runNanos.sum() / 1e7) / 100.0);
        m.put("gc_seconds", Math.round(gcMillis.sum() / 10.0) / 100.0);
        return m;
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    @Override
    public void close() {
        spark.sparkContext().removeSparkListener(this);
    }
}
