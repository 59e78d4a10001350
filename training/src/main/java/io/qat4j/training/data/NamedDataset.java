package io.qat4j.training.data;

import java.util.Objects;
import java.util.Optional;

/**
 * A dataset that a config may name ({@code dataset: fashion-mnist}): its name is the folder that
 * {@link DatasetLocator} looks for, its format is the {@link DatasetFormat} that declares it, and
 * what is known of its examples lets the config be checked against the model before any file is
 * read.
 *
 * @param name the name, a plain folder name, e.g. {@code fashion-mnist}
 * @param description what it is, with its reference
 * @param signature what its examples look like, when it is fixed
 */
public record NamedDataset(String name, String description, Optional<DataSignature> signature) {

    /** Checks that all components are present. */
    public NamedDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(signature, "signature");
    }
}
