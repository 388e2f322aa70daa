package uk.nhs.phb.models.link;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One field comparison of a Fellegi-Sunter model, made of named levels from the strongest agreement to
 * "else" (the last level). {@link #level} returns the level index for a pair of values, or {@link #MISSING}
 * when either value is absent: a missing comparison contributes nothing to the match weight.
 */
public final class Comparison implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int MISSING = -1;

    /** How a pair of values maps to a level index; implementations must be serializable (they run on executors). */
    @FunctionalInterface
    public interface Levels extends Serializable {
        int level(String a, String b);
    }

    private final String name;
    private final List<String> levelNames;
    private final Levels levels;

    public Comparison(String name, List<String> levelNames, Levels levels) {
        this.name = Objects.requireNonNull(name);
        this.levelNames = List.copyOf(levelNames);
        this.levels = levels;
        if (this.levelNames.size() < 2) {
            throw new IllegalArgumentException("comparison " + name + " needs at least two levels (an agreement and 'else')");
        }
    }

    public String name() {
        return name;
    }

    public List<String> levelNames() {
        return levelNames;
    }

    public int levelCount() {
        return levelNames.size();
    }

    /** The level for two raw field values; null or blank values give {@link #MISSING}. */
    public int level(String a, String b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return MISSING;
        }
        int l = levels.level(a, b);
        if (l < 0 || l >= levelNames.size()) {
            throw new IllegalStateException("comparison " + name + " gave level " + l + " of " + levelNames.size());
        }
        return l;
    }

    /** Exact agreement, else disagreement. */
    public static Comparison exact(String name) {
        return new Comparison(name, List.of("exact", "else"), (a, b) -> a.equals(b) ? 0 : 1);
    }

    /** Dice similarity of two Bloom-filter encodings (base64), one level per threshold, highest first. */
    public static Comparison dice(String name, double... thresholds) {
        List<String> names = new java.util.ArrayList<>();
        for (double t : thresholds) {
            names.add("dice>=" + t);
        }
        names.add("else");
        double[] th = thresholds.clone();
        return new Comparison(name, names, (a, b) -> {
            double d = BloomSimilarity.dice(a, b);
            for (int i = 0; i < th.length; i++) {
                if (d >= th[i]) {
                    return i;
                }
            }
            return th.length;
        });
    }

    @Override
    public String toString() {
        return name + levelNames;
    }
}
