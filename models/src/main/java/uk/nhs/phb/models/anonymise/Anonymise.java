package uk.nhs.phb.models.anonymise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.nhs.phb.models.anonymise.AnonymiseResult.ClassStatistics;
import uk.nhs.phb.models.anonymise.AnonymiseResult.InformationLoss;
import uk.nhs.phb.models.anonymise.AnonymiseResult.SearchStatistics;
import uk.nhs.phb.models.anonymise.Criteria.NodeStats;

/**
 * Finds the optimal full-domain generalisation of a {@link FrequencySet}: one hierarchy level per
 * quasi-identifier such that every privacy model holds once the failing classes are suppressed, the
 * suppressed records are within the limit, and the chosen {@link LossMeasure} is minimal over all such
 * level vectors (ties: fewer total levels, then lexicographically lower levels).
 *
 * <pre>{@code
 * AnonymiseResult r = Anonymise.frequencySet(fs)
 *         .hierarchy(Hierarchy.age("age"))
 *         .hierarchy(Hierarchy.fromCsv("lsoa", Path.of("lsoa.csv")))
 *         .model(new PrivacyModel.KAnonymity(5))
 *         .model(new PrivacyModel.DistinctLDiversity("diagnosis", 2))
 *         .maxSuppression(0.02)
 *         .optimiseFor(LossMeasure.NON_UNIFORM_ENTROPY)
 *         .execute();
 * }</pre>
 *
 * Defaults: no suppression, {@link LossMeasure#NON_UNIFORM_ENTROPY}, risk threshold 0.2, no population
 * table. How the search prunes is described on {@code Search} (package-private): predictive tagging with
 * the models that are monotonic (see {@link PrivacyModel}), then lower bounds of the loss.
 */
public final class Anonymise {
    private final FrequencySet input;
    private final Map<String, Hierarchy> hierarchies = new LinkedHashMap<>();
    private final List<PrivacyModel> models = new ArrayList<>();
    private double maxSuppression = 0;
    private LossMeasure measure = LossMeasure.NON_UNIFORM_ENTROPY;
    private double riskThreshold = 0.2;
    private FrequencySet population;

    private Anonymise(FrequencySet input) {
        this.input = input;
    }

    public static Anonymise frequencySet(FrequencySet input) {
        return new Anonymise(input);
    }

    /** The hierarchy of the quasi-identifier {@link Hierarchy#column()}; every QI needs one. */
    public Anonymise hierarchy(Hierarchy h) {
        hierarchies.put(h.column(), h);
        return this;
    }

    public Anonymise model(PrivacyModel m) {
        models.add(m);
        return this;
    }

    /** Largest fraction of records that may be suppressed (0..1; default 0): floor(fraction * N) records. */
    public Anonymise maxSuppression(double fraction) {
        this.maxSuppression = fraction;
        return this;
    }

    public Anonymise optimiseFor(LossMeasure m) {
        this.measure = m;
        return this;
    }

    /** Prosecutor risk above which a record counts as at risk (default 0.2). */
    public Anonymise riskThreshold(double threshold) {
        this.riskThreshold = threshold;
        return this;
    }

    /**
     * Population counts over the same quasi-identifiers (original values), for journalist and marketer
     * risk; it must contain the released records.
     */
    public Anonymise population(FrequencySet populationTable) {
        this.population = populationTable;
        return this;
    }

    /**
     * Runs the search.
     *
     * @throws IllegalArgumentException listing every problem with the settings or the data (a QI without a
     *         hierarchy, a value a hierarchy rejects, a model on an unknown attribute, ...)
     * @throws NoTransformationException if no level vector satisfies the models within the limit
     */
    public AnonymiseResult execute() {
        long started = System.nanoTime();
        List<Hierarchy> hs = validate();
        Domains domains = new Domains(input, hs);
        Criteria criteria = new Criteria(input, domains, models, maxSuppression);
        Lattice lattice = new Lattice(domains.maxLevel, input.quasiIdentifiers());
        Search search = new Search(lattice, domains, criteria, input, measure);
        NodeStats best = search.run();
        if (best == null) {
            throw noSolution(lattice, domains, criteria);
        }
        return result(best, search, lattice, domains, criteria, hs, started);
    }

    private List<Hierarchy> validate() {
        List<String> errors = new ArrayList<>();
        List<Hierarchy> hs = new ArrayList<>();
        for (String qi : input.quasiIdentifiers()) {
            Hierarchy h = hierarchies.get(qi);
            if (h == null) {
                errors.add("quasi-identifier '" + qi + "' has no hierarchy; give one (CSV or built-in)");
            }
            hs.add(h);
        }
        for (String c : hierarchies.keySet()) {
            if (!input.quasiIdentifiers().contains(c)) {
                errors.add("a hierarchy is given for '" + c + "', which is not a quasi-identifier of the frequency set "
                        + input.quasiIdentifiers());
            }
        }
        if (models.isEmpty()) {
            errors.add("no privacy model given; add at least k-anonymity");
        }
        for (PrivacyModel m : models) {
            if (m.attribute() != null && !input.sensitiveAttributes().contains(m.attribute())) {
                errors.add(m + ": '" + m.attribute() + "' is not a sensitive attribute of the frequency set "
                        + input.sensitiveAttributes());
            }
        }
        if (!(maxSuppression >= 0 && maxSuppression <= 1)) {
            errors.add("max suppression must be a fraction within 0..1, got " + maxSuppression);
        }
        if (measure == null) {
            errors.add("no loss measure given");
        }
        if (!(riskThreshold >= 0 && riskThreshold <= 1)) {
            errors.add("risk threshold must be within 0..1, got " + riskThreshold);
        }
        if (population != null && !population.quasiIdentifiers().equals(input.quasiIdentifiers())) {
            errors.add("the population table has quasi-identifiers " + population.quasiIdentifiers() + ", not "
                    + input.quasiIdentifiers());
        }
        if (input.size() == 0) {
            errors.add("the frequency set is empty");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        return hs;
    }

    private NoTransformationException noSolution(Lattice lattice, Domains domains, Criteria criteria) {
        Partition top = Partition.bottom(input, criteria.tracked).rollUp(lattice.top(), lattice.levels(lattice.top()), domains);
        NodeStats s = criteria.evaluate(top);
        return new NoTransformationException("no generalisation satisfies " + models + " with at most " + criteria.maxSuppressed
                + " of " + criteria.total + " records suppressed (max suppression " + maxSuppression
                + "); even the most general one (every quasi-identifier at its top level) would suppress " + s.suppressed()
                + " records. Allow more suppression, relax the models, or add hierarchy levels");
    }

    private AnonymiseResult result(NodeStats best, Search search, Lattice lattice, Domains domains, Criteria criteria,
            List<Hierarchy> hs, long started) {
        int[] levels = lattice.levels(best.node());
        boolean[] all = new boolean[input.sensitiveAttributes().size()];
        Arrays.fill(all, true);
        Partition p = Partition.bottom(input, all).rollUp(best.node(), levels, domains);
        NodeStats check = criteria.evaluate(p);
        if (check.suppressed() != best.suppressed()) {
            throw new IllegalStateException("internal: the chosen node " + Arrays.toString(levels) + " suppresses "
                    + check.suppressed() + " records on re-evaluation, not " + best.suppressed());
        }
        List<String> qis = input.quasiIdentifiers();
        List<String> sens = input.sensitiveAttributes();
        FrequencySet.Builder out = FrequencySet.builder(qis, sens);
        Set<List<String>> kept = new HashSet<>();
        Set<List<String>> suppressed = new HashSet<>();
        List<Long> keptSizes = new ArrayList<>();
        int suppressedClasses = 0;
        for (int c = 0; c < p.size; c++) {
            String[] values = new String[qis.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = domains.dict[i][levels[i]][p.codes[i][c]];
            }
            if (criteria.fails(p, c)) {
                suppressed.add(Arrays.asList(values));
                suppressedClasses++;
                continue;
            }
            kept.add(Arrays.asList(values));
            keptSizes.add(p.counts[c]);
            List<Map<String, Long>> dists = new ArrayList<>();
            for (int a = 0; a < sens.size(); a++) {
                Map<String, Long> d = new LinkedHashMap<>();
                for (int e = p.sOffsets[a][c]; e < p.sOffsets[a][c + 1]; e++) {
                    d.put(input.sDict[a][p.sCodes[a][e]], p.sCounts[a][e]);
                }
                dists.add(d);
            }
            out.add(values, p.counts[c], dists);
        }
        FrequencySet generalised = out.build();
        Transformation transformation = new Transformation(qis, hs, levels, kept, suppressed);
        long[] sizes = keptSizes.stream().mapToLong(Long::longValue).toArray();
        RiskReport risk = RiskReport.of(sizes, populationCounts(generalised, transformation), riskThreshold);
        InformationLoss loss = new InformationLoss(check.precision(), check.entropy(),
                domains.nueMax == 0 ? 0 : check.entropy() / domains.nueMax, check.discernibility(), check.iyengar());
        ClassStatistics classes = ClassStatistics.of(sizes, suppressedClasses, check.suppressed());
        SearchStatistics stats = new SearchStatistics(lattice.size, input.size(), search.evaluations,
                search.taggedWithoutEvaluation(), criteria.monotonic, (System.nanoTime() - started) / 1_000_000);
        return new AnonymiseResult(transformation.levels(), transformation, generalised, criteria.total, check.suppressed(),
                criteria.maxSuppressed, measure, loss, classes, risk, stats, models.stream().map(Object::toString).toList());
    }

    private long[] populationCounts(FrequencySet released, Transformation t) {
        if (population == null) {
            return null;
        }
        Map<List<String>, Long> byClass = new HashMap<>();
        for (int c = 0; c < population.size(); c++) {
            byClass.merge(Arrays.asList(t.generalise(population.values(c).toArray(new String[0]))), population.count(c), Long::sum);
        }
        long[] out = new long[released.size()];
        for (int c = 0; c < released.size(); c++) {
            Long n = byClass.get(released.values(c));
            if (n == null) {
                throw new IllegalArgumentException("the population table has no records in class " + released.values(c)
                        + ", which has " + released.count(c) + " released records; the population must include them");
            }
            out[c] = n;
        }
        return out;
    }
}
