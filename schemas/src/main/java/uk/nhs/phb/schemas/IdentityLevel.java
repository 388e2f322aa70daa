package uk.nhs.phb.schemas;

/** How identifiable the rows of a table or file are; every person-level output states one. */
public enum IdentityLevel {
    /** Carries direct identifiers (NHS number, names). Never allowed in the lake. */
    IDENTIFIABLE,
    /** Identifiers replaced by keyed tokens or surrogate ids: re-identifiable only by the key holder. */
    PSEUDONYMISED,
    /** Passed the project's k-anonymity and risk checks. */
    ANONYMISED,
    /** Counts and sums only; no row is a person. */
    AGGREGATE
}
