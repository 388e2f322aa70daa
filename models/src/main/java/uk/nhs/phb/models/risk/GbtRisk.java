package uk.nhs.phb.models.risk;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import smile.classification.GradientTreeBoost;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.data.vector.IntVector;
import smile.math.MathEx;
import smile.regression.RegressionTree;

/**
 * The emergency-admission risk model: Smile's gradient-boosted trees (binary logistic loss), with the number
 * of trees chosen by early stopping on a validation set (never the test set), and TreeSHAP explanations.
 *
 * <p>Smile's binary model keeps a margin {@code F(x) = b + shrinkage * sum_t tree_t(x)} with
 * {@code p = 1 / (1 + exp(-2 F))}, so the log-odds are {@code 2F}. Smile 2.6.0's own
 * {@code GradientTreeBoost.shap(Tuple)} throws ArrayIndexOutOfBounds for binary models; the SHAP values here are
 * computed from the trees: {@code phi_j = 2 * shrinkage * sum_t treeShap_t(x)_j} (log-odds scale), which add up
 * with {@link #baseLogOdds()} to the model's log-odds exactly (tested).
 */
public final class GbtRisk implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Hyper-parameters (documented defaults in {@link #defaults()}). */
    public record Params(int maxTrees, int maxNodes, int nodeSize, double shrinkage, double subsample, int patience)
            implements Serializable {
        /** The settings as {@code training.json} names them. */
        public Described describe() {
            return new Described(maxTrees, maxNodes, nodeSize, shrinkage, subsample, patience);
        }
    }

    /** Boosting settings as {@code training.json} names them. */
    public record Described(int maxTrees, int maxLeafNodes, int minNodeSize, double shrinkage, double subsample, int earlyStoppingPatience) {
        @Override
        public String toString() {
            return "at most " + maxTrees + " trees of " + maxLeafNodes + " leaves, leaves of at least " + minNodeSize + " people, shrinkage "
                    + shrinkage + ", subsample " + subsample + ", early stopping after " + earlyStoppingPatience + " trees without gain";
        }
    }

    /**
     * 250 trees at most, 8 leaves each, leaves of at least 50 people, shrinkage 0.1, 50% subsample, early stopping after
     * 30 trees without gain. Smile's tree building costs time in proportion to rows x features per tree, so the trees
     * are few and the sample bounded; see docs/MODELS.md.
     */
    public static Params defaults() {
        return new Params(250, 8, 50, 0.1, 0.5, 30);
    }

    private final GradientTreeBoost model;
    private final RegressionTree[] trees;
    private final double shrinkage;
    private final double intercept;
    private final StructType schema;
    private final String[] names;
    private final int trainedTrees;
    private final List<Double> validationLogLoss;
    /** A cache of the trees as flat arrays, rebuilt from the Smile trees after deserialisation. */
    private transient volatile FlatTrees flat;

    private GbtRisk(GradientTreeBoost model, double shrinkage, double intercept, StructType schema, String[] names, int trainedTrees,
                    List<Double> validationLogLoss) {
        this.model = model;
        this.trees = model.trees();
        this.shrinkage = shrinkage;
        this.intercept = intercept;
        this.schema = schema;
        this.names = names;
        this.trainedTrees = trainedTrees;
        this.validationLogLoss = validationLogLoss;
    }

    /**
     * Fits on {@code x, y}, then keeps the number of trees with the least log-loss on {@code xv, yv} (stopping
     * the search when {@code patience} more trees brought no improvement).
     */
    public static GbtRisk fit(double[][] x, int[] y, double[][] xv, int[] yv, String[] names, Params params, long seed) {
        int n1 = Metrics.positives(y);
        if (n1 == 0 || n1 == y.length) {
            throw new IllegalArgumentException("the training rows have only one outcome class (" + n1 + " of " + y.length
                    + " positive); a risk model needs both");
        }
        MathEx.setSeed(seed);
        DataFrame df = DataFrame.of(x, names).merge(IntVector.of("y", y));
        GradientTreeBoost m = GradientTreeBoost.fit(Formula.lhs("y"), df, params.maxTrees(), 64, params.maxNodes(), params.nodeSize(),
                params.shrinkage(), params.subsample());
        StructType schema = DataFrame.of(new double[][] {x[0]}, names).schema();
        RegressionTree[] trees = m.trees();
        // Smile's intercept is 0.5 log(n1 / n0) (its logistic loss works on y in {-1, 1})
        double b = 0.5 * Math.log((double) n1 / (y.length - n1));
        List<Double> curve = new ArrayList<>();
        int best = trees.length;
        if (xv != null && xv.length > 0) {
            double[] f = new double[xv.length];
            Arrays.fill(f, b);
            Tuple[] tv = new Tuple[xv.length];
            for (int i = 0; i < xv.length; i++) {
                tv[i] = Tuple.of(xv[i], schema);
            }
            double bestLoss = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trees.length; t++) {
                double loss = 0;
                for (int i = 0; i < xv.length; i++) {
                    f[i] += params.shrinkage() * trees[t].predict(tv[i]);
                    double p = Metrics.sigmoid(2 * f[i]);
                    p = Math.min(1 - 1e-15, Math.max(1e-15, p));
                    loss -= yv[i] == 1 ? Math.log(p) : Math.log(1 - p);
                }
                loss /= xv.length;
                curve.add(loss);
                if (loss < bestLoss - 1e-9) {
                    bestLoss = loss;
                    best = t + 1;
                } else if (t + 1 - best >= params.patience()) {
                    break;
                }
            }
            m.trim(best);
        }
        GbtRisk r = new GbtRisk(m, params.shrinkage(), b, schema, names, trees.length, curve);
        r.checkIntercept(x[0]);
        return r;
    }

    /** Smile's own probability and ours must agree: guards the intercept and scale this class assumes. */
    private void checkIntercept(double[] x) {
        double[] post = new double[2];
        model.predict(Tuple.of(x, schema), post);
        double ours = probability(x);
        if (Math.abs(post[1] - ours) > 1e-9) {
            throw new IllegalStateException("GBT margin check failed: Smile p=" + post[1] + ", recomputed p=" + ours);
        }
    }

    /** The margin F(x) (half the log-odds), from the flat copy of the trees. */
    private double margin(double[] x) {
        return intercept + shrinkage * flat().sum(x);
    }

    private FlatTrees flat() {
        FlatTrees f = flat;
        if (f == null) {
            f = FlatTrees.of(trees, names.length);
            flat = f;
        }
        return f;
    }

    /** The margin as Smile's own trees compute it (for the equality tests). */
    double smileMargin(double[] x) {
        Tuple t = Tuple.of(x, schema);
        double f = intercept;
        for (RegressionTree tree : trees) {
            f += shrinkage * tree.predict(t);
        }
        return f;
    }

    /** Predicted probability of an emergency admission in 12 months. */
    public double probability(double[] x) {
        return Metrics.sigmoid(2 * margin(x));
    }

    public double logOdds(double[] x) {
        return 2 * margin(x);
    }

    /** SHAP values on the log-odds scale, one per feature; they sum with {@link #baseLogOdds()} to {@link #logOdds}. */
    public double[] shap(double[] x) {
        double[] phi = new double[names.length];
        FlatTrees f = flat();
        f.shap(x, phi, f.buffers());
        for (int j = 0; j < phi.length; j++) {
            phi[j] *= 2 * shrinkage;
        }
        return phi;
    }

    /** SHAP values from Smile's own {@code tree.shap} (the reference the fast path is tested against). */
    double[] smileShap(double[] x) {
        Tuple t = Tuple.of(x, schema);
        double[] phi = new double[names.length];
        for (RegressionTree tree : trees) {
            double[] s = tree.shap(t);
            for (int j = 0; j < phi.length; j++) {
                phi[j] += s[j];
            }
        }
        for (int j = 0; j < phi.length; j++) {
            phi[j] *= 2 * shrinkage;
        }
        return phi;
    }

    /**
     * The expected log-odds over the training data (the SHAP base value): each tree's expectation is the
     * difference between its output and the sum of its SHAP values, the same for every x.
     */
    public double baseLogOdds(double[] anyX) {
        double[] phi = shap(anyX);
        double s = 0;
        for (double v : phi) {
            s += v;
        }
        return logOdds(anyX) - s;
    }

    public int trees() {
        return trees.length;
    }

    public int trainedTrees() {
        return trainedTrees;
    }

    public List<Double> validationLogLoss() {
        return validationLogLoss;
    }

    public double shrinkage() {
        return shrinkage;
    }

    public String[] names() {
        return names.clone();
    }

    /** Smile's split-gain importance per feature. */
    public double[] importance() {
        double[] imp = new double[names.length];
        for (RegressionTree t : trees) {
            double[] i = t.importance();
            for (int j = 0; j < imp.length; j++) {
                imp[j] += i[j];
            }
        }
        return imp;
    }

    /** The Smile model itself (for its own predict, used to cross-check). */
    public GradientTreeBoost smile() {
        return model;
    }

    Tuple tuple(double[] x) {
        return Tuple.of(x, schema);
    }
}
