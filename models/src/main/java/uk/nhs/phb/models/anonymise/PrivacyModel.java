package uk.nhs.phb.models.anonymise;

import java.io.Serializable;
import java.util.List;

/**
 * A privacy model checked on every equivalence class (the records sharing one generalised quasi-identifier
 * combination). A class that fails any model is suppressed, and a transformation is acceptable when the
 * suppressed records stay within the suppression limit.
 *
 * <p>Monotonicity (if a transformation is acceptable, so is every more general one), which the search uses
 * to prune: {@link KAnonymity} and {@link DistinctLDiversity} are monotonic with any suppression limit,
 * because a class of a more general transformation is a union of classes of the less general one, and the
 * union fails only if every part fails (sizes and distinct values only grow under union). So the suppressed
 * records can only decrease. {@link EntropyLDiversity} and {@link TCloseness} are monotonic only when no
 * record may be suppressed: the union of passing classes passes (entropy is concave, the earth mover's
 * distance convex in the class distribution), but the union of a passing and a failing class can fail, so
 * under suppression a more general transformation can suppress more.
 */
public sealed interface PrivacyModel extends Serializable
        permits PrivacyModel.KAnonymity, PrivacyModel.DistinctLDiversity, PrivacyModel.EntropyLDiversity, PrivacyModel.TCloseness {

    /** Tolerance for the floating-point comparisons of entropy and distance with their limits. */
    double TOLERANCE = 1e-9;

    /** The sensitive attribute the model constrains, or null (k-anonymity). */
    String attribute();

    /** Whether the model is monotonic under a suppression limit of {@code suppressionAllowed} records. */
    boolean monotonic(boolean suppressionAllowed);

    /** Every class has at least {@code k} records. */
    record KAnonymity(int k) implements PrivacyModel {
        public KAnonymity {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
        }

        @Override
        public String attribute() {
            return null;
        }

        @Override
        public boolean monotonic(boolean suppressionAllowed) {
            return true;
        }

        @Override
        public String toString() {
            return k + "-anonymity";
        }
    }

    /** Every class has at least {@code l} distinct values of the sensitive attribute. */
    record DistinctLDiversity(String attribute, int l) implements PrivacyModel {
        public DistinctLDiversity {
            if (l < 1) {
                throw new IllegalArgumentException("l must be at least 1, got " + l + " for '" + attribute + "'");
            }
        }

        @Override
        public boolean monotonic(boolean suppressionAllowed) {
            return true;
        }

        @Override
        public String toString() {
            return "distinct " + l + "-diversity of " + attribute;
        }
    }

    /**
     * Every class has entropy {@code -sum p(v) ln p(v) >= ln l} over the sensitive values (p the share of the
     * class's records with value v), with tolerance {@link #TOLERANCE}. Implies at least ceil(l) distinct
     * values.
     */
    record EntropyLDiversity(String attribute, double l) implements PrivacyModel {
        public EntropyLDiversity {
            if (!(l >= 1)) {
                throw new IllegalArgumentException("l must be at least 1, got " + l + " for '" + attribute + "'");
            }
        }

        @Override
        public boolean monotonic(boolean suppressionAllowed) {
            return !suppressionAllowed;
        }

        @Override
        public String toString() {
            return "entropy " + l + "-diversity of " + attribute;
        }
    }

    /** Ground distance between sensitive values for t-closeness. */
    enum Distance {
        /**
         * Every pair of distinct values at distance 1: the earth mover's distance is the total variation
         * {@code D = 1/2 sum_v |p(v) - q(v)|}.
         */
        EQUAL,
        /**
         * Values in order v1 < ... < vm at distance |i - j| / (m - 1): {@code D = 1/(m-1) sum_{i=1..m} |sum_{j<=i}
         * (p(vj) - q(vj))|} (Li, Li and Venkatasubramanian 2007); m the number of distinct values over all
         * records, D = 0 when m = 1.
         */
        ORDERED
    }

    /**
     * The distribution p of the sensitive attribute in every class is within earth mover's distance
     * {@code t} of its distribution q over all input records (suppressed ones included), with tolerance
     * {@link #TOLERANCE}. {@code order} lists the values in order for {@link Distance#ORDERED}; when null
     * the values must be numbers and are ordered numerically.
     */
    record TCloseness(String attribute, double t, Distance distance, List<String> order) implements PrivacyModel {
        public TCloseness {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("t must be within 0..1, got " + t + " for '" + attribute + "'");
            }
            if (distance == null) {
                throw new IllegalArgumentException("t-closeness of '" + attribute + "' needs a distance (EQUAL or ORDERED)");
            }
            order = order == null ? null : List.copyOf(order);
        }

        /** t-closeness with the equal ground distance (categorical values). */
        public static TCloseness equalDistance(String attribute, double t) {
            return new TCloseness(attribute, t, Distance.EQUAL, null);
        }

        /** t-closeness with the ordered ground distance over numeric values. */
        public static TCloseness orderedDistance(String attribute, double t) {
            return new TCloseness(attribute, t, Distance.ORDERED, null);
        }

        @Override
        public boolean monotonic(boolean suppressionAllowed) {
            return !suppressionAllowed;
        }

        @Override
        public String toString() {
            return t + "-closeness of " + attribute + " (" + distance.name().toLowerCase(java.util.Locale.ROOT) + " distance)";
        }
    }
}
