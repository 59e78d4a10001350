package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.io.AtomicFiles;
import io.qat4j.executor.runtime.Int8Executor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import onnx.Onnx;

/**
 * Writes an int8 artifact as an ONNX model (IR version 7, default-domain opset 13) that ONNX
 * Runtime, TensorRT and OpenVINO read, in one of the two {@link OnnxForm}s: float inputs named as
 * the artifact's inputs, shape {@code [N, ...]} with a symbolic batch {@code N}, quantized by
 * {@code QuantizeLinear} to uint8 (a {@code Clip} keeps inputs of fewer than 8 bits in their range)
 * except in the float form;
 * every op through the {@link OnnxOpConverter} registered for its type; outputs dequantized to float
 * under the artifact's output names, and in the operator form also the exact int32 accumulators as
 * {@code <name>_int32}. The artifact's provenance becomes the model's {@code metadata_props}.
 *
 * <p>The ONNX classes are the ones generated from {@code onnx.proto} that ND4J ships
 * ({@code onnx.Onnx} in {@code nd4j-api}), so no protobuf dependency is added.
 */
public final class OnnxExporter {

    /** ONNX IR version written (ONNX 1.8+, which opset 13 requires). */
    public static final long IR_VERSION = 7;
    /** Default-domain opset: per-axis {@code QuantizeLinear}/{@code DequantizeLinear} need 13. */
    public static final long OPSET = 13;

    private static final Map<String, OnnxOpConverter> CONVERTERS = load();

    private OnnxExporter() {
    }

    private static Map<String, OnnxOpConverter> load() {
        Map<String, OnnxOpConverter> m = new TreeMap<>();
        for (OnnxOpConverter c : ServiceLoader.load(OnnxOpConverter.class, OnnxExporter.class.getClassLoader())) {
            m.put(c.opType(), c);
        }
        return Collections.unmodifiableMap(m);
    }

    /** @return the op types that have an ONNX form */
    public static List<String> convertibleOps() {
        return List.copyOf(CONVERTERS.keySet());
    }

    /**
     * Writes {@code form.fileName()} beside the artifact, atomically.
     *
     * @param artifactFile a {@code .qat4j} file
     * @param form the ONNX form
     * @return the ONNX file
     * @throws IOException if reading or writing fails
     * @throws OnnxExportException if an op has no ONNX form
     */
    public static Path write(Path artifactFile, OnnxForm form) throws IOException {
        Path target = artifactFile.toAbsolutePath().resolveSibling(form.fileName());
        AtomicFiles.write(target, toBytes(ArtifactReader.read(artifactFile), form));
        return target;
    }

    /**
     * @param artifact a loaded artifact; it is validated by loading it into an executor first
     * @param form the ONNX form
     * @return the serialized {@code ModelProto}
     * @throws ArtifactFormatException if the artifact is invalid
     */
    public static byte[] toBytes(LoadedArtifact artifact, OnnxForm form) throws ArtifactFormatException {
        return convert(artifact, form).toByteArray();
    }

    /**
     * @param artifact a loaded artifact; it is validated by loading it into an executor first
     * @param form the ONNX form
     * @return the model
     * @throws ArtifactFormatException if the artifact is invalid
     * @throws OnnxExportException if an op has no ONNX form
     */
    public static Onnx.ModelProto convert(LoadedArtifact artifact, OnnxForm form) throws ArtifactFormatException {
        Int8Executor.of(artifact, "ONNX export");
        OnnxGraph g = new OnnxGraph(artifact, form);
        Onnx.GraphProto.Builder graph = g.proto().setName("qat4j");
        for (int id : artifact.model().graphOutputs()) {
            g.reserve(g.tensor(id).name());
            g.reserve(g.tensor(id).name() + "_int32");
        }
        for (int id : artifact.model().graphInputs()) {
            input(g, g.tensor(id));
        }
        for (OpNode op : artifact.model().ops()) {
            OnnxOpConverter c = CONVERTERS.get(op.opType());
            if (c == null || !c.converts(op.opVersion())) {
                throw OnnxGraph.unsupported(op, "no ONNX form" + (c == null ? "" : " of this version")
                        + "; ONNX export covers " + String.join(", ", CONVERTERS.keySet()) + " (version 1)");
            }
            c.convert(op, g);
        }
        for (int id : artifact.model().graphOutputs()) {
            TensorInfo t = g.tensor(id);
            String acc = g.int32Value(id);
            if (acc != null) {
                output(g, acc, t.name() + "_int32", Onnx.TensorProto.DataType.INT32, t.shape());
            }
            output(g, g.dequantized(id), t.name(), Onnx.TensorProto.DataType.FLOAT, t.shape());
        }
        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("qat4j")
                .setProducerVersion(artifact.model().provenance().entries().getOrDefault("qat4j.version", ""))
                .setDocString("qat4j int8 artifact, " + form.name().toLowerCase(java.util.Locale.ROOT) + " form")
                .setGraph(graph);
        m.addOpsetImportBuilder().setDomain("").setVersion(OPSET);
        new TreeMap<>(artifact.model().provenance().entries())
                .forEach((k, v) -> m.addMetadataPropsBuilder().setKey(k).setValue(v));
        return m.build();
    }

    private static void input(OnnxGraph g, TensorInfo t) {
        if (t.type() != ElementType.INT8) {
            throw new OnnxExportException("graph input '" + t.name() + "' is " + t.type() + "; ONNX export takes INT8 activations");
        }
        if (!g.reserve(t.name())) {
            throw new OnnxExportException("graph input '" + t.name() + "' has the name of another input or output");
        }
        g.proto().addInput(valueInfo(t.name(), Onnx.TensorProto.DataType.FLOAT, t.shape()));
        if (g.form() == OnnxForm.FLOAT) {
            g.quantize(t.id(), t.name());
            return;
        }
        String q = g.node("QuantizeLinear", t.name() + "_q", List.of(t.name(), g.scale(t), g.zeroPoint(t)));
        int qMax = (1 << (t.bits() - 1)) - 1;
        g.define(t.id(), g.clampCodes(q, new int[] {-qMax - 1, qMax}, t.name()));
    }

    private static void output(OnnxGraph g, String value, String name, Onnx.TensorProto.DataType type, int[] shape) {
        g.nodeWithOutput("Identity", name, List.of(value));
        g.proto().addOutput(valueInfo(name, type, shape));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto.DataType type, int[] exampleShape) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam("N");
        for (int d : exampleShape) {
            shape.addDimBuilder().setDimValue(d);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
                        .setShape(shape)))
                .build();
    }
}
