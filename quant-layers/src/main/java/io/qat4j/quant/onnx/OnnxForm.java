package io.qat4j.quant.onnx;

/**
 * The two ways an integer model is written as ONNX (ONNX Runtime's "quantization overview":
 * operator-oriented and tensor-oriented representations), and the float network they quantize.
 * Quantized activations are {@code uint8}:
 * an int8 code {@code q} with zero point {@code Z} is the uint8 code {@code q + 128} with zero point
 * {@code Z + 128}, the same real value.
 */
public enum OnnxForm {

    /**
     * Operator-oriented: {@code QLinearConv} for convolutions and dense layers (a dense layer is a
     * 1x1 convolution, which carries the int32 bias and per-channel scales that
     * {@code QLinearMatMul} lacks), {@code MaxPool} on uint8, {@code MatMulInteger} plus the int32
     * bias for the logits (exact int32 accumulators, output {@code <name>_int32}); pooling with
     * requantization and the residual add as {@code DequantizeLinear -> op -> QuantizeLinear},
     * which ONNX Runtime fuses.
     */
    QOPERATOR("onnx"),

    /**
     * Tensor-oriented (QDQ): every quantized tensor is a {@code QuantizeLinear -> DequantizeLinear}
     * pair and every op runs on the dequantized floats, weights and biases as
     * {@code DequantizeLinear} of their integer initializers; ONNX Runtime, TensorRT and OpenVINO
     * recognise the pattern and run integer kernels.
     */
    QDQ("onnx-qdq"),

    /**
     * The float network the artifact approximates, as the QDQ form without the activations'
     * {@code QuantizeLinear -> DequantizeLinear} pairs: float input, float activations, weights and
     * biases {@code DequantizeLinear} of their integer initializers (ONNX Runtime folds them into
     * float constants when it loads the model). The FP32 reference for speed: its predictions are
     * close to the integer model's, not equal.
     */
    FLOAT("onnx-float");

    private final String format;

    OnnxForm(String format) {
        this.format = format;
    }

    /** @return the name {@code qat4j export --format} takes for this form */
    public String format() {
        return format;
    }

    /**
     * @param format {@code onnx}, {@code onnx-qdq} or {@code onnx-float}
     * @return the form of that name
     * @throws IllegalArgumentException naming the accepted names otherwise
     */
    public static OnnxForm ofFormat(String format) {
        for (OnnxForm f : values()) {
            if (f.format.equals(format)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown ONNX format '" + format + "'; expected onnx (QLinear ops), onnx-qdq (QDQ) or "
                + "onnx-float (float activations)");
    }

    /** @return the file name of this form's model beside the artifact */
    public String fileName() {
        return switch (this) {
            case QOPERATOR -> "model.onnx";
            case QDQ -> "model.qdq.onnx";
            case FLOAT -> "model.float.onnx";
        };
    }
}
