package io.qat4j.training.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How a trainer runs one optimizer step: the only thing in which trainers differ. The
 * {@link RunLifecycle} owns everything around it (run folder, seeding, checkpoints, listeners,
 * evaluation, export and report).
 *
 * <p>Contract: after {@link #fit} the network holds the updated parameters, updater state and
 * quantizer state, and its iteration count (which the quantization schedule follows) has grown by
 * one. The lifecycle seeds ND4J's random generator before every call.
 */
public interface StepRunner extends AutoCloseable {

    /**
     * @param net the network, updated in place
     * @param batch the step's global minibatch
     * @return the minibatch loss
     */
    double fit(ComputationGraph net, DataSet batch);

    /** Releases what the runner holds (a Spark context, worker threads); the default holds nothing. */
    @Override
    default void close() {
    }
}
