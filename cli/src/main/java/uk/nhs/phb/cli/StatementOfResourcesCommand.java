package uk.nhs.phb.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import uk.nhs.phb.jobs.budget.StatementOfResourcesJob;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.Money;

@Command(name = "statement-of-resources", mixinStandardHelpOptions = true,
        description = "Publish the statement of resources: per cohort, the rule, how many people, which funding streams a budget can "
                + "include, the distribution of indicative budgets and what the money buys now (CSV and HTML, small numbers suppressed).")
final class StatementOfResourcesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--as-of", paramLabel = "DATE", required = true, converter = AsOfDate.class,
            description = "Reference date of the budgets: yyyy-MM-dd, or a quarter YYYY-YYQn meaning its last day.")
    LocalDate asOf;

    @Option(names = "--org", paramLabel = "CODE",
            description = "Only people of this organisation: an ICB, Sub-ICB location or local authority code. Default: everyone in the lake.")
    String org;

    @Option(names = "--pooling", paramLabel = "FILE",
            description = "The statement's cohort rules (CSV as reference/budgets/pooling.csv); use the file the budgets were made with. "
                    + "Default: the shipped rules.")
    Path pooling;

    @Override
    public Integer call() {
        if (org != null && !org.matches("[A-Za-z0-9]{3,9}")) {
            throw new InputException("--org '" + org + "' is not an organisation code (3 to 9 letters and digits, e.g. QWO, 15F or E08000035)");
        }
        BudgetRules rules;
        try {
            rules = pooling == null ? BudgetRules.defaults()
                    : BudgetRules.withPooling(Files.readString(pooling, StandardCharsets.UTF_8), pooling.toString());
        } catch (IOException e) {
            throw new InputException("cannot read " + pooling + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() + "; fix the file and run again", e);
        }
        StatementOfResourcesJob.Result s = StatementOfResourcesJob.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                new StatementOfResourcesJob.Request(asOf, org, rules), TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        StringBuilder cohorts = new StringBuilder();
        s.cohorts().forEach((code, c) -> cohorts.append(String.format("    %-14s %6s can have one, %6s with a budget%n", code,
                c.peopleEligible(), c.peopleWithBudget())));
        String text = String.format("Statement of resources at %s%s (run %s): %s, %s a year%n"
                        + "  people per group (counts of 1 to 7 shown as *, others rounded to the nearest 5):%n%s  written to %s "
                        + "(statement.html, statement.csv, services.csv, manifest.json)",
                asOf, org == null ? "" : " for " + org, s.runId(), peopleWithBudget(s.people(), s.peoplePublished()),
                Money.format(s.totalAnnualGbp()), cohorts, s.out()) + (s.warning() != null ? "\n  warning: " + s.warning() : "");
        Output.print(spec.commandLine().getOut(), common.json, s, text);
        return 0;
    }

    /**
     * The exact count for the analyst, and, where it differs, the figure the published statement shows: it rounds counts
     * to the nearest 5 (or hides 1 to 7), so the two would otherwise disagree without a word.
     */
    static String peopleWithBudget(long people, String published) {
        String exact = String.format("%,d people with an indicative budget", people);
        if (published == null || published.equals(Long.toString(people))) {
            return exact;
        }
        String shown = published.chars().allMatch(Character::isDigit) ? String.format("%,d", Long.parseLong(published)) : published;
        return exact + " (" + shown + " in the published statement, which rounds counts to the nearest 5 and shows 1 to 7 as *)";
    }
}
