package uk.nhs.phb.pipelines;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local[2], few shuffle partitions, no UI. Modules whose tests need
 * Delta get it from jobs' {@code SparkSessions} instead; whichever is asked first is the session for the JVM.
 */
public final class SharedSpark {
    private SharedSpark() {
    }

    public static synchronized SparkSession get() {
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("phb-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "4")
                .config("spark.sql.codegen.cache.maxEntries", "1000")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.debug.maxToStringFields", "500")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
