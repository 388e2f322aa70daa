package uk.nhs.phb.jobs;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.schemas.LakeTable;

/** Small helpers over Delta's Java API. */
public final class DeltaTables {
    private DeltaTables() {
    }

    public static boolean exists(SparkSession spark, Lake lake, LakeTable table) {
        return exists(spark, lake.path(table));
    }

    public static long version(SparkSession spark, Lake lake, LakeTable table) {
        return version(spark, lake.path(table));
    }

    /** The latest version of a catalogued table, checked to hold the columns this phb reads (see {@link #check}). */
    public static Dataset<Row> read(SparkSession spark, Lake lake, LakeTable table) {
        Dataset<Row> d = spark.read().format("delta").load(lake.path(table));
        check(lake, table, d.schema());
        return d;
    }

    /**
     * Refuses a table that lacks a column of its catalogue entry or holds one with another type, naming the table, the
     * columns and the stage that rewrites it: a stage never reads a table it does not understand.
     */
    public static void check(Lake lake, LakeTable table, StructType actual) {
        List<String> problems = table.mismatches(actual);
        if (!problems.isEmpty()) {
            throw new InputException(table.path() + " in " + lake.root() + " is not the table this phb reads: " + String.join("; ", problems)
                    + ". It was written by another version of phb or another tool; run 'phb " + table.stage() + "' to write it again"
                    + " (docs/ARCHITECTURE.md, the table catalogue)");
        }
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
