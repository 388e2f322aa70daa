package uk.nhs.phb.models.risk;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import uk.nhs.phb.schemas.Csv;

/**
 * Turns the factors behind a prediction into plain words, from the reference data
 * {@code schemas/reference/risk_factor_phrases.csv} ({@code feature, format, text, text_if_zero}): for example
 * {@code emergency_admissions_365d = 3} becomes "3 emergency admissions in the last year".
 */
public final class FactorPhrases implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String RESOURCE = "/uk/nhs/phb/schemas/reference/risk_factor_phrases.csv";

    record Phrase(String format, String text, String textIfZero) implements Serializable {
    }

    /** One factor: the feature (a person_features column), its value as shown, its SHAP contribution (log-odds), the words. */
    public record Factor(String feature, String value, double contribution, String text) implements Serializable {
    }

    private static final java.text.DecimalFormatSymbols UK = java.text.DecimalFormatSymbols.getInstance(java.util.Locale.UK);
    private final Map<String, Phrase> phrases;

    private FactorPhrases(Map<String, Phrase> phrases) {
        this.phrases = phrases;
    }

    /** The phrases shipped with phb. */
    public static FactorPhrases standard() {
        try (InputStream in = FactorPhrases.class.getResourceAsStream(RESOURCE)) {
            return parse(new String(Objects.requireNonNull(in, RESOURCE).readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FactorPhrases parse(String csv) {
        List<Csv.Record> lines = Csv.records("phrase file", csv);
        if (lines.isEmpty() || !lines.get(0).fields().equals(List.of("feature", "format", "text", "text_if_zero"))) {
            throw new IllegalArgumentException("phrase file must start with the header feature,format,text,text_if_zero");
        }
        Map<String, Phrase> m = new LinkedHashMap<>();
        for (Csv.Record l : lines.subList(1, lines.size())) {
            List<String> f = l.fields();
            if (f.size() != 4) {
                throw new IllegalArgumentException("phrase file line " + l.line() + ": expected 4 fields, got " + f.size());
            }
            m.put(f.get(0), new Phrase(f.get(1), f.get(2), f.get(3)));
        }
        return new FactorPhrases(m);
    }

    /** Whether a feature has words (every feature of {@link FeatureSpec#standard} must). */
    public boolean has(String feature) {
        return phrases.containsKey(feature);
    }

    /** The value as shown to people: counts whole, money in pounds, scores to two places. */
    public String formatValue(String feature, Object value) {
        if (value == null) {
            return null;
        }
        Phrase p = phrases.get(feature);
        String format = p == null ? "text" : p.format();
        return switch (format) {
            case "money" -> "£" + new DecimalFormat("#,##0", UK).format(toBig(value).setScale(0, RoundingMode.HALF_UP));
            case "score" -> new DecimalFormat("0.00", UK).format(toBig(value));
            case "count", "years" -> value instanceof Number n ? String.valueOf(Math.round(n.doubleValue())) : value.toString();
            default -> value.toString();
        };
    }

    private static BigDecimal toBig(Object v) {
        return v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
    }

    /** The words for a feature's value; a feature without a phrase is named as it is. */
    public String text(String feature, Object value) {
        Phrase p = value != null ? phrases.get(feature + "=" + value) : null;
        if (p == null) {
            p = phrases.get(feature);
        }
        if (p == null) {
            return feature.replace('_', ' ') + " " + value;
        }
        boolean zero = value == null || Boolean.FALSE.equals(value)
                || (value instanceof Number n && n.doubleValue() == 0);
        if (zero) {
            return p.textIfZero();
        }
        String shown = formatValue(feature, value);
        boolean one = value instanceof Number n && n.doubleValue() == 1;
        return p.text().replace("{value}", shown == null ? "" : shown).replace("{s}", one ? "" : "s");
    }

    /**
     * The {@code k} factors that raise this person's risk most: SHAP values summed per source column (a
     * category's indicator columns add up to their column), positive only, largest first.
     */
    public List<Factor> topFactors(FeatureSpec spec, double[] shap, Object[] sourceValues, int k) {
        Map<String, Double> bySource = new LinkedHashMap<>();
        List<FeatureSpec.Encoded> enc = spec.encoded();
        for (int i = 0; i < enc.size(); i++) {
            bySource.merge(enc.get(i).source(), shap[i], Double::sum);
        }
        List<String> cols = spec.sourceColumns();
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(bySource.entrySet());
        ranked.sort(Comparator.comparingDouble((Map.Entry<String, Double> e) -> -e.getValue()).thenComparing(Map.Entry::getKey));
        List<Factor> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : ranked) {
            if (out.size() >= k || e.getValue() <= 0) {
                break;
            }
            Object v = sourceValues[cols.indexOf(e.getKey())];
            out.add(new Factor(e.getKey(), v == null ? null : formatValue(e.getKey(), v), e.getValue(), text(e.getKey(), v)));
        }
        return out;
    }
}
