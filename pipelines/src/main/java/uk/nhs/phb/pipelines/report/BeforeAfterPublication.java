package uk.nhs.phb.pipelines.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uk.nhs.phb.models.causal.Balance;
import uk.nhs.phb.models.causal.DifferenceInDifferences;
import uk.nhs.phb.models.causal.MatchedDid;

/** Publishes the before/after comparison: the estimates by sector, the balance table and the design's counts. */
public final class BeforeAfterPublication {
    /** Largest |standardised mean difference| after matching that counts as balanced: the usual mark. */
    public static final double BALANCED_SMD = 0.1;

    /** The headline outcome: the health sectors a budget can change. */
    public static final String HEADLINE = "health_total";
    /** Outcomes: each sector, the health sectors together, all sectors together. */
    public static final Map<String, List<String>> OUTCOMES = outcomes();
    public static final Map<String, String> LABELS = labels();

    private BeforeAfterPublication() {
    }

    private static Map<String, List<String>> outcomes() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String s : BeforeAfterCohort.SECTORS) {
            m.put(s, List.of(s));
        }
        m.put(HEADLINE, List.of("acute", "primary_care", "community", "mental_health"));
        m.put("all_sectors", BeforeAfterCohort.SECTORS);
        return m;
    }

    private static Map<String, String> labels() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("acute", "Acute hospital care");
        m.put("primary_care", "Primary care and prescribing");
        m.put("community", "Community health services");
        m.put("mental_health", "Mental health services");
        m.put("adult_social_care", "Adult social care");
        m.put("chc", "Continuing healthcare");
        m.put(HEADLINE, "Health services in total");
        m.put("all_sectors", "All sectors");
        return m;
    }

    /**
     * @param truth outcome -> the true effect on the matched treated (null: no truth)
     */
    public static ReportTable estimates(MatchedDid.Result result, Map<String, Double> truth, String design) {
        List<String> columns = new ArrayList<>(List.of("outcome", "label", "pairs", "treated_before", "treated_after", "control_before",
                "control_after", "did_estimate", "did_ci_low", "did_ci_high"));
        if (truth != null) {
            columns.add("true_effect");
        }
        ReportTable.Builder t = ReportTable.builder("before_after", "Costs before and after a personal health budget",
                "Mean cost per person (£) in the 12 months before and the 12 months from the month the budget started, for people "
                        + "whose budget started in the start window (treated) and their matched comparison group, and the difference-in-"
                        + "differences estimate of the budget's effect on the treated with a bootstrap 95% confidence interval. " + design
                        + (truth != null ? " The true effect is the synthetic generator's own effect on the same people, sectors and months." : ""),
                columns.toArray(String[]::new));
        boolean hidden = Published.primary(result.pairs().size());
        for (DifferenceInDifferences.Effect e : result.effects()) {
            List<Object> row = new ArrayList<>(List.of(e.outcome(), LABELS.getOrDefault(e.outcome(), e.outcome()),
                    Published.count(e.pairs(), hidden)));
            for (double v : new double[] {e.meanBeforeTreated(), e.meanAfterTreated(), e.meanBeforeControl(), e.meanAfterControl(), e.estimate(),
                e.ciLow(), e.ciHigh()}) {
                row.add(hidden ? Published.HIDDEN : Published.decimal(v, 2));
            }
            if (truth != null) {
                Double tr = truth.get(e.outcome());
                row.add(hidden || tr == null ? Published.HIDDEN : Published.decimal(tr, 2));
            }
            t.row(row.toArray());
        }
        return t.build();
    }

    /**
     * Covariates whose mean is a count over the group (an indicator, or a number of conditions or admissions): their
     * means are published as the published count over the published number of people, so a mean gives away no more
     * than the counts behind it. The eligibility-group indicators take their counts from the design table.
     */
    private static final Set<String> COUNTED = Set.of("age_under_65", "female", "asc_long_term_support", "ltc_count",
            "emergency_admissions_before");
    /** Covariates that are 0 or 1: their spread follows from their share, so their SMDs come from the published shares. */
    private static final Set<String> INDICATORS = Set.of("age_under_65", "female", "asc_long_term_support");
    private static final String GROUP = "group_";
    private static final String[] GROUPS_COLUMNS = {"treated", "candidate_controls", "matched_pairs", "matched_pairs"};

    /**
     * The balance table. Means of measurements (age, deprivation, log costs) are exact; means of counts and shares of
     * indicators are computed from published counts ({@link #COUNTED}), and the SMDs of indicators from those shares,
     * so they can differ from the exact balance by the rounding of the counts.
     *
     * @param design the published design table ({@link #design}): its hidden groups stay hidden here
     */
    public static ReportTable balance(MatchedDid.Result result, ReportTable design) {
        ReportTable.Builder t = ReportTable.builder("balance", "Balance of the matched groups",
                "Mean of each pre-period covariate among the treated and the comparison group before and after matching, and the "
                        + "standardised mean difference (difference of means over the square root of the mean of the two groups' "
                        + "variances before matching); |SMD| below 0.1 is the usual mark of good balance. Costs enter as log(1 + pounds). "
                        + "Shares (sex, age under 65, social care support, eligibility group) and mean counts (conditions, admissions) are "
                        + "computed from the published, rounded counts, as are the SMDs of the shares, so that they reveal no small number.",
                "covariate", "treated_mean_before_matching", "control_mean_before_matching", "smd_before", "treated_mean_after_matching",
                "control_mean_after_matching", "smd_after");
        boolean hidden = Published.primary(result.pairs().size()) || Published.primary(result.controls());
        long[] groupSizes = {result.treated(), result.controls(), result.pairs().size(), result.pairs().size()};
        List<String> all = design.where("eligibility_group", "ALL").get(0);
        for (Balance.Row r : result.balance()) {
            if (hidden) {
                t.row(r.covariate(), Published.HIDDEN, Published.HIDDEN, Published.HIDDEN, Published.HIDDEN, Published.HIDDEN, Published.HIDDEN);
                continue;
            }
            if (!r.covariate().startsWith(GROUP) && !COUNTED.contains(r.covariate())) {
                t.row(r.covariate(), Published.decimal(r.meanTreated(), 4), Published.decimal(r.meanControl(), 4), Published.decimal(r.smdBefore(), 3),
                        Published.decimal(r.meanTreatedMatched(), 4), Published.decimal(r.meanControlMatched(), 4), Published.decimal(r.smdAfter(), 3));
                continue;
            }
            double[] means = {r.meanTreated(), r.meanControl(), r.meanTreatedMatched(), r.meanControlMatched()};
            String[] shares = new String[4];
            for (int g = 0; g < 4; g++) {
                String count;
                String people;
                if (r.covariate().startsWith(GROUP)) {
                    List<List<String>> rows = design.where("eligibility_group", r.covariate().substring(GROUP.length()));
                    count = rows.isEmpty() ? "0" : design.value(rows.get(0), GROUPS_COLUMNS[g]);
                    people = design.value(all, GROUPS_COLUMNS[g]);
                } else {
                    count = Published.count(Math.round(means[g] * groupSizes[g])).text();
                    people = Published.count(groupSizes[g]).text();
                }
                shares[g] = ratio(count, people);
            }
            boolean indicator = r.covariate().startsWith(GROUP) || INDICATORS.contains(r.covariate());
            String smdBefore = publishedSmd(shares[0], shares[1], indicator ? indicatorSd(shares[0], shares[1]) : r.pooledSd());
            String smdAfter = publishedSmd(shares[2], shares[3], indicator ? indicatorSd(shares[0], shares[1]) : r.pooledSd());
            t.row(r.covariate(), shares[0], shares[1], smdBefore, shares[2], shares[3], smdAfter);
        }
        return t.build();
    }

    /** A published count over a published count, to 4 decimals; hidden when either is. */
    private static String ratio(String count, String people) {
        if (count.equals(Published.HIDDEN) || people.equals(Published.HIDDEN)) {
            return Published.HIDDEN;
        }
        long d = Long.parseLong(people);
        return d == 0 ? "" : Published.decimal((double) Long.parseLong(count) / d, 4);
    }

    /** The pooled SD of two indicators from their published shares; NaN when either is hidden. */
    private static double indicatorSd(String treated, String control) {
        if (treated.equals(Published.HIDDEN) || control.equals(Published.HIDDEN) || treated.isEmpty() || control.isEmpty()) {
            return Double.NaN;
        }
        double pt = Double.parseDouble(treated);
        double pc = Double.parseDouble(control);
        return Math.sqrt((pt * (1 - pt) + pc * (1 - pc)) / 2);
    }

    private static String publishedSmd(String treated, String control, double sd) {
        if (treated.equals(Published.HIDDEN) || control.equals(Published.HIDDEN)) {
            return Published.HIDDEN;
        }
        if (treated.isEmpty() || control.isEmpty() || Double.isNaN(sd)) {
            return "";
        }
        return Published.decimal(Balance.smd(Double.parseDouble(treated) - Double.parseDouble(control), sd), 3);
    }

    /** The largest |SMD| a published balance column shows (hidden and empty figures left out); null when it shows none. */
    public static Double maxAbs(ReportTable balance, String column) {
        Double max = null;
        for (List<String> r : balance.rows()) {
            String v = balance.value(r, column);
            if (!v.isEmpty() && !v.equals(Published.HIDDEN)) {
                double a = Math.abs(Double.parseDouble(v));
                max = max == null ? a : Math.max(max, a);
            }
        }
        return max;
    }

    /** Treated, candidate controls and matched pairs per eligibility group, with totals. */
    public static ReportTable design(MatchedDid.Result result) {
        List<String> groups = new ArrayList<>(result.byStratum().keySet());
        long[][] cells = new long[groups.size()][3];
        for (int i = 0; i < groups.size(); i++) {
            int[] n = result.byStratum().get(groups.get(i));
            cells[i][0] = n[0];
            cells[i][1] = n[1];
            cells[i][2] = n[2];
        }
        // treated and controls add up across groups; pairs too (each a separate one-way line)
        ReportTable.Builder t = ReportTable.builder("before_after_design", "Who was compared",
                "Per eligibility group: people whose budget started in the start window (treated), people who declined an offer and "
                        + "qualify as controls (candidate controls), and matched pairs (treated people with a control inside the caliper).",
                "eligibility_group", "treated", "candidate_controls", "matched_pairs");
        boolean[][] hidden = new boolean[3][];
        for (int c = 0; c < 3; c++) {
            long[] col = new long[groups.size()];
            for (int i = 0; i < groups.size(); i++) {
                col[i] = cells[i][c];
            }
            hidden[c] = Published.oneWay(col);
        }
        long[] totals = new long[3];
        for (int i = 0; i < groups.size(); i++) {
            t.row(groups.get(i), Published.count(cells[i][0], hidden[0][i]), Published.count(cells[i][1], hidden[1][i]),
                    Published.count(cells[i][2], hidden[2][i]));
            for (int c = 0; c < 3; c++) {
                totals[c] += cells[i][c];
            }
        }
        t.row("ALL", Published.count(totals[0], hidden[0][groups.size()]), Published.count(totals[1], hidden[1][groups.size()]),
                Published.count(totals[2], hidden[2][groups.size()]));
        return t.build();
    }
}
