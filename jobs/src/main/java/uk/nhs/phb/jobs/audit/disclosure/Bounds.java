package uk.nhs.phb.jobs.audit.disclosure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an attacker knows of each count: an interval of whole numbers, narrowed by every published figure and by
 * every relation between figures until nothing changes (interval constraint propagation). A count is recovered
 * when its interval closes on one value.
 *
 * <p>Relations: a total is the sum of its parts (exactly, or at least, where some parts are not published); a
 * published share or mean is a numerator over a denominator, known to the precision it is printed with.
 */
final class Bounds {
    /** Larger than any count a publication can hold, small enough that sums of it never overflow. */
    static final long UNBOUNDED = 1L << 40;
    private static final int MAX_ROUNDS = 200;

    /** A count's interval {@code [lo, hi]}. */
    record Interval(long lo, long hi) {
        static final Interval ANY = new Interval(0, UNBOUNDED);

        boolean exact() {
            return lo == hi;
        }

        boolean empty() {
            return lo > hi;
        }

        Interval and(Interval o) {
            return new Interval(Math.max(lo, o.lo), Math.min(hi, o.hi));
        }

        @Override
        public String toString() {
            return hi >= UNBOUNDED ? "[" + lo + ", ...]" : lo == hi ? Long.toString(lo) : "[" + lo + ", " + hi + "]";
        }
    }

    /** {@code total = sum(parts)}, or {@code total >= sum(parts)} when {@code atLeast}. */
    record Sum(String total, List<String> parts, boolean atLeast, String how) {
    }

    /** {@code numerator / denominator} lies in {@code [low, high]} (a printed share with its rounding). */
    record Ratio(String numerator, String denominator, double low, double high, String how) {
    }

    private final Map<String, Interval> known = new LinkedHashMap<>();
    private final Map<String, List<String>> evidence = new LinkedHashMap<>();
    private final List<Sum> sums = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();

    /** Adds what one published figure says of a count. */
    void observe(String cell, Interval interval, String source) {
        narrow(cell, interval, source);
    }

    void sum(Sum s) {
        sums.add(s);
        known.putIfAbsent(s.total(), Interval.ANY);
        s.parts().forEach(p -> known.putIfAbsent(p, Interval.ANY));
    }

    void ratio(Ratio r) {
        ratios.add(r);
        known.putIfAbsent(r.numerator(), Interval.ANY);
        known.putIfAbsent(r.denominator(), Interval.ANY);
    }

    Interval get(String cell) {
        return known.getOrDefault(cell, Interval.ANY);
    }

    boolean has(String cell) {
        return known.containsKey(cell);
    }

    /** How a cell came to be narrowed (the sources and relations, in order). */
    List<String> evidence(String cell) {
        return evidence.getOrDefault(cell, List.of());
    }

    /** Cells whose published figures and relations contradict each other: the attacker's reading was wrong there. */
    List<String> conflicts() {
        return conflicts;
    }

    int relations() {
        return sums.size() + ratios.size();
    }

    /** Narrows every interval by every relation until a round changes nothing. */
    void propagate() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean changed = false;
            for (Sum s : sums) {
                changed |= apply(s);
            }
            for (Ratio r : ratios) {
                changed |= apply(r);
            }
            if (!changed) {
                return;
            }
        }
    }

    private boolean apply(Sum s) {
        int n = s.parts().size();
        long[] lo = new long[n];
        long[] hi = new long[n];
        long sumLo = 0;
        long sumHi = 0;
        for (int i = 0; i < n; i++) {
            Interval p = get(s.parts().get(i));
            lo[i] = p.lo();
            hi[i] = Math.min(p.hi(), UNBOUNDED);
            sumLo += lo[i];
            sumHi += hi[i];
        }
        Interval t = get(s.total());
        boolean changed = narrow(s.total(), new Interval(sumLo, s.atLeast() ? UNBOUNDED : Math.min(sumHi, UNBOUNDED)), s.how());
        t = get(s.total());
        for (int i = 0; i < n; i++) {
            long othersLo = sumLo - lo[i];
            long othersHi = sumHi - hi[i];
            long partHi = t.hi() >= UNBOUNDED ? UNBOUNDED : t.hi() - othersLo;
            long partLo = s.atLeast() || othersHi >= UNBOUNDED ? 0 : t.lo() - othersHi;
            changed |= narrow(s.parts().get(i), new Interval(partLo, partHi), s.how());
        }
        return changed;
    }

    private boolean apply(Ratio r) {
        Interval num = get(r.numerator());
        Interval den = get(r.denominator());
        boolean changed = false;
        double eps = 1e-9;
        if (den.hi() < UNBOUNDED) {
            long lo = (long) Math.ceil(Math.max(0, r.low()) * den.lo() - eps);
            long hi = (long) Math.floor(r.high() * den.hi() + eps);
            changed |= narrow(r.numerator(), new Interval(lo, hi), r.how());
        } else if (r.low() > 0) {
            long lo = (long) Math.ceil(r.low() * den.lo() - eps);
            changed |= narrow(r.numerator(), new Interval(lo, UNBOUNDED), r.how());
        }
        num = get(r.numerator());
        long denLo = r.high() > 0 ? (long) Math.ceil(num.lo() / r.high() - eps) : 0;
        long denHi = r.low() > 0 && num.hi() < UNBOUNDED ? (long) Math.floor(num.hi() / r.low() + eps) : UNBOUNDED;
        changed |= narrow(r.denominator(), new Interval(denLo, denHi), r.how());
        return changed;
    }

    private boolean narrow(String cell, Interval by, String how) {
        Interval before = known.getOrDefault(cell, Interval.ANY);
        Interval after = before.and(by);
        if (after.equals(before)) {
            known.putIfAbsent(cell, before);
            return false;
        }
        if (after.empty()) {
            if (!conflicts.contains(cell)) {
                conflicts.add(cell);
            }
            return false;
        }
        known.put(cell, after);
        List<String> e = evidence.computeIfAbsent(cell, k -> new ArrayList<>());
        if (!e.contains(how) && e.size() < 8) {
            e.add(how);
        }
        return true;
    }
}
