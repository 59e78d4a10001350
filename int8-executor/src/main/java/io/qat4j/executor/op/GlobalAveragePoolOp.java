package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.IN_SHAPE;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.GlobalAveragePool;
import io.qat4j.executor.kernel.GlobalAveragePoolParams;
import java.util.List;

/**
 * {@code global_avg_pool} version 1: the mean over height and width of each channel, fused with
 * the activation quantizer that follows it: the sum of {@code x - Z_in} over {@code H * W}
 * positions times the Q31 multiplier of {@code S_in / (S_out * H * W)} (TFLite's
 * {@code Mean} with requantization).
 *
 * <p>Input: {@code x} INT8 activation {@code [C, H, W]}. Output: INT8 {@code [C]}. Attributes:
 * {@code in_shape}, {@code input_zero_point}, {@code output_zero_point}, {@code multipliers} and
 * {@code shifts} (one entry each), {@code clamp}; see {@link CommonAttributes}.
 */
public final class GlobalAveragePoolOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "global_avg_pool";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(IN_SHAPE, INPUT_ZERO_POINT, OUTPUT_ZERO_POINT, MULTIPLIERS, SHIFTS,
            CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public GlobalAveragePoolOp() {
        super(NAME, VERSION, "global average pooling with requantization: x INT8 [C,H,W] -> INT8 [C]",
                ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inShape {@code [C, H, W]}
     * @param inputZeroPoint {@code Z_in}
     * @param multiplier {@code S_in / (S_out * H * W)}
     * @param outputZeroPoint {@code Z_out}
     * @param clamp output clamp
     * @return the attributes
     */
    public static Attributes attributes(int[] inShape, int inputZeroPoint, QuantizedMultiplier multiplier, int outputZeroPoint,
            ActivationClamp clamp) {
        Attributes.Builder a = IN_SHAPE.write(Attributes.builder(), inShape);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        OUTPUT_ZERO_POINT.write(a, outputZeroPoint);
        MULTIPLIERS.write(a, multiplier.multiplier());
        SHIFTS.write(a, multiplier.shift());
        return CLAMP.write(a, clamp.min(), clamp.max()).build();
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
        int[] m = MULTIPLIERS.read(op);
        int[] s = SHIFTS.read(op);
        op.expectCount(MULTIPLIERS, m, 1, "one multiplier for the whole pool");
        op.expectCount(SHIFTS, s, 1, "one shift for the whole pool");
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {in[0]});
        int zOut = CommonAttributes.zeroPoint(op, OUTPUT_ZERO_POINT, out, "output");
        ActivationClamp clamp = CommonAttributes.clamp(op, CLAMP, out);
        GlobalAveragePoolParams p = op.kernel("global average pooling", () -> new GlobalAveragePoolParams(in[0], in[1], in[2], zIn, clamp));
        QuantizedMultiplier qm = op.kernel("global average pooling requantization", () -> {
            QuantizedMultiplier q = new QuantizedMultiplier(m[0], s[0]);
            GlobalAveragePool.checkRequantization(p, q, zOut);
            return q;
        });
        return Int8Outputs.of(out, (n, inputs, y) -> GlobalAveragePool.runRequantized(p, qm, zOut, n, inputs[0].bytes(), y));
    }
}
