package io.qat4j.graph.data;

import java.util.Arrays;

/**
 * One fold of a k-fold cross-validation over the graphs of a dataset, as the GIN text format ships
 * them ({@code 10fold_idx/train_idx-K.txt}, {@code test_idx-K.txt}: the folds of DGCNN, Zhang et
 * al., AAAI 2018, used by GIN, Xu et al., ICLR 2019). Graph indices in file order (0-based), without
 * repeats, disjoint; the arrays are copied in and out.
 *
 * @param number the fold's number {@code K}, from 1
 * @param train training graphs
 * @param test test graphs
 */
public record Fold(int number, int[] train, int[] test) {

    /** Checks the number, repeats and that training and test graphs are disjoint. */
    public Fold {
        if (number < 1) {
            throw new IllegalArgumentException("fold number " + number + " (folds are numbered from 1)");
        }
        train = train.clone();
        test = test.clone();
        int[] sortedTrain = sortedWithoutRepeats(train, number, "training");
        int[] sortedTest = sortedWithoutRepeats(test, number, "test");
        for (int g : sortedTest) {
            if (Arrays.binarySearch(sortedTrain, g) >= 0) {
                throw new IllegalArgumentException("graph " + g + " is both a training and a test graph of fold " + number);
            }
        }
    }

    private static int[] sortedWithoutRepeats(int[] graphs, int number, String name) {
        int[] sorted = graphs.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || (i > 0 && sorted[i] == sorted[i - 1])) {
                throw new IllegalArgumentException("the " + name + " graphs of fold " + number
                        + (sorted[i] < 0 ? " hold a negative index " : " repeat graph ") + sorted[i]);
            }
        }
        return sorted;
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] test() {
        return test.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fold f && number == f.number && Arrays.equals(train, f.train) && Arrays.equals(test, f.test);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * number + Arrays.hashCode(train)) + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "Fold[" + number + ": " + train.length + " train, " + test.length + " test]";
    }
}
