package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.data.TrainingBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A minibatch of whole graphs for graph classification or regression (PyG's {@code DataLoader}
 * collating with {@code Batch}): the graphs collated by {@link GraphBatch} into the four inputs of
 * {@link io.qat4j.graph.GraphInputs} and labels {@code [G, C]} one-hot or {@code [G, T]} targets.
 *
 * <p>{@link #shards} splits by whole graphs, as {@link GraphBatch#shards}: the first {@code G mod n}
 * shards one graph more. {@link #forStep} draws the {@code protect} input with
 * {@link DegreeQuantMask}, graph by graph, each graph from its own generator seeded
 * {@link TrainingBatch#exampleSeed}{@code (stepSeed, i)} where {@code i} is the graph's index in the
 * global batch (a shard remembers where its graphs start), so that the shards of a step draw
 * exactly the masks the whole batch draws. A shard holds only its own graphs.
 */
final class GraphMinibatch implements TrainingBatch {

    private static final long serialVersionUID = 1L;

    private final ArrayList<Graph> graphs;
    private final int first;
    private final double pMin;
    private final double pMax;
    private final boolean degreeQuant;
    private transient MultiDataSet data;
    private transient GraphBatch batch;

    /**
     * @param graphs the graphs, labelled per graph, at least one
     * @param first the index of the first graph in the global batch (0 for a global batch)
     * @param mask Degree-Quant's protection probabilities, or null when Degree-Quant is off
     */
    GraphMinibatch(List<Graph> graphs, int first, DegreeQuantMask mask) {
        if (graphs.isEmpty()) {
            throw new IllegalArgumentException("a minibatch needs at least one graph");
        }
        this.graphs = new ArrayList<>(graphs);
        this.first = first;
        this.degreeQuant = mask != null;
        this.pMin = mask == null ? 0 : mask.pMin();
        this.pMax = mask == null ? 0 : mask.pMax();
    }

    /**
     * @param b collated graphs
     * @return the four inputs (no node protected) and the labels of the graphs
     */
    static MultiDataSet inputsAndLabels(GraphBatch b) {
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {b.nodesArray(), b.edgesArray(), b.graphArray(), DegreeQuantMask.none(b.nodeCount())},
                new INDArray[] {b.labelsArray()});
    }

    @Override
    public synchronized MultiDataSet data() {
        if (data == null) {
            batch = GraphBatch.of(graphs);
            data = inputsAndLabels(batch);
        }
        return data;
    }

    @Override
    public int examples() {
        return graphs.size();
    }

    @Override
    public List<TrainingBatch> shards(int n) {
        int g = graphs.size();
        if (n < 1 || n > g) {
            throw new IllegalArgumentException("cannot split a minibatch of " + g + " graphs into " + n
                    + " shards of whole graphs (expected 1.." + g + ")");
        }
        if (n == 1) {
            return List.of(this);
        }
        List<TrainingBatch> out = new ArrayList<>(n);
        int from = 0;
        for (int s = 0; s < n; s++) {
            int size = g / n + (s < g % n ? 1 : 0);
            out.add(new GraphMinibatch(graphs.subList(from, from + size), first + from,
                    degreeQuant ? new DegreeQuantMask(pMin, pMax) : null));
            from += size;
        }
        return out;
    }

    /** The minibatch with the {@code protect} input drawn for this step (all zeros without Degree-Quant). */
    @Override
    public MultiDataSet forStep(long stepSeed) {
        MultiDataSet d = data();
        if (!degreeQuant) {
            return d;
        }
        DegreeQuantMask mask = new DegreeQuantMask(pMin, pMax);
        double[] cdf = batch.inDegreeCdf();
        int[] offsets = batch.nodeOffsets();
        float[] protect = new float[batch.nodeCount()];
        for (int j = 0; j < graphs.size(); j++) {
            mask.drawInto(cdf, offsets[j], offsets[j + 1],
                    new SplittableRandom(TrainingBatch.exampleSeed(stepSeed, first + j)), protect);
        }
        INDArray[] features = d.getFeatures().clone();
        features[3] = Nd4j.create(protect, new long[] {protect.length, 1}, 'c');
        return new org.nd4j.linalg.dataset.MultiDataSet(features, d.getLabels());
    }
}
