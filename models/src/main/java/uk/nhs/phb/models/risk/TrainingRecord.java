package uk.nhs.phb.models.risk;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * {@code training.json} in a model's folder: what a model was trained on and how, read by people (the model card
 * quotes it) and by anyone checking a model against its inputs.
 *
 * @param inputsDeltaVersions the version of each lake table read (lake-relative name)
 * @param featureImportance   the 20 most important features' shares of the trees' total gain
 */
public record TrainingRecord(String modelId, String costModelId, String runId, String asOf, List<String> trainingReferenceDates,
                             String testReferenceDate, String outcome, String costOutcome, long trainingRowsAvailable,
                             long trainingPositivesAvailable, double sampleFraction, String sample, int rowsFitted, int rowsValidation,
                             int positivesFitted, String validation, long seed, Gbt gbt, Logistic logistic, Cost costModel,
                             Baselines baselines, List<String> featuresComputedByThisRun, Map<String, Long> inputsDeltaVersions,
                             Map<String, Double> featureImportance) {

    /** The chosen model's settings, the trees it kept and its fitting time. */
    public record Gbt(@JsonUnwrapped GbtRisk.Described settings, int treesKept, double fitSeconds) {
        @Override
        public String toString() {
            return settings + ", " + treesKept + " trees kept, fitted in " + fitSeconds + " s";
        }
    }

    /** The compared logistic regression: its penalty and how its features were standardised. */
    public record Logistic(double lambda, String standardised) {
        @Override
        public String toString() {
            return "(penalty λ = " + lambda + "; standardised by the " + standardised + ")";
        }
    }

    /** The cost model, its boosting settings and its fitting time. */
    public record Cost(@JsonUnwrapped CostModel.Described model, GbtRisk.Described params, double fitSeconds) {
    }

    /** The two one-feature baselines. */
    public record Baselines(LookupBaseline.Described priorAdmissions, LookupBaseline.Described multimorbidity) {
    }
}
