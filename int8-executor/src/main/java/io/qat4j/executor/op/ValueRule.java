package io.qat4j.executor.op;

/**
 * The values an integer attribute admits, checked value by value when an attribute is written
 * and when it is read: an interval, or the Q31 multiplier rule of TFLite's
 * {@code QuantizeMultiplier} (0, or in {@code [2^30, 2^31)}).
 */
public interface ValueRule {

    /** Any int32 value. */
    ValueRule ANY_INT32 = range(Integer.MIN_VALUE, Integer.MAX_VALUE);
    /** Sizes, strides, dilations, groups: {@code >= 1}. */
    ValueRule POSITIVE = range(1, Integer.MAX_VALUE);
    /** Paddings: {@code >= 0}. */
    ValueRule NON_NEGATIVE = range(0, Integer.MAX_VALUE);
    /** Codes of an 8-bit signed tensor (zero points, clamps), {@code [-128, 127]}. */
    ValueRule INT8 = range(Byte.MIN_VALUE, Byte.MAX_VALUE);
    /** Power-of-two exponents of a requantization, positive = left shift: {@code [-31, 30]}. */
    ValueRule SHIFT = range(-31, 30);
    /** A Q31 multiplier: 0 (the real value 0) or in {@code [2^30, 2^31 - 1]}. */
    ValueRule Q31_MULTIPLIER = new ValueRule() {
        @Override
        public boolean admits(long value) {
            return value == 0 || (value >= 1L << 30 && value <= Integer.MAX_VALUE);
        }

        @Override
        public String describe() {
            return "0 or in [2^30, 2^31 - 1]";
        }
    };

    /** A signed Q31 multiplier: 0 or in {@code +-[2^30, 2^31 - 1]} (a negative one subtracts). */
    ValueRule SIGNED_Q31_MULTIPLIER = new ValueRule() {
        @Override
        public boolean admits(long value) {
            return Q31_MULTIPLIER.admits(Math.abs(value));
        }

        @Override
        public String describe() {
            return "0 or in +-[2^30, 2^31 - 1]";
        }
    };

    /**
     * @param value a value
     * @return whether the rule admits it
     */
    boolean admits(long value);

    /** @return the rule in words, for messages and {@code qat4j inspect} */
    String describe();

    /**
     * @param min smallest admitted value
     * @param max largest admitted value
     * @return the interval {@code [min, max]}
     */
    static ValueRule range(long min, long max) {
        return new ValueRule() {
            @Override
            public boolean admits(long value) {
                return value >= min && value <= max;
            }

            @Override
            public String describe() {
                return max == Integer.MAX_VALUE ? (min == Integer.MIN_VALUE ? "an int32" : ">= " + min)
                        : "in [" + min + ", " + max + "]";
            }
        };
    }
}
