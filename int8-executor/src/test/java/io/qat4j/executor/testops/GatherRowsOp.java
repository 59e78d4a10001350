package io.qat4j.executor.testops;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.AbstractOpDefinition;
import io.qat4j.executor.op.IntAttribute;
import io.qat4j.executor.op.OpContext;
import io.qat4j.executor.op.PreparedOp;
import io.qat4j.executor.op.ValueRule;
import io.qat4j.executor.tensor.Tensor;
import java.util.List;

/**
 * A test-scope op, defined outside the executor's packages with its public API only and
 * registered by {@code src/test/resources/META-INF/services/io.qat4j.executor.op.OpDefinition}:
 * {@code gather_rows} version 1, the message-passing gather of graph networks (PyTorch
 * Geometric's {@code x.index_select(0, edge_index[0])}): for every edge {@code e}, row
 * {@code index[e] - index_base} of the node table. Its output's leading dimension is the edge
 * count, taken from the index input, not the node count of the table.
 *
 * <p>Inputs: {@code table} INT8, INT16 or INT32 activation {@code [F...]} per node; {@code index}
 * INT32 activation {@code []} per edge. Output: the table's type, shape and quantization per edge.
 * Attribute: {@code index_base} (0 or 1).
 */
public final class GatherRowsOp extends AbstractOpDefinition {

    /** The op type. */
    public static final String NAME = "gather_rows";
    /** 0- or 1-based indices. */
    public static final IntAttribute INDEX_BASE = IntAttribute.of("index_base", ValueRule.range(0, 1),
            "0 for 0-based node indices, 1 for 1-based");

    /** The definition, as the registry instantiates it. */
    public GatherRowsOp() {
        super(NAME, 1, "rows of a node table by edge index: table [F...] per node, index INT32 [] per edge -> [F...] per edge",
                List.of(INDEX_BASE));
    }

    /**
     * @param indexBase 0 or 1
     * @return the attributes
     */
    public static Attributes attributes(int indexBase) {
        return INDEX_BASE.write(Attributes.builder(), indexBase).build();
    }

    @Override
    public PreparedOp prepare(OpContext op) throws ArtifactFormatException {
        op.expectArity(2, 1);
        TensorInfo table = op.activationInput(0, "table", ElementType.INT8, ElementType.INT16, ElementType.INT32);
        op.activationInput(1, "index", ElementType.INT32);
        op.expectInputShape(1, "index", new int[0]);
        TensorInfo out = op.expectOutput(0, table.type(), table.shape());
        if (!out.quant().equals(table.quant())) {
            throw op.error("outputs[0]", "output must have the table's quantization");
        }
        int base = INDEX_BASE.read(op);
        int row = table.elementCount();
        int[] shape = out.shape();
        return inputs -> {
            Tensor t = inputs[0];
            int[] index = inputs[1].ints();
            Tensor y = Tensor.zeros(t.type(), Tensor.withLeading(index.length, shape));
            for (int e = 0; e < index.length; e++) {
                int r = index[e] - base;
                if (r < 0 || r >= t.leading()) {
                    throw new IllegalArgumentException("edge " + e + " refers to node " + index[e] + " of " + t.leading());
                }
                System.arraycopy(t.array(), r * row, y.array(), e * row, row);
            }
            return new Tensor[] {y};
        };
    }
}
