package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.BiasRequantize;
import io.qat4j.executor.kernel.BiasRequantizeParams;
import io.qat4j.executor.kernel.Requantization;
import java.util.List;

/**
 * {@code bias_requantize} version 1: a per-channel bias added to int8 codes, requantized to the
 * output's scale and zero point and clamped ({@link BiasRequantize}): the output stage
 * {@code act(a + b)} of a graph convolution or attention layer, whose bias follows the aggregation
 * (Kipf and Welling, ICLR 2017, eq. 8), and, with a zero bias, the requantization of one
 * activation to the range of the quantizer that reads it (TFLite's int8 -> int8
 * {@code QUANTIZE}; Jacob et al., CVPR 2018, section 2.2).
 *
 * <p>Inputs: {@code x} INT8 activation {@code [C]} per row; {@code bias} INT32 constant {@code [C]},
 * in units of {@code S_in 2^-f}. Output: INT8 {@code [C]} per row. Attributes: {@code bias_shift}
 * {@code f}, {@code input_zero_point}, {@code multipliers} and {@code shifts} (one each:
 * {@code S_in 2^-f / S_out}), {@code output_zero_point}, {@code clamp}. Bound, checked at load:
 * {@code (255 2^f + |bias[c]|) 2^max(shift, 0) <= 2^31 - 1} for every channel.
 */
public final class BiasRequantizeOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "bias_requantize";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** {@code f}. */
    public static final IntAttribute BIAS_SHIFT = IntAttribute.of("bias_shift", ValueRule.range(0, BiasRequantizeParams.MAX_BIAS_SHIFT),
            "f: the bias is in units of S_in 2^-f, and the codes are shifted left by f before it is added");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(BIAS_SHIFT, INPUT_ZERO_POINT, MULTIPLIERS, SHIFTS, OUTPUT_ZERO_POINT,
            CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public BiasRequantizeOp() {
        super(NAME, VERSION, "per-channel bias add and requantization: x INT8 [C] per row, bias INT32 [C] constant in units of"
                + " S_in 2^-f -> INT8 [C] per row", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param p the kernel parameters ({@code GraphOpParams.biasRequantize}); the bias itself is the op's second input
     * @return the attributes
     */
    public static Attributes attributes(BiasRequantizeParams p) {
        Attributes.Builder a = BIAS_SHIFT.write(Attributes.builder(), p.biasShift());
        INPUT_ZERO_POINT.write(a, p.inputZeroPoint());
        return CommonAttributes.writeRequantization(a, p.requantization()).build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        op.expectInputRank(0, "input", 1);
        TensorInfo bias = op.constantInput(1, "bias", ElementType.INT32);
        op.expectInputShape(1, "bias", x.shape());
        TensorInfo out = op.expectOutput(0, ElementType.INT8, x.shape());
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        int f = BIAS_SHIFT.read(op);
        Requantization r = CommonAttributes.requantization(op, 1, out, ScatterAddOp.ONE_MULTIPLIER);
        int[] b = op.int32Data(bias);
        BiasRequantizeParams p = op.kernel("bias requantize", () -> new BiasRequantizeParams(x.dim(0), zIn, f, b, r));
        return Int8Outputs.of(out, (n, inputs, y) -> BiasRequantize.run(p, n, inputs[0].bytes(), y));
    }
}
