package io.qat4j.quant.onnx;

import static io.qat4j.quant.onnx.OnnxAttributes.attribute;
import static io.qat4j.quant.onnx.OnnxAttributes.ints;

import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.op.MaxPool2dOp;
import io.qat4j.executor.artifact.TensorInfo;
import java.util.List;

/**
 * {@code max_pool2d} v1 as ONNX: {@code MaxPool} on the uint8 codes (operator form) or on the
 * dequantized reals followed by {@code QuantizeLinear} to the same parameters (QDQ form). Both the
 * executor and ONNX's {@code MaxPool} ignore padded positions.
 */
public final class MaxPool2dOnnx extends OnnxOpConverter {

    /** The converter, as the service loader instantiates it. */
    public MaxPool2dOnnx() {
        super(MaxPool2dOp.NAME);
    }

    @Override
    public void convert(OpNode op, OnnxGraph g) {
        TensorInfo x = g.input(op, 0);
        TensorInfo y = g.output(op);
        boolean codes = g.form() == OnnxForm.QOPERATOR;
        String pooled = g.node("MaxPool", op.name(), List.of(codes ? g.uint8(x.id()) : g.dequantized(x.id())),
                ints("kernel_shape", attribute(op, "kernel")), ints("strides", attribute(op, "stride")), ints("pads", attribute(op, "pad")));
        if (codes) {
            g.define(y.id(), pooled);
        } else {
            g.quantize(y.id(), pooled);
        }
    }
}
