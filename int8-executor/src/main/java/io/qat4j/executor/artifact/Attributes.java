package io.qat4j.executor.artifact;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The attributes of an op: an ordered map of integer arrays (strides, paddings, dilations,
 * groups, per-channel Q31 multipliers and shifts, activation clamps, input and output offsets),
 * which are all that integer kernels use, and an ordered map of real arrays kept for reference
 * and inspection (e.g. the effective scales {@code S_in * S_w / S_out} the multipliers were made
 * from; Jacob et al., CVPR 2018, eq. 5).
 *
 * <p>Invariants (checked by the constructor): keys are non-empty and unique across both maps,
 * arrays hold at most {@link ArtifactFormat#MAX_ARRAY_LENGTH} values, real values are finite.
 * Iteration order is insertion order and is part of equality.
 *
 * @param ints integer attributes (deep-copied)
 * @param reals reference-only real attributes (deep-copied)
 */
public record Attributes(Map<String, long[]> ints, Map<String, double[]> reals) {

    /** No attributes. */
    public static final Attributes EMPTY = new Attributes(Map.of(), Map.of());

    /** Checks the invariants stated in the class documentation and copies the maps and arrays. */
    public Attributes {
        Checks.nonNull(ints, "attributes.ints");
        Checks.nonNull(reals, "attributes.reals");
        Checks.count(ints.size(), "attributes.ints");
        Checks.count(reals.size(), "attributes.reals");
        LinkedHashMap<String, long[]> i = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : ints.entrySet()) {
            String key = Checks.string(e.getKey(), "attributes.ints key", true);
            long[] v = e.getValue();
            if (v == null || v.length > ArtifactFormat.MAX_ARRAY_LENGTH) {
                throw new InvariantViolation("attributes.ints[" + key + "]", v == null ? "is null" : "has " + v.length
                        + " values, above the limit of " + ArtifactFormat.MAX_ARRAY_LENGTH);
            }
            i.put(key, v.clone());
        }
        LinkedHashMap<String, double[]> r = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : reals.entrySet()) {
            String key = Checks.string(e.getKey(), "attributes.reals key", true);
            if (i.containsKey(key)) {
                throw new InvariantViolation("attributes.reals[" + key + "]", "key '" + key + "' is both an integer and a real attribute");
            }
            double[] v = e.getValue();
            if (v == null || v.length > ArtifactFormat.MAX_ARRAY_LENGTH) {
                throw new InvariantViolation("attributes.reals[" + key + "]", v == null ? "is null" : "has " + v.length
                        + " values, above the limit of " + ArtifactFormat.MAX_ARRAY_LENGTH);
            }
            for (int k = 0; k < v.length; k++) {
                if (!Double.isFinite(v[k])) {
                    throw new InvariantViolation("attributes.reals[" + key + "][" + k + "]", "value " + v[k] + " is not finite");
                }
            }
            r.put(key, v.clone());
        }
        ints = Collections.unmodifiableMap(i);
        reals = Collections.unmodifiableMap(r);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a deep copy of the integer attributes, in order */
    @Override
    public Map<String, long[]> ints() {
        LinkedHashMap<String, long[]> m = new LinkedHashMap<>();
        ints.forEach((k, v) -> m.put(k, v.clone()));
        return Collections.unmodifiableMap(m);
    }

    /** @return a deep copy of the real attributes, in order */
    @Override
    public Map<String, double[]> reals() {
        LinkedHashMap<String, double[]> m = new LinkedHashMap<>();
        reals.forEach((k, v) -> m.put(k, v.clone()));
        return Collections.unmodifiableMap(m);
    }

    /**
     * @param key an attribute name
     * @return whether an integer or real attribute of that name exists
     */
    public boolean has(String key) {
        return ints.containsKey(key) || reals.containsKey(key);
    }

    /**
     * @param key an integer attribute name
     * @return a copy of its values
     * @throws NoSuchElementException if there is no such integer attribute
     */
    public long[] ints(String key) {
        long[] v = ints.get(key);
        if (v == null) {
            throw new NoSuchElementException("no integer attribute '" + key + "' (have " + ints.keySet() + ")");
        }
        return v.clone();
    }

    /**
     * @param key an integer attribute name
     * @param defaults values to return if it is absent
     * @return a copy of its values, or {@code defaults}
     */
    public long[] ints(String key, long... defaults) {
        long[] v = ints.get(key);
        return v == null ? defaults : v.clone();
    }

    /**
     * @param key a real attribute name
     * @return a copy of its values
     * @throws NoSuchElementException if there is no such real attribute
     */
    public double[] reals(String key) {
        double[] v = reals.get(key);
        if (v == null) {
            throw new NoSuchElementException("no real attribute '" + key + "' (have " + reals.keySet() + ")");
        }
        return v.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attributes a) || ints.size() != a.ints.size() || reals.size() != a.reals.size()) {
            return false;
        }
        Iterator<Map.Entry<String, long[]>> x = a.ints.entrySet().iterator();
        for (Map.Entry<String, long[]> e : ints.entrySet()) {
            Map.Entry<String, long[]> f = x.next();
            if (!e.getKey().equals(f.getKey()) || !Arrays.equals(e.getValue(), f.getValue())) {
                return false;
            }
        }
        Iterator<Map.Entry<String, double[]>> y = a.reals.entrySet().iterator();
        for (Map.Entry<String, double[]> e : reals.entrySet()) {
            Map.Entry<String, double[]> f = y.next();
            if (!e.getKey().equals(f.getKey()) || !Arrays.equals(e.getValue(), f.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Map.Entry<String, long[]> e : ints.entrySet()) {
            h = 31 * (31 * h + e.getKey().hashCode()) + Arrays.hashCode(e.getValue());
        }
        for (Map.Entry<String, double[]> e : reals.entrySet()) {
            h = 31 * (31 * h + e.getKey().hashCode()) + Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Attributes[");
        String sep = "";
        for (Map.Entry<String, long[]> e : ints.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
            sep = ", ";
        }
        for (Map.Entry<String, double[]> e : reals.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
            sep = ", ";
        }
        return sb.append(']').toString();
    }

    /** Collects attributes in insertion order; a repeated key is an error. */
    public static final class Builder {
        private final LinkedHashMap<String, long[]> ints = new LinkedHashMap<>();
        private final LinkedHashMap<String, double[]> reals = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param key attribute name, new
         * @param values its integer values
         * @return this
         */
        public Builder put(String key, long... values) {
            checkNew(key);
            ints.put(key, values.clone());
            return this;
        }

        /**
         * @param key attribute name, new
         * @param values its integer values, widened to long
         * @return this
         */
        public Builder putInts(String key, int... values) {
            checkNew(key);
            ints.put(key, Arrays.stream(values).asLongStream().toArray());
            return this;
        }

        /**
         * @param key attribute name, new
         * @param values its reference-only real values, finite
         * @return this
         */
        public Builder putReal(String key, double... values) {
            checkNew(key);
            reals.put(key, values.clone());
            return this;
        }

        private void checkNew(String key) {
            if (ints.containsKey(key) || reals.containsKey(key)) {
                throw new IllegalArgumentException("attribute '" + key + "' given twice");
            }
        }

        /** @return the attributes */
        public Attributes build() {
            return new Attributes(ints, reals);
        }
    }
}
