package io.qat4j.training.data.graph;

import io.qat4j.graph.data.NodeSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A Planetoid-style split for a LINQS dataset that ships none (Yang, Cohen, Salakhutdinov, ICML
 * 2016; Kipf and Welling, ICLR 2017): in a seeded random order of the nodes, the first
 * {@value #TRAIN_PER_CLASS} nodes of each class train (at most half of a class, at least one
 * node), then up to {@value #VALIDATION} of the rest validate and up to {@value #TEST} test, the
 * validation and test shares halved when fewer nodes remain.
 */
final class PlanetoidSplits {

    /** Training nodes per class. */
    static final int TRAIN_PER_CLASS = 20;
    /** Validation nodes. */
    static final int VALIDATION = 500;
    /** Test nodes. */
    static final int TEST = 1000;

    private PlanetoidSplits() {
    }

    /**
     * @param labels the class of every node
     * @param classes the number of classes
     * @param seed the run's seed
     * @return the split, each set ascending
     */
    static NodeSplit draw(int[] labels, int classes, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed));
        int[] classSize = new int[classes];
        for (int l : labels) {
            classSize[l]++;
        }
        int[] taken = new int[classes];
        List<Integer> train = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int node : order) {
            int c = labels[node];
            if (taken[c] < Math.max(1, Math.min(TRAIN_PER_CLASS, classSize[c] / 2))) {
                taken[c]++;
                train.add(node);
            } else {
                rest.add(node);
            }
        }
        int validation = Math.min(VALIDATION, rest.size() / 2);
        int test = Math.min(TEST, rest.size() - validation);
        return new NodeSplit(sorted(train), sorted(rest.subList(0, validation)),
                sorted(rest.subList(validation, validation + test)));
    }

    private static int[] sorted(List<Integer> nodes) {
        int[] a = nodes.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
