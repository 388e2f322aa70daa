package uk.nhs.phb.cli;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.score.EligibilityLookup;
import uk.nhs.phb.models.budget.Money;

@Command(name = "eligibility", mixinStandardHelpOptions = true,
        description = "One person, by pseudonymous id: in plain words, whether they may have a personal health budget and why, their "
                + "indicative budget and how it was worked out, and what happens next (as their letter says; 'phb letter' writes it). "
                + "With --for-staff: the rules met and not met, risk, priority rank and risk factors.")
final class EligibilityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--person", paramLabel = "PERSON_ID", required = true, description = "The person's pseudonymous id in the lake.")
    String person;

    @Option(names = "--as-of", paramLabel = "DATE", converter = AsOfDate.class,
            description = "Reference date scored: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day. "
                    + "Default: the latest in gold/risk_scores.")
    LocalDate asOf;

    @Option(names = "--for-staff", description = "Print the staff view: rule codes met and not met, predicted risk and cost, priority rank "
            + "and the factors behind the risk, instead of the person's view.")
    boolean forStaff;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        if (!forStaff) {
            EligibilityLookup.PersonView view = EligibilityLookup.personView(common.existingLake(), person, asOf);
            Output.print(spec.commandLine().getOut(), common.json, view.summary(), view.letter().text());
            return 0;
        }
        Map<String, Object> s = EligibilityLookup.run(SparkSessions.forJob(common.existingLake()), common.settings(), person, asOf,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder t = new StringBuilder();
        t.append(String.format("Person %s at %s (rules %s)%n", s.get("person_id"), s.get("reference_date"), s.get("rules_version")));
        List<Map<String, Object>> met = (List<Map<String, Object>>) s.get("rules_met");
        if (met.isEmpty()) {
            t.append("  meets no PHB eligibility rule\n");
        }
        for (Map<String, Object> m : met) {
            t.append(String.format("  meets %s (%s, %s): %s%n", m.get("rule_id"), m.get("cohort"), m.get("basis"), m.get("reason")));
        }
        for (Map<String, Object> m : (List<Map<String, Object>>) s.get("rules_not_met")) {
            t.append(String.format("  does not meet %s (%s): %s%n", m.get("rule_id"), m.get("cohort"), m.get("condition")));
        }
        Map<String, Object> r = (Map<String, Object>) s.get("risk");
        t.append(String.format("  risk of an emergency admission in 12 months %.1f%% (%s tier, percentile %.1f); predicted cost %s a year; "
                        + "model %s%n", 100 * (Double) r.get("p_emergency_12m"), r.get("risk_tier"), (Double) r.get("risk_percentile"),
                r.get("predicted_cost_12m") == null ? "unknown" : Money.format((BigDecimal) r.get("predicted_cost_12m")), r.get("model_id")));
        Map<String, Object> p = (Map<String, Object>) s.get("priority");
        if (Boolean.TRUE.equals(p.get("on_list"))) {
            t.append(String.format("  priority rank %s of %s%n  %s%n", p.get("priority_rank"), p.get("list_size"), p.get("explanation")));
        } else {
            t.append("  not on the priority list: ").append(p.get("why_not")).append('\n');
        }
        for (Map<String, Object> f : (List<Map<String, Object>>) s.get("top_factors")) {
            t.append(String.format("  factor: %s (%+.2f log-odds)%n", f.get("text"), (Double) f.get("contribution")));
        }
        Output.print(spec.commandLine().getOut(), common.json, s, t.toString());
        return 0;
    }
}
