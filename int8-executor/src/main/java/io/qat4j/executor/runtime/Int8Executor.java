package io.qat4j.executor.runtime;

import io.qat4j.executor.artifact.ArtifactFormatException;
import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ManifestLocations;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ArgMax;
import io.qat4j.executor.op.OpDefinition;
import io.qat4j.executor.op.OpRegistry;
import io.qat4j.executor.op.OutputBuffers;
import io.qat4j.executor.op.PreparedOp;
import io.qat4j.executor.quant.Rounding;
import io.qat4j.executor.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an integer-only artifact. Loading converts a format-1 artifact to the current format,
 * checks every op against its definition in an {@link OpRegistry} and prepares it once (4-bit
 * weights unpacked, weights laid out for the kernels); every malformed attribute and every tensor
 * of a wrong type or shape is an {@link ArtifactFormatException} at load, never an error at run
 * time. After that the executor is immutable: every run keeps its tensors in an array indexed by
 * slot (one slot per activation tensor) and writes the int8 tensors that no caller keeps (all but
 * the graph outputs) into the arrays its thread used for them in the previous run; the
 * convolutions keep their scratch per thread too, so one executor serves concurrent inference from
 * several threads. A run also splits its batch
 * across the executor's own threads (the available processors, or {@link #withThreads}), and
 * into parts of at most about {@link #PART_BYTES} of activations, when every op computes example by
 * example, with the single-threaded result.
 *
 * <p>The general API takes and returns named {@link Tensor}s (INT8, UINT8, INT16 or INT32, any
 * rank): an activation's shape in the artifact excludes its leading dynamic dimension (batch,
 * nodes or edges), which a run takes from its inputs and each op derives for its outputs.
 *
 * <p>The classifier API ({@link #run(float[], int)}, {@link #runQuantized}, {@link #trace(byte[], int)},
 * {@link #classes()}, ...) serves graphs with one per-tensor INT8 input and one INT32 output of
 * logits {@code [classes]} with per-class scales: it quantizes float inputs at the boundary with
 * {@code q = clamp(round(x / S) + Z)}, dividing in float and rounding half away from zero exactly
 * as the training-time input quantizer does, runs the integer ops, and dequantizes the logits;
 * predictions are the argmax of the dequantized logits (the first maximum wins).
 *
 * <p>Why one class of more than 400 lines: the general API, the classifier API over it and the
 * thread setting all read the same loaded graph (its slots, inputs and outputs), and callers in
 * every module hold one executor for all three; the parts that stand alone live beside it
 * ({@link BatchSplit}, {@code ExecutorFeed} in training).
 */
public final class Int8Executor {

    /**
     * Bytes of activations per part of a split batch: bounds a thread's working set (and its reused arrays) for
     * large batches. Not smaller: on the 2-vCPU Xeon (48 MiB L3) parts of 512 KiB (9 examples of the
     * Fashion-MNIST CNN) were slower at batch 256 than whole-batch layers (interleaved against ONNX Runtime:
     * 0.77-0.80 of its speed against 0.88), whose products run over longer rows.
     */
    static final long PART_BYTES = 4L << 20;

    private final ModelArtifact model;
    private final List<PreparedOp> ops;
    private final int[][] inputSlots;
    private final int[][] outputSlots;
    private final TensorInfo[] slots;
    private final Map<String, Integer> graphInputs;
    private final Map<String, Integer> graphOutputs;
    private final Classifier classifier;
    /** Whether every op is computed example by example ({@link io.qat4j.executor.op.OpDefinition#perExample}). */
    private final boolean perExample;
    private final int threads;
    /** Examples per part of a split batch: their activations fill about {@link #PART_BYTES} ({@link BatchSplit}). */
    private final int examplesPerPart;
    /** Per slot: whether a caller receives the tensor (a graph output), so its array must not be reused. */
    private final boolean[] kept;
    /**
     * Per thread, the arrays of the last run's tensors that no caller keeps, by slot, reused by the
     * next run of this thread (the values hold arrays only, so an entry does not keep the executor
     * reachable). Up to twice the sum of the intermediate tensors of the largest part or batch run on
     * the thread.
     */
    private final ThreadLocal<byte[][]> workspace;

    /** The one input and the logits output of a classifier graph, or why the graph is not one. */
    private record Classifier(TensorInfo input, TensorInfo output, String problem) {
    }

    private Int8Executor(ModelArtifact model, List<PreparedOp> ops, String source, ManifestLocations locations,
                         boolean perExample) throws ArtifactFormatException {
        this.model = model;
        this.ops = ops;
        this.perExample = perExample;
        this.threads = 1;
        Map<Integer, Integer> slotOf = new HashMap<>();
        List<TensorInfo> activations = new ArrayList<>();
        for (int i = 0; i < model.tensors().size(); i++) {
            TensorInfo t = model.tensors().get(i);
            if (!t.isConstant()) {
                if (!Tensor.hasValueForm(t.type())) {
                    String field = "tensors[" + i + "].elementType";
                    throw new ArtifactFormatException(source, field, locations.of(field), "activation tensor " + t.id() + " '"
                            + t.name() + "' is " + t.type() + ", which exists only as stored constants");
                }
                slotOf.put(t.id(), activations.size());
                activations.add(t);
            }
        }
        this.slots = activations.toArray(new TensorInfo[0]);
        long bytesPerExample = 1;
        for (TensorInfo t : slots) {
            bytesPerExample += t.byteLength();
        }
        this.examplesPerPart = (int) Math.max(1, Math.min(Integer.MAX_VALUE, PART_BYTES / bytesPerExample));
        this.inputSlots = new int[ops.size()][];
        this.outputSlots = new int[ops.size()][];
        for (int o = 0; o < ops.size(); o++) {
            OpNode n = model.ops().get(o);
            inputSlots[o] = Arrays.stream(n.inputs()).map(id -> slotOf.getOrDefault(id, -1)).toArray();
            outputSlots[o] = Arrays.stream(n.outputs()).map(slotOf::get).toArray();
        }
        this.graphInputs = named(model.graphInputs(), slotOf, source, locations, "graphInputs");
        this.graphOutputs = named(model.graphOutputs(), slotOf, source, locations, "graphOutputs");
        this.classifier = classifier();
        this.kept = new boolean[slots.length];
        graphOutputs.values().forEach(slot -> kept[slot] = true);
        this.workspace = newWorkspace(slots.length);
    }

    /** Two arrays per slot: a thread's parts of a split batch alternate between two sizes. */
    private static ThreadLocal<byte[][]> newWorkspace(int slots) {
        return ThreadLocal.withInitial(() -> new byte[2 * slots][]);
    }

    /** This executor's loaded graph on {@code threads} threads, in parts of {@code examplesPerPart}. */
    private Int8Executor(Int8Executor base, int threads, int examplesPerPart) {
        this.model = base.model;
        this.ops = base.ops;
        this.inputSlots = base.inputSlots;
        this.outputSlots = base.outputSlots;
        this.slots = base.slots;
        this.graphInputs = base.graphInputs;
        this.graphOutputs = base.graphOutputs;
        this.classifier = base.classifier;
        this.perExample = base.perExample;
        this.threads = threads;
        this.examplesPerPart = examplesPerPart;
        this.kept = base.kept;
        this.workspace = newWorkspace(slots.length);
    }

    private Map<String, Integer> named(int[] ids, Map<Integer, Integer> slotOf, String source, ManifestLocations locations, String field)
            throws ArtifactFormatException {
        Map<String, Integer> m = new LinkedHashMap<>();
        String role = field.equals("graphInputs") ? "input" : "output";
        for (int k = 0; k < ids.length; k++) {
            String at = field + "[" + k + "]";
            Integer slot = slotOf.get(ids[k]);
            if (slot == null) {
                throw new ArtifactFormatException(source, at, locations.of(at), "graph " + role + " " + ids[k]
                        + " is a constant; a graph " + role + " must be an activation tensor");
            }
            if (m.put(slots[slot].name(), slot) != null) {
                throw new ArtifactFormatException(source, at, locations.of(at), "two graph " + role + "s are named '"
                        + slots[slot].name() + "'");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private Classifier classifier() {
        if (graphInputs.size() != 1 || graphOutputs.size() != 1) {
            return new Classifier(null, null, "the graph has " + graphInputs.size() + " inputs and " + graphOutputs.size() + " outputs");
        }
        TensorInfo in = slots[graphInputs.values().iterator().next()];
        TensorInfo out = slots[graphOutputs.values().iterator().next()];
        if (in.type() != ElementType.INT8 || !in.quant().isPerTensor()) {
            return new Classifier(null, null, "its input is not a per-tensor INT8 tensor");
        }
        if (out.type() != ElementType.INT32 || out.rank() != 1 || out.quant().count() != out.dim(0)) {
            return new Classifier(null, null, "its output is not INT32 logits [classes] with per-class scales");
        }
        return new Classifier(in, out, null);
    }

    /**
     * @param artifact file
     * @return an executor with the {@linkplain OpRegistry#standard() standard} op definitions
     * @throws IOException when the file is unreadable, malformed, or uses an unknown or malformed op
     */
    public static Int8Executor load(Path artifact) throws IOException {
        return of(ArtifactReader.read(artifact), artifact.toString());
    }

    /**
     * @param artifact a loaded artifact, of any format version this code reads
     * @param source name for messages
     * @return an executor with the {@linkplain OpRegistry#standard() standard} op definitions
     * @throws ArtifactFormatException on an unknown op, a malformed attribute, or a tensor of a wrong type or shape
     */
    public static Int8Executor of(LoadedArtifact artifact, String source) throws ArtifactFormatException {
        return of(artifact, source, OpRegistry.standard(), OpRegistry.defaultMemoryLimit());
    }

    /**
     * @param artifact a loaded artifact, of any format version this code reads
     * @param source name for messages
     * @param registry the op definitions
     * @param scratchLimit bytes of scratch the ops may prepare together
     * @return an executor
     * @throws ArtifactFormatException on an unknown op, a malformed attribute, a tensor of a wrong
     *     type or shape, or scratch above the limit
     */
    public static Int8Executor of(LoadedArtifact artifact, String source, OpRegistry registry, long scratchLimit)
            throws ArtifactFormatException {
        LoadedArtifact current = registry.upgrade(artifact, source);
        boolean perExample = current.model().ops().stream().allMatch(n -> registry.find(n.opType(), n.opVersion())
                .map(OpDefinition::perExample).orElse(false));
        Int8Executor one = new Int8Executor(current.model(), registry.prepare(current, source, scratchLimit), source,
                current.locations(), perExample);
        return one.withThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * The same loaded graph run on {@code threads} threads (the prepared ops are shared, each thread
     * keeps its own scratch; {@link BatchSplit}): a batch whose examples the graph computes one by one (every op
     * {@code perExample}: convolutional and dense networks) is split into {@code threads} parts of
     * consecutive examples, run at once (each in parts of at most about {@link #PART_BYTES} of activations), and
     * joined, bit for bit the single-threaded result; other
     * graphs (graph ops mix nodes and edges) and batches of one example run on the calling thread.
     * Loading picks the available processors.
     *
     * @param threads threads per run, {@code >= 1}
     * @return an executor with that many threads (this one when it has them)
     */
    public Int8Executor withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == this.threads ? this : new Int8Executor(this, threads, examplesPerPart);
    }

    /**
     * The same executor with parts of at most {@code examples} examples (tests: parts of a small model).
     *
     * @param examples examples per part, {@code >= 1}
     * @return the executor
     */
    Int8Executor withExamplesPerPart(int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("examples per part must be >= 1, got " + examples);
        }
        return new Int8Executor(this, threads, examples);
    }

    /** @return threads per run */
    public int threads() {
        return threads;
    }

    /** @return whether runs split their batch across threads (every op per example, more than one thread) */
    public boolean splitsBatches() {
        return perExample && threads > 1;
    }

    /** @return the model, converted to the current format */
    public ModelArtifact model() {
        return model;
    }

    /** @return the graph inputs by name, with their per-example shapes and types */
    public Map<String, TensorInfo> inputs() {
        return describe(graphInputs);
    }

    /** @return the graph outputs by name, with their per-example shapes and types */
    public Map<String, TensorInfo> outputs() {
        return describe(graphOutputs);
    }

    private Map<String, TensorInfo> describe(Map<String, Integer> named) {
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        named.forEach((k, slot) -> m.put(k, slots[slot]));
        return m;
    }

    /**
     * Runs the graph.
     *
     * @param inputs a value per graph input name, of the input's element type and shape
     *     {@code [n, shape...]}; {@code n} may be 0 (a batch of graphs without edges has an empty
     *     edge list), though ops that need a row (a convolution) then fail the run
     * @return a value per graph output name
     * @throws IllegalArgumentException on a missing, extra or mistyped input
     * @throws io.qat4j.executor.kernel.InputDataException when input data break a rule an op states
     *     for them (graph ops: a node index outside the nodes, graph ids out of order, an in-degree
     *     above the accumulator bound), naming the op and the row
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        if (perExample && inputs.keySet().equals(graphInputs.keySet()) && inputs.values().stream().allMatch(t -> t != null)) {
            int batch = inputs.values().iterator().next().leading();
            if (splits(batch) && inputs.values().stream().allMatch(t -> t.leading() == batch)) {
                return BatchSplit.run(batch, threads, examplesPerPart, (from, to) -> {
                    Map<String, Tensor> part = new LinkedHashMap<>();
                    inputs.forEach((name, t) -> part.put(name, t.slice(from, to)));
                    return runOnThisThread(part);
                });
            }
        }
        return runOnThisThread(inputs);
    }

    /** Whether a batch of a per-example graph runs in parts: on several threads, or larger than a part. */
    private boolean splits(int batch) {
        return perExample && batch > 1 && (threads > 1 || batch > examplesPerPart);
    }

    private Map<String, Tensor> runOnThisThread(Map<String, Tensor> inputs) {
        Tensor[] values = execute(inputs, true);
        Map<String, Tensor> out = new LinkedHashMap<>();
        graphOutputs.forEach((name, slot) -> out.put(name, values[slot]));
        return out;
    }

    /**
     * Runs the graph and keeps every activation tensor, for layer-by-layer comparisons with the
     * training-time model (like TFLite's {@code preserve_all_tensors}).
     *
     * @param inputs as for {@link #run(Map)}
     * @return every activation by tensor name, in graph order, the inputs first
     */
    public Map<String, Tensor> traceAll(Map<String, Tensor> inputs) {
        Tensor[] values = execute(inputs, false);
        Map<String, Tensor> out = new LinkedHashMap<>();
        graphInputs.forEach((name, slot) -> out.put(name, values[slot]));
        for (int[] outs : outputSlots) {
            for (int slot : outs) {
                out.put(slots[slot].name(), values[slot]);
            }
        }
        return out;
    }

    /**
     * @param reuse whether the tensors no caller keeps take this thread's arrays of the previous
     *     run (false for traces, whose caller keeps every tensor)
     */
    private Tensor[] execute(Map<String, Tensor> inputs, boolean reuse) {
        if (!inputs.keySet().equals(graphInputs.keySet())) {
            throw new IllegalArgumentException("the graph takes inputs " + graphInputs.keySet() + ", got " + inputs.keySet());
        }
        byte[][] arrays = reuse ? workspace.get() : null;
        Tensor[] values = new Tensor[slots.length];
        graphInputs.forEach((name, slot) -> values[slot] = checked(inputs.get(name), slots[slot], "input '" + name + "'"));
        for (int o = 0; o < ops.size(); o++) {
            int[] ins = inputSlots[o];
            Tensor[] args = new Tensor[ins.length];
            for (int k = 0; k < ins.length; k++) {
                args[k] = ins[k] < 0 ? null : values[ins[k]];
            }
            int[] outs = outputSlots[o];
            Tensor[] results = ops.get(o).run(args, arrays == null ? OutputBuffers.FRESH : (k, length) -> reused(arrays, outs[k], length));
            if (results.length != outs.length) {
                throw new IllegalStateException("op " + o + " '" + model.ops().get(o).name() + "' returned " + results.length + " values for "
                        + outs.length + " outputs");
            }
            for (int k = 0; k < outs.length; k++) {
                values[outs[k]] = checked(results[k], slots[outs[k]], "op " + o + " '" + model.ops().get(o).name() + "' output " + k);
            }
        }
        return values;
    }

    /** This thread's array of {@code length} codes for slot {@code slot}: the previous run's, unless a caller keeps the slot. */
    private byte[] reused(byte[][] arrays, int slot, int length) {
        if (kept[slot]) {
            return new byte[length];
        }
        byte[] a = arrays[slot];
        if (a != null && a.length == length) {
            return a;
        }
        byte[] b = arrays[slots.length + slot];
        if (b != null && b.length == length) {
            return b;
        }
        arrays[slots.length + slot] = a; // the older size gives way
        arrays[slot] = new byte[length];
        return arrays[slot];
    }

    private static Tensor checked(Tensor v, TensorInfo declared, String what) {
        if (v == null || v.type() != declared.type() || !v.hasExampleShape(declared.shape())) {
            StringBuilder shape = new StringBuilder("[n");
            for (int d : declared.shape()) {
                shape.append(", ").append(d);
            }
            throw new IllegalArgumentException(what + " must be " + declared.type() + " " + shape + "], got " + v);
        }
        return v;
    }

    // ---- the classifier API

    private Classifier classifierOrThrow() {
        if (classifier.problem() != null) {
            throw new IllegalStateException("not a one-input classifier graph: " + classifier.problem() + "; use run(Map)");
        }
        return classifier;
    }

    /** @return elements of one input example */
    public int inputSize() {
        return classifierOrThrow().input().elementCount();
    }

    /** @return the input shape of one example */
    public int[] inputShape() {
        return classifierOrThrow().input().shape();
    }

    /** @return the number of output classes */
    public int classes() {
        return classifierOrThrow().output().dim(0);
    }

    /**
     * Quantizes float inputs with the graph input's parameters:
     * {@code q = clamp(round(x / S) + Z, qMin, qMax)}, float division, ties away from zero.
     *
     * @param x float values
     * @return int8 codes
     */
    public byte[] quantizeInput(float[] x) {
        return quantizeInput(classifierOrThrow().input(), x);
    }

    /**
     * Quantizes float values for a per-tensor INT8 input of any artifact (Jacob et al., CVPR 2018,
     * eq. 1): {@code q = clamp(round(x / S) + Z, qMin, qMax)} with the input's scale, zero point
     * and bit width ({@code [-2^(b-1), 2^(b-1) - 1]}), float division, ties away from zero, as the
     * training-time input quantizer does.
     *
     * @param input an INT8 input of the artifact, quantized per tensor
     * @param x float values
     * @return int8 codes
     */
    public static byte[] quantizeInput(TensorInfo input, float[] x) {
        return quantizeInput(input, x, 0, x.length);
    }

    /** {@link #quantizeInput(TensorInfo, float[])} of {@code x[from .. to)}. */
    private static byte[] quantizeInput(TensorInfo input, float[] x, int from, int to) {
        float s = (float) input.quant().scale(0);
        int zp = input.quant().zeroPoint(0);
        int qMax = (1 << (input.bits() - 1)) - 1;
        int qMin = -qMax - 1;
        byte[] q = new byte[to - from];
        for (int i = 0; i < q.length; i++) {
            int code = Rounding.quantizeFloat(x[from + i], s, zp, qMin, qMax);
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
        Classifier c = classifierOrThrow();
        int size = inputSize();
        if (batch < 1 || x.length != (long) batch * size) {
            throw new IllegalArgumentException("expected " + batch + " x " + size + " inputs, got " + x.length);
        }
        if (!splits(batch)) {
            return runQuantized(quantizeInput(c.input(), x, 0, x.length), batch);
        }
        // each part quantizes its own examples, on its thread
        Map<String, Tensor> out = BatchSplit.run(batch, threads, examplesPerPart, (from, to) -> runOnThisThread(
                Map.of(c.input().name(), inputTensor(quantizeInput(c.input(), x, from * size, to * size), to - from))));
        return output(out.get(c.output().name()).ints(), batch);
    }

    /**
     * @param q int8 inputs, {@code batch * inputSize()} codes
     * @param batch examples
     * @return logits and predictions
     */
    public Output runQuantized(byte[] q, int batch) {
        Classifier c = classifierOrThrow();
        return output(run(Map.of(c.input().name(), inputTensor(q, batch))).get(c.output().name()).ints(), batch);
    }

    /** Dequantized logits and predictions from the int32 logits of a batch. */
    private Output output(int[] acc, int batch) {
        Classifier c = classifierOrThrow();
        int k = classes();
        float[] logits = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            logits[i] = (float) (acc[i] * c.output().quant().scale(i % k));
        }
        int[] pred = new int[batch];
        for (int b = 0; b < batch; b++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (logits[b * k + j] > logits[b * k + best]) {
                    best = j;
                }
            }
            pred[b] = best;
        }
        return new Output(batch, k, acc, logits, pred);
    }

    /**
     * {@link #traceAll} for a classifier.
     *
     * @param q int8 inputs, {@code batch * inputSize()} codes
     * @param batch examples
     * @return tensor name to its values for the whole batch: {@code byte[]} int8 codes, or
     *     {@code int[]} for the int32 logits (the storage arrays of {@link Tensor}); in graph
     *     order, the input first
     */
    public Map<String, Object> trace(byte[] q, int batch) {
        Map<String, Object> out = new LinkedHashMap<>();
        traceAll(Map.of(classifierOrThrow().input().name(), inputTensor(q, batch))).forEach((k, v) -> out.put(k, v.array()));
        return out;
    }

    private Tensor inputTensor(byte[] q, int batch) {
        if (batch < 1 || q.length != (long) batch * inputSize()) {
            throw new IllegalArgumentException("expected " + batch + " x " + inputSize() + " input codes, got " + q.length);
        }
        return Tensor.int8(Tensor.withLeading(batch, classifier.input().shape()), q);
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
}
