package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.integer;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;
import onnx.Onnx;

/**
 * {@code fully_connected_logits} v1 as ONNX. Operator form: the exact int32 accumulators
 * {@code MatMulInteger(flatten(x), W^T, Z_x, 0) + b} (output {@code <name>_int32}, equal to the
 * executor's when the input codes are equal), and the logits {@code acc * S_in S_w[c]} as float
 * ({@code Cast}, {@code Mul}). QDQ and float forms: the float logits of {@code Gemm} over the dequantized input,
 * weights and bias.
 */
public final class FullyConnectedLogitsOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public FullyConnectedLogitsOnnx() {
        super(FullyConnectedLogitsOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo x = g.input(op, 0);
        TensorInfo w = g.input(op, 1);
        TensorInfo y = g.output(op);
        if (g.form() != OnnxForm.QOPERATOR) {
            g.defineAccumulators(y.id(), null, FullyConnectedOnnx.gemm(op, g, x, w));
            return;
        }
        int outC = w.dim(0);
        int k = w.dim(1);
        byte[] codes = g.weightCodes(op, w);
        byte[] transposed = new byte[codes.length];
        for (int o = 0; o < outC; o++) {
            for (int i = 0; i < k; i++) {
                transposed[i * outC + o] = codes[o * k + i];
            }
        }
        String n = op.name();
        String rows = g.node("Reshape", n + "_rows", List.of(g.uint8(x.id()), g.initializers().int64s(n + "_rows_shape", -1, k)));
        String product = g.node("MatMulInteger", n + "_product", List.of(rows,
                g.initializers().int8(n + "_weights_t", new long[] {k, outC}, transposed), g.zeroPoint(x),
                g.initializers().int8(n + "_weights_zero_point", new long[0], new byte[1])));
        String acc = g.node("Add", n + "_acc", List.of(product, g.initializers().int32(n + "_bias", new long[] {outC}, g.int32Data(g.input(op, 2)))));
        String real = g.node("Cast", n + "_float", List.of(acc), integer("to", Onnx.TensorProto.DataType.FLOAT.getNumber()));
        String logits = g.node("Mul", n + "_logits", List.of(real, g.initializers().float32(n + "_scale", new long[] {outC}, g.channelScales(y, outC))));
        g.defineAccumulators(y.id(), acc, logits);
    }
}
