package uk.nhs.phb.jobs.report;

import static org.apache.spark.sql.functions.min;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import uk.nhs.phb.models.causal.DifferenceInDifferences;
import uk.nhs.phb.models.causal.MatchedDid;
import uk.nhs.phb.models.causal.NearestNeighbourMatching;
import uk.nhs.phb.pipelines.report.BeforeAfterCohort;
import uk.nhs.phb.pipelines.report.BeforeAfterPublication;
import uk.nhs.phb.pipelines.report.Published;
import uk.nhs.phb.pipelines.report.ReportTable;

/**
 * The before/after section: builds the units in Spark ({@link BeforeAfterCohort}), collects their covariates
 * and costs (no identifiers: a budget or offer id, numbers and the eligibility group), and runs the matched
 * difference-in-differences on the driver ({@link MatchedDid}). The units are the people offered a budget in
 * the start window, a few per thousand of the population.
 */
final class BeforeAfter {
    /** {@code exact}: the unrounded design counts and balance, for the run's audit record only (never published). */
    record Result(List<ReportTable> tables, Map<String, Object> headline, Map<String, Object> design, Map<String, Object> exact) {
    }

    private BeforeAfter() {
    }

    static Result run(SparkSession spark, Map<String, Dataset<Row>> bronze, Dataset<Row> personIndex, Dataset<Row> truth,
                      ReportJob.Request req, String homeIcb) {
        Map<String, Object> headline = new LinkedHashMap<>();
        Map<String, Object> design = new LinkedHashMap<>();
        for (String k : List.of("did_estimate", "did_ci_low", "did_ci_high", "true_effect", "max_abs_smd_before", "max_abs_smd_after",
                "matched_pairs")) {
            headline.put(k, null);
        }
        LocalDate first = null;
        if (bronze.get("apc_spells") != null) {
            Row r = bronze.get("apc_spells").agg(min("admission_date")).first();
            first = r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
        }
        if (first == null) {
            return unavailable(headline, design, "not available: no admitted patient care activity to date the lake's first month by");
        }
        BeforeAfterCohort.Settings s = new BeforeAfterCohort.Settings(req.quarter().end(), req.startWindowMonths(), first, req.org(), homeIcb);
        design.put("first_activity_month", first.withDayOfMonth(1).toString());
        design.put("index_months", s.firstIndexMonth() + " to " + s.lastIndexMonth());
        if (s.windowEmpty()) {
            return unavailable(headline, design, "not available: the lake's activity starts " + first + "; a budget start needs 12 months of "
                    + "activity before it and 12 after it, ending by " + req.quarter().end());
        }
        Dataset<Row> units = BeforeAfterCohort.units(bronze, personIndex, req.lakeKey(), s);
        List<Row> rows = units.orderBy("key").collectAsList();
        List<String> groups = new ArrayList<>(new TreeSet<>(rows.stream().map(r -> r.<String>getAs("eligibility_group")).toList()));
        int n = rows.size();
        int nt = (int) rows.stream().filter(r -> r.<Boolean>getAs("treated")).count();
        if (nt < 2 || n - nt < 2) {
            return unavailable(headline, design, "not available: " + Published.count(nt).text() + " treated and "
                    + Published.count(n - nt).text() + " candidate controls in the start window (at least 2 of each are needed; counts under "
                    + "the small-number rule)");
        }
        List<String> covariates = new ArrayList<>(BeforeAfterCohort.COVARIATES);
        for (String g : groups) {
            covariates.add("group_" + g);
        }
        List<String> outcomes = new ArrayList<>(BeforeAfterPublication.OUTCOMES.keySet());
        double[][] x = new double[n][covariates.size()];
        boolean[] treated = new boolean[n];
        String[] strata = new String[n];
        double[][] before = new double[n][outcomes.size()];
        double[][] after = new double[n][outcomes.size()];
        String[] phbIds = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            treated[i] = r.getAs("treated");
            strata[i] = r.getAs("eligibility_group");
            phbIds[i] = r.getAs("phb_id");
            for (int j = 0; j < BeforeAfterCohort.COVARIATES.size(); j++) {
                x[i][j] = r.<Double>getAs(BeforeAfterCohort.COVARIATES.get(j));
            }
            for (int g = 0; g < groups.size(); g++) {
                x[i][BeforeAfterCohort.COVARIATES.size() + g] = groups.get(g).equals(strata[i]) ? 1 : 0;
            }
            for (int o = 0; o < outcomes.size(); o++) {
                for (String sector : BeforeAfterPublication.OUTCOMES.get(outcomes.get(o))) {
                    before[i][o] += r.<java.math.BigDecimal>getAs("before_" + sector).doubleValue();
                    after[i][o] += r.<java.math.BigDecimal>getAs("after_" + sector).doubleValue();
                }
            }
        }
        MatchedDid.Settings ms = req.matching();
        MatchedDid.Result result = MatchedDid.run(new MatchedDid.Data(covariates.toArray(String[]::new), x, treated, strata,
                outcomes.toArray(String[]::new), before, after), ms);
        Map<String, Double> truthByOutcome = truth == null ? null : trueEffects(spark, truth, result.pairs(), phbIds, outcomes);
        String designText = String.format(java.util.Locale.ROOT, "Design: start window %s to %s; treated matched 1:1 to people who declined "
                        + "an offer, exactly on eligibility group, %s replacement, by %s within a caliper of %s SD of the logit of the propensity "
                        + "score (%s in logit units) from a logistic regression on the pre-period covariates; bootstrap of %d resamples of "
                        + "matched pairs (seed %d).", s.firstIndexMonth(), s.lastIndexMonth(), ms.replacement() ? "with" : "without",
                ms.mahalanobis() ? "Mahalanobis distance on the covariates" : "nearest propensity score", Published.decimal(ms.caliperSd(), 2),
                Published.decimal(result.caliper(), 4), ms.replicates(), ms.seed());
        ReportTable designTable = BeforeAfterPublication.design(result);
        ReportTable balance = BeforeAfterPublication.balance(result, designTable);
        List<ReportTable> tables = List.of(BeforeAfterPublication.estimates(result, truthByOutcome, designText), balance, designTable);
        // no pairs: nothing was estimated, so no figure (a zero would read as "no effect")
        boolean hidden = Published.primary(result.pairs().size()) || result.pairs().isEmpty();
        if (result.pairs().isEmpty()) {
            headline.put("did_status", "no person with a PHB could be matched to a comparison person, so the before/after cannot be estimated");
        }
        DifferenceInDifferences.Effect h = result.effect(BeforeAfterPublication.HEADLINE);
        headline.put("did_outcome", BeforeAfterPublication.HEADLINE);
        headline.put("did_estimate", hidden ? null : round2(h.estimate()));
        headline.put("did_ci_low", hidden ? null : round2(h.ciLow()));
        headline.put("did_ci_high", hidden ? null : round2(h.ciHigh()));
        if (truthByOutcome != null) {
            Double tr = truthByOutcome.get(BeforeAfterPublication.HEADLINE);
            headline.put("true_effect", hidden || tr == null ? null : round2(tr));
            headline.put("ci_covers_true_effect", hidden || tr == null ? null : h.covers(round2(tr)));
        } else {
            headline.remove("true_effect");
        }
        // as the published balance table shows them: computed from published counts where they describe counts
        headline.put("max_abs_smd_before", BeforeAfterPublication.maxAbs(balance, "smd_before"));
        headline.put("max_abs_smd_after", BeforeAfterPublication.maxAbs(balance, "smd_after"));
        headline.put("matched_pairs", hidden ? null : ReportJob.number(Published.count(result.pairs().size(), false)));
        // the design table's published totals: the exact counts stay in the run's audit record
        List<String> all = designTable.where("eligibility_group", "ALL").get(0);
        for (String c : List.of("treated", "candidate_controls", "matched_pairs")) {
            design.put(c, ReportJob.number(designTable.value(all, c)));
        }
        design.put("caliper_sd", ms.caliperSd());
        design.put("caliper_logit", result.caliper());
        design.put("replacement", ms.replacement());
        design.put("mahalanobis", ms.mahalanobis());
        design.put("bootstrap_replicates", ms.replicates());
        design.put("bootstrap_seed", ms.seed());
        design.put("covariates", covariates);
        design.put("text", designText);
        Map<String, Object> exact = new LinkedHashMap<>();
        exact.put("treated", result.treated());
        exact.put("candidate_controls", result.controls());
        exact.put("matched_pairs", result.pairs().size());
        exact.put("max_abs_smd_before", round4(result.maxAbsSmdBefore()));
        exact.put("max_abs_smd_after", round4(result.maxAbsSmdAfter()));
        return new Result(tables, headline, design, exact);
    }

    private static Result unavailable(Map<String, Object> headline, Map<String, Object> design, String why) {
        design.put("status", why);
        headline.put("did_status", why);
        ReportTable t = ReportTable.builder("before_after", "Costs before and after a personal health budget", why, "status").row(why).build();
        return new Result(List.of(t), headline, design, Map.of());
    }

    /** The true effect on each outcome, averaged over the matched treated (once per pair). */
    static Map<String, Double> trueEffects(SparkSession spark, Dataset<Row> truth, List<NearestNeighbourMatching.Pair> pairs, String[] phbIds,
                                           List<String> outcomes) {
        List<String> ids = new ArrayList<>();
        for (NearestNeighbourMatching.Pair p : pairs) {
            ids.add(phbIds[p.treated()]);
        }
        Dataset<Row> wanted = spark.createDataset(new ArrayList<>(new TreeSet<>(ids)), Encoders.STRING()).toDF("phb_id");
        Map<String, Map<String, Double>> byPhb = new HashMap<>();
        for (Row r : truth.join(org.apache.spark.sql.functions.broadcast(wanted), "phb_id").groupBy("phb_id", "sector")
                .agg(org.apache.spark.sql.functions.sum("effect").alias("effect")).collectAsList()) {
            byPhb.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getString(1), r.getDecimal(2).doubleValue());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String o : outcomes) {
            double sum = 0;
            int found = 0;
            for (String id : ids) {
                Map<String, Double> e = byPhb.get(id);
                if (e == null) {
                    continue;
                }
                found++;
                for (String sector : BeforeAfterPublication.OUTCOMES.get(o)) {
                    sum += e.getOrDefault(sector, 0.0);
                }
            }
            out.put(o, found == 0 ? null : sum / found);
        }
        return out;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
