package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.ChannelAffine;
import io.qat4j.executor.kernel.ChannelAffineParams;
import java.util.List;

/**
 * {@code channel_affine} version 1: {@code y_c = a_c x_c + t_c} per channel on int8 codes, in fixed
 * point ({@link ChannelAffine}): batch normalization at inference after an activation (the GIN
 * MLP's final {@code ReLU -> BN} of camlsys/degree-quant), which cannot fold into the weights
 * before it.
 *
 * <p>Input: {@code x} INT8 activation {@code [C]} per row. Output: INT8 {@code [C]} per row.
 * Attributes: {@code input_zero_point}, {@code fraction_bits} {@code P}, {@code factors}
 * {@code m_c} and {@code offsets} {@code b_c} ({@code C} signed int32 each:
 * {@code m_c ~ a_c S_in 2^P / S_out}, {@code b_c ~ t_c 2^P / S_out}), {@code output_zero_point},
 * {@code clamp}. The accumulator is 64-bit and cannot overflow ({@link ChannelAffineParams}).
 */
public final class ChannelAffineOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "channel_affine";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** {@code P}. */
    public static final IntAttribute FRACTION_BITS = IntAttribute.of("fraction_bits", ValueRule.range(0,
            ChannelAffineParams.MAX_FRACTION_BITS), "P: factors and offsets are fixed point with P fraction bits");
    /** {@code m_c}. */
    public static final IntListAttribute FACTORS = IntListAttribute.nonEmpty("factors", ValueRule.range(Integer.MIN_VALUE,
            Integer.MAX_VALUE), "m_c ~ a_c S_in 2^P / S_out, one per channel, signed");
    /** {@code b_c}. */
    public static final IntListAttribute OFFSETS = IntListAttribute.nonEmpty("offsets", ValueRule.range(Integer.MIN_VALUE,
            Integer.MAX_VALUE), "b_c ~ t_c 2^P / S_out, one per channel, signed");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INPUT_ZERO_POINT, FRACTION_BITS, FACTORS, OFFSETS,
            OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public ChannelAffineOp() {
        super(NAME, VERSION, "per-channel affine map in fixed point (batch norm after an activation): x INT8 [C] per row -> INT8 [C]"
                + " per row", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param p the kernel parameters ({@code GraphOpParams.channelAffine})
     * @return the attributes
     */
    public static Attributes attributes(ChannelAffineParams p) {
        Attributes.Builder a = INPUT_ZERO_POINT.write(Attributes.builder(), p.inputZeroPoint());
        FRACTION_BITS.write(a, p.fractionBits());
        FACTORS.write(a, p.multipliers());
        OFFSETS.write(a, p.offsets());
        OUTPUT_ZERO_POINT.write(a, p.outputZeroPoint());
        return CLAMP.write(a, p.activation().min(), p.activation().max()).build();
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
        op.expectInputRank(0, "input", 1);
        TensorInfo out = op.expectOutput(0, ElementType.INT8, x.shape());
        int c = x.dim(0);
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        int zOut = CommonAttributes.zeroPoint(op, OUTPUT_ZERO_POINT, out, "output");
        ActivationClamp clamp = CommonAttributes.clamp(op, CLAMP, out);
        int p = FRACTION_BITS.read(op);
        int[] m = FACTORS.read(op);
        op.expectCount(FACTORS, m, c, "one per channel of the input");
        int[] b = OFFSETS.read(op);
        op.expectCount(OFFSETS, b, c, "one per channel of the input");
        ChannelAffineParams params = op.kernel("channel affine", () -> new ChannelAffineParams(c, zIn, p, m, b, zOut, clamp));
        return Int8Outputs.of(out, (n, inputs, y) -> ChannelAffine.run(params, n, inputs[0].bytes(), y));
    }
}
