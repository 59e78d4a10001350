package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;
import static io.qat4j.executor.op.CommonAttributes.WEIGHT_ZERO_POINT;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.WeightedAggregate;
import io.qat4j.executor.kernel.WeightedAggregateParams;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code weighted_aggregate} version 1: {@code h'_i = sum over edges j -> i of w_e h_j} per head,
 * int32 accumulation of {@code (w - Z_w)(h - Z_in)}, requantized ({@link WeightedAggregate}): graph
 * attention's aggregation with the codes of {@code edge_softmax} as weights (Velickovic et al.,
 * ICLR 2018), or the graph convolution's with the coefficients of {@code gcn_norm} (Kipf and
 * Welling, ICLR 2017). The source rows are read from the node table, so no per-edge message
 * tensor is built; the output has one row per row of the table ({@code N}).
 *
 * <p>Inputs: {@code x} INT8 activation {@code [H * C]} per node (head {@code h} in channels
 * {@code h*C .. h*C + C - 1}); {@code edges} INT32 activation {@code [2]} per edge (source,
 * target), e.g. with self-loops from {@code add_self_loops}; {@code weights} INT8, UINT8 or INT16
 * activation {@code [H]} per edge, row {@code e} weighting edge {@code e}. Output: INT8
 * {@code [H * C]} per node. Attributes: {@code input_zero_point} ({@code x}'s),
 * {@code weight_zero_point}, {@code multipliers} and {@code shifts} (one each:
 * {@code S_w S_in / S_out}), {@code output_zero_point}, {@code clamp}.
 *
 * <p>Overflow bound: {@code |acc| <= 255 sum |w_e - Z_w|} per target and head, times
 * {@code 2^max(shift, 0)} within {@code 2^31 - 1}, checked on every run (the run fails naming the
 * node); indices outside {@code [0, N)} fail the run too.
 */
public final class WeightedAggregateOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "weighted_aggregate";
    /** The version this class defines. */
    public static final int VERSION = 1;

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INPUT_ZERO_POINT, WEIGHT_ZERO_POINT, MULTIPLIERS, SHIFTS,
            OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public WeightedAggregateOp() {
        super(NAME, VERSION, "weighted sum of source rows per target and head, requantized: x INT8 [H*C] per node, edges INT32 [2]"
                + " per edge, weights INT8|UINT8|INT16 [H] per edge -> INT8 [H*C] per node", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param inputZeroPoint {@code Z_in} of the node features
     * @param weightZeroPoint {@code Z_w}
     * @param requantization one channel: {@code S_w S_in / S_out}, {@code Z_out}, clamp
     * @return the attributes
     */
    public static Attributes attributes(int inputZeroPoint, int weightZeroPoint, Requantization requantization) {
        Attributes.Builder a = INPUT_ZERO_POINT.write(Attributes.builder(), inputZeroPoint);
        WEIGHT_ZERO_POINT.write(a, weightZeroPoint);
        return CommonAttributes.writeRequantization(a, requantization).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        GraphOperands.edges(op, 1);
        WeightedAggregateParams p = GraphOperands.weighted(op, 2);
        int[] shape = op.output(0).shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[0].leading();
            int[] source = GraphOperands.sources(what, inputs[1], nodes);
            int[] target = GraphOperands.targets(what, inputs[1], nodes);
            GraphOperands.expectRows(what, "edge list", target.length, "weights", inputs[2].leading(), "edges");
            byte[] y = new byte[inputs[0].size()];
            WeightedAggregate.run(p, what, inputs[0].bytes(), nodes, source, target, GraphOperands.codes(inputs[2]), y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(nodes, shape), y)};
        };
    }
}
