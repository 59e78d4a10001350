package io.qat4j.training.train;

import io.qat4j.training.eval.TaskMetrics;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Receives the events of a training run: progress display, TensorBoard, and anything a user adds.
 */
public interface RunListener extends AutoCloseable {

    /**
     * After each optimizer step.
     *
     * @param step the step information
     * @param net the network after the step
     * @param batch the minibatch of the step as it is scored ({@link io.qat4j.training.data.TrainingBatch#data()}:
     *     the network's inputs in order, per-step inputs such as Degree-Quant's mask at their evaluation value)
     */
    default void onStep(Step step, ComputationGraph net, MultiDataSet batch) {
    }

    /**
     * After each epoch's evaluation.
     *
     * @param epoch the epoch's summary
     * @param net the network
     */
    default void onEpoch(EpochSummary epoch, ComputationGraph net) {
    }

    @Override
    default void close() {
    }

    /**
     * One optimizer step.
     *
     * @param step steps done, including this one
     * @param totalSteps steps of the whole run
     * @param epoch 0-based epoch
     * @param epochs number of epochs
     * @param batchInEpoch minibatches of this epoch done, including this one
     * @param batchesPerEpoch minibatches per epoch
     * @param loss minibatch loss
     * @param learningRate learning rate used for the step
     * @param examples examples in the minibatch
     * @param seconds wall time of the step
     */
    record Step(long step, long totalSteps, int epoch, int epochs, int batchInEpoch, int batchesPerEpoch,
                double loss, double learningRate, int examples, double seconds) {
    }

    /**
     * The end of an epoch.
     *
     * @param epoch 0-based epoch
     * @param step steps done
     * @param meanLoss mean minibatch loss over the epoch
     * @param test scores on the test split
     * @param validation scores on the validation split, null without one
     * @param seconds wall time of the epoch, training only
     */
    record EpochSummary(int epoch, long step, double meanLoss, TaskMetrics test, TaskMetrics validation,
                        double seconds) {
    }
}
