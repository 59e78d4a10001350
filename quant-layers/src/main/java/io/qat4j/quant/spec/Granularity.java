package io.qat4j.quant.spec;

/**
 * Which elements of a tensor share one scale.
 *
 * <p>{@link #PER_CHANNEL} uses one scale per output channel (dimension 0 of a weight tensor),
 * as TFLite's int8 specification does for convolution and fully connected weights.
 * {@link #PER_GROUP} splits the output rows into contiguous groups with one scale each (Q-BERT,
 * Shen et al., AAAI 2020, section 3.2).
 */
public enum Granularity {
    /** One scale for the whole tensor. */
    PER_TENSOR,
    /** One scale per output channel. */
    PER_CHANNEL,
    /** One scale per contiguous group of output rows. */
    PER_GROUP
}
