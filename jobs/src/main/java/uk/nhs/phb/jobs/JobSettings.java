package uk.nhs.phb.jobs;

/**
 * What every job is told: where the lake, the landing feeds and the outputs are, and which Spark master
 * to use ({@code local[*]} embeds Spark in this process; any other URL submits to that cluster).
 */
public record JobSettings(String lake, String landing, String out, String master, boolean verbose) {

    public static final String DEFAULT_MASTER = "local[*]";

    public JobSettings {
        lake = Lake.stripTrailingSlash(lake);
        landing = Lake.stripTrailingSlash(landing);
        out = Lake.stripTrailingSlash(out);
    }

    public static JobSettings defaults() {
        return new JobSettings("lake", "landing", "out", DEFAULT_MASTER, false);
    }

    public Lake lakeLayout() {
        return new Lake(lake);
    }
}
