package uk.nhs.phb.cli;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.budget.BudgetJob;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.pipelines.budget.BudgetEvaluation;

@Command(name = "budget", mixinStandardHelpOptions = true,
        description = "Indicative budgets for every eligible or prioritised person: one line per funding stream, with its method, "
                + "a range and a plain-words explanation (gold/indicative_budgets).")
final class BudgetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--as-of", paramLabel = "DATE", required = true, converter = AsOfDate.class,
            description = "Reference date: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day.")
    LocalDate asOf;

    @Option(names = "--pooling", paramLabel = "FILE",
            description = "The local statement of resources: which streams each cohort may include and whether they pool "
                    + "(CSV as reference/budgets/pooling.csv). Default: the shipped rules.")
    Path pooling;

    @Option(names = "--unit-costs", paramLabel = "FILE", description = "Unit prices by financial year (CSV item,fy,cost). "
            + "Default: the shipped price list.")
    Path unitCosts;

    @Option(names = "--chair-costs", paramLabel = "FILE", description = "Wheelchair types with the cost and expected life of the chair "
            + "the NHS would provide (CSV chair_type,cost,expected_life_years,source). Default: the shipped list.")
    Path chairCosts;

    @Option(names = "--min-cell", paramLabel = "N", defaultValue = "" + BudgetJob.Request.DEFAULT_MIN_CELL,
            description = "Fewest similar people a range may come from before it widens to a larger group. Default: ${DEFAULT-VALUE}")
    int minCell;

    @Option(names = "--evaluate", description = "Compare the needs-based estimates and ranges with the synthetic generator's true "
            + "need costs (landing/_truth) and print MdAPE, range coverage and the cohort-average baseline.")
    boolean evaluate;

    @Override
    public Integer call() {
        if (minCell < 1) {
            throw new InputException("--min-cell must be at least 1, got " + minCell);
        }
        BudgetRules rules = BudgetJob.rules(pooling, chairCosts, unitCosts);
        BudgetJob.Result s = BudgetJob.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                lakeKey.load(spec.commandLine().getErr()), new BudgetJob.Request(asOf, rules, minCell, evaluate),
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder text = new StringBuilder(String.format("Indicative budgets at %s for %,d people (run %s): %,d lines, %s a year in all%n",
                asOf, s.people(), s.runId(), s.lines(), Money.format(s.totalAnnualGbp())));
        text.append("  lines by method: ").append(s.linesByMethod()).append('\n');
        text.append("  lines by stream: ").append(s.linesByStream()).append('\n');
        text.append(String.format("  integrated (pooled) budgets: %,d people; people with no line: %,d%n", s.pooledPeople(), s.peopleWithoutLines()));
        text.append("  needs models ").append(s.modelId()).append(": ").append(s.models()).append('\n');
        text.append("  rules ").append(s.rulesVersion()).append(" (pooling from ").append(s.pooling()).append(")\n");
        if (s.evaluation() != null) {
            BudgetEvaluation.Figures all = s.evaluation().overall();
            text.append(String.format("  against the generator's truth (%,d lines): needs-based estimate MdAPE %s, range coverage %s, "
                            + "baseline 'average cost of the cohort' MdAPE %s, stated figure MdAPE %s%n", all.linesEvaluated(),
                    all.mdape(), all.rangeCoverage(), all.baselineMdape(), all.chosenMdape()));
            text.append("  by stream: ").append(s.evaluation().byStream()).append('\n');
        }
        text.append("  table ").append(s.table());
        Output.print(spec.commandLine().getOut(), common.json, s, text.toString());
        return 0;
    }
}
