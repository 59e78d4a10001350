package io.qat4j.quant.onnx;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.GlobalAveragePoolOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * {@code global_avg_pool} v1 as ONNX, in both forms {@code DequantizeLinear -> GlobalAveragePool ->
 * Reshape [N, C] -> Relu/Clip -> QuantizeLinear}.
 */
public final class GlobalAveragePoolOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public GlobalAveragePoolOnnx() {
        super(GlobalAveragePoolOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo y = g.output(op);
        String pooled = g.node("GlobalAveragePool", op.name(), List.of(g.dequantized(op.inputs()[0])));
        String rows = g.node("Reshape", op.name() + "_rows", List.of(pooled, g.initializers().int64s(op.name() + "_rows_shape", -1, y.dim(0))));
        g.quantize(y.id(), g.clampReal(rows, y, OnnxGraph.clamp(op, y), op.name()));
    }
}
