package io.qat4j.training.data.graph;

import io.qat4j.training.data.DataSignature;
import java.util.OptionalInt;

/**
 * Node classification data: every node has {@code features} features and one of
 * {@code classCount} labels.
 *
 * @param features features per node, {@code >= 1}
 * @param classCount number of classes, {@code >= 1}
 */
public record GraphSignature(int features, int classCount) implements DataSignature {

    /** Checks that both are positive. */
    public GraphSignature {
        if (features < 1 || classCount < 1) {
            throw new IllegalArgumentException("features and classes must be >= 1: " + features + ", " + classCount);
        }
    }

    @Override
    public String examples() {
        return "graph nodes";
    }

    @Override
    public OptionalInt classes() {
        return OptionalInt.of(classCount);
    }
}
