package uk.nhs.phb.cli;

import java.time.LocalDate;
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
    public Integer call() {
        if (!forStaff) {
            EligibilityLookup.PersonView view = EligibilityLookup.personView(common.existingLake(), person, asOf);
            Output.print(spec.commandLine().getOut(), common.json, view, view.letter().text());
            return 0;
        }
        EligibilityLookup.StaffView s = EligibilityLookup.run(SparkSessions.forJob(common.existingLake()), common.settings(), person, asOf,
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder t = new StringBuilder();
        t.append(String.format("Person %s at %s (rules %s)%n", s.personId(), s.referenceDate(), s.rulesVersion()));
        if (s.rulesMet().isEmpty()) {
            t.append("  meets no PHB eligibility rule\n");
        }
        for (EligibilityLookup.RuleMet m : s.rulesMet()) {
            t.append(String.format("  meets %s (%s, %s): %s%n", m.ruleId(), m.cohort(), m.basis(), m.reason()));
        }
        for (EligibilityLookup.RuleNotMet m : s.rulesNotMet()) {
            t.append(String.format("  does not meet %s (%s): %s%n", m.ruleId(), m.cohort(), m.condition()));
        }
        EligibilityLookup.Risk r = s.risk();
        t.append(String.format("  risk of an emergency admission in 12 months %.1f%% (%s tier, percentile %.1f); predicted cost %s a year; "
                        + "model %s%n", 100 * r.pEmergency12m(), r.riskTier(), r.riskPercentile(),
                r.predictedCost12m() == null ? "unknown" : Money.format(r.predictedCost12m()), r.modelId()));
        EligibilityLookup.PriorityPlace p = s.priority();
        if (p.onList()) {
            t.append(String.format("  priority rank %s of %s%n  %s%n", p.priorityRank(), p.listSize(), p.explanation()));
        } else {
            t.append("  not on the priority list: ").append(p.whyNot()).append('\n');
        }
        for (EligibilityLookup.Factor f : s.topFactors()) {
            t.append(String.format("  factor: %s (%+.2f log-odds)%n", f.text(), f.contribution()));
        }
        Output.print(spec.commandLine().getOut(), common.json, s, t.toString());
        return 0;
    }
}
