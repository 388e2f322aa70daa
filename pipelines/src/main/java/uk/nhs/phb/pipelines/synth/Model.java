package uk.nhs.phb.pipelines.synth;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a task needs to simulate people: settings, reference data, geography and calibrated models. It is
 * a function of its settings alone, so a task carries the settings and each JVM builds the model once for them.
 */
final class Model implements Serializable {
    private static final long serialVersionUID = 1L;

    final SynthSettings settings;
    final Reference ref;
    final Geography geo;
    final LocalDate firstMonth;
    /** Months in the window. */
    final int windowMonths;
    /** Months simulated: the window plus 12 hidden months so every reference date has a 12-month outcome. */
    final int simMonths;
    /** Months of history simulated before the window for social care, CHC, mental health stays and PHBs. */
    final int historyMonths;

    final OnsetModel[] conditions;
    final Map<String, Integer> conditionIndex = new HashMap<>();
    final double[] emergencyCoef;
    final double[] medicines;
    final double[] gpExtra;
    final String[] treatmentFunction;
    final boolean[] efiItem;
    final boolean[] ltc;
    final OnsetModel ascLts;
    final OnsetModel wheelchair;

    final double[] bandFrom;
    final double[] bandShare;
    final double[] bandFemale;
    final double[] bandMigration;
    final double[] bandMortality;
    final double[] actEmergency;
    final double[] actGp;
    final double[] actAe;
    final double[] actElective;
    final double[] actOutpatient;
    final double[] actCommunity;
    final List<String[]> emergencyDiagnoses = new ArrayList<>();
    final List<String[]> electiveDiagnoses = new ArrayList<>();
    final Map<String, Map<String, String>> phbGroups = new HashMap<>();

    Model(SynthSettings settings) {
        this.settings = settings;
        this.ref = Reference.load();
        this.geo = new Geography(settings.seed(), settings.people(), ref);
        this.firstMonth = settings.start();
        this.windowMonths = (settings.end().getYear() - firstMonth.getYear()) * 12
                + settings.end().getMonthValue() - firstMonth.getMonthValue() + 1;
        this.simMonths = windowMonths + 12;
        this.historyMonths = (int) ref.p("history_months");

        List<Map<String, String>> rows = ref.conditions;
        conditions = new OnsetModel[rows.size()];
        emergencyCoef = new double[rows.size()];
        medicines = new double[rows.size()];
        gpExtra = new double[rows.size()];
        treatmentFunction = new String[rows.size()];
        efiItem = new boolean[rows.size()];
        ltc = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> r = rows.get(i);
            conditions[i] = OnsetModel.fromRow(r, ref.population);
            conditionIndex.put(r.get("code"), i);
            emergencyCoef[i] = Reference.d(r, "emergency_coef");
            medicines[i] = Reference.d(r, "medicines");
            gpExtra[i] = Reference.d(r, "gp_per_year");
            treatmentFunction[i] = r.get("treatment_function");
            ltc[i] = !r.get("code").startsWith("EFI_");
        }
        // eFI items: every condition code some deficit maps to
        for (Map<String, String> d : ref.efiDeficits) {
            for (String code : d.get("source").split("\\|")) {
                Integer i = conditionIndex.get(code);
                if (i != null) {
                    efiItem[i] = true;
                }
            }
        }
        ascLts = OnsetModel.of("ASC_LTS", ref.p("asc_target"), 18, ref.p("asc_age_slope"), ref.p("asc_morbidity_loading"),
                ref.p("asc_deprivation_loading"), 18, 0, ref.population);
        wheelchair = OnsetModel.of("WHEELCHAIR", ref.p("wheelchair_target"), 0, ref.p("wheelchair_age_slope"),
                ref.p("wheelchair_morbidity_loading"), ref.p("wheelchair_deprivation_loading"), 2, 0, ref.population);

        int nb = ref.population.size();
        bandFrom = new double[nb];
        bandShare = new double[nb];
        bandFemale = new double[nb];
        bandMigration = new double[nb];
        bandMortality = new double[nb];
        actEmergency = new double[nb];
        actGp = new double[nb];
        actAe = new double[nb];
        actElective = new double[nb];
        actOutpatient = new double[nb];
        actCommunity = new double[nb];
        for (int b = 0; b < nb; b++) {
            Map<String, String> p = ref.population.get(b);
            Map<String, String> a = ref.activity.get(b);
            if (!p.get("age_from").equals(a.get("age_from"))) {
                throw new IllegalStateException("population.csv and activity.csv must use the same age bands");
            }
            bandFrom[b] = Reference.d(p, "age_from");
            bandShare[b] = Reference.d(p, "share_pct");
            bandFemale[b] = Reference.d(p, "female_share");
            bandMigration[b] = Reference.d(p, "migration_weight");
            bandMortality[b] = Reference.d(p, "mortality_per_1000");
            actEmergency[b] = Reference.d(a, "emergency");
            actGp[b] = Reference.d(a, "gp");
            actAe[b] = Reference.d(a, "ae");
            actElective[b] = Reference.d(a, "elective");
            actOutpatient[b] = Reference.d(a, "outpatient");
            actCommunity[b] = Reference.d(a, "community");
        }
        for (Map<String, String> d : ref.diagnoses) {
            String[] v = {d.get("icd10"), d.get("hrg"), d.get("weight"), d.get("condition")};
            (d.get("kind").equals("E") ? emergencyDiagnoses : electiveDiagnoses).add(v);
        }
        for (Map<String, String> g : ref.phbGroups) {
            phbGroups.put(g.get("group"), g);
        }
        months = monthStarts();
    }

    /** Models built in this JVM, by settings: a few at most (a test JVM makes several populations). */
    private static final Map<SynthSettings, Model> BUILT = new java.util.LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SynthSettings, Model> eldest) {
            return size() > 4;
        }
    };

    static Model of(SynthSettings settings) {
        synchronized (BUILT) {
            return BUILT.computeIfAbsent(settings, Model::new);
        }
    }

    private Object writeReplace() {
        return new Token(settings);
    }

    private record Token(SynthSettings settings) implements Serializable {
        private Object readResolve() {
            return of(settings);
        }
    }

    int band(double age) {
        int b = 0;
        for (int i = 0; i < bandFrom.length; i++) {
            if (age >= bandFrom[i]) {
                b = i;
            }
        }
        return b;
    }

    /** Month starts from the history start to one month past the simulation. */
    private final LocalDate[] months;

    LocalDate monthStart(int k) {
        int i = k + historyMonths + 1;
        if (i < 0 || i >= months.length) {
            return firstMonth.plusMonths(k);
        }
        return months[i];
    }

    private LocalDate[] monthStarts() {
        LocalDate[] a = new LocalDate[historyMonths + simMonths + 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = firstMonth.plusMonths(i - historyMonths - 1);
        }
        return a;
    }

    int monthOf(LocalDate d) {
        return (d.getYear() - firstMonth.getYear()) * 12 + d.getMonthValue() - firstMonth.getMonthValue();
    }

    int condition(String code) {
        Integer i = conditionIndex.get(code);
        if (i == null) {
            throw new IllegalStateException("conditions.csv has no " + code);
        }
        return i;
    }
}
