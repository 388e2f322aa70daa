package uk.nhs.phb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.audit.AuditLog.RunRecord;
import uk.nhs.phb.jobs.audit.AuditLog.RunSummary;
import uk.nhs.phb.jobs.audit.AuditLog;
import uk.nhs.phb.jobs.audit.ExplainPerson;
import uk.nhs.phb.jobs.audit.LeakScan;
import uk.nhs.phb.jobs.audit.disclosure.DisclosureAttack;
import uk.nhs.phb.jobs.synth.SyntheticIdentities;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "List the recorded runs of every job (latest status per run, newest first), or show one in full; "
                + "--scan-for-identifiers looks for leaked identifiers, --explain shows every decision about a person; --attack-publication tries to recover suppressed counts from published folders.",
        subcommands = AuditCommand.Show.class)
final class AuditCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Show only the N newest runs (default: all).")
    int limit;

    @Option(names = "--scan-for-identifiers", paramLabel = "PATH", arity = "1..*",
            description = "Scan these files or folders (the lake, logs, out/) for NHS numbers, raw names and postcodes, "
                    + "source tokens outside bronze and key material; exit 4 when anything is found.")
    List<String> scanPaths;

    @Option(names = "--keys", paramLabel = "DIR", defaultValue = "keys",
            description = "With --scan-for-identifiers: folder of key files whose material to look for. Default: ${DEFAULT-VALUE}")
    String keysDir;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "With --scan-for-identifiers: another key file to look for (repeatable).")
    List<String> keyFiles;

    @Option(names = "--synth-settings", paramLabel = "FILE",
            description = "With --scan-for-identifiers: the synth_settings.json of the synthetic population whose raw "
                    + "identities to look for (default: <landing>/_truth/synth_settings.json, else the lake's synth run).")
    String synthSettings;

    @Option(names = "--attack-publication", paramLabel = "DIR", arity = "1..*",
            description = "Attack these published folders together (a report, statement of resources or extract; several quarters "
                    + "or organisations at once): try to recover any count of 1 to 7 from all their files (CSV, XLSX, HTML, JSON) by "
                    + "differencing against totals, shares times denominators, and the same figure across files, quarters and areas; "
                    + "exit 4 when a count is recovered or printed unrounded.")
    List<java.nio.file.Path> attackPaths;

    @Option(names = "--layouts", paramLabel = "FILE",
            description = "With --attack-publication: the attacker's description of the publications' tables, instead of the one "
                    + "shipped with phb (docs/RELIABILITY.md).")
    java.nio.file.Path layouts;

    @Option(names = "--explain", paramLabel = "PERSON_ID",
            description = "Show every decision the lake holds about this person: the rows of each table with a person_id "
                    + "(rule and model versions, run id), the table versions, and each run's command and inputs.")
    String explainPerson;

    /** Columns shown in the readable trail of a wide table (all columns are in --json). */
    private static final java.util.Set<String> TRAIL_COLUMNS = java.util.Set.of("reference_date", "cohort", "basis", "reason",
            "priority_rank", "priority_score", "eligible", "risk_tier", "risk_percentile", "stream", "method", "annual_gbp",
            "weekly_gbp", "purpose", "recipient", "action", "explanation", "source", "match_weight", "phb_group", "has_phb");

    /** Exit code of a scan that found identifiers. */
    static final int EXIT_FOUND = 4;

    @Override
    public Integer call() {
        if (scanPaths != null) {
            return scan();
        }
        if (explainPerson != null) {
            return explain();
        }
        if (attackPaths != null) {
            return attack();
        }
        List<RunSummary> runs = AuditLog.of(common.settings()).list(limit);
        Runs summary = new Runs(runs.stream().map(Listed::of).toList());
        StringBuilder text = new StringBuilder();
        if (runs.isEmpty()) {
            text.append("No runs recorded in ").append(common.settings().lakeLayout().runs()).append('\n');
        } else {
            String row = "%-34s %-10s %-10s %-20s %9s  %s%n";
            text.append(String.format(row, "run id", "command", "status", "started (UTC)", "seconds", "user"));
            for (RunSummary r : runs) {
                text.append(String.format(row, r.runId(), r.command(), r.status(), time(r.started()),
                        r.seconds() == null ? "-" : String.format("%.1f", r.seconds()), r.user()));
            }
        }
        Output.print(spec.commandLine().getOut(), common.json, summary, text.toString());
        return 0;
    }

    private int scan() {
        SparkSession spark = SparkSessions.forJob(common.settings());
        LeakScan.Result r = LeakScan.run(spark, new LeakScan.Request(common.settings(), scanPaths, keysDir, keyFiles,
                        SyntheticIdentities.find(spark, common.settings(), synthSettings)),
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder text = new StringBuilder();
        LeakScan.Scanned scanned = r.scanned();
        text.append(String.format("Scanned %,d files (%,d Delta tables, %,d rows, %,d values; %,d text lines) in %.1f s%n",
                scanned.files(), scanned.tables(), scanned.rows(), scanned.values(), scanned.lines(), r.seconds()));
        r.checks().forEach((k, v) -> text.append(String.format("  %-13s %s%n", k, v)));
        if (r.findings().isEmpty()) {
            text.append("No identifiers found.\n");
        } else {
            text.append(String.format("FOUND %,d identifier(s): %s (values masked)%n", r.found(), r.byKind()));
            for (LeakScan.Finding f : r.findings()) {
                String where = f.column() != null ? "column " + f.column() : "";
                if (!f.lines().isEmpty()) {
                    where = (where.isEmpty() ? "" : where + " ") + "line" + (f.lines().size() > 1 ? "s " : " ")
                            + f.lines().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
                }
                text.append(String.format("  %-13s %s  %s  x%d  e.g. %s%n", f.kind(), f.file(), where, f.count(), f.example()));
            }
        }
        Output.print(spec.commandLine().getOut(), common.json, r, text.toString());
        return r.findings().isEmpty() ? 0 : EXIT_FOUND;
    }

    private int attack() {
        DisclosureAttack.Result r = DisclosureAttack.run(new DisclosureAttack.Request(attackPaths, layouts));
        StringBuilder text = new StringBuilder();
        text.append(String.format("Read %,d publication(s): %,d files, %,d tables, %,d figures; %,d relations between them%n", r.publications(),
                r.files(), r.tables(), r.figuresRead(), r.relations()));
        text.append(String.format("Tried to recover %,d hidden or unprinted counts: %s%n", r.cellsTried(), r.cellsTriedByTable()));
        if (!r.filesNotRead().isEmpty()) {
            text.append(String.format("%,d file(s) of other kinds not read: %s%n", r.filesNotRead().size(),
                    String.join(", ", r.filesNotRead().subList(0, Math.min(5, r.filesNotRead().size())))
                            + (r.filesNotRead().size() > 5 ? ", ..." : "")));
        }
        if (!r.tablesNotDescribed().isEmpty()) {
            text.append("Tables the layouts do not describe (not used): ").append(String.join(", ", r.tablesNotDescribed())).append('\n');
        }
        if (!r.conflicts().isEmpty()) {
            text.append(String.format("%,d figure(s) contradict the layouts' reading (check the layouts): %s%n", r.conflicts().size(),
                    String.join(", ", r.conflicts().subList(0, Math.min(5, r.conflicts().size())))));
        }
        for (DisclosureAttack.Recovery x : r.recovered()) {
            text.append(String.format("RECOVERED %s = %d%n    from: %s%n", x.cell(), x.value(), String.join("; ", x.evidence())));
        }
        for (String u : r.unroundedCounts()) {
            text.append("UNROUNDED ").append(u).append('\n');
        }
        text.append(r.leaks() ? String.format("LEAK: %,d count(s) recovered, %,d printed unrounded%n", r.recovered().size(), r.unroundedCounts().size())
                : "No count of 1 to 7 recovered; no count printed unrounded.\n");
        Output.print(spec.commandLine().getOut(), common.json, JSON.valueToTree(r), text.toString());
        return r.leaks() ? EXIT_FOUND : 0;
    }

    private int explain() {
        ExplainPerson.Trail t = ExplainPerson.explain(common.settings(), explainPerson);
        StringBuilder text = new StringBuilder();
        text.append(String.format("Person %s: %d decision row(s) in %d table(s) of %s%n", t.personId(), t.decisions(),
                t.tables().size(), common.settings().lake()));
        for (ExplainPerson.TableTrail tt : t.tables()) {
            text.append(String.format("%n%s (current version %d)%n", tt.table(), tt.version()));
            for (com.fasterxml.jackson.databind.node.ObjectNode row : tt.rows()) {
                boolean wide = row.size() > 16;
                List<String> parts = new ArrayList<>();
                row.fields().forEachRemaining(e -> {
                    String k = e.getKey();
                    JsonNode v = e.getValue();
                    if (!v.isNull() && !k.equals("run_id") && (!wide || TRAIL_COLUMNS.contains(k) || k.endsWith("_id")
                            || k.endsWith("_version"))) {
                        parts.add(k + "=" + (v.isValueNode() ? v.asText() : v.toString()));
                    }
                });
                String run = row.path("run_id").asText(null);
                Long v = run == null ? null : tt.runVersions().get(run);
                text.append("  ").append(String.join(", ", parts)).append('\n')
                        .append("    by run ").append(run == null ? "(not recorded)" : run)
                        .append(v == null ? "" : " (table version " + v + ")").append('\n');
            }
        }
        text.append("\nRuns:\n");
        for (ExplainPerson.RunTrail r : t.runs()) {
            text.append(String.format("  %s  %s  %s  started %s by %s%n    inputs: %s%n", r.runId(), r.command(), r.status(), r.started(),
                    r.user(), r.inputs()));
        }
        Output.print(spec.commandLine().getOut(), common.json, t, text.toString());
        return 0;
    }

    /** What {@code --json} lists: a line per run. */
    record Runs(List<Listed> runs) {
    }

    /** A run as listed ({@code started} ISO-8601 UTC; {@code seconds} null while running). */
    record Listed(String runId, String command, String status, String started, Double seconds, String user) {
        static Listed of(RunSummary r) {
            return new Listed(r.runId(), r.command(), r.status(), r.started() == null ? null : r.started().toString(), r.seconds(), r.user());
        }
    }

    /** A run in full as {@code show --json} prints it: what was recorded as JSON nested as objects. */
    record Shown(String runId, String command, String status, String started, Double seconds, String user, String ended, String phbVersion,
                 JsonNode parameters, JsonNode inputs, JsonNode outputs, JsonNode counts, String error) {
    }

    static String time(java.time.Instant t) {
        return t == null ? "-" : t.toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", "");
    }

    /** Parses recorded JSON text so {@code --json} nests it as objects; text that is not JSON stays text. */
    static JsonNode parsed(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run in full: parameters, inputs, outputs, counts, error.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "RUN_ID", description = "A run id from 'phb audit'.")
        String runId;

        @Override
        public Integer call() throws JsonProcessingException {
            RunRecord r = AuditLog.of(common.settings()).show(runId);
            Listed l = Listed.of(r.summary());
            Shown m = new Shown(l.runId(), l.command(), l.status(), l.started(), l.seconds(), l.user(),
                    r.ended() == null ? null : r.ended().toString(), r.phbVersion(), parsed(r.parameters()), parsed(r.inputs()),
                    parsed(r.outputs()), parsed(r.counts()), r.error());
            StringBuilder text = new StringBuilder();
            text.append("run id:      ").append(r.runId()).append('\n')
                    .append("command:     ").append(r.command()).append('\n')
                    .append("status:      ").append(r.status()).append('\n')
                    .append("user:        ").append(r.user()).append('\n')
                    .append("started:     ").append(time(r.started())).append(" UTC\n")
                    .append("ended:       ").append(r.ended() == null ? "-" : time(r.ended()) + " UTC").append('\n')
                    .append("seconds:     ").append(r.seconds() == null ? "-" : String.format("%.1f", r.seconds())).append('\n')
                    .append("phb version: ").append(r.phbVersion()).append('\n');
            var pretty = JSON.writerWithDefaultPrettyPrinter();
            Map<String, JsonNode> recorded = new LinkedHashMap<>();
            recorded.put("parameters", m.parameters());
            recorded.put("inputs", m.inputs());
            recorded.put("outputs", m.outputs());
            recorded.put("counts", m.counts());
            for (Map.Entry<String, JsonNode> e : recorded.entrySet()) {
                text.append(e.getKey()).append(":\n");
                for (String line : pretty.writeValueAsString(e.getValue()).split("\n")) {
                    text.append("  ").append(line).append('\n');
                }
            }
            if (r.error() != null) {
                text.append("error:       ").append(r.error()).append('\n');
            }
            Output.print(spec.commandLine().getOut(), common.json, m, text.toString());
            return 0;
        }
    }
}
