package uk.nhs.phb.models.pseudonym;

/**
 * The pseudonymised form of an {@link Identity}: the columns of the feeds' identity block
 * ({@code nhs_token, name_bloom, dob_token, dob_ym_token, dob_dm_token, postcode_token,
 * postcode_district_token, birth_year, sex}). Any field may be null when its source was missing or invalid.
 */
public record EncodedIdentity(String nhsToken, String nameBloom, String dobToken, String dobYmToken,
                              String dobDmToken, String postcodeToken, String postcodeDistrictToken,
                              Integer birthYear, String sex) {
}
