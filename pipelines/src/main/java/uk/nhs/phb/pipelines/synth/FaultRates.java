package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rates of deliberately injected data-quality faults, each the chance that one emitted row (or, for the
 * identity faults, one person's records in one social care or education feed) carries the fault. Every
 * injected fault is counted in {@code _truth/faults}. Defaults come from {@code parameters.csv}
 * ({@code fault_default_<kind>}).
 *
 * @param malformedRow    a CSV line with a missing column or an unclosed quote
 * @param unknownCode     a coded field holding a value outside its code list (a field whose rows are quarantined for it)
 * @param recodedCode     a coded field that keeps such rows ({@code unknownAs}) holding a value outside its list, as real
 *                        files carry codes newer than phb's lists: ingest keeps the row under the field's unknown code and
 *                        counts the value
 * @param badCost         a negative or absurdly large amount
 * @param futureDate      a date years after the window (and after today)
 * @param duplicateRecord the same record (same key) sent twice
 * @param missingRequired a required field left blank
 * @param nameTypo        social care / education: a typing error in the name before encoding
 * @param dobSwap         social care / education: day and month of birth swapped before encoding
 * @param stalePostcode   social care / education: an old or different postcode before encoding
 * @param nickname        social care / education: the given name in another form (a short form, a fuller form or another
 *                        spelling: {@code name_variants.csv}), for names that have one
 * @param surnameChange   social care / education: a woman aged 20 or over held under another family name (marriage or
 *                        divorce)
 * @param dobDefault      social care / education: the day, or the day and month, of birth unknown and recorded as the
 *                        1st, or as 1 January
 */
public record FaultRates(double malformedRow, double unknownCode, double recodedCode, double badCost, double futureDate,
                         double duplicateRecord, double missingRequired, double nameTypo, double dobSwap,
                         double stalePostcode, double nickname, double surnameChange, double dobDefault) implements Serializable {

    /** Fault kinds, as written in {@code _truth/faults.kind} and accepted by {@link #with}. */
    public static final List<String> KINDS = List.of("malformed_row", "unknown_code", "recoded_code", "bad_cost", "future_date",
            "duplicate_record", "missing_required", "name_typo", "dob_swap", "stale_postcode", "nickname", "surname_change", "dob_default");

    public FaultRates {
        for (double r : new double[] {malformedRow, unknownCode, recodedCode, badCost, futureDate, duplicateRecord, missingRequired,
                nameTypo, dobSwap, stalePostcode, nickname, surnameChange, dobDefault}) {
            if (!(r >= 0 && r <= 0.5)) {
                throw new IllegalArgumentException("a fault rate must be between 0 and 0.5, got " + r);
            }
        }
    }

    /** The defaults from reference data (0.1-0.5% per kind). */
    public static FaultRates defaults() {
        Reference ref = Reference.load();
        FaultRates f = none();
        for (String k : KINDS) {
            f = f.with(k, ref.p("fault_default_" + k));
        }
        return f;
    }

    /** No faults at all ({@code --no-faults}). */
    public static FaultRates none() {
        return new FaultRates(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** A copy with one kind's rate changed; the message lists the kinds when {@code kind} is unknown. */
    public FaultRates with(String kind, double rate) {
        Map<String, Double> m = asMap();
        if (!m.containsKey(kind)) {
            throw new IllegalArgumentException("unknown fault kind '" + kind + "'; kinds: " + String.join(", ", KINDS));
        }
        m.put(kind, rate);
        return new FaultRates(m.get("malformed_row"), m.get("unknown_code"), m.get("recoded_code"), m.get("bad_cost"), m.get("future_date"),
                m.get("duplicate_record"), m.get("missing_required"), m.get("name_typo"), m.get("dob_swap"),
                m.get("stale_postcode"), m.get("nickname"), m.get("surname_change"), m.get("dob_default"));
    }

    public double rate(String kind) {
        Double r = asMap().get(kind);
        if (r == null) {
            throw new IllegalArgumentException("unknown fault kind '" + kind + "'; kinds: " + String.join(", ", KINDS));
        }
        return r;
    }

    /** Kind to rate, in {@link #KINDS} order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("malformed_row", malformedRow);
        m.put("unknown_code", unknownCode);
        m.put("recoded_code", recodedCode);
        m.put("bad_cost", badCost);
        m.put("future_date", futureDate);
        m.put("duplicate_record", duplicateRecord);
        m.put("missing_required", missingRequired);
        m.put("name_typo", nameTypo);
        m.put("dob_swap", dobSwap);
        m.put("stale_postcode", stalePostcode);
        m.put("nickname", nickname);
        m.put("surname_change", surnameChange);
        m.put("dob_default", dobDefault);
        return m;
    }
}
