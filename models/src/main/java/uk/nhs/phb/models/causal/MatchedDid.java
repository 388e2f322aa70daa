package uk.nhs.phb.models.causal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The before/after design in one call: a propensity score from the pre-period covariates
 * ({@link PropensityScore}), greedy 1:1 nearest-neighbour matching on its logit within exact strata and a
 * caliper of {@code caliperSd} standard deviations of the logit ({@link NearestNeighbourMatching}), the balance
 * table ({@link Balance}) and difference-in-differences with a bootstrap interval
 * ({@link DifferenceInDifferences}). Plain Java, deterministic for a given input order and seed.
 */
public final class MatchedDid {
    /**
     * @param caliperSd  caliper in standard deviations of the logit of the propensity score (Austin 2011: 0.2)
     * @param lambda     L2 penalty of the propensity model (standardised covariates)
     * @param replicates bootstrap resamples of matched pairs
     * @param seed       bootstrap seed
     * @param confidence interval level
     * @param mahalanobis within the caliper, choose the control nearest in Mahalanobis distance on the
     *                    covariates rather than in propensity score
     * @param replacement a control may be matched to several treated units (balance is then measured with each
     *                    control counted once per pair)
     */
    public record Settings(double caliperSd, double lambda, int replicates, long seed, double confidence, boolean mahalanobis, boolean replacement) {
        public Settings {
            if (!(caliperSd > 0)) {
                throw new IllegalArgumentException("the caliper must be > 0 standard deviations, got " + caliperSd);
            }
            if (!(lambda >= 0)) {
                throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
            }
            if (replicates < 100) {
                throw new IllegalArgumentException("use at least 100 bootstrap replicates, got " + replicates);
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must be between 0 and 1, got " + confidence);
            }
        }

        /**
         * Caliper 0.2 SD of the logit, lambda 0.01, 1,000 replicates, seed 20170401, 95%, Mahalanobis within the
         * caliper, with replacement.
         */
        public static Settings defaults() {
            return new Settings(0.2, 0.01, 1000, 20170401L, 0.95, true, true);
        }
    }

    /**
     * The units: covariates (known before treatment), group, exact-matching stratum and outcomes before and after.
     */
    public record Data(String[] covariates, double[][] x, boolean[] treated, String[] strata, String[] outcomes, double[][] before,
                       double[][] after) {
        public Data {
            int n = x.length;
            if (treated.length != n || strata.length != n || before.length != n || after.length != n) {
                throw new IllegalArgumentException("x, treated, strata, before and after must have one row per unit (" + n + ")");
            }
            for (int i = 0; i < n; i++) {
                if (x[i].length != covariates.length || before[i].length != outcomes.length || after[i].length != outcomes.length) {
                    throw new IllegalArgumentException("row " + i + " has the wrong number of covariates or outcomes");
                }
            }
        }
    }

    /**
     * @param logit         the logit of the propensity score of every unit
     * @param logitSd       its standard deviation over all units
     * @param caliper       the caliper applied, in logit units ({@code caliperSd * logitSd})
     * @param pairs         the matched pairs
     * @param treated       treated units
     * @param controls      candidate controls
     * @param byStratum     per stratum: treated, controls, pairs
     * @param balance       the balance table
     * @param effects       difference-in-differences per outcome
     */
    public record Result(double[] logit, double logitSd, double caliper, List<NearestNeighbourMatching.Pair> pairs, int treated,
                         int controls, Map<String, int[]> byStratum, List<Balance.Row> balance, List<DifferenceInDifferences.Effect> effects) {
        public double maxAbsSmdBefore() {
            return Balance.maxAbsBefore(balance);
        }

        public double maxAbsSmdAfter() {
            return Balance.maxAbsAfter(balance);
        }

        public int unmatchedTreated() {
            return treated - pairs.size();
        }

        /** The effect on one outcome. */
        public DifferenceInDifferences.Effect effect(String outcome) {
            return effects.stream().filter(e -> e.outcome().equals(outcome)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no outcome " + outcome));
        }
    }

    private MatchedDid() {
    }

    public static Result run(Data data, Settings settings) {
        Objects.requireNonNull(settings, "settings");
        PropensityScore ps = PropensityScore.fit(data.x(), data.treated(), settings.lambda());
        double[] logit = ps.logits(data.x());
        double sd = sd(logit);
        double caliper = settings.caliperSd() * sd;
        List<NearestNeighbourMatching.Pair> pairs = NearestNeighbourMatching.match(logit, data.treated(), data.strata(), caliper,
                settings.mahalanobis() ? data.x() : null, settings.replacement());
        int nt = 0;
        Map<String, int[]> byStratum = new TreeMap<>();
        for (int i = 0; i < logit.length; i++) {
            nt += data.treated()[i] ? 1 : 0;
            byStratum.computeIfAbsent(Objects.requireNonNullElse(data.strata()[i], ""), k -> new int[3])[data.treated()[i] ? 0 : 1]++;
        }
        Map<Integer, String> strata = new HashMap<>();
        for (NearestNeighbourMatching.Pair p : pairs) {
            strata.put(p.treated(), Objects.requireNonNullElse(data.strata()[p.treated()], ""));
            byStratum.get(strata.get(p.treated()))[2]++;
        }
        List<Balance.Row> balance = Balance.table(data.covariates(), data.x(), data.treated(), pairs);
        List<DifferenceInDifferences.Effect> effects = DifferenceInDifferences.estimate(data.outcomes(), data.before(), data.after(), pairs,
                settings.replicates(), settings.seed(), settings.confidence());
        return new Result(logit, sd, caliper, pairs, nt, logit.length - nt, byStratum, balance, effects);
    }

    static double sd(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / Math.max(1, v.length - 1));
    }
}
