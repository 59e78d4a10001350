package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.IN_SHAPE;
import static io.qat4j.executor.op.CommonAttributes.KERNEL;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.PAD;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;
import static io.qat4j.executor.op.CommonAttributes.STRIDE;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AveragePool2d;
import io.qat4j.executor.kernel.AveragePool2dParams;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.Window2d;
import java.util.List;

/**
 * {@code avg_pool2d} version 1: 2-D average pooling fused with the activation quantizer that
 * follows it: the window sum of {@code x - Z_in} is requantized with the multiplier of its count
 * of in-image positions, {@code S_in / (S_out * count)} (TFLite's {@code AveragePool} divides by
 * the count; here the division and the rescale are one rounding).
 *
 * <p>Input: {@code x} INT8 activation {@code [C, H, W]}. Output: INT8 {@code [C, OH, OW]}.
 * Attributes: {@code in_shape}, {@code input_zero_point}, {@code output_zero_point},
 * {@code kernel}, {@code stride}, {@code pad}, {@code multipliers} and {@code shifts} with
 * {@code KH * KW} entries (entry {@code n - 1} for windows of {@code n} positions); see
 * {@link CommonAttributes}.
 */
public final class AveragePool2dOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "avg_pool2d";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(IN_SHAPE, INPUT_ZERO_POINT, OUTPUT_ZERO_POINT, KERNEL, STRIDE, PAD,
            MULTIPLIERS, SHIFTS);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public AveragePool2dOp() {
        super(NAME, VERSION, "2-D average pooling with requantization by window count: x INT8 [C,H,W] -> INT8 [C,OH,OW]",
                ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inShape {@code [C, H, W]}
     * @param inputZeroPoint {@code Z_in}
     * @param window kernel, stride, padding (dilation 1)
     * @param requantization multipliers by count and {@code Z_out}
     * @return the attributes
     */
    public static Attributes attributes(int[] inShape, int inputZeroPoint, Window2d window, AveragePoolRequantization requantization) {
        Attributes.Builder a = IN_SHAPE.write(Attributes.builder(), inShape);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        OUTPUT_ZERO_POINT.write(a, requantization.outputZeroPoint());
        CommonAttributes.writeWindow(a, window, false);
        MULTIPLIERS.write(a, requantization.multipliers());
        return SHIFTS.write(a, requantization.shifts()).build();
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
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        Window2d window = CommonAttributes.window(op, false);
        int[] m = MULTIPLIERS.read(op);
        int[] s = SHIFTS.read(op);
        op.expectCount(MULTIPLIERS, m, window.size(), "one per window count 1..KH*KW");
        op.expectCount(SHIFTS, s, window.size(), "one per window count 1..KH*KW");
        TensorInfo declared = op.output(0);
        int zOut = CommonAttributes.zeroPoint(op, OUTPUT_ZERO_POINT, declared, "output");
        AveragePool2dParams p = op.kernel("average pooling",
                () -> new AveragePool2dParams(in[0], in[1], in[2], window, false, zIn, ActivationClamp.INT8));
        AveragePoolRequantization rq = op.kernel("average pooling requantization", () -> {
            AveragePoolRequantization r = new AveragePoolRequantization(m, s, zOut);
            AveragePool2d.checkRequantization(p, r);
            return r;
        });
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {in[0], p.outHeight(), p.outWidth()});
        return Int8Outputs.of(out, (n, inputs, y) -> AveragePool2d.runRequantized(p, rq, n, inputs[0].bytes(), y));
    }
}
