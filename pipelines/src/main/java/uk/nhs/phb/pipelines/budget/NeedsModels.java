package uk.nhs.phb.pipelines.budget;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import uk.nhs.phb.models.budget.Design;
import uk.nhs.phb.models.budget.Glm;
import uk.nhs.phb.models.budget.Stream;

/**
 * The needs-based cost models, one per modelled stream, fitted on the whole registered population at the
 * reference date ("people with similar needs"). Needs are described only by age band, frailty (eFI deficit
 * count), long-term conditions and the care the person already has; never by sex, ethnicity or deprivation,
 * which must not change what a person's needs are worth.
 *
 * <ul>
 *   <li>package streams (continuing care, adult social care, education): a gamma GLM with log link on the
 *       annual cost of the current package, among people who have one;
 *   <li>community and mental health services: a two-part model over everyone, P(any use in 12 months) by a
 *       logistic GLM times the mean cost of users by a gamma GLM with log link, so the estimate is the
 *       expected annual cost, zeros included.
 * </ul>
 *
 * Spark reduces the population to its distinct need patterns (counts, sums and sums of squares), which are
 * the sufficient statistics of both GLMs; the fit runs in memory on the patterns ({@link Glm}); the estimate
 * is then a column expression, so scoring needs no user code.
 */
public final class NeedsModels {
    /** Conditions that describe need (flags of gold/person_features). */
    static final List<String> CONDITIONS = List.of("ltc_dem", "ltc_ld", "ltc_aut", "ltc_smi", "ltc_dep", "ltc_park", "ltc_stroke",
            "ltc_pal", "ltc_copd", "ltc_hf", "ltc_can", "ltc_epil");
    static final List<String> NUMERIC;

    static {
        List<String> n = new ArrayList<>();
        n.add("efi_deficits");
        n.addAll(CONDITIONS);
        n.addAll(List.of("asc_support", "continuing_care", "ehcp_plan"));
        NUMERIC = List.copyOf(n);
    }

    /** Fewest people a level or flag needs to get a term of its own. */
    public static final double MIN_LEVEL_PEOPLE = 20;
    /** Fewest people with a cost a stream needs for a model; with fewer the stream has no needs estimate. */
    public static final long MIN_PEOPLE = 5;
    /** The logistic part's ridge penalty (see {@link Glm.Settings}): finite coefficients when a condition separates users. */
    public static final double OCCURRENCE_RIDGE = 1.0;

    /** A stream's model: variables, and the fitted parts (occurrence null for package streams). */
    public record StreamModel(Stream stream, Design.Variables variables, List<Design.Term> occurrenceTerms, Glm.Fit occurrence,
                              List<Design.Term> costTerms, Glm.Fit cost, String note) {
        /** The annual needs estimate (double pounds) of a row holding the need columns. */
        public Column estimate() {
            Column mean = exp(linear(costTerms, cost));
            if (occurrence == null) {
                return mean;
            }
            return mean.divide(lit(1).plus(exp(linear(occurrenceTerms, occurrence).multiply(-1))));
        }
    }

    private final Map<Stream, StreamModel> models;
    private final String modelId;

    private NeedsModels(Map<Stream, StreamModel> models) {
        this.models = models;
        StringBuilder b = new StringBuilder();
        for (StreamModel m : models.values()) {
            b.append(m.stream()).append('|').append(m.occurrenceTerms()).append('|')
                    .append(m.occurrence() == null ? "" : java.util.Arrays.toString(m.occurrence().coefficients())).append('|')
                    .append(m.costTerms()).append('|').append(java.util.Arrays.toString(m.cost().coefficients())).append('\n');
        }
        this.modelId = "needs-" + hash(b.toString());
    }

    /** The model of a stream, or null when it had too few people. */
    public StreamModel model(Stream s) {
        return models.get(s);
    }

    public Map<Stream, StreamModel> models() {
        return Map.copyOf(models);
    }

    /** A hash of every fitted coefficient: the id each budget line records. */
    public String modelId() {
        return modelId;
    }

    /**
     * The need columns of gold/person_features rows joined with {@link BudgetFacts}: {@code age_band,
     * efi_deficits, ltc_*}, {@code asc_support, continuing_care, ehcp_plan} (0/1) and the stream-specific
     * levels {@code cc_pathway, cc_setting, asc_service, sen_need, edu_placement} (the setting, service and placement
     * of the current package: among people who have a package, the care they receive describes their level of need).
     */
    public static Dataset<Row> needColumns(Dataset<Row> featuresWithFacts) {
        Dataset<Row> d = featuresWithFacts
                .withColumn("age_band", coalesce(col("age_band"), lit("unknown")))
                .withColumn("efi_deficits", round(coalesce(col("efi_score"), lit(0)).multiply(36)).cast("double"));
        for (String c : CONDITIONS) {
            d = d.withColumn(c, when(coalesce(col(c), lit(false)), 1.0).otherwise(0.0));
        }
        return d.withColumn("asc_support", when(col("asc_long_term_support").isNotNull(), 1.0).otherwise(0.0))
                .withColumn("continuing_care", when(coalesce(col("chc"), lit(false)).or(coalesce(col("fast_track"), lit(false)))
                        .or(coalesce(col("childrens_continuing_care"), lit(false))), 1.0).otherwise(0.0))
                .withColumn("ehcp_plan", when(coalesce(col("ehcp"), lit(false)), 1.0).otherwise(0.0))
                .withColumn("cc_pathway", when(coalesce(col("childrens_continuing_care"), lit(false)), lit("CHILDREN"))
                        .when(coalesce(col("fast_track"), lit(false)), lit("FAST_TRACK")).otherwise(lit("STANDARD")))
                .withColumn("cc_setting", coalesce(firstService("cc_items"), lit("UNKNOWN")))
                .withColumn("asc_service", coalesce(firstService("asc_items"), col("asc_long_term_support"), lit("NONE")))
                .withColumn("sen_need", coalesce(col("ehcp_primary_need"), lit("NONE")))
                .withColumn("edu_placement", coalesce(firstService("edu_items"), lit("NONE")));
    }

    private static Column firstService(String items) {
        return org.apache.spark.sql.functions.element_at(col(items), 1).getField("service");
    }

    /** Each modelled stream: its extra categorical variable, its annual cost column, who it is fitted on, and whether two-part. */
    record Spec(Stream stream, List<String> extraCategorical, String cost, Column population, boolean twoPart) {
    }

    static List<Spec> specs() {
        return List.of(
                new Spec(Stream.NHS_CONTINUING_CARE, List.of("cc_pathway", "cc_setting"), "cc_cost", col("cc_current").and(col("cc_cost").gt(0)), false),
                new Spec(Stream.ADULT_SOCIAL_CARE, List.of("asc_service"), "asc_cost", col("asc_current").and(col("asc_cost").gt(0)), false),
                new Spec(Stream.EDUCATION, List.of("sen_need", "edu_placement"), "edu_cost", col("edu_current").and(col("edu_cost").gt(0)), false),
                new Spec(Stream.NHS_COMMUNITY, List.of(), "community_cost", lit(true), true),
                new Spec(Stream.NHS_MENTAL_HEALTH, List.of(), "mh_cost", lit(true), true));
    }

    /**
     * Fits every stream's model on {@code population} (rows of {@link #needColumns} with the cost columns
     * {@code cc_cost, asc_cost, edu_cost, community_cost, mh_cost} as doubles).
     */
    public static NeedsModels fit(Dataset<Row> population) {
        // one pass: every stream's need patterns, keyed by stream, its (up to three) categorical variables padded with nulls
        List<Column> numeric = new ArrayList<>();
        NUMERIC.forEach(c -> numeric.add(col(c)));
        Dataset<Row> union = null;
        for (Spec spec : specs()) {
            List<String> cats = categorical(spec);
            List<Column> cols = new ArrayList<>();
            cols.add(lit(spec.stream().code()).alias("stream"));
            for (int i = 0; i < MAX_CATEGORICAL; i++) {
                cols.add((i < cats.size() ? col(cats.get(i)) : lit(null)).cast("string").alias("c" + i));
            }
            cols.addAll(numeric);
            cols.add(coalesce(col(spec.cost()), lit(0.0)).cast("double").alias("y"));
            Dataset<Row> d = population.filter(spec.population()).select(cols.toArray(Column[]::new));
            union = union == null ? d : union.unionByName(d);
        }
        List<Column> keys = new ArrayList<>();
        keys.add(col("stream"));
        for (int i = 0; i < MAX_CATEGORICAL; i++) {
            keys.add(col("c" + i));
        }
        keys.addAll(numeric);
        Column y = col("y");
        Column positive = y.gt(0);
        Map<String, List<Row>> byStream = new LinkedHashMap<>();
        // sums of money as decimals and patterns in a fixed order: the fit is the same to the last bit whatever the
        // partitioning (embedded or on a cluster)
        Column money = y.cast("decimal(18,2)");
        Column zero = lit(0).cast("decimal(18,2)");
        for (Row r : union.groupBy(keys.toArray(Column[]::new))
                .agg(count(lit(1)).alias("n"), sum(when(positive, 1).otherwise(0)).alias("n_pos"),
                        sum(when(positive, money).otherwise(zero)).cast("double").alias("sum_y"),
                        sum(when(positive, money.multiply(money)).otherwise(zero)).cast("double").alias("sum_y2"))
                .orderBy(keys.toArray(Column[]::new))
                .collectAsList()) {
            byStream.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
        }
        Map<Stream, StreamModel> out = new LinkedHashMap<>();
        for (Spec spec : specs()) {
            StreamModel m = fitOne(byStream.getOrDefault(spec.stream().code(), List.of()), spec);
            if (m != null) {
                out.put(spec.stream(), m);
            }
        }
        return new NeedsModels(out);
    }

    static final int MAX_CATEGORICAL = 3;

    static List<String> categorical(Spec spec) {
        List<String> categorical = new ArrayList<>(List.of("age_band"));
        categorical.addAll(spec.extraCategorical());
        return categorical;
    }

    /** Fits a stream's model from its pattern rows ({@code stream, c0..c2, numeric..., n, n_pos, sum_y, sum_y2}). */
    static StreamModel fitOne(List<Row> patterns, Spec spec) {
        List<String> categorical = categorical(spec);
        Design.Variables vars = new Design.Variables(categorical, NUMERIC);
        int nc = categorical.size();
        int nn = NUMERIC.size();
        int base = 1 + MAX_CATEGORICAL;
        List<Design.Pattern> all = new ArrayList<>();
        List<Design.Pattern> users = new ArrayList<>();
        List<double[]> userStats = new ArrayList<>();
        List<Double> shareUsing = new ArrayList<>();
        long people = 0;
        for (Row r : patterns) {
            String[] cat = new String[nc];
            for (int i = 0; i < nc; i++) {
                cat[i] = r.getString(1 + i);
            }
            double[] num = new double[nn];
            for (int i = 0; i < nn; i++) {
                num[i] = r.getDouble(base + i);
            }
            long n = r.getLong(base + nn);
            long nPos = r.getLong(base + nn + 1);
            double sumY = r.getDouble(base + nn + 2);
            double sumY2 = r.getDouble(base + nn + 3);
            all.add(new Design.Pattern(cat, num, n));
            shareUsing.add((double) nPos / n);
            if (nPos > 0) {
                users.add(new Design.Pattern(cat, num, nPos));
                userStats.add(new double[] {sumY / nPos, sumY2 / nPos});
                people += nPos;
            }
        }
        if (people < MIN_PEOPLE) {
            return null;
        }
        List<Design.Term> costTerms = Design.terms(vars, users, MIN_LEVEL_PEOPLE);
        double[] yMean = new double[users.size()];
        double[] w = new double[users.size()];
        double[] y2 = new double[users.size()];
        for (int i = 0; i < users.size(); i++) {
            yMean[i] = userStats.get(i)[0];
            y2[i] = userStats.get(i)[1];
            w[i] = users.get(i).weight();
        }
        List<String> notes = new ArrayList<>();
        FitResult cost = fitWithFallback(Glm.Family.GAMMA_LOG, vars, costTerms, users, yMean, w, y2, notes, Glm.Settings.defaults());
        List<Design.Term> occTerms = null;
        Glm.Fit occurrence = null;
        if (spec.twoPart()) {
            occTerms = Design.terms(vars, all, MIN_LEVEL_PEOPLE);
            double[] share = new double[all.size()];
            double[] n = new double[all.size()];
            for (int i = 0; i < all.size(); i++) {
                share[i] = shareUsing.get(i);
                n[i] = all.get(i).weight();
            }
            FitResult occ = fitWithFallback(Glm.Family.BERNOULLI_LOGIT, vars, occTerms, all, share, n, null, notes,
                    Glm.Settings.defaults().withRidge(OCCURRENCE_RIDGE));
            occTerms = occ.terms();
            occurrence = occ.fit();
        }
        return new StreamModel(spec.stream(), vars, occTerms, occurrence, cost.terms(), cost.fit(), String.join("; ", notes));
    }

    record FitResult(List<Design.Term> terms, Glm.Fit fit) {
    }

    /** Fits; if the design is singular, falls back to the stream's average (intercept only) and says so. */
    private static FitResult fitWithFallback(Glm.Family family, Design.Variables vars, List<Design.Term> terms, List<Design.Pattern> data,
                                             double[] y, double[] w, double[] y2, List<String> notes, Glm.Settings settings) {
        try {
            return new FitResult(terms, Glm.fit(family, Design.names(terms), rows(vars, terms, data), y, w, y2, settings));
        } catch (IllegalArgumentException e) {
            notes.add(family + " design singular, fitted the average only: " + e.getMessage());
            return new FitResult(List.of(), Glm.fit(family, List.of(), rows(vars, List.of(), data), y, w, y2, settings));
        }
    }

    private static double[][] rows(Design.Variables vars, List<Design.Term> terms, List<Design.Pattern> data) {
        double[][] x = new double[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            x[i] = Design.row(vars, terms, data.get(i));
        }
        return x;
    }

    /** The linear predictor as a column expression. */
    static Column linear(List<Design.Term> terms, Glm.Fit fit) {
        Column eta = lit(fit.coefficients()[0]);
        for (int t = 0; t < terms.size(); t++) {
            Design.Term term = terms.get(t);
            Column x = term.indicator() ? when(col(term.variable()).eqNullSafe(term.level()), 1.0).otherwise(0.0) : col(term.variable());
            eta = eta.plus(x.multiply(fit.coefficients()[t + 1]));
        }
        return eta;
    }

    /** The coefficients as rows {@code stream, part, term, coefficient, std_error, dispersion, observations, rows, iterations, converged}. */
    public Dataset<Row> coefficients(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        for (StreamModel m : models.values()) {
            add(rows, m.stream(), "occurrence", m.occurrenceTerms(), m.occurrence());
            add(rows, m.stream(), "cost", m.costTerms(), m.cost());
        }
        return spark.createDataFrame(rows, COEFFICIENTS);
    }

    public static final StructType COEFFICIENTS = new StructType().add("stream", DataTypes.StringType).add("part", DataTypes.StringType)
            .add("term", DataTypes.StringType).add("coefficient", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
            .add("dispersion", DataTypes.DoubleType).add("observations", DataTypes.DoubleType).add("patterns", DataTypes.IntegerType)
            .add("iterations", DataTypes.IntegerType).add("converged", DataTypes.BooleanType);

    private static void add(List<Row> rows, Stream s, String part, List<Design.Term> terms, Glm.Fit fit) {
        if (fit == null) {
            return;
        }
        for (int j = 0; j < fit.coefficients().length; j++) {
            rows.add(RowFactory.create(s.code(), part, j == 0 ? Glm.INTERCEPT : terms.get(j - 1).name(), fit.coefficients()[j],
                    fit.standardErrors()[j], fit.dispersion(), fit.observations(), fit.rows(), fit.iterations(), fit.converged()));
        }
    }

    /**
     * One stream's fit, for summaries: people with a cost, cost terms, dispersion, whether it has an occurrence part (and
     * then the people it was fitted on), whether both parts converged, and a note when the stream fell back.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamFit(long peopleWithCost, int costTerms, double dispersion, boolean twoPart, Long people, boolean converged,
                            String note) {
    }

    /** One line per stream for summaries, by stream code. */
    public Map<String, StreamFit> summary() {
        Map<String, StreamFit> out = new LinkedHashMap<>();
        for (StreamModel m : models.values()) {
            out.put(m.stream().code(), new StreamFit(Math.round(m.cost().observations()), m.costTerms().size(),
                    Math.round(m.cost().dispersion() * 1e4) / 1e4, m.occurrence() != null,
                    m.occurrence() == null ? null : Math.round(m.occurrence().observations()),
                    m.cost().converged() && (m.occurrence() == null || m.occurrence().converged()), m.note().isEmpty() ? null : m.note()));
        }
        return out;
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 12).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
