package uk.nhs.phb.models.budget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The design matrix of a cost model: categorical variables coded as indicators against a reference level,
 * numeric variables as they are. Chosen from the data it will be fitted on:
 *
 * <ul>
 *   <li>the reference level of a categorical variable is its most common level (by weight; ties: the first
 *       in sorted order), so the intercept describes the most typical person;
 *   <li>a level seen in fewer than {@code minLevelWeight} people gets no term of its own (it shares the
 *       reference level's), so a rare level cannot make the fit unstable; a null value is a level like any other;
 *   <li>a numeric variable that takes one value only, or a flag set for fewer than {@code minLevelWeight}
 *       people, is left out.
 * </ul>
 */
public final class Design {
    /** One column: an indicator ({@code level} non-null) or a numeric variable ({@code level} null). */
    public record Term(String variable, String level) {
        public Term {
            Objects.requireNonNull(variable, "variable");
        }

        public boolean indicator() {
            return level != null;
        }

        /** {@code variable=level} or {@code variable}. */
        public String name() {
            return level == null ? variable : variable + "=" + level;
        }
    }

    /** The variables of a model, in a fixed order: each pattern holds its values in this order. */
    public record Variables(List<String> categorical, List<String> numeric) {
        public Variables {
            categorical = List.copyOf(categorical);
            numeric = List.copyOf(numeric);
        }
    }

    /** One row of data (or a group of identical rows): categorical and numeric values and a weight. */
    public record Pattern(String[] categorical, double[] numeric, double weight) {
    }

    private Design() {
    }

    /** The terms of a model for {@code variables} on {@code data}. */
    public static List<Term> terms(Variables variables, List<Pattern> data, double minLevelWeight) {
        List<Term> out = new ArrayList<>();
        for (int c = 0; c < variables.categorical().size(); c++) {
            Map<String, Double> weightByLevel = new TreeMap<>((a, b) -> a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b));
            for (Pattern p : data) {
                weightByLevel.merge(p.categorical()[c], p.weight(), Double::sum);
            }
            String reference = null;
            double best = -1;
            for (Map.Entry<String, Double> e : weightByLevel.entrySet()) {
                if (e.getValue() > best) {
                    best = e.getValue();
                    reference = e.getKey();
                }
            }
            for (Map.Entry<String, Double> e : weightByLevel.entrySet()) {
                if (e.getKey() != null && !Objects.equals(e.getKey(), reference) && e.getValue() >= minLevelWeight) {
                    out.add(new Term(variables.categorical().get(c), e.getKey()));
                }
            }
        }
        for (int j = 0; j < variables.numeric().size(); j++) {
            Map<Double, Double> weightByValue = new HashMap<>();
            for (Pattern p : data) {
                weightByValue.merge(p.numeric()[j], p.weight(), Double::sum);
            }
            if (weightByValue.size() < 2) {
                continue;
            }
            double nonZero = weightByValue.entrySet().stream().filter(e -> e.getKey() != 0).mapToDouble(Map.Entry::getValue).sum();
            double zero = weightByValue.getOrDefault(0.0, 0.0);
            if (nonZero >= minLevelWeight && (weightByValue.size() > 2 || zero >= minLevelWeight)) {
                out.add(new Term(variables.numeric().get(j), null));
            }
        }
        return out;
    }

    /** The covariate row of a pattern under {@code terms}. */
    public static double[] row(Variables variables, List<Term> terms, Pattern p) {
        double[] x = new double[terms.size()];
        Map<String, Integer> catIndex = index(variables.categorical());
        Map<String, Integer> numIndex = index(variables.numeric());
        for (int t = 0; t < terms.size(); t++) {
            Term term = terms.get(t);
            if (term.indicator()) {
                x[t] = term.level().equals(p.categorical()[catIndex.get(term.variable())]) ? 1 : 0;
            } else {
                x[t] = p.numeric()[numIndex.get(term.variable())];
            }
        }
        return x;
    }

    /** Term names in order. */
    public static List<String> names(List<Term> terms) {
        return terms.stream().map(Term::name).toList();
    }

    private static Map<String, Integer> index(List<String> names) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }
}
