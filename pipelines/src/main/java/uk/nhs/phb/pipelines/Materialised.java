package uk.nhs.phb.pipelines;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * A dataset computed once and kept on the executors with its plan cut off. A persisted dataset keeps its whole plan, and
 * every query over it analyses and plans that again before the cache stands in for it: for linkage's links (the product
 * of blocking, scoring and ranking) that was half of a 2,000-person link step. A local checkpoint is read back as a plain
 * scan. Its blocks have no lineage, so an executor lost mid-step fails the step, which then runs again from its inputs.
 */
public final class Materialised {
    private Materialised() {
    }

    /** Computes {@code rows} now and returns them as a scan of the kept blocks (memory, then disk). */
    public static Dataset<Row> of(Dataset<Row> rows) {
        return rows.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * Frees the blocks of a dataset made by {@link #of} now, rather than when the JVM next collects it: a large ingest
     * would otherwise hold one feed's rows while it reads the next, and spill them to disk. Anything else is left alone.
     */
    public static void release(Dataset<Row> rows) {
        if (rows instanceof org.apache.spark.sql.classic.Dataset<Row> classic) {
            LogicalPlan plan = classic.logicalPlan();
            if (plan instanceof LogicalRDD scan) {
                // through the context, not RDD.unpersist, which warns that a checkpoint's lineage cannot be recomputed
                classic.sparkSession().sparkContext().unpersistRDD(scan.rdd().id(), false);
            }
        }
    }
}
