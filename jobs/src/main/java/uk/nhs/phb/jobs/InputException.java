package uk.nhs.phb.jobs;

/**
 * Bad input the user can fix: a missing or unreadable file, a changed header, a bad key, an unwritable
 * folder. The message names the file, row or field and says what to do. The CLI exits with code 3 and
 * prints the message only (the stack trace with {@code --verbose}).
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
