package uk.nhs.phb.jobs;

import uk.nhs.phb.models.pseudonym.SecretKey;

/**
 * What a stage is given to run again as a past run ran ({@code phb replay}): settings whose lake holds the run's inputs
 * as it read them, the lake key (null for a stage that needs none), the parameters the run recorded, and the lake the
 * run itself wrote to, for what lies beside its tables (the model registry).
 */
public record Rerun(JobSettings settings, SecretKey lakeKey, RecordedParameters parameters, Lake recordedLake) {
}
