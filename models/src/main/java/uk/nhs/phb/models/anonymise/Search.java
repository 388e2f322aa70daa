package uk.nhs.phb.models.anonymise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedList;
import java.util.List;
import uk.nhs.phb.models.anonymise.Criteria.NodeStats;

/**
 * Optimal full-domain generalisation over the lattice, in two phases.
 *
 * <p>Phase 1 finds which nodes pass the monotonic part of the privacy models (all models when they are all
 * monotonic under the suppression limit, otherwise k-anonymity and the distinct-value counts implied by
 * l-diversity). It walks chains upward from the lowest untagged node and binary-searches each chain;
 * every evaluation tags a cone: a passing node tags all its generalisations passing, a failing node all its
 * specialisations failing (predictive tagging), so most nodes are never evaluated.
 *
 * <p>Phase 2 looks for the optimum among the passing nodes, checking the full models where they are not
 * monotonic. For PRECISION, NON_UNIFORM_ENTROPY and IYENGAR it visits candidates in increasing order of a lower
 * bound that depends only on the levels and stops once the bound exceeds the best loss found. For
 * DISCERNIBILITY it visits nodes bottom-up, propagating to every node the largest discernibility without
 * suppression of any evaluated node below it (a lower bound, since merging classes only increases it), and
 * skips nodes whose bound exceeds the best loss.
 *
 * <p>Each evaluation rolls up the classes of the smallest cached partition below the node (the frequency set
 * itself is the bottom node), so higher nodes cost the number of classes of a lower node, not of the input.
 */
final class Search {
    private static final int CACHE = 8;
    private static final double EPS = 1e-9;

    private final Lattice lattice;
    private final Domains domains;
    private final Criteria criteria;
    private final LossMeasure measure;
    private final Partition bottom;
    private final LinkedList<Partition> cache = new LinkedList<>();
    private final NodeStats[] memo;
    /** Phase-1 tags: 0 unknown, 1 passes, 2 fails. */
    private final byte[] status;
    int evaluations;
    int rollUpRows;

    Search(Lattice lattice, Domains domains, Criteria criteria, FrequencySet fs, LossMeasure measure) {
        this.lattice = lattice;
        this.domains = domains;
        this.criteria = criteria;
        this.measure = measure;
        this.bottom = Partition.bottom(fs, criteria.tracked);
        this.memo = new NodeStats[lattice.size];
        this.status = new byte[lattice.size];
    }

    /** The optimal node's statistics, or null if no node passes. */
    NodeStats run() {
        phase1();
        return measure == LossMeasure.DISCERNIBILITY ? phase2Discernibility() : phase2Bounded();
    }

    /** Evaluates every node (for tests and for checking the pruning). */
    NodeStats exhaustive() {
        NodeStats best = null;
        for (int node = 0; node < lattice.size; node++) {
            NodeStats s = criteria.evaluate(bottom.rollUp(node, lattice.levels(node), domains));
            if (s.passes() && better(s, best)) {
                best = s;
            }
        }
        return best;
    }

    Partition partition(int node) {
        return source(node).rollUp(node, lattice.levels(node), domains);
    }

    int taggedWithoutEvaluation() {
        int n = 0;
        for (int i = 0; i < status.length; i++) {
            if (status[i] != 0 && memo[i] == null) {
                n++;
            }
        }
        return n;
    }

    private boolean phase1Passes(NodeStats s) {
        return criteria.monotonic ? s.passes() : s.passesMonotone();
    }

    private void phase1() {
        Integer[] order = byHeight();
        for (int start : order) {
            if (status[start] != 0) {
                continue;
            }
            List<Integer> chain = new ArrayList<>();
            int cur = start;
            chain.add(cur);
            boolean extended = true;
            while (extended) {
                extended = false;
                for (int i = 0; i < lattice.maxLevel.length; i++) {
                    if (lattice.level(cur, i) < lattice.maxLevel[i] && status[cur + lattice.mul[i]] == 0) {
                        cur += lattice.mul[i];
                        chain.add(cur);
                        extended = true;
                        break;
                    }
                }
            }
            int lo = 0;
            int hi = chain.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int node = chain.get(mid);
                if (status[node] == 0) {
                    NodeStats s = evaluate(node);
                    if (phase1Passes(s)) {
                        tagUp(node);
                    } else {
                        tagDown(node);
                    }
                }
                if (status[node] == 1) {
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
        }
    }

    private void tagUp(int node) {
        Deque stack = new Deque(lattice.size);
        stack.push(node);
        status[node] = 1;
        while (!stack.isEmpty()) {
            int n = stack.pop();
            for (int i = 0; i < lattice.maxLevel.length; i++) {
                if (lattice.level(n, i) < lattice.maxLevel[i]) {
                    int s = n + lattice.mul[i];
                    if (status[s] == 0) {
                        status[s] = 1;
                        stack.push(s);
                    }
                }
            }
        }
    }

    private void tagDown(int node) {
        Deque stack = new Deque(lattice.size);
        stack.push(node);
        status[node] = 2;
        while (!stack.isEmpty()) {
            int n = stack.pop();
            for (int i = 0; i < lattice.maxLevel.length; i++) {
                if (lattice.level(n, i) > 0) {
                    int s = n - lattice.mul[i];
                    if (status[s] == 0) {
                        status[s] = 2;
                        stack.push(s);
                    }
                }
            }
        }
    }

    private NodeStats phase2Bounded() {
        List<Integer> candidates = new ArrayList<>();
        double[] bound = new double[lattice.size];
        for (int node = 0; node < lattice.size; node++) {
            if (status[node] == 1) {
                candidates.add(node);
                int[] l = lattice.levels(node);
                bound[node] = switch (measure) {
                    case PRECISION -> criteria.height(l);
                    case IYENGAR -> criteria.iyengarBound(l);
                    default -> criteria.entropyBound(l);
                };
            }
        }
        candidates.sort(Comparator.<Integer>comparingDouble(n -> bound[n]).thenComparingInt(lattice::height)
                .thenComparingInt(n -> n));
        NodeStats best = null;
        for (int node : candidates) {
            if (best != null && bound[node] > best.loss(measure) + tolerance(best.loss(measure))) {
                break;
            }
            NodeStats s = memo[node] != null ? memo[node] : evaluate(node);
            if (s.passes() && better(s, best)) {
                best = s;
            }
        }
        return best;
    }

    private NodeStats phase2Discernibility() {
        long[] bound = new long[lattice.size];
        NodeStats best = null;
        for (int node : byHeight()) {
            long b = memo[node] != null ? memo[node].dmNoSuppression() : 0;
            for (int i = 0; i < lattice.maxLevel.length; i++) {
                if (lattice.level(node, i) > 0) {
                    b = Math.max(b, bound[node - lattice.mul[i]]);
                }
            }
            if (status[node] == 1 && (best == null || b <= best.discernibility())) {
                NodeStats s = memo[node] != null ? memo[node] : evaluate(node);
                b = Math.max(b, s.dmNoSuppression());
                if (s.passes() && better(s, best)) {
                    best = s;
                }
            }
            bound[node] = b;
        }
        return best;
    }

    /** Lower loss wins; within tolerance, lower height, then lexicographically lower levels. */
    boolean better(NodeStats a, NodeStats b) {
        if (b == null) {
            return true;
        }
        double la = a.loss(measure);
        double lb = b.loss(measure);
        if (measure == LossMeasure.DISCERNIBILITY) {
            if (a.discernibility() != b.discernibility()) {
                return a.discernibility() < b.discernibility();
            }
        } else if (Math.abs(la - lb) > tolerance(lb)) {
            return la < lb;
        }
        int ha = lattice.height(a.node());
        int hb = lattice.height(b.node());
        return ha != hb ? ha < hb : a.node() < b.node();
    }

    static double tolerance(double loss) {
        return EPS * Math.max(1, Math.abs(loss));
    }

    private NodeStats evaluate(int node) {
        if (memo[node] != null) {
            return memo[node];
        }
        Partition src = source(node);
        Partition p = src.rollUp(node, lattice.levels(node), domains);
        evaluations++;
        rollUpRows += src.size;
        NodeStats s = criteria.evaluate(p);
        memo[node] = s;
        if (p != bottom) {
            cache.addFirst(p);
            if (cache.size() > CACHE) {
                cache.removeLast();
            }
        }
        return s;
    }

    /** The cached partition at or below the node with the fewest classes. */
    private Partition source(int node) {
        Partition best = bottom;
        for (Partition p : cache) {
            if (p.size < best.size && lattice.leq(p.node, node)) {
                best = p;
            }
        }
        if (best != bottom) {
            cache.remove(best);
            cache.addFirst(best);
        }
        return best;
    }

    private Integer[] byHeight() {
        Integer[] order = new Integer[lattice.size];
        int[] h = new int[lattice.size];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            h[i] = lattice.height(i);
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(n -> h[n]).thenComparingInt(n -> n));
        return order;
    }

    /** An int stack. */
    private static final class Deque {
        private final int[] items;
        private int size;

        Deque(int capacity) {
            items = new int[capacity];
        }

        void push(int v) {
            items[size++] = v;
        }

        int pop() {
            return items[--size];
        }

        boolean isEmpty() {
            return size == 0;
        }
    }
}
