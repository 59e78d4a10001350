package io.qat4j.quant.export;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.PackedInt4;
import io.qat4j.executor.kernel.Window2d;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AveragePool2dOp;
import io.qat4j.executor.op.Conv2dOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GlobalAveragePoolOp;
import io.qat4j.executor.op.MaxPool2dOp;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.prep.BiasQuantizer;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.ActivationQuantizerLayer;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantAddVertex;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.layers.impl.QuantComputeLayerImpl;
import io.qat4j.quant.layers.impl.QuantOutputLayerImpl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;

/**
 * Exports a trained {@link ComputationGraph} of quantized layers to an int8 artifact.
 *
 * <p>Supported graphs: one convolutional input followed by an {@link ActivationQuantizerLayer}
 * (its range becomes the input's scale and zero point); {@link QuantConv2dLayer},
 * {@link QuantDenseLayer} with output quantization and identity/ReLU/ReLU6; max pooling; average
 * and global average pooling each followed by an activation quantizer (fused into one requantizing
 * pool); dropout (removed); {@link QuantAddVertex}; and one {@link QuantOutputLayer}, whose int32
 * logits are the graph output. Anything else is rejected with a message naming the vertex.
 *
 * <p>Weights are exported from {@link QuantComputeLayerImpl#foldedWeights()}, the same code path
 * that fake-quantizes them in training, so the integer codes are exactly the simulated ones.
 * Weights of at most 4 bits are stored packed, two per byte. Every op's attributes are written with
 * its definition's typed builder ({@code io.qat4j.executor.op}), the code that the executor reads
 * them back with; the artifact has the current format version.
 */
public final class Int8Exporter {

    private final ComputationGraph net;
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<OpNode> ops = new ArrayList<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Pending> pendingPools = new HashMap<>();
    private int inputId = -1;
    private int outputId = -1;

    /** An int8 activation: tensor id, per-example shape, affine parameters. */
    private record Value(int id, int[] shape, AffineQuantParams params) {
        int size() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    /** An average pool awaiting the activation quantizer that follows it. */
    private record Pending(Value input, Window2d window, boolean global) {
    }

    private final int[] inputShape;

    private Int8Exporter(ComputationGraph net, int[] inputShape) {
        this.net = net;
        this.inputShape = inputShape.clone();
    }

    /**
     * @param net a trained network
     * @param inputShape shape of one input example, {@code [channels, height, width]}
     * @param provenance what the artifact records about its origin
     * @return the artifact (manifest and blobs)
     * @throws UnsupportedOperationException when the network has a layer the executor cannot run
     * @throws IllegalStateException when an output quantizer has never observed data
     */
    public static LoadedArtifact export(ComputationGraph net, int[] inputShape, Provenance provenance) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("input shape must be [channels, height, width], got " + Arrays.toString(inputShape));
        }
        Int8Exporter e = new Int8Exporter(net, inputShape);
        e.walk();
        if (e.inputId < 0 || e.outputId < 0) {
            throw new UnsupportedOperationException("the network needs an input activation quantizer and a QuantOutputLayer");
        }
        ModelArtifact m = ModelArtifact.of(provenance, e.tensors, e.ops, new int[] {e.inputId}, new int[] {e.outputId});
        return new LoadedArtifact(m, e.blobs);
    }

    private void walk() {
        GraphVertex[] vertices = net.getVertices();
        for (int idx : net.topologicalSortOrder()) {
            GraphVertex v = vertices[idx];
            if (v.isInputVertex()) {
                continue;
            }
            String name = v.getVertexName();
            List<String> inputs = new ArrayList<>();
            for (VertexIndices vi : v.getInputVertices()) {
                inputs.add(vertices[vi.getVertexIndex()].getVertexName());
            }
            Object conf = v.hasLayer() ? v.getLayer().conf().getLayer() : v.getConfig();
            if (conf instanceof ActivationQuantizerLayer) {
                quantizer(v, name, inputs.get(0), vertices);
            } else if (conf instanceof QuantConv2dLayer c) {
                conv(v, name, c, value(inputs.get(0), name));
            } else if (conf instanceof QuantDenseLayer d) {
                dense(v, name, d, value(inputs.get(0), name));
            } else if (conf instanceof QuantOutputLayer) {
                logits(v, name, value(inputs.get(0), name));
            } else if (conf instanceof SubsamplingLayer s) {
                pool(name, s, value(inputs.get(0), name));
            } else if (conf instanceof GlobalPoolingLayer g && g.getPoolingType() == PoolingType.AVG) {
                Value in = value(inputs.get(0), name);
                pendingPools.put(name, new Pending(in, null, true));
            } else if (conf instanceof DropoutLayer) {
                values.put(name, value(inputs.get(0), name));
            } else if (conf instanceof QuantAddVertex a) {
                add(v, name, a, value(inputs.get(0), name), value(inputs.get(1), name));
            } else {
                throw new UnsupportedOperationException("cannot export vertex '" + name + "' ("
                        + (conf == null ? v.getClass().getSimpleName() : conf.getClass().getSimpleName())
                        + "): the int8 executor has no such operator");
            }
        }
    }

    private Value value(String vertex, String consumer) {
        Value v = values.get(vertex);
        if (v == null) {
            throw new UnsupportedOperationException("vertex '" + consumer + "' reads '" + vertex
                    + "', which has no int8 output (an average pool must be followed by an activation quantizer)");
        }
        return v;
    }

    private static AffineQuantParams params(GraphVertex v) {
        return OutputQuantizers.params(v).orElseThrow(() -> new IllegalStateException("vertex '" + v.getVertexName()
                + "' has no output quantizer range: train (or calibrate) the network before exporting"));
    }

    private static QuantInfo info(AffineQuantParams p) {
        return QuantInfo.perTensor(p.scale(), p.zeroPoint());
    }

    private static int bits(AffineQuantParams p) {
        return Integer.numberOfTrailingZeros(p.range().levels() + 1);
    }

    private int activation(String name, int[] shape, AffineQuantParams p) {
        int id = tensors.size();
        tensors.add(TensorInfo.activation(id, name, ElementType.INT8, shape, bits(p), info(p)));
        return id;
    }

    private void quantizer(GraphVertex v, String name, String input, GraphVertex[] vertices) {
        AffineQuantParams p = params(v);
        Pending pending = pendingPools.remove(input);
        if (pending != null) {
            Value in = pending.input();
            int[] s = in.shape();
            int[] outShape;
            OpNode op;
            int out;
            if (pending.global()) {
                QuantizedMultiplier m = OutputMultipliers.globalAveragePool(in.params().scale(), p.scale(), s[1] * s[2]);
                outShape = new int[] {s[0]};
                out = activation(name, outShape, p);
                op = new OpNode(GlobalAveragePoolOp.NAME, GlobalAveragePoolOp.VERSION, input + "+" + name, new int[] {in.id()},
                        new int[] {out}, GlobalAveragePoolOp.attributes(s, in.params().zeroPoint(), m, p.zeroPoint(), ActivationClamp.INT8));
            } else {
                Window2d w = pending.window();
                AveragePoolRequantization rq = OutputMultipliers.averagePool(in.params().scale(), p, w.size());
                outShape = new int[] {s[0], w.outputHeight(s[1]), w.outputWidth(s[2])};
                out = activation(name, outShape, p);
                op = new OpNode(AveragePool2dOp.NAME, AveragePool2dOp.VERSION, input + "+" + name, new int[] {in.id()}, new int[] {out},
                        AveragePool2dOp.attributes(s, in.params().zeroPoint(), w, rq));
            }
            ops.add(op);
            values.put(name, new Value(out, outShape, p));
            return;
        }
        GraphVertex src = null;
        for (GraphVertex g : vertices) {
            if (g.getVertexName().equals(input)) {
                src = g;
            }
        }
        if (src == null || !src.isInputVertex() || inputId >= 0) {
            throw new UnsupportedOperationException("activation quantizer '" + name + "' must follow the graph input or an "
                    + "average pool; a stand-alone requantization is not an executor operator");
        }
        int[] shape = inputShape.clone();
        inputId = activation("input", shape, p);
        values.put(name, new Value(inputId, shape, p));
    }

    private static ActivationClamp clamp(IActivation act, AffineQuantParams out, String name) {
        if (act instanceof ActivationIdentity) {
            return ActivationClamps.none(out);
        }
        if (act instanceof ActivationReLU) {
            return ActivationClamps.relu(out);
        }
        if (act instanceof ActivationReLU6) {
            return ActivationClamps.relu6(out);
        }
        throw new UnsupportedOperationException("vertex '" + name + "': activation " + act
                + " has no integer form (identity, ReLU and ReLU6 are clamps)");
    }

    private int weights(String name, FoldedWeights fw, int[] shape) {
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
        int id = tensors.size();
        tensors.add(TensorInfo.constant(id, name + "/weights", packed ? ElementType.INT4_PACKED : ElementType.INT8, shape,
                fw.bits(), QuantInfo.symmetricPerAxis(0, fw.scales()), blobs.size() - 1));
        return id;
    }

    private int bias(String name, FoldedWeights fw, double inputScale) {
        int[] b = BiasQuantizer.quantize(fw.bias(), inputScale, fw.scales());
        ByteBuffer buf = ByteBuffer.allocate(4 * b.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : b) {
            buf.putInt(x);
        }
        blobs.add(buf.array());
        double[] scales = new double[b.length];
        for (int c = 0; c < b.length; c++) {
            scales[c] = inputScale * fw.scales()[c];
        }
        int id = tensors.size();
        tensors.add(TensorInfo.constant(id, name + "/bias", ElementType.INT32, new int[] {b.length}, 32,
                QuantInfo.perAxis(0, new int[b.length], scales), blobs.size() - 1));
        return id;
    }

    private void conv(GraphVertex v, String name, QuantConv2dLayer c, Value in) {
        int[] s = in.shape();
        int[] k = c.getKernelSize();
        int[] st = c.getStride();
        int[] d = c.getDilation();
        Window2d w = c.getConvolutionMode() == ConvolutionMode.Same
                ? Window2d.same(s[1], s[2], k[0], k[1], st[0], st[1], d[0], d[1])
                : new Window2d(k[0], k[1], st[0], st[1], d[0], d[1], c.getPadding()[0], c.getPadding()[1],
                        c.getPadding()[0], c.getPadding()[1]);
        FoldedWeights fw = ((QuantComputeLayerImpl<?>) v.getLayer()).foldedWeights();
        AffineQuantParams out = params(v);
        int outC = (int) c.getNOut();
        int[] outShape = {outC, w.outputHeight(s[1]), w.outputWidth(s[2])};
        int wId = weights(name, fw, new int[] {outC, s[0], k[0], k[1]});
        int bId = bias(name, fw, in.params().scale());
        Attributes a = Conv2dOp.attributes(s, w, 1, in.params().zeroPoint(), OutputMultipliers.requantization(in.params().scale(), fw.scales(), out,
                clamp(c.getActivationFn(), out, name)));
        int o = activation(name, outShape, out);
        ops.add(new OpNode(Conv2dOp.NAME, Conv2dOp.VERSION, name, new int[] {in.id(), wId, bId}, new int[] {o}, a));
        values.put(name, new Value(o, outShape, out));
    }

    private void dense(GraphVertex v, String name, QuantDenseLayer d, Value in) {
        FoldedWeights fw = ((QuantComputeLayerImpl<?>) v.getLayer()).foldedWeights();
        AffineQuantParams out = params(v);
        int outC = (int) d.getNOut();
        int wId = weights(name, fw, new int[] {outC, in.size()});
        int bId = bias(name, fw, in.params().scale());
        Attributes a = FullyConnectedOp.attributes(in.params().zeroPoint(), OutputMultipliers.requantization(in.params().scale(), fw.scales(),
                out, clamp(d.getActivationFn(), out, name)));
        int o = activation(name, new int[] {outC}, out);
        ops.add(new OpNode(FullyConnectedOp.NAME, FullyConnectedOp.VERSION, name, new int[] {in.id(), wId, bId}, new int[] {o}, a));
        values.put(name, new Value(o, new int[] {outC}, out));
    }

    private void logits(GraphVertex v, String name, Value in) {
        FoldedWeights fw = ((QuantOutputLayerImpl) v.getLayer()).foldedWeights();
        int classes = fw.codes().length;
        int wId = weights(name, fw, new int[] {classes, in.size()});
        int bId = bias(name, fw, in.params().scale());
        double[] scales = new double[classes];
        for (int c = 0; c < classes; c++) {
            scales[c] = in.params().scale() * fw.scales()[c];
        }
        int id = tensors.size();
        tensors.add(TensorInfo.activation(id, name, ElementType.INT32, new int[] {classes}, 32,
                QuantInfo.perAxis(0, new int[classes], scales)));
        ops.add(new OpNode(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, name, new int[] {in.id(), wId, bId},
                new int[] {id}, FullyConnectedLogitsOp.attributes(in.params().zeroPoint())));
        outputId = id;
    }

    private void pool(String name, SubsamplingLayer s, Value in) {
        int[] sh = in.shape();
        int[] k = s.getKernelSize();
        int[] st = s.getStride();
        Window2d w = s.getConvolutionMode() == ConvolutionMode.Same
                ? Window2d.same(sh[1], sh[2], k[0], k[1], st[0], st[1], 1, 1)
                : new Window2d(k[0], k[1], st[0], st[1], 1, 1, s.getPadding()[0], s.getPadding()[1], s.getPadding()[0],
                        s.getPadding()[1]);
        if (s.getPoolingType() == PoolingType.AVG) {
            pendingPools.put(name, new Pending(in, w, false));
            return;
        }
        if (s.getPoolingType() != PoolingType.MAX) {
            throw new UnsupportedOperationException("vertex '" + name + "': pooling " + s.getPoolingType() + " is not supported");
        }
        int[] outShape = {sh[0], w.outputHeight(sh[1]), w.outputWidth(sh[2])};
        int o = activation(name, outShape, in.params());
        ops.add(new OpNode(MaxPool2dOp.NAME, MaxPool2dOp.VERSION, name, new int[] {in.id()}, new int[] {o},
                MaxPool2dOp.attributes(sh, w)));
        values.put(name, new Value(o, outShape, in.params()));
    }

    private void add(GraphVertex v, String name, QuantAddVertex conf, Value a, Value b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new UnsupportedOperationException("add '" + name + "': input shapes differ");
        }
        AffineQuantParams out = params(v);
        ActivationClamp clamp = switch (conf.getActivation()) {
            case RELU -> ActivationClamps.relu(out);
            default -> ActivationClamps.none(out);
        };
        AddParams p = AddRescale.params(a.params(), b.params(), out, clamp);
        int o = activation(name, a.shape(), out);
        ops.add(new OpNode(AddOp.NAME, AddOp.VERSION, name, new int[] {a.id(), b.id()}, new int[] {o}, AddOp.attributes(p)));
        values.put(name, new Value(o, a.shape(), out));
    }
}
