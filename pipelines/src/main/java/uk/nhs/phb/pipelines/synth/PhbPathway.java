package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_PHB;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.WEEKS_PER_YEAR;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Phb;

/**
 * The personal health budget part of a simulated life: when the person becomes eligible through each route (CHC,
 * wheelchair, section 117 after-care, EHCP, learning disability or autism, mental health, other local groups, end of
 * life), whether they are offered one and take it up, and the budget's plan, start, value and end.
 */
final class PhbPathway {
    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final LifeEvents lifeEvents;
    private final HiddenFactors hidden;

    PhbPathway(Model model, LifeEvents lifeEvents, HiddenFactors hidden) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.lifeEvents = lifeEvents;
        this.hidden = hidden;
    }

    void phbs(Person p) {
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
        if (lifeEvents.ltcCount(p, any3) >= ref.p("phb_other_min_conditions") && p.age(any3) >= 18) {
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
            // uptake depends on what a commissioner can see before the offer, and on what they cannot: the person's hidden
            // frailty and a carer's crisis in the months before, which also raise emergency use then (confounding)
            double logit = Reference.d(g, "uptake_logit") + ref.p("phb_uptake_under65") * (p.age(eligible) < 65 ? 1 : 0)
                    + ref.p("phb_uptake_per_condition") * Math.min(5, lifeEvents.ltcCount(p, eligible))
                    + ref.p("phb_uptake_per_imd_decile") * (p.imd - 5.5)
                    + ref.p("phb_uptake_social_care") * (p.ascActive(eligible) ? 1 : 0)
                    + ref.p("phb_uptake_hidden_frailty_coef") * (p.u / ref.p("emergency_latent_sd") + ref.p("emergency_latent_sd") / 2)
                    + (hidden.crisisBefore(p, eligible, (int) ref.p("phb_uptake_crisis_months")) ? ref.p("phb_uptake_after_crisis") : 0);
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
}
