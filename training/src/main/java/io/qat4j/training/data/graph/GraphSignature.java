package io.qat4j.training.data.graph;

import io.qat4j.graph.data.GraphTask;
import io.qat4j.training.data.DataSignature;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Graph data as a model must match it: {@code features} features per node, and {@code outputs}
 * classes (node or graph classification) or regression targets (graph regression), per node or
 * per graph as the {@code task} says.
 *
 * @param features features per node, {@code >= 1}
 * @param outputs number of classes or regression targets, {@code >= 1}
 * @param task what the graphs are labelled for
 */
public record GraphSignature(int features, int outputs, GraphTask task) implements DataSignature {

    /** Checks that both counts are positive. */
    public GraphSignature {
        Objects.requireNonNull(task, "task");
        if (features < 1 || outputs < 1) {
            throw new IllegalArgumentException("features and outputs must be >= 1: " + features + ", " + outputs);
        }
    }

    /** @return true when the labels are per graph (graph classification or regression) */
    public boolean graphLevel() {
        return task != GraphTask.NODE_CLASSIFICATION;
    }

    /** @return true for graph regression */
    public boolean regression() {
        return task == GraphTask.GRAPH_REGRESSION;
    }

    @Override
    public String examples() {
        return graphLevel() ? "graphs" : "graph nodes";
    }

    @Override
    public OptionalInt classes() {
        return regression() ? OptionalInt.empty() : OptionalInt.of(outputs);
    }
}
