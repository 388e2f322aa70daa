package uk.nhs.phb.models.budget;

import java.util.Arrays;

/**
 * A funding stream of an indicative budget: who pays, and what the money would otherwise buy. Streams are
 * kept apart in every budget; only a cohort whose rule allows pooling combines them into one integrated
 * personal budget.
 */
public enum Stream {
    NHS_CONTINUING_CARE("nhs_continuing_care", Funder.NHS, "NHS continuing care package"),
    NHS_COMMUNITY("nhs_community", Funder.NHS, "NHS community health services"),
    NHS_MENTAL_HEALTH("nhs_mental_health", Funder.NHS, "NHS community mental health services"),
    NHS_WHEELCHAIR("nhs_wheelchair", Funder.NHS, "NHS wheelchair"),
    ADULT_SOCIAL_CARE("adult_social_care", Funder.COUNCIL_SOCIAL_CARE, "council adult social care"),
    EDUCATION("education", Funder.COUNCIL_EDUCATION, "council education support (EHC plan)");

    /** Who pays for a stream. */
    public enum Funder {
        NHS("the NHS"),
        COUNCIL_SOCIAL_CARE("the council's adult social care"),
        COUNCIL_EDUCATION("the council's education service");

        private final String words;

        Funder(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final String code;
    private final Funder funder;
    private final String words;

    Stream(String code, Funder funder, String words) {
        this.code = code;
        this.funder = funder;
        this.words = words;
    }

    public String code() {
        return code;
    }

    public Funder funder() {
        return funder;
    }

    /** The stream in plain words. */
    public String words() {
        return words;
    }

    public static Stream of(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown funding stream '" + code + "'; known: "
                        + Arrays.stream(values()).map(Stream::code).toList()));
    }
}
