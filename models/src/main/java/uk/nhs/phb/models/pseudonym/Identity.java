package uk.nhs.phb.models.pseudonym;

import java.time.LocalDate;

/**
 * Identifiable fields of one record as a data provider holds them. Exists only inside the provider's
 * process ({@code phb pseudonymise}, or the synthetic generator standing in for one); never written.
 */
public record Identity(String nhsNumber, String givenName, String familyName, LocalDate dateOfBirth,
                       String sex, String postcode) {

    @Override
    public String toString() {
        return "Identity[redacted]";
    }
}
