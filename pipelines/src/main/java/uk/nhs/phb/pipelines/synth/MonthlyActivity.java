package uk.nhs.phb.pipelines.synth;

import static uk.nhs.phb.pipelines.synth.PersonSimulator.SECTORS;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_AE;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_COMMUNITY;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_ELECTIVE;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_EMERGENCY;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_GP;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_MHC;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_OUTPATIENT;
import static uk.nhs.phb.pipelines.synth.PersonSimulator.S_RX;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import uk.nhs.phb.pipelines.synth.PersonSimulator.Person;
import uk.nhs.phb.schemas.profiles.PriceList;

/**
 * Phases 2 and 3 of a simulated life: emergency admissions month by month from the trajectory's intensity, then
 * every other activity (A&amp;E, elective care, outpatients, GP, community, prescriptions, mental health contacts)
 * and its cost by sector, emitted as the feeds' rows. Each month has its own random streams, so the same person
 * without a PHB is simulated on the same random numbers.
 */
final class MonthlyActivity {
    private final Model m;
    private final Reference ref;
    private final SynthSettings s;
    private final Identities ids;
    private final LifeEvents events;
    private final HiddenFactors hidden;
    private final double outlierMeanFactor;

    MonthlyActivity(Model model, Identities ids, LifeEvents events, HiddenFactors hidden) {
        this.m = model;
        this.ref = model.ref;
        this.s = model.settings;
        this.ids = ids;
        this.events = events;
        this.hidden = hidden;
        double alpha = ref.p("spell_cost_outlier_pareto_alpha");
        double outlierMean = ref.p("spell_cost_outlier_min_factor") * alpha / (alpha - 1);
        this.outlierMeanFactor = 1 - ref.p("spell_cost_outlier_share") + ref.p("spell_cost_outlier_share") * outlierMean;
    }

    /**
     * A hospital spell's cost over its tariff: the spread within an HRG (lognormal) and now and then an outlier (Pareto),
     * scaled so the mean over spells is the tariff.
     */
    private double spellCostFactor(Rng r) {
        double sigma = ref.p("spell_cost_sigma");
        double f = Math.exp(sigma * r.normal() - sigma * sigma / 2);
        if (r.chance(ref.p("spell_cost_outlier_share"))) {
            f *= ref.p("spell_cost_outlier_min_factor") * Math.pow(1 - r.u(), -1 / ref.p("spell_cost_outlier_pareto_alpha"));
        }
        return f / outlierMeanFactor;
    }

    /** Emergency months, per-month costs by sector, and for each reference month the true risk. */
    static final class Activity {
        boolean[] admitted;
        double[][] cost;
    }

    Activity activity(Person p, boolean withPhb, Emitter out) {
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

    double staticPredictor(Person p, int k, boolean withPhb) {
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
        lp += hidden.emergencyTerms(p, k, ms, age, events.efiCount(p, ms));
        return lp;
    }

    /** Monthly emergency intensity from its linear predictor, capped so no month is certain. */
    double intensity(double linearPredictor) {
        return Math.min(ref.p("emergency_max_monthly_intensity"), Math.exp(linearPredictor));
    }

    static int trailing(boolean[] admitted, int k, int lastKnown) {
        int n = 0;
        for (int j = Math.max(0, k - 12); j < k && j <= lastKnown; j++) {
            if (admitted[j]) {
                n++;
            }
        }
        return n;
    }

    void month(Person p, int k, boolean withPhb, Activity a, Emitter out) {
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
        int nLtc = events.ltcCount(p, ms);
        int nEfi = events.efiCount(p, ms);
        boolean phb = withPhb && p.phbActive(ms, true);
        String token = null;
        int subIcb = m.geo.lsoaSubIcb[p.spellAt(ms).lsoa];
        double elsewhere = ref.p("provider_elsewhere_share");

        // emergency admission
        Rng re = new Rng(s.seed(), p.idx, S_EMERGENCY, k);
        Rng spellCosts = new Rng(s.seed(), p.idx, HiddenFactors.S_SPELL_COST, k);
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
            double cost = (ref.cost("emergency_spell") + Math.max(0, los - ref.cost("emergency_trim_days")) * ref.cost("excess_bed_day"))
                    * spellCostFactor(spellCosts);
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
                token = ids.token(p);
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
                token = token == null ? ids.token(p) : token;
                ecds(out, token, provider, d, dept, cost);
            }
        }
        // elective admissions
        Rng rel = new Rng(s.seed(), p.idx, S_ELECTIVE, k);
        // their own stream: whether the month had an emergency spell (which a PHB changes) must not move these draws
        Rng electiveCosts = new Rng(s.seed(), p.idx, HiddenFactors.S_ELECTIVE_SPELL_COST, k);
        int nEl = rel.poisson(m.actElective[band] / 12 * Math.exp(ref.p("elective_condition_coef") * nLtc));
        for (int i = 0; i < nEl; i++) {
            boolean dayCase = rel.chance(ref.p("elective_day_case_share"));
            long los = dayCase ? 0 : rel.between(1, 6);
            double cost = ref.cost(dayCase ? "elective_day_case" : "elective_spell") * rel.lognormal(1, 0.2) * spellCostFactor(electiveCosts);
            a.cost[k][0] += cost;
            LocalDate d = firstDay.plusDays(rel.between(0, span));
            String[] dx = diagnosis(rel, p, ms, m.electiveDiagnoses);
            double um = rel.u();
            String method = um < 0.6 ? "11" : um < 0.9 ? "12" : "13";
            String provider = m.geo.provider(rel, subIcb, elsewhere);
            if (emit) {
                token = token == null ? ids.token(p) : token;
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
                token = token == null ? ids.token(p) : token;
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
                token = token == null ? ids.token(p) : token;
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
                token = token == null ? ids.token(p) : token;
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
                token = token == null ? ids.token(p) : token;
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
                    token = token == null ? ids.token(p) : token;
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

    void ecds(Emitter out, String token, String provider, LocalDate d, String dept, double cost) {
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
    void mhEvent(Emitter out, String token, String type, LocalDate st, LocalDate en, String section, String service,
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

    String[] diagnosis(Rng r, Person p, LocalDate d, List<String[]> list) {
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

    String specialty(Rng r, Person p, LocalDate d, double age) {
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

    double ascWeekly(Person p, int fy) {
        if (p.ascUnitItem == null) {
            return 0;
        }
        return p.ascUnitItem.equals("home_care_hour") ? p.ascHours * ref.cost("home_care_hour", fy) : ref.cost(p.ascUnitItem, fy);
    }

    // ------------------------------------------------------------------ identities
}
