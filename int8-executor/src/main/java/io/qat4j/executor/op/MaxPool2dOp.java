package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.IN_SHAPE;
import static io.qat4j.executor.op.CommonAttributes.KERNEL;
import static io.qat4j.executor.op.CommonAttributes.PAD;
import static io.qat4j.executor.op.CommonAttributes.STRIDE;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.MaxPool2d;
import io.qat4j.executor.kernel.MaxPool2dParams;
import io.qat4j.executor.kernel.Window2d;
import java.util.List;

/**
 * {@code max_pool2d} version 1: 2-D max pooling of int8 codes, which needs no requantization
 * because the maximum commutes with the affine map {@code r = S(q - Z)} (TFLite's
 * {@code reference_integer_ops::MaxPool}); the output has the input's scale and zero point.
 *
 * <p>Input: {@code x} INT8 activation {@code [C, H, W]}. Output: INT8 {@code [C, OH, OW]} with
 * the input's zero point. Attributes: {@code in_shape}, {@code kernel}, {@code stride},
 * {@code pad}; see {@link CommonAttributes}.
 */
public final class MaxPool2dOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "max_pool2d";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(IN_SHAPE, KERNEL, STRIDE, PAD);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public MaxPool2dOp() {
        super(NAME, VERSION, "2-D max pooling (TFLite MaxPool): x INT8 [C,H,W] -> INT8 [C,OH,OW], same scale and zero point",
                ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inShape {@code [C, H, W]}
     * @param window kernel, stride, padding (dilation 1)
     * @return the attributes
     */
    public static Attributes attributes(int[] inShape, Window2d window) {
        return CommonAttributes.writeWindow(IN_SHAPE.write(Attributes.builder(), inShape), window, false).build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(1, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        int[] in = CommonAttributes.inShape(op, 0);
        Window2d window = CommonAttributes.window(op, false);
        MaxPool2dParams p = op.kernel("max pooling", () -> new MaxPool2dParams(in[0], in[1], in[2], window, ActivationClamp.INT8));
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {in[0], p.outHeight(), p.outWidth()});
        op.expectOutputQuantizedAs(0, x, "input", "max pooling does not requantize");
        return Int8Outputs.of(out, (n, inputs, y) -> MaxPool2d.run(p, n, inputs[0].bytes(), y));
    }
}
