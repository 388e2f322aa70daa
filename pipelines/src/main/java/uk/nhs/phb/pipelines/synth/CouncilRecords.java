package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_ASC;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_SCHOOL;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Episode;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;
import uk.nhs.phb.schemas.profiles.PriceList;

/**
 * The rows a simulated person leaves in a council's and a school's returns: adult social care (ASC-CLD), children in
 * need and looked-after children, EHC plans (SEN2) and the school census, each under the identity that system holds.
 */
final class CouncilRecords {
    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final Identities ids;

    CouncilRecords(Model model, Identities ids) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.ids = ids;
    }

    void writeAsc(Person p, Emitter out, String token) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        boolean lts = p.ascStart != null && !p.ascStart.isAfter(end) && (p.ascEnd == null || !p.ascEnd.isBefore(start));
        boolean st = p.ascShortTerm != null && !p.ascShortTerm.isAfter(end);
        if (!lts && !st) {
            return;
        }
        List<String> faults = new ArrayList<>();
        Identity id = ids.variant(p, "asc_cld", faults);
        EncodedIdentity e = ids.encoder().encode(id);
        String la = m.geo.laCodes[p.ascLa];
        String personToken = ids.encoder().localIdToken("asc:" + la, "LA" + Long.toUnsignedString(Rng.mix(s.seed() ^ (p.idx * 31 + 7)), 36));
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "la_person_token", personToken, p.id);
        Rng r = new Rng(s.seed(), p.idx, S_ASC, 1);
        List<Object[]> events = new ArrayList<>(); // type, start, end, serviceType, component, delivery, unitCost, unit, units, outcome
        if (lts) {
            LocalDate s0 = p.ascStart;
            events.add(new Object[] {"Request", s0.minusDays(r.between(28, 56)), null, null, null, null, null, null, null, "PROGRESS_TO_ASSESSMENT"});
            LocalDate as = s0.minusDays(r.between(7, 27));
            events.add(new Object[] {"Assessment", as, as.plusDays(r.between(0, 6)), null, null, null, null, null, null, "PROGRESS_TO_SERVICE"});
            // one Service event per financial year, as unit costs change each April
            LocalDate segStart = s0;
            while (!segStart.isAfter(end) && (p.ascEnd == null || !segStart.isAfter(p.ascEnd))) {
                int fy = MonthlyActivity.fy(segStart);
                LocalDate fyEnd = LocalDate.of(fy + 1, 3, 31);
                LocalDate segEnd = p.ascEnd != null && p.ascEnd.isBefore(fyEnd) ? p.ascEnd : fyEnd;
                boolean last = p.ascEnd != null && !segEnd.isBefore(p.ascEnd);
                if (!segEnd.isBefore(start)) {
                    boolean hourly = p.ascUnitItem.equals("home_care_hour");
                    double unitCost = hourly ? ref.cost("home_care_hour", fy) : ref.cost(p.ascUnitItem, fy);
                    double units = hourly ? Math.round(p.ascHours * (1 + ref.p("asc_planned_hours_noise") * r.normal()) * 2) / 2.0 : 1;
                    if (p.ascDelivery.equals("DIRECT_PAYMENT")) {
                        unitCost = unitCost * units;
                        units = 1;
                    }
                    events.add(new Object[] {"Service", segStart, segEnd.isAfter(end) ? null : segEnd, p.ascServiceType, p.ascComponent,
                        p.ascDelivery, Math.min(19_999, unitCost), hourly && !p.ascDelivery.equals("DIRECT_PAYMENT") ? "Hourly" : "Weekly",
                        Math.max(0.5, Math.min(168, units)), last ? (p.died ? "DIED" : "END") : null});
                }
                segStart = fyEnd.plusDays(1);
            }
            for (LocalDate rv = s0.plusYears(1); !rv.isAfter(end) && (p.ascEnd == null || rv.isBefore(p.ascEnd)); rv = rv.plusYears(1)) {
                events.add(new Object[] {"Review", rv, rv, null, null, null, null, null, null, r.chance(0.85) ? "CONTINUE" : "CHANGE"});
            }
        }
        if (st) {
            LocalDate d = p.ascShortTerm;
            events.add(new Object[] {"Request", d, d, null, null, null, null, null, null,
                p.ascShortService ? "PROGRESS_TO_SERVICE" : "NO_SERVICES"});
            if (p.ascShortService) {
                LocalDate se = d.plusDays(r.between(7, 14));
                LocalDate en = se.plusWeeks(6);
                events.add(new Object[] {"Service", se, en.isAfter(end) ? null : en, "ST_MAX", "REABLEMENT", "COMMISSIONED",
                    ref.cost("reablement_week", MonthlyActivity.fy(se)), "Weekly", 1.0, "NO_SERVICES"});
            }
        }
        Emitter.Layout l = Emitter.layout("asc_cld");
        for (Object[] ev : events) {
            LocalDate es = (LocalDate) ev[1];
            if (es.isAfter(end) || (ev[0].equals("Request") || ev[0].equals("Assessment")) && es.isBefore(start.minusYears(1))) {
                continue;
            }
            if (es.isBefore(p.dob)) {
                continue;
            }
            String[] v = out.newRow("asc_cld");
            String id2 = out.nextId("asc_cld");
            v[l.at("event_id")] = id2;
            v[l.at("la_code")] = la;
            v[l.at("la_person_token")] = personToken;
            v[l.at("ethnicity")] = p.ethnicity;
            v[l.at("client_type")] = "SERVICE_USER";
            v[l.at("event_type")] = (String) ev[0];
            v[l.at("event_start")] = es.toString();
            LocalDate ee = (LocalDate) ev[2];
            v[l.at("event_end")] = ee == null ? null : (ee.isBefore(es) ? es : ee).toString();
            v[l.at("service_type")] = (String) ev[3];
            v[l.at("service_component")] = (String) ev[4];
            v[l.at("delivery_mechanism")] = (String) ev[5];
            v[l.at("primary_support_reason")] = p.ascReason != null ? p.ascReason : "PHYSICAL_PERSONAL_CARE";
            v[l.at("unit_cost")] = ev[6] == null ? null : Emitter.money((double) ev[6]);
            v[l.at("cost_frequency_unit_type")] = (String) ev[7];
            v[l.at("planned_units_per_week")] = ev[8] == null ? null : Emitter.money((double) ev[8]);
            v[l.at("event_outcome")] = (String) ev[9];
            ids.socialCareIdentity(p, "asc_cld", v, l, e, faults, out);
            out.feed("asc_cld", v);
            out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "asc_cld", id2, p.id);
        }
    }

    void writeCsc(Person p, Emitter out, String token) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        List<Episode> eps = p.csc.stream().filter(x -> !x.start.isAfter(end) && !x.end.isBefore(start)).toList();
        if (eps.isEmpty()) {
            return;
        }
        List<String> faults = new ArrayList<>();
        Identity id = ids.variant(p, "csc", faults);
        EncodedIdentity e = ids.encoder().encode(id);
        String la = m.geo.laCodes[m.geo.lsoaLa[p.spellAt(eps.get(0).start).lsoa]];
        String childToken = ids.encoder().localIdToken("csc:" + la, "C" + Long.toUnsignedString(Rng.mix(s.seed() ^ (p.idx * 37 + 11)), 36));
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "child_token", childToken, p.id);
        Emitter.Layout l = Emitter.layout("csc");
        // a child who is of school age in the window has a UPN, which the CIN census gives with each of their episodes
        String upn = p.age(end) >= 4 && p.age(start) < 19 ? ids.encoder().localIdToken("upn", ids.upn(p)) : null;
        for (Episode ep : eps) {
            String[] v = out.newRow("csc");
            String id2 = out.nextId("csc");
            v[l.at("episode_id")] = id2;
            v[l.at("la_code")] = la;
            v[l.at("child_token")] = childToken;
            v[l.at("episode_type")] = ep.type;
            v[l.at("start_date")] = ep.start.toString();
            v[l.at("end_date")] = ep.end.isAfter(end) ? null : ep.end.toString();
            // SSDA903 carries no cost: a placement is costed at the council's price of its kind, as ingest prices the return
            // (the synthetic landing's override); what it really costs (weekly) is known only to the truth
            v[l.at("placement_weekly_cost")] = ep.costGroup == null ? null : Emitter.money(ref.cost(ep.costGroup));
            v[l.at("placement_type")] = ep.placement;
            v[l.at("pupil_token")] = upn;
            Identities.childIdentity(v, l, e, faults, out);
            out.feed("csc", v);
            out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "csc", id2, p.id);
        }
    }

    void writeEhcp(Person p, Emitter out) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        if (p.ehcpStart == null || p.ehcpStart.isAfter(end) || p.ehcpEnd.isBefore(start)) {
            return;
        }
        // SEN2 shows a plan as it stood on a census day: one in force on none by the window's end (issued since the last,
        // or begun and ended between two) is in no return's plans, so no sender has it yet; the truth still holds it
        if (NationalReturns.censusDay(p.ehcpEnd.isAfter(end) ? end : p.ehcpEnd).isBefore(p.ehcpStart)) {
            return;
        }
        List<String> faults = new ArrayList<>();
        Identity id = ids.variant(p, "ehcp", faults);
        EncodedIdentity e = ids.encoder().encode(id);
        String la = m.geo.laCodes[m.geo.lsoaLa[p.spellAt(p.ehcpStart).lsoa]];
        String pupilToken = ids.pupilToken(p, out);
        Emitter.Layout l = Emitter.layout("ehcp");
        String[] v = out.newRow("ehcp");
        String id2 = out.nextId("ehcp");
        v[l.at("ehcp_id")] = id2;
        v[l.at("la_code")] = la;
        v[l.at("pupil_token")] = pupilToken;
        ids.identityBlock(v, l, e, false);
        v[l.at("start_date")] = p.ehcpStart.toString();
        v[l.at("end_date")] = p.ehcpEnd.isAfter(end) ? null : p.ehcpEnd.toString();
        v[l.at("primary_need")] = p.ehcpNeed;
        v[l.at("placement_type")] = p.ehcpPlacement;
        // SEN2 carries no cost: a plan is costed at the national price of a year of its placement, as ingest prices a SEN2
        // return; what the plan really costs (ehcpCost) is known only to the truth
        PriceList.Priced priced = ref.nationalUnitCost("EHCP", p.ehcpPlacement, p.ehcpStart);
        v[l.at("annual_cost")] = priced == null ? null : priced.price().toPlainString();
        v[l.at("cost_source")] = priced == null ? null : priced.costSource();
        v[l.at("price_year")] = priced == null || priced.year() == null ? null : priced.year().toString();
        Identities.identityFaults(out, "ehcp", id2, faults);
        out.feed("ehcp", v);
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "ehcp", id2, p.id);
    }

    /**
     * The pupil's row in the last school census of the window (spring: third Thursday of January; summer: third
     * Thursday of May; autumn: first Thursday of October), when they were on the roll of a state-funded school: most
     * children of compulsory school age, some 16 and 17 year olds (school sixth forms), and every child whose EHC plan
     * places them in a state school. Its own random streams, so no other draw changes.
     */
    void writeSchoolCensus(Person p, Emitter out) {
        LocalDate census = lastSchoolCensus(s.end());
        if (census.isBefore(s.start()) || p.dob.isAfter(census) || (p.entryDate != null && p.entryDate.isAfter(census))
                || (p.exitDate != null && !p.exitDate.isAfter(census))) {
            return;
        }
        LocalDate schoolYearStart = LocalDate.of(census.getMonthValue() >= 9 ? census.getYear() : census.getYear() - 1, 8, 31);
        int ageAtYearStart = (int) Math.floor(p.age(schoolYearStart));
        boolean plan = p.ehcpStart != null && !p.ehcpStart.isAfter(census) && !p.ehcpEnd.isBefore(census);
        boolean planInStateSchool = plan && Set.of("MAINSTREAM", "RESOURCED_PROVISION", "SPECIAL_STATE").contains(p.ehcpPlacement);
        Rng r = new Rng(s.seed(), p.idx, S_SCHOOL, 1);
        boolean onRoll;
        if (planInStateSchool) {
            onRoll = ageAtYearStart >= 2 && ageAtYearStart <= 18;
        } else if (plan) {
            onRoll = false;
        } else if (ageAtYearStart >= 4 && ageAtYearStart <= 15) {
            onRoll = r.chance(ref.p("school_census_on_roll_compulsory"));
        } else if (ageAtYearStart == 16 || ageAtYearStart == 17) {
            onRoll = r.chance(ref.p("school_census_on_roll_sixth_form"));
        } else {
            onRoll = false;
        }
        if (!onRoll) {
            return;
        }
        List<String> faults = new ArrayList<>();
        EncodedIdentity e = ids.encoder().encode(ids.variant(p, "school_census", faults));
        int laIndex = m.geo.lsoaLa[p.spellAt(census).lsoa];
        String la = m.geo.laCodes[laIndex];
        String pupilToken = ids.pupilToken(p, out);
        Emitter.Layout l = Emitter.layout("school_census");
        String[] v = out.newRow("school_census");
        String id = out.nextId("school_census");
        v[l.at("record_id")] = id;
        v[l.at("la_code")] = la;
        // a school's DfE number: its council's, then an establishment number (2000-2999: primary schools, as DfE numbers them)
        v[l.at("school_number")] = String.format("%03d%04d", m.geo.laDfeNumbers[laIndex], 2000 + r.between(0, m.geo.schoolsPerLa - 1));
        v[l.at("pupil_token")] = pupilToken;
        ids.identityBlock(v, l, e, false);
        v[l.at("census_date")] = census.toString();
        v[l.at("sen_provision")] = plan ? "E" : r.chance(ref.p("school_census_sen_support")) ? "K" : "N";
        Identities.identityFaults(out, "school_census", id, faults);
        out.feed("school_census", v);
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "school_census", id, p.id);
    }

    /** The last school census day on or before {@code d}. */
    static LocalDate lastSchoolCensus(LocalDate d) {
        for (int year = d.getYear(); ; year--) {
            LocalDate autumn = nthThursday(year, 10, 1);
            LocalDate summer = nthThursday(year, 5, 3);
            LocalDate spring = nthThursday(year, 1, 3);
            for (LocalDate c : List.of(autumn, summer, spring)) {
                if (!c.isAfter(d)) {
                    return c;
                }
            }
        }
    }

    static LocalDate nthThursday(int year, int month, int n) {
        LocalDate first = LocalDate.of(year, month, 1).with(java.time.temporal.TemporalAdjusters.firstInMonth(java.time.DayOfWeek.THURSDAY));
        return first.plusWeeks(n - 1L);
    }
}
