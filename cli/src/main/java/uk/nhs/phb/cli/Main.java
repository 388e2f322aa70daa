package uk.nhs.phb.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.profiles.ProfileException;

/** The {@code phb} command tree. Exit codes: 0 success, 2 usage error, 3 input or data error, 1 internal error. */
@Command(name = "phb", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Population analytics for personal health budgets: synthetic feeds, pseudonymisation, "
                + "validated ingest into a Delta lake, linkage, risk, budgets, extracts and reports.",
        subcommands = {KeygenCommand.class, SynthCommand.class, PseudonymiseCommand.class, IngestCommand.class, LinkCommand.class,
            FeaturesCommand.class, TrainCommand.class, ScoreCommand.class, EligibilityCommand.class, LetterCommand.class, BudgetCommand.class,
            StatementOfResourcesCommand.class, ReportCommand.class, AnonymiseCommand.class, ExtractCommand.class,
            AuditCommand.class, ReplayCommand.class, RunCommand.class, ProfilesCommand.class, LakeDiffCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INPUT = 3;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(newCommandLine(out, err).execute(args));
    }

    /** The command tree wired to the given streams, so tests run it in-process and read exit code and output. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("phb: " + ex.getMessage());
            // a mistyped command or option: picocli names the nearest ones ("Did you mean: phb report?")
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
            return EXIT_USAGE;
        });
        return cl;
    }

    /** Messages, not stack traces, unless {@code --verbose}. */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            boolean verbose = matched(parsed, "--verbose");
            PrintWriter err = cl.getErr();
            Throwable cause = rootUserError(ex);
            int code;
            Throwable concurrent = concurrentWrite(ex);
            if (cause != null) {
                err.println(cl.getCommandSpec().qualifiedName() + ": " + cause.getMessage());
                code = EXIT_INPUT;
            } else if (concurrent != null) {
                err.println(cl.getCommandSpec().qualifiedName() + ": another run wrote the same table at the same time and won ("
                        + concurrent.getClass().getSimpleName() + "); this run's commit was refused, so the table holds the other "
                        + "run's complete result. Run it again once the other run has finished.");
                code = EXIT_INPUT;
            } else if (sparkStopped(ex)) {
                err.println(cl.getCommandSpec().qualifiedName() + ": the Spark application was stopped under this run ("
                        + firstLine(ex) + "). On a cluster this usually means the cluster manager removed the application "
                        + "because its executors could not start or kept failing: read the workers' executor logs (stderr of "
                        + "each executor). Outputs of steps that finished are intact; run again once the cluster is healthy.");
                code = EXIT_INTERNAL;
            } else {
                err.println(cl.getCommandSpec().qualifiedName() + ": internal error: " + firstLine(ex));
                if (!verbose) {
                    err.println("Run again with --verbose for the stack trace, and report it if it persists.");
                }
                code = EXIT_INTERNAL;
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        }

        /** Only the first line: Spark's messages can run to pages (plans, serialization stacks). */
        private static String firstLine(Throwable t) {
            String s = t.getClass().getSimpleName() + ": " + t.getMessage();
            int nl = s.indexOf('\n');
            s = nl < 0 ? s : s.substring(0, nl);
            return s.length() > 400 ? s.substring(0, 400) + " ..." : s;
        }

        /** Whether the option was given to the command or any subcommand (e.g. {@code phb audit show --verbose}). */
        private static boolean matched(ParseResult parsed, String option) {
            if (parsed.hasMatchedOption(option)) {
                return true;
            }
            return parsed.subcommands().stream().anyMatch(p -> matched(p, option));
        }

        /** The SparkContext was shut down mid-run (a cluster manager removing the application, or the JVM stopping). */
        private static boolean sparkStopped(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                String m = String.valueOf(c.getMessage());
                if (m.contains("LiveListenerBus is stopped") || m.contains("stopped SparkContext")
                        || m.contains("SparkContext was shut down") || m.contains("Master removed our application")) {
                    return true;
                }
            }
            return false;
        }

        /** Delta's optimistic concurrency refused this run's commit because another run committed first. */
        private static Throwable concurrentWrite(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c.getClass().getName().startsWith("io.delta.exceptions.") && c.getClass().getSimpleName().startsWith("Concurrent")) {
                    return c;
                }
            }
            return null;
        }

        private static Throwable rootUserError(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof InputException || c instanceof SecretKey.KeyException || c instanceof ProfileException) {
                    return c;
                }
            }
            return null;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"phb " + (v == null ? "dev" : v)};
        }
    }
}
