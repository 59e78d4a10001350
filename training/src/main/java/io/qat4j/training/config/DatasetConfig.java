package io.qat4j.training.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code dataset} section: which dataset, where it is, and how much of the training split is
 * held out for validation. May also be written as just the name, {@code dataset: fashion-mnist}.
 *
 * @param name the dataset
 * @param path an explicit folder holding it, as written (relative paths are resolved against the
 *     working directory by the data locator); empty to search {@code QAT4J_DATA} and the default
 *     places (DESIGN.md section 6)
 * @param validationFraction fraction of the training split held out for validation, in
 *     {@code [0, 0.5]} (default 0: evaluate on the test split only)
 */
public record DatasetConfig(DatasetKind name, Optional<Path> path, double validationFraction) {

    /** Default {@code validationFraction}. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.0;

    /** Checks that all components are present. */
    public DatasetConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
    }
}
