package io.qat4j.training.data.graph;

import io.qat4j.graph.data.Graph;
import io.qat4j.graph.data.GraphDataset;
import io.qat4j.graph.data.GraphTask;
import io.qat4j.graph.layers.DegreeQuantMask;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.data.DataOrigin;
import io.qat4j.training.data.DataSignature;
import io.qat4j.training.data.LoadedDataset;
import io.qat4j.training.data.TaskData;
import io.qat4j.training.eval.TaskKind;
import java.nio.file.Path;
import java.util.List;

/**
 * A graph classification or regression dataset read by a {@link GraphLevelFormat}, its node
 * features as {@code dataset.nodeFeatures} says ({@link NodeFeatureMode}), cut into the folds of
 * {@link GraphFolds}: {@code dataset.fold}'s test graphs, the previous fold's as validation, the
 * rest for training ({@link GraphLevelData}). {@code dataset.validationFraction} is not used: the
 * validation set is the previous fold. Degree-Quant's protective mask is drawn when
 * {@code quantization} is enabled with {@code method: degree-quant}. Settings the files
 * contradict (more folds than graphs, a fold count other than the shipped one, an in-degree above
 * {@code maxDegree}) are config errors at their key, located at the data file.
 */
final class GraphLevelDataset implements LoadedDataset {

    private final GraphDataset dataset;
    private final List<Graph> graphs;
    private final GraphLevelSettings settings;
    private final DataOrigin origin;

    /**
     * @param dataset the dataset as the loader read it
     * @param settings the format's settings
     * @param origin where it came from
     */
    GraphLevelDataset(GraphDataset dataset, GraphLevelSettings settings, DataOrigin origin) {
        if (dataset.task() == GraphTask.NODE_CLASSIFICATION) {
            throw new IllegalArgumentException(dataset.name() + " is labelled per node; the graph-level formats read"
                    + " graph classification and regression datasets");
        }
        this.dataset = dataset;
        try {
            this.graphs = settings.nodeFeatures().apply(dataset.graphs(), settings.maxDegree());
        } catch (IllegalArgumentException e) {
            boolean oneHot = settings.nodeFeatures() == NodeFeatureMode.DEGREE_ONE_HOT;
            throw dataError(oneHot ? "maxDegree" : "nodeFeatures", e);
        }
        this.settings = settings;
        this.origin = origin;
    }

    @Override
    public DataSignature signature() {
        Graph g = graphs.get(0);
        boolean regression = dataset.task() == GraphTask.GRAPH_REGRESSION;
        return new GraphSignature(g.featureCount(), regression ? g.targetCount() : dataset.classCount(),
                dataset.task());
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
        return taskData(null);
    }

    @Override
    public TaskData toTaskData(ExperimentConfig config) {
        return taskData(config.quantization().degreeQuantMask().orElse(null));
    }

    private TaskData taskData(DegreeQuantMask mask) {
        GraphFolds folds;
        try {
            folds = GraphFolds.of(dataset, settings.folds(), settings.fold(), settings.foldSeed());
        } catch (IllegalArgumentException e) {
            throw dataError("folds", e);
        }
        DataOrigin withSplits = origin.withExamples(DataOrigin.splits(folds.train().length,
                folds.validation().length, folds.test().length));
        TaskKind kind = dataset.task() == GraphTask.GRAPH_REGRESSION ? TaskKind.REGRESSION : TaskKind.CLASSIFICATION;
        return new GraphLevelData(dataset.name() + " fold " + settings.fold() + " of " + settings.folds(), graphs,
                folds, kind, mask, withSplits);
    }

    /** @return a config error at {@code dataset.<key>} for settings the files contradict, located at the data */
    private ConfigException dataError(String key, IllegalArgumentException e) {
        return new ConfigException(new ConfigProblem(new ConfigLocation(source().toString(), 0, 0), "dataset." + key,
                e.getMessage()));
    }
}
