package uk.nhs.phb.models.risk;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import smile.base.cart.InternalNode;
import smile.base.cart.LeafNode;
import smile.base.cart.Node;
import smile.base.cart.OrdinalNode;
import smile.base.cart.RegressionNode;
import smile.regression.RegressionTree;

/**
 * Smile regression trees copied into flat arrays, for fast scoring on the executors: predicting walks primitive
 * arrays instead of Smile's node objects and {@code Tuple}s, and TreeSHAP runs on preallocated buffers
 * (path-dependent TreeSHAP, Lundberg, Erion and Lee 2018, Algorithm 2, with node sizes as cover, exactly as
 * Smile's {@code CART.shap}). Tests check both against Smile's own {@code predict} and {@code shap} on every row.
 *
 * <p>Smile keeps an ordinal split's threshold in a package-private field ({@code OrdinalNode.value}), read here
 * once by reflection when a model is trained; the equality tests guard it.
 */
final class FlatTrees implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[][] feature;
    private final double[][] threshold;
    private final int[][] yes;
    private final int[][] no;
    private final double[][] value;
    private final double[][] cover;
    private final int maxDepth;
    private final int features;

    private FlatTrees(int[][] feature, double[][] threshold, int[][] yes, int[][] no, double[][] value, double[][] cover, int maxDepth,
                      int features) {
        this.feature = feature;
        this.threshold = threshold;
        this.yes = yes;
        this.no = no;
        this.value = value;
        this.cover = cover;
        this.maxDepth = maxDepth;
        this.features = features;
    }

    static FlatTrees of(RegressionTree[] trees, int features) {
        int t = trees.length;
        int[][] feature = new int[t][];
        double[][] threshold = new double[t][];
        int[][] yes = new int[t][];
        int[][] no = new int[t][];
        double[][] value = new double[t][];
        double[][] cover = new double[t][];
        int depth = 0;
        for (int k = 0; k < t; k++) {
            List<Node> nodes = new ArrayList<>();
            collect(trees[k].root(), nodes);
            int n = nodes.size();
            feature[k] = new int[n];
            threshold[k] = new double[n];
            yes[k] = new int[n];
            no[k] = new int[n];
            value[k] = new double[n];
            cover[k] = new double[n];
            for (int i = 0; i < n; i++) {
                Node node = nodes.get(i);
                cover[k][i] = node.size();
                if (node instanceof InternalNode in) {
                    if (!(in instanceof OrdinalNode o)) {
                        throw new IllegalStateException("only numeric (ordinal) splits are supported, found " + in.getClass().getSimpleName());
                    }
                    feature[k][i] = in.feature();
                    threshold[k][i] = threshold(o);
                    yes[k][i] = indexOf(nodes, in.trueChild());
                    no[k][i] = indexOf(nodes, in.falseChild());
                } else if (node instanceof RegressionNode leaf) {
                    feature[k][i] = -1;
                    yes[k][i] = -1;
                    no[k][i] = -1;
                    value[k][i] = leaf.output();
                } else {
                    throw new IllegalStateException("unexpected leaf " + node.getClass().getSimpleName());
                }
            }
            depth = Math.max(depth, trees[k].root().depth());
        }
        return new FlatTrees(feature, threshold, yes, no, value, cover, depth, features);
    }

    private static void collect(Node node, List<Node> out) {
        out.add(node);
        if (node instanceof InternalNode in) {
            collect(in.trueChild(), out);
            collect(in.falseChild(), out);
        } else if (!(node instanceof LeafNode)) {
            throw new IllegalStateException("unexpected node " + node.getClass().getSimpleName());
        }
    }

    private static int indexOf(List<Node> nodes, Node n) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == n) {
                return i;
            }
        }
        throw new IllegalStateException("child not in tree");
    }

    private static double threshold(OrdinalNode node) {
        try {
            Field f = OrdinalNode.class.getDeclaredField("value");
            f.setAccessible(true);
            return f.getDouble(node);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read Smile's split threshold (OrdinalNode.value): this Smile version is not the "
                    + "one phb was built for", e);
        }
    }

    int trees() {
        return feature.length;
    }

    /** The first {@code n} trees only (after early stopping). */
    FlatTrees first(int n) {
        return new FlatTrees(java.util.Arrays.copyOf(feature, n), java.util.Arrays.copyOf(threshold, n), java.util.Arrays.copyOf(yes, n),
                java.util.Arrays.copyOf(no, n), java.util.Arrays.copyOf(value, n), java.util.Arrays.copyOf(cover, n), maxDepth, features);
    }

    /** One tree's output. */
    double tree(int k, double[] x) {
        int[] f = feature[k];
        int[] y = yes[k];
        int[] nn = no[k];
        double[] th = threshold[k];
        int i = 0;
        while (f[i] >= 0) {
            i = x[f[i]] <= th[i] ? y[i] : nn[i];
        }
        return value[k][i];
    }

    /** The sum of all trees' outputs. */
    double sum(double[] x) {
        double s = 0;
        for (int k = 0; k < feature.length; k++) {
            s += tree(k, x);
        }
        return s;
    }

    /** Working buffers of one TreeSHAP evaluation (one per thread). */
    final class Buffers {
        final int size = (maxDepth + 2) * (maxDepth + 3) / 2 + maxDepth + 2;
        final int[] pf = new int[size];
        final double[] pz = new double[size];
        final double[] po = new double[size];
        final double[] pw = new double[size];
    }

    Buffers buffers() {
        return new Buffers();
    }

    /** Adds the SHAP values of every tree (unscaled) to {@code phi}. */
    void shap(double[] x, double[] phi, Buffers b) {
        for (int k = 0; k < feature.length; k++) {
            recurse(k, x, phi, b, 0, 0, 0, 1, 1, -1);
        }
    }

    private void recurse(int k, double[] x, double[] phi, Buffers b, int node, int depth, int parent, double zero, double one, int parentFeature) {
        int at = parent + depth;
        // copy the parent's path (depth elements) into this level's segment, then extend it
        if (depth > 0) {
            System.arraycopy(b.pf, parent, b.pf, at, depth);
            System.arraycopy(b.pz, parent, b.pz, at, depth);
            System.arraycopy(b.po, parent, b.po, at, depth);
            System.arraycopy(b.pw, parent, b.pw, at, depth);
        }
        extend(b, at, depth, zero, one, parentFeature);
        int f = feature[k][node];
        if (f < 0) {
            double v = value[k][node];
            for (int i = 1; i <= depth; i++) {
                double w = unwoundSum(b, at, depth, i);
                phi[b.pf[at + i]] += w * (b.po[at + i] - b.pz[at + i]) * v;
            }
            return;
        }
        int hot = x[f] <= threshold[k][node] ? yes[k][node] : no[k][node];
        int cold = hot == yes[k][node] ? no[k][node] : yes[k][node];
        double w = cover[k][node];
        double hotZero = cover[k][hot] / w;
        double coldZero = cover[k][cold] / w;
        double inZero = 1;
        double inOne = 1;
        int d = depth;
        int p = 0;
        for (; p <= d; p++) {
            if (b.pf[at + p] == f) {
                break;
            }
        }
        if (p != d + 1) {
            inZero = b.pz[at + p];
            inOne = b.po[at + p];
            unwind(b, at, d, p);
            d -= 1;
        }
        recurse(k, x, phi, b, hot, d + 1, at, hotZero * inZero, inOne, f);
        recurse(k, x, phi, b, cold, d + 1, at, coldZero * inZero, 0, f);
    }

    private static void extend(Buffers b, int at, int depth, double zero, double one, int feat) {
        b.pf[at + depth] = feat;
        b.pz[at + depth] = zero;
        b.po[at + depth] = one;
        b.pw[at + depth] = depth == 0 ? 1 : 0;
        for (int i = depth - 1; i >= 0; i--) {
            b.pw[at + i + 1] += one * b.pw[at + i] * (i + 1) / (double) (depth + 1);
            b.pw[at + i] = zero * b.pw[at + i] * (depth - i) / (double) (depth + 1);
        }
    }

    private static void unwind(Buffers b, int at, int depth, int index) {
        double one = b.po[at + index];
        double zero = b.pz[at + index];
        double next = b.pw[at + depth];
        for (int i = depth - 1; i >= 0; i--) {
            if (one != 0) {
                double tmp = b.pw[at + i];
                b.pw[at + i] = next * (depth + 1) / ((i + 1) * one);
                next = tmp - b.pw[at + i] * zero * (depth - i) / (double) (depth + 1);
            } else {
                b.pw[at + i] = b.pw[at + i] * (depth + 1) / (zero * (depth - i));
            }
        }
        for (int i = index; i < depth; i++) {
            b.pf[at + i] = b.pf[at + i + 1];
            b.pz[at + i] = b.pz[at + i + 1];
            b.po[at + i] = b.po[at + i + 1];
        }
    }

    private static double unwoundSum(Buffers b, int at, int depth, int index) {
        double one = b.po[at + index];
        double zero = b.pz[at + index];
        double next = b.pw[at + depth];
        double total = 0;
        for (int i = depth - 1; i >= 0; i--) {
            if (one != 0) {
                double tmp = next * (depth + 1) / ((i + 1) * one);
                total += tmp;
                next = b.pw[at + i] - tmp * zero * ((depth - i) / (double) (depth + 1));
            } else {
                total += (b.pw[at + i] / zero) / ((depth - i) / (double) (depth + 1));
            }
        }
        return total;
    }
}
