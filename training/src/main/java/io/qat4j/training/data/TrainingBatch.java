package io.qat4j.training.data;

import java.io.Serializable;
import java.util.List;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The global minibatch of one training step, as the step runners move it: a DL4J
 * {@link MultiDataSet} (one features array per network input, in the order of the network's
 * inputs, with labels and their masks), the number of examples it holds, how it splits into the
 * shards of data-parallel workers, and the inputs it draws anew at every step. An image batch is a
 * one-input {@link MultiDataSet} split by rows ({@link RowBatch}); a batch of graphs is to split by
 * whole graphs, and a task of one graph (full-batch node classification) cannot be split.
 *
 * <p><b>Per-step inputs.</b> Some inputs are drawn at every training step rather than stored, such
 * as Degree-Quant's protective mask (Tailor et al., ICLR 2021: one Bernoulli draw per node and
 * forward pass). A batch draws them in {@link #forStep}, from the seed of the step alone (the
 * global step's seed, which every worker of a Spark round is given), and keys each example's draw
 * by the example's position in the global batch ({@link #exampleSeed}), never by its position in
 * a shard. So a shard draws exactly its part of what the whole batch draws: the local runner and
 * the Spark runner train on the same masks for the same step, and a retried Spark task draws them
 * again. {@code forStep} must not use ND4J's random generator, which the runners seed for the
 * network's own randomness (dropout) per worker.
 *
 * <p>Batches travel to Spark executors in Java serialization: an implementation holds only what a
 * worker needs for its shard (its rows or graphs, not the global batch's), so that a task carries
 * its data and, once, the batch class's descriptor ({@code RowBatchTest} measures a task of image
 * shards against the {@code DataSet}s shipped before: 117 bytes more for one shard of 16 images,
 * about 51.7 KB, and 8 bytes less for each further shard).
 */
public interface TrainingBatch extends Serializable {

    /**
     * @return the batch as it is scored: features in network-input order, labels, masks; per-step
     *     inputs at their evaluation value (e.g. no node protected)
     */
    MultiDataSet data();

    /**
     * @return the examples of the batch (images, graphs, or the labelled nodes of a graph): the
     *     weight of its loss when the losses of shards are averaged, and the count of throughput
     */
    int examples();

    /**
     * Splits the batch for data-parallel workers: shard {@code s} of {@code n} holds the
     * {@code s}-th contiguous run of examples, the runs as equal as the examples allow, so that
     * the shards in order hold every example of the batch once.
     *
     * @param n the number of shards, from 1 to {@link #examples()}
     * @return n batches; {@code List.of(this)} for {@code n == 1}
     * @throws IllegalArgumentException when n is out of range
     * @throws UnsupportedOperationException when the task cannot be split, saying why (e.g. a
     *     single full graph)
     */
    List<TrainingBatch> shards(int n);

    /**
     * The batch as training step {@code stepSeed} sees it: {@link #data()} with its per-step inputs
     * drawn (see the class documentation); the same value for the same seed.
     *
     * @param stepSeed the seed of the global step
     * @return the batch to fit; {@link #data()} for a batch without per-step inputs
     */
    default MultiDataSet forStep(long stepSeed) {
        return data();
    }

    /**
     * The seed of one example's per-step draws: SplitMix64's output function (Steele, Lea and
     * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) of the step seed
     * advanced by the example's index times the golden-ratio increment, so that nearby steps and
     * examples get unrelated seeds.
     *
     * @param stepSeed the seed of the global step
     * @param example the example's index in the global batch
     * @return the seed of that example's draws, e.g. for a {@link java.util.SplittableRandom}
     */
    static long exampleSeed(long stepSeed, long example) {
        long z = stepSeed + (example + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
