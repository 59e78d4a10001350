package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.DILATION;
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
import io.qat4j.executor.kernel.Conv2dParams;
import io.qat4j.executor.kernel.PreparedConv2d;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.Window2d;
import java.util.List;

/**
 * {@code conv2d} version 1: 2-D convolution with per-output-channel requantization (TFLite's
 * {@code reference_integer_ops::ConvPerChannel}; Jacob et al., CVPR 2018, section 2.3).
 *
 * <p>Inputs: {@code x} INT8 activation {@code [C, H, W]}; {@code weights} INT8 or INT4_PACKED
 * constant {@code [O, C/groups, KH, KW]}, symmetric; {@code bias} INT32 constant {@code [O]}.
 * Output: INT8 {@code [O, OH, OW]}. Attributes: {@code in_shape}, {@code kernel}, {@code stride},
 * {@code dilation}, {@code pad} (top, left, bottom, right), {@code groups} (divides C and O),
 * {@code input_zero_point}, {@code multipliers} and {@code shifts} (one per output channel),
 * {@code output_zero_point}, {@code clamp}; see {@link CommonAttributes}.
 */
public final class Conv2dOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "conv2d";
    /** The version this class defines. */
    public static final int VERSION = 1;
    /** Convolution groups. */
    public static final IntAttribute GROUPS = IntAttribute.of("groups", ValueRule.POSITIVE,
            "groups; divides the input and output channels");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(IN_SHAPE, KERNEL, STRIDE, DILATION, PAD, GROUPS, INPUT_ZERO_POINT,
            MULTIPLIERS, SHIFTS, OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public Conv2dOp() {
        super(NAME, VERSION, "2-D convolution, per-channel requantization (TFLite ConvPerChannel): x INT8 [C,H,W], weights INT8/INT4_PACKED "
                + "[O,C/groups,KH,KW], bias INT32 [O] -> INT8 [O,OH,OW]",
                ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inShape {@code [C, H, W]}
     * @param window kernel, stride, dilation, padding
     * @param groups groups
     * @param inputZeroPoint {@code Z_in}
     * @param requantization per-channel output stage
     * @return the attributes
     */
    public static Attributes attributes(int[] inShape, Window2d window, int groups, int inputZeroPoint, Requantization requantization) {
        Attributes.Builder a = IN_SHAPE.write(Attributes.builder(), inShape);
        CommonAttributes.writeWindow(a, window, true);
        GROUPS.write(a, groups);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        return CommonAttributes.writeRequantization(a, requantization).build();
    }

    /** @return true: each example (row, image) of the batch is computed from itself alone */
    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        TensorInfo w = op.constantInput(1, "weights", ElementType.INT8, ElementType.INT4_PACKED);
        TensorInfo b = op.constantInput(2, "bias", ElementType.INT32);
        int[] in = CommonAttributes.inShape(op, 0);
        Window2d window = CommonAttributes.window(op, true);
        int groups = GROUPS.read(op);
        if (in[0] % groups != 0) {
            throw op.attributeError(GROUPS, groups + " does not divide the " + in[0] + " input channels");
        }
        op.expectInputRank(1, "weights", 4);
        int outC = w.dim(0);
        if (outC % groups != 0) {
            throw op.attributeError(GROUPS, groups + " does not divide the " + outC + " output channels of the weights");
        }
        op.expectInputShape(1, "weights", new int[] {outC, in[0] / groups, window.kernelHeight(), window.kernelWidth()});
        op.expectInputShape(2, "bias", new int[] {outC});
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        Requantization rq = CommonAttributes.requantization(op, outC, op.output(0));
        Conv2dParams p = op.kernel("convolution", () -> new Conv2dParams(in[0], in[1], in[2], outC, groups, window, zIn, rq));
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {outC, p.outHeight(), p.outWidth()});
        op.reserve(PreparedConv2d.scratchBytes(p), "the convolution's im2col scratch per thread");
        byte[] weights = op.data(w);
        int[] bias = op.int32Data(b);
        // weights unpacked and laid out once, at load time; per-thread scratch inside
        PreparedConv2d conv = op.kernel("convolution", () -> w.type() == ElementType.INT4_PACKED
                ? PreparedConv2d.ofPacked4(p, weights, bias) : PreparedConv2d.of(p, weights, bias));
        return Int8Outputs.of(out, (n, inputs, y) -> conv.run(n, inputs[0].bytes(), y));
    }
}
