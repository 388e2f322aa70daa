package uk.nhs.phb.models.anonymise;

/** No level vector satisfies the privacy models within the suppression limit; the message says how far off. */
public final class NoTransformationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoTransformationException(String message) {
        super(message);
    }
}
