package uk.nhs.phb.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.jobs.Files2;
import uk.nhs.phb.jobs.InputException;
import uk.nhs.phb.jobs.Lake;
import uk.nhs.phb.models.risk.Evaluation;
import uk.nhs.phb.models.risk.FeatureSpec;
import uk.nhs.phb.models.risk.RiskModels;
import uk.nhs.phb.models.risk.TrainingRecord;

/**
 * The model registry: {@code <lake>/models/<model_id>/} holds one trained model set ({@code models.ser}: the
 * feature contract, GBT, logistic regression, baselines and cost model), {@code features.json} (feature list and
 * schema hash), {@code training.json} (dates, sample, hyper-parameters, Delta versions of every input),
 * {@code metrics.json}, {@code evaluation.html} and {@code model_card.md}. A folder is written beside its final
 * place and renamed into it (replacing a folder of the same id: the same inputs trained the same models), and
 * {@code models/current} (the id of the model {@code phb score} uses by default) is replaced last, so a crash never
 * leaves a half-written model current.
 */
public final class ModelRegistry {
    public static final String MODELS_FILE = "models.ser";
    public static final String CURRENT = "current";
    static final ObjectMapper JSON = uk.nhs.phb.jobs.Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelRegistry() {
    }

    public static String root(Lake lake) {
        return lake.root() + "/models";
    }

    public static String folder(Lake lake, String modelId) {
        return root(lake) + "/" + modelId;
    }

    /** Writes a model folder atomically, then points {@code models/current} at it. */
    /** The JSON documents of a model's folder: {@code features.json}, {@code training.json} and {@code metrics.json}. */
    public record Documents(FeatureSpec.Described features, TrainingRecord training, Evaluation.Report metrics) {
        Map<String, Record> byFile() {
            return Map.of("features.json", features, "training.json", training, "metrics.json", metrics);
        }
    }

    public static void publish(SparkSession spark, Lake lake, String modelId, RiskModels models, Documents documents,
                               Map<String, String> textFiles) {
        String target = folder(lake, modelId);
        String staging = Files2.stagingFor(target);
        try {
            FileSystem fs = Files2.fs(spark, staging);
            fs.mkdirs(new Path(staging));
            try (OutputStream out = fs.create(new Path(staging + "/" + MODELS_FILE), true);
                 ObjectOutputStream o = new ObjectOutputStream(out)) {
                o.writeObject(models);
            }
            for (Map.Entry<String, Record> e : documents.byFile().entrySet()) {
                Files2.writeText(spark, staging + "/" + e.getKey(), JSON.writeValueAsString(e.getValue()) + "\n");
            }
            for (Map.Entry<String, String> e : textFiles.entrySet()) {
                Files2.writeText(spark, staging + "/" + e.getKey(), e.getValue());
            }
            // an id names the model's inputs (TrainJob.trainingDigest), so a folder already there holds the same models
            Files2.publish(spark, staging, target, true);
        } catch (IOException e) {
            Files2.discard(spark, staging);
            throw new InputException("cannot write the model to " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Files2.discard(spark, staging);
            throw e;
        }
        String pointer = root(lake) + "/" + CURRENT;
        String pointerStaging = Files2.stagingFor(pointer);
        Files2.writeText(spark, pointerStaging, modelId + "\n");
        Files2.publish(spark, pointerStaging, pointer, true);
    }

    /** The id in {@code models/current}, or null when no model was trained in this lake. */
    public static String current(SparkSession spark, Lake lake) {
        String pointer = root(lake) + "/" + CURRENT;
        if (!Files2.exists(spark, pointer)) {
            return null;
        }
        String id = Files2.firstLine(spark, pointer);
        return id == null ? null : id.strip();
    }

    /**
     * The folder of a model given by id (in this lake's registry) or by the path of a model folder; the current model
     * when {@code idOrPath} is null.
     */
    public static String resolve(SparkSession spark, Lake lake, String idOrPath) {
        if (idOrPath == null) {
            String id = current(spark, lake);
            if (id == null) {
                throw new InputException("no trained model in " + root(lake) + "; run 'phb train --as-of DATE' first, or pass --model");
            }
            return folder(lake, id);
        }
        String folder = idOrPath.contains("/") ? idOrPath : folder(lake, idOrPath);
        if (!Files2.exists(spark, folder + "/" + MODELS_FILE)) {
            throw new InputException("no model at " + folder + " (" + MODELS_FILE + " missing); list the models in " + root(lake)
                    + " or run 'phb train'");
        }
        return folder;
    }

    /** Reads a model folder's models (the registry is trusted lake content, written only by {@code phb train}). */
    public static RiskModels load(SparkSession spark, String folder) {
        Path p = new Path(folder + "/" + MODELS_FILE);
        try (InputStream in = Files2.fs(spark, folder).open(p); ObjectInputStream o = new ObjectInputStream(in)) {
            return (RiskModels) o.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new InputException("cannot read the model in " + folder + " (" + e.getMessage() + "); it was written by another "
                    + "version of phb: retrain with 'phb train'", e);
        }
    }
}
