package uk.nhs.phb.schemas.profiles;

/** A dataset profile or local override file that cannot be used: the message names the file and line. */
public final class ProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProfileException(String message) {
        super(message);
    }

    static ProfileException at(String file, int line, String message) {
        return new ProfileException(file + (line > 0 ? " line " + line : "") + ": " + message);
    }
}
