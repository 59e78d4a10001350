package io.qat4j.graph.layers;

/**
 * How a graph layer quantizes (Tailor, Fernandez-Marques and Lane, "Degree-Quant: Quantization-Aware
 * Training for Graph Neural Networks", ICLR 2021, sections 3 and 4; camlsys/degree-quant
 * {@code reddit_binary/main.py}: {@code --fp32}, {@code --ste_mom}, {@code --gc_per --DQ}).
 */
public enum GnnQuantMode {
    /** Full precision: nothing is quantized and the layer keeps no observer state. */
    FP32,
    /**
     * Plain quantization-aware training, the paper's QAT baseline: every tensor the paper lists is
     * fake-quantized, ranges are EMAs of the batch min/max with momentum 0.01, the gradient passes
     * the quantizers unchanged (straight-through estimator), and no node is protected.
     */
    QAT,
    /**
     * Degree-Quant: the same tensors fake-quantized, ranges from per-batch percentiles kept as a
     * running min/max (0.001 at 8 bits, 0.01 at 4), a clipped straight-through estimator, and the
     * nodes of the {@code protect} input (and the edges leaving them) in full precision during
     * training.
     */
    DEGREE_QUANT
}
