package io.qat4j.graph.data;

import java.util.Arrays;

/**
 * The nodes of a node classification dataset used for training, validation and testing, as in
 * the Planetoid split of Yang, Cohen, Salakhutdinov, "Revisiting Semi-Supervised Learning with
 * Graph Embeddings", ICML 2016 (Cora: 140 / 500 / 1000 nodes; the other nodes are in none).
 * Node indices, ascending, without repeats, disjoint; the arrays are copied in and out.
 *
 * @param train training nodes
 * @param validation validation nodes
 * @param test test nodes
 */
public record NodeSplit(int[] train, int[] validation, int[] test) {

    /** Checks that each set is ascending without repeats and that the sets are disjoint. */
    public NodeSplit {
        train = ascending(train, "training");
        validation = ascending(validation, "validation");
        test = ascending(test, "test");
        disjoint(train, validation, "training", "validation");
        disjoint(train, test, "training", "test");
        disjoint(validation, test, "validation", "test");
    }

    private static int[] ascending(int[] nodes, String name) {
        int[] copy = nodes.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0 || (i > 0 && copy[i] <= copy[i - 1])) {
                throw new IllegalArgumentException("the " + name + " nodes are not ascending non-negative indices"
                        + " without repeats (at position " + i + ": " + copy[i] + ")");
            }
        }
        return copy;
    }

    private static void disjoint(int[] a, int[] b, String nameA, String nameB) {
        for (int node : a) {
            if (Arrays.binarySearch(b, node) >= 0) {
                throw new IllegalArgumentException("node " + node + " is both a " + nameA + " and a " + nameB + " node");
            }
        }
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeSplit s && Arrays.equals(train, s.train) && Arrays.equals(validation, s.validation)
                && Arrays.equals(test, s.test);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(train) + Arrays.hashCode(validation)) + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "NodeSplit[" + train.length + " train, " + validation.length + " validation, " + test.length + " test]";
    }
}
