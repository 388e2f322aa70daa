package uk.nhs.phb.cli;

import picocli.CommandLine.Option;
import uk.nhs.phb.jobs.JobSettings;

/** Options every job command takes. */
public final class CommonOptions {
    @Option(names = "--lake", paramLabel = "DIR", defaultValue = "lake",
            description = "Lake root: a folder or a Hadoop URI (s3a://, abfss://, hdfs://). Default: ${DEFAULT-VALUE}")
    String lake;

    @Option(names = "--landing", paramLabel = "DIR", defaultValue = "landing",
            description = "Landing folder holding one folder per feed. Default: ${DEFAULT-VALUE}")
    String landing;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
            description = "Folder for reports, extracts and summaries. Default: ${DEFAULT-VALUE}")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*] runs Spark embedded; spark://, yarn, k8s:// use a cluster. "
                    + "Default: the master spark-submit was given, else local[*]")
    String master;

    @Option(names = "--json", description = "Print one JSON object summarising the result on stdout (keys in docs/CLI.md); no progress.")
    boolean json;

    @Option(names = "--verbose", description = "Spark logging at INFO and stack traces on errors.")
    boolean verbose;

    JobSettings settings() {
        return new JobSettings(lake, landing, out, master, verbose);
    }
}
