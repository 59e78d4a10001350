package io.qat4j.quant.spec;

/**
 * The straight-through estimator used for the gradient of fake quantization (Bengio et al., 2013;
 * Jacob et al., CVPR 2018, section 3).
 */
public enum SteMode {
    /** The gradient passes unchanged everywhere. */
    PLAIN,
    /**
     * The gradient passes where the unclamped code {@code round(x/S) + Z} lies in
     * {@code [qMin, qMax]} and is zero elsewhere (PyTorch's {@code fake_quantize_per_tensor_affine}
     * mask; Degree-Quant's clipped STE).
     */
    CLIPPED
}
