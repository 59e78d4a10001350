package io.qat4j.executor.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.Add;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.Conv2dOp;
import io.qat4j.executor.op.OpDefinition;
import io.qat4j.executor.op.OpRegistry;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.executor.testops.GatherRowsOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry finds op definitions through {@code META-INF/services}: a test-scope op
 * ({@link GatherRowsOp}, one class plus one registration line) is written into an artifact
 * beside a built-in op and runs on the general executor, with several named inputs and outputs,
 * INT16 and INT32 tensors, and an output whose leading dimension (edges) differs from an input's
 * (nodes).
 */
class OpRegistryTest {

    static final QuantInfo Q = QuantInfo.perTensor(0.1, 3);
    static final QuantInfo SUM = QuantInfo.perTensor(0.15, -5);

    /** nodes INT8 [4], feat16 INT16 [2] per node, src and dst INT32 [] per edge; msg = gather(src) + gather(dst). */
    static LoadedArtifact messagePassing() {
        List<TensorInfo> t = List.of(
                TensorInfo.activation(0, "nodes", ElementType.INT8, new int[] {4}, 8, Q),
                TensorInfo.activation(1, "src", ElementType.INT32, new int[0], 32, QuantInfo.perTensor(1, 0)),
                TensorInfo.activation(2, "dst", ElementType.INT32, new int[0], 32, QuantInfo.perTensor(1, 0)),
                TensorInfo.activation(3, "h_src", ElementType.INT8, new int[] {4}, 8, Q),
                TensorInfo.activation(4, "h_dst", ElementType.INT8, new int[] {4}, 8, Q),
                TensorInfo.activation(5, "msg", ElementType.INT8, new int[] {4}, 8, SUM),
                TensorInfo.activation(6, "feat16", ElementType.INT16, new int[] {2}, 12, QuantInfo.perTensor(0.01, 0)),
                TensorInfo.activation(7, "f16_src", ElementType.INT16, new int[] {2}, 12, QuantInfo.perTensor(0.01, 0)));
        List<OpNode> ops = List.of(
                new OpNode(GatherRowsOp.NAME, 1, "gather_src", new int[] {0, 1}, new int[] {3}, GatherRowsOp.attributes(0)),
                new OpNode(GatherRowsOp.NAME, 1, "gather_dst", new int[] {0, 2}, new int[] {4}, GatherRowsOp.attributes(0)),
                new OpNode(AddOp.NAME, AddOp.VERSION, "message", new int[] {3, 4}, new int[] {5}, AddOp.attributes(addParams())),
                new OpNode(GatherRowsOp.NAME, 1, "gather16", new int[] {6, 1}, new int[] {7}, GatherRowsOp.attributes(0)));
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, ops, new int[] {0, 1, 2, 6}, new int[] {5, 3, 7}), List.of());
    }

    static AddParams addParams() {
        return AddRescale.params(FixtureModel.act(0.1, 3), FixtureModel.act(0.1, 3), FixtureModel.act(0.15, -5), ActivationClamp.INT8);
    }

    @Test
    void theStandardRegistryFindsTheBuiltInOpsAndTheTestScopeOne() {
        List<String> names = OpRegistry.standard().definitions().stream().map(d -> d.name() + " v" + d.version()).toList();
        assertEquals(List.of("add v1", "add v2", "add_self_loops v1", "attention_logits v1", "avg_pool2d v1", "bias_requantize v1", "channel_affine v1", "conv2d v1", "edge_softmax v1",
                "fully_connected v1", "fully_connected_logits v1", "gather v1", "gather_rows v1", "gcn_norm v1", "global_avg_pool v1",
                "leaky_relu v1", "max_pool2d v1", "scatter_add v1", "segment_pool v1", "weighted_aggregate v1", "weighted_gather v1"),
                names);
        assertTrue(OpRegistry.standard().find(GatherRowsOp.NAME, 1).orElseThrow() instanceof GatherRowsOp);
    }

    @Test
    void anArtifactUsingTheTestOpIsWrittenReadAndRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mp.qat4j");
        ArtifactWriter.write(messagePassing(), file);
        Int8Executor ex = Int8Executor.load(file);
        assertEquals(List.of("nodes", "src", "dst", "feat16"), List.copyOf(ex.inputs().keySet()));
        assertEquals(List.of("msg", "h_src", "f16_src"), List.copyOf(ex.outputs().keySet()));

        byte[] nodes = {10, -20, 30, 40, /**/ 1, 2, 3, 4, /**/ -128, 127, 0, 5, /**/ 100, -100, 50, -50, /**/ 7, 7, 7, 7};
        int[] src = {0, 3, 4};
        int[] dst = {2, 2, 1};
        short[] feat = {1000, -2000, 1, 2, -3, 4, 5, -6, 2047, -2048};
        Map<String, Tensor> out = ex.run(Map.of("nodes", Tensor.int8(new int[] {5, 4}, nodes), "src", Tensor.int32(new int[] {3}, src),
                "dst", Tensor.int32(new int[] {3}, dst), "feat16", Tensor.int16(new int[] {5, 2}, feat)));

        byte[] hSrc = new byte[12];
        byte[] hDst = new byte[12];
        short[] f16 = new short[6];
        for (int e = 0; e < 3; e++) {
            System.arraycopy(nodes, 4 * src[e], hSrc, 4 * e, 4);
            System.arraycopy(nodes, 4 * dst[e], hDst, 4 * e, 4);
            System.arraycopy(feat, 2 * src[e], f16, 2 * e, 2);
        }
        byte[] msg = new byte[12];
        Add.run(addParams(), 12, hSrc, hDst, msg);
        assertArrayEquals(new int[] {3, 4}, out.get("msg").shape(), "one message per edge");
        assertArrayEquals(msg, out.get("msg").bytes());
        assertArrayEquals(hSrc, out.get("h_src").bytes());
        assertEquals(ElementType.INT16, out.get("f16_src").type());
        assertArrayEquals(f16, out.get("f16_src").shorts());

        // one executor, several threads
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Map<String, Tensor>>> runs = new java.util.ArrayList<>();
            for (int k = 0; k < 12; k++) {
                runs.add(pool.submit(() -> ex.run(Map.of("nodes", Tensor.int8(new int[] {5, 4}, nodes), "src",
                        Tensor.int32(new int[] {3}, src), "dst", Tensor.int32(new int[] {3}, dst), "feat16",
                        Tensor.int16(new int[] {5, 2}, feat)))));
            }
            for (Future<Map<String, Tensor>> f : runs) {
                assertArrayEquals(msg, f.get().get("msg").bytes());
            }
        } finally {
            pool.shutdownNow();
        }

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ex.run(Map.of("nodes",
                Tensor.int8(new int[] {5, 4}, nodes), "src", Tensor.int32(new int[] {3}, new int[] {0, 5, 1}), "dst",
                Tensor.int32(new int[] {3}, dst), "feat16", Tensor.int16(new int[] {5, 2}, feat))));
        assertTrue(bad.getMessage().contains("edge 1 refers to node 5 of 5"), bad.getMessage());
        IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class, () -> ex.run(Map.of("nodes",
                Tensor.int8(new int[] {5, 4}, nodes), "src", Tensor.int8(new int[] {3}, new byte[3]), "dst",
                Tensor.int32(new int[] {3}, dst), "feat16", Tensor.int16(new int[] {5, 2}, feat))));
        assertTrue(mistyped.getMessage().contains("input 'src' must be INT32"), mistyped.getMessage());
        IllegalStateException notClassifier = assertThrows(IllegalStateException.class, ex::classes);
        assertTrue(notClassifier.getMessage().contains("the graph has 4 inputs and 3 outputs"), notClassifier.getMessage());
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void withoutItsRegistrationTheOpIsAClearLoadError() throws Exception {
        OpRegistry builtIns = OpRegistry.of(OpRegistry.standard().definitions().stream()
                .filter(d -> !(d instanceof GatherRowsOp)).toList());
        LoadedArtifact a = ArtifactReader.read(ArtifactWriter.toBytes(messagePassing()));
        ArtifactFormatException e = assertThrows(ArtifactFormatException.class, () -> Int8Executor.of(a, "mp", builtIns, 1 << 20));
        assertEquals("ops[0].opType", e.field());
        assertTrue(e.getMessage().startsWith("mp: op 0 (gather_rows v1 'gather_src'): unknown op type 'gather_rows'"), e.getMessage());
    }

    @Test
    void twoDefinitionsOfOneNameAndVersionAreRejected() {
        List<OpDefinition> twice = List.of(new Conv2dOp(), new Conv2dOp());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpRegistry.of(twice));
        assertTrue(e.getMessage().contains("op 'conv2d' version 1 is defined twice"), e.getMessage());
    }
}
