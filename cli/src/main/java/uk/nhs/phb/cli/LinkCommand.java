package uk.nhs.phb.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.link.LinkJob;
import uk.nhs.phb.pipelines.link.LinkPersons;

@Command(name = "link", mixinStandardHelpOptions = true,
        description = "Link health, social care and education records into one person index (silver/person_index) "
                + "with a linkage quality report.")
final class LinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--match-weight", paramLabel = "BITS", defaultValue = "8.0",
            description = "Link when the best candidate's match weight reaches this (log2 odds). Default: ${DEFAULT-VALUE}")
    double matchWeight;

    @Option(names = "--review-weight", paramLabel = "BITS", defaultValue = "0.0",
            description = "Best candidates from this weight up to the match weight go to clerical review. Default: ${DEFAULT-VALUE}")
    double reviewWeight;

    @Override
    public Integer call() throws Exception {
        if (reviewWeight > matchWeight) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--review-weight (" + reviewWeight + ") must not exceed --match-weight (" + matchWeight + ")");
        }
        SparkSession spark = SparkSessions.forJob(common.settings());
        LinkPersons.Settings d = LinkPersons.Settings.defaults();
        LinkPersons.Settings settings = new LinkPersons.Settings(matchWeight, reviewWeight, d.runnerUpMargin(), d.lshBands(),
                d.lshBitsPerBand(), d.seed(), d.randomSample(), d.maxBlockSize(), d.emIterations());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lake", common.lake);
        params.put("match_weight", matchWeight);
        params.put("review_weight", reviewWeight);
        params.put("lake_key_file", lakeKey.file.toString());
        LinkJob.Result r = LinkJob.run(spark, new LinkJob.Request(common.settings(), lakeKey.load(spec.commandLine().getErr()),
                settings, LinkJob.thisYear()), params, TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        Map<String, Object> s = r.summary();
        StringBuilder text = new StringBuilder();
        text.append(String.format("Linked %,d entities into %,d persons (run %s)%n", (long) s.get("entities"), (long) s.get("persons"), r.runId()));
        text.append("  by method: ").append(s.get("links_by_method")).append('\n');
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> bySource = (Map<String, Map<String, Object>>) s.get("link_rate_by_source");
        bySource.forEach((source, m) -> text.append(String.format("  %-10s %,8d entities, %5.1f%% linked (%,d by token, %,d probabilistic)%n",
                source, (long) m.get("entities"), 100 * (double) m.get("link_rate"), (long) m.get("by_token"), (long) m.get("probabilistic"))));
        text.append(String.format("  candidate pairs %,d; clerical review %,d; report %s", (long) s.get("candidate_pairs"),
                (long) s.get("review_pairs"), r.reportDir()));
        Output.print(spec.commandLine().getOut(), common.json, s, text.toString());
        return 0;
    }
}
