package uk.nhs.phb.cli;

import java.util.List;
import picocli.CommandLine.Option;
import uk.nhs.phb.jobs.InputException;

/** How a provider's or analyst's own files are read and written. */
public final class FileOptions {
    private static final List<String> DELIMITERS = List.of(",", ";", "|", "\t");

    @Option(names = "--format", defaultValue = "csv", description = "File format: csv (with a header line) or parquet. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--delimiter", defaultValue = ",", description = "CSV delimiter: , ; | or a tab. Default: ${DEFAULT-VALUE}")
    String delimiter;

    @Option(names = "--force", description = "Replace an existing output folder.")
    boolean force;

    /** Checks the values, naming the bad one. */
    FileOptions validated() {
        if (!format.equals("csv") && !format.equals("parquet")) {
            throw new InputException("--format must be csv or parquet, not '" + format + "'");
        }
        if (!DELIMITERS.contains(delimiter)) {
            throw new InputException("--delimiter must be one of , ; | or a tab, not '" + delimiter + "'");
        }
        return this;
    }
}
