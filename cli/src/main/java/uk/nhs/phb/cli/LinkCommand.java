package uk.nhs.phb.cli;

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

    @Option(names = "--evaluate",
            description = "Measure the links against the synthetic generator's truth (landing/_truth): precision, recall, F1, blocking recall.")
    boolean evaluate;

    @Option(names = "--left", paramLabel = "FILE",
            description = "Link two pseudonymised files instead of the lake: the file whose records are linked (needs --right).")
    String left;

    @Option(names = "--right", paramLabel = "FILE", description = "With --left: the file linked to (each left record links to at most one right record).")
    String right;

    @Option(names = "--map", paramLabel = "MAPPING",
            description = "With --left/--right: role=column lines (id=COLUMN required; identity roles default to phb pseudonymise's column names).")
    java.nio.file.Path map;

    @Mixin
    FileOptions files;

    @Override
    public Integer call() throws Exception {
        if (reviewWeight > matchWeight) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--review-weight (" + reviewWeight + ") must not exceed --match-weight (" + matchWeight + ")");
        }
        if ((left == null) != (right == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--left and --right go together");
        }
        // linking two files needs no lake; linking the lake needs one
        SparkSession spark = SparkSessions.forJob(left == null ? common.existingLake() : common.settings());
        LinkPersons.Settings d = LinkPersons.Settings.defaults();
        LinkPersons.Settings settings = new LinkPersons.Settings(matchWeight, reviewWeight, d.runnerUpMargin(), d.lshBands(),
                d.lshBitsPerBand(), d.seed(), d.randomSample(), d.maxBlockSize(), d.emIterations());
        if (left != null) {
            return linkFiles(spark, settings);
        }
        LinkJob.Result r = LinkJob.run(spark, new LinkJob.Request(common.settings(), lakeKey.load(spec.commandLine().getErr()),
                settings, LinkJob.thisYear(), evaluate), TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        LinkJob.Linkage s = r.linkage();
        StringBuilder text = new StringBuilder();
        text.append(String.format("Linked %,d entities into %,d persons (run %s)%n", s.entities(), s.persons(), r.runId()));
        text.append("  by method: ").append(s.linksByMethod()).append('\n');
        s.linkRateBySource().forEach((source, m) -> text.append(String.format("  %-10s %,8d entities, %5.1f%% linked (%,d by token, %,d probabilistic)%n",
                source, m.entities(), 100 * m.linkRate(), m.byToken(), m.probabilistic())));
        text.append(String.format("  candidate pairs %,d; clerical review %,d; report %s", s.diagnostics().candidatePairs(), s.reviewPairs(),
                r.report()));
        LinkJob.Evaluated e = s.evaluation();
        if (e != null) {
            text.append(String.format("%n  against truth: precision %.4f, recall %.4f, F1 %.4f, blocking recall %s",
                    e.precision(), e.recall(), e.f1(), e.blockingRecall()));
            e.bySourcePair().forEach((pair, m) -> text.append(String.format("%n    %-18s precision %.4f recall %.4f F1 %.4f (%,d true pairs)", pair,
                    m.precision(), m.recall(), m.f1(), m.truePairs())));
            e.byTokenStatus().forEach((status, m) -> text.append(String.format("%n    %-18s precision %.4f recall %.4f F1 %.4f", status,
                    m.precision(), m.recall(), m.f1())));
        }
        Output.print(spec.commandLine().getOut(), common.json, r, text.toString());
        return 0;
    }

    private int linkFiles(SparkSession spark, LinkPersons.Settings settings) {
        if (map == null) {
            throw new uk.nhs.phb.jobs.InputException("--left/--right need --map naming at least the id column (id=COLUMN)");
        }
        files.validated();
        uk.nhs.phb.pipelines.link.LinkFiles.Mapping mapping;
        try {
            mapping = uk.nhs.phb.pipelines.link.LinkFiles.Mapping.parse(java.nio.file.Files.readString(map));
        } catch (java.io.IOException e) {
            throw new uk.nhs.phb.jobs.InputException("cannot read mapping file " + map + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new uk.nhs.phb.jobs.InputException("mapping file " + map + ": " + e.getMessage());
        }
        uk.nhs.phb.jobs.link.LinkFilesJob.Result s = uk.nhs.phb.jobs.link.LinkFilesJob.run(spark, new uk.nhs.phb.jobs.link.LinkFilesJob.Request(left, right,
                files.format, files.delimiter, mapping, settings, common.out, files.force), TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        String text = String.format("Linked %,d of %,d records of %s to %s%n  by method: %s%n  clerical review %,d; results in %s",
                s.linked(), s.leftRecords(), left, right, s.linksByMethod(), s.reviewPairs(), common.out);
        Output.print(spec.commandLine().getOut(), common.json, s, text);
        return 0;
    }
}
