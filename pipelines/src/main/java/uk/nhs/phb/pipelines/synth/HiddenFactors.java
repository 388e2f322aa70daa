package uk.nhs.phb.pipelines.synth;

import java.time.LocalDate;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;

/**
 * What the true emergency risk depends on that no feed shows, or shows late, and the parts of it no linear model of the
 * features can take: so the risk model is measured against a truth outside its own class (issue 17), never fitted to
 * one shaped like it.
 *
 * <ul>
 *   <li>Who lives alone, and whose unpaid carer has a crisis: a spell of months at a much higher intensity.
 *   <li>Interactions and thresholds: living alone with dementia, heart failure with COPD, a step at severe frailty,
 *       and a deprivation effect that fades with age.
 *   <li>A service change late in the window (a frailty virtual ward) that lowers admissions for the oldest, so a
 *       model trained before it over-predicts after it.
 *   <li>Coding completeness: a condition reaches the GP record late, or never, more often at some practices, for
 *       ethnic minority groups and in more deprived areas, while the risk follows the condition itself.
 * </ul>
 *
 * <p>Each draw has its own random stream, so adding these left the other streams' draws as they were.
 */
final class HiddenFactors {
    static final int S_HOUSEHOLD = 24;
    static final int S_CODING = 25;
    static final int S_PRACTICE_CODING = 26;
    static final int S_SPELL_COST = 27;
    static final int S_ELECTIVE_SPELL_COST = 29;
    private static final String[] CARED_FOR_CONDITIONS = {"DEM", "LD", "SMI", "PARK", "STROKE"};

    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final int dementia;
    private final int heartFailure;
    private final int copd;
    private final int palliative;
    private final int[] caredFor;
    private final double[] practiceCodingShift;
    private final int serviceChangeMonth;

    HiddenFactors(Model model) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.dementia = m.condition("DEM");
        this.heartFailure = m.condition("HF");
        this.copd = m.condition("COPD");
        this.palliative = m.condition("PAL");
        this.caredFor = new int[CARED_FOR_CONDITIONS.length];
        for (int i = 0; i < caredFor.length; i++) {
            caredFor[i] = m.condition(CARED_FOR_CONDITIONS[i]);
        }
        this.practiceCodingShift = new double[m.geo.practiceCodes.length];
        for (int i = 0; i < practiceCodingShift.length; i++) {
            practiceCodingShift[i] = ref.p("coding_practice_sd") * new Rng(s.seed(), i, S_PRACTICE_CODING, 0).normal();
        }
        this.serviceChangeMonth = m.windowMonths - (int) ref.p("service_change_months_before_end");
    }

    /** Whether the person lives alone, and the months in which their unpaid carer is in crisis. */
    void draw(Person p) {
        Rng r = new Rng(s.seed(), p.idx, S_HOUSEHOLD, 0);
        double age = p.age(s.start());
        double alone = age < 18 ? 0 : age < 65 ? ref.p("alone_share_18_64") : age < 75 ? ref.p("alone_share_65_74") : ref.p("alone_share_75plus");
        p.livesAlone = r.chance(alone);
        p.carerCrisis = new boolean[m.historyMonths + m.simMonths];
        if (p.livesAlone) {
            return;
        }
        double monthly = ref.p("carer_crisis_per_year") / 12;
        int length = (int) ref.p("carer_crisis_months");
        for (int k = -m.historyMonths; k < m.simMonths; k++) {
            Rng rk = new Rng(s.seed(), p.idx, S_HOUSEHOLD, k);
            if (!cared(p, m.monthStart(k)) || !rk.chance(monthly)) {
                continue;
            }
            int months = 1 + rk.between(0, 2 * length - 2);
            for (int j = k; j < Math.min(m.simMonths, k + months); j++) {
                p.carerCrisis[j + m.historyMonths] = true;
            }
            k += months;
        }
    }

    /** Someone looks after the person: an older person, or one with a condition that needs a carer. */
    private boolean cared(Person p, LocalDate d) {
        if (p.age(d) >= 65) {
            return true;
        }
        for (int c : caredFor) {
            if (p.has(c, d)) {
                return true;
            }
        }
        return false;
    }

    boolean inCrisis(Person p, int k) {
        int i = k + m.historyMonths;
        return i >= 0 && i < p.carerCrisis.length && p.carerCrisis[i];
    }

    /** Whether the carer was in crisis in any of the {@code months} months up to the date. */
    boolean crisisBefore(Person p, LocalDate d, int months) {
        int k = m.monthOf(d);
        for (int j = k - months + 1; j <= k; j++) {
            if (inCrisis(p, j)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hidden and non-linear part of the month's emergency linear predictor: household, carer crisis, interactions,
     * the severe-frailty step, the deprivation effect by age and the service change.
     */
    double emergencyTerms(Person p, int k, LocalDate monthStart, double age, int frailtyDeficits) {
        double lp = ref.p("emergency_hidden_offset");
        boolean dem = p.has(dementia, monthStart);
        if (p.livesAlone) {
            lp += ref.p("emergency_alone_coef") + (dem ? ref.p("emergency_alone_dementia_coef") : 0);
        }
        lp += inCrisis(p, k) ? ref.p("emergency_carer_crisis_coef") : 0;
        lp += p.has(heartFailure, monthStart) && p.has(copd, monthStart) ? ref.p("emergency_hf_copd_coef") : 0;
        lp += frailtyDeficits >= ref.p("emergency_severe_frailty_deficits") ? ref.p("emergency_severe_frailty_coef") : 0;
        double deprivationByAge = age < 65 ? ref.p("emergency_deprivation_under65_factor") : age >= 80 ? ref.p("emergency_deprivation_80plus_factor") : 1;
        lp += ref.p("emergency_deprivation_coef") * p.depr * (deprivationByAge - 1);
        if (k >= serviceChangeMonth && age >= ref.p("service_change_min_age")) {
            lp += Math.log(ref.p("service_change_rate_ratio"));
        }
        return lp;
    }

    /**
     * The day the condition reaches the GP record: after a lag, or never ({@code Long.MAX_VALUE}), more often never at
     * a practice that codes less, for ethnic minority groups and in more deprived areas.
     */
    long recorded(Person p, int condition) {
        long onset = p.onset[condition];
        if (onset == Long.MAX_VALUE || condition == palliative) {
            return onset;
        }
        Rng r = new Rng(s.seed(), p.idx, S_CODING, condition);
        LocalDate at = LocalDate.ofEpochDay(Math.max(onset, p.dob.toEpochDay()));
        double shift = practiceCodingShift[p.spellAt(at).practice];
        boolean minority = !p.ethnicity.equals("A") && !p.ethnicity.equals("Z");
        double logit = ref.p("coding_missing_logit") + shift + (minority ? ref.p("coding_missing_minority") : 0)
                + ref.p("coding_missing_deprivation") * p.depr;
        if (r.chance(OnsetModel.logistic(logit))) {
            return Long.MAX_VALUE;
        }
        double lagMonths = r.exponential(ref.p("coding_lag_months_mean") * Math.exp(shift));
        return at.toEpochDay() + (long) (lagMonths * 30.44);
    }
}
