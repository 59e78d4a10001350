package io.qat4j.training.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model predicted for the scored examples of a set, in set order, or the set's true labels
 * in the same form: a class per example for {@link TaskKind#CLASSIFICATION}, {@code outputs}
 * values per example for {@link TaskKind#REGRESSION}.
 *
 * @param kind the task
 * @param count examples
 * @param outputs values per example: 1 for classification (the class), the target count for regression
 * @param classes {@code [count]} classes, or null for regression (copied)
 * @param values {@code [count * outputs]} values, or null for classification (copied)
 */
public record Predictions(TaskKind kind, int count, int outputs, int[] classes, double[] values) {

    /** Checks that the arrays fit the kind and the counts, and copies them. */
    public Predictions {
        Objects.requireNonNull(kind, "kind");
        if (count < 0 || outputs < 1) {
            throw new IllegalArgumentException("count " + count + " and outputs " + outputs + " must be >= 0 and >= 1");
        }
        if (kind == TaskKind.CLASSIFICATION) {
            if (classes == null || classes.length != count || values != null || outputs != 1) {
                throw new IllegalArgumentException("classification predictions need " + count + " classes and no values");
            }
            classes = classes.clone();
        } else {
            if (values == null || values.length != (long) count * outputs || classes != null) {
                throw new IllegalArgumentException("regression predictions need " + count + " x " + outputs
                        + " values and no classes");
            }
            values = values.clone();
        }
    }

    /**
     * @param classes predicted or true classes
     * @return classification predictions
     */
    public static Predictions ofClasses(int[] classes) {
        return new Predictions(TaskKind.CLASSIFICATION, classes.length, 1, classes, null);
    }

    /**
     * @param outputs values per example
     * @param values {@code [count * outputs]} values
     * @return regression predictions
     */
    public static Predictions ofValues(int outputs, double[] values) {
        return new Predictions(TaskKind.REGRESSION, values.length / outputs, outputs, null, values);
    }

    /** @return a copy of the classes (classification) */
    @Override
    public int[] classes() {
        return classes == null ? null : classes.clone();
    }

    /** @return a copy of the values (regression) */
    @Override
    public double[] values() {
        return values == null ? null : values.clone();
    }

    /**
     * Share of examples on which two classifiers predict the same class (TFLite's and PyTorch's
     * "prediction agreement" between a float and a quantized model).
     *
     * @param other predictions of another model on the same examples
     * @return share of identical classes; NaN for regression or an empty set
     */
    public double agreement(Predictions other) {
        checkComparable(other);
        if (kind != TaskKind.CLASSIFICATION || count == 0) {
            return Double.NaN;
        }
        int same = 0;
        for (int i = 0; i < count; i++) {
            if (classes[i] == other.classes[i]) {
                same++;
            }
        }
        return (double) same / count;
    }

    void checkComparable(Predictions other) {
        if (other.kind != kind || other.count != count || other.outputs != outputs) {
            throw new IllegalArgumentException("cannot compare " + describe() + " with " + other.describe());
        }
    }

    private String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " predictions of " + count + " x " + outputs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Predictions p && kind == p.kind && count == p.count && outputs == p.outputs
                && Arrays.equals(classes, p.classes) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, count, outputs, Arrays.hashCode(classes), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Predictions[" + describe() + "]";
    }
}
