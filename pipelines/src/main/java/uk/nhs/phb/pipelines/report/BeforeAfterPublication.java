package uk.nhs.phb.pipelines.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.models.causal.Balance;
import uk.nhs.phb.models.causal.DifferenceInDifferences;
import uk.nhs.phb.models.causal.MatchedDid;

/** Publishes the before/after comparison: the estimates by sector, the balance table and the design's counts. */
public final class BeforeAfterPublication {
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
                "Mean cost per person (GBP) in the 12 months before and the 12 months from the month the budget started, for people "
                        + "whose budget started in the start window (treated) and their matched comparison group, and the difference-in-"
                        + "differences estimate of the budget's effect on the treated with a bootstrap 95% confidence interval. " + design
                        + (truth != null ? " true_effect is the synthetic generator's own effect on the same people, sectors and months." : ""),
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

    public static ReportTable balance(MatchedDid.Result result) {
        ReportTable.Builder t = ReportTable.builder("balance", "Balance of the matched groups",
                "Mean of each pre-period covariate among the treated and the comparison group before and after matching, and the "
                        + "standardised mean difference (difference of means over the square root of the mean of the two groups' "
                        + "variances before matching); |SMD| below 0.1 is the usual mark of good balance. Costs enter as log(1 + GBP).",
                "covariate", "treated_mean_before_matching", "control_mean_before_matching", "smd_before", "treated_mean_after_matching",
                "control_mean_after_matching", "smd_after");
        boolean hidden = Published.primary(result.pairs().size()) || Published.primary(result.controls());
        for (Balance.Row r : result.balance()) {
            t.row(r.covariate(), hide(hidden, r.meanTreated(), 4), hide(hidden, r.meanControl(), 4), hide(hidden, r.smdBefore(), 3),
                    hide(hidden, r.meanTreatedMatched(), 4), hide(hidden, r.meanControlMatched(), 4), hide(hidden, r.smdAfter(), 3));
        }
        return t.build();
    }

    private static String hide(boolean hidden, double v, int decimals) {
        return hidden ? Published.HIDDEN : Published.decimal(v, decimals);
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
