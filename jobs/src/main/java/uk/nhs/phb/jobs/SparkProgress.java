package uk.nhs.phb.jobs;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** Feeds a {@link Progress} from Spark task metrics: rows read plus rows written by finished tasks. */
final class SparkProgress extends SparkListener {
    private final Progress progress;
    private final AtomicLong rows = new AtomicLong();

    private SparkProgress(Progress progress) {
        this.progress = progress;
    }

    static SparkProgress attach(SparkSession spark, Progress progress) {
        SparkProgress listener = new SparkProgress(progress);
        spark.sparkContext().addSparkListener(listener);
        return listener;
    }

    void detach(SparkSession spark) {
        spark.sparkContext().removeSparkListener(this);
    }

    void reset() {
        rows.set(0);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.taskMetrics() == null) {
            return;
        }
        long n = taskEnd.taskMetrics().inputMetrics().recordsRead()
                + taskEnd.taskMetrics().outputMetrics().recordsWritten();
        if (n > 0) {
            progress.rows(rows.addAndGet(n));
        }
    }
}
