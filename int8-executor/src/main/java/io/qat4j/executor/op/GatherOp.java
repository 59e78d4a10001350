package io.qat4j.executor.op;

import static io.qat4j.executor.op.CommonAttributes.INDEX_COLUMN;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.Gather;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * {@code gather} version 1: the rows of a node table picked by an index, the gather of message
 * passing (PyTorch Geometric's {@code x.index_select(0, edge_index[0])}, TFLite {@code GATHER} on
 * axis 0; {@link Gather}). A copy of codes: the output has the table's type, bits and
 * quantization. The output's leading dimension is the index's row count (edges), not the table's
 * (nodes).
 *
 * <p>Inputs: {@code table} INT8 or INT32 activation {@code [F...]} per node; {@code index} INT32
 * activation {@code []} or {@code [K]} per row (e.g. the edge list {@code [2]}). Output: the
 * table's type and shape per index row. Attribute: {@code index_column}, the column of the index
 * holding the node indices (0 = source, 1 = target of an edge list). At run time every index must
 * lie in {@code [0, N)}, {@code N} the table's rows; otherwise the run fails naming the row.
 */
public final class GatherOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "gather";
    /** The version this class defines. */
    public static final int VERSION = 1;

    /** The definition, as {@link OpRegistry} instantiates it. */
    public GatherOp() {
        super(NAME, VERSION, "rows of a node table by an index: table INT8|INT32 [F...] per node, index INT32 []|[K] per row"
                + " -> [F...] per row", List.of(INDEX_COLUMN));
    }

    /**
     * The typed attribute builder the exporter uses.
     *
     * @param indexColumn the index column holding node indices
     * @return the attributes
     */
    public static Attributes attributes(int indexColumn) {
        return INDEX_COLUMN.write(Attributes.builder(), indexColumn).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        TensorInfo table = op.activationInput(0, "table", ElementType.INT8, ElementType.INT32);
        GraphOperands.Index index = GraphOperands.index(op, 1, "index");
        TensorInfo out = op.expectOutput(0, table.type(), table.shape());
        op.expectOutputQuantizedAs(0, table, "table", "a gather copies codes");
        int row = table.elementCount();
        int[] shape = out.shape();
        String what = GraphOperands.describe(op);
        return inputs -> {
            int[] rows = index.read(what, inputs[1], inputs[0].leading());
            Tensor y = Tensor.zeros(inputs[0].type(), Tensor.withLeading(rows.length, shape));
            Gather.rows(inputs[0].array(), row, rows, y.array());
            return new Tensor[] {y};
        };
    }
}
