package uk.nhs.phb.jobs;

import java.util.Objects;
import uk.nhs.phb.schemas.LakeTable;
import uk.nhs.phb.schemas.LakeTables;

/**
 * Where every table lives under the lake root (a local folder or any Hadoop file-system URI:
 * {@code s3a://}, {@code abfss://}, {@code hdfs://}). Layout: {@code bronze/<feed>},
 * {@code quarantine/<feed>}, {@code silver/<table>}, {@code gold/<table>}, {@code audit/<table>}; every table is in
 * the catalogue ({@link LakeTables}).
 */
public record Lake(String root) {

    public Lake {
        Objects.requireNonNull(root, "root");
        root = stripTrailingSlash(root);
    }

    public String bronze(String feed) {
        return root + "/bronze/" + feed;
    }

    public String quarantine(String feed) {
        return root + "/quarantine/" + feed;
    }

    /** Where a catalogued table lives. */
    public String path(LakeTable table) {
        return root + "/" + table.path();
    }

    public String runs() {
        return path(LakeTables.RUNS);
    }

    static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
