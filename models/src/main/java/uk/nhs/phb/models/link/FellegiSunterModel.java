package uk.nhs.phb.models.link;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A Fellegi-Sunter model: for each comparison level, m = P(level | match) and u = P(level | non-match), and a
 * prior λ = P(match) among compared pairs. The match weight of a pattern is
 * {@code log2(λ/(1-λ)) + Σ log2(m/u)} over the comparisons that are not missing; the match probability is
 * {@code 1 / (1 + 2^-weight)}. Immutable; round-trips through {@link #saved()} / {@link #fromSaved}.
 */
public final class FellegiSunterModel implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Floor on m and u so a level never seen in training cannot give an infinite weight. */
    static final double FLOOR = 1e-6;

    private final ComparisonVector space;
    private final double lambda;
    private final double[][] m;
    private final double[][] u;

    public FellegiSunterModel(ComparisonVector space, double lambda, double[][] m, double[][] u) {
        if (!(lambda > 0 && lambda < 1)) {
            throw new IllegalArgumentException("the prior λ must be in (0,1), got " + lambda);
        }
        this.space = space;
        this.lambda = lambda;
        this.m = normalised(m, space);
        this.u = normalised(u, space);
    }

    public ComparisonVector space() {
        return space;
    }

    public double lambda() {
        return lambda;
    }

    public double m(int comparison, int level) {
        return m[comparison][level];
    }

    public double u(int comparison, int level) {
        return u[comparison][level];
    }

    double[][] mArray() {
        return deepCopy(m);
    }

    double[][] uArray() {
        return deepCopy(u);
    }

    /** log2(m/u) of one level: the evidence it adds. */
    public double levelWeight(int comparison, int level) {
        return log2(m[comparison][level] / u[comparison][level]);
    }

    public double priorWeight() {
        return log2(lambda / (1 - lambda));
    }

    public double matchWeight(long pattern) {
        return matchWeight(space.decode(pattern));
    }

    public double matchWeight(int[] levels) {
        double w = priorWeight();
        for (int c = 0; c < levels.length; c++) {
            if (levels[c] != Comparison.MISSING) {
                w += levelWeight(c, levels[c]);
            }
        }
        return w;
    }

    public double matchProbability(long pattern) {
        return probability(matchWeight(pattern));
    }

    public static double probability(double weight) {
        return 1.0 / (1.0 + Math.pow(2, -weight));
    }

    /** The same model with another prior (e.g. the deterministic links' rate instead of a blocked pass's). */
    public FellegiSunterModel withLambda(double newLambda) {
        return new FellegiSunterModel(space, newLambda, m, u);
    }

    /** A saved model: λ and, per comparison, its levels with m, u and weight (what the quality report's JSON holds). */
    public record Saved(double lambda, List<SavedComparison> comparisons) {
    }

    public record SavedComparison(String comparison, List<SavedLevel> levels) {
    }

    public record SavedLevel(String level, double m, double u, double weight) {
    }

    public Saved saved() {
        List<SavedComparison> comps = new ArrayList<>();
        for (int c = 0; c < space.comparisons().size(); c++) {
            Comparison comp = space.comparisons().get(c);
            List<SavedLevel> levels = new ArrayList<>();
            for (int l = 0; l < comp.levelCount(); l++) {
                levels.add(new SavedLevel(comp.levelNames().get(l), m[c][l], u[c][l], levelWeight(c, l)));
            }
            comps.add(new SavedComparison(comp.name(), levels));
        }
        return new Saved(lambda, comps);
    }

    /** Rebuilds a model saved by {@link #saved()} against the same comparisons (names and levels must match). */
    public static FellegiSunterModel fromSaved(ComparisonVector space, Saved saved) {
        List<SavedComparison> comps = saved.comparisons();
        if (comps == null || comps.size() != space.comparisons().size()) {
            throw new IllegalArgumentException("saved model has " + (comps == null ? 0 : comps.size())
                    + " comparisons; this linker has " + space.comparisons().size());
        }
        double[][] m = new double[comps.size()][];
        double[][] u = new double[comps.size()][];
        for (int c = 0; c < comps.size(); c++) {
            Comparison comp = space.comparisons().get(c);
            if (!comp.name().equals(comps.get(c).comparison())) {
                throw new IllegalArgumentException("saved model comparison " + c + " is '" + comps.get(c).comparison()
                        + "', expected '" + comp.name() + "'");
            }
            List<SavedLevel> levels = comps.get(c).levels();
            if (levels.size() != comp.levelCount()) {
                throw new IllegalArgumentException("saved model comparison '" + comp.name() + "' has " + levels.size()
                        + " levels, expected " + comp.levelCount());
            }
            m[c] = levels.stream().mapToDouble(SavedLevel::m).toArray();
            u[c] = levels.stream().mapToDouble(SavedLevel::u).toArray();
        }
        return new FellegiSunterModel(space, saved.lambda(), m, u);
    }

    /** A readable m/u table, one line per level. */
    public String explain() {
        StringBuilder sb = new StringBuilder(String.format("prior λ = %.6f (weight %.2f)%n", lambda, priorWeight()));
        sb.append(String.format("%-22s %-14s %10s %10s %8s%n", "comparison", "level", "m", "u", "weight"));
        for (int c = 0; c < space.comparisons().size(); c++) {
            Comparison comp = space.comparisons().get(c);
            for (int l = 0; l < comp.levelCount(); l++) {
                sb.append(String.format("%-22s %-14s %10.5f %10.6f %8.2f%n", l == 0 ? comp.name() : "",
                        comp.levelNames().get(l), m[c][l], u[c][l], levelWeight(c, l)));
            }
        }
        return sb.toString();
    }

    private static double[][] normalised(double[][] p, ComparisonVector space) {
        if (p.length != space.comparisons().size()) {
            throw new IllegalArgumentException("expected probabilities for " + space.comparisons().size() + " comparisons, got " + p.length);
        }
        double[][] out = new double[p.length][];
        for (int c = 0; c < p.length; c++) {
            int levels = space.comparisons().get(c).levelCount();
            if (p[c].length != levels) {
                throw new IllegalArgumentException("comparison " + space.comparisons().get(c).name() + " has " + levels
                        + " levels, got " + p[c].length + " probabilities");
            }
            double sum = 0;
            out[c] = new double[levels];
            for (int l = 0; l < levels; l++) {
                out[c][l] = Math.max(FLOOR, p[c][l]);
                sum += out[c][l];
            }
            for (int l = 0; l < levels; l++) {
                out[c][l] /= sum;
            }
        }
        return out;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
