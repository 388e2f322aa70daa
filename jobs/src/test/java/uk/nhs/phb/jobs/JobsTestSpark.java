package uk.nhs.phb.jobs;

import org.apache.spark.sql.SparkSession;

/** The one Delta-enabled SparkSession of the jobs and cli test JVMs (local[2]). */
public final class JobsTestSpark {
    private JobsTestSpark() {
    }

    public static synchronized SparkSession get() {
        SparkSession spark = SparkSessions.forJob(new JobSettings("lake", "landing", "out", "local[2]", false));
        spark.conf().set("spark.sql.shuffle.partitions", "4");
        return spark;
    }
}
