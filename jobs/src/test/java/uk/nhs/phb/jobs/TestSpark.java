package uk.nhs.phb.jobs;

import org.apache.spark.sql.SparkSession;

/**
 * The test JVM's one SparkSession, created through {@link SparkSessions} so Delta's extensions are on it
 * (they must be set on the first session of the JVM).
 */
public final class TestSpark {
    private TestSpark() {
    }

    public static synchronized SparkSession get() {
        SparkSession spark = SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false));
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        return spark;
    }
}
