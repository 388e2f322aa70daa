package uk.nhs.phb.jobs;

import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession for a job: Delta Lake enabled, UTC, Spark's own logging at WARN unless verbose. With
 * {@code local[*]} (the default) Spark runs inside this process; when a session already exists (tests,
 * {@code spark-submit}) it is reused.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    private static final String CODEGEN_CACHE = "spark.sql.codegen.cache.maxEntries";
    private static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

    /** The master asked for, else the one spark-submit set ({@code spark.master}), else {@code local[*]}. */
    public static String master(JobSettings settings) {
        if (settings.master() != null && !settings.master().isBlank()) {
            return settings.master();
        }
        return System.getProperty("spark.master", JobSettings.DEFAULT_MASTER);
    }

    public static SparkSession forJob(JobSettings settings) {
        SparkSession.Builder b = SparkSession.builder()
                .appName("phb")
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.ansi.enabled", "false")
                .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
                .config("spark.sql.debug.maxToStringFields", "500");
        b.master(master(settings));
        // a batch plans the same query shapes again and again (per feed, per area, per quarter); Spark keeps 100 compiled
        // classes by default, so most were compiled anew (a tenth of a report's time). A static setting, so set before the
        // session starts, and only when whoever launched phb (spark-submit --conf) has not chosen.
        if (!new org.apache.spark.SparkConf().contains(CODEGEN_CACHE)) {
            b.config(CODEGEN_CACHE, "1000");
        }
        if (master(settings).startsWith("local")) {
            b.config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    // on one machine a few partitions per core beat Spark's 200
                    .config("spark.sql.shuffle.partitions", String.valueOf(4 * Runtime.getRuntime().availableProcessors()))
                    .config("spark.sql.adaptive.enabled", "true")
                    // Delta rebuilds a table's state from its log in this many tasks, and each task generates the code of
                    // a large deserialiser; with the default 50 that was a third of the features step at 100,000 people
                    .config(SNAPSHOT_PARTITIONS, String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
        SparkSession spark = b.getOrCreate();
        if (!spark.conf().contains(SNAPSHOT_PARTITIONS)) {
            // on a cluster too: Delta's default of 50 tasks per table state is for logs far longer than a lake's
            spark.conf().set(SNAPSHOT_PARTITIONS, String.valueOf(spark.sparkContext().defaultParallelism()));
        }
        spark.sparkContext().setLogLevel(settings.verbose() ? "INFO" : "WARN");
        return spark;
    }
}
