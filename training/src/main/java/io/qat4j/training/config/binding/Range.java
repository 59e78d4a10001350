package io.qat4j.training.config.binding;

/**
 * An interval of allowed real values of a configuration key, and how an error message says it
 * ({@code must be in (0, 1]}, {@code must be >= 0}).
 *
 * @param low lower bound
 * @param lowClosed whether the lower bound is allowed
 * @param high upper bound, {@link Double#POSITIVE_INFINITY} for none
 * @param highClosed whether the upper bound is allowed
 */
public record Range(double low, boolean lowClosed, double high, boolean highClosed) {

    /**
     * @param low lower bound
     * @param high upper bound
     * @return {@code [low, high]}
     */
    public static Range closed(double low, double high) {
        return new Range(low, true, high, true);
    }

    /**
     * @param low lower bound
     * @param high upper bound
     * @return {@code [low, high)}
     */
    public static Range closedOpen(double low, double high) {
        return new Range(low, true, high, false);
    }

    /**
     * @param low lower bound
     * @param high upper bound
     * @return {@code (low, high]}
     */
    public static Range openClosed(double low, double high) {
        return new Range(low, false, high, true);
    }

    /**
     * @param low lower bound
     * @return {@code [low, inf)}
     */
    public static Range atLeast(double low) {
        return new Range(low, true, Double.POSITIVE_INFINITY, false);
    }

    /**
     * @param low lower bound
     * @return {@code (low, inf)}
     */
    public static Range greaterThan(double low) {
        return new Range(low, false, Double.POSITIVE_INFINITY, false);
    }

    /**
     * @param v a value
     * @return whether it is allowed
     */
    public boolean contains(double v) {
        return (lowClosed ? v >= low : v > low) && (highClosed ? v <= high : v < high);
    }

    /** @return {@code must be in [0, 0.5]}, {@code must be > 0}, ... */
    public String message() {
        if (high == Double.POSITIVE_INFINITY) {
            return "must be " + (lowClosed ? ">= " : "> ") + format(low);
        }
        return "must be in " + (lowClosed ? "[" : "(") + format(low) + ", " + format(high)
                + (highClosed ? "]" : ")");
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
