package io.qat4j.executor.kernel;

/**
 * Stand-alone activation as an integer clamp: ReLU, ReLU6 and "ReLU-N" on quantized values are
 * {@code y = min(max(x, actMin), actMax)} with bounds derived offline from the tensor's scale and
 * zero point ({@link ActivationClamp}; {@code io.qat4j.executor.prep.ActivationClamps}). Input and
 * output share scale and zero point. Jacob et al., CVPR 2018, section 2.4: activations fused as
 * clamps. No accumulator.
 */
public final class Clamp {

    private Clamp() {
    }

    /**
     * @param bounds the clamp
     * @param size number of elements
     * @param input int8
     * @param output int8, written; may be {@code input} (in place)
     */
    public static void run(ActivationClamp bounds, int size, byte[] input, byte[] output) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        KernelChecks.checkLength(input, size, "input");
        KernelChecks.checkLength(output, size, "output");
        int min = bounds.min();
        int max = bounds.max();
        for (int i = 0; i < size; i++) {
            output[i] = (byte) Math.max(min, Math.min(max, input[i]));
        }
    }
}
