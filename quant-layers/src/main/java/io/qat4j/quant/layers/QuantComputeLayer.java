package io.qat4j.quant.layers;

/**
 * A layer configuration whose layer multiplies by a quantized weight tensor and may fold a batch
 * normalization and quantize its output: {@link QuantDenseLayer} and {@link QuantConv2dLayer}.
 */
public interface QuantComputeLayer {

    /** @return the quantization settings */
    QuantLayerSettings getQuant();

    /** @return the shape of the weight parameter: dense {@code [nIn, nOut]}, conv {@code [nOut, nIn, kH, kW]} */
    long[] weightShape();

    /** @return the number of output channels (the length of bias and batch-norm vectors) */
    long outputChannels();
}
