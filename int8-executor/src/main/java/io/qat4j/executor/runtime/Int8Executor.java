package io.qat4j.executor.runtime;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.Add;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.kernel.ArgMax;
import io.qat4j.executor.kernel.AveragePool2d;
import io.qat4j.executor.kernel.AveragePool2dParams;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.Conv2dParams;
import io.qat4j.executor.kernel.FullyConnectedParams;
import io.qat4j.executor.kernel.GlobalAveragePool;
import io.qat4j.executor.kernel.GlobalAveragePoolParams;
import io.qat4j.executor.kernel.MaxPool2d;
import io.qat4j.executor.kernel.MaxPool2dParams;
import io.qat4j.executor.kernel.PreparedConv2d;
import io.qat4j.executor.kernel.PreparedFullyConnected;
import io.qat4j.executor.kernel.Requantization;
import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.quant.Rounding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an int8 artifact. Loading prepares every layer once (4-bit weights unpacked, weights laid
 * out for the kernels); after that the executor is immutable: every {@link #run} call allocates
 * its own activation buffers and the convolutions keep their scratch per thread, so one executor
 * serves concurrent inference from several threads.
 *
 * <p>The graph has one int8 input (per tensor scale and zero point) and one int32 output of
 * logits with per-channel scales. {@link #run(float[], int)} quantizes float inputs at the
 * boundary with {@code q = clamp(round(x / S) + Z)}, dividing in float and rounding half away from
 * zero exactly as the training-time input quantizer does, then runs the integer ops, and
 * dequantizes the logits; predictions are the argmax of the dequantized logits (the first maximum
 * wins).
 */
public final class Int8Executor {

    /** One compiled operator. */
    private interface Step {
        void run(int batch, Map<Integer, Object> buffers);
    }

    private final ModelArtifact model;
    private final List<Step> steps;
    private final TensorInfo input;
    private final TensorInfo output;

    private Int8Executor(ModelArtifact model, List<Step> steps, TensorInfo input, TensorInfo output) {
        this.model = model;
        this.steps = steps;
        this.input = input;
        this.output = output;
    }

    /**
     * @param artifact file
     * @return an executor
     * @throws IOException when the file is unreadable, malformed, or uses an unsupported operator
     */
    public static Int8Executor load(Path artifact) throws IOException {
        return of(ArtifactReader.read(artifact), artifact.toString());
    }

    /**
     * @param artifact a loaded artifact
     * @param source name for messages
     * @return an executor
     * @throws ArtifactFormatException on an unsupported operator or inconsistent attributes
     */
    public static Int8Executor of(LoadedArtifact artifact, String source) throws ArtifactFormatException {
        ModelArtifact m = artifact.model();
        if (m.graphInputs().length != 1 || m.graphOutputs().length != 1) {
            throw new ArtifactFormatException(source, "graph", -1, "the int8 executor runs graphs with one input and one output");
        }
        TensorInfo in = tensor(m, m.graphInputs()[0]);
        TensorInfo out = tensor(m, m.graphOutputs()[0]);
        if (in.type() != ElementType.INT8 || !in.quant().isPerTensor()) {
            throw new ArtifactFormatException(source, "graph input", -1, "must be a per-tensor INT8 tensor");
        }
        if (out.type() != ElementType.INT32 || out.rank() != 1 || out.quant().count() != out.dim(0)) {
            throw new ArtifactFormatException(source, "graph output", -1, "must be INT32 logits [classes] with per-class scales");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < m.ops().size(); i++) {
            OpNode op = m.ops().get(i);
            try {
                steps.add(compile(m, artifact.blobs(), op));
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new ArtifactFormatException(source, "ops[" + i + "] (" + op.opType() + " " + op.name() + ")", -1,
                        e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
        return new Int8Executor(m, List.copyOf(steps), in, out);
    }

    /** @return the model */
    public ModelArtifact model() {
        return model;
    }

    /** @return elements of one input example */
    public int inputSize() {
        return input.elementCount();
    }

    /** @return the input shape of one example */
    public int[] inputShape() {
        return input.shape();
    }

    /** @return the number of output classes */
    public int classes() {
        return output.dim(0);
    }

    /**
     * Quantizes float inputs with the graph input's parameters:
     * {@code q = clamp(round(x / S) + Z, qMin, qMax)}, float division, ties away from zero.
     *
     * @param x float values
     * @return int8 codes
     */
    public byte[] quantizeInput(float[] x) {
        float s = (float) input.quant().scale(0);
        int zp = input.quant().zeroPoint(0);
        int qMax = (1 << (input.bits() - 1)) - 1;
        int qMin = -qMax - 1;
        byte[] q = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            int code = Rounding.quantizeFloat(x[i], s, zp, qMin, qMax);
            q[i] = (byte) Math.max(qMin, Math.min(qMax, code));
        }
        return q;
    }

    /**
     * The result of a batch.
     *
     * @param batch examples
     * @param classes classes
     * @param accumulators int32 logits {@code [batch, classes]}
     * @param logits dequantized logits {@code [batch, classes]}
     * @param predictions argmax per example
     */
    public record Output(int batch, int classes, int[] accumulators, float[] logits, int[] predictions) {
    }

    /**
     * @param x float inputs, {@code batch * inputSize()} values in the input layout
     * @param batch examples
     * @return logits and predictions
     */
    public Output run(float[] x, int batch) {
        return runQuantized(quantizeInput(x), batch);
    }

    /**
     * @param q int8 inputs, {@code batch * inputSize()} codes
     * @param batch examples
     * @return logits and predictions
     */
    public Output runQuantized(byte[] q, int batch) {
        checkInput(q, batch);
        int[] acc = (int[]) execute(q, batch).get(output.id());
        int c = classes();
        float[] logits = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            logits[i] = (float) (acc[i] * output.quant().scale(i % c));
        }
        int[] pred = new int[batch];
        for (int b = 0; b < batch; b++) {
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (logits[b * c + k] > logits[b * c + best]) {
                    best = k;
                }
            }
            pred[b] = best;
        }
        return new Output(batch, c, acc, logits, pred);
    }

    /**
     * Runs the graph and keeps every activation tensor, for layer-by-layer comparisons with the
     * training-time model (like TFLite's {@code preserve_all_tensors}).
     *
     * @param q int8 inputs, {@code batch * inputSize()} codes
     * @param batch examples
     * @return tensor name to its values for the whole batch: {@code byte[]} int8 codes, or
     *     {@code int[]} for the int32 logits; in graph order, the input first
     */
    public Map<String, Object> trace(byte[] q, int batch) {
        checkInput(q, batch);
        Map<Integer, Object> buffers = execute(q, batch);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(input.name(), q);
        for (OpNode op : model.ops()) {
            for (int id : op.outputs()) {
                out.put(tensor(model, id).name(), buffers.get(id));
            }
        }
        return out;
    }

    private Map<Integer, Object> execute(byte[] q, int batch) {
        Map<Integer, Object> buffers = new HashMap<>();
        buffers.put(input.id(), q);
        for (Step s : steps) {
            s.run(batch, buffers);
        }
        return buffers;
    }

    private void checkInput(byte[] q, int batch) {
        if (batch < 1 || q.length != (long) batch * inputSize()) {
            throw new IllegalArgumentException("expected " + batch + " x " + inputSize() + " input codes, got " + q.length);
        }
    }

    /**
     * Argmax of int32 accumulators; equals the prediction only when the logit scale is per tensor.
     *
     * @param o an output
     * @return per-example argmax of the raw accumulators
     */
    public static int[] accumulatorArgMax(Output o) {
        int[] out = new int[o.batch()];
        ArgMax.rows(o.accumulators(), o.batch(), o.classes(), out);
        return out;
    }

    private static TensorInfo tensor(ModelArtifact m, int id) {
        return m.tensor(id).orElseThrow(() -> new IllegalArgumentException("no tensor with id " + id));
    }

    private static int i(Attributes a, String key) {
        return Math.toIntExact(a.ints(key)[0]);
    }

    private static int[] ints(Attributes a, String key) {
        long[] v = a.ints(key);
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = Math.toIntExact(v[k]);
        }
        return out;
    }

    private static ActivationClamp clamp(Attributes a) {
        int[] c = ints(a, OpTypes.CLAMP);
        return new ActivationClamp(c[0], c[1]);
    }

    private static Requantization requantization(Attributes a) {
        return new Requantization(ints(a, OpTypes.MULTIPLIERS), ints(a, OpTypes.SHIFTS), i(a, OpTypes.OUTPUT_ZERO_POINT), clamp(a));
    }

    private static int[] int32Blob(byte[] blob) {
        int[] out = new int[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    private static Window2d window(Attributes a, boolean dilated) {
        int[] k = ints(a, OpTypes.KERNEL);
        int[] s = ints(a, OpTypes.STRIDE);
        int[] d = dilated ? ints(a, OpTypes.DILATION) : new int[] {1, 1};
        int[] p = ints(a, OpTypes.PAD);
        return new Window2d(k[0], k[1], s[0], s[1], d[0], d[1], p[0], p[1], p[2], p[3]);
    }

    private static Step compile(ModelArtifact m, List<byte[]> blobs, OpNode op) {
        Attributes a = op.attributes();
        int[] ins = op.inputs();
        int outId = op.outputs()[0];
        TensorInfo out = tensor(m, outId);
        int outSize = out.elementCount();
        switch (op.opType()) {
            case OpTypes.CONV2D -> {
                int[] shape = ints(a, OpTypes.IN_SHAPE);
                TensorInfo w = tensor(m, ins[1]);
                byte[] weights = blobs.get(w.blobIndex());
                boolean packed = w.type() == ElementType.INT4_PACKED;
                int[] bias = int32Blob(blobs.get(tensor(m, ins[2]).blobIndex()));
                Conv2dParams p = new Conv2dParams(shape[0], shape[1], shape[2], w.dim(0), i(a, OpTypes.GROUPS), window(a, true),
                        i(a, OpTypes.INPUT_ZERO_POINT), requantization(a));
                // weights unpacked and prepared once, at load time; per-thread scratch inside
                PreparedConv2d conv = packed
                        ? PreparedConv2d.ofPacked4(p, weights, bias)
                        : PreparedConv2d.of(p, weights, bias);
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    conv.run(batch, (byte[]) buf.get(ins[0]), y);
                    buf.put(outId, y);
                };
            }
            case OpTypes.FULLY_CONNECTED, OpTypes.FULLY_CONNECTED_LOGITS -> {
                TensorInfo w = tensor(m, ins[1]);
                byte[] weights = blobs.get(w.blobIndex());
                boolean packed = w.type() == ElementType.INT4_PACKED;
                int[] bias = int32Blob(blobs.get(tensor(m, ins[2]).blobIndex()));
                boolean logits = op.opType().equals(OpTypes.FULLY_CONNECTED_LOGITS);
                FullyConnectedParams p = new FullyConnectedParams(w.dim(1), w.dim(0), i(a, OpTypes.INPUT_ZERO_POINT),
                        logits ? null : requantization(a));
                // weights unpacked and prepared once, at load time; per-thread scratch inside
                PreparedFullyConnected fc = packed
                        ? PreparedFullyConnected.ofPacked4(p, weights, bias)
                        : PreparedFullyConnected.of(p, weights, bias);
                if (logits) {
                    return (batch, buf) -> {
                        int[] y = new int[batch * outSize];
                        fc.accumulators(batch, (byte[]) buf.get(ins[0]), y);
                        buf.put(outId, y);
                    };
                }
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    fc.run(batch, (byte[]) buf.get(ins[0]), y);
                    buf.put(outId, y);
                };
            }
            case OpTypes.MAX_POOL2D -> {
                int[] shape = ints(a, OpTypes.IN_SHAPE);
                MaxPool2dParams p = new MaxPool2dParams(shape[0], shape[1], shape[2], window(a, false), ActivationClamp.INT8);
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    MaxPool2d.run(p, batch, (byte[]) buf.get(ins[0]), y);
                    buf.put(outId, y);
                };
            }
            case OpTypes.AVG_POOL2D -> {
                int[] shape = ints(a, OpTypes.IN_SHAPE);
                AveragePool2dParams p = new AveragePool2dParams(shape[0], shape[1], shape[2], window(a, false), false,
                        i(a, OpTypes.INPUT_ZERO_POINT), ActivationClamp.INT8);
                AveragePoolRequantization rq = new AveragePoolRequantization(ints(a, OpTypes.MULTIPLIERS),
                        ints(a, OpTypes.SHIFTS), i(a, OpTypes.OUTPUT_ZERO_POINT));
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    AveragePool2d.runRequantized(p, rq, batch, (byte[]) buf.get(ins[0]), y);
                    buf.put(outId, y);
                };
            }
            case OpTypes.GLOBAL_AVG_POOL -> {
                int[] shape = ints(a, OpTypes.IN_SHAPE);
                GlobalAveragePoolParams p = new GlobalAveragePoolParams(shape[0], shape[1], shape[2],
                        i(a, OpTypes.INPUT_ZERO_POINT), clamp(a));
                QuantizedMultiplier qm = new QuantizedMultiplier(i(a, OpTypes.MULTIPLIERS), i(a, OpTypes.SHIFTS));
                int zOut = i(a, OpTypes.OUTPUT_ZERO_POINT);
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    GlobalAveragePool.runRequantized(p, qm, zOut, batch, (byte[]) buf.get(ins[0]), y);
                    buf.put(outId, y);
                };
            }
            case OpTypes.ADD -> {
                int[] v = ints(a, OpTypes.ADD_PARAMS);
                if (v.length != 12) {
                    throw new IllegalArgumentException(OpTypes.ADD_PARAMS + " needs 12 values, got " + v.length);
                }
                AddParams p = new AddParams(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                        new ActivationClamp(v[10], v[11]));
                return (batch, buf) -> {
                    byte[] y = new byte[batch * outSize];
                    Add.run(p, batch * outSize, (byte[]) buf.get(ins[0]), (byte[]) buf.get(ins[1]), y);
                    buf.put(outId, y);
                };
            }
            default -> throw new IllegalArgumentException("unsupported operator '" + op.opType() + "'");
        }
    }
}
