package uk.nhs.phb.pipelines.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.models.pseudonym.EncodedIdentity;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.IdentityEncoder;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.schemas.profiles.PriceList;

/**
 * One person's life in the area, month by month, and every row it leaves in the feeds and truth tables.
 *
 * <p>Phase 1 draws the person's trajectory, which never depends on emergency admissions: demographics,
 * condition onsets, social care, CHC, wheelchair use, mental health stays, children's services, EHCP,
 * PHB eligibility and uptake, moves and death. Phase 2 simulates emergency admissions month by month with
 * intensity {@code exp(lp(state at month) + gamma*log1p(admissions in the previous 12 months))}, where lp
 * covers age, sex, deprivation, recorded conditions and frailty deficits, adult social care, an active PHB
 * and a small latent effect. Because the trajectory is fixed, the true chance of at least one admission in
 * the 12 months after a reference date is computed exactly: the no-new-admission path of the intensity with
 * death and moving away as monthly competing exits. Phase 3 draws the other activity. Every month and
 * activity has its own random stream, so a counterfactual run without the PHB uses the same random numbers.
 */
final class PersonSimulator {
    private static final int S_PERSON = 10;
    private static final int S_CONDITIONS = 11;
    private static final int S_LIFE = 12;
    private static final int S_MOVES = 13;
    private static final int S_ASC = 14;
    private static final int S_CHC = 15;
    private static final int S_WHEEL = 16;
    private static final int S_MH = 17;
    private static final int S_CSC = 18;
    private static final int S_EHCP = 19;
    private static final int S_PHB = 20;
    private static final int S_IDENT = 21;
    private static final int S_OPT_OUT = 22;
    private static final int S_SCHOOL = 23;
    private static final int S_EMERGENCY = 30;
    private static final int S_AE = 31;
    private static final int S_ELECTIVE = 32;
    private static final int S_OUTPATIENT = 33;
    private static final int S_GP = 34;
    private static final int S_COMMUNITY = 35;
    private static final int S_RX = 36;
    private static final int S_MHC = 37;
    private static final String[] SECTORS = {"acute", "primary_care", "community", "mental_health", "adult_social_care", "chc"};
    private static final double WEEKS_PER_YEAR = 365.25 / 7;

    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final SecretKey key;
    private transient IdentityEncoder encoder;

    PersonSimulator(Model model, SecretKey key) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.key = key;
    }

    private IdentityEncoder encoder() {
        if (encoder == null) {
            encoder = new IdentityEncoder(key);
        }
        return encoder;
    }

    // ------------------------------------------------------------------ the person's trajectory

    static final class Spell {
        LocalDate from;
        LocalDate to;
        int lsoa;
        int practice;
        String postcode;
    }

    static final class Phb {
        String group;
        LocalDate eligible;
        LocalDate offer;
        LocalDate decision;
        boolean accepted;
        String declineReason;
        LocalDate indicative;
        LocalDate plan;
        LocalDate start;
        LocalDate end;
        double value;
        String option;
        boolean changesUse;
        String id;
    }

    static final class Episode {
        String type;
        LocalDate start;
        LocalDate end;
        Double weekly;
        /** a looked-after episode's placement: its SSDA903 PLACE code and the cost group (unit_costs.csv) it is priced in */
        String placement;
        String costGroup;
    }

    final class Person {
        final long idx;
        final String id;
        String sex;
        LocalDate dob;
        String entryType;
        int entryMonth;
        LocalDate entryDate;
        int subIcb;
        String ethnicity;
        double z;
        double u;
        double depr;
        int imd;
        long[] onset;
        int exitMonth = Integer.MAX_VALUE;
        LocalDate exitDate;
        boolean died;
        final List<Spell> spells = new ArrayList<>();
        String nhsNumber;
        String given;
        String family;
        // adult social care
        LocalDate ascStart;
        LocalDate ascEnd;
        String ascServiceType;
        String ascComponent;
        String ascDelivery;
        String ascReason;
        double ascHours;
        String ascUnitItem;
        int ascLa;
        LocalDate ascShortTerm;
        boolean ascShortService;
        // CHC and children's continuing care
        String chcPathway;
        LocalDate chcReferral;
        LocalDate chcDecision;
        boolean chcEligible;
        LocalDate chcStart;
        LocalDate chcEnd;
        String chcSetting;
        double chcWeekly;
        // wheelchair
        LocalDate wheelOnset;
        String chairType;
        double chairCost;
        boolean longTermUser;
        // mental health stays: start, end, section (null if informal)
        final List<Object[]> mhStays = new ArrayList<>();
        final List<Episode> csc = new ArrayList<>();
        LocalDate ehcpStart;
        LocalDate ehcpEnd;
        String ehcpNeed;
        String ehcpPlacement;
        double ehcpCost;
        final List<Phb> phbs = new ArrayList<>();
        boolean socialCareNoNhs;
        String token;

        Person(long idx) {
            this.idx = idx;
            this.id = "P" + idx;
        }

        double age(LocalDate d) {
            return (d.toEpochDay() - dob.toEpochDay()) / 365.25;
        }

        boolean has(int c, LocalDate d) {
            return onset[c] < d.toEpochDay();
        }

        boolean present(int k) {
            return k >= entryMonth && k <= exitMonth;
        }

        Spell spellAt(LocalDate d) {
            Spell sp = spells.get(0);
            for (Spell x : spells) {
                if (!x.from.isAfter(d)) {
                    sp = x;
                }
            }
            return sp;
        }

        boolean ascActive(LocalDate d) {
            return ascStart != null && !ascStart.isAfter(d) && (ascEnd == null || !ascEnd.isBefore(d));
        }

        boolean chcActive(LocalDate d) {
            return chcStart != null && !chcStart.isAfter(d) && (chcEnd == null || !chcEnd.isBefore(d));
        }

        boolean phbActive(LocalDate d, boolean usesOnly) {
            for (Phb p : phbs) {
                if (p.start != null && !p.start.isAfter(d) && (p.end == null || !p.end.isBefore(d)) && (!usesOnly || p.changesUse)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Simulates one person and returns the tagged rows. */
    List<Row> simulate(long idx) {
        Person p = trajectory(idx);
        Emitter out = new Emitter(s.seed(), idx, s.faults(), s.end(), (int) ref.p("fault_future_years"));
        Activity factual = activity(p, true, out);
        writeStatic(p, out);
        writeRisk(p, factual, out);
        writePhbEffect(p, factual, out);
        writePerson(p, out);
        return out.rows();
    }

    /** The raw identities a person's records were made from (never written; for leak checks). */
    List<Row> identities(long idx) {
        Person p = trajectory(idx);
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(p.id, "nhs_number", p.nhsNumber));
        rows.add(RowFactory.create(p.id, "given_name", p.given));
        rows.add(RowFactory.create(p.id, "family_name", p.family));
        rows.add(RowFactory.create(p.id, "date_of_birth", p.dob.toString()));
        for (Spell sp : p.spells) {
            rows.add(RowFactory.create(p.id, "postcode", sp.postcode));
        }
        for (String feed : new String[] {"asc_cld", "csc", "ehcp"}) {
            Identity v = variant(p, feed, null);
            if (!v.givenName().equals(p.given) || !v.familyName().equals(p.family)) {
                rows.add(RowFactory.create(p.id, "given_name", v.givenName()));
                rows.add(RowFactory.create(p.id, "family_name", v.familyName()));
            }
            if (!v.dateOfBirth().equals(p.dob)) {
                rows.add(RowFactory.create(p.id, "date_of_birth", v.dateOfBirth().toString()));
            }
            rows.add(RowFactory.create(p.id, "postcode", v.postcode()));
        }
        return rows;
    }

    Person trajectory(long idx) {
        Person p = new Person(idx);
        Rng r = new Rng(s.seed(), idx, S_PERSON, 0);
        LocalDate start = s.start();
        LocalDate end = s.end();
        double years = m.windowMonths / 12.0;
        double pBorn = ref.p("births_per_person_year") * years;
        double pIn = ref.p("moves_in_per_person_year") * years;
        double u0 = r.u();
        if (u0 < pBorn) {
            p.entryType = "born";
            p.dob = start.plusDays(r.between(0, (int) (end.toEpochDay() - start.toEpochDay())));
            p.sex = r.chance(ref.p("male_share_at_birth")) ? "1" : "2";
            p.entryDate = p.dob;
        } else if (u0 < pBorn + pIn) {
            p.entryType = "moved_in";
            LocalDate arrival = start.plusDays(r.between(1, (int) (end.toEpochDay() - start.toEpochDay())));
            double[] w = new double[m.bandShare.length];
            for (int b = 0; b < w.length; b++) {
                w[b] = m.bandShare[b] * m.bandMigration[b];
            }
            int b = r.pick(w);
            double age = ageInBand(r, b);
            p.sex = r.chance(m.bandFemale[b]) ? "2" : "1";
            p.dob = arrival.minusDays((long) (age * 365.25));
            p.entryDate = arrival;
        } else {
            p.entryType = "present";
            int b = r.pick(m.bandShare);
            double age = ageInBand(r, b);
            p.sex = r.chance(m.bandFemale[b]) ? "2" : "1";
            p.dob = start.minusDays((long) (age * 365.25) + 1);
            p.entryDate = null;
        }
        p.entryMonth = p.entryDate == null ? 0 : m.monthOf(p.entryDate);
        // area
        int lsoa = r.pick(m.geo.lsoaWeight);
        p.subIcb = m.geo.lsoaSubIcb[lsoa];
        p.imd = m.geo.lsoaImd[lsoa];
        p.depr = (5.5 - p.imd) / 4.5;
        p.ethnicity = m.geo.ethnicityCodes[r.pick(m.geo.ethnicityWeights[p.subIcb])];
        p.z = r.normal();
        p.u = ref.p("emergency_latent_sd") * r.normal();
        // identity
        p.nhsNumber = nhsNumber(idx);
        p.given = r.pick(ref.names.get("given_" + p.sex));
        p.family = r.pick(ref.names.get("family"));
        p.socialCareNoNhs = r.chance(s.missingNhsTokenShare());

        // conditions
        Rng rc = new Rng(s.seed(), idx, S_CONDITIONS, 0);
        p.onset = new long[m.conditions.length];
        for (int c = 0; c < m.conditions.length; c++) {
            double a = m.conditions[c].onsetAge(rc, p.z, p.depr, 0);
            p.onset[c] = Double.isNaN(a) ? Long.MAX_VALUE : p.dob.toEpochDay() + (long) (a * 365.25);
        }

        // registration spells and moves within the area
        Spell first = new Spell();
        if (p.entryDate != null) {
            first.from = p.entryDate;
        } else {
            long back = (long) (r.exponential(ref.p("registration_years_mean")) * 365.25);
            LocalDate from = start.minusDays(1 + back);
            first.from = from.isAfter(p.dob) ? from : p.dob.plusDays(r.between(1, 60));
            if (first.from.isAfter(start.minusDays(1))) {
                first.from = start.minusDays(1);
            }
        }
        first.lsoa = lsoa;
        first.practice = m.geo.pickPractice(r, p.subIcb);
        first.postcode = postcode(p, 0, lsoa);
        p.spells.add(first);

        lifeEvents(p);
        return p;
    }

    private double ageInBand(Rng r, int b) {
        Map<String, String> band = ref.population.get(b);
        double from = Reference.d(band, "age_from");
        if (b == m.bandFrom.length - 1) {
            return Math.min(Reference.d(band, "age_to"), from + r.exponential(ref.p("old_age_tail_years")));
        }
        return from + r.u() * (Reference.d(band, "age_to") - from + 1);
    }

    /** Social care, CHC, wheelchair, mental health stays, children's services, EHCP, death and moves, PHBs. */
    private void lifeEvents(Person p) {
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
                sp.postcode = postcode(p, p.spells.size(), sp.lsoa);
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

        phbs(p);
    }

    private double deathHazard(Person p, int k, double theta) {
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

    private double moveHazard(Person p, int k, double outBase, double meanMig) {
        LocalDate ms = m.monthStart(k);
        double age = p.age(ms);
        if (age < 0) {
            return 0;
        }
        return Math.min(0.5, outBase / 12 * m.bandMigration[m.band(age)] / meanMig);
    }

    private String pickShare(Rng r, String kind) {
        List<Map<String, String>> rows = ref.sen.stream().filter(x -> x.get("kind").equals(kind)).toList();
        double[] w = new double[rows.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Reference.d(rows.get(i), "share");
        }
        return rows.get(r.pick(w)).get("code");
    }

    private int efiCount(Person p, LocalDate d) {
        int n = 0;
        long day = d.toEpochDay();
        for (int c = 0; c < p.onset.length; c++) {
            if (m.efiItem[c] && p.onset[c] < day) {
                n++;
            }
        }
        return n;
    }

    private int ltcCount(Person p, LocalDate d) {
        int n = 0;
        long day = d.toEpochDay();
        for (int c = 0; c < p.onset.length; c++) {
            if (m.ltc[c] && p.onset[c] < day) {
                n++;
            }
        }
        return n;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    // ------------------------------------------------------------------ PHBs

    private void phbs(Person p) {
        Rng r = new Rng(s.seed(), p.idx, S_PHB, 0);
        LocalDate h0 = m.monthStart(-m.historyMonths);
        LocalDate horizon = m.monthStart(m.simMonths).minusDays(1);
        List<Object[]> events = new ArrayList<>(); // group, eligible date, value, natural end
        if (p.chcEligible && p.chcStart != null) {
            String g = switch (p.chcPathway) {
                case "FAST_TRACK" -> "FAST_TRACK";
                case "CHILDREN" -> "CCC";
                default -> "CHC";
            };
            if (!g.equals("CHC") || "HOME".equals(p.chcSetting)) {
                events.add(new Object[] {g, p.chcDecision, p.chcWeekly * WEEKS_PER_YEAR, p.chcEnd});
            }
        }
        if (p.wheelOnset != null && p.longTermUser) {
            for (LocalDate d = p.wheelOnset; !d.isAfter(horizon); d = d.plusYears((long) ref.p("chair_life_years"))) {
                if (!d.isBefore(h0)) {
                    events.add(new Object[] {"WHEELCHAIR", d, p.chairCost, d.plusYears((long) ref.p("chair_life_years")).minusDays(1)});
                }
            }
        }
        for (Object[] st : p.mhStays) {
            if ("3".equals(st[2]) || "37".equals(st[2])) {
                events.add(new Object[] {"S117", st[1], 0.0, null});
                break;
            }
        }
        if (p.ehcpStart != null) {
            events.add(new Object[] {"EHCP", p.ehcpStart, 0.0, p.ehcpEnd});
        }
        int LD = m.condition("LD");
        int AUT = m.condition("AUT");
        int SMI = m.condition("SMI");
        int PAL = m.condition("PAL");
        long days = horizon.toEpochDay() - h0.toEpochDay();
        double years = days / 365.25;
        LocalDate any = h0.plusDays(r.between(0, (int) days));
        if ((p.has(LD, any) || p.has(AUT, any)) && p.age(any) >= 18) {
            events.add(new Object[] {"LD_AUTISM", any, 0.0, null});
        }
        LocalDate any2 = h0.plusDays(r.between(0, (int) days));
        if (p.has(SMI, any2)) {
            events.add(new Object[] {"MENTAL_HEALTH", any2, 0.0, null});
        }
        LocalDate any3 = h0.plusDays(r.between(0, (int) days));
        if (ltcCount(p, any3) >= ref.p("phb_other_min_conditions") && p.age(any3) >= 18) {
            events.add(new Object[] {"OTHER", any3, 0.0, null});
        }
        if (p.onset[PAL] != Long.MAX_VALUE) {
            events.add(new Object[] {"END_OF_LIFE", LocalDate.ofEpochDay(p.onset[PAL]), 0.0, p.exitDate});
        }
        for (Object[] e : events) {
            String group = (String) e[0];
            LocalDate eligible = (LocalDate) e[1];
            if (eligible.isBefore(h0) || eligible.isAfter(horizon) || eligible.isBefore(p.dob)
                    || (p.exitDate != null && !eligible.isBefore(p.exitDate))
                    || (p.entryDate != null && eligible.isBefore(p.entryDate))) {
                continue;
            }
            Map<String, String> g = m.phbGroups.get(group);
            double offerP = Reference.d(g, "offer_probability");
            if (group.equals("LD_AUTISM") || group.equals("MENTAL_HEALTH") || group.equals("OTHER")) {
                offerP = 1 - Math.pow(1 - offerP, years);
            }
            if (!r.chance(offerP)) {
                continue;
            }
            Phb b = new Phb();
            b.group = group;
            b.eligible = eligible;
            b.changesUse = Reference.d(g, "changes_use") > 0;
            b.offer = eligible.plusDays(r.between(0, 21));
            b.decision = b.offer.plusDays(r.between(7, 60));
            // uptake depends only on what a commissioner can see before the offer
            double logit = Reference.d(g, "uptake_logit") + ref.p("phb_uptake_under65") * (p.age(eligible) < 65 ? 1 : 0)
                    + ref.p("phb_uptake_per_condition") * Math.min(5, ltcCount(p, eligible))
                    + ref.p("phb_uptake_per_imd_decile") * (p.imd - 5.5)
                    + ref.p("phb_uptake_social_care") * (p.ascActive(eligible) ? 1 : 0);
            b.accepted = r.chance(OnsetModel.logistic(logit));
            if (!b.accepted) {
                double u = r.u();
                b.declineReason = u < 0.4 ? "PREFERS_CURRENT_SERVICES" : u < 0.65 ? "RESPONSIBILITY" : u < 0.75 ? "NOT_ENOUGH_CHOICE"
                        : u < 0.85 ? "PROCESS_TOO_SLOW" : u < 0.9 ? "HEALTH_CHANGED" : "OTHER";
            } else {
                if (group.equals("CHC") || group.equals("FAST_TRACK") || group.equals("CCC")) {
                    b.plan = p.chcStart.minusDays(r.between(0, 3));
                    b.start = p.chcStart;
                    if (b.plan.isBefore(eligible)) {
                        b.plan = eligible;
                    }
                } else {
                    b.plan = eligible.plusDays(14 + (long) r.exponential(ref.p("phb_plan_days_mean")));
                    b.start = b.plan.plusDays(r.between(0, 21));
                }
                double u = r.u();
                if (u < ref.p("phb_indicative_before_plan")) {
                    b.indicative = eligible.plusDays((long) (r.u() * (b.plan.toEpochDay() - eligible.toEpochDay())));
                } else if (u < ref.p("phb_indicative_before_plan") + ref.p("phb_indicative_after_plan")) {
                    b.indicative = b.plan.plusDays(r.between(1, 30));
                }
                double v = Reference.d(g, "value_median");
                b.value = group.equals("WHEELCHAIR") || group.equals("CHC") || group.equals("FAST_TRACK") ? (double) e[2]
                        : r.lognormal(v, Reference.d(g, "value_sigma"));
                double ou = r.u();
                b.option = group.equals("WHEELCHAIR") ? (ou < 0.9 ? "NOTIONAL" : "THIRD_PARTY")
                        : ou < ref.p("phb_notional_share") ? "NOTIONAL"
                        : ou < ref.p("phb_notional_share") + ref.p("phb_direct_payment_share") ? "DIRECT_PAYMENT"
                        : ou < ref.p("phb_notional_share") + ref.p("phb_direct_payment_share") + ref.p("phb_third_party_share") ? "THIRD_PARTY" : "MIXED";
                LocalDate end = (LocalDate) e[3];
                if (p.exitDate != null && (end == null || p.exitDate.isBefore(end))) {
                    end = p.exitDate;
                }
                if (end != null && end.isBefore(b.start)) {
                    b.accepted = false;
                    b.declineReason = "HEALTH_CHANGED";
                    b.start = null;
                    b.plan = null;
                    b.indicative = null;
                } else {
                    b.end = end;
                }
            }
            p.phbs.add(b);
        }
    }

    // ------------------------------------------------------------------ phases 2 and 3

    /** Emergency months, per-month costs by sector, and for each reference month the true risk. */
    static final class Activity {
        boolean[] admitted;
        double[][] cost;
    }

    private Activity activity(Person p, boolean withPhb, Emitter out) {
        Activity a = new Activity();
        a.admitted = new boolean[m.simMonths];
        a.cost = new double[m.simMonths][SECTORS.length];
        int from = Math.max(0, p.entryMonth);
        int to = Math.min(p.exitMonth, m.simMonths - 1);
        for (int k = from; k <= to; k++) {
            month(p, k, withPhb, a, out);
        }
        return a;
    }

    private double staticPredictor(Person p, int k, boolean withPhb) {
        LocalDate ms = m.monthStart(k);
        double age = Math.max(0, p.age(ms));
        double lp = Math.log(m.actEmergency[m.band(age)] / 12) + p.u;
        lp += p.sex.equals("1") ? ref.p("emergency_male_coef") : 0;
        lp += ref.p("emergency_deprivation_coef") * p.depr;
        long day = ms.toEpochDay();
        int n = 0;
        for (int c = 0; c < p.onset.length; c++) {
            if (p.onset[c] < day && m.emergencyCoef[c] != 0) {
                lp += m.emergencyCoef[c];
                if (m.ltc[c]) {
                    n++;
                }
            }
        }
        lp += ref.p("emergency_multimorbidity_coef") * Math.max(0, n - 1);
        lp += p.ascActive(ms) ? ref.p("emergency_social_care_coef") : 0;
        lp += withPhb && p.phbActive(ms, true) ? Math.log(ref.p("phb_emergency_rate_ratio")) : 0;
        return lp;
    }

    /** Monthly emergency intensity from its linear predictor, capped so no month is certain. */
    private double intensity(double linearPredictor) {
        return Math.min(ref.p("emergency_max_monthly_intensity"), Math.exp(linearPredictor));
    }

    private static int trailing(boolean[] admitted, int k, int lastKnown) {
        int n = 0;
        for (int j = Math.max(0, k - 12); j < k && j <= lastKnown; j++) {
            if (admitted[j]) {
                n++;
            }
        }
        return n;
    }

    private void month(Person p, int k, boolean withPhb, Activity a, Emitter out) {
        LocalDate ms = m.monthStart(k);
        LocalDate me = ms.plusMonths(1).minusDays(1);
        boolean emit = out.enabled() && k < m.windowMonths;
        LocalDate lastDay = p.exitMonth == k ? p.exitDate : me;
        if (k == m.windowMonths - 1 && lastDay.isAfter(s.end())) {
            lastDay = s.end();
        }
        LocalDate firstDay = p.entryMonth == k && p.entryDate != null ? p.entryDate : ms;
        if (lastDay.isBefore(firstDay)) {
            return;
        }
        int span = (int) (lastDay.toEpochDay() - firstDay.toEpochDay());
        double age = Math.max(0, p.age(ms));
        int band = m.band(age);
        int nLtc = ltcCount(p, ms);
        int nEfi = efiCount(p, ms);
        boolean phb = withPhb && p.phbActive(ms, true);
        String token = null;
        int subIcb = m.geo.lsoaSubIcb[p.spellAt(ms).lsoa];
        double elsewhere = ref.p("provider_elsewhere_share");

        // emergency admission
        Rng re = new Rng(s.seed(), p.idx, S_EMERGENCY, k);
        double lambda = intensity(staticPredictor(p, k, withPhb) + ref.p("emergency_prior_coef") * Math.log1p(trailing(a.admitted, k, k)));
        double ue = re.u();
        if (ue < 1 - Math.exp(-lambda)) {
            a.admitted[k] = true;
            LocalDate adm = firstDay.plusDays(re.between(0, span));
            double losMean = age < 65 ? ref.p("los_mean_under65") : age < 80 ? ref.p("los_mean_65_79") : ref.p("los_mean_80plus");
            long los = re.chance(ref.p("los_zero_share")) ? 0 : 1 + (long) re.exponential(losMean * Math.exp(ref.p("los_deficit_coef") * nEfi));
            LocalDate dis = adm.plusDays(los);
            if (p.died && p.exitMonth == k && dis.isAfter(p.exitDate)) {
                dis = p.exitDate;
            }
            double cost = ref.cost("emergency_spell") + Math.max(0, los - ref.cost("emergency_trim_days")) * ref.cost("excess_bed_day");
            a.cost[k][0] += cost;
            double um = re.u();
            String method = um < 0.70 ? "21" : um < 0.82 ? "22" : um < 0.84 ? "23" : um < 0.87 ? "24" : um < 0.88 ? "25"
                    : um < 0.90 ? "2A" : um < 0.92 ? "2B" : um < 0.94 ? "2D" : "28";
            String[] dx = diagnosis(re, p, ms, m.emergencyDiagnoses);
            String provider = m.geo.provider(re, subIcb, elsewhere);
            if (method.equals("21") || method.equals("2A")) {
                a.cost[k][0] += ref.cost("ae_type1");
            }
            if (emit) {
                token = token(p);
                String[] v = out.newRow("apc_spells");
                Emitter.Layout l = Emitter.layout("apc_spells");
                v[l.at("spell_id")] = out.nextId("apc_spells");
                v[l.at("nhs_token")] = token;
                v[l.at("provider_code")] = provider;
                v[l.at("admission_date")] = adm.toString();
                v[l.at("discharge_date")] = dis.isAfter(s.end()) ? null : dis.toString();
                v[l.at("admission_method")] = method;
                v[l.at("primary_diagnosis")] = dx[0];
                v[l.at("hrg_code")] = dx[1];
                v[l.at("cost")] = Emitter.money(cost);
                out.feed("apc_spells", v);
                if (method.equals("21") || method.equals("2A")) {
                    ecds(out, token, provider, adm, "01", ref.cost("ae_type1"));
                }
            }
        }
        // other A&E attendances
        Rng rae = new Rng(s.seed(), p.idx, S_AE, k);
        int nAe = rae.poisson(m.actAe[band] / 12 * Math.exp(ref.p("ae_condition_coef") * nLtc + ref.p("ae_deprivation_coef") * p.depr)
                * (phb ? ref.p("phb_ae_rate_ratio") : 1));
        for (int i = 0; i < nAe; i++) {
            double ud = rae.u();
            String dept = ud < 0.68 ? "01" : ud < 0.72 ? "02" : ud < 0.95 ? "03" : "04";
            double cost = dept.equals("01") ? ref.cost("ae_type1") : ref.cost("ae_other");
            a.cost[k][0] += cost;
            LocalDate d = firstDay.plusDays(rae.between(0, span));
            String provider = m.geo.provider(rae, subIcb, elsewhere);
            if (emit) {
                token = token == null ? token(p) : token;
                ecds(out, token, provider, d, dept, cost);
            }
        }
        // elective admissions
        Rng rel = new Rng(s.seed(), p.idx, S_ELECTIVE, k);
        int nEl = rel.poisson(m.actElective[band] / 12 * Math.exp(ref.p("elective_condition_coef") * nLtc));
        for (int i = 0; i < nEl; i++) {
            boolean dayCase = rel.chance(ref.p("elective_day_case_share"));
            long los = dayCase ? 0 : rel.between(1, 6);
            double cost = ref.cost(dayCase ? "elective_day_case" : "elective_spell") * rel.lognormal(1, 0.2);
            a.cost[k][0] += cost;
            LocalDate d = firstDay.plusDays(rel.between(0, span));
            String[] dx = diagnosis(rel, p, ms, m.electiveDiagnoses);
            double um = rel.u();
            String method = um < 0.6 ? "11" : um < 0.9 ? "12" : "13";
            String provider = m.geo.provider(rel, subIcb, elsewhere);
            if (emit) {
                token = token == null ? token(p) : token;
                LocalDate dis = d.plusDays(los);
                String[] v = out.newRow("apc_spells");
                Emitter.Layout l = Emitter.layout("apc_spells");
                v[l.at("spell_id")] = out.nextId("apc_spells");
                v[l.at("nhs_token")] = token;
                v[l.at("provider_code")] = provider;
                v[l.at("admission_date")] = d.toString();
                v[l.at("discharge_date")] = dis.isAfter(s.end()) || (p.exitDate != null && dis.isAfter(p.exitDate)) ? null : dis.toString();
                v[l.at("admission_method")] = method;
                v[l.at("primary_diagnosis")] = dx[0];
                v[l.at("hrg_code")] = dx[1];
                v[l.at("cost")] = Emitter.money(cost);
                out.feed("apc_spells", v);
            }
        }
        // outpatients
        Rng ro = new Rng(s.seed(), p.idx, S_OUTPATIENT, k);
        int nOp = ro.poisson(m.actOutpatient[band] / 12 * Math.exp(ref.p("outpatient_condition_coef") * nLtc))
                + (a.admitted[k] && ro.chance(ref.p("outpatient_after_emergency")) ? 1 : 0);
        for (int i = 0; i < nOp; i++) {
            boolean firstAtt = ro.chance(ref.p("outpatient_first_share"));
            double us = ro.u();
            String status = us < ref.p("outpatient_dna_share") ? "3" : us < ref.p("outpatient_dna_share") + 0.04 ? (ro.chance(0.5) ? "2" : "4")
                    : us < ref.p("outpatient_dna_share") + 0.05 ? "7" : ro.chance(0.95) ? "5" : "6";
            boolean attended = status.equals("5") || status.equals("6");
            double cost = attended ? ref.cost(firstAtt ? "outpatient_first" : "outpatient_follow_up") : 0;
            a.cost[k][0] += cost;
            String tf = specialty(ro, p, ms, age);
            LocalDate d = firstDay.plusDays(ro.between(0, span));
            String provider = m.geo.provider(ro, subIcb, elsewhere);
            if (emit) {
                token = token == null ? token(p) : token;
                String[] v = out.newRow("outpatients");
                Emitter.Layout l = Emitter.layout("outpatients");
                v[l.at("appointment_id")] = out.nextId("outpatients");
                v[l.at("nhs_token")] = token;
                v[l.at("provider_code")] = provider;
                v[l.at("appointment_date")] = d.toString();
                v[l.at("first_attendance")] = firstAtt ? "1" : "2";
                v[l.at("treatment_function")] = tf;
                v[l.at("attendance_status")] = status;
                v[l.at("cost")] = Emitter.money(cost);
                out.feed("outpatients", v);
            }
        }
        // GP appointments
        Rng rg = new Rng(s.seed(), p.idx, S_GP, k);
        double gpRate = m.actGp[band];
        long day = ms.toEpochDay();
        for (int c = 0; c < p.onset.length; c++) {
            if (p.onset[c] < day) {
                gpRate += m.gpExtra[c];
            }
        }
        int nGp = rg.poisson(gpRate / 12 * (phb ? ref.p("phb_gp_rate_ratio") : 1));
        boolean housebound = p.has(m.condition("EFI_HOUSEBOUND"), ms);
        for (int i = 0; i < nGp; i++) {
            double uh = rg.u();
            String hcp = uh < 0.55 ? "GP" : uh < 0.85 ? "NURSE" : "OTHER";
            double um = rg.u();
            double home = housebound ? 0.3 : age >= 85 ? 0.06 : 0.01;
            String mode = um < home ? "HOME_VISIT" : um < home + 0.62 ? "FACE_TO_FACE" : um < home + 0.94 ? "TELEPHONE" : "VIDEO";
            boolean attended = !rg.chance(mode.equals("FACE_TO_FACE") ? ref.p("gp_dna_share") : 0.005);
            double cost = attended ? ref.cost(hcp.equals("GP") ? "gp_consultation" : hcp.equals("NURSE") ? "nurse_consultation" : "other_consultation") : 0;
            a.cost[k][1] += cost;
            LocalDate d = firstDay.plusDays(rg.between(0, span));
            if (emit) {
                token = token == null ? token(p) : token;
                String[] v = out.newRow("gp_appointments");
                Emitter.Layout l = Emitter.layout("gp_appointments");
                v[l.at("record_id")] = out.nextId("gp_appointments");
                v[l.at("nhs_token")] = token;
                v[l.at("appointment_date")] = d.toString();
                v[l.at("hcp_type")] = hcp;
                v[l.at("appointment_mode")] = mode;
                v[l.at("attended")] = attended ? "Y" : "N";
                v[l.at("cost")] = Emitter.money(cost);
                out.feed("gp_appointments", v);
            }
        }
        // prescriptions
        Rng rx = new Rng(s.seed(), p.idx, S_RX, k);
        double meds = age >= 18 ? ref.p("rx_base_adult") : ref.p("rx_base_child");
        for (int c = 0; c < p.onset.length; c++) {
            if (p.onset[c] < day) {
                meds += m.medicines[c];
            }
        }
        // at most as many distinct medicines as the BNF list names, so the national items can name each one
        int distinct = Math.min(ref.bnfMedicines.size(), rx.poisson(meds));
        if (distinct > 0) {
            int items = Math.min(500, distinct + rx.poisson(distinct * ref.p("rx_extra_items_per_medicine")));
            double cost = items * ref.cost("prescription_item") * rx.lognormal(1, 0.3);
            a.cost[k][1] += cost;
            if (emit && !ms.isBefore(firstDay.withDayOfMonth(1))) {
                token = token == null ? token(p) : token;
                String[] v = out.newRow("prescriptions");
                Emitter.Layout l = Emitter.layout("prescriptions");
                v[l.at("record_id")] = out.nextId("prescriptions");
                v[l.at("nhs_token")] = token;
                v[l.at("period_month")] = ms.toString();
                v[l.at("distinct_medicines")] = Integer.toString(distinct);
                v[l.at("items")] = Integer.toString(items);
                v[l.at("cost")] = Emitter.money(cost);
                out.feed("prescriptions", v);
            }
        }
        // community contacts
        Rng rco = new Rng(s.seed(), p.idx, S_COMMUNITY, k);
        int nCo = rco.poisson(m.actCommunity[band] / 12 * Math.exp(ref.p("community_deficit_coef") * nEfi)
                * (p.ascActive(ms) ? ref.p("community_social_care_rr") : 1) * (phb ? ref.p("phb_community_rate_ratio") : 1));
        boolean pal = p.has(m.condition("PAL"), ms);
        for (int i = 0; i < nCo; i++) {
            double uc = rco.u();
            String svc = age < 18 ? (uc < 0.6 ? "CHILDRENS_COMMUNITY" : uc < 0.8 ? "SALT" : "PHYSIOTHERAPY")
                    : pal && uc < 0.4 ? "PALLIATIVE"
                    : uc < 0.45 ? "DISTRICT_NURSING" : uc < 0.6 ? "PODIATRY" : uc < 0.72 ? "PHYSIOTHERAPY" : uc < 0.8 ? "OCCUPATIONAL_THERAPY"
                    : uc < 0.88 ? "COMMUNITY_MATRON" : uc < 0.95 ? "INTERMEDIATE_CARE" : uc < 0.97 ? "SALT" : "WHEELCHAIR_SERVICE";
            LocalDate d = firstDay.plusDays(rco.between(0, span));
            PriceList.Priced price = ref.nationalPrice("COMMUNITY", "*", d);
            double cost = price.price().doubleValue();
            a.cost[k][2] += cost;
            if (emit) {
                token = token == null ? token(p) : token;
                String[] v = out.newRow("community");
                Emitter.Layout l = Emitter.layout("community");
                v[l.at("contact_id")] = out.nextId("community");
                v[l.at("nhs_token")] = token;
                v[l.at("contact_date")] = d.toString();
                v[l.at("service_type")] = svc;
                v[l.at("cost")] = Emitter.money(cost);
                v[l.at("cost_source")] = price.costSource();
                v[l.at("price_year")] = price.year().toString();
                out.feed("community", v);
            }
        }
        // mental health contacts
        Rng rmc = new Rng(s.seed(), p.idx, S_MHC, k);
        String[][] sources = {
            {"SMI", age < 35 ? "EIP" : "CMHT", "mh_contacts_per_year_smi"},
            {"DEP", "TALKING_THERAPIES", "mh_contacts_per_year_dep"},
            {"DEM", "MEMORY", "mh_contacts_per_year_dem"},
            {"LD", "LD_TEAM", "mh_contacts_per_year_ld"},
            {"AUT", age < 18 ? "CAMHS" : "CMHT", "mh_contacts_per_year_aut"}};
        for (String[] src : sources) {
            if (!p.has(m.condition(src[0]), ms)) {
                continue;
            }
            int n = rmc.poisson(ref.p(src[2]) / 12);
            for (int i = 0; i < n; i++) {
                LocalDate d = firstDay.plusDays(rmc.between(0, span));
                PriceList.Priced price = ref.nationalPrice("MH_CONTACT", "MHCC", d);
                double cost = price.price().doubleValue();
                a.cost[k][3] += cost;
                if (emit) {
                    token = token == null ? token(p) : token;
                    mhEvent(out, token, "CONTACT", d, null, null, src[1], price, 1);
                }
            }
        }
        // social care and CHC costs of the month (trajectory, identical with and without a PHB)
        double weeks = (lastDay.toEpochDay() - firstDay.toEpochDay() + 1) / 7.0;
        if (p.ascActive(ms) || p.ascActive(me)) {
            a.cost[k][4] += ascWeekly(p, fy(ms)) * weeks;
        }
        if (p.chcActive(ms) || p.chcActive(me)) {
            a.cost[k][5] += p.chcWeekly * weeks;
        }
    }

    private void ecds(Emitter out, String token, String provider, LocalDate d, String dept, double cost) {
        String[] v = out.newRow("ecds");
        Emitter.Layout l = Emitter.layout("ecds");
        v[l.at("attendance_id")] = out.nextId("ecds");
        v[l.at("nhs_token")] = token;
        v[l.at("provider_code")] = provider;
        v[l.at("arrival_date")] = d.toString();
        v[l.at("department_type")] = dept;
        v[l.at("cost")] = Emitter.money(cost);
        out.feed("ecds", v);
    }

    /** A mental health event; {@code price} null for one that costs nothing (a detention is paid for by its stay). */
    private void mhEvent(Emitter out, String token, String type, LocalDate st, LocalDate en, String section, String service,
            PriceList.Priced price, long units) {
        String[] v = out.newRow("mental_health");
        Emitter.Layout l = Emitter.layout("mental_health");
        v[l.at("event_id")] = out.nextId("mental_health");
        v[l.at("nhs_token")] = token;
        v[l.at("event_type")] = type;
        v[l.at("start_date")] = st.toString();
        v[l.at("end_date")] = en == null ? null : en.toString();
        v[l.at("mha_section")] = section;
        v[l.at("service")] = service;
        v[l.at("cost")] = price == null ? "0.00" : Emitter.money(price.price().doubleValue() * units);
        // a detention costs nothing of its own (its stay is priced): no source, as the national MHSDS profile reads it
        v[l.at("cost_source")] = price == null ? null : price.costSource();
        v[l.at("price_year")] = price == null ? null : price.year().toString();
        // a hospital stay's service is the ward, set by the provider's system; only a contact's team can be a local code
        out.feed("mental_health", v, type.equals("CONTACT") ? Set.of() : Set.of("service"));
    }

    private String[] diagnosis(Rng r, Person p, LocalDate d, List<String[]> list) {
        double[] w = new double[list.size()];
        for (int i = 0; i < w.length; i++) {
            String[] x = list.get(i);
            w[i] = Double.parseDouble(x[2]);
            if (!x[3].isEmpty() && p.has(m.condition(x[3]), d)) {
                w[i] *= ref.p("diagnosis_condition_boost");
            }
        }
        return list.get(r.pick(w));
    }

    private String specialty(Rng r, Person p, LocalDate d, double age) {
        if (age < 16) {
            return "420";
        }
        List<String> own = new ArrayList<>();
        for (int c = 0; c < p.onset.length; c++) {
            if (p.has(c, d)) {
                own.add(m.treatmentFunction[c]);
            }
        }
        if (!own.isEmpty() && r.chance(0.6)) {
            return r.pick(own);
        }
        String[] general = {"100", "101", "110", "120", "130", "300", "301", p.sex.equals("2") ? "502" : "101"};
        return general[r.between(0, general.length - 1)];
    }

    static int fy(LocalDate d) {
        return d.getMonthValue() >= 4 ? d.getYear() : d.getYear() - 1;
    }

    private double ascWeekly(Person p, int fy) {
        if (p.ascUnitItem == null) {
            return 0;
        }
        return p.ascUnitItem.equals("home_care_hour") ? p.ascHours * ref.cost("home_care_hour", fy) : ref.cost(p.ascUnitItem, fy);
    }

    // ------------------------------------------------------------------ identities

    private String token(Person p) {
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

    private String postcode(Person p, int spell, int lsoa) {
        Rng r = new Rng(s.seed(), p.idx, S_IDENT, 100 + spell);
        return m.geo.lsoaDistrict[lsoa] + " " + r.between(1, 9) + (char) ('A' + r.between(0, 25)) + (char) ('A' + r.between(0, 25));
    }

    /** The identity a social care or education system holds, with its recording faults (counted when emitting). */
    private Identity variant(Person p, String feed, List<String> faults) {
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
        return new Identity(p.nhsNumber, given, family, dob, p.sex, postcode);
    }

    private void identityBlock(String[] v, Emitter.Layout l, EncodedIdentity e, boolean withNhs) {
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

    private void writeStatic(Person p, Emitter out) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        if (p.entryDate != null && p.entryDate.isAfter(end)) {
            return;
        }
        String token = token(p);
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "nhs_token", token, p.id);

        // patients: one row per registration spell
        Emitter.Layout lp = Emitter.layout("patients");
        for (int i = 0; i < p.spells.size(); i++) {
            Spell sp = p.spells.get(i);
            if (sp.from.isAfter(end)) {
                continue;
            }
            EncodedIdentity e = encoder().encode(new Identity(p.nhsNumber, p.given, p.family, p.dob, p.sex, sp.postcode));
            String[] v = out.newRow("patients");
            String id = out.nextId("patients");
            v[lp.at("record_id")] = id;
            identityBlock(v, lp, e, true);
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

        // conditions: first recorded date, up to the end of the window or leaving
        LocalDate last = p.exitDate != null && p.exitDate.isBefore(end) ? p.exitDate : end;
        for (int c = 0; c < p.onset.length; c++) {
            if (p.onset[c] == Long.MAX_VALUE || p.onset[c] > last.toEpochDay()) {
                continue;
            }
            String[] v = out.newRow("gp_conditions");
            Emitter.Layout l = Emitter.layout("gp_conditions");
            v[l.at("record_id")] = out.nextId("gp_conditions");
            v[l.at("nhs_token")] = token;
            v[l.at("condition_code")] = m.conditions[c].code;
            v[l.at("recorded_date")] = LocalDate.ofEpochDay(Math.max(p.onset[c], p.dob.toEpochDay())).toString();
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
            mhEvent(out, token, "INPATIENT", a, bEmit, null, "INPATIENT_WARD", ref.nationalPrice("MH_SPELL", "MHPS", a), days);
            if (st[2] != null) {
                String sec = (String) st[2];
                LocalDate dEnd = sec.equals("136") ? min(a.plusDays(1), b) : b;
                mhEvent(out, token, "DETENTION", a, dEnd.isAfter(end) ? null : dEnd, sec, "INPATIENT_WARD", null, 0);
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
        writeAsc(p, out, token);
        writeCsc(p, out, token);
        writeEhcp(p, out);
        writeSchoolCensus(p, out);
    }

    /**
     * National data opt-outs by age and sex (opt_outs.csv), and type 1 opt-outs, more common among people who also hold
     * a national one (parameters.csv). Their own random stream, so no other draw changes.
     */
    private void writeOptOuts(Person p, Emitter out, String token) {
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

    private void writePhbs(Person p, Emitter out, String token) {
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

    private void socialCareIdentity(Person p, String feed, String[] v, Emitter.Layout l, EncodedIdentity e, List<String> faults,
                                    Emitter out) {
        identityBlock(v, l, e, false);
        v[l.at("nhs_token")] = p.socialCareNoNhs ? null : e.nhsToken();
        String key = v[l.keyIndex];
        identityFaults(out, feed, key, faults);
    }

    /**
     * A child's identity as the CIN census and SSDA903 give it: the date of birth and sex, with no NHS number, name or
     * postcode (neither return has them); the child links through the UPN their school census row meets, or not at all.
     */
    private static void childIdentity(String[] v, Emitter.Layout l, EncodedIdentity e, List<String> faults, Emitter out) {
        v[l.at("dob_token")] = e.dobToken();
        v[l.at("dob_ym_token")] = e.dobYmToken();
        v[l.at("dob_dm_token")] = e.dobDmToken();
        v[l.at("birth_year")] = e.birthYear() == null ? null : e.birthYear().toString();
        v[l.at("sex")] = e.sex();
        identityFaults(out, "csc", v[l.keyIndex], faults.stream().filter(f -> f.equals("dob_swap")).toList());
    }

    /** Each recording fault of a record's identity, counted against the field its encoding lands in. */
    private static void identityFaults(Emitter out, String feed, String key, List<String> faults) {
        for (String f : faults) {
            out.fault(feed, f, key, f.equals("name_typo") ? "name_bloom" : f.equals("dob_swap") ? "dob_token" : "postcode_token");
        }
    }

    private void writeAsc(Person p, Emitter out, String token) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        boolean lts = p.ascStart != null && !p.ascStart.isAfter(end) && (p.ascEnd == null || !p.ascEnd.isBefore(start));
        boolean st = p.ascShortTerm != null && !p.ascShortTerm.isAfter(end);
        if (!lts && !st) {
            return;
        }
        List<String> faults = new ArrayList<>();
        Identity id = variant(p, "asc_cld", faults);
        EncodedIdentity e = encoder().encode(id);
        String la = m.geo.laCodes[p.ascLa];
        String personToken = encoder().localIdToken("asc:" + la, "LA" + Long.toUnsignedString(Rng.mix(s.seed() ^ (p.idx * 31 + 7)), 36));
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
                int fy = fy(segStart);
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
                    ref.cost("reablement_week", fy(se)), "Weekly", 1.0, "NO_SERVICES"});
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
            socialCareIdentity(p, "asc_cld", v, l, e, faults, out);
            out.feed("asc_cld", v);
            out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "asc_cld", id2, p.id);
        }
    }

    private void writeCsc(Person p, Emitter out, String token) {
        LocalDate start = s.start();
        LocalDate end = s.end();
        List<Episode> eps = p.csc.stream().filter(x -> !x.start.isAfter(end) && !x.end.isBefore(start)).toList();
        if (eps.isEmpty()) {
            return;
        }
        List<String> faults = new ArrayList<>();
        Identity id = variant(p, "csc", faults);
        EncodedIdentity e = encoder().encode(id);
        String la = m.geo.laCodes[m.geo.lsoaLa[p.spellAt(eps.get(0).start).lsoa]];
        String childToken = encoder().localIdToken("csc:" + la, "C" + Long.toUnsignedString(Rng.mix(s.seed() ^ (p.idx * 37 + 11)), 36));
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "child_token", childToken, p.id);
        Emitter.Layout l = Emitter.layout("csc");
        // a child who is of school age in the window has a UPN, which the CIN census gives with each of their episodes
        String upn = p.age(end) >= 4 && p.age(start) < 19 ? encoder().localIdToken("upn", upn(p)) : null;
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
            childIdentity(v, l, e, faults, out);
            out.feed("csc", v);
            out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "csc", id2, p.id);
        }
    }

    private void writeEhcp(Person p, Emitter out) {
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
        Identity id = variant(p, "ehcp", faults);
        EncodedIdentity e = encoder().encode(id);
        String la = m.geo.laCodes[m.geo.lsoaLa[p.spellAt(p.ehcpStart).lsoa]];
        String pupilToken = pupilToken(p, out);
        Emitter.Layout l = Emitter.layout("ehcp");
        String[] v = out.newRow("ehcp");
        String id2 = out.nextId("ehcp");
        v[l.at("ehcp_id")] = id2;
        v[l.at("la_code")] = la;
        v[l.at("pupil_token")] = pupilToken;
        identityBlock(v, l, e, false);
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
        identityFaults(out, "ehcp", id2, faults);
        out.feed("ehcp", v);
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "ehcp", id2, p.id);
    }

    /**
     * The pupil's row in the last school census of the window (spring: third Thursday of January; summer: third
     * Thursday of May; autumn: first Thursday of October), when they were on the roll of a state-funded school: most
     * children of compulsory school age, some 16 and 17 year olds (school sixth forms), and every child whose EHC plan
     * places them in a state school. Its own random streams, so no other draw changes.
     */
    private void writeSchoolCensus(Person p, Emitter out) {
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
        EncodedIdentity e = encoder().encode(variant(p, "school_census", faults));
        int laIndex = m.geo.lsoaLa[p.spellAt(census).lsoa];
        String la = m.geo.laCodes[laIndex];
        String pupilToken = pupilToken(p, out);
        Emitter.Layout l = Emitter.layout("school_census");
        String[] v = out.newRow("school_census");
        String id = out.nextId("school_census");
        v[l.at("record_id")] = id;
        v[l.at("la_code")] = la;
        // a school's DfE number: its council's, then an establishment number (2000-2999: primary schools, as DfE numbers them)
        v[l.at("school_number")] = String.format("%03d%04d", m.geo.laDfeNumbers[laIndex], 2000 + r.between(0, m.geo.schoolsPerLa - 1));
        v[l.at("pupil_token")] = pupilToken;
        identityBlock(v, l, e, false);
        v[l.at("census_date")] = census.toString();
        v[l.at("sen_provision")] = plan ? "E" : r.chance(ref.p("school_census_sen_support")) ? "K" : "N";
        identityFaults(out, "school_census", id, faults);
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

    private static LocalDate nthThursday(int year, int month, int n) {
        LocalDate first = LocalDate.of(year, month, 1).with(java.time.temporal.TemporalAdjusters.firstInMonth(java.time.DayOfWeek.THURSDAY));
        return first.plusWeeks(n - 1L);
    }

    /** The token of the pupil's UPN, the key of their education records, with its truth. */
    private String pupilToken(Person p, Emitter out) {
        String token = encoder().localIdToken("upn", upn(p));
        out.truth(SyntheticPopulation.TRUTH_PERSON_RECORDS, "pupil_token", token, p.id);
        return token;
    }

    private String upn(Person p) {
        return "A" + String.format("%012d", Long.remainderUnsigned(Rng.mix(s.seed() ^ (p.idx * 41 + 13)), 1_000_000_000_000L));
    }

    // ------------------------------------------------------------------ truth

    /** Quarter-end reference dates: the true 12-month emergency admission probability, computed exactly. */
    private void writeRisk(Person p, Activity a, Emitter out) {
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
                double lambda = intensity(staticPredictor(p, k, true) + gamma * Math.log1p(trailing(a.admitted, k, r)));
                double admit = 1 - Math.exp(-lambda);
                prob += surv * admit;
                double hd = deathHazard(p, k, theta);
                double ho = moveHazard(p, k, outBase, meanMig);
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
    private void writePhbEffect(Person p, Activity factual, Emitter out) {
        Activity without = null;
        for (Phb b : p.phbs) {
            if (b.id == null || b.start.isBefore(s.start())) {
                continue;
            }
            if (without == null) {
                out.enabled(false);
                without = activity(p, false, out);
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

    private void writePerson(Person p, Emitter out) {
        if (p.entryDate != null && p.entryDate.isAfter(s.end())) {
            return;
        }
        LocalDate at = p.exitDate != null && p.exitDate.isBefore(s.end()) ? p.exitDate : s.end();
        int fy = fy(at);
        Spell sp = p.spellAt(at);
        double age = Math.max(0, p.age(at));
        int nEfi = efiCount(p, at);
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
        double asc = p.ascActive(at) ? ascWeekly(p, fy) * WEEKS_PER_YEAR : 0;
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
                Integer.toString(ltcCount(p, at)), Integer.toString(nEfi), p.ascActive(at) ? "Y" : "N",
                p.chcActive(at) ? "Y" : "N", p.wheelOnset != null ? "Y" : "N", p.ehcpStart != null ? "Y" : "N",
                phbHolder ? "Y" : "N", p.socialCareNoNhs ? "Y" : "N",
                Emitter.money(chc), Emitter.money(community), Emitter.money(mh), Emitter.money(wheel), Emitter.money(asc),
                Emitter.money(csc), Emitter.money(edu));
    }
}
