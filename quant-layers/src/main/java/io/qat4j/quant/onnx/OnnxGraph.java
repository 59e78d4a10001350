package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.PackedInt4;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;

/**
 * The ONNX graph being written from an int8 artifact, and the vocabulary the
 * {@link OnnxOpConverter}s share: where each artifact tensor lives in ONNX, initializers, nodes,
 * the uint8 form of activations and their (de)quantization.
 *
 * <p>An artifact activation {@code q} (int8, scale {@code S}, zero point {@code Z}, bit width
 * {@code b}) is the ONNX uint8 value {@code q + 128} with zero point {@code Z + 128} and the same
 * scale ({@code DequantizeLinear}: {@code r = S (u - (Z + 128)) = S (q - Z)}); ONNX shapes are the
 * artifact's with a leading batch dimension. Weights stay int8 (4-bit codes unpacked, narrow
 * range, zero point 0), biases int32 with scale {@code S_in S_w}.
 */
public final class OnnxGraph {

    private static final int UINT8_OFFSET = 128;

    private final LoadedArtifact artifact;
    private final OnnxForm form;
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Map<Integer, String> uint8Values = new HashMap<>();
    private final Map<Integer, String> floatValues = new HashMap<>();
    private final Map<Integer, String> int32Values = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final OnnxInitializers initializers;

    OnnxGraph(LoadedArtifact artifact, OnnxForm form) {
        this.artifact = artifact;
        this.form = form;
        this.initializers = new OnnxInitializers(graph, this::fresh);
    }

    /** @return the graph's constant tensors */
    public OnnxInitializers initializers() {
        return initializers;
    }

    /** @return the form being written */
    public OnnxForm form() {
        return form;
    }

    Onnx.GraphProto.Builder proto() {
        return graph;
    }

    // ---- artifact tensors

    /**
     * @param id a tensor id of the artifact
     * @return its metadata
     */
    public TensorInfo tensor(int id) {
        return artifact.model().tensor(id).orElseThrow(() -> new OnnxExportException("tensor id " + id + " is not in the artifact"));
    }

    /**
     * @param op an op
     * @param position input position
     * @return the op's input tensor at that position
     */
    public TensorInfo input(OpNode op, int position) {
        return tensor(op.inputs()[position]);
    }

    /**
     * @param op an op
     * @return the op's first output tensor
     */
    public TensorInfo output(OpNode op) {
        return tensor(op.outputs()[0]);
    }

    /**
     * @param op the op reading them (named in errors)
     * @param weights an INT8 or INT4_PACKED constant
     * @return its codes, one signed byte each
     */
    public byte[] weightCodes(OpNode op, TensorInfo weights) {
        byte[] data = artifact.data(weights);
        return switch (weights.type()) {
            case INT8 -> data.clone();
            case INT4_PACKED -> PackedInt4.unpack(data, weights.elementCount());
            default -> throw unsupported(op, "weights of type " + weights.type() + " (ONNX export takes INT8 and INT4_PACKED)");
        };
    }

    /**
     * @param constant an INT32 constant
     * @return its values
     */
    public int[] int32Data(TensorInfo constant) {
        byte[] blob = artifact.data(constant);
        int[] out = new int[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /**
     * @param op the op being converted
     * @param what what the ONNX form cannot express
     * @return the error naming the op
     */
    public static OnnxExportException unsupported(OpNode op, String what) {
        return new OnnxExportException("op '" + op.name() + "' (" + op.opType() + " v" + op.opVersion() + "): " + what);
    }

    // ---- values of artifact tensors

    /**
     * @param id an activation tensor id
     * @return the ONNX name of its uint8 codes
     */
    public String uint8(int id) {
        String v = uint8Values.get(id);
        if (v == null) {
            throw new OnnxExportException("tensor " + id + " '" + tensor(id).name() + "' has no uint8 value (read before written)");
        }
        return v;
    }

    /**
     * @param id an activation tensor id
     * @return the ONNX name of its real values: a {@code DequantizeLinear} of its uint8 codes
     *     (added once), or the float value an op defined for it
     */
    public String dequantized(int id) {
        String f = floatValues.get(id);
        if (f == null && form == OnnxForm.FLOAT) {
            throw new OnnxExportException("tensor " + id + " '" + tensor(id).name() + "' has no float value (read before written)");
        }
        if (f == null) {
            TensorInfo t = tensor(id);
            f = node("DequantizeLinear", t.name() + "_dq", List.of(uint8(id), scale(t), zeroPoint(t)));
            floatValues.put(id, f);
        }
        return f;
    }

    /**
     * @param id an activation tensor id
     * @param uint8Value the ONNX value holding its uint8 codes
     */
    public void define(int id, String uint8Value) {
        if (uint8Values.putIfAbsent(id, uint8Value) != null) {
            throw new OnnxExportException("tensor " + id + " '" + tensor(id).name() + "' is written twice");
        }
    }

    /**
     * Defines an int32 output (accumulators) and its dequantized float value.
     *
     * @param id the INT32 tensor id
     * @param int32Value the accumulators, or null where the form has none
     * @param floatValue the real values
     */
    public void defineAccumulators(int id, String int32Value, String floatValue) {
        if (int32Value != null) {
            int32Values.put(id, int32Value);
        }
        floatValues.put(id, floatValue);
    }

    /**
     * Quantizes real values to the tensor's uint8 codes ({@code QuantizeLinear}, round half to even,
     * saturating to [0, 255]) and defines the tensor with them; in the {@link OnnxForm#FLOAT} form the
     * real values themselves are the tensor.
     *
     * @param id the activation tensor id
     * @param floatValue ONNX value of real numbers
     */
    public void quantize(int id, String floatValue) {
        if (form == OnnxForm.FLOAT) {
            if (floatValues.putIfAbsent(id, floatValue) != null) {
                throw new OnnxExportException("tensor " + id + " '" + tensor(id).name() + "' is written twice");
            }
            return;
        }
        TensorInfo t = tensor(id);
        define(id, node("QuantizeLinear", valueName(id, ""), List.of(floatValue, scale(t), zeroPoint(t))));
    }

    String int32Value(int id) {
        return int32Values.get(id);
    }

    // ---- quantization parameters

    /**
     * @param t a per-tensor quantized activation
     * @return a float scalar initializer holding its scale
     */
    public String scale(TensorInfo t) {
        QuantInfo q = quant(t);
        return initializers.floatScalar(t.name() + "_scale", (float) q.scale(0));
    }

    /**
     * @param t a per-tensor quantized activation
     * @return a uint8 scalar initializer holding its zero point plus 128
     */
    public String zeroPoint(TensorInfo t) {
        return initializers.uint8Scalar(t.name() + "_zero_point", quant(t).zeroPoint(0) + UINT8_OFFSET);
    }

    /**
     * @param t a per-tensor quantized activation
     * @param code an int8 code of it
     * @return the real value {@code S (code - Z)}
     */
    public double real(TensorInfo t, int code) {
        QuantInfo q = quant(t);
        return q.scale(0) * (code - q.zeroPoint(0));
    }

    private static QuantInfo quant(TensorInfo t) {
        QuantInfo q = t.quant();
        if (q == null || !q.isPerTensor()) {
            throw new OnnxExportException("tensor '" + t.name() + "' is not quantized per tensor; ONNX activations need one scale and zero point");
        }
        return q;
    }

    /**
     * @param t a quantized constant (weights or bias)
     * @param channels the channel count along axis 0
     * @return its scales, one per channel (a per-tensor scale repeated)
     */
    public float[] channelScales(TensorInfo t, int channels) {
        QuantInfo q = t.quant();
        if (q == null) {
            throw new OnnxExportException("tensor '" + t.name() + "' has no scales");
        }
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = (float) q.scale(q.isPerTensor() ? 0 : c);
        }
        return s;
    }

    // ---- activation clamps

    /**
     * The effective clamp of an op's output in int8 codes: the op's {@code clamp} attribute
     * intersected with the output's bit-width range.
     *
     * @param op the op
     * @param out its output tensor
     * @return {@code {lo, hi}}
     */
    public static int[] clamp(OpNode op, TensorInfo out) {
        int qMax = (1 << (out.bits() - 1)) - 1;
        int lo = -qMax - 1;
        int hi = qMax;
        if (op.attributes().has("clamp")) {
            long[] c = op.attributes().ints("clamp");
            lo = (int) Math.max(lo, c[0]);
            hi = (int) Math.min(hi, c[1]);
        }
        return new int[] {lo, hi};
    }

    /**
     * Clamps uint8 codes to an int8 clamp ({@code Clip} on uint8), or returns them when the clamp is
     * the whole int8 range (which {@code QLinear*} ops saturate to).
     *
     * @param uint8Value codes
     * @param clamp {@code {lo, hi}} in int8 codes
     * @param base name base
     * @return the clamped codes
     */
    public String clampCodes(String uint8Value, int[] clamp, String base) {
        if (clamp[0] == Byte.MIN_VALUE && clamp[1] == Byte.MAX_VALUE) {
            return uint8Value;
        }
        return node("Clip", base + "_clip", List.of(uint8Value, initializers.uint8Scalar(base + "_clip_min", clamp[0] + UINT8_OFFSET),
                initializers.uint8Scalar(base + "_clip_max", clamp[1] + UINT8_OFFSET)));
    }

    /**
     * Clamps real values to the reals of an int8 clamp of {@code out} before they are quantized to it:
     * {@code Relu} when the clamp is {@code [Z, 127]}, else {@code Clip}; unchanged when the clamp is the
     * whole int8 range (which {@code QuantizeLinear} saturates to).
     *
     * @param floatValue reals
     * @param out the tensor they will be quantized to
     * @param clamp {@code {lo, hi}} in int8 codes of {@code out}
     * @param base name base
     * @return the clamped reals
     */
    public String clampReal(String floatValue, TensorInfo out, int[] clamp, String base) {
        if (clamp[0] == Byte.MIN_VALUE && clamp[1] == Byte.MAX_VALUE) {
            return floatValue;
        }
        if (clamp[0] == quant(out).zeroPoint(0) && clamp[1] == Byte.MAX_VALUE) {
            return node("Relu", base + "_relu", List.of(floatValue));
        }
        return node("Clip", base + "_clip", List.of(floatValue, initializers.floatScalar(base + "_clip_min", (float) real(out, clamp[0])),
                initializers.floatScalar(base + "_clip_max", (float) real(out, clamp[1]))));
    }

    // ---- nodes

    /**
     * Adds a node with one output and the given attributes.
     *
     * @param opType ONNX op type (default domain)
     * @param base name base of the node and its output
     * @param inputs input value names
     * @param attributes attributes, built with {@link OnnxAttributes}
     * @return the output's name
     */
    public String node(String opType, String base, List<String> inputs, Onnx.AttributeProto... attributes) {
        String out = fresh(base);
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(opType).setName(fresh(base + "_" + opType))
                .addAllInput(inputs).addOutput(out);
        for (Onnx.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    void nodeWithOutput(String opType, String output, List<String> inputs) {
        graph.addNode(Onnx.NodeProto.newBuilder().setOpType(opType).setName(fresh(output + "_" + opType)).addAllInput(inputs)
                .addOutput(output));
    }

    /**
     * @param id a tensor id
     * @param suffix appended to the tensor's name
     * @return a fresh value name for it
     */
    public String valueName(int id, String suffix) {
        return fresh(tensor(id).name() + suffix);
    }

    /**
     * @param base a wanted name
     * @return {@code base} (characters outside {@code [A-Za-z0-9_.]} replaced) or, if taken,
     *     {@code base_2}, {@code base_3}, ...
     */
    public String fresh(String base) {
        String clean = base.isEmpty() ? "v" : base.replaceAll("[^A-Za-z0-9_.]", "_");
        String name = clean;
        for (int i = 2; !names.add(name); i++) {
            name = clean + "_" + i;
        }
        return name;
    }

    boolean reserve(String name) {
        return names.add(name);
    }

}
