package uk.nhs.phb.models.budget;

import org.apache.commons.math3.distribution.GammaDistribution;

/**
 * The range of annual need among similar people, for services used visit by visit (community and mental
 * health contacts). A year's spend on such a service is its underlying need plus chance: someone who needs
 * two district-nurse visits a year on average may have none this year or four. The middle half of a year's
 * spend is therefore wider than the middle half of need, and for rarely used services it is often just
 * {@code [0, 0]}. The range removes the chance, by the method of moments:
 *
 * <ul>
 *   <li>if each person's visits follow a Poisson process around their need {@code mu} (visits costing
 *       {@code c} each), then {@code E[spend] = E[mu]} and {@code Var(spend) = Var(mu) + E[sum of c^2]}: the
 *       variance of need is the variance of spend less the mean of each person's summed squared visit costs;
 *   <li>need is never less varied than the cost model says people differ ({@code Var(mu) >= Var(estimate)});
 *   <li>need is taken to be gamma distributed with that mean and variance, and the range is its 25th and 75th
 *       percentile.
 * </ul>
 *
 * Package streams need none of this: a package's annual cost is its need, and their range is the empirical
 * 25th-75th percentile of similar people's package costs.
 */
public final class NeedRange {
    private NeedRange() {
    }

    /** A low and high figure (annual pounds, unrounded). */
    public record Range(double low, double high) {
    }

    /**
     * The interquartile range of need in a group.
     *
     * @param meanSpend          mean annual spend of the group
     * @param spendVariance      variance of annual spend across the group (sample variance)
     * @param meanSquaredCosts   mean over people of the sum of their squared visit costs
     * @param estimateVariance   variance of the cost model's estimates across the group
     */
    public static Range ofVisits(double meanSpend, double spendVariance, double meanSquaredCosts, double estimateVariance) {
        double m = Math.max(0, meanSpend);
        if (m == 0) {
            return new Range(0, 0);
        }
        double v = Math.max(spendVariance - meanSquaredCosts, Math.max(0, estimateVariance));
        if (!(v > 0)) {
            return new Range(m, m);
        }
        double shape = m * m / v;
        double scale = v / m;
        GammaDistribution g = new GammaDistribution(null, shape, scale, 1e-12);
        return new Range(g.inverseCumulativeProbability(0.25), g.inverseCumulativeProbability(0.75));
    }
}
