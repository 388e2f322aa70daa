package uk.nhs.phb.models.anonymise;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Re-identification risk of a released table (El Emam's measures), over its n released records in classes
 * of sizes f_j (J classes); suppressed records are not released and not counted.
 *
 * <ul>
 *   <li>prosecutor risk (the attacker knows the person is in the table): a record's risk is 1/f_j;
 *       maximum {@code 1 / min f_j}, average {@code (1/n) sum_records 1/f_j = J / n};
 *   <li>journalist risk (the attacker does not know; needs the population count F_j of each class): maximum
 *       {@code 1 / min F_j}, average {@code (1/n) sum_j f_j / F_j}. Without a population table the sample is
 *       taken as the population (F_j = f_j): journalist risk then equals prosecutor risk, and
 *       {@link #journalistNote()} says so;
 *   <li>marketer risk (expected share of records re-identified when matching everyone): {@code J / n}
 *       without a population table, {@code (1/n) sum_j f_j / F_j} with one;
 *   <li>records at risk: records whose prosecutor risk {@code 1/f_j} is strictly above the threshold (with
 *       threshold 0.2, records in classes of fewer than 5);
 *   <li>sample uniques: records alone in their class (f_j = 1).
 * </ul>
 * An empty release has every risk 0.
 */
public record RiskReport(long records, int classes, long smallestClass, @JsonProperty("prosecutor_risk_max") double prosecutorMax,
        @JsonProperty("prosecutor_risk_average") double prosecutorAverage, @JsonProperty("journalist_risk_max") double journalistMax,
        @JsonProperty("journalist_risk_average") double journalistAverage, boolean journalistFromPopulation, String journalistNote,
        @JsonProperty("marketer_risk") double marketer, @JsonProperty("risk_threshold") double threshold, long recordsAtRisk,
        double recordsAtRiskShare, long sampleUniques, double sampleUniquesShare) {

    /**
     * Risks from class sizes and, optionally, their population counts.
     *
     * @param sizes record count of each released class (positive)
     * @param population population count of each class, same order, each at least the class size; null
     *        when there is no population table
     * @param threshold records above this prosecutor risk are "at risk" (0..1)
     */
    public static RiskReport of(long[] sizes, long[] population, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("risk threshold must be within 0..1, got " + threshold);
        }
        if (population != null && population.length != sizes.length) {
            throw new IllegalArgumentException("population counts (" + population.length + ") and classes (" + sizes.length
                    + ") differ in number");
        }
        long n = 0;
        long smallest = Long.MAX_VALUE;
        long smallestPop = Long.MAX_VALUE;
        long atRisk = 0;
        long uniques = 0;
        double journalistSum = 0;
        for (int j = 0; j < sizes.length; j++) {
            long f = sizes[j];
            if (f <= 0) {
                throw new IllegalArgumentException("class sizes must be positive, got " + f + " for class " + j);
            }
            n += f;
            smallest = Math.min(smallest, f);
            if (1.0 / f > threshold) {
                atRisk += f;
            }
            if (f == 1) {
                uniques++;
            }
            if (population != null) {
                if (population[j] < f) {
                    throw new IllegalArgumentException("class " + j + " has " + f + " records but a population of only " + population[j]
                            + "; the population table must include the released records");
                }
                smallestPop = Math.min(smallestPop, population[j]);
                journalistSum += (double) f / population[j];
            }
        }
        if (n == 0) {
            return new RiskReport(0, 0, 0, 0, 0, 0, 0, population != null,
                    population != null ? "from the population table" : "no records released", 0, threshold, 0, 0, 0, 0);
        }
        int classes = sizes.length;
        double prosecutorMax = 1.0 / smallest;
        double prosecutorAvg = (double) classes / n;
        if (population == null) {
            return new RiskReport(n, classes, smallest, prosecutorMax, prosecutorAvg, prosecutorMax, prosecutorAvg, false,
                    "no population table: journalist risk is taken equal to prosecutor risk (the released records are treated as the population)",
                    prosecutorAvg, threshold, atRisk, (double) atRisk / n, uniques, (double) uniques / n);
        }
        double journalistAvg = journalistSum / n;
        return new RiskReport(n, classes, smallest, prosecutorMax, prosecutorAvg, 1.0 / smallestPop, journalistAvg, true,
                "from the population table", journalistAvg, threshold, atRisk, (double) atRisk / n, uniques,
                (double) uniques / n);
    }


    /** Readable lines. */
    public String toText() {
        return String.format(Locale.ROOT, """
                Re-identification risk (%d released records in %d classes, smallest class %d)
                  prosecutor risk: max %.4f, average %.4f
                  journalist risk: max %.4f, average %.4f (%s)
                  marketer risk:   %.4f
                  records at risk (prosecutor risk > %.2f): %d (%.2f%%)
                  sample uniques: %d (%.2f%%)
                """, records, classes, smallestClass, prosecutorMax, prosecutorAverage, journalistMax, journalistAverage,
                journalistNote, marketer, threshold, recordsAtRisk, 100 * recordsAtRiskShare, sampleUniques,
                100 * sampleUniquesShare);
    }
}
