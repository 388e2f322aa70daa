package uk.nhs.phb.cli;

import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import uk.nhs.phb.jobs.SparkSessions;
import uk.nhs.phb.jobs.train.TrainJob;
import uk.nhs.phb.models.risk.Headline;
import uk.nhs.phb.models.risk.GbtRisk;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the emergency-admission risk model and the 12-month cost model on earlier reference dates, evaluate "
                + "them on a temporal hold-out, and save them in the model registry (<lake>/models).")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    LakeKeyOption lakeKey;

    @Option(names = "--as-of", paramLabel = "DATE", required = true, converter = AsOfDate.QuarterEnd.class,
            description = "A quarter end inside the data (yyyy-MM-dd or YYYY-YYQn, e.g. 2026-03-31 or 2025-26Q4; another day is "
                    + "refused): training uses the quarter ends 15-24 months before it, the test set 12 months before it.")
    LocalDate asOf;

    @Option(names = "--train-quarters", paramLabel = "N", defaultValue = "4",
            description = "Training reference dates: the N quarter ends from 24 months before --as-of backwards. Default: ${DEFAULT-VALUE}")
    int trainQuarters;

    @Option(names = "--max-training-rows", paramLabel = "N", defaultValue = "150000",
            description = "Rows sampled (same rate in both outcome classes) for fitting on this machine. Default: ${DEFAULT-VALUE}")
    long maxTrainingRows;

    @Option(names = "--max-test-rows", paramLabel = "N", defaultValue = "1000000",
            description = "Hold-out rows evaluated (a random sample beyond this). Default: ${DEFAULT-VALUE}")
    long maxTestRows;

    @Option(names = "--trees", paramLabel = "N", defaultValue = "250",
            description = "Most trees per boosted model (early stopping on validation picks fewer). Default: ${DEFAULT-VALUE}")
    int trees;

    @Option(names = "--seed", defaultValue = "2017", description = "Seed of the sample and the boosting. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--evaluate", description = "Also measure the synthetic generator's true risk on the hold-out (landing/_truth, written "
            + "by 'phb synth'): the oracle, the best AUROC any model could reach. Only for synthetic data; real feeds have no truth.")
    boolean evaluate;

    @Option(names = "--refresh-features",
            description = "Recompute gold/person_features at the training and test dates even where the partitions exist.")
    boolean refreshFeatures;

    @Override
    public Integer call() {
        GbtRisk.Params d = GbtRisk.defaults();
        GbtRisk.Params p = new GbtRisk.Params(trees, d.maxNodes(), d.nodeSize(), d.shrinkage(), d.subsample(), d.patience());
        TrainJob.Result s = TrainJob.run(SparkSessions.forJob(common.existingLake()), common.settings(),
                lakeKey.load(spec.commandLine().getErr()),
                new TrainJob.Request(asOf, trainQuarters, maxTrainingRows, maxTestRows, seed, refreshFeatures, p, p, evaluate),
                TerminalProgress.forConsole(spec.commandLine().getErr(), common.json));
        Headline h = s.headline();
        StringBuilder t = new StringBuilder();
        t.append(String.format("Trained %s (run %s) on %s, tested on %s%n", s.modelId(), s.runId(), s.trainingReferenceDates(),
                s.testReferenceDate()));
        t.append(String.format("  %,d training rows (%,d fitted), %,d test rows; %s trees%n", s.trainingRows(), s.rowsFitted(), s.testRows(),
                s.gbtTrees()));
        t.append(String.format("  AUROC %s (95%% CI %s-%s)%s; AUPRC %s; Brier %s; calibration slope %s, intercept %s%n",
                n(h.auroc()), n(h.aurocCiLower()), n(h.aurocCiUpper()),
                h.oracleAuroc() == null ? "" : ", oracle " + n(h.oracleAuroc()) + " (" + n(h.aurocToOracle()) + " of it)",
                n(h.auprc()), n(h.brier()), n(h.calibrationSlope()), n(h.calibrationIntercept())));
        t.append(String.format("  baselines: prior admissions only %s, multimorbidity only %s; logistic regression %s%n",
                n(h.baselinePriorAdmissionsAuroc()), n(h.baselineMultimorbidityAuroc()), n(h.logisticAuroc())));
        t.append(String.format("  cost model R-squared %s; model, evaluation.html and model_card.md in %s", n(h.costR2()), s.modelDir()));
        Output.print(spec.commandLine().getOut(), common.json, s, t.toString());
        return 0;
    }

    static String n(Object o) {
        return o instanceof Number x ? String.format(java.util.Locale.UK, "%.3f", x.doubleValue()) : "n/a";
    }
}
