package uk.nhs.phb.models.anonymise;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of {@link Anonymise}: the chosen level per quasi-identifier, the row function, the released
 * (generalised, suppressed classes removed) frequency set, the information loss under every measure, class
 * statistics, the risk report and how much of the lattice was evaluated. {@link #toMap()} gives JSON-friendly
 * maps (strings, numbers, booleans, lists, maps) and {@link #toText()} a readable summary.
 *
 * @param levels level per quasi-identifier, in column order
 * @param transformation the function to apply to rows
 * @param generalised the released classes with their sensitive distributions (the verifier's input)
 * @param records input records N
 * @param suppressedRecords records in suppressed classes
 * @param maxSuppressedRecords the limit, floor(max suppression * N)
 */
public record AnonymiseResult(Map<String, Integer> levels, Transformation transformation, FrequencySet generalised,
        long records, long suppressedRecords, long maxSuppressedRecords, LossMeasure optimisedFor, InformationLoss loss,
        ClassStatistics classes, RiskReport risk, SearchStatistics search, List<String> models) {

    /**
     * Information loss of the chosen transformation under every measure (formulas on {@link LossMeasure}).
     *
     * @param nonUniformEntropy in bits
     * @param nonUniformEntropyNormalised divided by its value with everything generalised to the top (0..1)
     * @param iyengar Iyengar's generalised loss (0..1), ARX's "Loss"
     */
    public record InformationLoss(double precision, double nonUniformEntropy, double nonUniformEntropyNormalised,
            long discernibility, double iyengar) {
    }

    /** Sizes of the released classes, and the suppressed classes and records. */
    public record ClassStatistics(int classes, long smallest, long largest, double mean, double median,
            int suppressedClasses, long suppressedRecords) {
        static ClassStatistics of(long[] sizes, int suppressedClasses, long suppressedRecords) {
            if (sizes.length == 0) {
                return new ClassStatistics(0, 0, 0, 0, 0, suppressedClasses, suppressedRecords);
            }
            long[] s = sizes.clone();
            Arrays.sort(s);
            long sum = 0;
            for (long x : s) {
                sum += x;
            }
            int n = s.length;
            double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
            return new ClassStatistics(n, s[0], s[n - 1], (double) sum / n, median, suppressedClasses, suppressedRecords);
        }
    }

    /**
     * How the search went.
     *
     * @param latticeSize number of level vectors
     * @param combinations distinct quasi-identifier combinations in the input
     * @param evaluated nodes whose classes were computed
     * @param taggedWithoutEvaluation nodes decided by predictive tagging alone
     * @param monotonic whether all models were monotonic under the suppression limit (else tagging used only
     *        the monotonic part)
     */
    public record SearchStatistics(int latticeSize, int combinations, int evaluated, int taggedWithoutEvaluation,
            boolean monotonic, long millis) {
    }

    /** JSON-friendly nested maps, keys in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("models", models);
        m.put("levels", new LinkedHashMap<>(levels));
        m.put("records", records);
        m.put("suppressed_records", suppressedRecords);
        m.put("max_suppressed_records", maxSuppressedRecords);
        m.put("optimised_for", optimisedFor.name());
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("precision", loss.precision());
        l.put("non_uniform_entropy", loss.nonUniformEntropy());
        l.put("non_uniform_entropy_normalised", loss.nonUniformEntropyNormalised());
        l.put("discernibility", loss.discernibility());
        l.put("iyengar", loss.iyengar());
        m.put("information_loss", l);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("classes", classes.classes());
        c.put("smallest", classes.smallest());
        c.put("largest", classes.largest());
        c.put("mean", classes.mean());
        c.put("median", classes.median());
        c.put("suppressed_classes", classes.suppressedClasses());
        c.put("suppressed_records", classes.suppressedRecords());
        m.put("equivalence_classes", c);
        m.put("risk", risk.toMap());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("lattice_size", search.latticeSize());
        s.put("combinations", search.combinations());
        s.put("evaluated", search.evaluated());
        s.put("tagged_without_evaluation", search.taggedWithoutEvaluation());
        s.put("monotonic", search.monotonic());
        s.put("millis", search.millis());
        m.put("search", s);
        return m;
    }

    /** A readable summary. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("Anonymisation: ").append(String.join(", ", models)).append('\n');
        b.append("  levels: ");
        levels.forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        b.append('\n');
        b.append(String.format(Locale.ROOT, "  suppressed %d of %d records (limit %d)%n", suppressedRecords, records,
                maxSuppressedRecords));
        b.append(String.format(Locale.ROOT,
                "  information loss (optimised for %s): precision %.4f, non-uniform entropy %.1f bits (%.4f of max), discernibility %d, "
                        + "generalised loss (Iyengar) %.4f%n",
                optimisedFor, loss.precision(), loss.nonUniformEntropy(), loss.nonUniformEntropyNormalised(), loss.discernibility(),
                loss.iyengar()));
        b.append(String.format(Locale.ROOT,
                "  equivalence classes: %d released (sizes %d-%d, mean %.1f, median %.1f), %d suppressed%n", classes.classes(),
                classes.smallest(), classes.largest(), classes.mean(), classes.median(), classes.suppressedClasses()));
        b.append(String.format(Locale.ROOT, "  search: %d of %d lattice nodes evaluated, %d decided by tagging, %d ms%s%n",
                search.evaluated(), search.latticeSize(), search.taggedWithoutEvaluation(), search.millis(),
                search.monotonic() ? "" : " (models not monotonic under suppression: tagging used k and distinct counts only)"));
        b.append(risk.toText().indent(2));
        return b.toString();
    }
}
