package uk.nhs.phb.pipelines.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.nhs.phb.models.pseudonym.NhsNumber;
import uk.nhs.phb.models.pseudonym.SecretKey;
import uk.nhs.phb.pipelines.SharedSpark;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.Feeds;
import uk.nhs.phb.schemas.RowRule;

/** The generator against its targets, on 5,000 people. */
class SyntheticPopulationTest {
    static final int PEOPLE = 5000;
    static final SecretKey KEY = SecretKey.generate();
    static SparkSession spark;
    static SynthSettings settings;
    static Dataset<Row> records;

    @BeforeAll
    static void generate() {
        spark = SharedSpark.get();
        settings = SynthSettings.of(PEOPLE, 42);
        records = SyntheticPopulation.of(spark, settings, KEY).records().cache();
        records.count();
    }

    @AfterAll
    static void release() {
        records.unpersist();
    }

    static Dataset<Row> table(String name) {
        return SyntheticPopulation.table(records, name);
    }

    static Map<String, Long> tableCounts() {
        Map<String, Long> m = new HashMap<>();
        for (Row r : records.groupBy("table").count().collectAsList()) {
            m.put(r.getString(0), r.getLong(1));
        }
        return m;
    }

    @Test
    void optOutsAtEnglandsRatesOnePerTypeAndPersonForRegisteredPeople() {
        Dataset<Row> optOuts = table("opt_outs").filter(col("opt_out_type").isin("NDOO", "TYPE1"));
        Set<String> registered = new HashSet<>(table("patients").select("nhs_token").distinct().as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
        // everyone ever registered, including the few whose only registration row was made malformed
        Set<String> everRegistered = new HashSet<>(table(SyntheticPopulation.TRUTH_PERSON_RECORDS).filter(col("feed").equalTo("nhs_token"))
                .select("record_key").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        Map<String, Long> byType = new HashMap<>();
        for (Row r : optOuts.groupBy("opt_out_type").agg(functions.countDistinct("nhs_token")).collectAsList()) {
            byType.put(r.getString(0), r.getLong(1));
        }
        double people = registered.size();
        // national data opt-outs about 5% of registered people (NHS Digital 2022 by age and sex), type 1 about 2.5%
        assertThat(byType.get("NDOO") / people).isBetween(0.040, 0.068);
        assertThat(byType.get("TYPE1") / people).isBetween(0.015, 0.036);
        // (a token blanked by an injected missing_required fault aside)
        assertThat(optOuts.filter(col("nhs_token").isNotNull()).select("nhs_token").distinct().as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()).isNotEmpty().allMatch(everRegistered::contains);
        assertThat(optOuts.filter(col("recorded_date").gt(settings.end().toString())
                .or(col("opt_out_type").equalTo("TYPE1").and(col("recorded_date").lt("2013-10-01")))).count()).isZero();
        // the national check answers with numbers only, so a national data opt-out has no date
        assertThat(optOuts.filter(col("opt_out_type").equalTo("NDOO").and(col("recorded_date").isNotNull())).count()).isZero();
        assertThat(optOuts.filter(col("opt_out_type").equalTo("TYPE1").and(col("recorded_date").isNull())).count()).isZero();
        // people who set one opt-out set the other more often (type 1 share among NDOO holders vs others)
        long both = optOuts.groupBy("nhs_token").agg(functions.countDistinct("opt_out_type").alias("types"))
                .filter(col("types").equalTo(2)).count();
        assertThat((double) both / byType.get("NDOO")).isGreaterThan(3.0 * (byType.get("TYPE1") - both) / (people - byType.get("NDOO")));
    }

    @Test
    void sameSeedSameRowsAndOtherSeedOtherRows() {
        SynthSettings small = SynthSettings.of(400, 9);
        Dataset<Row> a = SyntheticPopulation.of(spark, small, KEY).records();
        Dataset<Row> b = SyntheticPopulation.of(spark, small, KEY).records().repartition(3);
        Dataset<Row> c = SyntheticPopulation.of(spark, SynthSettings.of(400, 10), KEY).records();
        long n = a.count();
        assertThat(n).isGreaterThan(10_000);
        assertThat(b.count()).isEqualTo(n);
        assertThat(a.exceptAll(b).count()).isZero();
        assertThat(b.exceptAll(a).count()).isZero();
        assertThat(a.exceptAll(c).count()).isGreaterThan(n / 2);
    }

    /**
     * The fields the generator writes: every contract field but those a file may leave out, except the cost source and
     * price year of the feeds it costs at national prices (community and mental health contacts and stays, EHC plans).
     */
    static List<FieldSpec> emitted(FeedContract f) {
        List<String> also = List.of("community", "mental_health", "ehcp").contains(f.name()) ? List.of("cost_source", "price_year")
                : f.name().equals("csc") ? List.of("pupil_token", "placement_type") : List.of();
        return f.fields().stream().filter(x -> f.headerFields().contains(x) || also.contains(x.name())).toList();
    }

    @Test
    void everyFeedIsEmittedWithItsContractColumns() {
        Map<String, Long> counts = tableCounts();
        for (FeedContract f : Feeds.all()) {
            assertThat(counts.getOrDefault(f.name(), 0L)).as(f.name()).isPositive();
            assertThat(SyntheticPopulation.columns(f.name())).isEqualTo(emitted(f).stream().map(FieldSpec::name).toList());
            assertThat(table(f.name()).columns()).containsExactlyElementsOf(SyntheticPopulation.columns(f.name()));
        }
        // every tagged feed row carries exactly the contract's number of values unless deliberately malformed
        for (FeedContract f : Feeds.all()) {
            long wrong = records.filter(col("table").equalTo(f.name()).and(functions.not(col("raw")))
                    .and(functions.size(col("values")).notEqual(emitted(f).size()))).count();
            assertThat(wrong).as(f.name()).isZero();
        }
    }

    @Test
    void everyRowWithoutAnInjectedFaultPassesItsContract() {
        Dataset<Row> faulted = table(SyntheticPopulation.TRUTH_FAULTS).filter(col("kind").isin("unknown_code", "recoded_code", "bad_cost",
                "future_date", "missing_required", "duplicate_record", "malformed_row"));
        LocalDate extract = settings.end();
        for (FeedContract f : Feeds.all()) {
            String key = f.recordKey().get(0);
            Dataset<Row> rows = table(f.name()).join(faulted.filter(col("feed").equalTo(f.name())).select(col("record_key")),
                    col(key).equalTo(col("record_key")), "left_anti");
            List<Row> all = rows.collectAsList();
            assertThat(all).as(f.name()).isNotEmpty();
            Set<String> keys = new HashSet<>();
            for (Row r : all) {
                assertThat(keys.add(r.getAs(key))).as(f.name() + " duplicate key " + r.getAs(key)).isTrue();
                for (FieldSpec s : emitted(f)) {
                    String v = r.getAs(s.name());
                    String where = f.name() + "." + s.name() + " = " + v;
                    if (v == null) {
                        assertThat(s.required()).as(where + " is required").isFalse();
                        continue;
                    }
                    if (s.codeList() != null) {
                        assertThat(CodeLists.get(s.codeList())).as(where).containsKey(v);
                    }
                    if (s.pattern() != null) {
                        assertThat(Pattern.matches(s.pattern(), v)).as(where).isTrue();
                    }
                    switch (s.type()) {
                        case DATE -> {
                            LocalDate d = LocalDate.parse(v);
                            if (s.notFuture()) {
                                assertThat(d).as(where).isBeforeOrEqualTo(extract);
                            }
                        }
                        case INTEGER, LONG, DECIMAL -> {
                            BigDecimal x = new BigDecimal(v);
                            if (s.type() == uk.nhs.phb.schemas.FieldType.DECIMAL) {
                                assertThat(x.scale()).as(where).isLessThanOrEqualTo(2);
                            }
                            if (s.min() != null) {
                                assertThat(x.doubleValue()).as(where).isGreaterThanOrEqualTo(s.min());
                            }
                            if (s.max() != null) {
                                assertThat(x.doubleValue()).as(where).isLessThanOrEqualTo(s.max());
                            }
                        }
                        case BOOLEAN -> assertThat(v).as(where).isIn("Y", "N");
                        default -> {
                        }
                    }
                }
            }
            // cross-field rules on typed columns
            List<Column> typed = new ArrayList<>();
            for (FieldSpec s : emitted(f)) {
                Column c = col(s.name());
                typed.add((s.type() == uk.nhs.phb.schemas.FieldType.BOOLEAN
                        ? functions.when(c.equalTo("Y"), true).when(c.equalTo("N"), false)
                        : c.cast(s.type().sparkType())).as(s.name()));
            }
            Dataset<Row> t = rows.select(typed.toArray(new Column[0]));
            for (RowRule rule : f.rowRules()) {
                assertThat(t.filter(functions.not(functions.expr(rule.expression()))).count()).as(f.name() + " " + rule.name()).isZero();
            }
        }
    }

    @Test
    void agePyramidLooksLikeEngland() {
        Dataset<Row> present = table(SyntheticPopulation.TRUTH_PERSONS).filter(col("entry_type").equalTo("present"));
        long n = present.count();
        int year = settings.start().getYear();
        double over65 = present.filter(col("birth_year").cast("int").leq(year - 66)).count() / (double) n;
        double under16 = present.filter(col("birth_year").cast("int").geq(year - 15)).count() / (double) n;
        double over85 = present.filter(col("birth_year").cast("int").leq(year - 86)).count() / (double) n;
        assertThat(over65).isCloseTo(0.184, within(0.025));
        assertThat(under16).isCloseTo(0.185, within(0.025));
        assertThat(over85).isCloseTo(0.024, within(0.01));
        double born = table(SyntheticPopulation.TRUTH_PERSONS).filter(col("entry_type").equalTo("born")).count() / (double) PEOPLE;
        assertThat(born).isCloseTo(0.042, within(0.01));
        long died = table(SyntheticPopulation.TRUTH_PERSONS).filter(col("exit_reason").equalTo("died")).count();
        assertThat(died / (PEOPLE * 4.0)).as("deaths per person-year").isBetween(0.006, 0.013);
    }

    /** Share of people present at the window start (by age) with the condition recorded by then. */
    static double prevalence(String code, int minAge) {
        LocalDate start = settings.start();
        Dataset<Row> persons = table(SyntheticPopulation.TRUTH_PERSONS).filter(col("entry_type").equalTo("present")
                .and(col("birth_year").cast("int").leq(start.getYear() - minAge - 1)));
        Dataset<Row> tokens = table(SyntheticPopulation.TRUTH_PERSON_RECORDS).filter(col("feed").equalTo("nhs_token"));
        Dataset<Row> withCondition = table("gp_conditions").filter(col("condition_code").equalTo(code)
                        .and(col("recorded_date").lt(start.toString())))
                .join(tokens, col("nhs_token").equalTo(col("record_key"))).select("person_id").distinct();
        long n = persons.count();
        return persons.join(withCondition, "person_id").count() / (double) n;
    }

    @Test
    void conditionPrevalenceNearQof() {
        assertThat(prevalence("HTN", 0)).isCloseTo(0.144, within(0.03));
        assertThat(prevalence("DM", 17)).isCloseTo(0.075, within(0.02));
        assertThat(prevalence("DEP", 18)).isCloseTo(0.132, within(0.03));
        assertThat(prevalence("AST", 6)).isCloseTo(0.065, within(0.02));
        assertThat(prevalence("CKD", 18)).isCloseTo(0.041, within(0.015));
        assertThat(prevalence("DEM", 0)).isCloseTo(0.0073, within(0.005));
        assertThat(prevalence("COPD", 0)).isCloseTo(0.019, within(0.01));
    }

    /** Events per person-year of registration in the window. */
    static double rate(Dataset<Row> events) {
        double personYears = table(SyntheticPopulation.TRUTH_PERSONS).select(functions.sum(
                functions.datediff(functions.coalesce(col("exit_date").cast("date"), functions.lit(settings.end().toString()).cast("date")),
                        functions.coalesce(col("entry_date").cast("date"), functions.lit(settings.start().toString()).cast("date")))))
                .first().getLong(0) / 365.25;
        return events.count() / personYears;
    }

    @Test
    void activityRatesNearEngland() {
        Dataset<Row> apc = table("apc_spells");
        assertThat(rate(table("gp_appointments"))).isCloseTo(5.5, within(1.0));
        assertThat(rate(table("ecds"))).isCloseTo(0.4, within(0.12));
        assertThat(rate(apc.filter(col("admission_method").startsWith("2")))).isCloseTo(0.11, within(0.035));
        assertThat(rate(apc.filter(col("admission_method").startsWith("1")))).isCloseTo(0.15, within(0.05));
        assertThat(rate(table("outpatients"))).isCloseTo(1.7, within(0.4));
        // polypharmacy exists at both thresholds
        assertThat(table("prescriptions").filter(col("distinct_medicines").cast("int").geq(10)).count()).isPositive();
        // did-not-attend outpatient appointments cost nothing
        assertThat(table("outpatients").filter(col("attendance_status").equalTo("3").and(col("cost").cast("double").gt(0))).count()).isZero();
    }

    /** Share of people in the area on a date with an open record in a feed (start <= date <= end or open). */
    static double pointShare(String feed, String key, String start, String end, Column filter, int minAge, int maxAge) {
        String ref = "2024-03-31";
        Column here = col("entry_date").isNull().or(col("entry_date").leq(ref)).and(col("exit_date").isNull().or(col("exit_date").gt(ref)))
                .and(functions.lit(2024).minus(col("birth_year").cast("int")).between(minAge, maxAge));
        Dataset<Row> people = table(SyntheticPopulation.TRUTH_PERSONS).filter(here).select("person_id");
        Dataset<Row> open = table(feed).filter(filter.and(col(start).leq(ref)).and(col(end).isNull().or(col(end).geq(ref))))
                .join(table(SyntheticPopulation.TRUTH_PERSON_RECORDS), col(key).equalTo(col("record_key"))).select("person_id").distinct();
        return people.join(open, "person_id").count() / (double) people.count();
    }

    @Test
    void socialCareAndEducationNearNationalShares() {
        assertThat(pointShare("asc_cld", "event_id", "event_start", "event_end",
                col("event_type").equalTo("Service").and(col("service_type").startsWith("LTS")), 18, 120)).isCloseTo(0.018, within(0.007));
        assertThat(pointShare("csc", "episode_id", "start_date", "end_date", col("episode_type").equalTo("CIN"), 0, 17))
                .isCloseTo(0.03, within(0.012));
        assertThat(pointShare("ehcp", "ehcp_id", "start_date", "end_date", functions.lit(true), 0, 25)).isCloseTo(0.04, within(0.015));
    }

    @Test
    void injectedFaultsAreCountedExactly() {
        Dataset<Row> faults = table(SyntheticPopulation.TRUTH_FAULTS);
        Map<String, Long> byKind = new HashMap<>();
        for (Row r : faults.groupBy("kind").count().collectAsList()) {
            byKind.put(r.getString(0), r.getLong(1));
        }
        long raw = records.filter(col("raw")).count();
        assertThat(byKind.getOrDefault("malformed_row", 0L)).isEqualTo(raw).isPositive();
        long zz = 0;
        long unlisted = 0;
        long dupKeys = 0;
        long feedRows = 0;
        for (FeedContract f : Feeds.all()) {
            Dataset<Row> t = table(f.name());
            feedRows += t.count();
            for (FieldSpec s : emitted(f)) {
                if (s.codeList() != null) {
                    zz += t.filter(col(s.name()).equalTo("ZZ9")).count();
                }
                if (s.unknownAs() != null) {
                    unlisted += t.filter(col(s.name()).isNotNull()
                            .and(functions.not(col(s.name()).isin(CodeLists.get(s.codeList()).keySet().toArray())))).count();
                }
            }
            dupKeys += t.groupBy(f.recordKey().get(0)).count().filter(col("count").gt(1)).count();
        }
        assertThat(byKind.get("unknown_code")).isEqualTo(zz);
        // a code outside a list whose rows are kept is only ever an injected one
        assertThat(byKind.getOrDefault("recoded_code", 0L)).isEqualTo(unlisted).isPositive();
        assertThat(byKind.get("duplicate_record")).isEqualTo(dupKeys);
        // rates near their settings (binomial tolerance)
        FaultRates rates = settings.faults();
        for (String kind : List.of("malformed_row", "duplicate_record", "missing_required")) {
            double expected = rates.rate(kind) * feedRows;
            assertThat((double) byKind.get(kind)).as(kind).isCloseTo(expected, within(4 * Math.sqrt(expected) + 5));
        }
    }

    @Test
    void adultSocialCareSometimesLacksTheNhsTokenAndChildrensAndEducationNeverHaveOne() {
        Dataset<Row> persons = table(SyntheticPopulation.TRUTH_PERSON_RECORDS).filter(col("feed").equalTo("la_person_token"))
                .select("person_id").distinct();
        Dataset<Row> rows = table("asc_cld").select(col("event_id").as("k"), col("nhs_token"))
                .join(table(SyntheticPopulation.TRUTH_PERSON_RECORDS), col("k").equalTo(col("record_key")));
        long people = persons.count();
        long without = rows.groupBy("person_id").agg(functions.max(col("nhs_token")).as("t")).filter(col("t").isNull()).count();
        assertThat(people).isGreaterThan(50);
        assertThat(without / (double) people).isCloseTo(0.08, within(0.05));
        // the CIN census and SSDA903 carry no NHS number, name or postcode
        Dataset<Row> children = table("csc");
        assertThat(children.count()).isPositive();
        for (String absent : List.of("nhs_token", "name_bloom", "postcode_token", "postcode_district_token")) {
            assertThat(children.filter(col(absent).isNotNull()).count()).as(absent).isZero();
        }
        assertThat(children.filter(col("dob_token").isNotNull()).count()).isPositive();
        assertThat(Feeds.byName("ehcp").fieldNames()).doesNotContain("nhs_token");
        Set<String> nhsTokens = new HashSet<>(table(SyntheticPopulation.TRUTH_PERSON_RECORDS).filter(col("feed").equalTo("nhs_token"))
                .select("record_key").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        for (Row r : table("ehcp").collectAsList()) {
            for (int i = 0; i < r.size(); i++) {
                assertThat(nhsTokens).doesNotContain((String) r.get(i));
            }
        }
        assertThat(table("ehcp").count()).isPositive();
    }

    @Test
    void trueRiskIsCalibratedAndDiscriminatesRealistically() {
        List<Row> risk = table(SyntheticPopulation.TRUTH_RISK).filter(col("follow_up_in_window").equalTo("Y"))
                .select(col("p_emergency_12m").cast("double"), col("outcome_12m").cast("int")).collectAsList();
        double sumP = 0;
        double sumY = 0;
        double[] p = new double[risk.size()];
        int[] y = new int[risk.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = risk.get(i).getDouble(0);
            y[i] = risk.get(i).getInt(1);
            assertThat(p[i]).isStrictlyBetween(0.0, 1.0);
            sumP += p[i];
            sumY += y[i];
        }
        double meanP = sumP / p.length;
        double meanY = sumY / p.length;
        assertThat(meanY).isCloseTo(meanP, within(0.1 * meanP));
        double auc = auroc(p, y);
        System.out.printf("oracle: mean p %.4f, observed %.4f, AUROC %.3f over %d person-quarters%n", meanP, meanY, auc, p.length);
        assertThat(auc).isBetween(0.74, 0.90);
    }

    @Test
    void phbsLowerEmergencyCostsOnAverage() {
        Dataset<Row> effect = table(SyntheticPopulation.TRUTH_PHB_EFFECT);
        Row acute = effect.filter(col("sector").equalTo("acute")).agg(functions.sum(col("cost_with_phb").cast("double")),
                functions.sum(col("cost_without_phb").cast("double")), functions.count("*")).first();
        assertThat(acute.getLong(2)).isPositive();
        assertThat(acute.getDouble(0)).isLessThanOrEqualTo(acute.getDouble(1));
        Row community = effect.filter(col("sector").equalTo("community")).agg(functions.sum(col("cost_with_phb").cast("double")),
                functions.sum(col("cost_without_phb").cast("double"))).first();
        assertThat(community.getDouble(0)).isGreaterThanOrEqualTo(community.getDouble(1));
        Row care = effect.filter(col("sector").equalTo("adult_social_care")).agg(functions.sum(col("cost_with_phb").cast("double")),
                functions.sum(col("cost_without_phb").cast("double"))).first();
        assertThat(care.getDouble(0)).isEqualTo(care.getDouble(1));
        // register: management options are mostly notional
        long reg = table("phb_register").count();
        long notional = table("phb_register").filter(col("management_option").equalTo("NOTIONAL")).count();
        assertThat(notional / (double) reg).isBetween(0.65, 0.95);
    }

    @Test
    void nhsNumbersAreValidAndUnique() {
        Set<String> seen = new HashSet<>();
        for (long i = 0; i < 3_000_000; i += 997) {
            String n = Identities.nhsNumber(i);
            assertThat(NhsNumber.isValid(n)).as(n).isTrue();
            assertThat(seen.add(n)).isTrue();
        }
        assertThat(Identities.nhsNumber(5)).startsWith("99");
    }

    static double auroc(double[] p, int[] y) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[a], p[b]));
        double rankSum = 0;
        long pos = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && p[idx[j + 1]] == p[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[idx[k]] == 1) {
                    rankSum += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = p.length - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / (pos * (double) neg);
    }
}
