package uk.nhs.phb.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.score.ScoreJob;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score everyone in gold/person_features at a date: risk and cost (gold/risk_scores), PHB eligibility by rules "
                + "(gold/phb_eligibility) and the priority list with explanations (gold/phb_priority).")
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", paramLabel = "DATE", required = true, converter = AsOfDate.class,
            description = "Reference date with features (yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day).")
    LocalDate asOf;

    @Option(names = "--model", paramLabel = "ID",
            description = "A model id in <lake>/models, or the path of a model folder. Default: the one in <lake>/models/current.")
    String model;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Local eligibility rules (CSV rule_id,cohort,basis,condition,reason) added to the national ones; a rule "
                    + "with a national rule's id replaces it.")
    Path rules;

    @Option(names = "--priority", paramLabel = "FILE",
            description = "Priority settings (CSV key,value) replacing the built-in weights and list rules.")
    Path priority;

    @Override
    public Integer call() {
        ScoreJob.Result s = ScoreJob.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                new ScoreJob.Request(asOf, model, rules, priority),
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder t = new StringBuilder();
        t.append(String.format("Scored %,d persons at %s with %s (run %s)%n", s.persons(), asOf, s.modelId(), s.runId()));
        t.append(String.format("  mean risk of an emergency admission in 12 months %.3f; predicted 12-month cost £%,.0f%n",
                s.meanPEmergency12m(), s.predictedCost12mTotal().doubleValue()));
        t.append("  tiers: ").append(s.tiers()).append('\n');
        t.append(String.format("  eligible persons %,d (rules %s): %s%n", s.eligiblePersons(), s.rulesVersion(), s.eligibleByCohort()));
        t.append(String.format("  priority list %,d people, %,d integrated budget candidates; tables in %s/gold", s.priorityList(),
                s.integratedBudgetCandidates(), common.lake));
        Output.print(spec.commandLine().getOut(), common.json, s, t.toString());
        return 0;
    }
}
