package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.INDEX_COLUMN;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.EdgeIndex;
import io.qat4j.executor.kernel.InputDataException;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.WeightedAggregateParams;
import io.qat4j.executor.tensor.Tensor;
import java.util.Arrays;

/**
 * The operands the graph ops share, checked at load and read at run time: INT32 index tensors
 * (an index {@code []} per row, or a column of {@code [K]} per row, chosen by {@code index_column}),
 * edge lists {@code [2]} per edge (source, target; {@link EdgeIndex}), and size inputs whose
 * leading dimension gives the node count {@code N} of a run (any activation: the op reads only
 * its leading dimension). Indices are data, so they are checked on every run
 * ({@link EdgeIndex#column}); a violation is an {@link InputDataException}.
 */
final class GraphOperands {

    private GraphOperands() {
    }

    /**
     * An index operand: values per row and the column holding node indices.
     *
     * @param width values per row
     * @param column the column read, in {@code [0, width)}
     */
    record Index(int width, int column) {

        /**
         * @param what the op, for messages
         * @param t the index tensor of a run
         * @param nodes the node count the indices refer to
         * @return the checked column
         */
        int[] read(String what, Tensor t, int nodes) {
            return EdgeIndex.column(what, t.ints(), width, column, nodes);
        }

        /**
         * @param t the index tensor of a run
         * @return the column as it is, for values the op checks by a rule of its own (graph ids)
         */
        int[] values(Tensor t) {
            int[] all = t.ints();
            int[] out = new int[all.length / width];
            for (int e = 0; e < out.length; e++) {
                out[e] = all[e * width + column];
            }
            return out;
        }
    }

    /**
     * Checks input {@code k} as an INT32 index activation of shape {@code []} or {@code [K]} per row
     * and reads {@code index_column}.
     *
     * @param op the op
     * @param k the input position
     * @param role the input's role, e.g. {@code "index"}
     * @return the operand
     * @throws ArtifactFormatException on another type, a rank above 1, or a column outside the rows
     */
    static Index index(OpContext op, int k, String role) throws ArtifactFormatException {
        TensorInfo t = op.activationInput(k, role, ElementType.INT32);
        if (t.rank() > 1) {
            throw op.error("inputs[" + k + "]", role + " tensor " + OpContext.name(t) + " has shape " + Arrays.toString(t.shape())
                    + " per row, expected [] or [K]");
        }
        int width = t.rank() == 0 ? 1 : t.dim(0);
        int column = INDEX_COLUMN.read(op);
        if (column >= width) {
            throw op.attributeError(INDEX_COLUMN, "column " + column + " is outside the " + width + " value" + (width == 1 ? "" : "s")
                    + " per row of the " + role + " tensor " + OpContext.name(t));
        }
        return new Index(width, column);
    }

    /**
     * Checks input {@code k} as an edge list: an INT32 activation of shape {@code [2]} per edge.
     *
     * @param op the op
     * @param k the input position
     * @throws ArtifactFormatException on another type or shape
     */
    static void edges(OpContext op, int k) throws ArtifactFormatException {
        op.activationInput(k, "edges", ElementType.INT32);
        op.expectInputShape(k, "edges", new int[] {2});
    }

    /**
     * @param what the op, for messages
     * @param edges the edge list of a run, {@code [E, 2]}
     * @param nodes {@code N}
     * @return the checked source column
     */
    static int[] sources(String what, Tensor edges, int nodes) {
        return EdgeIndex.column(what, edges.ints(), 2, EdgeIndex.SOURCE, nodes);
    }

    /**
     * @param what the op, for messages
     * @param edges the edge list of a run, {@code [E, 2]}
     * @param nodes {@code N}
     * @return the checked target column
     */
    static int[] targets(String what, Tensor edges, int nodes) {
        return EdgeIndex.column(what, edges.ints(), 2, EdgeIndex.TARGET, nodes);
    }

    /**
     * Checks input {@code k} as a size input: any activation, whose leading dimension is {@code N}.
     *
     * @param op the op
     * @param k the input position
     * @throws ArtifactFormatException if it is a constant
     */
    static void size(OpContext op, int k) throws ArtifactFormatException {
        op.activationInput(k, "size (nodes)", ElementType.INT8, ElementType.UINT8, ElementType.INT16, ElementType.INT32);
    }

    /**
     * Checks and reads what {@code weighted_aggregate} and {@code weighted_gather} share: input 0
     * {@code x}, INT8 {@code [H * C]} per node; input {@code weightsInput}, INT8, UINT8 or INT16
     * {@code [H]} per edge ({@code H} divides the features); output 0, INT8 of {@code x}'s shape;
     * {@code input_zero_point}, {@code weight_zero_point} and the one-multiplier requantization.
     *
     * @param op the op
     * @param weightsInput the position of the weights
     * @return the kernel parameters
     * @throws ArtifactFormatException on a wrong type, shape or attribute
     */
    static WeightedAggregateParams weighted(OpContext op, int weightsInput) throws ArtifactFormatException {
        TensorInfo x = op.activationInput(0, "x", ElementType.INT8);
        op.expectInputRank(0, "x", 1);
        TensorInfo weights = op.activationInput(weightsInput, "weights", ElementType.INT8, ElementType.UINT8, ElementType.INT16);
        op.expectInputRank(weightsInput, "weights", 1);
        int heads = weights.dim(0);
        if (x.dim(0) % heads != 0) {
            throw op.error("inputs[" + weightsInput + "]", "weights tensor " + OpContext.name(weights) + " has " + heads
                    + " heads, which do not divide the " + x.dim(0) + " features of x tensor " + OpContext.name(x));
        }
        TensorInfo out = op.expectOutput(0, ElementType.INT8, x.shape());
        int zIn = CommonAttributes.zeroPoint(op, CommonAttributes.INPUT_ZERO_POINT, x, "x");
        int zw = CommonAttributes.zeroPoint(op, CommonAttributes.WEIGHT_ZERO_POINT, weights, "weights");
        Requantization r = CommonAttributes.requantization(op, 1, out, ScatterAddOp.ONE_MULTIPLIER);
        return op.kernel("weighted aggregation", () -> new WeightedAggregateParams(heads, x.dim(0) / heads, zIn, zw, r));
    }

    /**
     * Checks at run time that two inputs that describe the same edges (or nodes) have as many rows.
     *
     * @param what the op, for messages
     * @param role one input's role
     * @param rows its rows
     * @param otherRole the other input's role
     * @param otherRows its rows
     * @param described what both describe a row each of: {@code "nodes"} or {@code "edges"}
     * @throws InputDataException if they differ
     */
    static void expectRows(String what, String role, int rows, String otherRole, int otherRows, String described) {
        if (rows != otherRows) {
            throw new InputDataException(what + ": " + rows + " rows of " + role + " but " + otherRows + " rows of " + otherRole
                    + "; they must describe the same " + described);
        }
    }

    /**
     * @param op the op
     * @return the op for run-time messages: {@code scatter_add 'gin1/aggregate'}
     */
    static String describe(OpContext op) {
        return op.node().opType() + " '" + op.node().name() + "'";
    }

    /**
     * @param t an INT8, UINT8 or INT16 tensor of a run
     * @return its codes as ints (UINT8 read unsigned)
     */
    static int[] codes(Tensor t) {
        return switch (t.type()) {
            case INT8 -> {
                byte[] b = t.bytes();
                int[] v = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    v[i] = b[i];
                }
                yield v;
            }
            case UINT8 -> {
                byte[] b = t.bytes();
                int[] v = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    v[i] = b[i] & 0xFF;
                }
                yield v;
            }
            case INT16 -> {
                short[] s = t.shorts();
                int[] v = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    v[i] = s[i];
                }
                yield v;
            }
            case INT32 -> t.ints();
            case INT4_PACKED -> throw new IllegalStateException("INT4_PACKED has no value form");
        };
    }
}
