package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.CLAMP;
import static io.qat4j.executor.op.CommonAttributes.INDEX_COLUMN;
import static io.qat4j.executor.op.CommonAttributes.INPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.MULTIPLIERS;
import static io.qat4j.executor.op.CommonAttributes.OUTPUT_ZERO_POINT;
import static io.qat4j.executor.op.CommonAttributes.SHIFTS;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.SegmentPool;
import io.qat4j.executor.kernel.SegmentPoolParams;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code segment_pool} version 1: graph pooling, the sum, mean or max of int8 node features over
 * the nodes of each graph of a batch, requantized ({@link SegmentPool}: PyTorch Geometric's
 * {@code global_add_pool}, {@code global_mean_pool}, {@code global_max_pool}; GIN's readout, Xu et
 * al., ICLR 2019). The number of graphs {@code G} is data: it is the last graph id plus one, and
 * the output's leading dimension. Since every graph has at least one node, {@code G <= N}: the
 * output of a run is never larger than its input, so the executor's per-example reservation of
 * the output ({@code F} codes, as for one input row) bounds it as it bounds every other output.
 *
 * <p>Inputs: {@code x} INT8 activation {@code [F...]} per node; {@code graph} INT32 activation
 * {@code []} or {@code [K]} per node, its column {@code index_column} the graph id (ids start at 0
 * and rise by 0 or 1 from node to node; anything else fails the run naming the node). Output: INT8
 * of {@code x}'s shape per graph. Attributes: {@code mode} (0 sum, 1 mean, 2 max),
 * {@code index_column}, {@code input_zero_point}, {@code multipliers} and {@code shifts} (one each:
 * {@code S_in / S_out} for sum and max, {@code S_in / (S_out 2^16)} for the mean, which keeps 16
 * fraction bits), {@code output_zero_point}, {@code clamp}.
 *
 * <p>Overflow bounds: mean and max, checked at load ({@link SegmentPoolParams}); sum,
 * {@code 255 n 2^max(shift, 0) <= 2^31 - 1} for a graph of {@code n} nodes, checked on every run.
 */
public final class SegmentPoolOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "segment_pool";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** The reduction. */
    public static final IntAttribute MODE = IntAttribute.of("mode", ValueRule.range(0, 2), "reduction over a graph's nodes: 0 sum,"
            + " 1 mean (round(sum 2^16 / n), half away from zero, then requantized), 2 max");

    private static final List<AttributeSpec> ATTRIBUTES = List.of(MODE, INDEX_COLUMN, INPUT_ZERO_POINT, MULTIPLIERS, SHIFTS,
            OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public SegmentPoolOp() {
        super(NAME, VERSION, "graph pooling (sum, mean, max) over graph ids, requantized: x INT8 [F...] per node, graph INT32 []|[K]"
                + " per node -> INT8 [F...] per graph", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param reduction sum, mean or max
     * @param indexColumn the column of the graph-id tensor holding the ids
     * @param inputZeroPoint {@code Z_in}
     * @param requantization one channel ({@code S_in / S_out}, or {@code S_in / (S_out 2^16)} for the mean), {@code Z_out}, clamp
     * @return the attributes
     */
    public static Attributes attributes(Reduction reduction, int indexColumn, int inputZeroPoint, Requantization requantization) {
        Attributes.Builder a = MODE.write(Attributes.builder(), reduction.code());
        INDEX_COLUMN.write(a, indexColumn);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        return CommonAttributes.writeRequantization(a, requantization).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        TensorInfo x = op.activationInput(0, "input", ElementType.INT8);
        GraphOperands.Index graph = GraphOperands.index(op, 1, "graph");
        TensorInfo out = op.expectOutput(0, ElementType.INT8, x.shape());
        Reduction reduction = Reduction.ofCode(MODE.read(op));
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, x, "input");
        Requantization r = CommonAttributes.requantization(op, 1, out, ScatterAddOp.ONE_MULTIPLIER);
        SegmentPoolParams p = op.kernel("graph pooling", () -> new SegmentPoolParams(reduction, x.elementCount(), zIn, r));
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[0].leading();
            int[] ids = graph.values(inputs[1]); // checked by graphCount
            GraphOperands.expectRows(what, "graph ids", ids.length, "input", nodes, "nodes");
            int graphs = SegmentPool.graphCount(what, ids);
            byte[] y = new byte[graphs * p.features()]; // G <= N: at most the input's size
            SegmentPool.run(p, what, inputs[0].bytes(), ids, graphs, y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(graphs, shape), y)};
        };
    }
}
