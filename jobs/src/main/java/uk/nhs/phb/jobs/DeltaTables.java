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
}
