package uk.nhs.phb.pipelines.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import uk.nhs.phb.schemas.CodeLists;
import uk.nhs.phb.schemas.FeedContract;
import uk.nhs.phb.schemas.FieldSpec;
import uk.nhs.phb.schemas.FieldType;
import uk.nhs.phb.schemas.Feeds;

/**
 * Collects one person's output rows (feeds and truth tables) as tagged rows {@code (table, values, raw)},
 * giving every feed row its record id and deciding, row by row, whether to inject a fault. Every injected
 * fault also becomes a {@code _truth/faults} row.
 */
final class Emitter {
    static final int FAULT_STREAM = 90;
    /** Feeds whose rows the generator costs from the national price list, as a national extract of them is costed on ingest. */
    private static final java.util.Set<String> PRICED_FEEDS = java.util.Set.of("community", "mental_health", "ehcp");
    private static final java.util.Set<String> PRICING = java.util.Set.of("cost_source", "price_year");
    private static final Map<String, Layout> LAYOUTS = new HashMap<>();

    static {
        for (FeedContract c : Feeds.all()) {
            LAYOUTS.put(c.name(), new Layout(c));
        }
    }

    private final long seed;
    private final long person;
    private final FaultRates rates;
    private final LocalDate futureBase;
    private final int futureYears;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Integer> sequence = new HashMap<>();
    private final Map<String, Rng> faultRng = new HashMap<>();
    private boolean enabled = true;
    private static final String[] ROW_FAULTS = {"malformed_row", "unknown_code", "recoded_code", "bad_cost", "future_date",
        "missing_required", "duplicate_record"};
    private final double[] rowFaultRates = new double[ROW_FAULTS.length];

    Emitter(long seed, long person, FaultRates rates, LocalDate futureBase, int futureYears) {
        this.seed = seed;
        this.person = person;
        this.rates = rates;
        this.futureBase = futureBase;
        this.futureYears = futureYears;
        for (int i = 0; i < ROW_FAULTS.length; i++) {
            rowFaultRates[i] = rates.rate(ROW_FAULTS[i]);
        }
    }

    /** Layout (field positions and rule facts) of a feed, computed once per JVM. */
    static Layout layout(String feed) {
        Layout l = LAYOUTS.get(feed);
        if (l == null) {
            throw new IllegalArgumentException("unknown feed " + feed);
        }
        return l;
    }

    /** When disabled (counterfactual runs) nothing is collected. */
    void enabled(boolean on) {
        this.enabled = on;
    }

    boolean enabled() {
        return enabled;
    }

    List<Row> rows() {
        return rows;
    }

    /** A unique, opaque record id for this person's next row of a feed (a bijection of person, feed, sequence). */
    String nextId(String feed) {
        int seq = sequence.merge(feed, 1, Integer::sum);
        Layout l = layout(feed);
        long packed = (person << 24) | ((long) l.index << 19) | (seq & 0x7FFFF);
        long id = Rng.mix(packed ^ Rng.mix(seed));
        return l.prefix + base32(id);
    }

    /** All 64 bits in 13 base-32 characters (0-9, a-v): fast and collision-free. */
    static String base32(long v) {
        char[] c = new char[13];
        for (int i = 12; i >= 0; i--) {
            int d = (int) (v & 31);
            c[i] = (char) (d < 10 ? '0' + d : 'a' + d - 10);
            v >>>= 5;
        }
        return new String(c);
    }

    String[] newRow(String feed) {
        return new String[layout(feed).fields.length];
    }

    void truth(String table, String... values) {
        if (enabled) {
            rows.add(RowFactory.create(table, values, false));
        }
    }

    /** Emits a feed row, perhaps with one injected fault. */
    void feed(String feed, String[] values) {
        feed(feed, values, java.util.Set.of());
    }

    /** Emits a feed row, perhaps with one injected fault in a field other than {@code fixed}. */
    void feed(String feed, String[] values, java.util.Set<String> fixed) {
        if (!enabled) {
            return;
        }
        Layout l = layout(feed);
        if (!fixed.isEmpty()) {
            // hide the fixed fields from the fault's choice of field; the row is sent with their values
            String[] open = values.clone();
            for (String f : fixed) {
                open[l.at(f)] = null;
            }
            int before = rows.size();
            feed(feed, open, java.util.Set.of());
            for (int i = before; i < rows.size(); i++) {
                Row r = rows.get(i);
                if (r.getString(0).equals(feed)) {
                    String[] sent = ((String[]) r.get(1)).clone();
                    for (String f : fixed) {
                        int at = l.at(f);
                        if (at < sent.length) {
                            sent[at] = values[at];
                        }
                    }
                    rows.set(i, RowFactory.create(feed, sent, r.getBoolean(2)));
                }
            }
            return;
        }
        Rng r = faultRng.computeIfAbsent(feed, f -> new Rng(seed, person, FAULT_STREAM, l.index));
        double u = r.u();
        String key = values[l.keyIndex];
        double acc = 0;
        String kind = null;
        for (int i = 0; i < ROW_FAULTS.length; i++) {
            acc += rowFaultRates[i];
            if (u < acc) {
                kind = ROW_FAULTS[i];
                break;
            }
        }
        if (kind == null) {
            rows.add(RowFactory.create(feed, values, false));
            return;
        }
        String field = null;
        String[] v = values.clone();
        boolean raw = false;
        switch (kind) {
            case "malformed_row" -> {
                raw = true;
                if (r.chance(0.5)) {
                    v = java.util.Arrays.copyOf(values, values.length - 1);
                    field = l.fields[l.fields.length - 1].name();
                } else {
                    int i = firstNonNull(values, l.quotable);
                    if (i < 0) {
                        v = java.util.Arrays.copyOf(values, values.length - 1);
                        field = l.fields[l.fields.length - 1].name();
                    } else {
                        v[i] = "\"" + values[i];
                        field = l.fields[i].name();
                    }
                }
            }
            case "unknown_code" -> {
                int i = firstNonNull(values, l.coded);
                if (i >= 0) {
                    v[i] = "ZZ9";
                    field = l.fields[i].name();
                }
            }
            case "recoded_code" -> {
                int i = firstNonNull(values, l.recodable);
                if (i >= 0) {
                    v[i] = l.unlisted[i];
                    field = l.fields[i].name();
                }
            }
            case "bad_cost" -> {
                int i = firstNonNull(values, l.amounts);
                if (i >= 0) {
                    double max = l.fields[i].max();
                    v[i] = r.chance(0.5) ? "-" + (values[i].equals("0.00") ? "1.00" : values[i])
                            : money(max * 10 + 1 + r.between(0, 999));
                    field = l.fields[i].name();
                }
            }
            case "future_date" -> {
                int i = lastNonNull(values, l.dates);
                if (i >= 0) {
                    v[i] = futureBase.plusYears(futureYears).plusDays(r.between(0, 364)).toString();
                    field = l.fields[i].name();
                }
            }
            case "missing_required" -> {
                int i = firstNonNull(values, l.requiredNonKey);
                if (i >= 0) {
                    v[i] = null;
                    field = l.fields[i].name();
                }
            }
            case "duplicate_record" -> field = l.fields[l.keyIndex].name();
            default -> throw new IllegalStateException(kind);
        }
        if (field == null) {
            // the row has no field this fault could touch: send it clean
            rows.add(RowFactory.create(feed, values, false));
            return;
        }
        rows.add(RowFactory.create(feed, v, raw));
        if (kind.equals("duplicate_record")) {
            rows.add(RowFactory.create(feed, values.clone(), false));
        }
        fault(feed, kind, key, field);
    }

    /** Records a fault injected elsewhere (identity faults, before encoding). */
    void fault(String feed, String kind, String key, String field) {
        if (enabled) {
            rows.add(RowFactory.create(SyntheticPopulation.TRUTH_FAULTS, new String[] {feed, kind, key, field, "1"}, false));
        }
    }

    private static int firstNonNull(String[] values, int[] candidates) {
        for (int i : candidates) {
            if (values[i] != null) {
                return i;
            }
        }
        return -1;
    }

    private static int lastNonNull(String[] values, int[] candidates) {
        for (int j = candidates.length - 1; j >= 0; j--) {
            if (values[candidates[j]] != null) {
                return candidates[j];
            }
        }
        return -1;
    }

    static String money(double x) {
        long cents = Math.round(x * 100);
        String sign = cents < 0 ? "-" : "";
        cents = Math.abs(cents);
        long c = cents % 100;
        return sign + (cents / 100) + "." + (c < 10 ? "0" : "") + c;
    }

    /**
     * The fields the generator writes for a feed: those a file may leave out are left out, except the cost source and
     * price year of the feeds it costs from the national price list, and a child's UPN token in children's social care.
     */
    static List<FieldSpec> written(FeedContract c) {
        java.util.Set<String> also = new java.util.HashSet<>(c.name().equals("csc") ? List.of("pupil_token", "placement_type") : List.of());
        if (PRICED_FEEDS.contains(c.name())) {
            also.addAll(PRICING);
        }
        if (also.isEmpty()) {
            return c.headerFields();
        }
        return c.fields().stream().filter(f -> c.headerFields().contains(f) || also.contains(f.name())).toList();
    }

    /** Field positions of one feed and which fields each fault kind may touch. */
    static final class Layout {
        final int index;
        final String prefix;
        final FieldSpec[] fields;
        final Map<String, Integer> position = new HashMap<>();
        final int keyIndex;
        final int[] coded;
        final int[] recodable;
        /** Per recodable field, a code of the same shape that its list lacks (a newer national code, say). */
        final String[] unlisted;
        final int[] amounts;
        final int[] dates;
        final int[] requiredNonKey;
        final int[] quotable;

        Layout(FeedContract c) {
            index = Feeds.all().indexOf(c);
            prefix = c.name().replace("_", "").substring(0, Math.min(3, c.name().replace("_", "").length())) + "-";
            fields = written(c).toArray(FieldSpec[]::new);
            for (int i = 0; i < fields.length; i++) {
                position.put(fields[i].name(), i);
            }
            keyIndex = position.get(c.recordKey().get(0));
            List<Integer> cd = new ArrayList<>();
            List<Integer> rc = new ArrayList<>();
            unlisted = new String[fields.length];
            List<Integer> am = new ArrayList<>();
            List<Integer> dt = new ArrayList<>();
            List<Integer> rq = new ArrayList<>();
            List<Integer> qt = new ArrayList<>();
            for (int i = 0; i < fields.length; i++) {
                FieldSpec f = fields[i];
                if (PRICING.contains(f.name())) {
                    // set by the sender's costing, not keyed: no fault touches them
                    continue;
                }
                // an unknown code in a field that keeps such rows (unknownAs) is not a quarantine fault
                if (f.codeList() != null && f.unknownAs() == null) {
                    cd.add(i);
                }
                if (f.codeList() != null && f.unknownAs() != null) {
                    rc.add(i);
                    unlisted[i] = unlistedCode(CodeLists.get(f.codeList()).keySet());
                }
                if (f.type() == FieldType.DECIMAL && f.max() != null) {
                    am.add(i);
                }
                if (f.type() == FieldType.DATE && f.notFuture()) {
                    dt.add(i);
                }
                if (f.required() && i != keyIndex) {
                    rq.add(i);
                }
                if (f.type() == FieldType.STRING && i < fields.length - 1 && i != keyIndex) {
                    qt.add(i);
                }
            }
            coded = cd.stream().mapToInt(Integer::intValue).toArray();
            recodable = rc.stream().mapToInt(Integer::intValue).toArray();
            amounts = am.stream().mapToInt(Integer::intValue).toArray();
            dates = dt.stream().mapToInt(Integer::intValue).toArray();
            requiredNonKey = rq.stream().mapToInt(Integer::intValue).toArray();
            quotable = qt.stream().mapToInt(Integer::intValue).toArray();
        }

        /**
         * A code the list does not hold, shaped like its codes: for short codes, one as long as the list's first, digits
         * first, as national codes mostly are; for phb's named codes, a local name.
         */
        private static String unlistedCode(java.util.Set<String> listed) {
            int width = listed.iterator().next().length();
            if (width > 3) {
                return "LOCAL_TEAM";
            }
            for (int n = (int) Math.pow(10, width) - 1; n >= 0; n--) {
                String c = String.format("%0" + width + "d", n);
                if (!listed.contains(c)) {
                    return c;
                }
            }
            return "Q".repeat(width);
        }

        int at(String field) {
            Integer i = position.get(field);
            if (i == null) {
                throw new IllegalArgumentException("feed has no field " + field);
            }
            return i;
        }
    }
}
