package io.qat4j.training.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing of the learning rate over iterations without restarts (Loshchilov and Hutter,
 * "SGDR", ICLR 2017, eq. 5; PyTorch {@code CosineAnnealingLR}):
 * {@code lr(t) = min + (initial - min) * (1 + cos(pi * t / total)) / 2}, then {@code min} after
 * {@code total} iterations.
 */
public final class CosineSchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    private final double initialValue;
    private final double minValue;
    private final int totalIterations;

    /**
     * @param initialValue value at iteration 0
     * @param minValue value at and after {@code totalIterations}
     * @param totalIterations length of the decay, at least 1
     */
    public CosineSchedule(@JsonProperty("initialValue") double initialValue,
                          @JsonProperty("minValue") double minValue,
                          @JsonProperty("totalIterations") int totalIterations) {
        if (totalIterations < 1) {
            throw new IllegalArgumentException("totalIterations must be >= 1, got " + totalIterations);
        }
        this.initialValue = initialValue;
        this.minValue = minValue;
        this.totalIterations = totalIterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration >= totalIterations) {
            return minValue;
        }
        return minValue + (initialValue - minValue) * (1 + Math.cos(Math.PI * iteration / totalIterations)) / 2;
    }

    @Override
    public CosineSchedule clone() {
        return new CosineSchedule(initialValue, minValue, totalIterations);
    }

    /** @return the value at iteration 0 */
    public double getInitialValue() {
        return initialValue;
    }

    /** @return the final value */
    public double getMinValue() {
        return minValue;
    }

    /** @return the number of iterations of the decay */
    public int getTotalIterations() {
        return totalIterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineSchedule c && c.initialValue == initialValue && c.minValue == minValue
                && c.totalIterations == totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(initialValue, minValue, totalIterations);
    }
}
