package io.qat4j.training.eval;

import java.util.List;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Labelled examples to score a model on, in a fixed order: a test or validation split of images,
 * the test nodes of a graph, a fold of graphs. Batches are DL4J {@link MultiDataSet}s with one
 * features array per network input, named by {@link #inputNames()} in that order, and one labels
 * array of one-hot classes or regression targets; a labels mask ({@code [rows, 1]}) leaves
 * unscored rows out, as node-level tasks do with the nodes outside the split (Kipf and Welling,
 * ICLR 2017). Inputs drawn per training step (Degree-Quant's protective mask) hold their
 * evaluation value.
 */
public interface EvaluationSet {

    /** @return classification or regression */
    TaskKind kind();

    /** @return the number of scored examples (rows selected by the masks) */
    int count();

    /** @return the true labels of the scored examples, in order */
    Predictions truth();

    /**
     * @return the names of the network inputs that the batches' features arrays feed, in order
     *     (the names the int8 artifact's inputs are matched by)
     */
    List<String> inputNames();

    /**
     * @param batchSize examples per batch, for sets that can be split; full-graph sets may ignore it
     * @return the batches, in a fixed order; each call starts from the beginning
     */
    Iterable<MultiDataSet> batches(int batchSize);
}
