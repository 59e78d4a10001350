package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.integer;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * {@code fully_connected} v1 as ONNX. The input {@code [N, ...K]} is flattened in row-major order
 * (the executor's flatten, {@code Reshape}). Operator form: a 1x1 {@code QLinearConv} over
 * {@code [N, K, 1, 1]} with weights {@code [O, K, 1, 1]}, which carries the int32 bias and
 * per-channel scales ({@code QLinearMatMul} has no bias), reshaped to {@code [N, O]}, then
 * {@code Clip} on uint8 for the clamp. QDQ form: {@code Gemm} ({@code transB = 1}) over the
 * dequantized input, weights and bias, {@code Relu}/{@code Clip}, {@code QuantizeLinear}.
 */
public final class FullyConnectedOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public FullyConnectedOnnx() {
        super(FullyConnectedOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo x = g.input(op, 0);
        TensorInfo w = g.input(op, 1);
        TensorInfo y = g.output(op);
        int outC = w.dim(0);
        int k = w.dim(1);
        int[] clamp = OnnxGraph.clamp(op, y);
        if (g.form() == OnnxForm.QOPERATOR) {
            QuantizedWeights qw = QuantizedWeights.of(op, g, x, w, g.input(op, 2), new long[] {outC, k, 1, 1}, g.weightCodes(op, w));
            String image = g.node("Reshape", op.name() + "_as_image", List.of(g.uint8(x.id()), g.initializers().int64s(op.name() + "_image_shape", -1, k, 1, 1)));
            String conv = g.node("QLinearConv", op.name(), List.of(image, g.scale(x), g.zeroPoint(x), qw.codes(), qw.scales(),
                    qw.zeroPoints(), g.scale(y), g.zeroPoint(y), qw.bias()));
            String rows = g.node("Reshape", op.name() + "_rows", List.of(conv, g.initializers().int64s(op.name() + "_rows_shape", -1, outC)));
            g.define(y.id(), g.clampCodes(rows, clamp, op.name()));
        } else {
            String gemm = gemm(op, g, x, w);
            g.quantize(y.id(), g.clampReal(gemm, y, clamp, op.name()));
        }
    }

    /**
     * The QDQ form's product: {@code Gemm(flatten(DQ(x)), DQ(W), DQ(b), transB = 1)}.
     *
     * @param op a dense op (inputs x, weights {@code [O, K]}, bias)
     * @param g the graph
     * @param x its input
     * @param w its weights
     * @return the real-valued output {@code [N, O]}
     */
    static String gemm(OpNode op, OnnxGraph g, TensorInfo x, TensorInfo w) {
        QuantizedWeights qw = QuantizedWeights.of(op, g, x, w, g.input(op, 2), new long[] {w.dim(0), w.dim(1)}, g.weightCodes(op, w));
        String rows = g.node("Reshape", op.name() + "_rows", List.of(g.dequantized(x.id()), g.initializers().int64s(op.name() + "_rows_shape", -1, w.dim(1))));
        return g.node("Gemm", op.name(), List.of(rows, qw.dequantizedWeights(g), qw.dequantizedBias(g)), integer("transB", 1));
    }
}
