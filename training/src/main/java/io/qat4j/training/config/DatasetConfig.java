package io.qat4j.training.config;

import io.qat4j.training.data.DatasetFormatSettings;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code dataset} section: which data, in which format, where it is, and how much of the
 * training split is held out for validation (bound by {@link DatasetSchema}).
 *
 * <p>Either a dataset known by name ({@code dataset: fashion-mnist}, or
 * {@code {name: fashion-mnist}}), whose format is known, or any dataset in a registered format
 * ({@code {format: idx, path: data/mnist}}).
 *
 * @param name the dataset's name: a dataset known by name, or the folder searched for in
 *     {@code QAT4J_DATA} and the shared datasets folder; empty when the dataset is given by its
 *     {@code path} only
 * @param format the {@code io.qat4j.training.data.DatasetFormat} that reads it, e.g. {@code idx}
 * @param path an explicit folder holding it, as written (relative paths are resolved against the
 *     working directory); empty to search (DESIGN.md section 6). Present when {@code name} is
 *     empty
 * @param validationFraction fraction of the training split held out for validation, in
 *     {@code [0, 0.5]} (default 0: evaluate on the test split only)
 * @param settings the values of the format's own keys
 */
public record DatasetConfig(Optional<String> name, String format, Optional<Path> path,
        double validationFraction, DatasetFormatSettings settings) {

    /** Default {@code validationFraction}. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.0;

    /** Checks that all components are present and that the dataset has a name or a path. */
    public DatasetConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(settings, "settings");
        if (name.isEmpty() && path.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs a name or a path");
        }
    }

    /** @return the name, or else the path as written: how messages and provenance name the data */
    public String describe() {
        return name.orElseGet(() -> path.orElseThrow().toString());
    }
}
