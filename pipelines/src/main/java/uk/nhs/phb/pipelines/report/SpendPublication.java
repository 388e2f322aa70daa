package uk.nhs.phb.pipelines.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import uk.nhs.phb.models.disclosure.SmallNumbers;
import uk.nhs.phb.pipelines.features.PersonFeatures;
import uk.nhs.phb.schemas.CodeLists;

/**
 * Publishes spend across the system. Money is in whole pounds; a money figure is hidden when the number of
 * people with spend behind it is 1 to 7, and further figures are hidden along each additive line (sectors of a
 * row add up to its total; services of a sector add up to the sector; tiers add up to the population) so no
 * hidden figure can be recovered by subtraction.
 */
public final class SpendPublication {
    /** The sectors in display order, with labels. */
    public static final Map<String, String> SECTOR_LABELS = sectorLabels();

    private SpendPublication() {
    }

    private static Map<String, String> sectorLabels() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("acute", "Acute hospital care");
        m.put("primary_care", "Primary care (GP)");
        m.put("prescribing", "Prescribing");
        m.put("community", "Community health services");
        m.put("mental_health", "Mental health services");
        m.put("continuing_care", "Continuing healthcare");
        m.put("adult_social_care", "Adult social care");
        m.put("childrens_social_care", "Children's social care");
        m.put("education", "Education (EHC plans)");
        if (!m.keySet().containsAll(PersonFeatures.SECTORS) || m.size() != PersonFeatures.SECTORS.size()) {
            throw new IllegalStateException("sector labels do not match person_features sectors " + PersonFeatures.SECTORS);
        }
        return m;
    }

    /** Sector aggregates of one group of people (a cohort or a tier), unrounded. */
    public record SectorRow(String group, long people, Map<String, BigDecimal> spend, Map<String, Long> users, BigDecimal total, long usersTotal) {
    }

    /** One line of the service table, unrounded. */
    public record ServiceRow(String sector, String service, BigDecimal spend, long users, BigDecimal phbSpend, long phbUsers) {
    }

    public static ReportTable byCohort(List<SectorRow> rows) {
        List<String> columns = new ArrayList<>(List.of("cohort", "label", "people"));
        for (String s : SECTOR_LABELS.keySet()) {
            columns.add("spend_" + s);
        }
        columns.addAll(List.of("spend_total", "spend_per_person"));
        ReportTable.Builder t = ReportTable.builder("spend_by_cohort", "Spend across the system by cohort",
                "Spend in the 12 months to the quarter end (£) on everyone registered at the quarter end and on each cohort, by sector. "
                        + "Cohorts come from person_features on the quarter end and overlap (a person can be in several), so they do not add up "
                        + "to the population. Spend per person is the published total over the published number of people.",
                columns.toArray(String[]::new));
        Map<String, String> labels = new LinkedHashMap<>();
        for (String[] c : SystemSpend.COHORTS) {
            labels.put(c[0], c[1]);
        }
        Map<String, SectorRow> by = new LinkedHashMap<>();
        for (SectorRow r : rows) {
            by.put(r.group(), r);
        }
        for (String cohort : labels.keySet()) {
            SectorRow r = by.get(cohort);
            if (r == null) {
                continue;
            }
            List<String> sectors = new ArrayList<>(SECTOR_LABELS.keySet());
            int k = sectors.size();
            boolean[] hidden = new boolean[k + 1];
            long[] size = new long[k + 1];
            boolean peopleHidden = Published.primary(r.people());
            for (int i = 0; i < k; i++) {
                size[i] = r.users().get(sectors.get(i));
                hidden[i] = peopleHidden || Published.primary(size[i]);
            }
            size[k] = r.usersTotal();
            hidden[k] = peopleHidden || Published.primary(size[k]);
            int[] line = new int[k + 1];
            for (int i = 0; i <= k; i++) {
                line[i] = i;
            }
            SmallNumbers.protect(hidden, size, List.of(line));
            List<Object> row = new ArrayList<>(List.of(cohort, labels.get(cohort)));
            String people = Published.count(r.people(), peopleHidden);
            row.add(people);
            for (int i = 0; i < k; i++) {
                row.add(Published.pounds(r.spend().get(sectors.get(i)), hidden[i]));
            }
            String total = Published.pounds(r.total(), hidden[k]);
            row.add(total);
            row.add(perPerson(total, people));
            t.row(row.toArray());
        }
        return t.build();
    }

    static String perPerson(String total, String people) {
        if (total.equals(Published.HIDDEN) || people.equals(Published.HIDDEN)) {
            return Published.HIDDEN;
        }
        long p = Long.parseLong(people);
        return p == 0 ? "-" : new BigDecimal(total).divide(BigDecimal.valueOf(p), 0, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * Spend by risk tier (rows: tiers highest first, then people not scored, then everyone) and sector; people per
     * tier as a one-way table.
     */
    public static ReportTable byTier(List<SectorRow> rows) {
        List<String> tiers = new ArrayList<>(SystemSpend.TIERS);
        tiers.add(SystemSpend.NOT_SCORED);
        Map<String, SectorRow> by = new LinkedHashMap<>();
        for (SectorRow r : rows) {
            by.put(r.group(), r);
        }
        List<String> sectors = new ArrayList<>(SECTOR_LABELS.keySet());
        int nr = tiers.size();
        int nc = sectors.size();
        long[][] users = new long[nr][nc];
        BigDecimal[][] money = new BigDecimal[nr + 1][nc + 1];
        long[] people = new long[nr];
        long[] usersRow = new long[nr];
        for (int r = 0; r <= nr; r++) {
            for (int c = 0; c <= nc; c++) {
                money[r][c] = BigDecimal.ZERO;
            }
        }
        for (int r = 0; r < nr; r++) {
            SectorRow x = by.get(tiers.get(r));
            if (x == null) {
                continue;
            }
            people[r] = x.people();
            usersRow[r] = x.usersTotal();
            for (int c = 0; c < nc; c++) {
                users[r][c] = x.users().get(sectors.get(c));
                money[r][c] = x.spend().get(sectors.get(c));
                money[r][nc] = money[r][nc].add(money[r][c]);
                money[nr][c] = money[nr][c].add(money[r][c]);
                money[nr][nc] = money[nr][nc].add(money[r][c]);
            }
        }
        // counts behind each money figure: users per cell, per tier, per sector, overall
        int width = nc + 1;
        boolean[] hidden = new boolean[(nr + 1) * width];
        long[] size = new long[hidden.length];
        long usersAll = 0;
        for (int r = 0; r < nr; r++) {
            usersAll += usersRow[r];
        }
        for (int r = 0; r <= nr; r++) {
            for (int c = 0; c <= nc; c++) {
                long n;
                if (r < nr && c < nc) {
                    n = users[r][c];
                } else if (r < nr) {
                    n = usersRow[r];
                } else if (c < nc) {
                    n = 0;
                    for (int k = 0; k < nr; k++) {
                        n += users[k][c];
                    }
                } else {
                    n = usersAll;
                }
                size[r * width + c] = n;
                hidden[r * width + c] = Published.primary(n);
            }
        }
        SmallNumbers.protect(hidden, size, SmallNumbers.gridLines(nr, nc));
        boolean[] peopleHidden = Published.oneWay(people);
        long peopleAll = 0;
        for (long p : people) {
            peopleAll += p;
        }
        List<String> columns = new ArrayList<>(List.of("risk_tier", "people"));
        for (String s : sectors) {
            columns.add("spend_" + s);
        }
        columns.addAll(List.of("spend_total", "spend_per_person", "share_of_spend_pct"));
        ReportTable.Builder t = ReportTable.builder("spend_by_risk_tier", "Spend by risk tier (the risk pyramid)",
                "People and their spend in the 12 months to the quarter end (£) by risk tier of gold/risk_scores on the quarter end "
                        + "(very high: top 0.5% of predicted risk; high: next 4.5%; moderate: next 15%; low: the rest), by sector. The "
                        + "last row is everyone.", columns.toArray(String[]::new));
        String grandTotal = Published.pounds(money[nr][nc], hidden[nr * width + nc]);
        for (int r = 0; r <= nr; r++) {
            List<Object> row = new ArrayList<>();
            row.add(r < nr ? tiers.get(r) : "ALL");
            String p = r < nr ? Published.count(people[r], peopleHidden[r]) : Published.count(peopleAll, peopleHidden[nr]);
            row.add(p);
            for (int c = 0; c <= nc; c++) {
                row.add(Published.pounds(money[r][c], hidden[r * width + c]));
            }
            String total = Published.pounds(money[r][nc], hidden[r * width + nc]);
            row.add(perPerson(total, p));
            row.add(share(total, grandTotal));
            t.row(row.toArray());
        }
        return t.build();
    }

    static String share(String part, String total) {
        if (part.equals(Published.HIDDEN) || total.equals(Published.HIDDEN)) {
            return Published.HIDDEN;
        }
        BigDecimal tot = new BigDecimal(total);
        if (tot.signum() == 0) {
            return "-";
        }
        return new BigDecimal(part).multiply(BigDecimal.valueOf(100)).divide(tot, 1, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** Spend by sector and service for everyone and for people with a budget in place. */
    public static ReportTable byService(List<ServiceRow> rows) {
        Map<String, Map<String, ServiceRow>> bySector = new TreeMap<>();
        ServiceRow grand = null;
        Map<String, ServiceRow> sectorTotals = new LinkedHashMap<>();
        for (ServiceRow r : rows) {
            if (r.sector().equals(SystemSpend.ALL)) {
                grand = r;
            } else if (r.service().equals(SystemSpend.ALL)) {
                sectorTotals.put(r.sector(), r);
            } else {
                bySector.computeIfAbsent(r.sector(), k -> new TreeMap<>()).put(r.service(), r);
            }
        }
        List<String> sectors = new ArrayList<>();
        for (String s : SECTOR_LABELS.keySet()) {
            if (sectorTotals.containsKey(s)) {
                sectors.add(s);
            }
        }
        // figures: services of each sector, then sector totals, then the grand total
        List<ServiceRow> order = new ArrayList<>();
        List<int[]> lines = new ArrayList<>();
        for (String s : sectors) {
            int first = order.size();
            order.addAll(bySector.getOrDefault(s, Map.of()).values());
            int[] line = new int[order.size() - first + 1];
            for (int i = first; i < order.size(); i++) {
                line[i - first] = i;
            }
            lines.add(line);
        }
        int firstTotal = order.size();
        for (int i = 0; i < sectors.size(); i++) {
            order.add(sectorTotals.get(sectors.get(i)));
            lines.get(i)[lines.get(i).length - 1] = firstTotal + i;
        }
        int[] top = new int[sectors.size() + 1];
        for (int i = 0; i < sectors.size(); i++) {
            top[i] = firstTotal + i;
        }
        top[sectors.size()] = order.size();
        order.add(grand == null ? new ServiceRow(SystemSpend.ALL, SystemSpend.ALL, BigDecimal.ZERO, 0, BigDecimal.ZERO, 0) : grand);
        lines.add(top);
        boolean[] hidden = mask(order, lines, false);
        boolean[] phbHidden = mask(order, lines, true);
        ReportTable.Builder t = ReportTable.builder("spend_by_service", "Spend by sector and service, and what PHB holders' care costs",
                "Spend in the 12 months to the quarter end (£) by sector and service for everyone registered at the quarter end, and for "
                        + "people with a personal health budget in place then (the services their care uses across the system; the register "
                        + "does not itemise what each budget buys). Users are people with spend on the service. Services add up to their "
                        + "sector (service ALL), sectors to the total (sector ALL).",
                "sector", "service", "label", "users", "spend", "phb_users", "phb_spend");
        for (int i = 0; i < order.size(); i++) {
            ServiceRow r = order.get(i);
            t.row(r.sector(), r.service(), label(r.sector(), r.service()), Published.count(r.users(), Published.primary(r.users())),
                    Published.pounds(r.spend(), hidden[i]), Published.count(r.phbUsers(), Published.primary(r.phbUsers())),
                    Published.pounds(r.phbSpend(), phbHidden[i]));
        }
        return t.build();
    }

    private static boolean[] mask(List<ServiceRow> order, List<int[]> lines, boolean phb) {
        boolean[] hidden = new boolean[order.size()];
        long[] size = new long[order.size()];
        for (int i = 0; i < order.size(); i++) {
            size[i] = phb ? order.get(i).phbUsers() : order.get(i).users();
            hidden[i] = Published.primary(size[i]);
        }
        SmallNumbers.protect(hidden, size, lines);
        return hidden;
    }

    /** A service's label, from the code list of the field it comes from. */
    public static String label(String sector, String service) {
        if (sector.equals(SystemSpend.ALL)) {
            return "All sectors";
        }
        if (service.equals(SystemSpend.ALL)) {
            return SECTOR_LABELS.getOrDefault(sector, sector) + ": all services";
        }
        String list = switch (sector) {
            case "primary_care" -> "hcp_type";
            case "community" -> "community_service";
            case "mental_health" -> "mh_service";
            case "continuing_care" -> "chc_pathway";
            case "adult_social_care" -> "asc_service_type";
            case "childrens_social_care" -> "csc_episode_type";
            case "education" -> "ehcp_placement";
            default -> null;
        };
        String fixed = switch (service) {
            case "EMERGENCY_ADMISSIONS" -> "Emergency admissions";
            case "ELECTIVE_ADMISSIONS" -> "Elective admissions";
            case "OTHER_ADMISSIONS" -> "Other admissions";
            case "OUTPATIENT_FIRST" -> "Outpatients: first attendances";
            case "OUTPATIENT_FOLLOW_UP" -> "Outpatients: follow-up attendances";
            case "PRESCRIPTIONS" -> "Prescriptions dispensed";
            case "UNSPECIFIED" -> "Service type not recorded";
            default -> null;
        };
        if (fixed != null) {
            return fixed;
        }
        if (service.startsWith("AE_")) {
            return "A&E: " + CodeLists.get("department_type").getOrDefault(service.substring(3), service.substring(3));
        }
        return list == null ? service : CodeLists.get(list).getOrDefault(service, service);
    }
}
