package io.qat4j.executor.kernel;

/**
 * Parameters of {@link Add} (TFLite {@code ArithmeticParams} as prepared by the quantized
 * {@code ADD} kernel, {@code kernels/add.cc}): both inputs are brought to a common scale
 * {@code 2 max(S1, S2) / 2^leftShift} by multipliers below one, summed, and the sum rescaled to
 * the output. Computed offline from the three scales by {@code io.qat4j.executor.prep.AddRescale}
 * ({@code leftShift = 20}, {@code m_i = S_i / (2 max(S1, S2))},
 * {@code m_out = 2 max(S1, S2) / (2^20 S_out)}).
 *
 * <p>An input multiplier may be negative (op {@code add} version 2): that input is subtracted,
 * its term being {@code mbqm(-(x_i - Z_i) 2^leftShift, |m_i|, s_i)} (GIN's self term
 * {@code (1 + eps) x} when {@code eps < -1}); {@code |m_i|} is 0 or in {@code [2^30, 2^31 - 1]}.
 *
 * <p>Accumulator bound, checked here: {@code |x_i - Z_i| <= 255}, so
 * {@code |(x_i - Z_i) 2^leftShift| <= 255 * 2^leftShift}; input multipliers below one in
 * magnitude ({@code shift <= 0}) keep each scaled input below that, the sum below
 * {@code 510 * 2^leftShift}, which times {@code 2^max(outputShift, 0)} must be at most
 * {@code 2^31 - 1} ({@code leftShift <= 22} for a non-positive output shift).
 *
 * @param input1ZeroPoint {@code Z1}, int8 (TFLite {@code input1_offset = -Z1})
 * @param input1Multiplier Q31 multiplier of {@code S1 / (2 max(S1, S2))}, negative to subtract input 1
 * @param input1Shift its shift, {@code <= 0}
 * @param input2ZeroPoint {@code Z2}, int8
 * @param input2Multiplier Q31 multiplier of {@code S2 / (2 max(S1, S2))}, negative to subtract input 2
 * @param input2Shift its shift, {@code <= 0}
 * @param leftShift headroom shift applied to both inputs, in {@code [0, 22]}
 * @param outputMultiplier Q31 multiplier of {@code 2 max(S1, S2) / (2^leftShift S_out)}
 * @param outputShift its shift
 * @param outputZeroPoint {@code Z_out}, int8
 * @param activation output clamp
 */
public record AddParams(int input1ZeroPoint, int input1Multiplier, int input1Shift, int input2ZeroPoint,
        int input2Multiplier, int input2Shift, int leftShift, int outputMultiplier, int outputShift,
        int outputZeroPoint, ActivationClamp activation) {

    /** @throws IllegalArgumentException on out-of-range entries or an accumulator bound over 2^31 - 1 */
    public AddParams {
        KernelChecks.checkInt8(input1ZeroPoint, "input 1 zero point");
        KernelChecks.checkInt8(input2ZeroPoint, "input 2 zero point");
        KernelChecks.checkInt8(outputZeroPoint, "output zero point");
        KernelChecks.checkSignedMultiplier(input1Multiplier, input1Shift, "input 1");
        KernelChecks.checkSignedMultiplier(input2Multiplier, input2Shift, "input 2");
        KernelChecks.checkMultiplier(outputMultiplier, outputShift, "output");
        if (input1Shift > 0 || input2Shift > 0) {
            throw new IllegalArgumentException("input multipliers must be below one (shift <= 0), got shifts "
                    + input1Shift + " and " + input2Shift);
        }
        if (leftShift < 0 || leftShift > 22) {
            throw new IllegalArgumentException("left shift must be in [0, 22], got " + leftShift);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation is required");
        }
        KernelChecks.checkShifted(2L * KernelChecks.MAX_ABS_INPUT_OFFSET << leftShift, Math.max(outputShift, 0),
                "add");
    }

    /** @return whether an input is subtracted (a negative multiplier), which needs op {@code add} version 2 */
    public boolean subtracts() {
        return input1Multiplier < 0 || input2Multiplier < 0;
    }
}
