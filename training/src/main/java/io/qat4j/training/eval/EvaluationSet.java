package io.qat4j.training.eval;

import org.nd4j.linalg.dataset.DataSet;

/**
 * Labelled examples to score a model on, in a fixed order: a test or validation split of images,
 * the test nodes of a graph, a fold of graphs. Batches are DL4J {@link DataSet}s whose labels are
 * one-hot classes or regression targets; a labels mask ({@code [rows, 1]}) leaves unscored rows out,
 * as node-level tasks do with the nodes outside the split (Kipf and Welling, ICLR 2017).
 */
public interface EvaluationSet {

    /** @return classification or regression */
    TaskKind kind();

    /** @return the number of scored examples (rows selected by the masks) */
    int count();

    /** @return the true labels of the scored examples, in order */
    Predictions truth();

    /**
     * @param batchSize examples per batch, for sets that can be split; full-graph sets may ignore it
     * @return the batches, in a fixed order; each call starts from the beginning
     */
    Iterable<DataSet> batches(int batchSize);
}
