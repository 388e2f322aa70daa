package uk.nhs.phb.models.pseudonym;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * Turns identifiable fields into keyed tokens and encodings, the one code path used by a data provider
 * ({@code phb pseudonymise}) and by the synthetic generator. Date-of-birth tokens come in three grains so
 * partial agreement survives pseudonymisation: exact date, year and month, and year with day and month
 * unordered (agrees when a sender swapped day and month). Not thread-safe.
 */
public final class IdentityEncoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final KeyedTokens tokens;
    private final BloomEncoder bloom;

    public IdentityEncoder(SecretKey key) {
        this.tokens = new KeyedTokens(key);
        this.bloom = new BloomEncoder(key);
    }

    /** Encodes one record; an NHS number failing the modulus-11 check gives a null token. */
    public EncodedIdentity encode(Identity id) {
        String nhs = id.nhsNumber() != null && NhsNumber.isValid(id.nhsNumber())
                ? tokens.token("nhs_number", NhsNumber.normalise(id.nhsNumber())) : null;
        LocalDate dob = id.dateOfBirth();
        String dobToken = null;
        String ymToken = null;
        String dmToken = null;
        Integer year = null;
        if (dob != null) {
            year = dob.getYear();
            dobToken = tokens.token("dob", dob.toString());
            ymToken = tokens.token("dob_ym", String.format("%04d-%02d", dob.getYear(), dob.getMonthValue()));
            int lo = Math.min(dob.getDayOfMonth(), dob.getMonthValue());
            int hi = Math.max(dob.getDayOfMonth(), dob.getMonthValue());
            dmToken = tokens.token("dob_dm", dob.getYear() + "|" + lo + "|" + hi);
        }
        String pc = Normalise.postcode(id.postcode());
        return new EncodedIdentity(
                nhs,
                bloom.encode(id.givenName(), id.familyName()),
                dobToken, ymToken, dmToken,
                tokens.token("postcode", pc),
                tokens.token("postcode_district", Normalise.postcodeDistrict(pc)),
                year,
                Normalise.sex(id.sex()));
    }

    /** A token for any other local identifier (a council's person id, a pupil number), in its own domain. */
    public String localIdToken(String domain, String localId) {
        return tokens.token("local:" + domain, localId == null ? null : localId.strip());
    }
}
