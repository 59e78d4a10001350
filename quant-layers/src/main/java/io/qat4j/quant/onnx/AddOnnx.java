package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * {@code add} v1 (the residual {@code r_out = r_a + r_b} with two rescales, TFLite ADD) as ONNX, in
 * both forms {@code DequantizeLinear} of each input, {@code Add}, {@code Relu}/{@code Clip},
 * {@code QuantizeLinear} (ONNX has no standard quantized add; ONNX Runtime fuses the pattern into
 * its {@code QLinearAdd}). Version 2's weighted add ({@code r_a + w r_b}, GIN's self term) has no
 * ONNX form here.
 */
public final class AddOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public AddOnnx() {
        super(AddOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo y = g.output(op);
        String sum = g.node("Add", op.name(), List.of(g.dequantized(op.inputs()[0]), g.dequantized(op.inputs()[1])));
        g.quantize(y.id(), g.clampReal(sum, y, OnnxGraph.clamp(op, y), op.name()));
    }
}
