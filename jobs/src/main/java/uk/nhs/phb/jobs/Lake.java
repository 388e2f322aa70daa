package uk.nhs.phb.jobs;

import java.util.Objects;

/**
 * Where every table lives under the lake root (a local folder or any Hadoop file-system URI:
 * {@code s3a://}, {@code abfss://}, {@code hdfs://}). Layout: {@code bronze/<feed>},
 * {@code quarantine/<feed>}, {@code silver/<table>}, {@code gold/<table>}, {@code audit/runs}.
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

    public String silver(String table) {
        return root + "/silver/" + table;
    }

    public String gold(String table) {
        return root + "/gold/" + table;
    }

    public String runs() {
        return root + "/audit/runs";
    }

    static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
