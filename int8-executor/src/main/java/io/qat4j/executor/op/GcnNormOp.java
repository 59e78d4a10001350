package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.GcnNormalization;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code gcn_norm} version 1: the quantized normalisation coefficients of a graph convolution,
 * {@code 1 / sqrt((d_j + 1)(d_i + 1))} for every edge {@code j -> i} and then for every self-loop
 * (Kipf and Welling, ICLR 2017; PyTorch Geometric's {@code gcn_norm}; the quantized
 * normalisation of Degree-Quant, Tailor et al., ICLR 2021), computed from the edge list with
 * integers only and rounded exactly as {@code round(1 / (S sqrt(D))) + Z}, half away from zero,
 * clamped to the output's codes ({@link GcnNormalization}). {@code d} is the in-degree in the
 * edge list (column 1), without loops.
 *
 * <p>Inputs: {@code edges} INT32 activation {@code [2]} per edge (source, target), without
 * self-loops; {@code size} any activation with {@code N} rows. Output: INT8 {@code [1]} per row,
 * {@code E + N} rows in the order of {@code add_self_loops}: the {@code E} edges, then the loop of
 * node {@code i} at row {@code E + i}. Attributes: {@code scale_multiplier} and
 * {@code scale_shift}, the output scale in dyadic form {@code S = m 2^(shift - 31)} (TFLite's
 * {@code QuantizeMultiplier} of {@code S}; exact for a float32 scale), and
 * {@code output_zero_point}.
 */
public final class GcnNormOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "gcn_norm";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** Q31 mantissa of the output scale. */
    public static final IntAttribute SCALE_MULTIPLIER = IntAttribute.of("scale_multiplier", ValueRule.range(1L << 30, Integer.MAX_VALUE),
            "Q31 mantissa m of the output scale S = m 2^(scale_shift - 31)");
    /** Power-of-two exponent of the output scale. */
    public static final IntAttribute SCALE_SHIFT = IntAttribute.of("scale_shift", ValueRule.SHIFT,
            "power-of-two exponent of the output scale S = scale_multiplier 2^(scale_shift - 31)");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(SCALE_MULTIPLIER, SCALE_SHIFT, OUTPUT_ZERO_POINT);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public GcnNormOp() {
        super(NAME, VERSION, "GCN coefficients 1/sqrt((d_j+1)(d_i+1)) per edge and self-loop, exactly rounded: edges INT32 [2] per"
                + " edge, size [..] per node -> INT8 [1] per edge and loop (loop of node i at row E + i)", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param scale the output scale in dyadic form ({@code QuantizedMultiplier.of(S)}), non-zero
     * @param outputZeroPoint {@code Z}
     * @return the attributes
     */
    public static Attributes attributes(QuantizedMultiplier scale, int outputZeroPoint) {
        Attributes.Builder a = SCALE_MULTIPLIER.write(Attributes.builder(), scale.multiplier());
        SCALE_SHIFT.write(a, scale.shift());
        return OUTPUT_ZERO_POINT.write(a, outputZeroPoint).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        GraphOperands.edges(op, 0);
        GraphOperands.size(op, 1);
        TensorInfo out = op.expectOutput(0, ElementType.INT8, new int[] {1});
        int m = SCALE_MULTIPLIER.read(op);
        int shift = SCALE_SHIFT.read(op);
        int z = CommonAttributes.zeroPoint(op, OUTPUT_ZERO_POINT, out, "output");
        int qMin = (int) out.type().minValue(out.bits());
        int qMax = (int) out.type().maxValue(out.bits());
        GcnNormalization norm = op.kernel("GCN normalisation", () -> GcnNormalization.of(m, shift, z, qMin, qMax));
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[1].leading();
            int[] source = GraphOperands.sources(what, inputs[0], nodes);
            int[] target = GraphOperands.targets(what, inputs[0], nodes);
            byte[] y = new byte[Math.addExact(target.length, nodes)];
            norm.run(source, target, nodes, y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(y.length, shape), y)};
        };
    }
}
