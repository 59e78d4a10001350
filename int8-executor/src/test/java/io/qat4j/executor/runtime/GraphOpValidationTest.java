package io.qat4j.executor.runtime;

import static io.qat4j.executor.runtime.OpValidationTest.set;
import static io.qat4j.executor.runtime.OpValidationTest.withOp;
import static io.qat4j.executor.runtime.OpValidationTest.withTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.runtime.OpValidationTest.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The graph ops' load-time validation, in the style of {@link OpValidationTest}: each case changes
 * one attribute or tensor of the valid {@link GraphModel#all()} and must be rejected when the
 * executor loads it, the field naming the op and the attribute or tensor, the message the op
 * index, type, version and name. Cases name the op by its name in the model.
 */
class GraphOpValidationTest {

    /** The ops of {@link GraphModel#all()} as messages name them: {@code op 3 (add_self_loops v1 'loops')}. */
    static final List<String> OPS = GraphModel.all().model().ops().stream().map(n -> n.opType() + " v" + n.opVersion() + " '" + n.name()
            + "'").toList();

    /** @return the index of the op of that name in {@link GraphModel#all()} */
    static int op(String name) {
        for (int i = 0; i < OPS.size(); i++) {
            if (OPS.get(i).endsWith(" '" + name + "'")) {
                return i;
            }
        }
        throw new AssertionError("no op " + name);
    }

    static String describe(int op) {
        return "op " + op + " (" + OPS.get(op) + ")";
    }

    static String field(String op, String suffix) {
        return "ops[" + op(op) + "]" + suffix;
    }

    static Case attribute(String op, String key, long[] values, String field, String fragment) {
        return new Case(describe(op(op)) + " " + key + "=" + Arrays.toString(values), withOp(GraphModel.all(), op(op),
                n -> n.withAttributes(set(n.attributes(), key, values))), field, fragment);
    }

    static Case attribute(String op, String key, long[] values, String fragment) {
        return attribute(op, key, values, field(op, ".attributes." + key), fragment);
    }

    static Case tensor(String what, int id, UnaryOperator<TensorInfo> change, String field, String fragment) {
        return new Case(what, withTensor(GraphModel.all(), id, change), field, fragment);
    }

    static Case inputs(String op, int[] inputs, String field, String fragment) {
        return new Case(describe(op(op)) + " inputs " + Arrays.toString(inputs), withOp(GraphModel.all(), op(op),
                n -> new io.qat4j.executor.artifact.OpNode(n.opType(), n.opVersion(), n.name(), inputs, n.outputs(), n.attributes())),
                field, fragment);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // gather
        c.add(attribute("gather_src", "index_column", new long[] {2},
                "attribute 'index_column': column 2 is outside the 2 values per row of the"
                + " index tensor 1 'edges'"));
        c.add(attribute("gather_src", "index_column", null, "attribute 'index_column': is missing (int, 1 value)"));
        c.add(attribute("gather_src", "index_column", new long[] {-1}, "attribute 'index_column': value -1 is not >= 0"));
        c.add(attribute("gather_src", "index_column", new long[] {0, 1}, "attribute 'index_column': takes 1 value, got 2"));
        c.add(tensor("gather output requantized", 3, t -> TensorInfo.activation(3, t.name(), t.type(), t.shape(), 8,
                QuantInfo.perTensor(0.07, -3)), field("gather_src", ".outputs[0]"),
                        "must have the table's bits and quantization (a gather copies codes)"));
        c.add(tensor("gather table INT16", 0, t -> TensorInfo.activation(0, t.name(), ElementType.INT16, t.shape(), 16, t.quant()),
                field("gather_src", ".inputs[0]"), "table tensor 0 'nodes' is INT16, expected one of INT8, INT32"));
        c.add(tensor("edges INT8", 1, t -> TensorInfo.activation(1, t.name(), ElementType.INT8, t.shape(), 8, t.quant()),
                field("gather_src", ".inputs[1]"), "index tensor 1 'edges' is INT8, expected INT32"));
        c.add(tensor("edges rank 2", 1, t -> TensorInfo.activation(1, t.name(), t.type(), new int[] {2, 2}, 32, t.quant()),
                field("gather_src", ".inputs[1]"), "index tensor 1 'edges' has shape [2, 2] per row, expected [] or [K]"));
        // scatter_add
        c.add(attribute("gin_aggregate", "multipliers", new long[] {1L << 30, 1L << 30},
                "has 2 values, expected 1 (one multiplier for the whole op)"));
        c.add(attribute("gin_aggregate", "input_zero_point", new long[] {0},
                "value 0 differs from the zero point of the messages tensor 3 'h_src' (-3)"));
        c.add(attribute("gin_aggregate", "output_zero_point", new long[] {6},
                "value 6 differs from the zero point of the output tensor 4 'agg' (5)"));
        c.add(attribute("gin_aggregate", "shifts", new long[] {30}, field("gin_aggregate", ""),
                "scatter-add: scatter-add of one message: accumulator bound 255 * 2^30"));
        c.add(attribute("gin_aggregate", "clamp", new long[] {5, 4}, "attribute 'clamp': min 5 is above max 4"));
        c.add(inputs("gin_aggregate", new int[] {3, 1}, field("gin_aggregate", ".inputs"), "scatter_add takes 3 inputs, got 2"));
        c.add(tensor("scatter_add output shape", 4, t -> TensorInfo.activation(4, t.name(), t.type(), new int[] {5}, 8, t.quant()),
                field("gin_aggregate", ".outputs[0]"), "output tensor 4 'agg' has shape [5], but the op produces [4] per example"));
        // segment_pool
        c.add(attribute("sum_readout", "mode", new long[] {3}, "attribute 'mode': value 3 is not in [0, 2]"));
        c.add(attribute("mean_readout", "shifts", new long[] {8}, field("mean_readout", ""),
                "graph pooling: graph mean pooling: accumulator bound 16711680 * 2^8"));
        c.add(attribute("sum_readout", "index_column", new long[] {1},
                "column 1 is outside the 1 value per row of the graph tensor 2 'graph'"));
        c.add(tensor("graph INT16", 2, t -> TensorInfo.activation(2, t.name(), ElementType.INT16, t.shape(), 16, t.quant()),
                field("sum_readout", ".inputs[1]"), "graph tensor 2 'graph' is INT16, expected INT32"));
        // add_self_loops
        c.add(attribute("loops", "index_column", new long[] {0}, "unknown attribute 'index_column' (add_self_loops v1 takes none)"));
        c.add(tensor("loops output INT8", 6, t -> TensorInfo.activation(6, t.name(), ElementType.INT8, t.shape(), 8, t.quant()),
                field("loops", ".outputs[0]"), "output tensor 6 'edges_loops' is INT8, but the op produces INT32"));
        // gcn_norm
        c.add(attribute("gcn_norm", "scale_multiplier", new long[] {5}, "attribute 'scale_multiplier': value 5 is not >= 1073741824"));
        c.add(attribute("gcn_norm", "scale_shift", new long[] {31}, "attribute 'scale_shift': value 31 is not in [-31, 30]"));
        c.add(attribute("gcn_norm", "output_zero_point", new long[] {0},
                "value 0 differs from the zero point of the output tensor 7 'coef' (-128)"));
        c.add(tensor("coefficients INT16", 7, t -> TensorInfo.activation(7, t.name(), ElementType.INT16, t.shape(), 16, t.quant()),
                field("gcn_norm", ".outputs[0]"), "output tensor 7 'coef' is INT16, but the op produces INT8"));
        c.add(tensor("edges [3]", 1, t -> TensorInfo.activation(1, t.name(), t.type(), new int[] {3}, 32, t.quant()),
                field("loops", ".inputs[0]"), "edges tensor 1 'edges' has shape [3], expected [2]"));
        // weighted_aggregate
        c.add(attribute("gcn_aggregate", "weight_zero_point", new long[] {0},
                "value 0 differs from the zero point of the weights tensor 7 'coef' (-128)"));
        c.add(attribute("gat_messages", "weight_zero_point", new long[] {70000},
                "attribute 'weight_zero_point': value 70000 is not in [-32768, 65535]"));
        c.add(attribute("gat_messages", "shifts", new long[] {9},
                "attribute 'shifts': a message |w - Z_w| 255 reaches 32768 x 255 for the 16-bit INT16"
                + " weights, which times 2^9 exceeds 2^31 - 1"));
        c.add(attribute("gat_messages", "index_column", new long[] {2},
                "column 2 is outside the 2 values per row of the index tensor 6 'edges_loops'"));
        c.add(tensor("attention weights of 3 heads", 10, t -> TensorInfo.activation(10, t.name(), t.type(), new int[] {3}, 16, t.quant()),
                field("attention", ".outputs[0]"), "output tensor 10 'alpha' has shape [3], but the op produces [4] per example"));
        c.add(inputs("gat_messages", new int[] {7, 6, 10}, field("gat_messages", ".inputs[2]"),
                "weights tensor 10 'alpha' has 4 heads, which do not divide the 1"
                + " features of x tensor 7 'coef'"));
        c.add(inputs("gcn_aggregate", new int[] {4, 6, 1}, field("gcn_aggregate", ".inputs[2]"),
                "weights tensor 1 'edges' is INT32, expected one of INT8, UINT8, INT16"));
        // attention_logits
        c.add(attribute("att_logits", "multipliers", new long[] {1L << 30, 1L << 30},
                "has 2 values, expected 1 (one multiplier for the whole op)"));
        c.add(inputs("att_logits", new int[] {20, 8, 6}, field("att_logits", ".inputs[1]"),
                "target scores tensor 8 'gcn' is INT8, expected INT32"));
        c.add(inputs("att_logits", new int[] {20, 21, 7}, field("att_logits", ".inputs[2]"),
                "edges tensor 7 'coef' is INT8, expected INT32"));
        // leaky_relu
        c.add(attribute("att_leaky", "multipliers", new long[] {1L << 30},
                "has 1 values, expected 2 (the multipliers of x >= Z_in and of x < Z_in)"));
        c.add(attribute("att_leaky", "input_zero_point", new long[] {0},
                "value 0 differs from the zero point of the input tensor 9 'logits' (3)"));
        c.add(attribute("att_leaky", "shifts", new long[] {0, 30}, field("att_leaky", ""),
                "leaky ReLU: leaky ReLU: accumulator bound 255 * 2^30"));
        // edge_softmax
        c.add(attribute("attention", "output_fraction_bits", new long[] {15},
                "attribute 'output_fraction_bits': value 15 is not in [1, 14]"));
        c.add(attribute("attention", "exp_x0", new long[] {0}, "attribute 'exp_x0': value 0 is not in [-16777216, -1]"));
        c.add(attribute("attention", "exp_c", new long[] {1 << 25}, field("attention", ""),
                "integer softmax: the exponential's polynomial"));
        c.add(attribute("attention", "input_shift", new long[] {25}, "attribute 'input_shift': value 25 is not in [-31, 24]"));
        c.add(tensor("attention UINT8", 10, t -> TensorInfo.activation(10, t.name(), ElementType.UINT8, t.shape(), 8, t.quant()),
                field("attention", ".attributes.output_fraction_bits"),
                        "2^14 (alpha = 1) is not a code of the 8-bit UINT8 output tensor 10 'alpha'"));
        c.add(tensor("attention zero point", 10, t -> TensorInfo.activation(10, t.name(), t.type(), t.shape(), 16,
                QuantInfo.perTensor(1.0 / 16384, 3)), field("attention", ".outputs[0]"), "must be per tensor with zero point 0"));
        c.add(tensor("logits rank 2", 9, t -> TensorInfo.activation(9, t.name(), t.type(), new int[] {2, 2}, 8, t.quant()),
                field("att_logits", ".outputs[0]"), "output tensor 9 'logits' has shape [2, 2], but the op produces [4] per example"));
        c.add(inputs("attention", new int[] {14, 6}, field("attention", ".inputs"), "edge_softmax takes 3 inputs, got 2"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedGraphOpsAreRejectedAtLoadNamingTheOpAndTheAttributeOrTensor(Case c) {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(c.artifact(), "g.qat4j"));
        assertEquals(c.field(), e.field(), e.getMessage());
        int op = Integer.parseInt(c.field().substring(4, c.field().indexOf(']')));
        assertTrue(e.getMessage().startsWith("g.qat4j: " + describe(op) + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(c.fragment()), e.getMessage());
    }

    @Test
    void theValidModelsLoad() throws ArtifactFormatException {
        LoadedArtifact all = GraphModel.all();
        assertEquals(15, Int8Executor.of(all, "g").model().ops().size());
        assertEquals(3, Int8Executor.of(GraphModel.chain(), "g").model().ops().size());
    }
}
