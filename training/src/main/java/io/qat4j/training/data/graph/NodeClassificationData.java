package io.qat4j.training.data.graph;

import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphBatch;
import io.qat4j.graph.data.NodeSplit;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.data.TrainingBatch;
import io.qat4j.training.data.TrainingBatches;
import io.qat4j.training.eval.EvaluationSet;
import io.qat4j.training.eval.Predictions;
import io.qat4j.training.eval.TaskKind;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Full-batch node classification on one graph (Kipf and Welling, ICLR 2017): every epoch is one
 * training step on the whole graph ({@link FullGraphBatch}, the batch size is not used), scored on
 * the training nodes; the test and validation sets are the whole graph with the split's nodes as
 * labels mask, evaluated with no node protected.
 */
final class NodeClassificationData implements TaskData {

    private final Graph graph;
    private final NodeSplit split;
    private final DegreeQuantMask mask;
    private final DataOrigin origin;

    /**
     * @param graph the graph, labelled per node
     * @param split the training, validation and test nodes
     * @param mask Degree-Quant's protection probabilities, or null when Degree-Quant is off
     * @param origin where the data came from
     */
    NodeClassificationData(Graph graph, NodeSplit split, DegreeQuantMask mask, DataOrigin origin) {
        this.graph = graph;
        this.split = split;
        this.mask = mask;
        this.origin = origin;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CLASSIFICATION;
    }

    /** @return 1: the whole graph is one batch */
    @Override
    public int batchesPerEpoch(int batchSize) {
        return 1;
    }

    /** @return the full graph in every step, whatever the batch size */
    @Override
    public String describeBatches(int batchSize) {
        return "step(s) on the full graph (training.batchSize is not used)";
    }

    @Override
    public TrainingBatches training(int batchSize, long seed, int epoch, int batchInEpoch) {
        FullGraphBatch batch = new FullGraphBatch(graph, split.train(), mask);
        return new TrainingBatches() {
            private int served = batchInEpoch;

            @Override
            public boolean hasNext() {
                return served < 1;
            }

            @Override
            public TrainingBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("one full-graph batch per epoch, already served");
                }
                served++;
                return batch;
            }

            @Override
            public int batchInEpoch() {
                return served;
            }

            @Override
            public void nextEpoch() {
                served = 0;
            }
        };
    }

    @Override
    public EvaluationSet test() {
        return evaluationSet(split.test());
    }

    @Override
    public Optional<EvaluationSet> validation() {
        return split.validation().length == 0 ? Optional.empty() : Optional.of(evaluationSet(split.validation()));
    }

    @Override
    public String describe() {
        return graph.nodeCount() + " nodes, " + graph.edgeCount() + " directed edges, " + graph.featureCount()
                + " features, " + graph.classCount() + " classes; " + split.train().length + " training, "
                + split.validation().length + " validation, " + split.test().length + " test nodes"
                + (mask == null ? "" : "; Degree-Quant protection p in [" + mask.pMin() + ", " + mask.pMax() + "]");
    }

    @Override
    public DataOrigin origin() {
        return origin;
    }

    private EvaluationSet evaluationSet(int[] nodes) {
        int[] labels = graph.nodeLabels();
        int[] truth = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            truth[i] = labels[nodes[i]];
        }
        return new EvaluationSet() {
            @Override
            public TaskKind kind() {
                return TaskKind.CLASSIFICATION;
            }

            @Override
            public int count() {
                return nodes.length;
            }

            @Override
            public Predictions truth() {
                return Predictions.ofClasses(truth);
            }

            @Override
            public List<String> inputNames() {
                return GraphInputs.ORDER;
            }

            /** One batch, the whole graph: message passing needs every neighbour. */
            @Override
            public Iterable<MultiDataSet> batches(int batchSize) {
                return () -> List.of(FullGraphBatch.scored(GraphBatch.of(List.of(graph)), nodes)).iterator();
            }
        };
    }
}
