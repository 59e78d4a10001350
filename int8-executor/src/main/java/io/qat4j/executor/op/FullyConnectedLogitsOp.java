package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.kernel.PreparedFullyConnected;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code fully_connected_logits} version 1: a dense layer that keeps its int32 accumulators plus
 * bias as logits, {@code acc[o] = b[o] + sum_k w[o][k] (x[k] - Z_in)} (Jacob et al., CVPR 2018,
 * eq. 7 without the output stage); the output tensor carries the per-channel scales
 * {@code S_in * S_w[o]} that dequantize them.
 *
 * <p>Inputs as {@link FullyConnectedOp}. Output: INT32 {@code [O]}. Attribute:
 * {@code input_zero_point}.
 */
public final class FullyConnectedLogitsOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "fully_connected_logits";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** The definition, as {@link OpRegistry} instantiates it. */
    public FullyConnectedLogitsOp() {
        super(NAME, VERSION, "dense layer to int32 logits: x INT8 [...K], weights INT8/INT4_PACKED [O,K], bias INT32 [O] -> INT32 [O]",
                List.of(INPUT_ZERO_POINT));
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inputZeroPoint {@code Z_in}
     * @return the attributes
     */
    public static Attributes attributes(int inputZeroPoint) {
        return INPUT_ZERO_POINT.write(Attributes.builder(), inputZeroPoint).build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        FullyConnectedOperands fc = FullyConnectedOperands.check(op);
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, fc.x(), "input");
        int classes = fc.outputs();
        op.expectOutput(0, ElementType.INT32, new int[] {classes});
        PreparedFullyConnected layer = fc.prepare(op, zIn, null);
        return inputs -> {
            int n = inputs[0].leading();
            int[] y = new int[Math.multiplyExact(n, classes)];
            layer.accumulators(n, inputs[0].bytes(), y);
            return new Tensor[] {Tensor.int32(new int[] {n, classes}, y)};
        };
    }
}
