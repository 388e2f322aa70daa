package uk.nhs.phb.models.risk;

import java.io.Serializable;
import smile.base.cart.Loss;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.data.vector.DoubleVector;
import smile.math.MathEx;
import smile.regression.GradientTreeBoost;
import smile.regression.RegressionTree;

/**
 * Predicted total cost over the next 12 months. Costs are heavily skewed (most people cost little, a few cost a
 * great deal), so Smile's gradient-boosted regression trees fit {@code log(1 + cost)} with squared loss, and the
 * prediction is brought back to pounds with Duan's smearing estimate: {@code E[cost | x] = exp(f(x)) * S - 1},
 * {@code S} the mean of {@code exp(residual)} on held-out validation rows (not the rows the trees were fitted
 * on, whose residuals are too small). The number of trees is chosen by early stopping on the same validation rows.
 */
public final class CostModel implements Serializable {
    private static final long serialVersionUID = 2L;

    private final GradientTreeBoost model;
    private final StructType schema;
    private final double smearing;
    private final int trainedTrees;
    private final double intercept;
    private final double shrinkage;
    /** A cache of the trees as flat arrays, rebuilt from the Smile trees after deserialisation. */
    private transient volatile FlatTrees flat;

    private CostModel(GradientTreeBoost model, StructType schema, double smearing, int trainedTrees, double intercept, double shrinkage,
                      int features) {
        this.model = model;
        this.schema = schema;
        this.smearing = smearing;
        this.trainedTrees = trainedTrees;
        this.intercept = intercept;
        this.shrinkage = shrinkage;
        this.features = features;
    }

    private final int features;

    private FlatTrees flat() {
        FlatTrees f = flat;
        if (f == null) {
            f = FlatTrees.of(model.trees(), features);
            flat = f;
        }
        return f;
    }

    /** Fits on training rows {@code x, cost}; {@code xv, costv} are the validation rows for early stopping and smearing. */
    public static CostModel fit(double[][] x, double[] cost, double[][] xv, double[] costv, String[] names, GbtRisk.Params params,
                                long seed) {
        MathEx.setSeed(seed);
        double[] target = new double[cost.length];
        for (int i = 0; i < cost.length; i++) {
            target[i] = Math.log1p(Math.max(0, cost[i]));
        }
        DataFrame df = DataFrame.of(x, names).merge(DoubleVector.of("log_cost", target));
        GradientTreeBoost m = GradientTreeBoost.fit(Formula.lhs("log_cost"), df, Loss.ls(), params.maxTrees(), 64, params.maxNodes(),
                params.nodeSize(), params.shrinkage(), params.subsample());
        StructType schema = DataFrame.of(new double[][] {x[0]}, names).schema();
        RegressionTree[] trees = m.trees();
        int trained = trees.length;
        Tuple[] tv = new Tuple[xv.length];
        double[] yv = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            tv[i] = Tuple.of(xv[i], schema);
            yv[i] = Math.log1p(Math.max(0, costv[i]));
        }
        Tuple t0 = Tuple.of(x[0], schema);
        double treeSum0 = 0;
        for (RegressionTree t : trees) {
            treeSum0 += params.shrinkage() * t.predict(t0);
        }
        double b = m.predict(t0) - treeSum0;
        double[] f = new double[xv.length];
        java.util.Arrays.fill(f, b);
        double bestLoss = Double.POSITIVE_INFINITY;
        int best = trees.length;
        for (int t = 0; t < trees.length && xv.length > 0; t++) {
            double loss = 0;
            for (int i = 0; i < xv.length; i++) {
                f[i] += params.shrinkage() * trees[t].predict(tv[i]);
                loss += (yv[i] - f[i]) * (yv[i] - f[i]);
            }
            if (loss < bestLoss - 1e-9) {
                bestLoss = loss;
                best = t + 1;
            } else if (t + 1 - best >= params.patience()) {
                break;
            }
        }
        m.trim(best);
        double smear = 0;
        for (int i = 0; i < xv.length; i++) {
            smear += Math.exp(yv[i] - m.predict(tv[i]));
        }
        smear = xv.length == 0 ? 1 : smear / xv.length;
        CostModel c = new CostModel(m, schema, smear, trained, b, params.shrinkage(), names.length);
        double smile = m.predict(t0);
        double ours = b + params.shrinkage() * c.flat().sum(x[0]);
        if (Math.abs(smile - ours) > 1e-9) {
            throw new IllegalStateException("cost model check failed: Smile f=" + smile + ", recomputed f=" + ours);
        }
        return c;
    }

    /** Predicted 12-month cost in pounds (not negative). */
    public double predict(double[] x) {
        return Math.max(0, Math.exp(intercept + shrinkage * flat().sum(x)) * smearing - 1);
    }

    public double smearing() {
        return smearing;
    }

    public int trees() {
        return model.trees().length;
    }

    public Described describe() {
        return new Described("smile.regression.GradientTreeBoost (least squares) on log(1 + cost), Duan smearing", trees(), trainedTrees,
                smearing);
    }

    /** The cost model as {@code training.json} describes it. */
    public record Described(String algorithm, int trees, int treesTrained, double smearingFactor) {
    }
}
