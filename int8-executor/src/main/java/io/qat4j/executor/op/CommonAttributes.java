package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.Window2d;
import java.util.Arrays;

/**
 * The attributes several ops share, declared once with their documentation and their readers and
 * writers: the per-example input shape, the 2-D window (TFLite {@code Padding}/{@code stride}/
 * {@code dilation}), zero points, and the requantization of an int32 accumulator to int8 codes
 * (per-channel Q31 multipliers and shifts, TFLite {@code MultiplyByQuantizedMultiplier}; Jacob et
 * al., CVPR 2018, section 2.2), with its activation clamp. Each op lists in {@link
 * OpDefinition#attributes()} which of them it takes.
 */
public final class CommonAttributes {

    private CommonAttributes() {
    }

    /** Per-example input shape {@code [C, H, W]}; must equal the input tensor's shape. */
    public static final IntListAttribute IN_SHAPE = IntListAttribute.exactly("in_shape", 3, ValueRule.POSITIVE,
            "input shape [C, H, W] of one example; equals the input tensor's shape");
    /** Window height and width. */
    public static final IntListAttribute KERNEL = IntListAttribute.exactly("kernel", 2, ValueRule.POSITIVE,
            "window height and width");
    /** Stride height and width. */
    public static final IntListAttribute STRIDE = IntListAttribute.exactly("stride", 2, ValueRule.POSITIVE,
            "stride height and width");
    /** Dilation height and width. */
    public static final IntListAttribute DILATION = IntListAttribute.exactly("dilation", 2, ValueRule.POSITIVE,
            "dilation height and width");
    /** Zero padding top, left, bottom, right. */
    public static final IntListAttribute PAD = IntListAttribute.exactly("pad", 4, ValueRule.NON_NEGATIVE,
            "zero padding top, left, bottom, right (in input codes equal to the input zero point)");
    /** {@code Z_in}. */
    public static final IntAttribute INPUT_ZERO_POINT = IntAttribute.of("input_zero_point", ValueRule.INT8,
            "Z_in, the input tensor's zero point");
    /** {@code Z_out}. */
    public static final IntAttribute OUTPUT_ZERO_POINT = IntAttribute.of("output_zero_point", ValueRule.INT8,
            "Z_out, the output tensor's zero point");
    /** Q31 multipliers. */
    public static final IntListAttribute MULTIPLIERS = IntListAttribute.nonEmpty("multipliers", ValueRule.Q31_MULTIPLIER,
            "Q31 multipliers M of the requantization q = Z_out + round(acc * M * 2^shift / 2^31)");
    /** Shifts of the multipliers. */
    public static final IntListAttribute SHIFTS = IntListAttribute.nonEmpty("shifts", ValueRule.SHIFT,
            "power-of-two exponents of the multipliers, positive = left shift, one per multiplier");
    /** Activation clamp. */
    public static final IntListAttribute CLAMP = IntListAttribute.exactly("clamp", 2, ValueRule.INT8,
            "activation clamp [min, max] in output codes (ReLU and ReLU6 are clamps)");

    /** The column of an INT32 index tensor that holds the node indices (graph ops, {@code GraphOperands}). */
    public static final IntAttribute INDEX_COLUMN = IntAttribute.of("index_column", ValueRule.NON_NEGATIVE,
            "the column of the INT32 index tensor read as node indices: 0 for an index [] per row; 0 (source) or 1 (target)"
                    + " for an edge list [2] per edge");

    /** {@code Z_w} of per-edge weights (graph ops: GCN coefficients, softmax codes). */
    public static final IntAttribute WEIGHT_ZERO_POINT = IntAttribute.of("weight_zero_point", ValueRule.range(Short.MIN_VALUE, 0xFFFF),
            "Z_w, the per-edge weights' zero point (0 for softmax codes)");

    /**
     * Reads {@link #IN_SHAPE} and checks it against the input tensor.
     *
     * @param op the op
     * @param input the input position whose shape it describes
     * @return {@code [C, H, W]}
     * @throws ArtifactFormatException if malformed or different from the tensor's shape
     */
    public static int[] inShape(OpContext op, int input) throws ArtifactFormatException {
        int[] s = IN_SHAPE.read(op);
        TensorInfo t = op.input(input);
        if (!Arrays.equals(s, t.shape())) {
            throw op.attributeError(IN_SHAPE, Arrays.toString(s) + " differs from the shape " + Arrays.toString(t.shape())
                    + " of the input tensor " + OpContext.name(t));
        }
        return s;
    }

    /**
     * @param op the op
     * @param dilated whether the op takes {@link #DILATION} (else the dilation is 1)
     * @return the window from {@link #KERNEL}, {@link #STRIDE}, {@link #DILATION} and {@link #PAD}
     * @throws ArtifactFormatException if one is malformed
     */
    public static Window2d window(OpContext op, boolean dilated) throws ArtifactFormatException {
        int[] k = KERNEL.read(op);
        int[] s = STRIDE.read(op);
        int[] d = dilated ? DILATION.read(op) : new int[] {1, 1};
        int[] p = PAD.read(op);
        return op.kernel("window", () -> new Window2d(k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3]));
    }

    /**
     * Writes {@link #KERNEL}, {@link #STRIDE}, {@link #DILATION} (when {@code dilated}) and {@link #PAD}.
     *
     * @param a the attributes being built
     * @param w the window
     * @param dilated whether the op takes a dilation; if not, the window's dilation must be 1
     * @return {@code a}
     */
    public static Attributes.Builder writeWindow(Attributes.Builder a, Window2d w, boolean dilated) {
        if (!dilated && (w.dilationHeight() != 1 || w.dilationWidth() != 1)) {
            throw new IllegalArgumentException("this op takes no dilation, the window has " + w.dilationHeight() + "x" + w.dilationWidth());
        }
        KERNEL.write(a, w.kernelHeight(), w.kernelWidth());
        STRIDE.write(a, w.strideHeight(), w.strideWidth());
        if (dilated) {
            DILATION.write(a, w.dilationHeight(), w.dilationWidth());
        }
        return PAD.write(a, w.padTop(), w.padLeft(), w.padBottom(), w.padRight());
    }

    /**
     * Reads a zero point and checks it against the tensor it belongs to.
     *
     * @param op the op
     * @param attribute {@link #INPUT_ZERO_POINT} or {@link #OUTPUT_ZERO_POINT} (or an op's own)
     * @param tensor the tensor
     * @param role the tensor's role, e.g. {@code "input"}
     * @return the zero point
     * @throws ArtifactFormatException if malformed or different from the tensor's zero point
     */
    public static int zeroPoint(OpContext op, IntAttribute attribute, TensorInfo tensor, String role) throws ArtifactFormatException {
        int z = attribute.read(op);
        op.expectZeroPoint(attribute, z, tensor, role);
        return z;
    }

    /**
     * Reads {@link #CLAMP} and checks it against the output tensor's codes.
     *
     * @param op the op
     * @param clamp the clamp attribute ({@link #CLAMP} or an op's own)
     * @param output the output tensor
     * @return the clamp
     * @throws ArtifactFormatException if malformed, {@code min > max}, or outside the output's codes
     */
    public static ActivationClamp clamp(OpContext op, IntListAttribute clamp, TensorInfo output) throws ArtifactFormatException {
        int[] c = clamp.read(op);
        op.expectCode(clamp, c[0], output, "output");
        op.expectCode(clamp, c[1], output, "output");
        if (c[0] > c[1]) {
            throw op.attributeError(clamp, "min " + c[0] + " is above max " + c[1]);
        }
        return new ActivationClamp(c[0], c[1]);
    }

    /**
     * Reads the requantization of a per-channel op: {@link #MULTIPLIERS} and {@link #SHIFTS} (one
     * per channel), {@link #OUTPUT_ZERO_POINT} and {@link #CLAMP}.
     *
     * @param op the op
     * @param channels output channels
     * @param output the output tensor
     * @return the output stage
     * @throws ArtifactFormatException if an attribute is malformed or inconsistent
     */
    public static Requantization requantization(OpContext op, int channels, TensorInfo output) throws ArtifactFormatException {
        return requantization(op, channels, output, "one per output channel");
    }

    /**
     * {@link #requantization(OpContext, int, TensorInfo)} with the reason for the count in messages.
     *
     * @param op the op
     * @param channels the number of multipliers and shifts
     * @param output the output tensor
     * @param why where the count comes from, e.g. {@code "one multiplier for the whole op"}
     * @return the output stage
     * @throws ArtifactFormatException if an attribute is malformed or inconsistent
     */
    public static Requantization requantization(OpContext op, int channels, TensorInfo output, String why) throws ArtifactFormatException {
        int[] m = MULTIPLIERS.read(op);
        int[] s = SHIFTS.read(op);
        op.expectCount(MULTIPLIERS, m, channels, why);
        op.expectCount(SHIFTS, s, channels, why);
        int z = zeroPoint(op, OUTPUT_ZERO_POINT, output, "output");
        ActivationClamp c = clamp(op, CLAMP, output);
        return op.kernel("requantization", () -> new Requantization(m, s, z, c));
    }

    /**
     * Writes {@link #MULTIPLIERS}, {@link #SHIFTS}, {@link #OUTPUT_ZERO_POINT} and {@link #CLAMP}.
     *
     * @param a the attributes being built
     * @param r the output stage
     * @return {@code a}
     */
    public static Attributes.Builder writeRequantization(Attributes.Builder a, Requantization r) {
        MULTIPLIERS.write(a, r.multipliers());
        SHIFTS.write(a, r.shifts());
        OUTPUT_ZERO_POINT.write(a, r.outputZeroPoint());
        return CLAMP.write(a, r.activation().min(), r.activation().max());
    }
}
