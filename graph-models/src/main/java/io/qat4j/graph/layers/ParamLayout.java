package io.qat4j.graph.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The parameters of a graph vertex as named, shaped slices of its one flat parameter view, in a
 * fixed order (DL4J's {@code ParamInitializer} contract: every parameter a view into the network's
 * flat vector, gradients at the same offsets, so that the updater, {@code ModelSerializer} and
 * Spark parameter averaging see them all). Each slice has a {@link Kind}: trained weights and
 * biases (with the vertex's updater and regularization), or state that no gradient trains
 * (observer ranges, batch-norm running statistics; no-op updater).
 */
public final class ParamLayout {

    /** What a parameter is, for its updater and regularization. */
    public enum Kind {
        /** A trained weight: the vertex's updater and weight regularization. */
        WEIGHT,
        /** A trained bias-like value (bias, batch-norm beta, GIN's epsilon): the bias updater and regularization. */
        BIAS,
        /** State updated by the forward pass: no-op updater, no regularization, gradient 0. */
        STATE
    }

    /**
     * One parameter.
     *
     * @param key its key in the vertex's parameter table
     * @param shape its shape (C order inside the flat vector)
     * @param kind what it is
     */
    public record Entry(String key, long[] shape, Kind kind) {

        /** @return its number of values */
        public long length() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private final List<Entry> entries;

    private ParamLayout(List<Entry> entries) {
        this.entries = Collections.unmodifiableList(entries);
    }

    /** @return a builder adding parameters in order */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the parameters, in the order of the flat vector */
    public List<Entry> entries() {
        return entries;
    }

    /** @return the total number of values */
    public long numParams() {
        return entries.stream().mapToLong(Entry::length).sum();
    }

    /**
     * @param key a parameter key
     * @return its kind
     * @throws IllegalArgumentException for an unknown key
     */
    public Kind kind(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no parameter '" + key + "'; have "
                        + entries.stream().map(Entry::key).toList()))
                .kind();
    }

    /**
     * @param flat the vertex's flat parameter (or gradient) view, {@link #numParams()} values (null when there are none)
     * @return a shaped view of each parameter, in order
     */
    public Map<String, INDArray> views(INDArray flat) {
        if (flat == null && numParams() == 0) {
            return Map.of();
        }
        if (flat == null || flat.length() != numParams()) {
            throw new IllegalArgumentException("flat view of " + (flat == null ? 0 : flat.length()) + " values for "
                    + numParams() + " parameters");
        }
        INDArray v = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        for (Entry e : entries) {
            out.put(e.key(), v.get(NDArrayIndex.interval(offset, offset + e.length())).reshape('c', e.shape()));
            offset += e.length();
        }
        return out;
    }

    /** Adds parameters in order. */
    public static final class Builder {

        private final List<Entry> entries = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param key parameter key, unique
         * @param kind what it is
         * @param shape its shape
         * @return this builder
         */
        public Builder add(String key, Kind kind, long... shape) {
            if (entries.stream().anyMatch(e -> e.key().equals(key))) {
                throw new IllegalArgumentException("duplicate parameter '" + key + "'");
            }
            entries.add(new Entry(key, shape.clone(), kind));
            return this;
        }

        /** @return the layout */
        public ParamLayout build() {
            return new ParamLayout(new ArrayList<>(entries));
        }
    }
}
