package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.ingest.IngestJob;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.Feeds;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Validate the landing feeds against their contracts and replace bronze/<feed> (valid rows, typed) "
                + "and quarantine/<feed> (every other row, with the rules it broke) in the lake.",
                "Reads <landing>/<feed>/ in phb's own layout and <landing>/<profile>/ in a national layout (SUS+, HES, ECDS ...: "
                        + "`phb profiles` lists them); *.csv, *.csv.gz, *.parquet; names starting with _ or . are skipped. Writes "
                        + "a data-quality summary to <out>/ingest/<run_id>/."})
final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--feeds", split = ",", paramLabel = "LIST",
            description = "Only these feeds, comma-separated (default: all). Optional feeds that are absent get empty tables.")
    List<String> feeds;

    @Option(names = "--extract-date", paramLabel = "DATE", converter = IsoDate.class,
            description = "Day the extract was taken (yyyy-MM-dd); later dates are quarantined as future_date. Default: today.")
    LocalDate extractDate;

    @Override
    public Integer call() {
        IngestJob job = IngestJob.of(common.settings()).profiles(profileOptions.load())
                .lakeKey(() -> lakeKey.load(spec.commandLine().getErr()))
                .progress(TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        if (feeds != null) {
            List<String> known = Feeds.all().stream().map(FeedContract::name).toList();
            List<String> unknown = feeds.stream().filter(f -> !known.contains(f)).toList();
            if (!unknown.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "unknown feed(s) " + String.join(", ", unknown)
                        + " in --feeds; known feeds: " + String.join(",", known));
            }
            job.feeds(feeds);
        }
        if (extractDate != null) {
            job.extractDate(extractDate);
        }
        IngestJob.Result result = job.execute();
        Output.print(spec.commandLine().getOut(), common.json, result, text(result, common.settings().lake()));
        return 0;
    }

    static String text(IngestJob.Result r, String lake) {
        StringBuilder sb = new StringBuilder();
        sb.append("Ingest run ").append(r.runId()).append(" (extract date ").append(r.extractDate()).append(")\n\n");
        String row = "%-16s %-9s %12s %12s %12s  %s%n";
        sb.append(String.format(row, "feed", "status", "rows in", "valid", "quarantined", "quarantined by first rule"));
        for (IngestJob.FeedResult f : r.feeds()) {
            sb.append(String.format(row, f.feed(), f.status(), n(f.rowsIn()), n(f.rowsValid()), n(f.rowsQuarantined()),
                    rules(f.quarantinedByRule())));
        }
        sb.append(String.format(row, "total", "", n(r.rowsIn()), n(r.rowsValid()), n(r.rowsQuarantined()), ""));
        for (IngestJob.FeedResult f : r.feeds()) {
            if (!f.recoded().isEmpty()) {
                sb.append("\n").append(f.feed()).append(": codes outside their lists, kept as not known: ")
                        .append(f.recoded().entrySet().stream().map(e -> e.getKey() + " (" + n(e.getValue()) + ")")
                                .collect(Collectors.joining(", ")));
            }
        }
        sb.append("\nBronze and quarantine tables are in ").append(lake).append("; data-quality summary in ")
                .append(r.summaryFolder()).append('\n');
        return sb.toString();
    }

    private static String n(long v) {
        return String.format("%,d", v);
    }

    private static String rules(Map<String, Long> byRule) {
        return byRule.entrySet().stream().map(e -> e.getKey() + " " + n(e.getValue())).collect(Collectors.joining(", "));
    }
}
