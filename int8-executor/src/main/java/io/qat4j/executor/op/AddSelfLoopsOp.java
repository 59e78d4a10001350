package io.qat4j.executor.op;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.EdgeIndex;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code add_self_loops} version 1: the edge list with one self-loop per node appended, as
 * PyTorch Geometric's {@code add_self_loops} (the graph convolution and graph attention of Kipf
 * and Welling, ICLR 2017, and Velickovic et al., ICLR 2018, aggregate over {@code N(i) + i}): the
 * {@code E} edges first, then the loop {@code (i, i)} of node {@code i} at row {@code E + i}
 * ({@link EdgeIndex#withSelfLoops}), the order in which {@code gcn_norm} writes its coefficients.
 *
 * <p>Inputs: {@code edges} INT32 activation {@code [2]} per edge (source, target); {@code size}
 * any activation with {@code N} rows. Output: INT32 {@code [2]} per row, {@code E + N} rows, with
 * the edges' bits and quantization. No attributes (write {@code Attributes.EMPTY}). At run time every index must lie in
 * {@code [0, N)}.
 */
public final class AddSelfLoopsOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "add_self_loops";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** The definition, as {@link OpRegistry} instantiates it. */
    public AddSelfLoopsOp() {
        super(NAME, VERSION, "edge list with one self-loop per node appended: edges INT32 [2] per edge, size [..] per node"
                + " -> INT32 [2] per edge and loop (loop of node i at row E + i)", List.of());
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        GraphOperands.edges(op, 0);
        GraphOperands.size(op, 1);
        TensorInfo edges = op.input(0);
        TensorInfo out = op.expectOutput(0, edges.type(), edges.shape());
        op.expectOutputQuantizedAs(0, edges, "edges", "self-loops copy node indices");
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[1].leading();
            GraphOperands.sources(what, inputs[0], nodes);
            GraphOperands.targets(what, inputs[0], nodes);
            int[] loops = EdgeIndex.withSelfLoops(inputs[0].ints(), nodes);
            return new Tensor[] {Tensor.int32(Tensor.withLeading(loops.length / 2, shape), loops)};
        };
    }
}
