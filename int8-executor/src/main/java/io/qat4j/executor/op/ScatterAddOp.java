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
import io.qat4j.executor.kernel.ScatterAdd;
import io.qat4j.executor.kernel.ScatterAddParams;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code scatter_add} version 1: int8 messages summed into their target nodes with int32
 * accumulation and the zero-point expansion, requantized to an int8 output with its own scale and
 * zero point ({@link ScatterAdd}: PyTorch Geometric's {@code scatter(..., reduce="sum")}, the sum
 * aggregation of GIN and of Degree-Quant, Tailor et al., ICLR 2021). The output has one row per
 * node; the node count {@code N} of a run is the leading dimension of the {@code size} input, so
 * nodes without messages get the code of 0.
 *
 * <p>Inputs: {@code messages} INT8 activation {@code [F...]} per edge; {@code index} INT32
 * activation {@code []} or {@code [K]} per edge, its column {@code index_column} the target node;
 * {@code size} any activation with {@code N} rows (the node features). Output: INT8 of the
 * messages' shape per node. Attributes: {@code index_column}, {@code input_zero_point} (the
 * messages'), {@code multipliers} and {@code shifts} (one each: {@code S_in / S_out}),
 * {@code output_zero_point}, {@code clamp}.
 *
 * <p>Overflow bound: {@code |acc| <= 255 x in-degree}, times {@code 2^max(shift, 0)} within
 * {@code 2^31 - 1}: an in-degree above {@code floor((2^31 - 1) / 2^max(shift, 0) / 255)}
 * (8,421,504 for a multiplier below one) fails the run with a message naming the node; so does an
 * index outside {@code [0, N)}.
 */
public final class ScatterAddOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "scatter_add";
    /** The version this class defines. */
    public static final int VERSION = 1;
    /** Why the requantization has one multiplier. */
    static final String ONE_MULTIPLIER = "one multiplier for the whole op";

    private static final List<AttributeSpec> ATTRIBUTES = List.of(INDEX_COLUMN, INPUT_ZERO_POINT, MULTIPLIERS, SHIFTS,
            OUTPUT_ZERO_POINT, CLAMP);

    /** The definition, as {@link OpRegistry} instantiates it. */
    public ScatterAddOp() {
        super(NAME, VERSION, "sum of int8 messages per target node, requantized: messages INT8 [F...] per edge, index INT32 []|[K]"
                + " per edge, size [..] per node -> INT8 [F...] per node", ATTRIBUTES);
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param indexColumn the index column holding target nodes
     * @param inputZeroPoint the messages' zero point
     * @param requantization one channel: {@code S_in / S_out}, {@code Z_out}, clamp
     * @return the attributes
     */
    public static Attributes attributes(int indexColumn, int inputZeroPoint, Requantization requantization) {
        Attributes.Builder a = INDEX_COLUMN.write(Attributes.builder(), indexColumn);
        INPUT_ZERO_POINT.write(a, inputZeroPoint);
        return CommonAttributes.writeRequantization(a, requantization).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(3, 1);
        TensorInfo messages = op.activationInput(0, "messages", ElementType.INT8);
        GraphOperands.Index index = GraphOperands.index(op, 1, "index");
        GraphOperands.size(op, 2);
        TensorInfo out = op.expectOutput(0, ElementType.INT8, messages.shape());
        int zIn = CommonAttributes.zeroPoint(op, INPUT_ZERO_POINT, messages, "messages");
        Requantization r = CommonAttributes.requantization(op, 1, out, ONE_MULTIPLIER);
        ScatterAddParams p = op.kernel("scatter-add", () -> new ScatterAddParams(messages.elementCount(), zIn, r));
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int nodes = inputs[2].leading();
            int[] target = index.read(what, inputs[1], nodes);
            GraphOperands.expectRows(what, "index", target.length, "messages", inputs[0].leading(), "edges");
            byte[] y = new byte[Math.multiplyExact(nodes, p.features())];
            ScatterAdd.run(p, what, inputs[0].bytes(), target, nodes, y);
            return new Tensor[] {Tensor.int8(Tensor.withLeading(nodes, shape), y)};
        };
    }
}
