package uk.nhs.phb.pipelines.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Rows of phb's layout folded into the national tables their profiles read, values checked against the row they came from. */
class NationalFoldsTest {
    static final String TOKEN = "C9cWZZ8AGiKOxKnZztLBTcx37lnYs6sws94D1KWl0bo";
    final NationalFolds folds = new NationalFolds(Reference.load(), LocalDate.of(2026, 3, 31));

    static Row row(String feed, Map<String, String> values) {
        Emitter.Layout l = Emitter.layout(feed);
        String[] v = new String[l.fields.length];
        values.forEach((k, x) -> v[l.at(k)] = x);
        return RowFactory.create(feed, v, false);
    }

    static NationalFolds.Person person(Integer birthYear, Map<String, String> faults) {
        return new NationalFolds.Person(42L, birthYear, "A81001", faults);
    }

    static List<String[]> of(List<Row> rows, NationalFolds.Table t) {
        return rows.stream().filter(r -> r.getString(0).equals(t.name())).map(r -> (String[]) r.get(1)).toList();
    }

    static String at(String[] v, NationalFolds.Table t, String column) {
        return v[t.columns().indexOf(column)];
    }

    @Test
    void aPersonsMonthBecomesOneItemPerMedicineWithItemsAndCostSplitToThePenny() {
        List<Row> out = new ArrayList<>();
        folds.write(person(1950, Map.of()), row("prescriptions", Map.of("record_id", "pre-1", "nhs_token", TOKEN,
                "period_month", "2025-02-01", "distinct_medicines", "3", "items", "7", "cost", "123.45")), out);
        List<String[]> items = of(out, NationalFolds.ITEMS);
        assertThat(items).hasSize(3);
        assertThat(items.stream().map(v -> at(v, NationalFolds.ITEMS, "PaidBNFCode").substring(0, 9)).distinct()).hasSize(3);
        assertThat(items.stream().mapToInt(v -> Integer.parseInt(at(v, NationalFolds.ITEMS, "ItemCount"))).sum()).isEqualTo(7);
        assertThat(items.stream().map(v -> new BigDecimal(at(v, NationalFolds.ITEMS, "ItemNIC"))).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("123.45");
        assertThat(items).allMatch(v -> at(v, NationalFolds.ITEMS, "nhs_token").equals(TOKEN))
                .allMatch(v -> at(v, NationalFolds.ITEMS, "ProcessingPeriodDate").matches("2025-02-01|202502"));
    }

    @Test
    void aDamagedMonthArrivesAsOneItemCarryingTheDamageAndASecondCopyOfADuplicateIsNotSent() {
        List<Row> out = new ArrayList<>();
        NationalFolds.Person p = person(1950, Map.of("prescriptions|pre-2", "future_date", "prescriptions|pre-3", "duplicate_record"));
        folds.write(p, row("prescriptions", Map.of("record_id", "pre-2", "nhs_token", TOKEN, "period_month", "2031-06-17",
                "distinct_medicines", "2", "items", "4", "cost", "20.00")), out);
        Row dup = row("prescriptions", Map.of("record_id", "pre-3", "nhs_token", TOKEN, "period_month", "2025-03-01",
                "distinct_medicines", "2", "items", "2", "cost", "10.00"));
        folds.write(p, dup, out);
        folds.write(p, dup, out);
        List<String[]> items = of(out, NationalFolds.ITEMS);
        assertThat(items).hasSize(1 + 2);
        assertThat(at(items.get(0), NationalFolds.ITEMS, "ProcessingPeriodDate")).isEqualTo("2031-06-17");
        assertThat(at(items.get(0), NationalFolds.ITEMS, "ItemNIC")).isEqualTo("20.00");
    }

    @Test
    void aCommunityContactIsSentWithItsPersonAndTeamOnceEachAndNoCost() {
        List<Row> out = new ArrayList<>();
        NationalFolds.Person p = person(1940, Map.of("community|com-3", "bad_cost"));
        for (String id : List.of("com-1", "com-2", "com-3")) {
            folds.write(p, row("community", Map.of("contact_id", id, "nhs_token", TOKEN, "contact_date", "2025-05-0" + id.charAt(4),
                    "service_type", "PODIATRY", "cost", "86.32", "cost_source", "tariff", "price_year", "2023")), out);
        }
        List<String[]> mpi = of(out, NationalFolds.CSDS_MPI);
        List<String[]> teams = of(out, NationalFolds.CSDS_REFERRAL);
        List<String[]> contacts = of(out, NationalFolds.CSDS_CONTACT);
        assertThat(mpi).hasSize(1);
        assertThat(at(mpi.get(0), NationalFolds.CSDS_MPI, "nhs_token")).isEqualTo(TOKEN);
        assertThat(at(mpi.get(0), NationalFolds.CSDS_MPI, "Person_ID")).doesNotContain(TOKEN).startsWith("CSDS");
        assertThat(teams).hasSize(1);
        assertThat(at(teams.get(0), NationalFolds.CSDS_REFERRAL, "TeamType")).isEqualTo("27");
        assertThat(contacts).as("a bad cost cannot be carried: the contact is not sent").hasSize(2);
        assertThat(contacts).allMatch(v -> at(v, NationalFolds.CSDS_CONTACT, "ServiceRequestID")
                .equals(at(teams.get(0), NationalFolds.CSDS_REFERRAL, "ServiceRequestID")));
        assertThat(NationalFolds.CSDS_CONTACT.columns()).doesNotContain("cost");
    }

    @Test
    void mentalHealthEventsGoToTheirTablesWithTheMonthsMhsdsNumbers() {
        List<Row> out = new ArrayList<>();
        NationalFolds.Person p = person(2012, new HashMap<>());
        folds.write(p, row("mental_health", Map.of("event_id", "men-1", "nhs_token", TOKEN, "event_type", "CONTACT",
                "start_date", "2025-01-10", "service", "CAMHS", "cost", "302.11")), out);
        folds.write(p, row("mental_health", Map.of("event_id", "men-2", "nhs_token", TOKEN, "event_type", "INPATIENT",
                "start_date", "2019-04-02", "end_date", "2019-04-20", "service", "INPATIENT_WARD", "cost", "11723.22")), out);
        folds.write(p, row("mental_health", Map.of("event_id", "men-3", "nhs_token", TOKEN, "event_type", "INPATIENT",
                "start_date", "2026-02-02", "service", "INPATIENT_WARD", "cost", "1.00")), out);
        folds.write(p, row("mental_health", Map.of("event_id", "men-4", "nhs_token", TOKEN, "event_type", "DETENTION",
                "start_date", "2026-02-02", "end_date", "2026-02-03", "mha_section", "136", "service", "INPATIENT_WARD", "cost", "0.00")), out);
        assertThat(of(out, NationalFolds.MHSDS_MPI)).hasSize(1);
        String[] team = of(out, NationalFolds.MHSDS_REFERRAL).get(0);
        assertThat(at(team, NationalFolds.MHSDS_REFERRAL, "ServTeamIntAgeGroup")).as("a CAMHS team by its age group").isEqualTo("02");
        List<String[]> spells = of(out, NationalFolds.MHSDS_SPELL);
        assertThat(at(spells.get(0), NationalFolds.MHSDS_SPELL, "UniqMonthID")).as("April 2019 is 1429").isEqualTo("1429");
        assertThat(at(spells.get(1), NationalFolds.MHSDS_SPELL, "UniqMonthID")).as("an open spell: the window's last month")
                .isEqualTo("1512");
        assertThat(at(spells.get(1), NationalFolds.MHSDS_SPELL, "DischDateHospProvSpell")).isNull();
        String[] detention = of(out, NationalFolds.MHSDS_MHA).get(0);
        assertThat(at(detention, NationalFolds.MHSDS_MHA, "LegalStatusCode")).as("section 136").isEqualTo("20");
        // a bad cost has nothing to damage in MHSDS, whose periods carry none: the period is not sent
        List<Row> more = new ArrayList<>();
        folds.write(person(2012, Map.of("mental_health|men-5", "bad_cost")), row("mental_health", Map.of("event_id", "men-5",
                "nhs_token", TOKEN, "event_type", "DETENTION", "start_date", "2026-02-02", "mha_section", "2",
                "service", "INPATIENT_WARD", "cost", "-1.00")), more);
        assertThat(of(more, NationalFolds.MHSDS_MHA)).isEmpty();
    }

    @Test
    void continuingCareIsAReferralWithItsOutcomeAndPackageAndAChildIsToldByAge() {
        List<Row> out = new ArrayList<>();
        folds.write(person(2015, Map.of()), row("chc", Map.of("record_id", "chc-1", "nhs_token", TOKEN, "pathway", "CHILDREN",
                "referral_date", "2020-03-01", "decision_date", "2020-04-01", "decision", "ELIGIBLE", "package_start", "2020-04-20",
                "setting", "HOME", "weekly_cost", "1400.50")), out);
        folds.write(person(1930, Map.of()), row("chc", Map.of("record_id", "chc-2", "nhs_token", TOKEN, "pathway", "FAST_TRACK",
                "referral_date", "2024-03-01", "decision_date", "2024-03-02", "decision", "ELIGIBLE")), out);
        List<String[]> mpi = of(out, NationalFolds.CHC_MPI);
        assertThat(at(mpi.get(0), NationalFolds.CHC_MPI, "AgeRepPeriodEndYears")).isEqualTo("5");
        List<String[]> referrals = of(out, NationalFolds.CHC_REFERRAL);
        assertThat(at(referrals.get(0), NationalFolds.CHC_REFERRAL, "CommEligibilityDecisionOutcomeStandardCHC")).isEqualTo("01");
        assertThat(at(referrals.get(0), NationalFolds.CHC_REFERRAL, "PatientLocationCHCChecklist")).isEqualTo("01");
        assertThat(at(referrals.get(1), NationalFolds.CHC_REFERRAL, "ActivityTypeCHC")).isEqualTo("02");
        assertThat(at(referrals.get(1), NationalFolds.CHC_REFERRAL, "RefAcceptedDateFastTrack")).isEqualTo("2024-03-02");
        List<String[]> packages = of(out, NationalFolds.CHC_PACKAGE);
        assertThat(packages).as("only the referral with a package has one").hasSize(1);
        assertThat(at(packages.get(0), NationalFolds.CHC_PACKAGE, "ContractUnitCost")).isEqualTo("1400.50");
        assertThat(at(packages.get(0), NationalFolds.CHC_PACKAGE, "ContractUnitFrequency")).as("weekly").isEqualTo("04");
    }

    @Test
    void aConditionIsAnEventWhoseConceptIsInItsClusterAndAnUnknownOneIsInNone() {
        List<Row> out = new ArrayList<>();
        folds.write(person(1950, Map.of()), row("gp_conditions", Map.of("record_id", "gpc-1", "nhs_token", TOKEN,
                "condition_code", "DM", "recorded_date", "2019-05-01")), out);
        folds.write(person(1950, Map.of()), row("gp_conditions", Map.of("record_id", "gpc-2", "nhs_token", TOKEN,
                "condition_code", "ZZ9", "recorded_date", "2019-05-01")), out);
        Map<String, String> clusterOf = new HashMap<>();
        uk.nhs.phb.schemas.profiles.CodeMaps.shipped("gp_clusters").rows().forEach(r -> clusterOf.put(r.get(0), r.get(1)));
        List<String[]> events = of(out, NationalFolds.GP_EVENTS);
        assertThat(clusterOf.get(at(events.get(0), NationalFolds.GP_EVENTS, "CODE"))).isEqualTo("DM");
        assertThat(at(events.get(0), NationalFolds.GP_EVENTS, "DATE")).isEqualTo("2019-05-01");
        assertThat(clusterOf).doesNotContainKey(at(events.get(events.size() - 1), NationalFolds.GP_EVENTS, "CODE"));
    }
}
