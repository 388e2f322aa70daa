package uk.nhs.phb.models.risk;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@code gold/person_features} columns a risk model reads and how each becomes numbers: the model's
 * input contract. Engine-agnostic: a row is given as the values of {@link #sourceColumns()} in order.
 *
 * <p>The {@link #schemaHash} covers the encoding version, every source column with its type in the table, and
 * every encoded feature; {@code phb score} refuses a model whose hash differs from the one computed on the
 * table it is asked to score.
 */
public final class FeatureSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Bumped whenever an encoding below changes meaning, so old models are refused rather than misread. */
    public static final String ENCODING_VERSION = "risk-features-v1";

    /** How one source column becomes one number. */
    public enum Kind {
        /** The number itself (null as 0). */
        NUMBER,
        /** log(1 + pounds) of a money column, negative as 0 (spend is heavily skewed). */
        LOG1P,
        /** 1 for true, 0 for false or null. */
        FLAG,
        /** 1 when the string equals {@link Encoded#value}. */
        EQUALS,
        /** The number, with null as {@link Encoded#fill}. */
        NUMBER_OR_FILL,
        /** 1 when the column is null. */
        MISSING
    }

    /** One encoded feature: its name (what SHAP values and phrases refer to), the source column and the rule. */
    public record Encoded(String name, String source, Kind kind, String value, double fill) implements Serializable {
    }

    private final List<String> sourceColumns;
    private final Map<String, String> sourceTypes;
    private final List<Encoded> encoded;
    private final String schemaHash;

    private FeatureSpec(Map<String, String> sourceTypes, List<Encoded> encoded) {
        this.sourceTypes = new LinkedHashMap<>(sourceTypes);
        this.sourceColumns = List.copyOf(sourceTypes.keySet());
        this.encoded = List.copyOf(encoded);
        this.schemaHash = hash(this.sourceTypes, this.encoded);
    }

    /** Count columns over 90/180/365 days that the risk model reads. */
    static final List<String> ACTIVITY = List.of("emergency_admissions_", "elective_admissions_", "bed_days_", "ae_contacts_",
            "outpatient_contacts_", "gp_contacts_", "community_contacts_", "mental_health_contacts_");
    static final List<String> LTC = List.of("htn", "dm", "copd", "ast", "hf", "af", "ckd", "dem", "can", "smi", "dep", "ld", "aut",
            "chd", "stroke", "epil", "ra", "ost", "park", "pal");
    static final List<String> SPEND = List.of("spend_acute", "spend_community", "spend_mental_health", "spend_primary_care",
            "spend_prescribing", "spend_continuing_care", "spend_adult_social_care", "spend_childrens_social_care", "spend_education",
            "spend_total");
    static final List<String> STATES = List.of("asc_direct_payment", "child_in_need", "child_protection_plan", "looked_after", "ehcp",
            "chc", "fast_track", "childrens_continuing_care", "s117", "wheelchair", "has_phb");
    static final List<String> LONG_TERM_SUPPORT = List.of("LTS_COMMUNITY", "LTS_RESIDENTIAL", "LTS_NURSING", "LTS_PRISON");

    /**
     * The risk features of {@code phb train}, read from a table whose columns have the given types
     * ({@code name -> Spark simple type string}). Ethnicity is deliberately not an input: it is used to check
     * the model's fairness, not to predict. Fails naming every column the table lacks.
     */
    public static FeatureSpec standard(Map<String, String> tableTypes) {
        List<Encoded> e = new ArrayList<>();
        e.add(number("age"));
        e.add(new Encoded("sex_female", "sex", Kind.EQUALS, "2", 0));
        e.add(new Encoded("imd_decile", "imd_decile", Kind.NUMBER_OR_FILL, null, 5.5));
        e.add(new Encoded("imd_decile_missing", "imd_decile", Kind.MISSING, null, 0));
        for (String a : ACTIVITY) {
            for (int w : new int[] {90, 180, 365}) {
                e.add(number(a + w + "d"));
            }
        }
        for (String c : LTC) {
            e.add(flag("ltc_" + c));
        }
        e.add(number("ltc_count"));
        e.add(number("medicines"));
        e.add(flag("polypharmacy_5"));
        e.add(flag("polypharmacy_10"));
        e.add(number("efi_score"));
        for (String s : SPEND) {
            e.add(new Encoded(s, s, Kind.LOG1P, null, 0));
        }
        for (String v : LONG_TERM_SUPPORT) {
            e.add(new Encoded("asc_long_term_support=" + v, "asc_long_term_support", Kind.EQUALS, v, 0));
        }
        for (String s : STATES) {
            e.add(flag(s));
        }
        e.add(number("sectors_involved"));
        Map<String, String> types = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Encoded x : e) {
            String t = tableTypes.get(x.source());
            if (t == null) {
                if (!missing.contains(x.source())) {
                    missing.add(x.source());
                }
            } else {
                types.put(x.source(), t);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the features table lacks column(s) the risk model needs: " + String.join(", ", missing)
                    + "; re-run 'phb features' with this version of phb");
        }
        return new FeatureSpec(types, e);
    }

    /** A spec with explicit encodings (tests, and models read back from a registry). */
    public static FeatureSpec of(Map<String, String> sourceTypes, List<Encoded> encoded) {
        for (Encoded x : encoded) {
            if (!sourceTypes.containsKey(x.source())) {
                throw new IllegalArgumentException("encoded feature " + x.name() + " reads " + x.source() + ", which has no type");
            }
        }
        return new FeatureSpec(sourceTypes, encoded);
    }

    private static Encoded number(String c) {
        return new Encoded(c, c, Kind.NUMBER, null, 0);
    }

    private static Encoded flag(String c) {
        return new Encoded(c, c, Kind.FLAG, null, 0);
    }

    public List<String> sourceColumns() {
        return sourceColumns;
    }

    public Map<String, String> sourceTypes() {
        return sourceTypes;
    }

    public List<Encoded> encoded() {
        return encoded;
    }

    public String[] names() {
        return encoded.stream().map(Encoded::name).toArray(String[]::new);
    }

    public int size() {
        return encoded.size();
    }

    public String schemaHash() {
        return schemaHash;
    }

    /**
     * The hash this spec would have on a table with these column types; equal to {@link #schemaHash()} only
     * when every source column is present with the same type.
     */
    public String hashOn(Map<String, String> tableTypes) {
        Map<String, String> t = new LinkedHashMap<>();
        for (String c : sourceColumns) {
            t.put(c, tableTypes.getOrDefault(c, "<absent>"));
        }
        return hash(t, encoded);
    }

    /** The source columns whose type in the table differs from the model's (absent columns included), as {@code name: model -> table}. */
    public List<String> differences(Map<String, String> tableTypes) {
        List<String> out = new ArrayList<>();
        for (String c : sourceColumns) {
            String now = tableTypes.get(c);
            if (!Objects.equals(now, sourceTypes.get(c))) {
                out.add(c + ": " + sourceTypes.get(c) + " -> " + (now == null ? "absent" : now));
            }
        }
        return out;
    }

    /** Encodes one row, given the values of {@link #sourceColumns()} in order (Spark's Java types or plain Java). */
    public double[] encode(Object[] sourceValues) {
        double[] x = new double[encoded.size()];
        encodeInto(sourceValues, x);
        return x;
    }

    /** {@link #encode} into a reused array. */
    public void encodeInto(Object[] sourceValues, double[] x) {
        if (sourceValues.length != sourceColumns.size()) {
            throw new IllegalArgumentException("expected " + sourceColumns.size() + " values, got " + sourceValues.length);
        }
        int[] index = sourceIndex();
        for (int i = 0; i < x.length; i++) {
            Encoded e = encoded.get(i);
            Object v = sourceValues[index[i]];
            x[i] = switch (e.kind()) {
                case NUMBER -> v == null ? 0 : number(v);
                case NUMBER_OR_FILL -> v == null ? e.fill() : number(v);
                case LOG1P -> v == null ? 0 : Math.log1p(Math.max(0, number(v)));
                case FLAG -> Boolean.TRUE.equals(v) ? 1 : 0;
                case EQUALS -> v != null && e.value().equals(v.toString()) ? 1 : 0;
                case MISSING -> v == null ? 1 : 0;
            };
        }
    }

    private transient int[] sourceIndex;

    private int[] sourceIndex() {
        int[] s = sourceIndex;
        if (s == null) {
            s = new int[encoded.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = sourceColumns.indexOf(encoded.get(i).source());
            }
            sourceIndex = s;
        }
        return s;
    }

    private static double number(Object v) {
        if (v instanceof BigDecimal b) {
            return b.doubleValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return Double.parseDouble(v.toString());
    }

    private static String hash(Map<String, String> types, List<Encoded> encoded) {
        StringBuilder s = new StringBuilder(ENCODING_VERSION);
        types.forEach((k, v) -> s.append('|').append(k).append(':').append(v));
        s.append("||");
        for (Encoded e : encoded) {
            s.append(e.name()).append(':').append(e.kind()).append(':').append(e.value()).append(':').append(e.fill()).append('|');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The spec as {@code features.json} in the model registry gives it. */
    public Described describe() {
        List<DescribedFeature> f = new ArrayList<>();
        for (Encoded e : encoded) {
            f.add(new DescribedFeature(e.name(), e.source(), e.kind().name().toLowerCase(), e.value(),
                    e.kind() == Kind.NUMBER_OR_FILL ? e.fill() : null));
        }
        return new Described(ENCODING_VERSION, schemaHash, sourceTypes, f);
    }

    /** {@code features.json}: the encoding's version, the schema hash, the source columns' types and each encoded feature. */
    public record Described(String encodingVersion, String schemaHash, Map<String, String> sourceColumns, List<DescribedFeature> features) {
    }

    /** One encoded feature: its name, source column, encoding, and the value it flags or the fill it takes (when it has one). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record DescribedFeature(String name, String source, String encoding, String value, Double fill) {
    }
}
