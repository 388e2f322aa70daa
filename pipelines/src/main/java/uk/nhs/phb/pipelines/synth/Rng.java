package uk.nhs.phb.pipelines.synth;

import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Random draws for one person and one purpose. Every stream is seeded from (run seed, person index,
 * stream, month) alone, so a person's rows do not depend on partitioning, and a month's draws are the same
 * in the factual and counterfactual runs (common random numbers).
 */
final class Rng {
    private final SplittableRandom random;

    Rng(long seed, long person, int stream, int month) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (person * 0xBF58476D1CE4E5B9L));
        h = mix(h ^ ((long) stream * 0x94D049BB133111EBL));
        h = mix(h ^ ((long) (month + 1000) * 0xD6E8FEB86659FD93L));
        this.random = new SplittableRandom(h);
    }

    /** The splitmix64 finaliser: a bijection on 64-bit values. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    double u() {
        return random.nextDouble();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int between(int loInclusive, int hiInclusive) {
        return hiInclusive <= loInclusive ? loInclusive : random.nextInt(loInclusive, hiInclusive + 1);
    }

    double normal() {
        double u1 = Math.max(1e-12, random.nextDouble());
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    double lognormal(double median, double sigma) {
        return median * Math.exp(sigma * normal());
    }

    int poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = random.nextDouble();
        while (p > l) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }

    /** Index drawn from non-negative weights. */
    int pick(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    <T> T pick(java.util.List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** A uniformly random day of the month starting at {@code monthStart}. */
    LocalDate dayIn(LocalDate monthStart) {
        return monthStart.plusDays(random.nextInt(monthStart.lengthOfMonth()));
    }
}
