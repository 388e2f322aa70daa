package uk.nhs.phb.schemas.profiles;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import uk.nhs.phb.schemas.Csv;

/**
 * Dated prices for activity that arrives without a cost: national ones shipped with phb
 * ({@code reference/prices/national_prices.csv}, each row with its source) and local ones from an ICB's override
 * file, which win over national ones.
 */
public final class PriceList {
    static final String RESOURCE = "/uk/nhs/phb/schemas/reference/prices/national_prices.csv";
    /** Lists a profile may price from. */
    public static final List<String> LISTS = List.of("hrg", "unit_cost");

    /**
     * One price.
     *
     * @param list            {@code hrg} or {@code unit_cost}
     * @param pointOfDelivery e.g. {@code NEL} (non-elective spell), {@code EL}, {@code DC}, {@code OP_FIRST}, {@code ED_1}
     * @param code            the HRG or contact type priced, or {@code *} for any code at this point of delivery
     * @param year            first year of the financial year the price is for, or null for any year
     * @param price           GBP
     * @param source          the publication (and table) it comes from
     * @param local           from the ICB's override file (cost source {@code local})
     */
    public record Price(String list, String pointOfDelivery, String code, Integer year, BigDecimal price, String source, boolean local)
            implements java.io.Serializable {
        public Price {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(pointOfDelivery, "point of delivery");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(price, "price");
        }

        /** What a row priced by this price records as its {@code cost_source}. */
        public String costSource() {
            return local ? "local" : list.equals("hrg") ? "tariff" : "unit_cost";
        }
    }

    private final List<Price> prices;

    private PriceList(List<Price> prices) {
        this.prices = List.copyOf(prices);
    }

    public static PriceList national() {
        InputStream in = PriceList.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("missing resource " + RESOURCE);
        }
        List<Price> out = new ArrayList<>();
        for (Csv.Row r : Csv.rows("price list " + RESOURCE, new InputStreamReader(in, StandardCharsets.UTF_8),
                List.of("list", "point_of_delivery", "code", "fy", "price", "source"))) {
            out.add(new Price(r.get("list"), r.get("point_of_delivery"), r.get("code"),
                    r.get("fy").equals("*") ? null : Integer.valueOf(r.get("fy")), new BigDecimal(r.get("price")), r.get("source"), false));
        }
        return new PriceList(out);
    }

    /** This list with {@code local} prices added; a local price wins over a national one for the same code. */
    public PriceList with(List<Price> local) {
        List<Price> all = new ArrayList<>(prices);
        all.addAll(local);
        return new PriceList(all);
    }

    public List<Price> prices() {
        return prices;
    }

    /** What a row is priced at: the price (two decimals), its financial year (null when the price is for any year) and cost source. */
    public record Priced(BigDecimal price, Integer year, String costSource) implements java.io.Serializable {
    }

    /** The prices of one list, indexed for {@link Index#find}. */
    public Index index(String list) {
        return new Index(prices.stream().filter(x -> x.list().equals(list)).toList());
    }

    /**
     * Prices by point of delivery and code. The best price for a row: a local one before a national one, the row's own
     * code before the point of delivery's catch-all ({@code *}), then the price of the row's financial year, else the
     * nearest earlier year listed, else the earliest later one, else a price for any year.
     */
    public static final class Index implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final java.util.Map<String, List<Price>> byKey = new java.util.HashMap<>();

        Index(List<Price> prices) {
            for (Price p : prices) {
                byKey.computeIfAbsent(p.pointOfDelivery() + "|" + p.code(), k -> new ArrayList<>()).add(p);
            }
        }

        /** The price of {@code code} at {@code pod} in financial year {@code fy} (either may be null), or null when none applies. */
        public Priced find(String pod, String code, Integer fy) {
            if (pod == null) {
                return null;
            }
            for (boolean local : new boolean[] {true, false}) {
                for (String c : code == null ? new String[] {"*"} : new String[] {code.strip(), "*"}) {
                    Price best = best(byKey.getOrDefault(pod + "|" + c, List.of()), local, fy);
                    if (best != null) {
                        Integer year = best.year() != null ? best.year() : fy;
                        return new Priced(best.price().setScale(2, java.math.RoundingMode.HALF_UP), year, best.costSource());
                    }
                }
            }
            return null;
        }

        private static Price best(List<Price> candidates, boolean local, Integer fy) {
            Price best = null;
            for (Price p : candidates) {
                if (p.local() != local) {
                    continue;
                }
                if (best == null || rank(p, fy) < rank(best, fy)) {
                    best = p;
                }
            }
            return best;
        }

        /** Lower is better: the row's year, then earlier years nearest first, then later years, then any year. */
        private static long rank(Price p, Integer fy) {
            if (p.year() == null) {
                return 3_000_000L;
            }
            if (fy == null) {
                return 2_000_000L - p.year();
            }
            int d = fy - p.year();
            return d >= 0 ? d : 1_000_000L - d;
        }
    }
}
