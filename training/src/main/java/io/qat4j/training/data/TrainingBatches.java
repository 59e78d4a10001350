package io.qat4j.training.data;

import java.util.Iterator;

/**
 * The training minibatches of one epoch at a time, with the position a checkpoint records.
 */
public interface TrainingBatches extends Iterator<TrainingBatch> {

    /** @return minibatches of the current epoch already served */
    int batchInEpoch();

    /** Moves to the first minibatch of the next epoch. */
    void nextEpoch();
}
