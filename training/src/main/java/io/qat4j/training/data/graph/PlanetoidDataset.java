package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.graph.data.NodeSplit;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.DataSignature;
import io.qat4j.training.data.LoadedDataset;
import io.qat4j.training.data.TaskData;
import io.qat4j.graph.layers.DegreeQuantMask;
import java.nio.file.Path;

/**
 * A LINQS citation graph read by {@link PlanetoidFormat}, its features row-normalised or not, as
 * full-batch node classification data ({@link NodeClassificationData}). The split is the one
 * shipped in the split file, else drawn from the run's seed ({@link PlanetoidSplits}); the
 * Planetoid split has its own validation nodes, so {@code dataset.validationFraction} is not used.
 * Degree-Quant's protective mask is drawn when {@code quantization} is enabled with
 * {@code method: degree-quant}.
 */
final class PlanetoidDataset implements LoadedDataset {

    private final GraphDataset dataset;
    private final Graph graph;
    private final DataOrigin origin;

    /**
     * @param dataset the graph as the loader read it: one node-labelled graph
     * @param normalizeFeatures whether each node's features are divided by their sum
     * @param origin where it came from
     */
    PlanetoidDataset(GraphDataset dataset, boolean normalizeFeatures, DataOrigin origin) {
        this.dataset = dataset;
        Graph g = dataset.graphs().get(0);
        this.graph = normalizeFeatures ? Graph.forNodeClassification(g.nodeCount(), g.featureCount(),
                rowNormalized(g.features(), g.featureCount()), g.src(), g.dst(), g.nodeLabels(), g.classCount()) : g;
        this.origin = origin;
    }

    /**
     * Kipf and Welling's {@code preprocess_features}: every row divided by its sum; a row summing
     * to 0 stays 0.
     *
     * @param features row-major {@code [n x f]}
     * @param f features per row
     * @return the normalised copy
     */
    static float[] rowNormalized(float[] features, int f) {
        float[] out = features.clone();
        for (int r = 0; r < out.length / f; r++) {
            double sum = 0;
            for (int j = 0; j < f; j++) {
                sum += out[r * f + j];
            }
            if (sum != 0) {
                for (int j = 0; j < f; j++) {
                    out[r * f + j] = (float) (out[r * f + j] / sum);
                }
            }
        }
        return out;
    }

    @Override
    public DataSignature signature() {
        return new GraphSignature(graph.featureCount(), dataset.classCount(), GraphTask.NODE_CLASSIFICATION);
    }

    @Override
    public Path source() {
        return dataset.files().get(0);
    }

    @Override
    public DataOrigin origin() {
        return origin;
    }

    /** Without Degree-Quant. */
    @Override
    public TaskData toTaskData(long seed, double validationFraction) {
        return taskData(seed, null);
    }

    @Override
    public TaskData toTaskData(ExperimentConfig config) {
        return taskData(config.seed(), config.quantization().degreeQuantMask().orElse(null));
    }

    private TaskData taskData(long seed, DegreeQuantMask mask) {
        NodeSplit split = dataset.nodeSplit()
                .orElseGet(() -> PlanetoidSplits.draw(graph.nodeLabels(), dataset.classCount(), seed));
        DataOrigin withSplits = origin.withExamples(DataOrigin.splits(split.train().length,
                split.validation().length, split.test().length));
        return new NodeClassificationData(graph, split, mask, withSplits);
    }
}
