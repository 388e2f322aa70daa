package uk.nhs.phb.models.eligibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import uk.nhs.phb.schemas.Csv;
import uk.nhs.phb.schemas.ScoreTables;

/**
 * The PHB priority rule's settings ({@code schemas/reference/phb_priority.csv}, {@code key,value,description}):
 * <pre>
 * priority_score = eligibility weight of the strongest basis met (legal_right, expected, local; 0 if none)
 *                + weight_risk * risk_percentile / 100 + weight_cost * cost_percentile / 100
 *                + weight_complexity * sectors_involved / 3 + integrated_bonus if an integrated budget candidate
 * </pre>
 * The list holds everyone eligible, everyone at or above {@code list_min_risk_tier} and every integrated budget
 * candidate ({@code sectors_involved >= integrated_min_sectors}); rank 1 is the highest score.
 */
public record PriorityConfig(double weightLegalRight, double weightExpected, double weightLocal, double weightRisk, double weightCost,
                             double weightComplexity, double integratedBonus, int integratedMinSectors, String listMinRiskTier,
                             int topFactors) implements Serializable {
    public static final String RESOURCE = "/uk/nhs/phb/schemas/reference/phb_priority.csv";

    public PriorityConfig {
        if (!ScoreTables.TIERS.contains(listMinRiskTier)) {
            throw new IllegalArgumentException("list_min_risk_tier '" + listMinRiskTier + "' must be one of " + ScoreTables.TIERS);
        }
        if (topFactors < 0 || topFactors > 10) {
            throw new IllegalArgumentException("top_factors must be 0-10, got " + topFactors);
        }
    }

    public static PriorityConfig standard() {
        return from(Map.of(), "phb_priority.csv (built in)");
    }

    /** The built-in settings with a file's values replacing them (only the keys it gives). */
    public static PriorityConfig withFile(String text, String source) {
        List<Csv.Record> lines = Csv.records(source, text);
        if (lines.isEmpty() || lines.get(0).fields().size() < 2 || !lines.get(0).fields().get(0).equals("key")
                || !lines.get(0).fields().get(1).equals("value")) {
            throw new IllegalArgumentException(source + ": the first line must be the header key,value,description");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Csv.Record l : lines.subList(1, lines.size())) {
            if (l.fields().size() < 2) {
                throw new IllegalArgumentException(source + ", line " + l.line() + ": expected key,value");
            }
            m.put(l.fields().get(0), l.fields().get(1));
        }
        return from(m, source);
    }

    private static PriorityConfig from(Map<String, String> overrides, String source) {
        Map<String, String> v = new LinkedHashMap<>(builtIn());
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!v.containsKey(e.getKey())) {
                errors.add(source + ": unknown key '" + e.getKey() + "'; known keys: " + String.join(", ", v.keySet()));
            }
            v.put(e.getKey(), e.getValue());
        }
        double[] w = new double[7];
        String[] weights = {"weight_legal_right", "weight_expected", "weight_local", "weight_risk", "weight_cost", "weight_complexity",
            "integrated_bonus"};
        for (int i = 0; i < weights.length; i++) {
            try {
                w[i] = Double.parseDouble(v.get(weights[i]));
                if (w[i] < 0 || !Double.isFinite(w[i])) {
                    errors.add(source + ": " + weights[i] + " must be a number >= 0, got " + v.get(weights[i]));
                }
            } catch (NumberFormatException e) {
                errors.add(source + ": " + weights[i] + " must be a number, got '" + v.get(weights[i]) + "'");
            }
        }
        int minSectors = 3;
        int top = 3;
        try {
            minSectors = Integer.parseInt(v.get("integrated_min_sectors"));
            top = Integer.parseInt(v.get("top_factors"));
        } catch (NumberFormatException e) {
            errors.add(source + ": integrated_min_sectors and top_factors must be whole numbers");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        try {
            return new PriorityConfig(w[0], w[1], w[2], w[3], w[4], w[5], w[6], minSectors, v.get("list_min_risk_tier"), top);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    private static Map<String, String> builtIn() {
        try (InputStream in = PriorityConfig.class.getResourceAsStream(RESOURCE)) {
            String text = new String(Objects.requireNonNull(in, RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> m = new LinkedHashMap<>();
            List<Csv.Record> records = Csv.records(RESOURCE, text);
            for (Csv.Record l : records.subList(1, records.size())) {
                m.put(l.fields().get(0), l.fields().get(1));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The eligibility weight of a basis. */
    public double basisWeight(String basis) {
        return switch (basis) {
            case "legal_right" -> weightLegalRight;
            case "expected" -> weightExpected;
            case "local" -> weightLocal;
            default -> 0;
        };
    }

    /** The priority score of one person (see the class comment). */
    public double score(String strongestBasis, double riskPercentile, double costPercentile, int sectorsInvolved, boolean integrated) {
        return (strongestBasis == null ? 0 : basisWeight(strongestBasis)) + weightRisk * riskPercentile / 100
                + weightCost * costPercentile / 100 + weightComplexity * Math.min(3, sectorsInvolved) / 3.0
                + (integrated ? integratedBonus : 0);
    }
}
