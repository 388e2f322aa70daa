package uk.nhs.phb.pipelines.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.Quarter;
import uk.nhs.phb.schemas.ReportReference;

/** Publishes the markers of progress ({@link ProgressMarkers}) as report tables. */
public final class MarkersPublication {
    private MarkersPublication() {
    }

    /** One quarter of the uptake trend, unrounded. */
    public record TrendPoint(String quarter, long receivedYtd, long activeAtQuarterEnd, long registered) {
    }

    /** The planning and review figures of the year to date, unrounded; days null when no budget started. */
    public record Planning(long plansAgreed, long indicativeBeforePlan, long started, Double daysMedian, Double daysP90, long reviewsDue,
                           long reviewsOnTime) {
    }

    /** Offers of one eligibility group category with one outcome (and reason when declined). */
    public record Offers(String group, String outcome, String declineReason, long offers) {
    }

    public static ReportTable trend(List<TrendPoint> points, Map<Quarter, Double> trajectory) {
        ReportTable.Builder t = ReportTable.builder("uptake_trend", "Uptake against the trajectory",
                "Per quarter: people who received a personal health budget in the financial year to date, people with one in place at the "
                        + "quarter end, people registered with a GP practice at the quarter end, the year-to-date figure per 100,000 registered "
                        + "(from the published figures) and the trajectory for the quarter (reference data or --trajectory).",
                "quarter", "received_ytd", "active_at_quarter_end", "registered_population", "received_ytd_per_100k", "trajectory_per_100k",
                "against_trajectory");
        for (TrendPoint p : points) {
            String received = Published.count(p.receivedYtd(), Published.primary(p.receivedYtd()));
            String registered = Published.count(p.registered(), Published.primary(p.registered()));
            String rate = Published.rate(received, registered, 100_000, 1);
            Double target = trajectory.get(Quarter.parse(p.quarter()));
            t.row(p.quarter(), received, Published.count(p.activeAtQuarterEnd(), Published.primary(p.activeAtQuarterEnd())), registered, rate,
                    target == null ? "" : Published.decimal(target, 1), against(rate, target));
        }
        return t.build();
    }

    static String against(String rate, Double target) {
        if (target == null) {
            return "no trajectory";
        }
        if (rate.equals(Published.HIDDEN) || rate.equals("-")) {
            return "not known";
        }
        return Double.parseDouble(rate) >= target ? "on or above" : "below";
    }

    /**
     * The headline markers for the report quarter.
     *
     * @param current the report quarter's trend point
     */
    public static ReportTable markers(Quarter quarter, TrendPoint current, Map<Quarter, Double> trajectory, Planning p, ReportTable offers,
                                      int onTimeDays) {
        ReportTable.Builder t = ReportTable.builder("markers_of_progress", "Markers of progress",
                "Measurable markers of progress for the financial year to date (" + quarter.financialYearStart() + " to " + quarter.end()
                        + "), the project's own definitions in the spirit of the PHB markers of progress: uptake against the trajectory, "
                        + "indicative budgets known before planning, no delay in putting budgets in place, reviews on time, and offers "
                        + "declined. Percentages and rates are computed from the published (rounded) figures.",
                "marker", "value", "unit", "numerator", "denominator", "target", "definition");
        String received = Published.count(current.receivedYtd(), Published.primary(current.receivedYtd()));
        String registered = Published.count(current.registered(), Published.primary(current.registered()));
        Double target = trajectory.get(quarter);
        t.row("uptake_received_ytd_per_100k", Published.rate(received, registered, 100_000, 1), "per 100,000 registered", received, registered,
                target == null ? "" : Published.decimal(target, 1),
                "people who received a personal health budget in the year to date per 100,000 people registered at the quarter end; "
                        + "against trajectory: " + against(Published.rate(received, registered, 100_000, 1), target));
        String plans = Published.count(p.plansAgreed(), Published.primary(p.plansAgreed()));
        String before = Published.count(p.indicativeBeforePlan(), Published.primary(p.indicativeBeforePlan()));
        t.row("indicative_budget_before_plan_pct", Published.percentage(before, plans, 1), "%", before, plans, "",
                "budgets whose plan was agreed in the year to date and whose indicative budget was shared with the person on or before that day");
        boolean daysHidden = Published.primary(p.started()) || p.daysMedian() == null;
        String started = Published.count(p.started(), Published.primary(p.started()));
        t.row("days_eligible_to_budget_median", daysHidden ? Published.HIDDEN : Published.decimal(p.daysMedian(), 0), "days", "", started, "",
                "median days from eligibility (or referral) to the budget being in place, budgets in place from 1 April; hidden when "
                        + "fewer than 8 budgets");
        t.row("days_eligible_to_budget_p90", daysHidden ? Published.HIDDEN : Published.decimal(p.daysP90(), 0), "days", "", started, "",
                "90th percentile of the same days (exact percentile, linear interpolation)");
        String due = Published.count(p.reviewsDue(), Published.primary(p.reviewsDue()));
        String onTime = Published.count(p.reviewsOnTime(), Published.primary(p.reviewsOnTime()));
        t.row("reviews_on_time_pct", Published.percentage(onTime, due, 1), "%", onTime, due, "",
                "reviews due from 1 April to " + onTimeDays + " days before the quarter end that were held no later than " + onTimeDays
                        + " days after the due date");
        List<String> all = offers.where("eligibility_group", "ALL").get(0);
        String dec = offers.value(all, "declined");
        String made = offers.value(all, "total");
        t.row("offers_declined_pct", Published.percentage(dec, made, 1), "%", dec, made, "",
                "offers made in the year to date that the person declined (the rest were accepted or are awaiting a decision)");
        return t.build();
    }

    /** The spread of budgets in place at the quarter end across management options and eligibility groups. */
    public static ReportTable spread(List<PhbReturn.Count> counts) {
        ReportTable.Builder t = ReportTable.builder("spread", "Spread across management options and groups",
                "People with a personal health budget in place at the quarter end, by management option and by eligibility group (the "
                        + "categories of their latest budget), with each category's share of the published total.",
                "breakdown", "category", "label", "active_at_quarter_end", "share_pct");
        for (String[] b : new String[][] {{PhbReturn.OPTION, "management_option"}, {PhbReturn.GROUP, "eligibility_group"}}) {
            List<ReportReference.Category> cats = b[0].equals(PhbReturn.OPTION) ? ReportReference.managementOptions()
                    : ReportReference.eligibilityGroups();
            Map<String, String> labels = new LinkedHashMap<>();
            for (ReportReference.Category c : cats) {
                labels.put(c.code(), c.label());
            }
            Map<String, Long> n = new LinkedHashMap<>();
            for (String code : labels.keySet()) {
                n.put(code, 0L);
            }
            for (PhbReturn.Count c : counts) {
                if (c.measure().equals(PhbReturn.ACTIVE) && c.breakdown().equals(b[0])) {
                    n.merge(c.category(), c.people(), Long::sum);
                }
            }
            if (n.get(PhbReturn.UNKNOWN) != null && n.get(PhbReturn.UNKNOWN) == 0) {
                n.remove(PhbReturn.UNKNOWN);
            }
            List<String> codes = new ArrayList<>(n.keySet());
            long[] parts = codes.stream().mapToLong(n::get).toArray();
            boolean[] hidden = Published.oneWay(parts);
            long total = 0;
            for (long x : parts) {
                total += x;
            }
            String totalText = Published.count(total, hidden[parts.length]);
            for (int i = 0; i < codes.size(); i++) {
                String v = Published.count(parts[i], hidden[i]);
                t.row(b[1], codes.get(i), labels.getOrDefault(codes.get(i), "Not in the national template"), v,
                        Published.percentage(v, totalText, 1));
            }
            t.row(b[1], "ALL", "All", totalText, Published.percentage(totalText, totalText, 1));
        }
        return t.build();
    }

    /** Offers in the year to date by eligibility group and outcome, with totals. */
    public static ReportTable offers(List<Offers> offers) {
        List<String> outcomes = new ArrayList<>(CodeLists.get("offer_outcome").keySet());
        List<String> groups = new ArrayList<>(ReportReference.eligibilityGroups().stream().map(ReportReference.Category::code).toList());
        for (Offers o : offers) {
            if (!groups.contains(o.group())) {
                groups.add(o.group());
            }
        }
        long[][] cells = new long[groups.size()][outcomes.size()];
        for (Offers o : offers) {
            int r = groups.indexOf(o.group());
            int c = outcomes.indexOf(o.outcome());
            if (c >= 0) {
                cells[r][c] += o.offers();
            }
        }
        boolean[][] mask = Published.twoWay(cells, null);
        long[][] g = Published.withTotals(cells);
        List<String> columns = new ArrayList<>(List.of("eligibility_group"));
        for (String o : outcomes) {
            columns.add(o.toLowerCase());
        }
        columns.add("total");
        ReportTable.Builder t = ReportTable.builder("offers", "Offers of a personal health budget and their outcome",
                "Offers made from 1 April to the quarter end, by eligibility group and outcome (accepted, declined, awaiting decision), "
                        + "with totals.", columns.toArray(String[]::new));
        for (int r = 0; r <= groups.size(); r++) {
            List<Object> row = new ArrayList<>();
            row.add(r < groups.size() ? groups.get(r) : "ALL");
            for (int c = 0; c <= outcomes.size(); c++) {
                row.add(Published.count(g[r][c], mask[r][c]));
            }
            t.row(row.toArray());
        }
        return t.build();
    }

    /**
     * Declined offers by the reason given; the total is the declined total of {@code offersTable} and is hidden
     * when it is hidden there.
     */
    public static ReportTable declineReasons(List<Offers> offers, ReportTable offersTable) {
        Map<String, String> reasons = CodeLists.get("decline_reason");
        List<String> codes = new ArrayList<>(reasons.keySet());
        long[] n = new long[codes.size()];
        for (Offers o : offers) {
            if (o.outcome().equals("DECLINED") && o.declineReason() != null) {
                int i = codes.indexOf(o.declineReason());
                if (i >= 0) {
                    n[i] += o.offers();
                }
            }
        }
        boolean forced = offersTable.value(offersTable.where("eligibility_group", "ALL").get(0), "declined").equals(Published.HIDDEN);
        boolean[] hidden = Published.oneWay(n, forced);
        long total = 0;
        for (long x : n) {
            total += x;
        }
        String totalText = Published.count(total, hidden[n.length]);
        ReportTable.Builder t = ReportTable.builder("decline_reasons", "Why people declined a personal health budget",
                "Offers made in the year to date that were declined, by the reason the person gave, with each reason's share.",
                "reason", "label", "declined_offers", "share_pct");
        for (int i = 0; i < codes.size(); i++) {
            String v = Published.count(n[i], hidden[i]);
            t.row(codes.get(i), reasons.get(codes.get(i)), v, Published.percentage(v, totalText, 1));
        }
        t.row("ALL", "All reasons", totalText, Published.percentage(totalText, totalText, 1));
        return t.build();
    }
}
