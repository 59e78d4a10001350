package io.qat4j.training.train;

import io.qat4j.training.data.TrainingBatch;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * How a trainer runs optimizer steps: the only thing in which trainers differ. The
 * {@link RunLifecycle} owns everything around them (run folder, seeding, checkpoints, listeners,
 * evaluation, export and report).
 *
 * <p>Steps come in rounds of at most {@link #stepsPerRound()} consecutive steps (a runner that
 * averages workers' copies every k steps, as in synchronous parameter averaging, needs the k
 * minibatches at once). The lifecycle never hands a round across an epoch end, a checkpoint step or
 * the step limit, so checkpoints fall on round boundaries.
 *
 * <p>Contract of {@link #fit}: step {@code i} fits {@link TrainingBatch#forStep forStep(stepSeeds[i])}
 * of its batch (or of each worker's shard of it: the per-step inputs are drawn from the global
 * step's seed, so every runner draws the same), with DL4J's {@code fit(MultiDataSet)}, after
 * seeding ND4J's random generator with {@code stepSeeds[i]} (a worker's shard uses a seed derived
 * from it and the shard index); after the call the network holds the updated parameters, updater
 * state and quantizer state after all the steps, and its iteration count (which the quantization
 * schedule follows) has grown by the number of steps.
 */
public interface StepRunner extends AutoCloseable {

    /** @return the most steps one {@link #fit} call takes; 1 unless the runner averages over several */
    default int stepsPerRound() {
        return 1;
    }

    /**
     * @param net the network, updated in place
     * @param batches the global minibatches of consecutive steps, at most {@link #stepsPerRound()}
     * @param stepSeeds the random seed of each step, as many as batches
     * @return the minibatch loss of each step
     */
    double[] fit(ComputationGraph net, List<TrainingBatch> batches, long[] stepSeeds);

    /** Releases what the runner holds (a Spark context, worker threads); the default holds nothing. */
    @Override
    default void close() {
    }
}
