package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.EdgeSoftmax;
import io.qat4j.executor.kernel.EdgeSoftmaxParams;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code edge_softmax} version 1: the integer softmax of attention logits over the incoming edges
 * of each target node, per head, for graph attention (Velickovic et al., ICLR 2018), with
 * I-BERT's integer exponential (Kim et al., ICML 2021): max subtraction per target segment, shift
 * decomposition and a second-order polynomial, one rounded division ({@link EdgeSoftmax}). The
 * output codes have the fixed scale {@code 2^-k} and zero point 0: {@code alpha = code 2^-k}.
 * The aggregation {@code sum alpha_e h_src(e)} is the separate op {@code weighted_aggregate},
 * which takes these codes as its weights (the attention weights are a tensor of their own, as in
 * the training graph, and the same aggregation serves the graph convolution's coefficients).
 *
 * <p>Inputs: {@code logits} INT8 or INT32 activation {@code [H]} per edge (any zero point: the
 * max subtraction cancels it); {@code edges} INT32 activation {@code [2]} per edge, grouped by
 * their target (column 1); {@code size} any activation with {@code N} rows. Output: INT16 or UINT8
 * {@code [H]} per edge, zero point 0, scale {@code 2^-k} (the exporter writes that scale; op code
 * does not read scales). Attributes, computed offline from the logit scale {@code S} by
 * {@code io.qat4j.executor.prep.GraphOpParams.edgeSoftmax}: {@code input_shift} {@code p} (fine
 * scale {@code S' = S 2^-p}), {@code exp_x0}, {@code exp_b}, {@code exp_c} (I-BERT's integer
 * constants for {@code S'}), {@code output_fraction_bits} {@code k}, with {@code 2^k} a code of the
 * output ({@code k <= 7} for UINT8, {@code k <= 14} for 16-bit INT16).
 */
public final class EdgeSoftmaxOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "edge_softmax";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** {@code p}. */
    public static final IntAttribute INPUT_SHIFT = IntAttribute.of("input_shift", ValueRule.range(-31, 24),
            "p: the logit difference in units of the fine scale S' = S 2^-p is delta 2^p (rounded down for p < 0)");
    /** {@code x0}. */
    public static final IntAttribute EXP_X0 = IntAttribute.of("exp_x0", ValueRule.range(-(1L << 24), -1),
            "x0 = floor(-ln 2 / S'), the shift decomposition's step");
    /** {@code b}. */
    public static final IntAttribute EXP_B = IntAttribute.of("exp_b", ValueRule.NON_NEGATIVE,
            "b = floor((0.96963238 / 0.35815147) / S'), the polynomial's linear coefficient");
    /** {@code c}. */
    public static final IntAttribute EXP_C = IntAttribute.of("exp_c", ValueRule.POSITIVE,
            "c = floor((1 / 0.35815147) / S'^2), the polynomial's constant");
    /** {@code k}. */
    public static final IntAttribute OUTPUT_FRACTION_BITS = IntAttribute.of("output_fraction_bits", ValueRule.range(1, 14),
            "k: output codes are alpha 2^k (scale 2^-k, zero point 0); 2^k must be a code of the output");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INPUT_SHIFT, EXP_X0, EXP_B, EXP_C, OUTPUT_FRACTION_BITS);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public EdgeSoftmaxOp() {
        super(NAME, VERSION, "integer softmax (I-BERT) of logits over the incoming edges of each target: logits INT8|INT32 [H] per"
                + " edge, edges INT32 [2] per edge, size [..] per node -> INT16|UINT8 [H] per edge, scale 2^-k", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param p the kernel parameters ({@code GraphOpParams.edgeSoftmax}); their head count comes from the tensors
     * @return the attributes
     */
    public static Attributes attributes(EdgeSoftmaxParams p) {
        Attributes.Builder a = INPUT_SHIFT.write(Attributes.builder(), p.inputShift());
        EXP_X0.write(a, p.x0());
        EXP_B.write(a, p.b());
        EXP_C.write(a, p.c());
        return OUTPUT_FRACTION_BITS.write(a, p.fractionBits()).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        TensorInfo logits = op.activationInput(0, "logits", ElementType.INT8, ElementType.INT32);
        op.expectInputRank(0, "logits", 1);
        GraphOperands.edges(op, 1);
        GraphOperands.size(op, 2);
        TensorInfo out = op.output(0);
        ElementType type = out.type() == ElementType.UINT8 ? ElementType.UINT8 : ElementType.INT16;
        op.expectOutput(0, type, logits.shape());
        if (!out.quant().isPerTensor() || out.quant().zeroPoint(0) != 0) {
            throw op.error("outputs[0]", "output tensor " + OpContext.name(out) + " must be per tensor with zero point 0 (codes alpha 2^k),"
                    + " got " + out.quant());
        }
        int k = OUTPUT_FRACTION_BITS.read(op);
        if ((1L << k) > out.type().maxValue(out.bits())) {
            throw op.attributeError(OUTPUT_FRACTION_BITS,
                    "2^" + k + " (alpha = 1) is not a code of the " + out.bits() + "-bit " + out.type()
                    + " output tensor " + OpContext.name(out));
        }
        int shift = INPUT_SHIFT.read(op);
        int x0 = EXP_X0.read(op);
        int b = EXP_B.read(op);
        int c = EXP_C.read(op);
        EdgeSoftmaxParams p = op.kernel("integer softmax", () -> new EdgeSoftmaxParams(logits.dim(0), shift, x0, b, c, k));
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[2].leading();
            int[] target = GraphOperands.targets(what, inputs[1], nodes);
            GraphOperands.expectRows(what, "edge list", target.length, "logits", inputs[0].leading(), "edges");
            int[] codes = new int[inputs[0].size()];
            EdgeSoftmax.run(p, what, GraphOperands.codes(inputs[0]), target, nodes, codes);
            int[] full = Tensor.withLeading(target.length, shape);
            if (type == ElementType.UINT8) {
                byte[] y = new byte[codes.length];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (byte) codes[i]; // in [0, 2^k], 2^k <= 255
                }
                return new Tensor[] {Tensor.uint8(full, y)};
            }
            short[] y = new short[codes.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (short) codes[i]; // in [0, 2^k], 2^k <= 2^14
            }
            return new Tensor[] {Tensor.int16(full, y)};
        };
    }
}
