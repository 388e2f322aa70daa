package uk.nhs.phb.models.anonymise;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of {@link Anonymise}: the chosen level per quasi-identifier, the row function, the released
 * (generalised, suppressed classes removed) frequency set, the information loss under every measure, class
 * statistics, the risk report and how much of the lattice was evaluated. {@link #summary()} is what its JSON
 * gives and {@link #toText()} a readable summary.
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

    /**
     * What a run found, as its JSON gives it (the manifest's {@code result}, {@code phb anonymise --json}): the models, the
     * levels, the records and suppression, the measure optimised, every information loss, the class statistics, the
     * risk report and the search.
     */
    public record Summary(List<String> models, Map<String, Integer> levels, long records, long suppressedRecords, long maxSuppressedRecords,
                          String optimisedFor, InformationLoss informationLoss, ClassStatistics equivalenceClasses, RiskReport risk,
                          SearchStatistics search) {
    }

    public Summary summary() {
        return new Summary(models, new LinkedHashMap<>(levels), records, suppressedRecords, maxSuppressedRecords, optimisedFor.name(), loss,
                classes, risk, search);
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
