package uk.nhs.phb.jobs.letter;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.DeltaTables;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.JobRun;
import uk.nhs.phb.jobs.JobSettings;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.jobs.PersonIds;
import uk.nhs.phb.jobs.Progress;
import uk.nhs.phb.jobs.RunParameters;
import uk.nhs.phb.models.letter.PersonLetter;
import uk.nhs.phb.pipelines.letter.LetterRows;
import uk.nhs.phb.pipelines.score.RiskScoring;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code phb letter}: each chosen person's letter about a personal health budget (see {@link PersonLetter}), as an
 * HTML page and a tagged PDF, named by pseudonymous id only. People are chosen by id or as everyone in a group
 * (a cohort of the eligibility rules or of the budgets) at the date, into {@code OUT/letters/DATE}, a local folder.
 * Files are written whole beside their final
 * name and moved into place, so a failed run leaves earlier letters as they were; the run is recorded in
 * {@code audit/runs}.
 */
public final class LetterJob {
    /** What to write. */
    public enum Format {
        HTML("html"),
        PDF("pdf");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /**
     * @param personIds pseudonymous ids (empty when {@code cohort} is given)
     * @param cohort    a group code (CHC, EHCP, ...), or null
     * @param asOf      the reference date, or null for the latest scored
     */
    public record Settings(List<String> personIds, String cohort, LocalDate asOf, boolean easyRead, Set<Format> formats) {
        public Settings {
            personIds = personIds == null ? List.of() : List.copyOf(personIds);
            formats = formats == null || formats.isEmpty() ? Set.of(Format.HTML, Format.PDF) : Set.copyOf(formats);
            if (personIds.isEmpty() == (cohort == null)) {
                throw new InputException("give either --person (one or more ids) or --cohort, not both or neither");
            }
            personIds.forEach(PersonIds::check);
        }
    }

    /** What was written: how many letters, for which date, the folder and its files. */
    public record Result(LocalDate referenceDate, int letters, int withBudget, String folder, List<String> files, String runId) {
    }

    private LetterJob() {
    }

    public static Result run(SparkSession spark, JobSettings settings, Settings s, Progress progress) {
        Lake lake = settings.lakeLayout();
        if (!DeltaTables.exists(spark, lake, LakeTables.RISK_SCORES)) {
            throw new InputException("no gold/risk_scores in " + lake.root() + "; run 'phb score --as-of DATE' first");
        }
        RunParameters parameters = RunParameters.of(settings, null).with("people", s.personIds()).with("cohort", s.cohort())
                .with("as_of", s.asOf()).with("easy_read", s.easyRead()).with("formats", new TreeSet<>(s.formats().stream()
                        .map(Format::extension).toList()));
        return JobRun.execute(spark, lake, "letter", parameters, progress, run -> {
            Result r = write(spark, settings, lake, s, run, progress);
            run.count("letters", r.letters());
            run.count("with_budget", r.withBudget());
            return r;
        });
    }

    private static Result write(SparkSession spark, JobSettings settings, Lake lake, Settings s, JobRun run, Progress progress) {
        run.stage("read");
        LocalDate date = referenceDate(spark, lake, s.asOf());
        Dataset<Row> risk = RiskScoring.at(DeltaTables.read(spark, lake, LakeTables.RISK_SCORES), date);
        Dataset<Row> eligibility = DeltaTables.read(spark, lake, LakeTables.PHB_ELIGIBILITY);
        boolean budgetTable = DeltaTables.exists(spark, lake, LakeTables.INDICATIVE_BUDGETS);
        Dataset<Row> budgets = budgetTable ? DeltaTables.read(spark, lake, LakeTables.INDICATIVE_BUDGETS) : null;
        boolean budgetMade = budgetTable && !RiskScoring.at(budgets, date).limit(1).isEmpty();
        run.input(LakeTables.RISK_SCORES, DeltaTables.version(spark, lake, LakeTables.RISK_SCORES));
        run.input(LakeTables.PHB_ELIGIBILITY, DeltaTables.version(spark, lake, LakeTables.PHB_ELIGIBILITY));
        if (budgetTable) {
            run.input(LakeTables.INDICATIVE_BUDGETS, DeltaTables.version(spark, lake, LakeTables.INDICATIVE_BUDGETS));
        }
        Dataset<Row> people;
        if (s.cohort() != null) {
            Dataset<Row> inCohort = RiskScoring.at(eligibility, date).filter(col("cohort").equalTo(s.cohort())).select("person_id");
            if (budgets != null) {
                inCohort = inCohort.union(RiskScoring.at(budgets, date).filter(col("cohort").equalTo(s.cohort())).select("person_id"));
            }
            people = inCohort.distinct();
        } else {
            people = spark.createDataset(s.personIds(), Encoders.STRING()).toDF("person_id").distinct();
            List<String> unknown = people.join(risk, people.col("person_id").equalTo(risk.col("person_id")), "left_anti")
                    .as(Encoders.STRING()).collectAsList();
            if (!unknown.isEmpty()) {
                throw new InputException("no person " + String.join(", ", new TreeSet<>(unknown)) + " in gold/risk_scores at " + date
                        + " (not registered in the area at that date, or a mistyped id)");
            }
        }
        PersonLetter.Words words = PersonLetter.Words.standard();
        run.stage("write");
        Path folder = localFolder(settings.out()).resolve("letters").resolve(date.toString());
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new InputException("cannot create the letters folder " + folder + ": " + e.getMessage());
        }
        List<String> files = new ArrayList<>();
        int letters = 0;
        int withBudget = 0;
        Iterator<Row> rows = LetterRows.of(people, eligibility, budgets, date).orderBy("person_id").toLocalIterator();
        while (rows.hasNext()) {
            PersonLetter letter = PersonLetter.of(facts(rows.next(), date, budgetMade), words, s.easyRead());
            letters++;
            if (letter.budget() != null) {
                withBudget++;
            }
            String html = LetterPages.html(letter);
            String stem = "letter-" + letter.personId() + (s.easyRead() ? "-easy-read" : "");
            if (s.formats().contains(Format.HTML)) {
                files.add(put(folder, stem + ".html", html.getBytes(StandardCharsets.UTF_8)));
            }
            if (s.formats().contains(Format.PDF)) {
                files.add(put(folder, stem + ".pdf", LetterPages.pdf(letter)));
            }
            progress.rows(letters);
        }
        if (letters == 0) {
            throw new InputException("nobody is in group " + s.cohort() + " at " + date + " (groups are the cohort codes of "
                    + "gold/phb_eligibility and gold/indicative_budgets, such as CHC or EHCP)");
        }
        return new Result(date, letters, withBudget, folder.toString(), List.copyOf(files), run.runId());
    }

    /** Letters are made and written by the driver, one at a time: into a folder of its own file system. */
    static Path localFolder(String out) {
        if (out.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !out.startsWith("file://")) {
            throw new InputException("--out " + out + ": letters are written by this process to a local folder; give --out a local "
                    + "folder (the letters are small, one page each)");
        }
        return Path.of(out.startsWith("file://") ? out.substring("file://".length()) : out);
    }

    /** The reference date: the one asked for, or the latest scored. */
    static LocalDate referenceDate(SparkSession spark, Lake lake, LocalDate asOf) {
        Dataset<Row> risk = DeltaTables.read(spark, lake, LakeTables.RISK_SCORES);
        if (asOf != null) {
            if (RiskScoring.at(risk, asOf).limit(1).isEmpty()) {
                throw new InputException("nothing was scored at " + asOf + "; run 'phb score --as-of " + asOf + "' first or pass --as-of");
            }
            return asOf;
        }
        Object latest = risk.agg(org.apache.spark.sql.functions.max("reference_date")).first().get(0);
        if (latest == null) {
            throw new InputException("gold/risk_scores is empty; run 'phb score --as-of DATE' first");
        }
        return ((java.sql.Date) latest).toLocalDate();
    }

    /** The letter's facts from one row of {@link LetterRows}. */
    public static PersonLetter.Facts facts(Row row, LocalDate date, boolean budgetMade) {
        List<PersonLetter.RuleMet> rules = new ArrayList<>();
        if (!row.isNullAt(row.fieldIndex("rules"))) {
            for (Row r : row.<Row>getList(row.fieldIndex("rules"))) {
                rules.add(new PersonLetter.RuleMet(r.getString(0), r.getString(1), r.getString(2)));
            }
        }
        List<PersonLetter.BudgetLine> lines = new ArrayList<>();
        if (!row.isNullAt(row.fieldIndex("lines"))) {
            for (Row l : row.<Row>getList(row.fieldIndex("lines"))) {
                lines.add(new PersonLetter.BudgetLine(l.getString(0), l.getString(1), l.getString(2), l.getDecimal(3), l.getDecimal(4),
                        l.getDecimal(5), l.getDecimal(6), !l.isNullAt(7) && l.getBoolean(7), l.getString(8)));
            }
        }
        return PersonLetter.Facts.ordered(row.getString(0), date, rules, budgetMade, lines);
    }

    private static String put(Path folder, String name, byte[] bytes) {
        Path target = folder.resolve(name);
        Path part = folder.resolve("." + name + ".part");
        try {
            Files.write(part, bytes);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
    }
}
