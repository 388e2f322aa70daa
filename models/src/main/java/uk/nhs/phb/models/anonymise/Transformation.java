package uk.nhs.phb.models.anonymise;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chosen transformation as a function of a row: generalise each quasi-identifier to its level, and tell
 * whether the row's class was suppressed (the job must then drop the row, or release it with every
 * quasi-identifier {@code *}; the risk report assumes it is dropped). Serializable, so a Spark job can
 * broadcast it and call it from a UDF; thread-safe.
 */
public final class Transformation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> columns;
    private final List<Hierarchy> hierarchies;
    private final int[] levels;
    private final Set<List<String>> kept;
    private final Set<List<String>> suppressed;

    Transformation(List<String> columns, List<Hierarchy> hierarchies, int[] levels, Set<List<String>> kept,
            Set<List<String>> suppressed) {
        this.columns = List.copyOf(columns);
        this.hierarchies = List.copyOf(hierarchies);
        this.levels = levels.clone();
        this.kept = Set.copyOf(kept);
        this.suppressed = Set.copyOf(suppressed);
    }

    /** Quasi-identifier columns, in the order {@link #generalise} expects. */
    public List<String> columns() {
        return columns;
    }

    /** The level of each quasi-identifier, by column, in column order. */
    public Map<String, Integer> levels() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < levels.length; i++) {
            out.put(columns.get(i), levels[i]);
        }
        return out;
    }

    /** The generalised quasi-identifier values of a row (suppression not applied). */
    public String[] generalise(String[] qiValues) {
        if (qiValues.length != levels.length) {
            throw new IllegalArgumentException("expected " + levels.length + " quasi-identifier values " + columns + ", got "
                    + Arrays.toString(qiValues));
        }
        String[] out = new String[qiValues.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = hierarchies.get(i).generalise(qiValues[i], levels[i]);
        }
        return out;
    }

    /**
     * Whether the row's equivalence class is suppressed.
     *
     * @throws IllegalArgumentException if the row's generalised values were not in the frequency set the
     *         transformation was chosen on (the frequency set is stale or was built from other data)
     */
    public boolean isSuppressed(String[] qiValues) {
        List<String> key = Arrays.asList(generalise(qiValues));
        if (suppressed.contains(key)) {
            return true;
        }
        if (!kept.contains(key)) {
            throw new IllegalArgumentException("row " + Arrays.toString(qiValues) + " generalises to " + key
                    + ", a combination that was not in the frequency set this transformation was chosen on; rebuild the frequency set from the same rows");
        }
        return false;
    }
}
