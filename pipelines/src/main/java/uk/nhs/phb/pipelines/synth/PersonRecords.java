package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.SECTORS;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_OPT_OUT;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_PHB;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.WEEKS_PER_YEAR;

import java.time.LocalDate;
import java.util.Map;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Episode;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Phb;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Spell;
import uk.nhs.phb.pipelines.synth.MonthlyActivity.Activity;

/**
 * The rows of a simulated person that are not monthly activity: their registrations, conditions, social care and
 * continuing care, wheelchair, opt-outs and PHB register rows, and the truth tables (true risk at each quarter end,
 * the PHB's true effect, the person's own record) that measure phb against what really happened.
 */
final class PersonRecords {
    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final Identities ids;
    private final LifeEvents events;
    private final MonthlyActivity monthly;
    private final HiddenFactors hidden;
    private final CouncilRecords council;

    PersonRecords(Model model, Identities ids, LifeEvents events, MonthlyActivity monthly, HiddenFactors hidden, CouncilRecords council) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.ids = ids;
        this.events = events;
        this.monthly = monthly;
        this.hidden = hidden;
        this.council = council;
    }

    void writeStatic(Person p, Emitter out) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        if (p.entryDate != null && p.entryDate.isAfter(end)) {
            return;
        }
        String token = ids.token(p);
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "nhs_token", token, p.id);

        // patients: one row per registration spell
        Emitter.Layout lp = Emitter.layout("patients");
        for (int i = 0; i < p.spells.size(); i++) {
            Spell sp = p.spells.get(i);
            if (sp.from.isAfter(end)) {
                continue;
            }
            EncodedIdentity e = ids.encoder().encode(new Identity(p.nhsNumber, p.given, p.family, p.dob, p.sex, sp.postcode));
            String[] v = out.newRow("patients");
            String id = out.nextId("patients");
            v[lp.at("record_id")] = id;
            ids.identityBlock(v, lp, e, true);
            v[lp.at("ethnicity")] = p.ethnicity;
            v[lp.at("lsoa_code")] = m.geo.lsoaCodes[sp.lsoa];
            v[lp.at("practice_code")] = m.geo.practiceCodes[sp.practice];
            v[lp.at("registered_from")] = sp.from.toString();
            v[lp.at("registered_to")] = sp.to == null ? null : sp.to.toString();
            boolean lastSpell = i == p.spells.size() - 1;
            v[lp.at("date_of_death")] = lastSpell && p.died && !p.exitDate.isAfter(end) ? p.exitDate.toString() : null;
            out.feed("patients", v);
            out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "patients", id, p.id);
        }
        writeOptOuts(p, out, token);

        // conditions: the date the GP recorded each, which may be late or never, up to the end of the window or leaving
        LocalDate last = p.exitDate != null && p.exitDate.isBefore(end) ? p.exitDate : end;
        for (int c = 0; c < p.onset.length; c++) {
            long recorded = hidden.recorded(p, c);
            if (recorded == Long.MAX_VALUE || recorded > last.toEpochDay()) {
                continue;
            }
            String[] v = out.newRow("gp_conditions");
            Emitter.Layout l = Emitter.layout("gp_conditions");
            v[l.at("record_id")] = out.nextId("gp_conditions");
            v[l.at("nhs_token")] = token;
            v[l.at("condition_code")] = m.conditions[c].code;
            v[l.at("recorded_date")] = LocalDate.ofEpochDay(Math.max(recorded, p.dob.toEpochDay())).toString();
            out.feed("gp_conditions", v);
        }

        // mental health stays and detentions
        for (Object[] st : p.mhStays) {
            LocalDate a = (LocalDate) st[0];
            LocalDate b = (LocalDate) st[1];
            if (a.isAfter(end) || b.isBefore(start)) {
                continue;
            }
            LocalDate bEmit = b.isAfter(end) ? null : b;
            // bed days at the national price: to discharge, or for a stay still open to the end of the last month reported
            LocalDate counted = bEmit != null ? b : end.withDayOfMonth(end.lengthOfMonth());
            long days = Math.max(1, counted.toEpochDay() - a.toEpochDay());
            monthly.mhEvent(out, token, "INPATIENT", a, bEmit, null, "INPATIENT_WARD", ref.nationalPrice("MH_SPELL", "MHPS", a), days);
            if (st[2] != null) {
                String sec = (String) st[2];
                LocalDate dEnd = sec.equals("136") ? LifeEvents.min(a.plusDays(1), b) : b;
                monthly.mhEvent(out, token, "DETENTION", a, dEnd.isAfter(end) ? null : dEnd, sec, "INPATIENT_WARD", null, 0);
            }
        }

        // CHC and children's continuing care
        if (p.chcReferral != null && !p.chcReferral.isAfter(end)
                && (p.chcEnd == null || !p.chcEnd.isBefore(start) || !p.chcReferral.isBefore(start))) {
            String[] v = out.newRow("chc");
            Emitter.Layout l = Emitter.layout("chc");
            v[l.at("record_id")] = out.nextId("chc");
            v[l.at("nhs_token")] = token;
            v[l.at("pathway")] = p.chcPathway;
            v[l.at("referral_date")] = p.chcReferral.toString();
            boolean decided = !p.chcDecision.isAfter(end);
            v[l.at("decision_date")] = decided ? p.chcDecision.toString() : null;
            v[l.at("decision")] = decided ? (p.chcEligible ? "ELIGIBLE" : "NOT_ELIGIBLE") : null;
            if (decided && p.chcEligible && p.chcStart != null && !p.chcStart.isAfter(end)) {
                v[l.at("package_start")] = p.chcStart.toString();
                v[l.at("package_end")] = p.chcEnd == null || p.chcEnd.isAfter(end) ? null : p.chcEnd.toString();
                v[l.at("setting")] = p.chcSetting;
                v[l.at("weekly_cost")] = Emitter.money(p.chcWeekly);
            }
            out.feed("chc", v);
        }

        // wheelchair referrals: the latest before the window and those within it
        if (p.wheelOnset != null) {
            long life = (long) ref.p("chair_life_years");
            for (LocalDate d = p.wheelOnset; !d.isAfter(end); d = d.plusYears(life)) {
                if (d.plusYears(life).isBefore(start) || (p.exitDate != null && d.isAfter(p.exitDate))) {
                    continue;
                }
                String[] v = out.newRow("wheelchair");
                Emitter.Layout l = Emitter.layout("wheelchair");
                LocalDate prov = d.plusDays(42 + (Math.abs(Rng.mix(p.idx * 7 + d.toEpochDay())) % 84));
                v[l.at("record_id")] = out.nextId("wheelchair");
                v[l.at("nhs_token")] = token;
                v[l.at("referral_date")] = d.toString();
                v[l.at("provision_date")] = prov.isAfter(end) ? null : prov.toString();
                v[l.at("long_term_user")] = p.longTermUser ? "Y" : "N";
                v[l.at("chair_type")] = p.chairType;
                v[l.at("chair_cost")] = prov.isAfter(end) ? null : Emitter.money(p.chairCost);
                out.feed("wheelchair", v);
            }
        }

        writePhbs(p, out, token);
        council.writeAsc(p, out, token);
        council.writeCsc(p, out, token);
        council.writeEhcp(p, out);
        council.writeSchoolCensus(p, out);
    }

    /**
     * National data opt-outs by age and sex (opt_outs.csv), and type 1 opt-outs, more common among people who also hold
     * a national one (parameters.csv). Their own random stream, so no other draw changes.
     */
    void writeOptOuts(Person p, Emitter out, String token) {
        LocalDate end = s.end();
        if (p.spells.isEmpty() || p.spells.get(0).from.isAfter(end)) {
            return;
        }
        Rng r = new Rng(s.seed(), p.idx, S_OPT_OUT, 0);
        int age = Math.max(0, end.getYear() - p.dob.getYear());
        double ndooRate = 0;
        for (Map<String, String> band : ref.optOuts) {
            if (age >= Reference.d(band, "age_from") && age <= Reference.d(band, "age_to")) {
                ndooRate = Reference.d(band, "ndoo_female_pct") / 100.0;
            }
        }
        if ("1".equals(p.sex)) {
            ndooRate *= ref.p("opt_out_ndoo_male_ratio");
        }
        boolean ndoo = r.chance(ndooRate);
        boolean type1 = r.chance(ref.p(ndoo ? "opt_out_type1_share_with_ndoo" : "opt_out_type1_share_without_ndoo"));
        LocalDate last = p.exitDate != null && p.exitDate.isBefore(end) ? p.exitDate : end;
        Emitter.Layout l = Emitter.layout("opt_outs");
        for (String type : new String[] {"NDOO", "TYPE1"}) {
            if (type.equals("NDOO") ? !ndoo : !type1) {
                continue;
            }
            LocalDate service = LocalDate.parse(type.equals("NDOO") ? "2018-05-25" : "2013-10-01");
            LocalDate first = p.dob.isAfter(service) ? p.dob : service;
            long span = Math.max(0, last.toEpochDay() - first.toEpochDay());
            String[] v = out.newRow("opt_outs");
            v[l.at("record_id")] = out.nextId("opt_outs");
            v[l.at("nhs_token")] = token;
            v[l.at("opt_out_type")] = type;
            LocalDate recorded = span == 0 ? last : first.plusDays(r.between(0, (int) span));
            // the national check answers with numbers only: a national data opt-out reaches an ICB without its date
            v[l.at("recorded_date")] = type.equals("NDOO") ? null : recorded.toString();
            out.feed("opt_outs", v);
        }
    }

    void writePhbs(Person p, Emitter out, String token) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        Rng r = new Rng(s.seed(), p.idx, S_PHB, 1);
        for (Phb b : p.phbs) {
            if (!b.offer.isBefore(start) && !b.offer.isAfter(end)) {
                String[] v = out.newRow("phb_offers");
                Emitter.Layout l = Emitter.layout("phb_offers");
                v[l.at("offer_id")] = out.nextId("phb_offers");
                v[l.at("nhs_token")] = token;
                v[l.at("offer_date")] = b.offer.toString();
                v[l.at("eligibility_group")] = b.group;
                boolean pending = b.decision.isAfter(end) || (b.accepted && b.start != null && b.start.isAfter(end) && r.chance(0.5));
                v[l.at("outcome")] = pending ? "PENDING" : b.accepted ? "ACCEPTED" : "DECLINED";
                v[l.at("decline_reason")] = !pending && !b.accepted ? b.declineReason : null;
                out.feed("phb_offers", v);
            }
            if (!b.accepted || b.start == null || b.start.isAfter(end) || (b.end != null && b.end.isBefore(start))) {
                continue;
            }
            b.id = out.nextId("phb_register");
            String[] v = out.newRow("phb_register");
            Emitter.Layout l = Emitter.layout("phb_register");
            v[l.at("phb_id")] = b.id;
            v[l.at("nhs_token")] = token;
            v[l.at("eligibility_group")] = b.group;
            v[l.at("management_option")] = b.option;
            v[l.at("eligible_date")] = b.eligible.toString();
            v[l.at("indicative_shared_date")] = b.indicative == null || b.indicative.isAfter(end) ? null : b.indicative.toString();
            v[l.at("plan_agreed_date")] = b.plan.isAfter(end) ? null : b.plan.toString();
            v[l.at("start_date")] = b.start.toString();
            v[l.at("end_date")] = b.end == null || b.end.isAfter(end) ? null : b.end.toString();
            v[l.at("annual_value")] = Emitter.money(Math.min(1_999_999, b.value));
            out.feed("phb_register", v);
            int every = (int) Reference.d(m.phbGroups.get(b.group), "review_months");
            LocalDate stop = b.end == null || b.end.isAfter(end) ? end : b.end;
            for (LocalDate due = b.start.plusMonths(every); !due.isAfter(stop); due = due.plusMonths(every)) {
                double u = r.u();
                LocalDate held = u < ref.p("phb_review_missing_share") ? null
                        : u < ref.p("phb_review_missing_share") + ref.p("phb_review_late_share") ? due.plusDays(r.between(30, 120))
                        : due.plusDays(r.between(-7, 14));
                String[] w = out.newRow("phb_reviews");
                Emitter.Layout lr = Emitter.layout("phb_reviews");
                w[lr.at("review_id")] = out.nextId("phb_reviews");
                w[lr.at("phb_id")] = b.id;
                w[lr.at("due_date")] = due.toString();
                w[lr.at("review_date")] = held == null || held.isAfter(end) ? null : held.toString();
                out.feed("phb_reviews", w);
            }
        }
    }

    /** Quarter-end reference dates: the true 12-month emergency admission probability, computed exactly. */
    void writeRisk(Person p, Activity a, Emitter out) {
        double theta = ref.p("mortality_frailty_sd");
        double outBase = ref.p("moves_out_per_person_year");
        double meanMig = 0;
        for (int b = 0; b < m.bandShare.length; b++) {
            meanMig += m.bandShare[b] * m.bandMigration[b] / 100;
        }
        double gamma = ref.p("emergency_prior_coef");
        for (int r = 0; r < m.windowMonths; r++) {
            LocalDate refDate = m.monthStart(r + 1).minusDays(1);
            if (refDate.getMonthValue() % 3 != 0 || refDate.isAfter(s.end())) {
                continue;
            }
            boolean present = r >= p.entryMonth && (p.entryDate == null || !p.entryDate.isAfter(refDate)) && p.exitMonth > r;
            if (!present) {
                continue;
            }
            double surv = 1;
            double prob = 0;
            for (int k = r + 1; k <= r + 12; k++) {
                double lambda = monthly.intensity(monthly.staticPredictor(p, k, true) + gamma * Math.log1p(MonthlyActivity.trailing(a.admitted, k, r)));
                double admit = 1 - Math.exp(-lambda);
                prob += surv * admit;
                double hd = events.deathHazard(p, k, theta);
                double ho = events.moveHazard(p, k, outBase, meanMig);
                surv *= (1 - admit) * (1 - hd) * (1 - ho);
            }
            int outcome = 0;
            int prior = 0;
            for (int k = r + 1; k <= r + 12; k++) {
                outcome |= a.admitted[k] ? 1 : 0;
            }
            for (int k = Math.max(0, r - 11); k <= r; k++) {
                prior += a.admitted[k] ? 1 : 0;
            }
            out.truth(SyntheticPopulation.TRUTH_RISK, p.id, refDate.toString(), Double.toString(prob), Integer.toString(outcome),
                    r + 12 < m.windowMonths ? "Y" : "N", Integer.toString(prior));
        }
    }

    /** Per PHB holder and sector: 12-month costs after the start with the PHB and, on the same random numbers, without. */
    void writePhbEffect(Person p, Activity factual, Emitter out) {
        Activity without = null;
        for (Phb b : p.phbs) {
            if (b.id == null || b.start.isBefore(s.start())) {
                continue;
            }
            if (without == null) {
                out.enabled(false);
                without = monthly.activity(p, false, out);
                out.enabled(true);
            }
            int k0 = m.monthOf(b.start);
            double[] with = new double[SECTORS.length];
            double[] wo = new double[SECTORS.length];
            for (int k = k0; k < Math.min(m.simMonths, k0 + 12); k++) {
                for (int j = 0; j < SECTORS.length; j++) {
                    with[j] += factual.cost[k][j];
                    wo[j] += without.cost[k][j];
                }
            }
            for (int j = 0; j < SECTORS.length; j++) {
                out.truth(SyntheticPopulation.TRUTH_PHB_EFFECT, p.id, b.id, b.group, b.start.toString(), SECTORS[j],
                        Emitter.money(with[j]), Emitter.money(wo[j]));
            }
        }
    }

    void writePerson(Person p, Emitter out) {
        if (p.entryDate != null && p.entryDate.isAfter(s.end())) {
            return;
        }
        LocalDate at = p.exitDate != null && p.exitDate.isBefore(s.end()) ? p.exitDate : s.end();
        int fy = MonthlyActivity.fy(at);
        Spell sp = p.spellAt(at);
        double age = Math.max(0, p.age(at));
        int nEfi = events.efiCount(p, at);
        double chc = p.chcActive(at) ? p.chcWeekly * WEEKS_PER_YEAR : 0;
        double community = m.actCommunity[m.band(age)] * Math.exp(ref.p("community_deficit_coef") * nEfi)
                * (p.ascActive(at) ? ref.p("community_social_care_rr") : 1) * ref.nationalPrice("COMMUNITY", "*", at).price().doubleValue();
        double mh = 0;
        int SMI = m.condition("SMI");
        int DEP = m.condition("DEP");
        for (String[] src : new String[][] {{"SMI", "mh_contacts_per_year_smi"}, {"DEP", "mh_contacts_per_year_dep"},
            {"DEM", "mh_contacts_per_year_dem"}, {"LD", "mh_contacts_per_year_ld"}, {"AUT", "mh_contacts_per_year_aut"}}) {
            if (p.has(m.condition(src[0]), at)) {
                mh += ref.p(src[1]) * ref.nationalPrice("MH_CONTACT", "MHCC", at).price().doubleValue();
            }
        }
        double stays = (p.has(SMI, at) ? ref.p("mh_stays_per_year_smi") : 0) + (p.has(DEP, at) ? ref.p("mh_stays_per_year_dep") : 0);
        mh += stays * (ref.p("mh_los_min_days") + ref.p("mh_los_mean_days")) * ref.nationalPrice("MH_SPELL", "MHPS", at).price().doubleValue();
        double wheel = p.wheelOnset != null && !p.wheelOnset.isAfter(at) ? p.chairCost / ref.p("chair_life_years") : 0;
        double asc = p.ascActive(at) ? monthly.ascWeekly(p, fy) * WEEKS_PER_YEAR : 0;
        double csc = 0;
        for (Episode e : p.csc) {
            if (!e.start.isAfter(at) && !e.end.isBefore(at)) {
                csc += e.type.equals("CLA") ? e.weekly * WEEKS_PER_YEAR : ref.cost(e.type.equals("CPP") ? "cpp_year" : "cin_year");
            }
        }
        double edu = p.ehcpStart != null && !p.ehcpStart.isAfter(at) && !p.ehcpEnd.isBefore(at) ? p.ehcpCost : 0;
        boolean phbHolder = p.phbs.stream().anyMatch(b -> b.id != null);
        out.truth(SyntheticPopulation.TRUTH_PERSONS, p.id, p.sex, Integer.toString(p.dob.getYear()), p.entryType,
                p.entryDate == null ? null : p.entryDate.toString(),
                p.exitDate == null || p.exitDate.isAfter(s.end()) ? null : p.exitDate.toString(),
                p.exitDate == null || p.exitDate.isAfter(s.end()) ? null : p.died ? "died" : "moved_away",
                m.geo.subIcbCodes[m.geo.lsoaSubIcb[sp.lsoa]], m.geo.laCodes[m.geo.lsoaLa[sp.lsoa]], m.geo.lsoaCodes[sp.lsoa],
                Integer.toString(m.geo.lsoaImd[sp.lsoa]), p.ethnicity, String.format("%.4f", p.z), String.format("%.4f", p.u),
                Integer.toString(events.ltcCount(p, at)), Integer.toString(nEfi), p.ascActive(at) ? "Y" : "N",
                p.chcActive(at) ? "Y" : "N", p.wheelOnset != null ? "Y" : "N", p.ehcpStart != null ? "Y" : "N",
                phbHolder ? "Y" : "N", p.socialCareNoNhs ? "Y" : "N",
                Emitter.money(chc), Emitter.money(community), Emitter.money(mh), Emitter.money(wheel), Emitter.money(asc),
                Emitter.money(csc), Emitter.money(edu));
    }
}
