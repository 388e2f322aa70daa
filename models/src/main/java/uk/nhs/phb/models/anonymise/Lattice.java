package uk.nhs.phb.models.anonymise;

/**
 * The generalisation lattice: one node per vector of levels (L_1..L_q), 0 <= L_i <= h_i, numbered in mixed
 * radix with the first quasi-identifier most significant, so node order is lexicographic level order.
 */
final class Lattice {
    /** Refuse lattices larger than this (each node is a full pass in the worst case). */
    static final int MAX_NODES = 5_000_000;

    final int[] maxLevel;
    final int[] mul;
    final int size;

    Lattice(int[] maxLevel, java.util.List<String> columns) {
        this.maxLevel = maxLevel.clone();
        int q = maxLevel.length;
        mul = new int[q];
        long m = 1;
        for (int i = q - 1; i >= 0; i--) {
            mul[i] = (int) m;
            m *= maxLevel[i] + 1;
            if (m > MAX_NODES) {
                throw new IllegalArgumentException("the lattice of " + columns + " has more than " + MAX_NODES
                        + " nodes; use hierarchies with fewer levels or fewer quasi-identifiers");
            }
        }
        size = (int) m;
    }

    int level(int node, int i) {
        return node / mul[i] % (maxLevel[i] + 1);
    }

    int[] levels(int node) {
        int[] l = new int[maxLevel.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = level(node, i);
        }
        return l;
    }

    int node(int[] levels) {
        int n = 0;
        for (int i = 0; i < levels.length; i++) {
            n += levels[i] * mul[i];
        }
        return n;
    }

    int height(int node) {
        int h = 0;
        for (int i = 0; i < maxLevel.length; i++) {
            h += level(node, i);
        }
        return h;
    }

    int top() {
        return size - 1;
    }

    /** Whether node a is at or below node b in every quasi-identifier. */
    boolean leq(int a, int b) {
        for (int i = 0; i < maxLevel.length; i++) {
            if (level(a, i) > level(b, i)) {
                return false;
            }
        }
        return true;
    }
}
