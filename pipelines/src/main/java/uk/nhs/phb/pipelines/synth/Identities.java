package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_IDENT;

import java.time.LocalDate;
import java.util.List;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;

/**
 * Who a simulated person's records name, and how: their NHS number (in the 999 test range), the postcode of each
 * address, the identity a council or school system holds for them (with its recording faults), and the tokens the
 * provider's key makes of each, as the feeds carry them.
 */
final class Identities {
    private final Model m;
    private final SynthSettings s;
    private final SecretKey key;
    private IdentityEncoder encoder;

    Identities(Model model, SecretKey key) {
        this.m = model;
        this.s = model.settings;
        this.key = key;
    }

    IdentityEncoder encoder() {
        if (encoder == null) {
            encoder = new IdentityEncoder(key);
        }
        return encoder;
    }

    // ------------------------------------------------------------------ the person's trajectory

    String token(Person p) {
        if (p.token == null) {
            p.token = encoder().encode(new Identity(p.nhsNumber, null, null, null, null, null)).nhsToken();
        }
        return p.token;
    }

    /** NHS numbers in the 999 test range while it lasts, then in blocks below it; unique per person index. */
    static String nhsNumber(long idx) {
        long low = idx % 1_000_000;
        long group = idx / 1_000_000;
        for (int k = 0; k < 10; k++) {
            long block = 999 - 10 * group - k;
            String nine = String.format("%03d%06d", block, low);
            int check = NhsNumber.checkDigit(nine);
            if (check >= 0) {
                return nine + check;
            }
        }
        throw new IllegalStateException("no valid NHS number for person " + idx);
    }

    String postcode(Person p, int spell, int lsoa) {
        Rng r = new Rng(s.seed(), p.idx, S_IDENT, 100 + spell);
        return m.geo.lsoaDistrict[lsoa] + " " + r.between(1, 9) + (char) ('A' + r.between(0, 25)) + (char) ('A' + r.between(0, 25));
    }

    /** The identity a social care or education system holds, with its recording faults (counted when emitting). */
    Identity variant(Person p, String feed, List<String> faults) {
        Rng r = new Rng(s.seed(), p.idx, S_IDENT, feed.hashCode() & 0xFFFF);
        FaultRates f = s.faults();
        String given = p.given;
        String family = p.family;
        LocalDate dob = p.dob;
        String postcode = p.spells.get(p.spells.size() - 1).postcode;
        if (r.chance(f.nameTypo())) {
            boolean g = r.chance(0.5);
            String n = g ? given : family;
            int i = r.between(1, n.length() - 1);
            char c = (char) ('a' + r.between(0, 25));
            n = r.chance(0.5) && n.length() > 3 ? n.substring(0, i) + n.substring(i + 1) : n.substring(0, i) + c + n.substring(Math.min(n.length(), i + 1));
            if (g) {
                given = n;
            } else {
                family = n;
            }
            if (faults != null) {
                faults.add("name_typo");
            }
        }
        if (r.chance(f.dobSwap()) && dob.getDayOfMonth() <= 12 && dob.getDayOfMonth() != dob.getMonthValue()) {
            dob = LocalDate.of(dob.getYear(), dob.getDayOfMonth(), dob.getMonthValue());
            if (faults != null) {
                faults.add("dob_swap");
            }
        }
        if (r.chance(f.stalePostcode())) {
            postcode = p.spells.size() > 1 ? p.spells.get(0).postcode : postcode(p, 50, p.spells.get(0).lsoa);
            if (faults != null) {
                faults.add("stale_postcode");
            }
        }
        // drawn after the kinds above, so adding these left those draws as they were
        List<String> variants = m.ref.nameVariants.get(p.given);
        if (r.chance(f.nickname()) && variants != null) {
            given = r.pick(variants);
            if (faults != null) {
                faults.add("nickname");
            }
        }
        if (r.chance(f.surnameChange()) && p.sex.equals("2") && p.age(s.end()) >= 20) {
            List<String> families = m.ref.names.get("family");
            String other = r.pick(families);
            family = other.equals(p.family) ? families.get((families.indexOf(other) + 1) % families.size()) : other;
            if (faults != null) {
                faults.add("surname_change");
            }
        }
        if (r.chance(f.dobDefault())) {
            LocalDate recorded = r.chance(0.5) ? dob.withDayOfMonth(1) : LocalDate.of(dob.getYear(), 1, 1);
            if (!recorded.equals(dob)) {
                dob = recorded;
                if (faults != null) {
                    faults.add("dob_default");
                }
            }
        }
        return new Identity(p.nhsNumber, given, family, dob, p.sex, postcode);
    }

    void identityBlock(String[] v, Emitter.Layout l, EncodedIdentity e, boolean withNhs) {
        if (withNhs && l.position.containsKey("nhs_token")) {
            v[l.at("nhs_token")] = e.nhsToken();
        }
        v[l.at("name_bloom")] = e.nameBloom();
        v[l.at("dob_token")] = e.dobToken();
        v[l.at("dob_ym_token")] = e.dobYmToken();
        v[l.at("dob_dm_token")] = e.dobDmToken();
        v[l.at("postcode_token")] = e.postcodeToken();
        v[l.at("postcode_district_token")] = e.postcodeDistrictToken();
        v[l.at("birth_year")] = e.birthYear() == null ? null : e.birthYear().toString();
        v[l.at("sex")] = e.sex();
    }

    // ------------------------------------------------------------------ static feeds (trajectory rows)

    /**
     * A child's identity as the CIN census and SSDA903 give it: the date of birth and sex, with no NHS number, name or
     * postcode (neither return has them); the child links through the UPN their school census row meets, or not at all.
     */
    static void childIdentity(String[] v, Emitter.Layout l, EncodedIdentity e, List<String> faults, Emitter out) {
        v[l.at("dob_token")] = e.dobToken();
        v[l.at("dob_ym_token")] = e.dobYmToken();
        v[l.at("dob_dm_token")] = e.dobDmToken();
        v[l.at("birth_year")] = e.birthYear() == null ? null : e.birthYear().toString();
        v[l.at("sex")] = e.sex();
        identityFaults(out, "csc", v[l.keyIndex], faults.stream().filter(f -> f.equals("dob_swap") || f.equals("dob_default")).toList());
    }

    /** Each recording fault of a record's identity, counted against the field its encoding lands in. */
    static void identityFaults(Emitter out, String feed, String key, List<String> faults) {
        for (String f : faults) {
            String field = switch (f) {
                case "name_typo", "nickname", "surname_change" -> "name_bloom";
                case "dob_swap", "dob_default" -> "dob_token";
                default -> "postcode_token";
            };
            out.fault(feed, f, key, field);
        }
    }

    /** The token of the pupil's UPN, the key of their education records, with its truth. */
    String pupilToken(Person p, Emitter out) {
        String token = encoder().localIdToken("upn", upn(p));
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "pupil_token", token, p.id);
        return token;
    }

    String upn(Person p) {
        return "A" + String.format("%012d", Long.remainderUnsigned(Rng.mix(s.seed() ^ (p.idx * 41 + 13)), 1_000_000_000_000L));
    }

    // ------------------------------------------------------------------ truth

    /** A council record's identity: its tokens, and an NHS number only where the council holds one; its faults recorded. */
    void socialCareIdentity(Person p, String feed, String[] v, Emitter.Layout l, EncodedIdentity e, List<String> faults, Emitter out) {
        identityBlock(v, l, e, false);
        v[l.at("nhs_token")] = p.socialCareNoNhs ? null : e.nhsToken();
        String key = v[l.keyIndex];
        identityFaults(out, feed, key, faults);
    }
}
