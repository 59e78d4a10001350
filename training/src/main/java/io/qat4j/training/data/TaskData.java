package io.qat4j.training.data;

import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.TaskKind;
import java.util.Optional;

/**
 * The data of one run, whatever its task: training minibatches in a seeded order that a checkpoint
 * can resume, and the splits the run is scored on. Images, a graph with node splits, a fold of
 * graphs and sentences all come to the trainers in this form.
 */
public interface TaskData {

    /** @return classification or regression */
    TaskKind kind();

    /**
     * @param batchSize examples per minibatch
     * @return minibatches in one epoch
     */
    int batchesPerEpoch(int batchSize);

    /**
     * The training minibatches from a position on. The order of an epoch depends only on the seed
     * and the epoch index, so that a resumed run sees exactly the batches an uninterrupted one would.
     *
     * @param batchSize examples per minibatch
     * @param seed the run's seed
     * @param epoch the epoch to start in
     * @param batchInEpoch minibatches of that epoch already done
     * @return the minibatches
     */
    TrainingBatches training(int batchSize, long seed, int epoch, int batchInEpoch);

    /** @return the test split */
    EvaluationSet test();

    /** @return the validation split, if the run holds one out */
    Optional<EvaluationSet> validation();

    /**
     * @param batchSize the config's {@code training.batchSize}
     * @return what one step trains on, for the run summary: {@code "batches of 64"}, or for data
     *     trained on whole, e.g. {@code "steps on the full graph (training.batchSize unused)"}
     */
    default String describeBatches(int batchSize) {
        return "batches of " + batchSize;
    }

    /** @return one line for the run log, e.g. {@code "60000 training, 10000 test examples, 10 classes"} */
    String describe();

    /**
     * @return where the data came from (folder, why, files with SHA-256, examples of the splits
     *     above, classes), which a run prints at start and records with its results
     */
    DataOrigin origin();
}
