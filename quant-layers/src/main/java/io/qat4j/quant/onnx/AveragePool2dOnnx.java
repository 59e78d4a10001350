package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.attribute;
import static io.qat4j.quant.onnx.OnnxAttributes.integer;
import static io.qat4j.quant.onnx.OnnxAttributes.ints;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.AveragePool2dOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * {@code avg_pool2d} v1 as ONNX, in both forms {@code DequantizeLinear -> AveragePool -> QuantizeLinear}
 * (ONNX has no standard quantized average pool; ONNX Runtime fuses the pattern). The artifact
 * divides by the count of in-image positions, ONNX's {@code count_include_pad = 0}.
 */
public final class AveragePool2dOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public AveragePool2dOnnx() {
        super(AveragePool2dOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo y = g.output(op);
        String pooled = g.node("AveragePool", op.name(), List.of(g.dequantized(op.inputs()[0])),
                ints("kernel_shape", attribute(op, "kernel")), ints("strides", attribute(op, "stride")),
                ints("pads", attribute(op, "pad")), integer("count_include_pad", 0));
        g.quantize(y.id(), g.clampReal(pooled, y, OnnxGraph.clamp(op, y), op.name()));
    }
}
