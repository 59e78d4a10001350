package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.data.TrainingBatch;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The training batch of full-batch node classification (Kipf and Welling, ICLR 2017): the whole
 * graph in the four inputs of {@link io.qat4j.graph.GraphInputs}, the labels of every node and a
 * labels mask selecting the training nodes, weighted so that the loss is their mean. {@link #forStep} draws the {@code protect} input with
 * {@link DegreeQuantMask} from the step's seed keyed by the graph's index 0 in the batch
 * ({@link TrainingBatch#exampleSeed}); without Degree-Quant it is all zeros. One graph cannot be
 * split between data-parallel workers: {@link #shards} refuses any split but one.
 */
final class FullGraphBatch implements TrainingBatch {

    private static final long serialVersionUID = 1L;

    private final Graph graph;
    private final int[] trainNodes;
    private final double pMin;
    private final double pMax;
    private final boolean degreeQuant;
    private transient MultiDataSet data;
    private transient double[] inDegreeCdf;

    /**
     * @param graph the graph, labelled per node
     * @param trainNodes the nodes whose labels are trained on, ascending
     * @param mask Degree-Quant's protection probabilities, or null when Degree-Quant is off
     */
    FullGraphBatch(Graph graph, int[] trainNodes, DegreeQuantMask mask) {
        this.graph = graph;
        this.trainNodes = trainNodes.clone();
        this.degreeQuant = mask != null;
        this.pMin = mask == null ? 0 : mask.pMin();
        this.pMax = mask == null ? 0 : mask.pMax();
    }

    @Override
    public synchronized MultiDataSet data() {
        if (data == null) {
            GraphBatch b = GraphBatch.of(List.of(graph));
            inDegreeCdf = b.inDegreeCdf();
            MultiDataSet scored = scored(b, trainNodes);
            // DL4J divides the masked loss by all N rows; weighting the mask by N / k makes it the
            // mean over the k training nodes, as Kipf and Welling's loss, so that weight decay keeps
            // its configured strength against the data term
            INDArray weights = scored.getLabelsMaskArray(0).mul((double) b.nodeCount() / trainNodes.length);
            data = new org.nd4j.linalg.dataset.MultiDataSet(scored.getFeatures(), scored.getLabels(), null,
                    new INDArray[] {weights});
        }
        return data;
    }

    /**
     * @param b a batch of one node-labelled graph
     * @param nodes the nodes to score
     * @return the four inputs (no node protected), the labels and a labels mask selecting {@code nodes}
     */
    static MultiDataSet scored(GraphBatch b, int[] nodes) {
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[] {b.nodesArray(), b.edgesArray(), b.graphArray(), DegreeQuantMask.none(b.nodeCount())},
                new INDArray[] {b.labelsArray()}, null, new INDArray[] {b.labelsMaskArray(nodes)});
    }

    @Override
    public int examples() {
        return trainNodes.length;
    }

    @Override
    public List<TrainingBatch> shards(int n) {
        if (n == 1) {
            return List.of(this);
        }
        throw new UnsupportedOperationException("full-batch node classification trains on one whole graph ("
                + graph.nodeCount() + " nodes), which cannot be split into " + n + " shards for data-parallel"
                + " workers; train it on one worker (no `distributed` section)");
    }

    /** The batch with the {@code protect} input drawn for this step (all zeros without Degree-Quant). */
    @Override
    public MultiDataSet forStep(long stepSeed) {
        MultiDataSet d = data();
        if (!degreeQuant) {
            return d;
        }
        INDArray[] features = d.getFeatures().clone();
        features[3] = new DegreeQuantMask(pMin, pMax).draw(inDegreeCdf, TrainingBatch.exampleSeed(stepSeed, 0));
        return new org.nd4j.linalg.dataset.MultiDataSet(features, d.getLabels(), null, d.getLabelsMaskArrays());
    }
}
