package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.attribute;
import static io.qat4j.quant.onnx.OnnxAttributes.integer;
import static io.qat4j.quant.onnx.OnnxAttributes.ints;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.Conv2dOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;
import onnx.Onnx;

/**
 * {@code conv2d} v1 as ONNX: {@code QLinearConv} (opset 10) with per-channel weight scales and the
 * int32 bias, then {@code Clip} on uint8 for an activation clamp (operator form); or
 * {@code DequantizeLinear} of x, weights (axis 0) and bias (scale {@code S_in S_w}, axis 0) into
 * {@code Conv}, {@code Relu}/{@code Clip}, {@code QuantizeLinear} (QDQ form). The artifact's
 * padding fills input codes equal to the zero point, as ONNX's {@code QLinearConv} pads.
 */
public final class Conv2dOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public Conv2dOnnx() {
        super(Conv2dOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo x = g.input(op, 0);
        TensorInfo w = g.input(op, 1);
        TensorInfo y = g.output(op);
        int outC = w.dim(0);
        QuantizedWeights qw = QuantizedWeights.of(op, g, x, w, g.input(op, 2),
                new long[] {outC, w.dim(1), w.dim(2), w.dim(3)}, g.weightCodes(op, w));
        Onnx.AttributeProto[] window = {ints("kernel_shape", attribute(op, "kernel")), ints("strides", attribute(op, "stride")),
                ints("pads", attribute(op, "pad")), ints("dilations", attribute(op, "dilation")),
                integer("group", attribute(op, "groups")[0])};
        int[] clamp = OnnxGraph.clamp(op, y);
        if (g.form() == OnnxForm.QOPERATOR) {
            String out = g.node("QLinearConv", op.name(), List.of(g.uint8(x.id()), g.scale(x), g.zeroPoint(x),
                    qw.codes(), qw.scales(), qw.zeroPoints(), g.scale(y), g.zeroPoint(y), qw.bias()), window);
            g.define(y.id(), g.clampCodes(out, clamp, op.name()));
        } else {
            String conv = g.node("Conv", op.name(), List.of(g.dequantized(x.id()), qw.dequantizedWeights(g), qw.dequantizedBias(g)),
                    window);
            g.quantize(y.id(), g.clampReal(conv, y, clamp, op.name()));
        }
    }
}
