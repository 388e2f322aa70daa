package uk.nhs.phb.pipelines.synth;

import java.util.Arrays;
import java.util.Locale;

/** How the synthetic population's files are laid out. */
public enum SynthLayout {
    /** Every feed in phb's own layout (docs/FEEDS.md). */
    PHB,
    /**
     * The health feeds as the national extracts an ICB receives (SUS+ APCS, SUS+ OPA, ECDS, GP events, NHSBSA items, CSDS,
     * MHSDS, CHC PLDS), adult social care as ASC-CLD, the school census, SEN2 and the CIN census as XML returns and the
     * national data opt-out list, read by their dataset profiles (docs/SYNTH.md); looked-after episodes and local feeds in phb's layout.
     */
    NATIONAL;

    /** The layout named {@code name} ({@code phb} or {@code national}), or a message naming both. */
    public static SynthLayout parse(String name) {
        for (SynthLayout l : values()) {
            if (l.label().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout must be one of " + Arrays.stream(values()).map(SynthLayout::label).toList()
                + ", got '" + name + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
