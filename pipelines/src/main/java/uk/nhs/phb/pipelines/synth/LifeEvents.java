package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_ASC;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_CHC;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_CSC;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_EHCP;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_LIFE;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_MH;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_MOVES;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_WHEEL;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Episode;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Spell;

/**
 * Phase 1 of a simulated life after its start: social care, CHC, wheelchair use, mental health stays, children's
 * services, EHCP, moves and death, then eligibility for a personal health budget and whether one is taken up. None of
 * it depends on emergency admissions, so the true risk can be computed exactly (see {@link PersonSimulator}).
 */
final class LifeEvents {
    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final Identities ids;
    private final PhbPathway pathway;

    LifeEvents(Model model, Identities ids, HiddenFactors hidden) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.ids = ids;
        this.pathway = new PhbPathway(model, this, hidden);
    }

    /** Social care, CHC, wheelchair, mental health stays, children's services, EHCP, death and moves, PHBs. */
    void lifeEvents(Person p) {
        LocalDate start = s.start();
        int h0 = -m.historyMonths;
        int firstMonth = p.entryDate == null ? h0 : Math.max(h0, p.entryMonth);
        int DEM = m.condition("DEM");
        int LD = m.condition("LD");
        int AUT = m.condition("AUT");
        int SMI = m.condition("SMI");
        int DEP = m.condition("DEP");
        int PAL = m.condition("PAL");
        p.onset[PAL] = Long.MAX_VALUE; // the palliative register follows the death drawn below

        // adult social care long-term support: the earliest of a learning-disability, dementia or frailty route
        Rng ra = new Rng(s.seed(), p.idx, S_ASC, 0);
        LocalDate lts = null;
        if (p.onset[LD] != Long.MAX_VALUE && ra.chance(ref.p("asc_ld_share"))) {
            lts = p.dob.plusDays((long) ((18 + ra.u() * ref.p("asc_ld_onset_spread_years")) * 365.25));
        }
        if (p.onset[DEM] != Long.MAX_VALUE && ra.chance(ref.p("asc_dem_share"))) {
            LocalDate d = LocalDate.ofEpochDay(p.onset[DEM] + (long) (ra.exponential(ref.p("asc_dem_delay_years")) * 365.25));
            lts = lts == null || d.isBefore(lts) ? d : lts;
        }
        double a = m.ascLts.onsetAge(ra, p.z, p.depr, 0);
        if (!Double.isNaN(a)) {
            LocalDate d = p.dob.plusDays((long) (a * 365.25));
            lts = lts == null || d.isBefore(lts) ? d : lts;
        }
        if (lts != null && lts.isBefore(p.dob.plusYears(18))) {
            lts = p.dob.plusYears(18);
        }
        if (lts != null && (p.entryDate == null || !lts.isBefore(p.entryDate))) {
            p.ascStart = lts;
            boolean dem = p.has(DEM, lts);
            double age = p.age(lts);
            double res = ref.p("asc_residential_base") + (dem ? ref.p("asc_residential_dementia") : 0)
                    + (age >= 85 ? ref.p("asc_residential_85") : 0);
            p.ascLa = m.geo.lsoaLa[p.spells.get(0).lsoa];
            if (p.has(LD, lts.plusDays(1)) && age < 65 && ra.chance(ref.p("asc_ld_supported_living"))) {
                p.ascServiceType = "LTS_COMMUNITY";
                p.ascComponent = "SUPPORTED_LIVING";
                p.ascUnitItem = "supported_living_week";
            } else if (ra.chance(res)) {
                boolean nursing = ra.chance(ref.p("asc_nursing_share"));
                p.ascServiceType = nursing ? "LTS_NURSING" : "LTS_RESIDENTIAL";
                p.ascComponent = nursing ? "NURSING" : "RESIDENTIAL";
                p.ascUnitItem = nursing ? "nursing_week" : "residential_week";
            } else {
                p.ascServiceType = "LTS_COMMUNITY";
                p.ascHours = Math.min(ref.p("asc_hours_max"), Math.max(2, ra.lognormal(ref.p("asc_hours_median"), ref.p("asc_hours_sigma"))));
                p.ascUnitItem = "home_care_hour";
                double u = ra.u();
                if (u < ref.p("asc_direct_payment_share")) {
                    p.ascDelivery = "DIRECT_PAYMENT";
                    p.ascComponent = "DIRECT_PAYMENT";
                } else if (u < ref.p("asc_direct_payment_share") + ref.p("asc_managed_account_share")) {
                    p.ascDelivery = "CASH_MANAGED";
                    p.ascComponent = "HOME_CARE";
                } else {
                    p.ascDelivery = "LA_MANAGED";
                    p.ascComponent = "HOME_CARE";
                }
            }
            if (p.ascDelivery == null) {
                p.ascDelivery = "COMMISSIONED";
            }
            p.ascReason = p.has(LD, lts.plusDays(1)) ? "LEARNING_DISABILITY" : dem ? "MEMORY_COGNITION"
                    : p.has(SMI, lts.plusDays(1)) ? "MENTAL_HEALTH"
                    : ra.chance(0.75) ? "PHYSICAL_PERSONAL_CARE" : ra.chance(0.8) ? "PHYSICAL_ACCESS_MOBILITY" : "SENSORY";
        }
        // short-term support for frail older people without long-term support
        if (p.ascStart == null && ra.chance(ref.p("asc_short_term_share")) && p.age(start) >= 65
                && efiCount(p, start) >= ref.p("asc_short_term_min_deficits")) {
            p.ascShortTerm = m.monthStart(ra.between(0, m.windowMonths - 1)).plusDays(ra.between(0, 27));
            p.ascShortService = ra.chance(0.5);
            p.ascLa = m.geo.lsoaLa[p.spells.get(0).lsoa];
        }

        // CHC referral: a monthly hazard for adults rising with age, frailty and dementia
        Rng rh = new Rng(s.seed(), p.idx, S_CHC, 0);
        for (int k = firstMonth; k < m.simMonths && p.chcReferral == null; k++) {
            LocalDate ms = m.monthStart(k);
            double age = p.age(ms);
            if (age < 18) {
                continue;
            }
            double h = ref.p("chc_referral_per_year") / 12 * Math.exp(ref.p("chc_age_coef") * (age - 80) / 10
                    + ref.p("chc_deficit_coef") * efiCount(p, ms)) * (p.has(DEM, ms) ? ref.p("chc_dementia_rr") : 1);
            if (rh.chance(Math.min(1, h))) {
                p.chcPathway = "STANDARD";
                p.chcReferral = rh.dayIn(ms);
                p.chcDecision = p.chcReferral.plusDays(rh.between(14, 56));
                p.chcEligible = rh.chance(ref.p("chc_eligible_share"));
                if (p.chcEligible) {
                    p.chcStart = p.chcDecision.plusDays(rh.between(3, 28));
                    double u = rh.u();
                    p.chcSetting = u < ref.p("chc_home_share") ? "HOME" : u < ref.p("chc_home_share") + ref.p("chc_care_home_share") ? "CARE_HOME" : "NURSING_HOME";
                    p.chcWeekly = ref.cost(switch (p.chcSetting) {
                        case "HOME" -> "chc_home_week";
                        case "CARE_HOME" -> "chc_care_home_week";
                        default -> "chc_nursing_week";
                    }) * rh.lognormal(1, ref.p("package_cost_sigma"));
                }
            }
        }
        // children's continuing care
        if (p.chcReferral == null && p.onset[LD] != Long.MAX_VALUE && rh.chance(ref.p("ccc_share_of_ld_children"))) {
            LocalDate ref0 = p.dob.plusDays(rh.between(365, 3650));
            if (p.entryDate == null || !ref0.isBefore(p.entryDate)) {
                p.chcPathway = "CHILDREN";
                p.chcReferral = ref0;
                p.chcDecision = ref0.plusDays(rh.between(14, 56));
                p.chcEligible = true;
                p.chcStart = p.chcDecision.plusDays(rh.between(7, 28));
                p.chcEnd = p.dob.plusYears(18);
                p.chcSetting = "HOME";
                p.chcWeekly = ref.cost("ccc_home_week") * rh.lognormal(1, ref.p("package_cost_sigma"));
            }
        }
        if (p.chcStart != null && p.ascStart != null && p.chcStart.isAfter(p.ascStart)) {
            p.ascEnd = p.chcStart.minusDays(1); // the NHS takes over the package
        }

        // death and moving away: monthly competing exits from the window start
        Rng rl = new Rng(s.seed(), p.idx, S_LIFE, 0);
        double theta = ref.p("mortality_frailty_sd");
        double outBase = ref.p("moves_out_per_person_year");
        double meanMig = 0;
        for (int b = 0; b < m.bandShare.length; b++) {
            meanMig += m.bandShare[b] * m.bandMigration[b] / 100;
        }
        for (int k = Math.max(0, p.entryMonth); k < m.simMonths; k++) {
            double hd = deathHazard(p, k, theta);
            double ho = moveHazard(p, k, outBase, meanMig);
            double ud = rl.u();
            double um = rl.u();
            if (ud < hd || um < ho) {
                p.exitMonth = k;
                p.died = ud < hd;
                LocalDate ms = m.monthStart(k);
                LocalDate d = rl.dayIn(ms);
                if (p.entryDate != null && d.isBefore(p.entryDate)) {
                    d = p.entryDate;
                }
                p.exitDate = d;
                break;
            }
        }
        LocalDate exit = p.exitDate;
        if (exit != null) {
            if (p.chcStart != null && (p.chcEnd == null || p.chcEnd.isAfter(exit))) {
                p.chcEnd = exit;
            }
            if (p.ascStart != null && (p.ascEnd == null || p.ascEnd.isAfter(exit))) {
                p.ascEnd = exit;
            }
            if (p.chcReferral != null && p.chcReferral.isAfter(exit)) {
                p.chcPathway = null;
                p.chcReferral = null;
                p.chcStart = null;
                p.chcEnd = null;
            }
            if (p.ascStart != null && p.ascStart.isAfter(exit)) {
                p.ascStart = null;
            }
            if (p.ascShortTerm != null && p.ascShortTerm.isAfter(exit)) {
                p.ascShortTerm = null;
            }
            for (int c = 0; c < p.onset.length; c++) {
                if (p.onset[c] > exit.toEpochDay()) {
                    p.onset[c] = Long.MAX_VALUE;
                }
            }
        }
        if (p.chcStart != null && p.chcEnd != null && p.chcEnd.isBefore(p.chcStart)) {
            p.chcStart = null;
            p.chcEnd = null;
            p.chcEligible = false;
        }
        // end of life: palliative register and Fast Track before death
        if (p.died) {
            if (rl.chance(ref.p("pal_share_of_deaths"))) {
                LocalDate pal = exit.minusDays(rl.between(30, 270));
                p.onset[PAL] = Math.max(pal.toEpochDay(), p.dob.toEpochDay());
            }
            if (p.age(exit) >= 18 && p.chcStart == null && rl.chance(ref.p("fast_track_share_of_deaths"))) {
                p.chcPathway = "FAST_TRACK";
                p.chcReferral = exit.minusDays(rl.between(10, 70));
                if (p.chcReferral.isBefore(p.dob)) {
                    p.chcReferral = p.dob;
                }
                p.chcDecision = p.chcReferral.plusDays(rl.between(0, 2));
                p.chcEligible = true;
                p.chcStart = p.chcDecision.plusDays(1).isAfter(exit) ? exit : p.chcDecision.plusDays(1);
                p.chcEnd = exit;
                double u = rl.u();
                p.chcSetting = u < 0.5 ? "HOME" : u < 0.7 ? "HOSPICE" : "NURSING_HOME";
                p.chcWeekly = ref.cost(p.chcSetting.equals("HOSPICE") ? "chc_hospice_week"
                        : p.chcSetting.equals("HOME") ? "chc_home_week" : "chc_nursing_week") * rl.lognormal(1, ref.p("package_cost_sigma"));
            }
        }

        // moves within the area during the window
        Rng rm = new Rng(s.seed(), p.idx, S_MOVES, 0);
        int lastMonth = Math.min(p.exitMonth, m.windowMonths - 1);
        for (int k = Math.max(0, p.entryMonth + 1); k <= lastMonth; k++) {
            if (rm.chance(ref.p("moves_within_per_person_year") / 12)) {
                Spell prev = p.spells.get(p.spells.size() - 1);
                LocalDate d = rm.dayIn(m.monthStart(k));
                if (!d.isAfter(prev.from) || (exit != null && !d.isBefore(exit)) || d.isAfter(s.end())) {
                    continue;
                }
                Spell sp = new Spell();
                sp.from = d;
                sp.lsoa = rm.pick(m.geo.lsoaWeight);
                int sub = m.geo.lsoaSubIcb[sp.lsoa];
                sp.practice = sub != m.geo.practiceSubIcb[prev.practice] || rm.chance(ref.p("practice_change_on_move"))
                        ? m.geo.pickPractice(rm, sub) : prev.practice;
                sp.postcode = ids.postcode(p, p.spells.size(), sp.lsoa);
                prev.to = d.minusDays(1);
                p.spells.add(sp);
            }
        }
        Spell last = p.spells.get(p.spells.size() - 1);
        if (exit != null && !exit.isAfter(s.end())) {
            last.to = exit;
        }

        // wheelchair service use
        Rng rw = new Rng(s.seed(), p.idx, S_WHEEL, 0);
        double boost = (p.onset[m.condition("PARK")] != Long.MAX_VALUE ? ref.p("wheelchair_condition_boost") : 0)
                + (p.onset[m.condition("STROKE")] != Long.MAX_VALUE ? ref.p("wheelchair_condition_boost") : 0)
                + (p.onset[LD] != Long.MAX_VALUE ? ref.p("wheelchair_condition_boost") : 0);
        double wa = m.wheelchair.onsetAge(rw, p.z, p.depr, boost);
        if (!Double.isNaN(wa)) {
            LocalDate w = p.dob.plusDays((long) (wa * 365.25));
            if (exit == null || w.isBefore(exit)) {
                p.wheelOnset = w;
                double u = rw.u();
                p.chairType = u < ref.p("chair_manual_share") ? "MANUAL" : u < ref.p("chair_manual_share") + ref.p("chair_powered_share") ? "POWERED" : "SPECIALIST";
                p.chairCost = ref.cost("chair_" + p.chairType.toLowerCase()) * rw.lognormal(1, ref.p("package_cost_sigma"));
                p.longTermUser = rw.chance(ref.p("wheelchair_long_term_share"));
            }
        }

        // mental health inpatient stays and detentions
        Rng rmh = new Rng(s.seed(), p.idx, S_MH, 0);
        for (int k = firstMonth; k < m.simMonths && k <= p.exitMonth; k++) {
            LocalDate ms = m.monthStart(k);
            if (!p.mhStays.isEmpty() && !((LocalDate) p.mhStays.get(p.mhStays.size() - 1)[1]).isBefore(ms)) {
                continue;
            }
            double h = (p.has(SMI, ms) ? ref.p("mh_stays_per_year_smi") : 0) + (p.has(DEP, ms) ? ref.p("mh_stays_per_year_dep") : 0);
            if (h > 0 && rmh.chance(h / 12)) {
                LocalDate st = rmh.dayIn(ms);
                if (p.entryDate != null && st.isBefore(p.entryDate)) {
                    continue;
                }
                long los = (long) (ref.p("mh_los_min_days") + rmh.exponential(ref.p("mh_los_mean_days")));
                LocalDate en = st.plusDays(los);
                if (exit != null && en.isAfter(exit)) {
                    en = exit;
                }
                String section = null;
                if (rmh.chance(ref.p("mh_detained_share"))) {
                    double u = rmh.u();
                    section = u < 0.45 ? "2" : u < 0.78 ? "3" : u < 0.90 ? "136" : u < 0.93 ? "4" : "37";
                }
                p.mhStays.add(new Object[] {st, en, section});
            }
        }

        // children's social care: child in need, with child protection plans and looked-after episodes
        Rng rs = new Rng(s.seed(), p.idx, S_CSC, 0);
        for (int k = firstMonth; k < m.windowMonths && k <= p.exitMonth; k++) {
            LocalDate ms = m.monthStart(k);
            double age = p.age(ms);
            if (age < 0 || age >= 18) {
                continue;
            }
            if (!p.csc.isEmpty() && !p.csc.get(0).end.isBefore(ms)) {
                continue;
            }
            double h = ref.p("csc_cin_per_child_year") / 12 * Math.exp(ref.p("csc_deprivation_coef") * p.depr)
                    * (age < 1 ? ref.p("csc_infant_rr") : 1)
                    * (p.has(LD, ms) || p.has(AUT, ms) ? ref.p("csc_disability_rr") : 1);
            if (rs.chance(h)) {
                LocalDate st = rs.dayIn(ms);
                if (st.isBefore(p.dob) || (p.entryDate != null && st.isBefore(p.entryDate))) {
                    continue;
                }
                LocalDate limit = p.dob.plusYears(18).minusDays(1);
                if (exit != null && exit.isBefore(limit)) {
                    limit = exit;
                }
                Episode cin = new Episode();
                cin.type = "CIN";
                cin.start = st;
                cin.end = min(st.plusDays(30 + (long) rs.exponential(ref.p("csc_cin_months") * 30.4)), limit);
                List<Episode> more = new ArrayList<>();
                if (rs.chance(ref.p("csc_cpp_share"))) {
                    Episode e = new Episode();
                    e.type = "CPP";
                    e.start = min(st.plusDays(rs.between(0, 60)), limit);
                    e.end = min(e.start.plusDays(60 + (long) rs.exponential(ref.p("csc_cpp_months") * 30.4)), limit);
                    more.add(e);
                }
                if (rs.chance(ref.p("csc_cla_share"))) {
                    Episode e = new Episode();
                    e.type = "CLA";
                    e.start = min(st.plusDays(rs.between(14, 180)), limit);
                    e.end = min(e.start.plusDays(30 + (long) rs.exponential(ref.p("csc_cla_months") * 30.4)), limit);
                    double u = rs.u();
                    e.costGroup = u < ref.p("cla_foster_share") ? "cla_foster_week"
                            : u < ref.p("cla_foster_share") + ref.p("cla_residential_share") ? "cla_residential_week" : "cla_other_week";
                    e.weekly = ref.cost(e.costGroup) * rs.lognormal(1, ref.p("package_cost_sigma"));
                    // its own stream, so no other draw changes
                    e.placement = ref.claPlacement(e.costGroup,
                            (Rng.mix(s.seed() ^ (p.idx * 43 + 17) ^ (e.start.toEpochDay() * 0x9E3779B97F4A7C15L)) >>> 11) * 0x1.0p-53);
                    more.add(e);
                }
                for (Episode e : more) {
                    if (e.end.isAfter(cin.end)) {
                        cin.end = e.end;
                    }
                }
                p.csc.add(0, cin);
                p.csc.addAll(more);
                // keep the latest CIN first so the next episode waits for it to close
                p.csc.sort((x, y) -> x.type.equals("CIN") && y.type.equals("CIN") ? y.start.compareTo(x.start)
                        : x.type.equals("CIN") ? -1 : y.type.equals("CIN") ? 1 : 0);
            }
        }

        // EHCP for children and young people
        Rng re = new Rng(s.seed(), p.idx, S_EHCP, 0);
        boolean aut = p.onset[AUT] != Long.MAX_VALUE;
        boolean ld = p.onset[LD] != Long.MAX_VALUE;
        double pe = aut ? ref.p("ehcp_autism_share") : ld ? ref.p("ehcp_ld_share")
                : OnsetModel.logistic(ref.p("ehcp_logit") + ref.p("ehcp_male_coef") * (p.sex.equals("1") ? 1 : 0)
                + ref.p("ehcp_deprivation_coef") * p.depr + ref.p("ehcp_morbidity_coef") * p.z);
        if (re.chance(pe)) {
            LocalDate st = p.dob.plusDays((long) ((ref.p("ehcp_min_age") + re.u() * ref.p("ehcp_onset_spread_years")) * 365.25));
            LocalDate en = p.dob.plusDays((long) ((ref.p("ehcp_end_age_min") + re.u() * ref.p("ehcp_end_age_spread")) * 365.25));
            if (exit != null && exit.isBefore(en)) {
                en = exit;
            }
            if ((p.entryDate == null || !st.isBefore(p.entryDate)) && en.isAfter(st)) {
                p.ehcpStart = st;
                p.ehcpEnd = en;
                if (aut) {
                    p.ehcpNeed = "ASD";
                } else if (ld) {
                    double u = re.u();
                    p.ehcpNeed = u < 0.6 ? "MLD" : u < 0.92 ? "SLD" : "PMLD";
                } else {
                    p.ehcpNeed = pickShare(re, "need");
                }
                if (p.ehcpNeed.equals("SLD") || p.ehcpNeed.equals("PMLD")) {
                    double u = re.u();
                    p.ehcpPlacement = u < 0.75 ? "SPECIAL_STATE" : u < 0.9 ? "SPECIAL_INDEPENDENT" : "OTHER";
                } else {
                    p.ehcpPlacement = pickShare(re, "placement");
                }
                if (p.ehcpPlacement.equals("FE_COLLEGE") && p.age(s.end()) < 16) {
                    p.ehcpPlacement = "MAINSTREAM";
                }
                p.ehcpCost = ref.cost(switch (p.ehcpPlacement) {
                    case "MAINSTREAM" -> "ehcp_mainstream";
                    case "RESOURCED_PROVISION" -> "ehcp_resourced";
                    case "SPECIAL_STATE" -> "ehcp_special_state";
                    case "SPECIAL_INDEPENDENT" -> "ehcp_special_independent";
                    case "FE_COLLEGE" -> "ehcp_fe_college";
                    default -> "ehcp_other";
                }) * re.lognormal(1, ref.p("package_cost_sigma"));
            }
        }

        pathway.phbs(p);
    }

    double deathHazard(Person p, int k, double theta) {
        LocalDate ms = m.monthStart(k);
        double age = Math.max(0, p.age(ms));
        if (p.age(ms.plusMonths(1)) < 0) {
            return 0;
        }
        double h = m.bandMortality[m.band(age)] / 1000 / 12 * Math.exp(theta * p.z - theta * theta / 2);
        if (p.chcStart != null && !p.chcStart.isAfter(ms) && "STANDARD".equals(p.chcPathway)) {
            h *= ref.p("chc_death_rr");
        }
        return Math.min(0.5, h);
    }

    double moveHazard(Person p, int k, double outBase, double meanMig) {
        LocalDate ms = m.monthStart(k);
        double age = p.age(ms);
        if (age < 0) {
            return 0;
        }
        return Math.min(0.5, outBase / 12 * m.bandMigration[m.band(age)] / meanMig);
    }

    String pickShare(Rng r, String kind) {
        List<Map<String, String>> rows = ref.sen.stream().filter(x -> x.get("kind").equals(kind)).toList();
        double[] w = new double[rows.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Reference.d(rows.get(i), "share");
        }
        return rows.get(r.pick(w)).get("code");
    }

    int efiCount(Person p, LocalDate d) {
        int n = 0;
        long day = d.toEpochDay();
        for (int c = 0; c < p.onset.length; c++) {
            if (m.efiItem[c] && p.onset[c] < day) {
                n++;
            }
        }
        return n;
    }

    int ltcCount(Person p, LocalDate d) {
        int n = 0;
        long day = d.toEpochDay();
        for (int c = 0; c < p.onset.length; c++) {
            if (m.ltc[c] && p.onset[c] < day) {
                n++;
            }
        }
        return n;
    }

    static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    // ------------------------------------------------------------------ PHBs
}
