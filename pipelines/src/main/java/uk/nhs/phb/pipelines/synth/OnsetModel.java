package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Age at onset of one condition (or state) for a person with latent morbidity z and deprivation d:
 * {@code logit P(onset by age a) = alpha + slope*(a-50)/10 + loading*z + deprivationLoading*d} from
 * {@code minOnsetAge}; with slope 0, present with that probability and diagnosed up to {@code spread} years
 * after {@code minOnsetAge}. {@code alpha} is solved so prevalence over the England age pyramid (people
 * aged at least {@code denominatorAge}) equals the target.
 */
final class OnsetModel implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double[] Z = new double[41];
    private static final double[] ZW = new double[41];

    static {
        double total = 0;
        for (int i = 0; i < Z.length; i++) {
            Z[i] = -4 + 0.2 * i;
            ZW[i] = Math.exp(-Z[i] * Z[i] / 2);
            total += ZW[i];
        }
        for (int i = 0; i < Z.length; i++) {
            ZW[i] /= total;
        }
    }

    final String code;
    final double slope;
    final double loading;
    final double deprivationLoading;
    final double minOnsetAge;
    final double spread;
    final double alpha;

    OnsetModel(String code, double target, double denominatorAge, double slope, double loading, double deprivationLoading,
               double minOnsetAge, double spread, List<Map<String, String>> pyramid) {
        this.code = code;
        this.slope = slope;
        this.loading = loading;
        this.deprivationLoading = deprivationLoading;
        this.minOnsetAge = minOnsetAge;
        this.spread = spread;
        double lo = -40;
        double hi = 40;
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            if (prevalence(mid, denominatorAge, pyramid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        this.alpha = (lo + hi) / 2;
    }

    private record Key(String code, double target, double denominatorAge, double slope, double loading, double deprivationLoading,
                       double minOnsetAge, double spread, List<Map<String, String>> pyramid) {
    }

    /** Solved once per JVM for the same inputs: the solve is millions of logistic terms, and every model built needs each. */
    private static final Map<Key, OnsetModel> SOLVED = new java.util.concurrent.ConcurrentHashMap<>();

    static OnsetModel of(String code, double target, double denominatorAge, double slope, double loading, double deprivationLoading,
                         double minOnsetAge, double spread, List<Map<String, String>> pyramid) {
        return SOLVED.computeIfAbsent(new Key(code, target, denominatorAge, slope, loading, deprivationLoading, minOnsetAge, spread, pyramid),
                k -> new OnsetModel(k.code, k.target, k.denominatorAge, k.slope, k.loading, k.deprivationLoading, k.minOnsetAge, k.spread,
                        k.pyramid));
    }

    static OnsetModel fromRow(Map<String, String> r, List<Map<String, String>> pyramid) {
        return of(r.get("code"), Reference.d(r, "target_prevalence"), Reference.d(r, "denominator_age"),
                Reference.d(r, "age_slope"), Reference.d(r, "morbidity_loading"), Reference.d(r, "deprivation_loading"),
                Reference.d(r, "min_onset_age"), Reference.d(r, "onset_spread"), pyramid);
    }

    private double prevalence(double a0, double denominatorAge, List<Map<String, String>> pyramid) {
        double num = 0;
        double den = 0;
        for (Map<String, String> band : pyramid) {
            int from = (int) Reference.d(band, "age_from");
            int to = (int) Math.min(Reference.d(band, "age_to"), 95);
            double share = Reference.d(band, "share_pct") / (Reference.d(band, "age_to") - from + 1);
            for (int age = from; age <= to; age++) {
                if (age < denominatorAge) {
                    continue;
                }
                double w = share;
                double p = 0;
                for (int i = 0; i < Z.length; i++) {
                    for (int dec = 1; dec <= 10; dec++) {
                        double d = (5.5 - dec) / 4.5;
                        p += ZW[i] * 0.1 * probabilityBy(a0, age + 0.5, Z[i], d);
                    }
                }
                num += w * p;
                den += w;
            }
        }
        return num / den;
    }

    private double probabilityBy(double a0, double age, double z, double d) {
        if (age < minOnsetAge) {
            return 0;
        }
        if (slope == 0) {
            double p = logistic(a0 + loading * z + deprivationLoading * d);
            return spread <= 0 ? p : p * Math.min(1, (age - minOnsetAge) / spread);
        }
        return logistic(a0 + slope * (age - 50) / 10 + loading * z + deprivationLoading * d);
    }

    /** Onset age in years, or NaN when the person never has it. {@code extraLogit} adds to the linear predictor. */
    double onsetAge(Rng r, double z, double d, double extraLogit) {
        double u = r.u();
        double lp = alpha + loading * z + deprivationLoading * d + extraLogit;
        if (slope == 0) {
            if (u >= logistic(lp)) {
                return Double.NaN;
            }
            return minOnsetAge + r.u() * Math.max(0, spread);
        }
        u = Math.max(1e-12, Math.min(1 - 1e-12, u));
        double a = 50 + 10 * (Math.log(u / (1 - u)) - lp) / slope;
        if (a > 110) {
            return Double.NaN;
        }
        return Math.max(minOnsetAge, a) + (a < minOnsetAge ? r.u() : 0);
    }

    static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
