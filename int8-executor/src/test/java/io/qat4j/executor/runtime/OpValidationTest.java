package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.OpRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every malformed attribute (missing, wrong kind, wrong count, out of range, inconsistent with a
 * tensor) and every tensor of a wrong element type or shape is rejected when the executor loads
 * the artifact, with an {@link ArtifactFormatException} whose field names the op and the attribute
 * or tensor ({@code ops[i].attributes.NAME}, {@code ops[i].inputs[k]}, {@code ops[i].outputs[k]})
 * and whose message names the op index, type, version and name. Each case changes one thing of
 * the valid {@link FixtureModel#v2()}: op 0 c1 conv2d (int8 weights), 1 mp max_pool2d, 2 c2
 * conv2d (4-bit weights), 3 add, 4 avg_pool2d, 5 global_avg_pool, 6 d fully_connected, 7 out
 * fully_connected_logits.
 */
class OpValidationTest {

    /** One malformed variant: what changes, the field and a fragment of the message. */
    record Case(String what, LoadedArtifact artifact, String field, String fragment) {
        @Override
        public String toString() {
            return what;
        }
    }

    static final String[] OPS = {"op 0 (conv2d v1 'c1')", "op 1 (max_pool2d v1 'mp')", "op 2 (conv2d v1 'c2')", "op 3 (add v1 'add')",
        "op 4 (avg_pool2d v1 'ap+apq')", "op 5 (global_avg_pool v1 'gap+gapq')", "op 6 (fully_connected v1 'd')",
        "op 7 (fully_connected_logits v1 'out')"};

    static Case attribute(int op, String key, long[] values, String fragment) {
        String field = "ops[" + op + "].attributes." + key;
        return new Case(OPS[op] + " " + key + "=" + java.util.Arrays.toString(values), withOp(FixtureModel.v2(), op,
                n -> n.withAttributes(set(n.attributes(), key, values))), field, fragment);
    }

    static Case tensor(String what, int id, UnaryOperator<TensorInfo> change, String field, String fragment) {
        return new Case(what, withTensor(FixtureModel.v2(), id, change), field, fragment);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // missing, wrong kind, unknown
        c.add(new Case("conv kernel missing", withOp(FixtureModel.v2(), 0, n -> n.withAttributes(set(n.attributes(), "kernel", null))),
                "ops[0].attributes.kernel", "attribute 'kernel': is missing (int list, 2 values)"));
        c.add(new Case("max pool stride missing", withOp(FixtureModel.v2(), 1,
                n -> n.withAttributes(set(n.attributes(), "stride", null))), "ops[1].attributes.stride", "attribute 'stride': is missing"));
        c.add(new Case("conv clamp stored as reals", withOp(FixtureModel.v2(), 0, n -> {
            Map<String, long[]> ints = new LinkedHashMap<>(n.attributes().ints());
            ints.remove("clamp");
            return n.withAttributes(new Attributes(ints, Map.of("clamp", new double[] {-128, 127})));
        }), "ops[0].attributes.clamp", "attribute 'clamp': is a real attribute; it must hold integers (int list)"));
        c.add(attribute(0, "padding", new long[] {1}, "unknown attribute 'padding' (conv2d v1 takes in_shape, kernel,"));
        // counts
        c.add(attribute(0, "kernel", new long[] {3, 3, 3}, "attribute 'kernel': takes 2 values, got 3"));
        c.add(attribute(0, "groups", new long[] {1, 1}, "attribute 'groups': takes 1 value, got 2"));
        c.add(attribute(0, "multipliers", new long[] {1L << 30, 1L << 30, 1L << 30}, "has 3 values, expected 4 (one per output channel)"));
        c.add(attribute(2, "shifts", new long[] {0}, "attribute 'shifts': has 1 values, expected 4 (one per output channel)"));
        c.add(attribute(4, "multipliers", new long[] {1L << 30, 1L << 30, 1L << 30},
                "has 3 values, expected 4 (one per window count 1..KH*KW)"));
        c.add(attribute(5, "shifts", new long[] {0, 0}, "has 2 values, expected 1 (one shift for the whole pool)"));
        // ranges
        c.add(attribute(0, "stride", new long[] {0, 1}, "attribute 'stride': value 0 at [0] is not >= 1"));
        c.add(attribute(0, "dilation", new long[] {1, -2}, "attribute 'dilation': value -2 at [1] is not >= 1"));
        c.add(attribute(0, "pad", new long[] {1, 1, -1, 1}, "attribute 'pad': value -1 at [2] is not >= 0"));
        c.add(attribute(1, "kernel", new long[] {0, 2}, "attribute 'kernel': value 0 at [0] is not >= 1"));
        c.add(attribute(0, "groups", new long[] {0}, "attribute 'groups': value 0 is not >= 1"));
        c.add(attribute(0, "groups", new long[] {4}, "attribute 'groups': 4 does not divide the 2 input channels"));
        c.add(attribute(0, "multipliers", new long[] {1L << 30, 5, 1L << 30, 1L << 30},
                "attribute 'multipliers': value 5 at [1] is not 0 or in [2^30, 2^31 - 1]"));
        c.add(attribute(6, "multipliers", new long[] {1L << 31, 1L << 30, 1L << 30, 1L << 30, 1L << 30, 1L << 30},
                "value 2147483648 at [0] is not 0 or in [2^30, 2^31 - 1]"));
        c.add(attribute(0, "shifts", new long[] {31, 0, 0, 0}, "attribute 'shifts': value 31 at [0] is not in [-31, 30]"));
        c.add(attribute(0, "input_zero_point", new long[] {300}, "attribute 'input_zero_point': value 300 is not in [-128, 127]"));
        c.add(attribute(7, "input_zero_point", new long[] {-129}, "value -129 is not in [-128, 127]"));
        c.add(attribute(3, "left_shift", new long[] {23}, "attribute 'left_shift': value 23 is not in [0, 22]"));
        c.add(attribute(3, "input1_shift", new long[] {1}, "attribute 'input1_shift': value 1 is not in [-31, 0]"));
        c.add(attribute(0, "clamp", new long[] {10, -10}, "attribute 'clamp': min 10 is above max -10"));
        // consistency with the tensors
        c.add(attribute(0, "input_zero_point", new long[] {0}, "value 0 differs from the zero point of the input tensor 0 'input' (-3)"));
        c.add(attribute(6, "output_zero_point", new long[] {0}, "differs from the zero point of the output tensor 13 'd' (-128)"));
        c.add(attribute(3, "input2_zero_point", new long[] {7}, "differs from the zero point of the input b tensor 4 'mp'"));
        c.add(attribute(0, "in_shape", new long[] {2, 6, 7}, "attribute 'in_shape': [2, 6, 7] differs from the shape [2, 6, 6]"));
        c.add(new Case("conv kernel against the weights", attribute(2, "kernel", new long[] {2, 2}, "").artifact(), "ops[2].inputs[1]",
                "weights tensor 5 'c2/weights' has shape [4, 4, 3, 3], expected [4, 4, 2, 2]"));
        // tensor types and shapes
        c.add(tensor("conv weights INT32", 1, t -> TensorInfo.constant(1, t.name(), ElementType.INT32, t.shape(), 32, t.quant(), 0),
                "ops[0].inputs[1]", "weights tensor 1 'c1/weights' is INT32, expected one of INT8, INT4_PACKED"));
        c.add(tensor("conv bias INT8", 2, t -> TensorInfo.constant(2, t.name(), ElementType.INT8, t.shape(), 8,
                QuantInfo.perTensor(1, 0), 1), "ops[0].inputs[2]", "bias tensor 2 'c1/bias' is INT8, expected INT32"));
        c.add(tensor("conv input INT16", 0, t -> TensorInfo.activation(0, t.name(), ElementType.INT16, t.shape(), 16, t.quant()),
                "ops[0].inputs[0]", "input tensor 0 'input' is INT16, expected INT8"));
        c.add(tensor("conv bias shape", 2, t -> TensorInfo.constant(2, t.name(), t.type(), new int[] {2, 2}, 32,
                QuantInfo.perTensor(1, 0), 1), "ops[0].inputs[2]", "bias tensor 2 'c1/bias' has shape [2, 2], expected [4]"));
        c.add(tensor("conv weights rank", 1, t -> TensorInfo.constant(1, t.name(), t.type(), new int[] {4, 18}, 8,
                QuantInfo.symmetricPerAxis(0, FixtureModel.S_W1), 0), "ops[0].inputs[1]", "weights tensor 1 'c1/weights' has rank 2"));
        c.add(tensor("conv output shape", 3, t -> TensorInfo.activation(3, t.name(), t.type(), new int[] {4, 6, 5}, 8, t.quant()),
                "ops[0].outputs[0]", "output tensor 3 'c1' has shape [4, 6, 5], but the op produces [4, 6, 6] per example"));
        c.add(tensor("conv output INT16", 3, t -> TensorInfo.activation(3, t.name(), ElementType.INT16, t.shape(), 16, t.quant()),
                "ops[0].outputs[0]", "output tensor 3 'c1' is INT16, but the op produces INT8"));
        c.add(tensor("max pool output requantized", 4, t -> TensorInfo.activation(4, t.name(), t.type(), t.shape(), 8,
                QuantInfo.perTensor(0.05, -127)), "ops[1].outputs[0]", "must have the input's bits and quantization"));
        c.add(tensor("dense weights shape", 11, t -> TensorInfo.constant(11, t.name(), t.type(), new int[] {4, 6}, 8,
                QuantInfo.symmetricPerAxis(0, new double[] {1, 1, 1, 1}), 4), "ops[6].inputs[1]", "has shape [4, 6], expected [4, 4]"));
        c.add(tensor("logits INT8", 16, t -> TensorInfo.activation(16, t.name(), ElementType.INT8, t.shape(), 8,
                QuantInfo.perTensor(1, 0)), "ops[7].outputs[0]", "output tensor 16 'out' is INT8, but the op produces INT32"));
        // unknown op type or version
        c.add(new Case("unknown op type", withOp(FixtureModel.v2(), 1, n -> new OpNode("max_pool3d", 1, n.name(), n.inputs(),
                n.outputs(), n.attributes())), "ops[1].opType",
                        "unknown op type 'max_pool3d' (this executor knows add, add_self_loops, attention_logits, avg_pool2d,"));
        c.add(new Case("unknown op version", withOp(FixtureModel.v2(), 0, n -> new OpNode(n.opType(), 2, n.name(), n.inputs(),
                n.outputs(), n.attributes())), "ops[0].opVersion", "op 0 (conv2d v2 'c1'): unknown version 2 of op 'conv2d' "
                + "(this executor knows version [1]; the artifact may come from a newer qat4j)"));
        // format version 1: the positional add_params
        long[] addParams = FixtureModel.v1().model().ops().get(3).attributes().ints("add_params");
        c.add(new Case("v1 add_params of 11 values", withOp(FixtureModel.v1(), 3, n -> n.withAttributes(set(n.attributes(), "add_params",
                java.util.Arrays.copyOf(addParams, 11)))), "ops[3].attributes.add_params", "attribute 'add_params' takes 12 values, got 11"));
        long[] badShift = addParams.clone();
        badShift[6] = 30;
        c.add(new Case("v1 add_params left shift 30", withOp(FixtureModel.v1(), 3, n -> n.withAttributes(set(n.attributes(), "add_params",
                badShift))), "ops[3].attributes.left_shift", "attribute 'left_shift': value 30 is not in [0, 22]"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedOpsAreRejectedAtLoadNamingTheOpAndTheAttributeOrTensor(Case c) {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(c.artifact(), "m.qat4j"));
        assertEquals(c.field(), e.field(), e.getMessage());
        int op = Integer.parseInt(c.field().substring(4, c.field().indexOf(']')));
        assertTrue(e.getMessage().startsWith("m.qat4j: " + (c.field().endsWith("opVersion") ? "op 0 (conv2d v2 'c1')"
                : c.field().endsWith("opType") ? "op 1 (max_pool3d v1 'mp')" : OPS[op]) + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(c.fragment()), e.getMessage());
    }

    /**
     * The dense layers reserve their per-thread buffers too: at the smallest scratch limit the
     * fixture loads with, one byte less is refused at the last one, the logits layer, naming them.
     */
    @Test
    void denseLayersReserveTheirBuffers() {
        long lo = 0;
        long hi = 1L << 30; // loads
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            try {
                Int8Executor.of(FixtureModel.v2(), "m.qat4j", OpRegistry.standard(), mid);
                hi = mid;
            } catch (ArtifactFormatException e) {
                lo = mid;
            }
        }
        long smallest = hi;
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> Int8Executor.of(FixtureModel.v2(), "m.qat4j", OpRegistry.standard(), smallest - 1));
        assertEquals("ops[7]", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("op 7 (fully_connected_logits v1 'out'): the fully connected layer's buffers per"
                + " thread needs "), e.getMessage());
    }

    @Test
    void scratchIsBoundedBeforeItIsAllocated() {
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class,
                () -> Int8Executor.of(FixtureModel.v2(), "m.qat4j", OpRegistry.standard(), 4096));
        assertEquals("ops[0]", e.field());
        assertTrue(e.getMessage().contains("op 0 (conv2d v1 'c1'): the convolution's im2col scratch per thread needs "), e.getMessage());
        // the 2 x 6 x 6 input codes and the 4 x 6 x 6 output codes of one example are reserved first
        assertTrue(e.getMessage().contains("the executor's scratch limit is 4096 bytes and 216 are reserved already"), e.getMessage());
        // with room for the first convolution's scratch and the outputs of the first three ops only, the second convolution is refused
        long first = io.qat4j.executor.kernel.PreparedConv2d.scratchBytes(new io.qat4j.executor.kernel.Conv2dParams(2, 6, 6, 4, 1,
                new io.qat4j.executor.kernel.Window2d(3, 3, 1, 1, 1, 1, 1, 1, 1, 1), FixtureModel.IN.zeroPoint(),
                FixtureModel.requant(FixtureModel.IN, FixtureModel.S_W1, FixtureModel.C1, FixtureModel.relu(FixtureModel.C1))));
        long limit = 72 + first + 144 + 36 + 36;
        e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(FixtureModel.v2(), "m.qat4j", OpRegistry.standard(), limit));
        assertEquals("ops[2]", e.field());
        assertTrue(e.getMessage().contains("op 2 (conv2d v1 'c2'): the convolution's im2col scratch per thread needs"), e.getMessage());
        // a huge activation over tiny weights is refused at load, before anything of its size exists
        LoadedArtifact huge = withTensor(withTensor(withOp(withOp(FixtureModel.v2(), 0, n -> n.withAttributes(set(n.attributes(), "in_shape",
                new long[] {2, 20000, 20000}))), 1, n -> n.withAttributes(set(n.attributes(), "in_shape", new long[] {4, 20000, 20000}))),
                0, t -> TensorInfo.activation(0, t.name(), t.type(), new int[] {2, 20000, 20000}, 8, t.quant())),
                3, t -> TensorInfo.activation(3, t.name(), t.type(), new int[] {4, 20000, 20000}, 8, t.quant()));
        e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(huge, "m.qat4j"));
        // the graph input, the first activation of that size, is refused before any op is prepared
        assertEquals("graphInputs[0]", e.field());
        assertTrue(e.getMessage().contains("graph input tensor 0 'input' per example needs 800000000 bytes"), e.getMessage());
    }

    static Attributes set(Attributes a, String key, long[] values) {
        Map<String, long[]> ints = new LinkedHashMap<>(a.ints());
        if (values == null) {
            ints.remove(key);
        } else {
            ints.put(key, values);
        }
        return new Attributes(ints, a.reals());
    }

    static LoadedArtifact withOp(LoadedArtifact a, int index, UnaryOperator<OpNode> change) {
        List<OpNode> ops = new ArrayList<>(a.model().ops());
        ops.set(index, change.apply(ops.get(index)));
        ModelArtifact m = a.model();
        return new LoadedArtifact(new ModelArtifact(m.formatVersion(), m.provenance(), m.tensors(), ops, m.graphInputs(),
                m.graphOutputs()), a.blobs());
    }

    static LoadedArtifact withTensor(LoadedArtifact a, int id, UnaryOperator<TensorInfo> change) {
        ModelArtifact m = a.model();
        List<TensorInfo> tensors = new ArrayList<>(m.tensors());
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).id() == id) {
                tensors.set(i, change.apply(tensors.get(i)));
            }
        }
        return new LoadedArtifact(new ModelArtifact(m.formatVersion(), m.provenance(), tensors, m.ops(), m.graphInputs(),
                m.graphOutputs()), a.blobs());
    }
}
