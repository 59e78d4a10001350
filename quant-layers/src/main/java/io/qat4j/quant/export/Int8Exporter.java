package io.qat4j.quant.export;

import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.PackedInt4;
import io.qat4j.executor.prep.BiasQuantizer;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.impl.FoldedWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;

/**
 * Exports a trained {@link ComputationGraph} of quantized layers to an int8 artifact (Jacob et al.,
 * CVPR 2018, section 2; the artifact format of {@code int8-executor}).
 *
 * <p>The exporter walks the graph in topological order and lets each vertex add itself: a vertex
 * whose configuration implements {@link QuantizedLayer} through {@link QuantizedLayer#exportTo},
 * any other through the {@link Int8ExportHandler} registered for its configuration class
 * ({@link ServiceLoader}; this module registers DL4J's max/average pooling, global average
 * pooling and dropout). A vertex with neither is rejected with a message naming it. The graph needs
 * an activation quantizer on its input (its range becomes the input's scale and zero point) and
 * one layer that registers the int32 graph output (the quantized output layer's logits).
 *
 * <p>Inputs: the quantized input is the artifact's {@code input} in a network of one input (the
 * classifier API's name); in a network of several (a graph network's {@code nodes}, {@code edges},
 * {@code graph}) each artifact input takes the name of the network input it stands for, and the
 * integer ones (edge indices, graph ids: {@link ExportContext#indexInput}) are INT32. Network
 * inputs that no exported vertex reads (Degree-Quant's {@code protect}) are not artifact inputs.
 *
 * <p>Weights come from {@link QuantizedLayer#exportableWeights}, the same code path that
 * fake-quantizes them in training, so the integer codes are exactly the simulated ones. Weights of
 * at most 4 bits are stored packed, two per byte.
 */
public final class Int8Exporter {

    private final ComputationGraph net;
    private final int[] inputShape;
    private final Map<Class<?>, Int8ExportHandler> handlers;
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<OpNode> ops = new ArrayList<>();
    private final Map<String, Int8Value> values = new HashMap<>();
    private final Map<String, PendingRequantization> pending = new HashMap<>();
    private int inputId = -1;
    /** Artifact input tensor ids by network input name. */
    private final Map<String, Integer> inputIds = new HashMap<>();
    /** Identity vertices on a network input, by name: the network input vertex they stand for. */
    private final Map<String, GraphVertex> passedInputs = new HashMap<>();
    private int outputId = -1;

    private Int8Exporter(ComputationGraph net, int[] inputShape, Map<Class<?>, Int8ExportHandler> handlers) {
        this.net = net;
        this.inputShape = inputShape.clone();
        this.handlers = handlers;
    }

    /**
     * @param net a trained network
     * @param inputShape shape of one example of the quantized input: {@code [channels, height, width]} of
     *     an image, {@code [features]} of a graph's node
     * @param provenance what the artifact records about its origin
     * @return the artifact (manifest and blobs)
     * @throws UnsupportedOperationException when the network has a layer the executor cannot run
     * @throws IllegalStateException when an output quantizer has never observed data
     */
    public static LoadedArtifact export(ComputationGraph net, int[] inputShape, Provenance provenance) {
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("input shape must be the positive dimensions of one example, got "
                    + Arrays.toString(inputShape));
        }
        Int8Exporter e = new Int8Exporter(net, inputShape, handlers());
        e.walk();
        if (e.inputId < 0 || e.outputId < 0) {
            throw new UnsupportedOperationException("the network needs an input activation quantizer and a QuantOutputLayer");
        }
        int[] inputs = net.getConfiguration().getNetworkInputs().stream().filter(e.inputIds::containsKey)
                .mapToInt(e.inputIds::get).toArray();
        ModelArtifact m = ModelArtifact.of(provenance, e.tensors, e.ops, inputs, new int[] {e.outputId});
        return new LoadedArtifact(m, e.blobs);
    }

    /** @return the registered handlers by configuration class */
    private static Map<Class<?>, Int8ExportHandler> handlers() {
        Map<Class<?>, Int8ExportHandler> out = new HashMap<>();
        for (Int8ExportHandler h : ServiceLoader.load(Int8ExportHandler.class, Int8Exporter.class.getClassLoader())) {
            Int8ExportHandler previous = out.put(h.configurationClass(), h);
            if (previous != null) {
                throw new IllegalStateException("two int8 export handlers for " + h.configurationClass().getName() + ": "
                        + previous.getClass().getName() + " and " + h.getClass().getName());
            }
        }
        return out;
    }

    private void walk() {
        GraphVertex[] vertices = net.getVertices();
        for (int idx : net.topologicalSortOrder()) {
            GraphVertex v = vertices[idx];
            if (v.isInputVertex()) {
                continue;
            }
            List<GraphVertex> inputs = new ArrayList<>();
            for (VertexIndices vi : v.getInputVertices()) {
                inputs.add(vertices[vi.getVertexIndex()]);
            }
            inputs.replaceAll(in -> passedInputs.getOrDefault(in.getVertexName(), in));
            VertexContext ctx = new VertexContext(v, inputs);
            Optional<QuantizedLayer> quantized = QuantizedLayer.of(v);
            if (quantized.isPresent()) {
                quantized.get().exportTo(ctx);
                continue;
            }
            Object conf = v.hasLayer() ? v.getLayer().conf().getLayer() : v.getConfig();
            Int8ExportHandler h = conf == null ? null : handlers.get(conf.getClass());
            if (h == null) {
                throw new UnsupportedOperationException("cannot export vertex '" + v.getVertexName() + "' ("
                        + (conf == null ? v.getClass().getSimpleName() : conf.getClass().getSimpleName())
                        + "): the int8 executor has no such operator");
            }
            h.exportTo(conf, ctx);
        }
    }

    private int addTensor(TensorInfo t) {
        tensors.add(t);
        return t.id();
    }

    private static int bits(AffineQuantParams p) {
        return Integer.numberOfTrailingZeros(p.range().levels() + 1);
    }

    /** The export as one vertex sees it. */
    private final class VertexContext implements ExportContext {
        private final GraphVertex vertex;
        private final List<GraphVertex> inputs;

        VertexContext(GraphVertex vertex, List<GraphVertex> inputs) {
            this.vertex = vertex;
            this.inputs = inputs;
        }

        @Override
        public GraphVertex vertex() {
            return vertex;
        }

        @Override
        public int inputCount() {
            return inputs.size();
        }

        private String inputName(int i) {
            if (i < 0 || i >= inputs.size()) {
                throw new UnsupportedOperationException("vertex '" + name() + "' has " + inputs.size() + " inputs, not " + (i + 1));
            }
            return inputs.get(i).getVertexName();
        }

        @Override
        public Int8Value input(int i) {
            String in = inputName(i);
            Int8Value v = values.get(in);
            if (v == null) {
                throw new UnsupportedOperationException("vertex '" + name() + "' reads '" + in
                        + "', which has no int8 output (an average pool must be followed by an activation quantizer)");
            }
            return v;
        }

        @Override
        public boolean inputIsGraphInput(int i) {
            inputName(i);
            return inputs.get(i).isInputVertex();
        }

        @Override
        public Optional<PendingRequantization> pendingInput(int i) {
            return Optional.ofNullable(pending.remove(inputName(i)));
        }

        @Override
        public AffineQuantParams outputParams() {
            return OutputQuantizers.params(vertex).orElseThrow(() -> new IllegalStateException("vertex '" + name()
                    + "' has no output quantizer range: train (or calibrate) the network before exporting"));
        }

        @Override
        public Int8Value defineGraphInput(int i, AffineQuantParams p) {
            String in = graphInputName(i);
            if (inputId >= 0) {
                throw new UnsupportedOperationException("vertex '" + name() + "' quantizes the graph input, which another "
                        + "activation quantizer already quantizes");
            }
            int[] shape = inputShape.clone();
            inputId = addActivation(net.getConfiguration().getNetworkInputs().size() == 1 ? "input" : in, shape, p);
            inputIds.put(in, inputId);
            return new Int8Value(inputId, shape, p);
        }

        @Override
        public int indexInput(int i, int[] shape) {
            String in = graphInputName(i);
            Integer id = inputIds.get(in);
            if (id == null) {
                id = addTensor(TensorInfo.activation(tensors.size(), in, ElementType.INT32, shape, 32, QuantInfo.perTensor(1, 0)));
                inputIds.put(in, id);
            } else if (id == inputId || !Arrays.equals(tensors.get(id).shape(), shape)) {
                throw new UnsupportedOperationException("vertex '" + name() + "' reads graph input '" + in + "' as INT32 of "
                        + Arrays.toString(shape) + " per row, which another vertex defined as " + tensors.get(id).type() + " of "
                        + Arrays.toString(tensors.get(id).shape()));
            }
            return id;
        }

        private String graphInputName(int i) {
            String in = inputName(i);
            if (!inputs.get(i).isInputVertex()) {
                throw new UnsupportedOperationException("vertex '" + name() + "': its input " + i + " ('" + in
                        + "') is not a graph input");
            }
            return in;
        }

        @Override
        public int addActivation(String name, int[] shape, AffineQuantParams p) {
            return addTensor(TensorInfo.activation(tensors.size(), name, ElementType.INT8, shape, bits(p),
                    QuantInfo.perTensor(p.scale(), p.zeroPoint())));
        }

        @Override
        public int addInt32Activation(String name, int[] shape, QuantInfo quant) {
            return addTensor(TensorInfo.activation(tensors.size(), name, ElementType.INT32, shape, 32, quant));
        }

        @Override
        public int addInt16Activation(String name, int[] shape, QuantInfo quant) {
            return addTensor(TensorInfo.activation(tensors.size(), name, ElementType.INT16, shape, 16, quant));
        }

        @Override
        public int addWeights(String name, FoldedWeights fw, int[] shape) {
            int rows = fw.codes().length;
            int k = fw.codes()[0].length;
            byte[] codes = new byte[rows * k];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    codes[r * k + j] = (byte) fw.codes()[r][j];
                }
            }
            boolean packed = fw.bits() <= PackedInt4.MAX_BITS;
            blobs.add(packed ? PackedInt4.pack(codes, fw.bits()) : codes);
            return addTensor(TensorInfo.constant(tensors.size(), name,
                    packed ? ElementType.INT4_PACKED : ElementType.INT8, shape, fw.bits(),
                    QuantInfo.symmetricPerAxis(0, fw.scales()), blobs.size() - 1));
        }

        @Override
        public int addBias(String name, FoldedWeights fw, double inputScale) {
            int[] b = BiasQuantizer.quantize(fw.bias(), inputScale, fw.scales());
            double[] scales = new double[b.length];
            for (int c = 0; c < b.length; c++) {
                scales[c] = inputScale * fw.scales()[c];
            }
            return addInt32Constant(name, b, QuantInfo.perAxis(0, new int[b.length], scales));
        }

        @Override
        public int addInt32Constant(String name, int[] values, QuantInfo quant) {
            ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : values) {
                buf.putInt(x);
            }
            blobs.add(buf.array());
            return addTensor(TensorInfo.constant(tensors.size(), name, ElementType.INT32, new int[] {values.length}, 32, quant,
                    blobs.size() - 1));
        }

        @Override
        public void addOp(String opType, int opVersion, String opName, int[] in, int[] out, Attributes attributes) {
            ops.add(new OpNode(opType, opVersion, opName, in, out, attributes));
        }

        @Override
        public void passThrough(int i) {
            inputName(i);
            if (inputs.get(i).isInputVertex()) {
                passedInputs.put(name(), inputs.get(i));
            } else {
                setOutput(input(i));
            }
        }

        @Override
        public void setOutput(Int8Value value) {
            values.put(name(), value);
        }

        @Override
        public void setPendingOutput(PendingRequantization p) {
            pending.put(name(), p);
        }

        @Override
        public void setGraphOutput(int tensorId) {
            outputId = tensorId;
        }
    }
}
