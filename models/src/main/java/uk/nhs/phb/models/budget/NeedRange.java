package uk.nhs.phb.models.budget;

import org.apache.commons.math3.special.Gamma;

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
        if (shape > 1e7) {
            return new Range(m, m);
        }
        double scale = v / m;
        return new Range(quantile(shape, scale, 0.25), quantile(shape, scale, 0.75));
    }

    /**
     * The p-quantile of a gamma distribution by bisection on its regularised incomplete gamma function (robust
     * for the very small shapes of rarely used services, where a quantile can be far below the mean).
     */
    static double quantile(double shape, double scale, double p) {
        double lo = 0;
        double hi = Math.max(1, shape) * scale;
        while (Gamma.regularizedGammaP(shape, hi / scale, 1e-14, 100_000) < p) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1e-12, hi); i++) {
            double mid = (lo + hi) / 2;
            if (Gamma.regularizedGammaP(shape, mid / scale, 1e-14, 100_000) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
