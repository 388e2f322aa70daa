package uk.nhs.phb.pipelines.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.models.pseudonym.Identity;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.synth.MonthlyActivity.Activity;

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
 *
 * <p>This class draws who the person is and where they live, and runs the parts in order: {@link LifeEvents} (phase
 * 1, with {@link PhbPathway} for personal health budgets), {@link MonthlyActivity} (phases 2 and 3),
 * {@link PersonRecords} and {@link CouncilRecords} (the rows), all naming the person through {@link Identities}.
 * The random stream numbers ({@code S_*}) are shared by the parts, so each draw keeps its stream.
 */
final class PersonSimulator {
    static final int S_PERSON = 10;
    static final int S_CONDITIONS = 11;
    static final int S_LIFE = 12;
    static final int S_MOVES = 13;
    static final int S_ASC = 14;
    static final int S_CHC = 15;
    static final int S_WHEEL = 16;
    static final int S_MH = 17;
    static final int S_CSC = 18;
    static final int S_EHCP = 19;
    static final int S_PHB = 20;
    static final int S_IDENT = 21;
    static final int S_OPT_OUT = 22;
    static final int S_SCHOOL = 23;
    static final int S_TWIN = 28;
    static final int S_EMERGENCY = 30;
    static final int S_AE = 31;
    static final int S_ELECTIVE = 32;
    static final int S_OUTPATIENT = 33;
    static final int S_GP = 34;
    static final int S_COMMUNITY = 35;
    static final int S_RX = 36;
    static final int S_MHC = 37;
    static final String[] SECTORS = {"acute", "primary_care", "community", "mental_health", "adult_social_care", "chc"};
    static final double WEEKS_PER_YEAR = 365.25 / 7;

    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final Identities ids;
    private final HiddenFactors hidden;
    private final LifeEvents events;
    private final MonthlyActivity monthly;
    private final PersonRecords records;

    PersonSimulator(Model model, SecretKey key) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.ids = new Identities(model, key);
        this.hidden = new HiddenFactors(model);
        this.events = new LifeEvents(model, ids, hidden);
        this.monthly = new MonthlyActivity(model, ids, events, hidden);
        this.records = new PersonRecords(model, ids, events, monthly, hidden, new CouncilRecords(model, ids));
    }

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

    static final class Person {
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
        boolean livesAlone;
        /** by month from the history's start: whether the person's unpaid carer is in crisis ({@link HiddenFactors}) */
        boolean[] carerCrisis;
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
        Activity factual = monthly.activity(p, true, out);
        records.writeStatic(p, out);
        records.writeRisk(p, factual, out);
        records.writePhbEffect(p, factual, out);
        records.writePerson(p, out);
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
            Identity v = ids.variant(p, feed, null);
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
        Person p = born(idx);
        if (idx % 2 == 1 && new Rng(s.seed(), idx, S_TWIN, 0).chance(ref.p("twin_share"))) {
            shareBirth(p, born(idx - 1));
        }
        // conditions
        Rng rc = new Rng(s.seed(), idx, S_CONDITIONS, 0);
        p.onset = new long[m.conditions.length];
        for (int c = 0; c < m.conditions.length; c++) {
            double a = m.conditions[c].onsetAge(rc, p.z, p.depr, 0);
            p.onset[c] = Double.isNaN(a) ? Long.MAX_VALUE : p.dob.toEpochDay() + (long) (a * 365.25);
        }
        hidden.draw(p);
        events.lifeEvents(p);
        return p;
    }

    /**
     * A twin: born on the same day as the person before them, into the same family and home, with their own given name,
     * sex, health and life after that. Two people who agree on date of birth, family name and address are what a linker
     * most easily takes for one.
     */
    private void shareBirth(Person p, Person sibling) {
        p.entryType = sibling.entryType;
        p.dob = sibling.dob;
        p.entryDate = sibling.entryDate;
        p.entryMonth = sibling.entryMonth;
        p.subIcb = sibling.subIcb;
        p.imd = sibling.imd;
        p.depr = sibling.depr;
        p.ethnicity = sibling.ethnicity;
        p.family = sibling.family;
        if (p.given.equals(sibling.given)) {
            List<String> names = ref.names.get("given_" + p.sex);
            p.given = names.get((names.indexOf(p.given) + 1) % names.size());
        }
        Spell mine = p.spells.get(0);
        Spell theirs = sibling.spells.get(0);
        mine.from = theirs.from;
        mine.lsoa = theirs.lsoa;
        mine.practice = theirs.practice;
        mine.postcode = theirs.postcode;
    }

    /** Who the person is, where they live and since when: the draws before their health. */
    private Person born(long idx) {
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
        // centred so the mean of exp(u) is 1: the hidden effect spreads the rate without raising it
        p.u = ref.p("emergency_latent_sd") * r.normal() - ref.p("emergency_latent_sd") * ref.p("emergency_latent_sd") / 2;
        // identity
        p.nhsNumber = Identities.nhsNumber(idx);
        p.given = r.pick(ref.names.get("given_" + p.sex));
        p.family = r.pick(ref.names.get("family"));
        p.socialCareNoNhs = r.chance(s.missingNhsTokenShare());

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
        first.postcode = ids.postcode(p, 0, lsoa);
        p.spells.add(first);
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
}
