package uk.nhs.phb.cli;

import picocli.CommandLine.Option;
import uk.nhs.phb.jobs.JobSettings;

/** Spark and output options of commands that work outside the lake layout (pseudonymise, anonymise, demo). */
public final class EngineOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*] runs Spark embedded; spark://, yarn, k8s:// use a cluster. "
                    + "Default: the master spark-submit was given, else local[*]")
    String master;

    @Option(names = "--json", description = "Print one JSON object summarising the result on stdout (keys in docs/CLI.md); no progress.")
    boolean json;

    @Option(names = "--verbose", description = "Spark logging at INFO and stack traces on errors.")
    boolean verbose;

    JobSettings settings(String lake) {
        return new JobSettings(lake, "landing", "out", master, verbose);
    }
}
