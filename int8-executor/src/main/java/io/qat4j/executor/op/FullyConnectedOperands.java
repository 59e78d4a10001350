package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.FullyConnectedParams;
import io.qat4j.executor.kernel.PreparedFullyConnected;
import io.qat4j.executor.kernel.Requantization;

/**
 * The operands shared by {@link FullyConnectedOp} and {@link FullyConnectedLogitsOp}: {@code x}
 * INT8 activation of any per-example shape, read flat ({@code K} values); {@code weights} INT8 or
 * INT4_PACKED constant {@code [O, K]}; {@code bias} INT32 constant {@code [O]}.
 *
 * @param x the input tensor
 * @param weights the weight tensor
 * @param bias the bias tensor
 */
record FullyConnectedOperands(TensorInfo x, TensorInfo weights, TensorInfo bias) {

    static FullyConnectedOperands check(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        TensorInfo w = op.constantInput(1, "weights", ElementType.INT8, ElementType.INT4_PACKED);
        TensorInfo b = op.constantInput(2, "bias", ElementType.INT32);
        op.expectInputRank(1, "weights", 2);
        op.expectInputShape(1, "weights", new int[] {w.dim(0), x.elementCount()});
        op.expectInputShape(2, "bias", new int[] {w.dim(0)});
        return new FullyConnectedOperands(x, w, b);
    }

    int outputs() {
        return weights.dim(0);
    }

    /** Prepares the layer: weights unpacked and transposed once, at load time; its per-thread buffers reserved. */
    PreparedFullyConnected prepare(OpContext op, int inputZeroPoint, Requantization requantization) throws ArtifactFormatException {
        FullyConnectedParams p = op.kernel("fully connected",
                () -> new FullyConnectedParams(x.elementCount(), outputs(), inputZeroPoint, requantization));
        op.reserve(PreparedFullyConnected.scratchBytes(p), "the fully connected layer's buffers per thread");
        byte[] w = op.data(weights);
        int[] b = op.int32Data(bias);
        return op.kernel("fully connected", () -> weights.type() == ElementType.INT4_PACKED
                ? PreparedFullyConnected.ofPacked4(p, w, b) : PreparedFullyConnected.of(p, w, b));
    }
}
