package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.budget.BudgetRules;
import uk.nhs.phb.models.budget.IndicativeBudget;
import uk.nhs.phb.models.budget.Money;
import uk.nhs.phb.models.budget.NeedRange;
import uk.nhs.phb.models.budget.Stream;
import uk.nhs.phb.pipelines.ExactQuantiles;
import uk.nhs.phb.pipelines.Materialised;
import uk.nhs.phb.schemas.LakeTables;

/**
 * {@code gold/indicative_budgets}: for every eligible or prioritised person, one row per funding-stream line
 * of their indicative budget (see {@link IndicativeBudget} for the methods and words, {@link NeedsModels}
 * for the needs-based estimate). This class gathers the facts with Spark, decides who is "similar" for the
 * ranges, and hands each person to {@link IndicativeBudget}.
 *
 * <p>Ranges: the 25th to 75th percentile of the annual need of similar people. Similar people share the
 * stream and need band (the tenth of the stream's population their needs estimate falls in; for wheelchairs,
 * the chair type) and, when at least {@code minCell} such people have budgets in the same cohort, the
 * cohort; otherwise the band across the whole area, if it has {@code minCell} people; otherwise the stream's
 * whole population. For package streams (and chairs) the percentiles are those of the people's annual
 * package costs, the nearest observed value (exact, {@link ExactQuantiles}, so a range does not depend on how
 * the rows were partitioned); for community and mental health services, used visit by visit, they are those of need
 * with the year's chance in visits removed ({@link NeedRange}).
 */
public final class IndicativeBudgets {
    public static final DataType MONEY = DataTypes.createDecimalType(12, 2);
    public static final String METHOD_VERSION = "budgets-1";

    /** The columns of gold/indicative_budgets, in order (the catalogue's). */
    public static final StructType SCHEMA = LakeTables.INDICATIVE_BUDGETS.schema();

    /** How budgets are made: the reference data, the smallest cell a range may come from, the date and run. */
    public record Settings(BudgetRules rules, int minCell, LocalDate referenceDate, String runId) {
        public Settings {
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(referenceDate, "referenceDate");
            if (minCell < 1) {
                throw new IllegalArgumentException("the smallest range cell must hold at least 1 person, got " + minCell);
            }
        }

        public int fyStart() {
            return referenceDate.getMonthValue() >= 4 ? referenceDate.getYear() : referenceDate.getYear() - 1;
        }
    }

    /**
     * The outcome: the budget lines, the fitted needs models, and per (person, stream, cohort) the observed
     * annual cost {@code y} and the band (for evaluation and the baseline).
     */
    public record Result(Dataset<Row> lines, NeedsModels models, Dataset<Row> streamCosts) {
    }

    /** Streams with their annual-cost column, estimate column and reference population. */
    record StreamCols(Stream stream, String y, String estimate, Column population, String squares) {
        boolean visits() {
            return squares != null;
        }
    }

    /**
     * People with a mental health need on record: severe mental illness, depression, dementia, a learning
     * disability or autism, or mental health service use in the last 12 months.
     */
    static final Column MENTAL_HEALTH_POPULATION = col("ltc_smi").plus(col("ltc_dep")).plus(col("ltc_dem")).plus(col("ltc_ld"))
            .plus(col("ltc_aut")).gt(0).or(col("mh_cost").gt(0));

    static List<StreamCols> streamCols() {
        return List.of(
                new StreamCols(Stream.NHS_CONTINUING_CARE, "cc_cost", "est_cc", col("cc_current"), null),
                new StreamCols(Stream.NHS_COMMUNITY, "community_cost", "est_community", lit(true), "community_s2"),
                new StreamCols(Stream.NHS_MENTAL_HEALTH, "mh_cost", "est_mh", MENTAL_HEALTH_POPULATION, "mh_s2"),
                new StreamCols(Stream.NHS_WHEELCHAIR, "chair_annual", "est_chair", col("chair_current"), null),
                new StreamCols(Stream.ADULT_SOCIAL_CARE, "asc_cost", "est_asc", col("asc_current"), null),
                new StreamCols(Stream.EDUCATION, "edu_cost", "est_edu", col("edu_current"), null));
    }

    private IndicativeBudgets() {
    }

    /** The cohort of people on the priority list who are in no eligibility cohort. */
    public static final String PRIORITY_ONLY_COHORT = "OTHER";

    /**
     * Who gets a budget, with their cohorts: everyone with a row in gold/phb_eligibility at the date, and
     * everyone on the priority list (gold/phb_priority) at the date; a person on the list in no cohort is in
     * the local group {@value #PRIORITY_ONLY_COHORT}. Columns {@code person_id, cohorts}.
     *
     * @param priority gold/phb_priority, or null when there is none
     */
    public static Dataset<Row> budgetPeople(Dataset<Row> eligibility, Dataset<Row> priority, LocalDate date) {
        Column day = lit(date.toString()).cast(DataTypes.DateType);
        Dataset<Row> e = eligibility.filter(col("reference_date").equalTo(day)).groupBy("person_id")
                .agg(array_sort(collect_set("cohort")).alias("cohorts"));
        if (priority != null) {
            Dataset<Row> p = priority.filter(col("reference_date").equalTo(day))
                    .select(col("person_id"), when(coalesce(size(col("cohorts")), lit(0)).gt(0), col("cohorts"))
                            .otherwise(org.apache.spark.sql.functions.array(lit(PRIORITY_ONLY_COHORT))).alias("cohorts"));
            e = e.unionByName(p).groupBy("person_id").agg(array_sort(array_distinct(flatten(collect_list("cohorts")))).alias("cohorts"));
        }
        return e;
    }

    /**
     * The budget lines of {@code people} at the settings' date.
     *
     * @param features gold/person_features rows at the reference date (the whole population: the models learn from it)
     * @param facts    {@link BudgetFacts#compute} at the same date
     * @param people   {@link #budgetPeople}
     */
    public static Result compute(Dataset<Row> features, Dataset<Row> facts, Dataset<Row> people, Settings s) {
        BudgetRules rules = s.rules();
        Dataset<Row> joined = features.join(facts, new String[] {"person_id"}, "left");
        Column chairLife = lit(null).cast("double");
        Column chairEstimate = lit(null).cast("double");
        for (Map.Entry<String, BudgetRules.Chair> c : rules.chairs().entrySet()) {
            chairLife = when(col("chair_type").equalTo(c.getKey()), lit((double) c.getValue().lifeYears())).otherwise(chairLife);
            chairEstimate = when(col("chair_type").equalTo(c.getKey()),
                    lit(c.getValue().cost().doubleValue() / c.getValue().lifeYears())).otherwise(chairEstimate);
        }
        Dataset<Row> population = Materialised.of(NeedsModels.needColumns(joined)
                .withColumn("cc_cost", when(col("cc_current"), col("cc_cost")))
                .withColumn("asc_cost", when(col("asc_current"), col("asc_cost")))
                .withColumn("edu_cost", when(col("edu_current"), col("edu_cost")))
                .withColumn("community_cost", coalesce(col("community_spend"), lit(0)).cast("double"))
                .withColumn("mh_cost", coalesce(col("mh_spend"), lit(0)).cast("double"))
                .withColumn("community_s2", coalesce(col("community_s2"), lit(0.0)))
                .withColumn("mh_s2", coalesce(col("mh_s2"), lit(0.0)))
                .withColumn("chair_annual", col("chair_cost").cast("double").divide(chairLife))
                .withColumn("cc_current", coalesce(col("cc_current"), lit(false)))
                .withColumn("asc_current", coalesce(col("asc_current"), lit(false)))
                .withColumn("edu_current", coalesce(col("edu_current"), lit(false)))
                .withColumn("chair_current", coalesce(col("chair_current"), lit(false))));
        NeedsModels models = NeedsModels.fit(population);
        Dataset<Row> scored = population;
        for (StreamCols sc : streamCols()) {
            Column est;
            if (sc.stream() == Stream.NHS_WHEELCHAIR) {
                est = chairEstimate;
            } else {
                NeedsModels.StreamModel m = models.model(sc.stream());
                est = m == null ? lit(null).cast("double") : m.estimate();
            }
            scored = scored.withColumn(sc.estimate(), est);
        }
        // need bands: tenths of each stream's estimates over its population; wheelchairs by chair type
        Map<Stream, Column> band = new EnumMap<>(Stream.class);
        Dataset<Row> estimates = null;
        for (StreamCols sc : streamCols()) {
            if (sc.stream() != Stream.NHS_WHEELCHAIR) {
                Dataset<Row> e = scored.filter(sc.population().and(col(sc.estimate()).isNotNull()))
                        .select(lit(sc.stream().code()).alias("stream"), col(sc.estimate()).alias("estimate"));
                estimates = estimates == null ? e : estimates.unionByName(e);
            }
        }
        Map<String, List<Double>> cutsByStream = new LinkedHashMap<>();
        for (Row r : estimates.groupBy("stream").agg(ExactQuantiles.discrete("estimate", BAND_CUTS)).collectAsList()) {
            cutsByStream.put(r.getString(0), r.getList(1));
        }
        for (StreamCols sc : streamCols()) {
            if (sc.stream() == Stream.NHS_WHEELCHAIR) {
                band.put(sc.stream(), coalesce(col("chair_type"), lit("unknown")));
                continue;
            }
            Column b = lit(1);
            for (double cut : cutsByStream.getOrDefault(sc.stream().code(), List.of())) {
                b = b.plus(when(col(sc.estimate()).gt(cut), 1).otherwise(0));
            }
            band.put(sc.stream(), when(col(sc.estimate()).isNull(), lit("0")).otherwise(b.cast("string")));
        }
        List<Dataset<Row>> refRows = new ArrayList<>();
        for (StreamCols sc : streamCols()) {
            refRows.add(scored.filter(sc.population()).select(col("person_id"), lit(sc.stream().code()).alias("stream"),
                    lit(null).cast("string").alias("cohort"), col(sc.y()).alias("y"),
                    (sc.visits() ? col(sc.squares()) : lit(0.0)).alias("s2"), col(sc.estimate()).alias("estimate"),
                    band.get(sc.stream()).alias("band")));
        }
        Dataset<Row> reference = refRows.stream().reduce(Dataset::unionByName).orElseThrow();

        // each budget person's streams, the cohort each belongs to, its cost and band
        Dataset<Row> withPeople = people.join(scored, "person_id");
        Map<Stream, List<String>> byStream = rules.cohortsByStream();
        List<Dataset<Row>> mine = new ArrayList<>();
        for (StreamCols sc : streamCols()) {
            List<String> order = byStream.getOrDefault(sc.stream(), List.of());
            if (order.isEmpty()) {
                continue;
            }
            Column owner = lit(null).cast("string");
            for (int i = order.size() - 1; i >= 0; i--) {
                owner = when(array_contains(col("cohorts"), order.get(i)), lit(order.get(i))).otherwise(owner);
            }
            Column has = switch (sc.stream()) {
                case NHS_CONTINUING_CARE -> col("cc_current");
                case ADULT_SOCIAL_CARE -> col("asc_current");
                case EDUCATION -> col("edu_current");
                case NHS_WHEELCHAIR -> col("chair_current");
                case NHS_MENTAL_HEALTH -> MENTAL_HEALTH_POPULATION.or(owner.isin(IndicativeBudget.MENTAL_HEALTH_COHORTS.toArray()));
                default -> lit(true);
            };
            mine.add(withPeople.filter(owner.isNotNull().and(has)).select(col("person_id"), lit(sc.stream().code()).alias("stream"),
                    owner.alias("cohort"), col(sc.y()).alias("y"), (sc.visits() ? col(sc.squares()) : lit(0.0)).alias("s2"),
                    col(sc.estimate()).alias("estimate"), band.get(sc.stream()).alias("band")));
        }
        Dataset<Row> streamCosts = Materialised.of(mine.stream().reduce(Dataset::unionByName).orElseThrow());
        List<Row> cellRanges = cellRanges(reference, streamCosts, rules);
        org.apache.spark.sql.SparkSession spark = people.sparkSession();
        int min = s.minCell();
        Column level1 = coalesce(col("n1"), lit(0L)).geq(min);
        Column level2 = coalesce(col("n2"), lit(0L)).geq(min);
        Dataset<Row> c1 = level(spark, cellRanges, 1).select(col("stream"), col("cohort"), col("band"), col("n").alias("n1"),
                col("low").alias("low1"), col("high").alias("high1"), col("basis").alias("basis1"));
        Dataset<Row> c2 = level(spark, cellRanges, 2).select(col("stream"), col("band"), col("n").alias("n2"),
                col("low").alias("low2"), col("high").alias("high2"), col("basis").alias("basis2"));
        Dataset<Row> c3 = level(spark, cellRanges, 3).select(col("stream"), col("n").alias("n3"),
                col("low").alias("low3"), col("high").alias("high3"), col("basis").alias("basis3"));
        Dataset<Row> ranges = streamCosts
                .join(org.apache.spark.sql.functions.broadcast(c1), new String[] {"stream", "cohort", "band"}, "left")
                .join(org.apache.spark.sql.functions.broadcast(c2), new String[] {"stream", "band"}, "left")
                .join(org.apache.spark.sql.functions.broadcast(c3), new String[] {"stream"}, "left")
                .select(col("person_id"), struct(col("stream"), struct(
                        when(level1, col("low1")).when(level2, col("low2")).otherwise(col("low3")).alias("low"),
                        when(level1, col("high1")).when(level2, col("high2")).otherwise(col("high3")).alias("high"),
                        when(level1, col("basis1")).when(level2, col("basis2")).otherwise(col("basis3")).alias("basis")).alias("range"))
                        .alias("entry"))
                .groupBy("person_id").agg(map_from_entries(array_sort(collect_list(col("entry")))).alias("ranges"));

        Dataset<Row> input = withPeople.join(ranges, new String[] {"person_id"}, "left")
                .withColumn("mh_acute", greatest(lit(0), coalesce(col("spend_mental_health"), lit(0))
                        .minus(coalesce(col("mh_spend"), lit(0)))).cast(BudgetFacts.MONEY))
                .select(col("person_id"), col("cohorts"),
                        col("cc_current"), col("cc_items"), col("spend_continuing_care").alias("cc_hist"),
                        col("asc_current"), col("asc_items"), col("spend_adult_social_care").alias("asc_hist"),
                        col("edu_current"), col("edu_items"), col("spend_education").alias("edu_hist"),
                        col("chair_current"), col("chair_type"),
                        col("community_spend"), col("community_by_service"), col("mh_spend"), col("mh_by_service"),
                        MENTAL_HEALTH_POPULATION.alias("mh_relevant"),
                        col("est_cc"), col("est_asc"), col("est_edu"), col("est_community"), col("est_mh"), col("est_chair"),
                        col("ranges"), col("spend_acute"), col("spend_primary_care"), col("spend_prescribing"), col("mh_acute"));
        LineMaker maker = new LineMaker(rules, s.fyStart(), Date.valueOf(s.referenceDate()), models.modelId(), s.runId());
        Dataset<Row> lines = input.flatMap(maker, Encoders.row(SCHEMA));
        return new Result(lines, models, streamCosts);
    }

    /** Band cut points: tenths. */
    static final double[] BAND_CUTS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    static final StructType CELL = new StructType().add("level", DataTypes.IntegerType).add("stream", DataTypes.StringType)
            .add("cohort", DataTypes.StringType).add("band", DataTypes.StringType).add("n", DataTypes.LongType)
            .add("low", DataTypes.DoubleType).add("high", DataTypes.DoubleType).add("basis", DataTypes.StringType);

    /** The mean of exact decimals as a double (null when there are none). */
    private static Column mean(Column exact) {
        return sum(exact).divide(count(exact)).cast("double");
    }

    /** The sample variance of exact decimals as a double (null below two values). */
    private static Column variance(Column exact) {
        Column n = count(exact);
        return when(n.gt(1), sum(exact.multiply(exact)).minus(sum(exact).multiply(sum(exact)).divide(n)).divide(n.minus(1)))
                .cast("double");
    }

    /**
     * The range of every cell of similar people, at three levels: 1 stream x cohort x band (budget people),
     * 2 stream x band (the stream's whole population), 3 stream. Cells are few (streams x cohorts x bands), so
     * their statistics come to the driver and the ranges are worked out there ({@link NeedRange} for
     * services used visit by visit, the empirical quartiles of package costs otherwise).
     */
    static List<Row> cellRanges(Dataset<Row> reference, Dataset<Row> streamCosts, BudgetRules rules) {
        List<Row> out = new ArrayList<>();
        Map<String, Boolean> visits = new LinkedHashMap<>();
        for (StreamCols sc : streamCols()) {
            visits.put(sc.stream().code(), sc.visits());
        }
        // means and variances from exact decimal sums, so a cell's range does not depend on the order rows arrive in
        Column y = col("y").cast("decimal(18,2)");
        Column est = col("estimate").cast("decimal(18,4)");
        Column[] stats = {count(col("y")).alias("n"), mean(y).alias("mean_y"), variance(y).alias("var_y"),
            mean(when(col("y").isNotNull(), col("s2").cast("decimal(30,4)"))).alias("mean_s2"), variance(est).alias("var_est"),
            ExactQuantiles.discrete("y", 0.25, 0.75).alias("q")};
        List<Row> rows = new ArrayList<>(streamCosts.groupBy("stream", "cohort", "band").agg(stats[0], java.util.Arrays.copyOfRange(stats, 1,
                stats.length)).collectAsList());
        rows.addAll(reference.groupBy("stream", "band").agg(stats[0], java.util.Arrays.copyOfRange(stats, 1, stats.length))
                .withColumn("cohort", lit(null).cast("string")).collectAsList());
        rows.addAll(reference.groupBy("stream").agg(stats[0], java.util.Arrays.copyOfRange(stats, 1, stats.length))
                .withColumn("cohort", lit(null).cast("string")).withColumn("band", lit(null).cast("string")).collectAsList());
        for (Row r : rows) {
            String stream = r.getAs("stream");
            String cohort = r.getAs("cohort");
            String band = r.getAs("band");
            int level = cohort != null ? 1 : band != null ? 2 : 3;
            long n = r.getAs("n");
            if (n == 0) {
                continue;
            }
            double low;
            double high;
            if (visits.get(stream)) {
                NeedRange.Range nr = NeedRange.ofVisits(r.<Double>getAs("mean_y"), orZero(r, "var_y"), orZero(r, "mean_s2"), orZero(r, "var_est"));
                low = nr.low();
                high = nr.high();
            } else {
                List<Double> q = r.getList(r.fieldIndex("q"));
                low = q.get(0);
                high = q.get(1);
            }
            out.add(RowFactory.create(level, stream, cohort, band, n, low, high, basis(level, stream, cohort, n, rules)));
        }
        return out;
    }

    /** The cells of one level as their own small Dataset (three separate ones, so joining all three is no self-join). */
    private static Dataset<Row> level(org.apache.spark.sql.SparkSession spark, List<Row> cells, int level) {
        return spark.createDataFrame(cells.stream().filter(r -> r.getInt(0) == level).toList(), CELL);
    }

    private static double orZero(Row r, String name) {
        int i = r.fieldIndex(name);
        return r.isNullAt(i) ? 0 : r.getDouble(i);
    }

    /** Who the similar people are, in words. */
    static String basis(int level, String stream, String cohort, long n, BudgetRules rules) {
        boolean wheel = stream.equals(Stream.NHS_WHEELCHAIR.code());
        String similar = wheel ? "with the same type of chair" : "with a similar level of need";
        String people = String.format(java.util.Locale.ROOT, "%,d people", n);
        return switch (level) {
            case 1 -> "people in the " + (rules.cohort(cohort) == null ? cohort : rules.cohort(cohort).name()) + " group " + similar + ", "
                    + people;
            case 2 -> "people in the area " + similar + ", " + people;
            default -> "everyone in the area with this kind of support, " + people;
        };
    }

    /** Turns one person's row into their budget lines (runs on the executors). */
    static final class LineMaker implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final BudgetRules rules;
        private final int fyStart;
        private final Date referenceDate;
        private final String modelId;
        private final String runId;

        LineMaker(BudgetRules rules, int fyStart, Date referenceDate, String modelId, String runId) {
            this.rules = rules;
            this.fyStart = fyStart;
            this.referenceDate = referenceDate;
            this.modelId = modelId;
            this.runId = runId;
        }

        @Override
        public Iterator<Row> call(Row r) {
            IndicativeBudget.Person person = person(r, fyStart);
            IndicativeBudget.Budget b = IndicativeBudget.of(person, rules);
            List<Row> out = new ArrayList<>(b.lines().size());
            String personId = r.getAs("person_id");
            for (IndicativeBudget.Line l : b.lines()) {
                out.add(RowFactory.create(personId, referenceDate, l.stream().code(), l.stream().funder().name(), l.cohort(),
                        r.getSeq(r.fieldIndex("cohorts")), l.method().code(), l.annual(), l.weekly(), l.rangeLow(), l.rangeHigh(),
                        l.rangeBasis(), l.needsEstimate(), l.pooled(), scala(l.basis()), scala(l.services()), l.text(),
                        b.explanation(), modelId, rules.version(), METHOD_VERSION, runId));
            }
            return out.iterator();
        }

        private static <V> scala.collection.immutable.Map<String, V> scala(Map<String, V> m) {
            // a ListMap keeps the line's order (an immutable Map of more than four entries would not)
            return scala.collection.immutable.ListMap.from(scala.jdk.javaapi.CollectionConverters.asScala(m));
        }
    }

    /** The facts of one input row. */
    static IndicativeBudget.Person person(Row r, int fyStart) {
        Map<String, Row> ranges = r.isNullAt(r.fieldIndex("ranges")) ? Map.of() : r.<String, Row>getJavaMap(r.fieldIndex("ranges"));
        Map<Stream, IndicativeBudget.StreamFacts> facts = new EnumMap<>(Stream.class);
        facts.put(Stream.NHS_CONTINUING_CARE, packageFacts(r, "cc", "est_cc", ranges.get(Stream.NHS_CONTINUING_CARE.code())));
        facts.put(Stream.ADULT_SOCIAL_CARE, packageFacts(r, "asc", "est_asc", ranges.get(Stream.ADULT_SOCIAL_CARE.code())));
        facts.put(Stream.EDUCATION, packageFacts(r, "edu", "est_edu", ranges.get(Stream.EDUCATION.code())));
        facts.put(Stream.NHS_COMMUNITY, spendFacts(r, "community", "est_community", ranges.get(Stream.NHS_COMMUNITY.code())));
        facts.put(Stream.NHS_MENTAL_HEALTH, spendFacts(r, "mh", "est_mh", ranges.get(Stream.NHS_MENTAL_HEALTH.code())));
        if (!bool(r, "mh_relevant")) {
            IndicativeBudget.StreamFacts m = facts.get(Stream.NHS_MENTAL_HEALTH);
            facts.put(Stream.NHS_MENTAL_HEALTH, new IndicativeBudget.StreamFacts(false, m.items(), m.historic12m(), m.historicByService(),
                    m.needsEstimate(), m.rangeLow(), m.rangeHigh(), m.rangeBasis(), null));
        }
        Row wr = ranges.get(Stream.NHS_WHEELCHAIR.code());
        facts.put(Stream.NHS_WHEELCHAIR, new IndicativeBudget.StreamFacts(bool(r, "chair_current"), null, null, null, null, low(wr), high(wr),
                basis(wr), r.getAs("chair_type")));
        IndicativeBudget.Excluded excluded = new IndicativeBudget.Excluded(r.getAs("spend_acute"), r.getAs("spend_primary_care"),
                r.getAs("spend_prescribing"), r.getAs("mh_acute"));
        List<String> cohorts = r.getList(r.fieldIndex("cohorts"));
        return new IndicativeBudget.Person(cohorts, facts, excluded, fyStart);
    }

    private static IndicativeBudget.StreamFacts packageFacts(Row r, String prefix, String estimate, Row range) {
        List<IndicativeBudget.PackageItem> items = new ArrayList<>();
        int i = r.fieldIndex(prefix + "_items");
        if (!r.isNullAt(i)) {
            for (Row it : r.<Row>getList(i)) {
                if (it == null || it.isNullAt(0) || it.isNullAt(1) || it.isNullAt(2)) {
                    continue;
                }
                items.add(new IndicativeBudget.PackageItem(it.getString(0), IndicativeBudget.Frequency.valueOf(it.getString(1)),
                        it.getDecimal(2), it.isNullAt(3) ? null : it.getDecimal(3)));
            }
        }
        BigDecimal hist = r.getAs(prefix + "_hist");
        return new IndicativeBudget.StreamFacts(bool(r, prefix + "_current"), items, hist, null, pounds(r, estimate), low(range),
                high(range), basis(range), null);
    }

    private static IndicativeBudget.StreamFacts spendFacts(Row r, String prefix, String estimate, Row range) {
        int m = r.fieldIndex(prefix + "_by_service");
        Map<String, BigDecimal> byService = r.isNullAt(m) ? Map.of() : r.<String, BigDecimal>getJavaMap(m);
        return new IndicativeBudget.StreamFacts(true, null, r.getAs(prefix + "_spend"), byService, pounds(r, estimate), low(range),
                high(range), basis(range), null);
    }

    private static boolean bool(Row r, String name) {
        int i = r.fieldIndex(name);
        return !r.isNullAt(i) && r.getBoolean(i);
    }

    private static BigDecimal pounds(Row r, String name) {
        int i = r.fieldIndex(name);
        return r.isNullAt(i) ? null : Money.pounds(r.getDouble(i));
    }

    private static BigDecimal low(Row range) {
        return range == null || range.isNullAt(0) ? null : Money.pounds(range.getDouble(0));
    }

    private static BigDecimal high(Row range) {
        return range == null || range.isNullAt(1) ? null : Money.pounds(range.getDouble(1));
    }

    private static String basis(Row range) {
        return range == null || range.isNullAt(2) ? null : range.getString(2);
    }
}
