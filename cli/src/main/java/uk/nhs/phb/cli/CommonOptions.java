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

    /**
     * Refuses a {@code --lake} that names no folder, before any Spark work, so the user hears that the lake is missing
     * rather than that a table in it is. Lakes on other file systems (s3a://, abfss://, hdfs://) are left to the job.
     */
    /** The settings, for a command that reads an existing lake: refused when {@code --lake} names no folder. */
    JobSettings existingLake() {
        requireLake();
        return settings();
    }

    private void requireLake() {
        boolean local = !lake.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") || lake.startsWith("file:");
        java.nio.file.Path folder = java.nio.file.Path.of(lake.startsWith("file:") ? java.net.URI.create(lake).getPath() : lake);
        if (local && !java.nio.file.Files.isDirectory(folder)) {
            throw new uk.nhs.phb.jobs.InputException("there is no lake at " + lake + " (no such folder): give --lake DIR, the folder "
                    + "'phb ingest' or 'phb run' wrote (default ./lake), or run 'phb ingest' first");
        }
    }

    JobSettings settings() {
        return new JobSettings(lake, landing, out, master, verbose);
    }
}
