package uk.nhs.phb.jobs;

/** A person named on the command line: only ever by the lake's pseudonymous id. */
public final class PersonIds {
    private PersonIds() {
    }

    /** Refuses anything that is not a pseudonymous id, such as an NHS number or a name, before any lake is read. */
    public static String check(String personId) {
        if (personId == null || !personId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InputException("--person '" + personId + "' is not a person id of the lake (a pseudonymous id such as P3f9a...); "
                    + "phb never looks people up by NHS number or name");
        }
        return personId;
    }
}
