package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * What to generate.
 *
 * @param people              people who live in the area at some time in the window (present at the start,
 *                            born, or moving in); at least 100
 * @param seed                the same seed gives the same rows, whatever the partitioning
 * @param start               first day of the window (the first day of a month); default 2022-04-01
 * @param end                 last day of the window (after start); default 2026-03-31
 * @param missingNhsTokenShare share of adult social care people (asc_cld) whose records carry no NHS number (children's social care never does: the CIN census and SSDA903 have none)
 *                            token; default 0.08
 * @param faults              injected fault rates; default {@link FaultRates#defaults()}
 */
public record SynthSettings(long people, long seed, LocalDate start, LocalDate end, double missingNhsTokenShare,
                            FaultRates faults) implements Serializable {

    public static final LocalDate DEFAULT_START = LocalDate.of(2022, 4, 1);
    public static final LocalDate DEFAULT_END = LocalDate.of(2026, 3, 31);
    public static final double DEFAULT_MISSING_NHS_TOKEN_SHARE = 0.08;

    public SynthSettings {
        if (people < 100) {
            throw new IllegalArgumentException("people must be at least 100, got " + people);
        }
        if (people > 100_000_000L) {
            throw new IllegalArgumentException("people must be at most 100,000,000, got " + people);
        }
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("the window must end after it starts, got " + start + " to " + end);
        }
        if (start.getDayOfMonth() != 1) {
            throw new IllegalArgumentException("the window must start on the first day of a month, got " + start);
        }
        if (start.plusMonths(6).isAfter(end.plusDays(1))) {
            throw new IllegalArgumentException("the window must be at least 6 months long, got " + start + " to " + end);
        }
        if (!(missingNhsTokenShare >= 0 && missingNhsTokenShare <= 1)) {
            throw new IllegalArgumentException("missing NHS token share must be between 0 and 1, got " + missingNhsTokenShare);
        }
        if (faults == null) {
            throw new IllegalArgumentException("fault rates are required (FaultRates.none() for none)");
        }
    }

    /** The defaults for everything but size and seed. */
    public static SynthSettings of(long people, long seed) {
        return new SynthSettings(people, seed, DEFAULT_START, DEFAULT_END, DEFAULT_MISSING_NHS_TOKEN_SHARE,
                FaultRates.defaults());
    }

    public SynthSettings withWindow(LocalDate newStart, LocalDate newEnd) {
        return new SynthSettings(people, seed, newStart, newEnd, missingNhsTokenShare, faults);
    }

    public SynthSettings withFaults(FaultRates newFaults) {
        return new SynthSettings(people, seed, start, end, missingNhsTokenShare, newFaults);
    }

    public SynthSettings withMissingNhsTokenShare(double share) {
        return new SynthSettings(people, seed, start, end, share, faults);
    }
}
