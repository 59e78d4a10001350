package io.qat4j.quant.spec;

import io.qat4j.executor.quant.QuantRange;

/**
 * What a tensor is quantized to and how: the arithmetic contract of DESIGN.md section 3 as a
 * value.
 *
 * <p>Weights are signed, symmetric, narrow range ({@code Z = 0}); activations are asymmetric with
 * an integer zero point and a per-tensor scale. See {@link QuantSpecs} for the named presets.
 *
 * @param bits bit width, 2 to 8
 * @param signed signed integer codes
 * @param narrowRange drop the most negative code, for symmetric weights
 * @param symmetric zero point fixed at 0 (weights) rather than chosen from the range (activations)
 * @param granularity which elements share a scale
 * @param groups number of row groups when {@code granularity == PER_GROUP}, otherwise 1
 * @param observer how the real range is estimated
 * @param ste which straight-through estimator the backward pass uses
 */
public record QuantSpec(int bits, boolean signed, boolean narrowRange, boolean symmetric,
                        Granularity granularity, int groups, ObserverSpec observer, SteMode ste) {

    /** @throws IllegalArgumentException if the combination is not supported */
    public QuantSpec {
        QuantRange.of(bits, signed, narrowRange); // validates the bit width
        if (granularity == null || observer == null || ste == null) {
            throw new IllegalArgumentException("granularity, observer and ste are required");
        }
        if (groups < 1 || (granularity != Granularity.PER_GROUP && groups != 1)) {
            throw new IllegalArgumentException("groups must be 1 unless granularity is PER_GROUP, got " + groups);
        }
        if (symmetric && !signed) {
            throw new IllegalArgumentException("symmetric quantization needs signed codes");
        }
    }

    /** @return the integer range of the codes */
    public QuantRange range() {
        return QuantRange.of(bits, signed, narrowRange);
    }

    /**
     * @param newBits bit width 2..8
     * @return this spec with another bit width
     */
    public QuantSpec withBits(int newBits) {
        return new QuantSpec(newBits, signed, narrowRange, symmetric, granularity, groups, observer, ste);
    }

    /**
     * @param newObserver the observer
     * @return this spec with another observer
     */
    public QuantSpec withObserver(ObserverSpec newObserver) {
        return new QuantSpec(bits, signed, narrowRange, symmetric, granularity, groups, newObserver, ste);
    }

    /**
     * @param newGranularity the granularity (groups reset to 1 unless PER_GROUP keeps the count)
     * @return this spec with another granularity
     */
    public QuantSpec withGranularity(Granularity newGranularity) {
        return new QuantSpec(bits, signed, narrowRange, symmetric, newGranularity,
                newGranularity == Granularity.PER_GROUP ? groups : 1, observer, ste);
    }

    /**
     * @param newSte the estimator
     * @return this spec with another straight-through estimator
     */
    public QuantSpec withSte(SteMode newSte) {
        return new QuantSpec(bits, signed, narrowRange, symmetric, granularity, groups, observer, newSte);
    }
}
