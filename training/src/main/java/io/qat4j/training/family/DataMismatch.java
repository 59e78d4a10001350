package io.qat4j.training.family;

import java.util.Objects;

/**
 * A model that does not fit its data, found by {@link ModelFamily#mismatches}.
 *
 * @param key the key of the {@code model} section at fault, relative to it, e.g. {@code input}
 *     or {@code layers[8].classes}
 * @param message what disagrees, with both values, e.g. {@code dataset `x` has 3 classes, but the
 *     output layer has 10}
 */
public record DataMismatch(String key, String message) {

    /** Checks that both components are present. */
    public DataMismatch {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }
}
