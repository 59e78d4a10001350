package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Fold;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The k-fold cross-validation of a graph-level dataset, as camlsys/degree-quant's
 * {@code train_eval.py} (itself PyG's {@code benchmark/kernel}): the graphs are cut into {@code k}
 * test folds; run {@code i} tests on fold {@code i}, validates on the previous fold's test set
 * ({@code val_indices = test_indices[i - 1]}, so fold 0 validates on fold {@code k-1}) and trains
 * on every other graph.
 *
 * <p>The test folds are, in this order of preference:
 * <ul>
 *   <li>the folds the dataset ships ({@link GraphDataset#folds()}, the GIN text format's
 *       {@code 10fold_idx/test_idx-K.txt}; fold {@code i} is the file {@code K = i + 1}); their
 *       number must then be {@code k};</li>
 *   <li>for classification, a seeded stratified k-fold (camlsys uses scikit-learn's
 *       {@code StratifiedKFold(shuffle=True, random_state=12345)}; this is the same scheme with our
 *       own shuffle): the graphs of each class are shuffled with a {@link SplittableRandom} of the
 *       fold seed, the classes are laid one after the other, and position {@code j} goes to fold
 *       {@code j mod k}, so every fold holds each class's count divided by k, rounded down or up,
 *       and the folds' sizes differ by at most one;</li>
 *   <li>for regression, the same without classes: all graphs shuffled, position {@code j} to fold
 *       {@code j mod k}.</li>
 * </ul>
 * The fold seed is a setting of the dataset, not the run's seed, so that runs of several seeds
 * share their folds (camlsys fixes it at 12345). Index lists are ascending.
 *
 * @param train the training graphs
 * @param validation the validation graphs: the previous fold's test graphs
 * @param test the test graphs
 */
record GraphFolds(int[] train, int[] validation, int[] test) {

    /** Copies the arrays in; the accessors copy them out. */
    GraphFolds {
        train = train.clone();
        validation = validation.clone();
        test = test.clone();
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

    /**
     * @param d the dataset
     * @param k number of folds, at least 3 (with 2, validation and test would leave no training graph)
     * @param fold the fold to test on, {@code 0..k-1}
     * @param foldSeed the seed of the shuffle
     * @return the split of run {@code fold}
     * @throws IllegalArgumentException when the dataset has fewer than {@code k} graphs or
     *     ships folds that are not a partition
     */
    static GraphFolds of(GraphDataset d, int k, int fold, long foldSeed) {
        List<int[]> tests = testFolds(d, k, foldSeed);
        int previous = (fold + k - 1) % k;
        boolean[] held = new boolean[d.graphCount()];
        for (int g : tests.get(fold)) {
            held[g] = true;
        }
        for (int g : tests.get(previous)) {
            held[g] = true;
        }
        int[] train = java.util.stream.IntStream.range(0, held.length).filter(g -> !held[g]).toArray();
        return new GraphFolds(train, tests.get(previous), tests.get(fold));
    }

    /**
     * @return the k test folds, ascending graph indices each; together every graph once
     */
    static List<int[]> testFolds(GraphDataset d, int k, long foldSeed) {
        int n = d.graphCount();
        if (k < 3 || k > n) {
            throw new IllegalArgumentException("dataset " + d.name() + " has " + n + " graphs; dataset.folds must be"
                    + " in 3.." + n + ", got " + k);
        }
        if (!d.folds().isEmpty()) {
            if (d.folds().size() != k) {
                throw new IllegalArgumentException("dataset " + d.name() + " ships " + d.folds().size() + " folds;"
                        + " dataset.folds must be " + d.folds().size() + ", got " + k);
            }
            return shipped(d);
        }
        int[] order = new int[n];
        if (d.task() == GraphTask.GRAPH_CLASSIFICATION) {
            int at = 0;
            SplittableRandom random = new SplittableRandom(foldSeed);
            for (int c = 0; c < d.classCount(); c++) {
                int from = at;
                for (int g = 0; g < n; g++) {
                    if (d.graphs().get(g).label() == c) {
                        order[at++] = g;
                    }
                }
                shuffle(order, from, at, random);
            }
        } else {
            for (int g = 0; g < n; g++) {
                order[g] = g;
            }
            shuffle(order, 0, n, new SplittableRandom(foldSeed));
        }
        List<int[]> out = new ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            int[] t = new int[n / k + (f < n % k ? 1 : 0)];
            for (int j = f, i = 0; j < n; j += k) {
                t[i++] = order[j];
            }
            Arrays.sort(t);
            out.add(t);
        }
        return out;
    }

    /** The shipped folds' test sets, checked to be a partition of the graphs. */
    private static List<int[]> shipped(GraphDataset d) {
        int[] seen = new int[d.graphCount()];
        List<int[]> out = new ArrayList<>();
        for (Fold f : d.folds()) {
            int[] t = f.test();
            Arrays.sort(t);
            for (int g : t) {
                if (seen[g]++ > 0) {
                    throw new IllegalArgumentException("dataset " + d.name() + ": graph " + g + " is in the test set"
                            + " of two shipped folds (the second is fold " + f.number() + "); the folds must"
                            + " partition the graphs");
                }
            }
            out.add(t);
        }
        for (int g = 0; g < seen.length; g++) {
            if (seen[g] == 0) {
                throw new IllegalArgumentException("dataset " + d.name() + ": graph " + g + " is in no shipped"
                        + " fold's test set; the folds must partition the graphs");
            }
        }
        return out;
    }

    /** Fisher-Yates over {@code a[from..to)}. */
    static void shuffle(int[] a, int from, int to, SplittableRandom random) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
