package uk.nhs.phb.jobs;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small helpers over Delta's Java API. */
public final class DeltaTables {
    private DeltaTables() {
    }

    public static boolean exists(SparkSession spark, String path) {
        return DeltaTable.isDeltaTable(spark, path);
    }

    /** The user metadata of the latest commit (what phb recorded with it), or null. */
    public static String lastUserMetadata(SparkSession spark, String path) {
        if (!exists(spark, path)) {
            return null;
        }
        Row last = DeltaTable.forPath(spark, path).history(1).select("userMetadata").first();
        return last.isNullAt(0) ? null : last.getString(0);
    }

    /** The latest committed version of a table, or -1 when there is no table at the path. */
    public static long version(SparkSession spark, String path) {
        if (!exists(spark, path)) {
            return -1;
        }
        Row last = DeltaTable.forPath(spark, path).history(1).select("version").first();
        return last.getLong(0);
    }

    /**
     * The latest committed version of a table read from the names of its {@code _delta_log/<version>.json} commit
     * files (Delta writes one per commit and keeps the latest), without running a Spark job; -1 when there is no
     * table at the path. For jobs that record the versions of many inputs.
     */
    public static long logVersion(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
        try {
            org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(log)) {
                return -1;
            }
            long latest = -1;
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
                String name = f.getPath().getName();
                if (name.matches("[0-9]{20}\\.json")) {
                    latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
                }
            }
            return latest;
        } catch (java.io.IOException e) {
            throw new InputException("cannot read the Delta log of " + path + ": " + e.getMessage(), e);
        }
    }
}
