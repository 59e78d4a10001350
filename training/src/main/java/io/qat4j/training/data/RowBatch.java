package io.qat4j.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A training batch whose examples are the rows of every array: row {@code i} of each features
 * array, labels array and mask is example {@code i} (images, and any task whose examples are
 * independent rows). It splits into shards of contiguous rows, the row-wise data parallelism of
 * synchronous parameter averaging (McDonald et al., NAACL 2010): shard {@code s} of {@code n}
 * holds rows {@code [floor(B s / n), floor(B (s + 1) / n))} of a batch of {@code B} rows, so
 * shards differ by at most one row (by one when {@code n} does not divide {@code B}, as in a short
 * last minibatch). It has no per-step inputs.
 *
 * @param data the arrays, every one with the same number of rows (its first dimension)
 */
public record RowBatch(MultiDataSet data) implements TrainingBatch {

    private static final long serialVersionUID = 1L;

    /**
     * Checks that there is a features array and that every array has the rows of the first.
     *
     * @throws IllegalArgumentException naming the array whose rows differ
     */
    public RowBatch {
        Objects.requireNonNull(data, "data");
        if (data.numFeatureArrays() < 1 || data.getFeatures(0) == null) {
            throw new IllegalArgumentException("a row batch needs at least one features array");
        }
        long rows = data.getFeatures(0).size(0);
        checkRows(data.getFeatures(), "features", rows);
        checkRows(data.getLabels(), "labels", rows);
        checkRows(data.getFeaturesMaskArrays(), "features mask", rows);
        checkRows(data.getLabelsMaskArrays(), "labels mask", rows);
    }

    private static void checkRows(INDArray[] arrays, String kind, long rows) {
        if (arrays == null) {
            return;
        }
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            if (a != null && (a.rank() == 0 || a.size(0) != rows)) {
                throw new IllegalArgumentException(kind + " array " + i + " of shape " + Arrays.toString(a.shape())
                        + " does not have the " + rows + " rows of features array 0");
            }
        }
    }

    /**
     * @param d a one-input DL4J batch
     * @return the same arrays as a row batch (not copied)
     */
    public static RowBatch of(DataSet d) {
        return new RowBatch(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(), d.getLabels(),
                d.getFeaturesMaskArray(), d.getLabelsMaskArray()));
    }

    @Override
    public int examples() {
        return Math.toIntExact(data.getFeatures(0).size(0));
    }

    @Override
    public List<TrainingBatch> shards(int n) {
        int examples = examples();
        if (n < 1 || n > examples) {
            throw new IllegalArgumentException("a batch of " + examples + " rows splits into 1 to " + examples
                    + " shards, not " + n);
        }
        if (n == 1) {
            return List.of(this);
        }
        List<TrainingBatch> out = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            out.add(rows(shardStart(examples, s, n), shardStart(examples, s + 1, n)));
        }
        return out;
    }

    /**
     * @param examples rows of a batch
     * @param shard a shard index, from 0 to {@code n} ({@code n} gives the end of the last shard)
     * @param n the number of shards
     * @return the first row of that shard, {@code floor(examples * shard / n)}
     */
    public static int shardStart(int examples, int shard, int n) {
        return (int) ((long) examples * shard / n);
    }

    /**
     * @param from first row
     * @param to row after the last
     * @return rows {@code [from, to)} of every array (features, labels and their masks), copied
     */
    public RowBatch rows(int from, int to) {
        return new RowBatch(new org.nd4j.linalg.dataset.MultiDataSet(rows(data.getFeatures(), from, to),
                rows(data.getLabels(), from, to), rows(data.getFeaturesMaskArrays(), from, to),
                rows(data.getLabelsMaskArrays(), from, to)));
    }

    private static INDArray[] rows(INDArray[] arrays, int from, int to) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null ? null : arrays[i].get(NDArrayIndex.interval(from, to)).dup();
        }
        return out;
    }
}
