package io.qat4j.executor.kernel;

/**
 * Shared argument checks and accumulator bounds of the kernels (package-private).
 *
 * <p>Accumulator bound used by the multiply-accumulate kernels: a product
 * {@code w * (x - Z_in)} with {@code w}, {@code x}, {@code Z_in} int8 has magnitude at most
 * {@code 128 * 255 = 32640} ({@code |w| <= 128} for any int8; symmetric narrow-range weights
 * give 127, but the check does not rely on it). A sum of {@code K} products is therefore bounded
 * by {@code 32640 * K}, which fits an int32 for {@code K <= 65793}.
 */
final class KernelChecks {

    /** {@code max |w|} over int8 weights. */
    static final int MAX_ABS_WEIGHT = 128;
    /** {@code max |x - Z|} over int8 {@code x} and int8 {@code Z}. */
    static final int MAX_ABS_INPUT_OFFSET = 255;
    /** {@code max |w * (x - Z)|}. */
    static final long MAX_ABS_PRODUCT = (long) MAX_ABS_WEIGHT * MAX_ABS_INPUT_OFFSET;
    /** Largest depth {@code K} with {@code 32640 * K <= 2^31 - 1}. */
    static final int MAX_ACCUMULATION_DEPTH = (int) (Integer.MAX_VALUE / MAX_ABS_PRODUCT);

    private KernelChecks() {
    }

    /**
     * The bound on this layer's products, for {@link io.qat4j.executor.kernel.gemm.IntGemm#multiplyAddBounded}:
     * {@code max |w|} over its weights times {@code max |x - Z_in|} over int8 codes {@code x}
     * (and 0, the padded positions' value). At most {@link #MAX_ABS_PRODUCT}; 4-bit weights give
     * at most {@code 8 * 255 = 2040}.
     *
     * @param weights the layer's int8 weights
     * @param count how many of them (from index 0) the layer uses
     * @param inputZeroPoint {@code Z_in}, int8
     * @return {@code max_{i < count} |weights[i]| * max(|-128 - Z_in|, |127 - Z_in|)}
     */
    static int maxAbsOffsetProduct(byte[] weights, int count, int inputZeroPoint) {
        int maxWeight = 0;
        for (int i = 0; i < count; i++) {
            maxWeight = Math.max(maxWeight, Math.abs(weights[i]));
        }
        return maxWeight * Math.max(Math.abs(-128 - inputZeroPoint), Math.abs(127 - inputZeroPoint));
    }

    /**
     * Checks that a sum of {@code depth} products, scaled by {@code 2^leftShift}, fits an int32.
     *
     * @return the bound {@code 32640 * depth}
     */
    static long checkProductSum(long depth, int leftShift, String what) {
        if (depth < 1) {
            throw new IllegalArgumentException(what + ": accumulation depth must be >= 1, got " + depth);
        }
        if (depth > MAX_ACCUMULATION_DEPTH) {
            throw new IllegalArgumentException(what + ": accumulation depth K = " + depth
                    + " too large for int32 accumulation: |acc| <= 128*255*K must be <= 2^31 - 1, i.e. K <= "
                    + MAX_ACCUMULATION_DEPTH);
        }
        long bound = MAX_ABS_PRODUCT * depth;
        checkShifted(bound, leftShift, what + " (K = " + depth + ")");
        return bound;
    }

    /**
     * The most terms of magnitude at most {@code perTerm} whose sum, scaled by {@code 2^leftShift},
     * stays within {@code 2^31 - 1}: {@code floor(floor((2^31 - 1) / 2^leftShift) / perTerm)}
     * ({@code 0} when not even one fits).
     */
    static long maxTerms(long perTerm, int leftShift) {
        return leftShift >= 31 ? 0 : (Integer.MAX_VALUE >> Math.max(leftShift, 0)) / perTerm;
    }

    /** Checks {@code bound * 2^leftShift <= 2^31 - 1} (the precondition of multiplyByQuantizedMultiplier). */
    static void checkShifted(long bound, int leftShift, String what) {
        if (leftShift > 0 && (leftShift >= 31 || bound > (Integer.MAX_VALUE >> leftShift))) {
            throw new IllegalArgumentException(what + ": accumulator bound " + bound + " * 2^" + leftShift
                    + " (requantization left shift) exceeds 2^31 - 1");
        }
        if (bound > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": accumulator bound " + bound + " exceeds 2^31 - 1");
        }
    }

    /**
     * Checks a bias vector against the accumulator bound: {@code productBound + |bias[c]|}, scaled
     * by {@code 2^max(shifts[c], 0)} when {@code shifts} is given, must fit an int32.
     */
    static void checkBias(int[] bias, int channels, long productBound, int[] shifts) {
        if (bias == null) {
            return;
        }
        if (bias.length < channels) {
            throw new IllegalArgumentException("bias has " + bias.length + " entries, need " + channels);
        }
        for (int c = 0; c < channels; c++) {
            long bound = productBound + Math.abs((long) bias[c]);
            checkShifted(bound, shifts == null ? 0 : Math.max(shifts[c], 0), "bias[" + c + "] = " + bias[c]);
        }
    }

    /** Checks that an output stage has exactly one multiplier (the graph kernels' per-tensor requantization). */
    static void checkSingleMultiplier(Requantization requantization, String what) {
        if (requantization == null || requantization.channels() != 1) {
            throw new IllegalArgumentException(what + " requantizes with one multiplier, got "
                    + (requantization == null ? "none" : requantization.channels()));
        }
    }

    static void checkInt8(int v, String name) {
        if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be in [-128, 127], got " + v);
        }
    }

    static void checkPositive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /** Product of positive sizes, rejecting anything that does not fit an int array index. */
    static int checkedSize(String what, int... dims) {
        long size = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(what + ": negative dimension " + d);
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + ": " + size + "+ elements do not fit a Java array");
            }
        }
        return (int) size;
    }

    static void checkLength(byte[] a, long needed, String name) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (a.length < needed) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements, need " + needed);
        }
    }

    static void checkLength(int[] a, long needed, String name) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (a.length < needed) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements, need " + needed);
        }
    }

    /** Checks {@code batches >= 1} and that {@code batches * perBatch} is an int; returns it. */
    static int batchSize(int batches, int perBatch, String what) {
        checkPositive(batches, "batches");
        long size = (long) batches * perBatch;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + ": " + batches + " batches of " + perBatch
                    + " elements do not fit a Java array");
        }
        return (int) size;
    }

    /** Validates one (multiplier, shift) pair: QuantizedMultiplier's invariant and shift <= 30. */
    /** As {@link #checkMultiplier} for the magnitude of a multiplier that may be negative. */
    static void checkSignedMultiplier(int multiplier, int shift, String name) {
        if (multiplier == Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + ": multiplier must be 0 or in +-[2^30, 2^31 - 1], got " + multiplier);
        }
        checkMultiplier(Math.abs(multiplier), shift, name);
    }

    static void checkMultiplier(int multiplier, int shift, String name) {
        if (multiplier == 0) {
            if (shift != 0) {
                throw new IllegalArgumentException(name + ": a zero multiplier has shift 0, got " + shift);
            }
        } else if (multiplier < (1 << 30)) {
            throw new IllegalArgumentException(name + ": multiplier must be 0 or in [2^30, 2^31 - 1], got " + multiplier);
        } else if (shift < -31 || shift > 30) {
            throw new IllegalArgumentException(name + ": shift must be in [-31, 30], got " + shift);
        }
    }
}
