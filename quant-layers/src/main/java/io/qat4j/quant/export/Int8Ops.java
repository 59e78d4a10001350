package io.qat4j.quant.export;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.kernel.AveragePoolRequantization;
import io.qat4j.executor.kernel.Requantization;
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
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.quant.layers.impl.FoldedWeights;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * The int8 operators that layers export to, one method each: it adds the operator (and its output
 * tensor) to an {@link ExportContext} and returns the output value. The attributes of each
 * operator are written by the operator's definition in the executor (e.g.
 * {@link Conv2dOp#attributes}), the one place that writes and reads them. Requantization follows Jacob et al. (CVPR 2018, section 2.2): the real
 * multiplier {@code S_in S_w / S_out} becomes a Q31 multiplier and a shift
 * ({@link OutputMultipliers}); ReLU and ReLU6 become clamps of the output codes.
 */
public final class Int8Ops {

    private Int8Ops() {
    }

    /**
     * @param act a layer's activation function
     * @param out its output quantization
     * @param vertex the vertex name (for the error)
     * @return the clamp that applies the activation to output codes
     * @throws UnsupportedOperationException for activations that are not identity, ReLU or ReLU6
     */
    public static ActivationClamp clamp(IActivation act, AffineQuantParams out, String vertex) {
        if (act instanceof ActivationIdentity) {
            return ActivationClamps.none(out);
        }
        if (act instanceof ActivationReLU) {
            return ActivationClamps.relu(out);
        }
        if (act instanceof ActivationReLU6) {
            return ActivationClamps.relu6(out);
        }
        throw new UnsupportedOperationException("vertex '" + vertex + "': activation " + act
                + " has no integer form (identity, ReLU and ReLU6 are clamps)");
    }

    /**
     * The window of a DL4J convolution or pooling layer on an input of the given spatial size.
     *
     * @param mode DL4J convolution mode ({@code Same}, or explicit padding)
     * @param inH input height
     * @param inW input width
     * @param kernel kernel height and width
     * @param stride stride height and width
     * @param dilation dilation height and width
     * @param padding explicit padding (height, width), used unless {@code Same}
     * @return the window
     */
    public static Window2d window(ConvolutionMode mode, int inH, int inW, int[] kernel, int[] stride, int[] dilation,
                                  int[] padding) {
        return mode == ConvolutionMode.Same
                ? Window2d.same(inH, inW, kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1])
                : new Window2d(kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1], padding[0], padding[1],
                        padding[0], padding[1]);
    }

    /**
     * Convolution with requantized, clamped int8 output.
     *
     * @param ctx the exporting vertex
     * @param in input {@code [C, H, W]}
     * @param fw folded weights {@code [outC][C * kH * kW]}
     * @param w the window
     * @param clamp the activation as a clamp
     * @param out output quantization
     * @return the output value
     */
    public static Int8Value conv2d(ExportContext ctx, Int8Value in, FoldedWeights fw, Window2d w,
                                   ActivationClamp clamp, AffineQuantParams out) {
        int[] s = in.shape();
        int outC = fw.codes().length;
        int[] outShape = {outC, w.outputHeight(s[1]), w.outputWidth(s[2])};
        int wId = ctx.addWeights(fw, new int[] {outC, s[0], w.kernelHeight(), w.kernelWidth()});
        int bId = ctx.addBias(fw, in.params().scale());
        int o = ctx.addActivation(ctx.name(), outShape, out);
        ctx.addOp(Conv2dOp.NAME, Conv2dOp.VERSION, ctx.name(), new int[] {in.id(), wId, bId}, new int[] {o},
                Conv2dOp.attributes(s, w, 1, in.params().zeroPoint(), requantization(in, fw, out, clamp)));
        return new Int8Value(o, outShape, out);
    }

    /**
     * Fully connected layer with requantized, clamped int8 output.
     *
     * @param ctx the exporting vertex
     * @param in input (flattened)
     * @param fw folded weights {@code [outC][in.size()]}
     * @param clamp the activation as a clamp
     * @param out output quantization
     * @return the output value
     */
    public static Int8Value fullyConnected(ExportContext ctx, Int8Value in, FoldedWeights fw, ActivationClamp clamp,
                                           AffineQuantParams out) {
        int outC = fw.codes().length;
        int wId = ctx.addWeights(fw, new int[] {outC, in.size()});
        int bId = ctx.addBias(fw, in.params().scale());
        int o = ctx.addActivation(ctx.name(), new int[] {outC}, out);
        ctx.addOp(FullyConnectedOp.NAME, FullyConnectedOp.VERSION, ctx.name(), new int[] {in.id(), wId, bId}, new int[] {o},
                FullyConnectedOp.attributes(in.params().zeroPoint(), requantization(in, fw, out, clamp)));
        return new Int8Value(o, new int[] {outC}, out);
    }

    /** Per-channel Q31 multipliers and shifts of {@code S_in * S_w[c] / S_out}, output zero point and clamp. */
    private static Requantization requantization(Int8Value in, FoldedWeights fw, AffineQuantParams out, ActivationClamp clamp) {
        return OutputMultipliers.requantization(in.params().scale(), fw.scales(), out, clamp);
    }

    /**
     * Fully connected layer whose int32 accumulators are the graph output (logits with scale
     * {@code S_in * S_w} per class), registered as the graph output.
     *
     * @param ctx the exporting vertex
     * @param in input (flattened)
     * @param fw folded weights {@code [classes][in.size()]}
     * @return the tensor id of the logits
     */
    public static int logits(ExportContext ctx, Int8Value in, FoldedWeights fw) {
        int classes = fw.codes().length;
        int wId = ctx.addWeights(fw, new int[] {classes, in.size()});
        int bId = ctx.addBias(fw, in.params().scale());
        double[] scales = new double[classes];
        for (int c = 0; c < classes; c++) {
            scales[c] = in.params().scale() * fw.scales()[c];
        }
        int id = ctx.addInt32Activation(ctx.name(), new int[] {classes}, QuantInfo.perAxis(0, new int[classes], scales));
        ctx.addOp(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, ctx.name(), new int[] {in.id(), wId, bId},
                new int[] {id}, FullyConnectedLogitsOp.attributes(in.params().zeroPoint()));
        ctx.setGraphOutput(id);
        return id;
    }

    /**
     * Max pooling; the output keeps the input's quantization.
     *
     * @param ctx the exporting vertex
     * @param in input {@code [C, H, W]}
     * @param w the window
     * @return the output value
     */
    public static Int8Value maxPool(ExportContext ctx, Int8Value in, Window2d w) {
        int[] sh = in.shape();
        int[] outShape = {sh[0], w.outputHeight(sh[1]), w.outputWidth(sh[2])};
        int o = ctx.addActivation(ctx.name(), outShape, in.params());
        ctx.addOp(MaxPool2dOp.NAME, MaxPool2dOp.VERSION, ctx.name(), new int[] {in.id()}, new int[] {o},
                MaxPool2dOp.attributes(sh, w));
        return new Int8Value(o, outShape, in.params());
    }

    /**
     * Average pooling requantized to the following activation quantizer, as one operator named
     * {@code pool+quantizer}.
     *
     * @param quantizer the activation quantizer's context
     * @param pool the pooling vertex's name
     * @param in the pool's input {@code [C, H, W]}
     * @param w the window
     * @param out the quantizer's parameters
     * @return the output value, named after the quantizer
     */
    public static Int8Value averagePool(ExportContext quantizer, String pool, Int8Value in, Window2d w, AffineQuantParams out) {
        int[] s = in.shape();
        int[] outShape = {s[0], w.outputHeight(s[1]), w.outputWidth(s[2])};
        int o = quantizer.addActivation(quantizer.name(), outShape, out);
        AveragePoolRequantization rq = OutputMultipliers.averagePool(in.params().scale(), out, w.size());
        quantizer.addOp(AveragePool2dOp.NAME, AveragePool2dOp.VERSION, pool + "+" + quantizer.name(), new int[] {in.id()},
                new int[] {o}, AveragePool2dOp.attributes(s, in.params().zeroPoint(), w, rq));
        return new Int8Value(o, outShape, out);
    }

    /**
     * Global average pooling requantized to the following activation quantizer, as one operator
     * named {@code pool+quantizer}.
     *
     * @param quantizer the activation quantizer's context
     * @param pool the pooling vertex's name
     * @param in the pool's input {@code [C, H, W]}
     * @param out the quantizer's parameters
     * @return the output value {@code [C]}, named after the quantizer
     */
    public static Int8Value globalAveragePool(ExportContext quantizer, String pool, Int8Value in, AffineQuantParams out) {
        int[] outShape = {in.shape()[0]};
        int o = quantizer.addActivation(quantizer.name(), outShape, out);
        int[] s = in.shape();
        QuantizedMultiplier m = OutputMultipliers.globalAveragePool(in.params().scale(), out.scale(), s[1] * s[2]);
        quantizer.addOp(GlobalAveragePoolOp.NAME, GlobalAveragePoolOp.VERSION, pool + "+" + quantizer.name(),
                new int[] {in.id()}, new int[] {o},
                GlobalAveragePoolOp.attributes(s, in.params().zeroPoint(), m, out.zeroPoint(), ActivationClamp.INT8));
        return new Int8Value(o, outShape, out);
    }

    /**
     * Element-wise add of two int8 tensors of the same shape, each rescaled to a common scale,
     * requantized and clamped (TFLite's quantized {@code ADD}).
     *
     * @param ctx the exporting vertex
     * @param a first input
     * @param b second input
     * @param clamp the activation after the sum, as a clamp
     * @param out output quantization
     * @return the output value
     * @throws UnsupportedOperationException when the shapes differ
     */
    public static Int8Value add(ExportContext ctx, Int8Value a, Int8Value b, ActivationClamp clamp, AffineQuantParams out) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new UnsupportedOperationException("add '" + ctx.name() + "': input shapes differ");
        }
        int o = ctx.addActivation(ctx.name(), a.shape(), out);
        AddParams p = AddRescale.params(a.params(), b.params(), out, clamp);
        ctx.addOp(AddOp.NAME, AddOp.VERSION, ctx.name(), new int[] {a.id(), b.id()}, new int[] {o}, AddOp.attributes(p));
        return new Int8Value(o, a.shape(), out);
    }
}
