package io.qat4j.training.distributed;

import java.io.Serializable;

/**
 * What one Spark task of {@link DistributedEvaluation} returns: how many examples of its
 * {@link IdxSlice} it scored and the confusion matrix of the int8 executor's predictions
 * (rows: true class, columns: predicted class; Stehman, "Selecting and interpreting measures of
 * thematic classification accuracy", 1997), from which the driver derives accuracy and per-class
 * accuracy by summing the tasks' matrices.
 *
 * @param slice the slice's index
 * @param examples examples scored
 * @param classes the model's classes
 * @param confusion {@code [classes * classes]} counts, {@code confusion[label * classes + predicted]}
 * @param nanos time the task spent, loading the executor included
 */
public record PartitionScore(int slice, long examples, int classes, long[] confusion, long nanos) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Checks the matrix size and copies it. */
    public PartitionScore {
        if (confusion.length != (long) classes * classes) {
            throw new IllegalArgumentException("a confusion matrix of " + classes + " classes has " + classes * classes
                    + " cells, got " + confusion.length);
        }
        confusion = confusion.clone();
    }

    @Override
    public long[] confusion() {
        return confusion.clone();
    }
}
