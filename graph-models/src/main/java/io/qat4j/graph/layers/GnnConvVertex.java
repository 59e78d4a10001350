package io.qat4j.graph.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;

/**
 * A message-passing vertex (GCN, GIN, GAT; Gilmer et al., ICML 2017): it reads the {@code nodes}
 * and {@code edges} inputs and, for Degree-Quant, the {@code protect} input as its third, and gives
 * one row of {@link #outputWidth()} features per node.
 */
public abstract class GnnConvVertex extends GnnVertex {

    /** @return output features per node */
    public abstract long outputWidth();

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 3;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        checkInputs(nIn, vertexInputs, quant.protects() ? 3 : 2, 3);
        return InputType.feedForward(outputWidth());
    }
}
