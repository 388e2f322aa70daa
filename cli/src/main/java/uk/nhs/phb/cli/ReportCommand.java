package uk.nhs.phb.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.InputVersions;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.report.ReportJob;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.causal.MatchedDid;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the quarterly report (PHB return, markers of progress, spend across the system, before/after a PHB) "
                + "as CSV, XLSX and a self-contained HTML page to <out>/reports/<quarter>/.")
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--quarter", paramLabel = "YYYY-YYQn", converter = QuarterConverter.class,
            description = "Financial-year quarter, e.g. 2025-26Q4 (January-March 2026). Required unless --as-of-run is given.")
    Quarter quarter;

    @Option(names = "--as-of-run", paramLabel = "RUN_ID",
            description = "Make a past report again exactly as run RUN_ID made it (its settings, and every input table at the Delta "
                    + "version it read), into <out>/reports/<quarter>.run-RUN_ID/. 'phb audit' lists the runs.")
    String asOfRun;

    /** Options that shape a report; a replay takes them from the run it replays. */
    private static final java.util.List<String> SHAPING = java.util.List.of("--quarter", "--org", "--trajectory", "--did-start-window-months",
            "--caliper-sd", "--match-on", "--with-replacement", "--bootstrap-replicates", "--bootstrap-seed", "--evaluate");

    @Option(names = "--evaluate", description = "Set the synthetic generator's true effect (landing/_truth, written by 'phb synth') beside "
            + "the before/after estimate. Only for synthetic data: real feeds have no truth, and a report for people never carries it.")
    boolean evaluate;

    @Option(names = "--org", paramLabel = "CODE",
            description = "Report one ICB or Sub-ICB Location (a code of bronze/ref_practices); written to <out>/reports/<quarter>-<CODE>/.")
    String org;

    @Option(names = "--trajectory", paramLabel = "FILE",
            description = "Uptake trajectory CSV 'quarter,received_ytd_per_100k' replacing the reference data.")
    Path trajectory;

    @Option(names = "--did-start-window-months", paramLabel = "N", defaultValue = "24",
            description = "Months of budget starts compared before and after, ending 12 months before the quarter's last month. Default: ${DEFAULT-VALUE}")
    int startWindowMonths;

    @Option(names = "--caliper-sd", paramLabel = "SD", defaultValue = "0.2",
            description = "Matching caliper in standard deviations of the logit of the propensity score. Default: ${DEFAULT-VALUE}")
    double caliperSd;

    @Option(names = "--match-on", paramLabel = "METRIC", defaultValue = "mahalanobis",
            description = "Choose the control inside the caliper by 'mahalanobis' distance on the covariates or by 'propensity' score. Default: ${DEFAULT-VALUE}")
    String matchOn;

    @Option(names = "--with-replacement", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Let a control be matched to more than one treated person (--no-with-replacement: each control once). Default: ${DEFAULT-VALUE}")
    boolean replacement;

    @Option(names = "--bootstrap-replicates", paramLabel = "N", defaultValue = "1000",
            description = "Bootstrap resamples of matched pairs for the 95%% interval. Default: ${DEFAULT-VALUE}")
    int replicates;

    @Option(names = "--bootstrap-seed", paramLabel = "SEED", defaultValue = "20170401",
            description = "Seed of the bootstrap (the same seed gives the same interval). Default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() {
        if (asOfRun != null) {
            return replay();
        }
        if (quarter == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Missing option: give --quarter YYYY-YYQn, or --as-of-run RUN_ID to make a past report again");
        }
        if (!matchOn.equals("mahalanobis") && !matchOn.equals("propensity")) {
            throw new InputException("--match-on must be 'mahalanobis' or 'propensity', got '" + matchOn + "'");
        }
        MatchedDid.Settings matching;
        try {
            matching = new MatchedDid.Settings(caliperSd, MatchedDid.Settings.defaults().lambda(), replicates, seed, 0.95,
                    matchOn.equals("mahalanobis"), replacement);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        Map<Quarter, Double> traj = ReportReference.trajectory();
        String trajSource = "reference data phb_trajectory.csv";
        if (trajectory != null) {
            try (Reader r = Files.newBufferedReader(trajectory, StandardCharsets.UTF_8)) {
                traj = ReportReference.trajectory(trajectory.toString(), r);
            } catch (IOException e) {
                throw new InputException("--trajectory " + trajectory + " cannot be read: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new InputException("--trajectory " + e.getMessage());
            }
            trajSource = trajectory.toString();
        }
        ReportJob.Request req = new ReportJob.Request(common.settings(), lakeKey.load(spec.commandLine().getErr()), quarter,
                org == null || org.isBlank() ? null : org.strip(), traj, trajSource, matching, startWindowMonths, InputVersions.latest(), evaluate);
        return print(ReportJob.run(SparkSessions.forJob(common.existingLake()), req,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json)));
    }

    private Integer replay() {
        java.util.List<String> given = SHAPING.stream().filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
        if (!given.isEmpty()) {
            throw new InputException("--as-of-run makes the report with the settings run " + asOfRun + " used; leave out " + String.join(", ", given));
        }
        ReportJob.Request req = ReportJob.Request.replaying(common.settings(), lakeKey.load(spec.commandLine().getErr()),
                AuditLog.of(common.settings()).show(asOfRun));
        return print(ReportJob.run(SparkSessions.forJob(common.existingLake()), req,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json)));
    }

    private Integer print(ReportJob.Result s) {
        Map<String, Object> h = s.headline();
        StringBuilder text = new StringBuilder(String.format("Report for %s (run %s%s) written to %s%n", s.quarter(), s.runId(),
                s.regeneratesRun() == null ? "" : ", made again as run " + s.regeneratesRun() + " made it", s.out()));
        text.append(String.format("  PHB return: %s received in the year to date, %s in place at the quarter end, %s new in the quarter%n",
                shown(h.get("return_received_ytd")), shown(h.get("return_active_at_quarter_end")), shown(h.get("return_new_in_quarter"))));
        if (h.get("did_estimate") != null) {
            Object smd = h.get("max_abs_smd_after");
            String balance = smd instanceof Number n ? (n.doubleValue() > 0.1
                    ? String.format("matching did not balance the groups (largest |SMD| %.2f, above 0.1): do not use the estimate", n.doubleValue())
                    : String.format("matching balanced the groups (largest |SMD| %.2f)", n.doubleValue()))
                    : "balance not shown (too few people to publish it)";
            text.append(String.format("  Before/after (health services, £ a person over 12 months): %s (95%% interval %s to %s)%s; %s%n",
                    money(h.get("did_estimate")), money(h.get("did_ci_low")), money(h.get("did_ci_high")),
                    h.get("true_effect") == null ? "" : ", true effect " + money(h.get("true_effect")), balance));
        } else if (h.get("did_status") != null) {
            text.append("  Before/after: ").append(h.get("did_status")).append('\n');
        }
        if (!s.riskTiersAvailable()) {
            text.append("  Risk tiers: not available: run phb score\n");
        }
        text.append("  Files: ").append(s.files());
        Output.print(spec.commandLine().getOut(), common.json, s, text.toString());
        return 0;
    }

    /** Pounds as people read them: {@code -£1,234}. */
    private static String money(Object v) {
        return v instanceof Number n ? Money.formatWhole(java.math.BigDecimal.valueOf(n.doubleValue())) : String.valueOf(v);
    }

    private static String shown(Object v) {
        return v == null ? "*" : String.format("%,d", ((Number) v).longValue());
    }
}
