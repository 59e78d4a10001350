package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.AttentionLogits;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code attention_logits} version 1: graph attention's logits per edge and head,
 * {@code s_src[src(e)] + s_dst[dst(e)]} from two per-node int32 accumulators, added exactly and
 * requantized once ({@link AttentionLogits}; Velickovic et al., ICLR 2018, and Degree-Quant's
 * quantized logits, Tailor et al., ICLR 2021). The per-node accumulators come from two
 * {@code fully_connected_logits} ops (weights {@code a_src}, {@code a_dst} per head), which must
 * share one scale {@code S_h S_a} (the exporter quantizes the attention vector per tensor).
 *
 * <p>Inputs: {@code source_scores} and {@code target_scores} INT32 activations {@code [H]} per
 * node; {@code edges} INT32 activation {@code [2]} per edge. Output: INT8 {@code [H]} per edge.
 * Attributes: {@code multipliers} and {@code shifts} (one each: {@code S_h S_a / S_out}),
 * {@code output_zero_point}, {@code clamp}. An edge whose sum exceeds the int32 the
 * requantization takes fails the run naming the edge.
 */
public final class AttentionLogitsOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "attention_logits";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(MULTIPLIERS, SHIFTS, OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public AttentionLogitsOp() {
        super(NAME, VERSION, "graph attention logits s_src[src] + s_dst[dst], requantized: source_scores INT32 [H] per node,"
                + " target_scores INT32 [H] per node, edges INT32 [2] per edge -> INT8 [H] per edge", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param requantization one channel: {@code S_h S_a / S_out}, {@code Z_out}, clamp
     * @return the attributes
     */
    public static Attributes attributes(Requantization requantization) {
        return CommonAttributes.writeRequantization(Attributes.builder(), requantization).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        TensorInfo src = op.activationInput(0, "source scores", ElementType.INT32);
        op.expectInputRank(0, "source scores", 1);
        op.activationInput(1, "target scores", ElementType.INT32);
        op.expectInputShape(1, "target scores", src.shape());
        GraphOperands.edges(op, 2);
        TensorInfo out = op.expectOutput(0, ElementType.INT8, src.shape());
        Requantization r = CommonAttributes.requantization(op, 1, out, ScatterAddOp.ONE_MULTIPLIER);
        int heads = src.dim(0);
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[0].leading();
            GraphOperands.expectRows(what, "source scores", nodes, "target scores", inputs[1].leading(), "nodes");
            int[] source = GraphOperands.sources(what, inputs[2], nodes);
            int[] target = GraphOperands.targets(what, inputs[2], nodes);
            byte[] y = new byte[Math.multiplyExact(target.length, heads)];
            AttentionLogits.run(r, what, heads, inputs[0].ints(), inputs[1].ints(), source, target, y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(target.length, shape), y)};
        };
    }
}
