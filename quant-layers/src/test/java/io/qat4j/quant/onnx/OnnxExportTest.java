package io.qat4j.quant.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.export.Int8ExporterTest;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX export, run by ONNX Runtime for Java, against the int8 executor.
 *
 * <p>The claim checked op by op (each op of the artifact exported alone, fed the same int8 codes on
 * both sides): an int8 output differs by at most one code, and in the operator form the int32 logit
 * accumulators are equal. Why one code: both engines round the same real value {@code v} (e.g.
 * {@code acc * S_in S_w / S_out} for a convolution, the window mean over {@code S_out} for a
 * pool) to an integer, the executor with a Q31 fixed-point multiplier (within {@code 2^-31}
 * relative of {@code M}) and ONNX Runtime in float32 (within a few {@code 2^-24} relative of
 * {@code v}, at most about {@code K 2^-24 sum|x w| M < 0.01} code for the accumulations here), so
 * each result lies within {@code 0.5 + 0.01} of {@code v} and the two within {@code 1.02 < 2} of each
 * other; ties are broken differently (the executor away from zero, ONNX to even). Max pooling and
 * the int32 accumulators involve no rounding and must be equal. The QDQ form's float logits come
 * from {@code Gemm} in float: within {@code (K + 2) 2^-23} of the sum of the terms' magnitudes.
 */
class OnnxExportTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static OrtSession session(byte[] model) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(1);
        return ENV.createSession(model, o);
    }

    /** Runs ONNX Runtime on float inputs; returns each output's values ({@code float[]} or {@code int[]}). */
    static Map<String, Object> run(OrtSession s, Map<String, float[]> inputs, Map<String, long[]> shapes) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                in.put(e.getKey(), OnnxTensor.createTensor(ENV, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            try (OrtSession.Result r = s.run(in)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT32) {
                        var b = t.getIntBuffer();
                        int[] v = new int[b.remaining()];
                        b.get(v);
                        out.put(e.getKey(), v);
                    } else {
                        var b = t.getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        out.put(e.getKey(), v);
                    }
                }
            }
            return out;
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** The artifact with one op: its activation inputs become graph inputs, its outputs graph outputs. */
    static LoadedArtifact alone(LoadedArtifact art, OpNode op) {
        Set<Integer> keep = new java.util.HashSet<>();
        Arrays.stream(op.inputs()).forEach(keep::add);
        Arrays.stream(op.outputs()).forEach(keep::add);
        List<TensorInfo> tensors = art.model().tensors().stream().filter(t -> t.isConstant() || keep.contains(t.id())).toList();
        int[] inputs = Arrays.stream(op.inputs()).filter(id -> !art.model().tensor(id).orElseThrow().isConstant()).toArray();
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, tensors, List.of(op), inputs, op.outputs()), art.blobs());
    }

    static float[] reals(byte[] codes, TensorInfo t) {
        float[] r = new float[codes.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) (t.quant().scale(0) * (codes[i] - t.quant().zeroPoint(0)));
        }
        return r;
    }

    static long[] batchShape(int n, TensorInfo t) {
        return IntStream.concat(IntStream.of(n), Arrays.stream(t.shape())).asLongStream().toArray();
    }

    @ParameterizedTest(name = "{0}-bit weights, {1}")
    @CsvSource({"8, QOPERATOR", "4, QOPERATOR", "8, QDQ", "4, QDQ"})
    void everyOpAloneAgreesWithTheExecutorWithinOneCodeAndTheAccumulatorsExactly(int bits, OnnxForm form) throws Exception {
        LoadedArtifact art = Int8Exporter.export(Int8ExporterTest.net(bits), Int8ExporterTest.SHAPE, Provenance.EMPTY);
        Int8Executor full = Int8Executor.of(art, "test");
        int n = 64;
        Nd4j.getRandom().setSeed(11);
        float[] x = Nd4j.rand(DataType.FLOAT, n, 2, 8, 8).muli(1.5).dup('c').data().asFloat();
        Map<String, Object> trace = full.trace(full.quantizeInput(x), n);
        Set<String> converted = new java.util.TreeSet<>();
        for (OpNode op : art.model().ops()) {
            LoadedArtifact one = alone(art, op);
            Int8Executor ex = Int8Executor.of(one, op.name());
            Map<String, Tensor> ours = new HashMap<>();
            Map<String, float[]> theirs = new HashMap<>();
            Map<String, long[]> shapes = new HashMap<>();
            for (int id : one.model().graphInputs()) {
                TensorInfo t = one.model().tensor(id).orElseThrow();
                byte[] codes = (byte[]) trace.get(t.name());
                ours.put(t.name(), Tensor.int8(Tensor.withLeading(n, t.shape()), codes));
                theirs.put(t.name(), reals(codes, t));
                shapes.put(t.name(), batchShape(n, t));
            }
            Map<String, Tensor> expected = ex.run(ours);
            Map<String, Object> got;
            try (OrtSession s = session(OnnxExporter.toBytes(one, form))) {
                got = run(s, theirs, shapes);
            }
            TensorInfo y = one.model().tensor(op.output(0)).orElseThrow();
            if (y.type() == ElementType.INT32) {
                int[] acc = expected.get(y.name()).ints();
                float[] logits = (float[]) got.get(y.name());
                if (form == OnnxForm.QOPERATOR) {
                    assertArrayEquals(acc, (int[]) got.get(y.name() + "_int32"), op.name() + ": int32 accumulators");
                }
                for (int i = 0; i < acc.length; i++) {
                    double want = acc[i] * y.quant().scale(i % y.dim(0));
                    double bound = (y.dim(0) + 2) * Math.ulp(1f) * 2 * Math.max(Math.abs(want), magnitude(one, op, trace, i, n));
                    assertTrue(Math.abs(logits[i] - want) <= bound, op.name() + " logit " + i + ": " + logits[i] + " vs " + want);
                }
            } else {
                byte[] codes = expected.get(y.name()).bytes();
                float[] r = (float[]) got.get(y.name());
                int differ = 0;
                for (int i = 0; i < codes.length; i++) {
                    int theirsCode = (int) Math.round(r[i] / y.quant().scale(0)) + y.quant().zeroPoint(0);
                    int d = Math.abs(theirsCode - codes[i]);
                    assertTrue(d <= (op.opType().equals("max_pool2d") ? 0 : 1), op.name() + " (" + op.opType() + ") element " + i
                            + ": executor " + codes[i] + ", ONNX Runtime " + theirsCode);
                    differ += d;
                }
                System.out.printf("%d-bit %s %-6s %-16s %d of %d codes differ by one%n", bits, form, op.name(), op.opType(), differ,
                        codes.length);
            }
            converted.add(op.opType());
        }
        assertEquals(Set.of("conv2d", "max_pool2d", "add", "avg_pool2d", "global_avg_pool", "fully_connected",
                "fully_connected_logits"), converted, "the network covers every converter");
    }

    /** sum over k of |x_k w_k| S_in S_w + |b| S_in S_w for logit {@code i}: the scale of the float error of Gemm. */
    private static double magnitude(LoadedArtifact one, OpNode op, Map<String, Object> trace, int i, int n) {
        TensorInfo x = one.model().tensor(op.input(0)).orElseThrow();
        TensorInfo w = one.model().tensor(op.input(1)).orElseThrow();
        TensorInfo y = one.model().tensor(op.output(0)).orElseThrow();
        int k = w.dim(1);
        int c = i % w.dim(0);
        int row = i / w.dim(0);
        byte[] codes = (byte[]) trace.get(x.name());
        byte[] wc = w.type() == ElementType.INT4_PACKED ? io.qat4j.executor.kernel.PackedInt4.unpack(one.data(w), w.elementCount())
                : one.data(w);
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.abs((double) (codes[row * k + j] - x.quant().zeroPoint(0)) * wc[c * k + j]);
        }
        byte[] b = one.data(one.model().tensor(op.input(2)).orElseThrow());
        int bias = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4 * c);
        return (sum + Math.abs(bias)) * y.quant().scale(c);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"QOPERATOR", "QDQ", "FLOAT"})
    void theWholeNetworkLoadsInOnnxRuntimeWithDocumentedInputsAndOutputs(OnnxForm form) throws Exception {
        LoadedArtifact art = Int8Exporter.export(Int8ExporterTest.net(8), Int8ExporterTest.SHAPE,
                Provenance.builder().put(Provenance.SEED, "5").build());
        Onnx.ModelProto m = OnnxExporter.convert(art, form);
        assertEquals(OnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        assertEquals("5", m.getMetadataPropsList().stream().filter(p -> p.getKey().equals(Provenance.SEED)).findFirst().orElseThrow()
                .getValue(), "provenance as metadata");
        Int8Executor ex = Int8Executor.of(art, "test");
        int n = 300;
        Nd4j.getRandom().setSeed(12);
        float[] x = Nd4j.rand(DataType.FLOAT, n, 2, 8, 8).dup('c').data().asFloat();
        Int8Executor.Output ours = ex.run(x, n);
        try (OrtSession s = session(m.toByteArray())) {
            assertEquals(Set.of("input"), s.getInputNames());
            assertEquals(form == OnnxForm.QOPERATOR ? Set.of("out", "out_int32") : Set.of("out"), s.getOutputNames());
            Map<String, Object> got = run(s, Map.of("input", x), Map.of("input", new long[] {n, 2, 8, 8}));
            float[] logits = (float[]) got.get("out");
            assertEquals(n * ex.classes(), logits.length);
            int agree = 0;
            for (int b = 0; b < n; b++) {
                int best = 0;
                for (int c = 1; c < ex.classes(); c++) {
                    best = logits[b * ex.classes() + c] > logits[b * ex.classes() + best] ? c : best;
                }
                agree += best == ours.predictions()[b] ? 1 : 0;
            }
            System.out.printf("%s: ONNX Runtime and the executor predict alike on %d of %d random inputs%n", form, agree, n);
            if (form == OnnxForm.FLOAT) {
                boolean quantizes = m.getGraph().getNodeList().stream().anyMatch(d -> d.getOpType().equals("QuantizeLinear"));
                assertTrue(!quantizes, "the float form quantizes no activation");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"QOPERATOR", "QDQ"})
    void maxPoolingIgnoresPaddedPositionsLikeTheExecutor(OnnxForm form) throws Exception {
        QuantInfo q = QuantInfo.perTensor(0.1, 3);
        TensorInfo in = TensorInfo.activation(0, "input", ElementType.INT8, new int[] {2, 5, 5}, 8, q);
        TensorInfo out = TensorInfo.activation(1, "pooled", ElementType.INT8, new int[] {2, 3, 3}, 8, q);
        Attributes a = Attributes.builder().putInts("in_shape", 2, 5, 5).putInts("kernel", 3, 3).putInts("stride", 2, 2)
                .putInts("pad", 1, 1, 1, 1).build();
        OpNode op = new OpNode("max_pool2d", "mp", new int[] {0}, new int[] {1}, a);
        LoadedArtifact art = new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, List.of(in, out), List.of(op), new int[] {0},
                new int[] {1}), List.of());
        Random r = new Random(5);
        int n = 20;
        byte[] codes = new byte[n * 50];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (r.nextInt(40) - 30); // mostly below the zero point 3: padding read as real 0 would win
        }
        byte[] ours = Int8Executor.of(art, "t").run(Map.of("input", Tensor.int8(new int[] {n, 2, 5, 5}, codes))).get("pooled").bytes();
        try (OrtSession s = session(OnnxExporter.toBytes(art, form))) {
            float[] got = (float[]) run(s, Map.of("input", reals(codes, in)), Map.of("input", new long[] {n, 2, 5, 5})).get("pooled");
            for (int i = 0; i < ours.length; i++) {
                assertEquals(ours[i], Math.round(got[i] / 0.1) + 3, "element " + i);
            }
        }
    }

    @Test
    void anOpWithoutAnOnnxFormIsNamedWithWhatIsCovered() throws Exception {
        LoadedArtifact art = Int8Exporter.export(Int8ExporterTest.net(8), Int8ExporterTest.SHAPE, Provenance.EMPTY);
        List<OpNode> ops = new ArrayList<>();
        for (OpNode op : art.model().ops()) {
            ops.add(op.opType().equals("add") ? new OpNode("add", 2, op.name(), op.inputs(), op.outputs(), op.attributes()) : op);
        }
        LoadedArtifact v2 = new LoadedArtifact(art.model().withOps(art.model().formatVersion(), ops), art.blobs());
        OnnxExportException e = assertThrows(OnnxExportException.class, () -> OnnxExporter.convert(v2, OnnxForm.QOPERATOR));
        assertTrue(e.getMessage().startsWith("op 'add' (add v2): no ONNX form of this version; ONNX export covers add, avg_pool2d, "),
                e.getMessage());
        assertEquals(List.of("add", "avg_pool2d", "conv2d", "fully_connected", "fully_connected_logits", "global_avg_pool",
                "max_pool2d"), OnnxExporter.convertibleOps().stream().sorted().collect(Collectors.toList()));
    }
}
