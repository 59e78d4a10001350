package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.integer;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * The initializers of a layer's integer weights and int32 bias in ONNX: int8 codes with per-channel
 * (axis 0) float scales and int8 zero points 0, and the int32 bias, whose scale is
 * {@code S_in * S_w[c]} (Jacob et al., CVPR 2018, eq. 10).
 *
 * @param codes int8 weight codes, output channel first
 * @param scales per-channel weight scales
 * @param zeroPoints per-channel int8 zeros
 * @param bias int32 bias
 * @param name the op's name, base of derived names
 * @param channels output channels
 * @param biasScales {@code S_in * S_w[c]}
 */
record QuantizedWeights(String codes, String scales, String zeroPoints, String bias, String name, int channels,
        float[] biasScales) {

    static QuantizedWeights of(OpNode op, OnnxGraph g, TensorInfo x, TensorInfo w, TensorInfo b, long[] dims, byte[] codes) {
        if (op.attributes().has("weight_zero_point") && op.attributes().ints("weight_zero_point")[0] != 0) {
            throw OnnxGraph.unsupported(op, "a weight zero point other than 0");
        }
        int outC = (int) dims[0];
        String n = op.name();
        float[] ws = g.channelScales(w, outC);
        float[] bs = new float[outC];
        double sIn = x.quant().scale(0);
        for (int c = 0; c < outC; c++) {
            bs[c] = (float) (sIn * w.quant().scale(w.quant().isPerTensor() ? 0 : c));
        }
        return new QuantizedWeights(g.initializers().int8(n + "_weights", dims, codes),
                g.initializers().float32(n + "_weights_scale", new long[] {outC}, ws),
                g.initializers().int8(n + "_weights_zero_point", new long[] {outC}, new byte[outC]),
                g.initializers().int32(n + "_bias", new long[] {outC}, g.int32Data(b)), n, outC, bs);
    }

    /** @return {@code DequantizeLinear} of the weights along axis 0 */
    String dequantizedWeights(OnnxGraph g) {
        return g.node("DequantizeLinear", name + "_weights_dq", List.of(codes, scales, zeroPoints), integer("axis", 0));
    }

    /** @return {@code DequantizeLinear} of the int32 bias with scales {@code S_in S_w[c]} */
    String dequantizedBias(OnnxGraph g) {
        String s = g.initializers().float32(name + "_bias_scale", new long[] {channels}, biasScales);
        String z = g.initializers().int32(name + "_bias_zero_point", new long[] {channels}, new int[channels]);
        return g.node("DequantizeLinear", name + "_bias_dq", List.of(bias, s, z), integer("axis", 0));
    }
}
