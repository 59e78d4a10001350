package io.qat4j.executor.artifact;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a model came from: an ordered map of strings, so that new kinds of provenance need no
 * format change. The well-known keys are constants of this class; the training side fills them
 * (config YAML text, dataset, seed, metrics JSON text, git commit, qat4j version, creation time).
 *
 * <p>Invariants (checked by the constructor): keys are non-empty, keys and values are storable
 * strings (at most {@link ArtifactFormat#MAX_STRING_BYTES} of UTF-8), at most
 * {@link ArtifactFormat#MAX_COUNT} entries. Iteration order is insertion order and is part of
 * equality.
 *
 * @param entries the provenance entries (copied)
 */
public record Provenance(Map<String, String> entries) {

    /** The experiment config, as YAML text. */
    public static final String CONFIG_YAML = "config.yaml";
    /** The dataset name (and split). */
    public static final String DATASET = "dataset";
    /**
     * Where the training data came from, as JSON text: folder and why it was chosen, each data
     * file with its size and SHA-256, examples per split, classes.
     */
    public static final String DATA_ORIGIN = "data.origin";
    /** The random seed, in decimal. */
    public static final String SEED = "seed";
    /** Evaluation metrics, as JSON text. */
    public static final String METRICS_JSON = "metrics.json";
    /** The git commit of the code that trained the model. */
    public static final String GIT_COMMIT = "git.commit";
    /** The qat4j version that exported the model. */
    public static final String QAT4J_VERSION = "qat4j.version";
    /** When the model was exported, ISO-8601 UTC. */
    public static final String CREATED = "created";

    /** No provenance. */
    public static final Provenance EMPTY = new Provenance(Map.of());

    /** Checks the invariants stated in the class documentation and copies the map. */
    public Provenance {
        Checks.nonNull(entries, "provenance");
        Checks.count(entries.size(), "provenance");
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = Checks.string(e.getKey(), "provenance key", true);
            String value = e.getValue();
            long bytes = value == null ? -1 : Checks.utf8Length(value);
            if (bytes < 0 || bytes > ArtifactFormat.MAX_STRING_BYTES) {
                Checks.string(value, "provenance[" + key + "]", false); // throws, naming the problem
            }
            m.put(key, value);
        }
        entries = Collections.unmodifiableMap(m);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param key an entry key
     * @return its value, if present
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Provenance p) || entries.size() != p.entries.size()) {
            return false;
        }
        Iterator<Map.Entry<String, String>> it = p.entries.entrySet().iterator();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!e.equals(it.next())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            h = 31 * h + e.hashCode();
        }
        return h;
    }

    /** Collects entries in insertion order; a repeated key is an error. */
    public static final class Builder {
        private final LinkedHashMap<String, String> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param key entry key, new
         * @param value entry value
         * @return this
         */
        public Builder put(String key, String value) {
            if (entries.containsKey(key)) {
                throw new IllegalArgumentException("provenance key '" + key + "' given twice");
            }
            entries.put(key, value);
            return this;
        }

        /** @return the provenance */
        public Provenance build() {
            return new Provenance(entries);
        }
    }
}
