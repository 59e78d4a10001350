package io.qat4j.training.config;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A point of a training run at which a quantization phase begins, as a config writes it: a number
 * of optimizer steps, a number of whole epochs, or a fraction of all the run's steps. Epochs and
 * fractions depend on the number of batches per epoch, which only the data knows, so a point is
 * {@linkplain #step resolved} where the network is built ({@code NetworkBuilder}).
 *
 * <p>In YAML: {@code {steps: 938}}, {@code {epochs: 2}}, {@code {fraction: 0.25}}, or the plain
 * number {@code 0.25}, short for the fraction (so {@code 0} is the first step and {@code 1} the end
 * of the run). The schedule follows Krishnamoorthi (arXiv:1806.08342, section 3.3), whose recipe
 * is written in fractions of training: quantize after a float start, freeze late.
 */
public sealed interface SchedulePoint {

    /** The first step. */
    SchedulePoint START = new Steps(0);

    /**
     * @param batchesPerEpoch optimizer steps of one epoch, {@code >= 1}
     * @param totalSteps optimizer steps of the whole run
     * @return the step (the network's iteration count) at which the point is reached
     */
    long step(long batchesPerEpoch, long totalSteps);

    /** @return the point as YAML's flow mapping, e.g. {@code {epochs: 2}} */
    String yaml();

    /**
     * @param steps optimizer steps, {@code >= 0}
     */
    record Steps(long steps) implements SchedulePoint {
        /** @throws IllegalArgumentException if negative */
        public Steps {
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be >= 0, got " + steps);
            }
        }

        @Override
        public long step(long batchesPerEpoch, long totalSteps) {
            return steps;
        }

        @Override
        public String yaml() {
            return "{steps: " + steps + "}";
        }
    }

    /**
     * @param epochs whole epochs, {@code >= 0}: the point is the first step of epoch
     *     {@code epochs + 1}
     */
    record Epochs(long epochs) implements SchedulePoint {
        /** @throws IllegalArgumentException if negative */
        public Epochs {
            if (epochs < 0) {
                throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
            }
        }

        @Override
        public long step(long batchesPerEpoch, long totalSteps) {
            return Math.multiplyHigh(epochs, batchesPerEpoch) != 0 ? Long.MAX_VALUE : epochs * batchesPerEpoch;
        }

        @Override
        public String yaml() {
            return "{epochs: " + epochs + "}";
        }
    }

    /**
     * @param fraction of all the run's steps, in {@code [0, 1]}; resolved to
     *     {@code floor(fraction * totalSteps)}, computed exactly on the decimal the config wrote (so
     *     {@code 0.25} of 3752 steps is step 938, {@code 0.875} of it step 3283)
     */
    record Fraction(double fraction) implements SchedulePoint {
        /** @throws IllegalArgumentException if outside {@code [0, 1]} */
        public Fraction {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
            }
        }

        @Override
        public long step(long batchesPerEpoch, long totalSteps) {
            return new BigDecimal(Double.toString(fraction)).multiply(BigDecimal.valueOf(totalSteps))
                    .setScale(0, RoundingMode.FLOOR).longValueExact();
        }

        @Override
        public String yaml() {
            return "{fraction: " + fraction + "}";
        }
    }
}
