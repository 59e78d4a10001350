package io.qat4j.training.data;

import io.qat4j.training.config.DatasetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of {@link DatasetFormat dataset formats}, found with {@link ServiceLoader}, and of
 * the {@link NamedDataset datasets known by name} that they declare; and the loading of the
 * dataset of a config: locate its folder, read it in its format.
 */
public final class DatasetFormats {

    /**
     * A dataset known by name, with its format.
     *
     * @param format the format that declares it
     * @param dataset the dataset
     */
    public record Named(DatasetFormat format, NamedDataset dataset) {
    }

    private static final Map<String, DatasetFormat> FORMATS = new LinkedHashMap<>();
    private static final Map<String, Named> NAMED = new LinkedHashMap<>();

    static {
        for (DatasetFormat f : ServiceLoader.load(DatasetFormat.class, DatasetFormat.class.getClassLoader())) {
            if (FORMATS.putIfAbsent(f.name(), f) != null) {
                throw new IllegalStateException("two dataset formats named `" + f.name() + "`");
            }
            for (NamedDataset d : f.namedDatasets()) {
                if (NAMED.putIfAbsent(d.name(), new Named(f, d)) != null) {
                    throw new IllegalStateException("two datasets named `" + d.name() + "`");
                }
            }
        }
    }

    private DatasetFormats() {
    }

    /** @return the registered formats by name, in registration order */
    public static Map<String, DatasetFormat> formats() {
        return Collections.unmodifiableMap(FORMATS);
    }

    /** @return the names of the registered formats, in registration order */
    public static List<String> names() {
        return List.copyOf(FORMATS.keySet());
    }

    /**
     * @param name a format name
     * @return the registered format
     * @throws IllegalArgumentException when none has that name
     */
    public static DatasetFormat get(String name) {
        DatasetFormat f = FORMATS.get(name);
        if (f == null) {
            throw new IllegalArgumentException("dataset format `" + name + "` is not registered; formats: "
                    + names());
        }
        return f;
    }

    /** @return the datasets known by name, with their formats, in registration order */
    public static Map<String, Named> named() {
        return Collections.unmodifiableMap(NAMED);
    }

    /**
     * @param name a dataset name
     * @return the dataset known by that name, with its format
     */
    public static Optional<Named> named(String name) {
        return Optional.ofNullable(NAMED.get(name));
    }

    /** @return the keys of every registered format, without repeats */
    public static List<String> allFormatKeys() {
        List<String> keys = new ArrayList<>();
        for (DatasetFormat f : FORMATS.values()) {
            f.keys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        return Collections.unmodifiableList(keys);
    }

    /**
     * Locates the folder of a config's dataset and reads it in its format. With a {@code name},
     * the folder is found by {@link DatasetLocator} (an explicit {@code path} wins); without one,
     * it is {@code path}.
     *
     * @param config the {@code dataset} section
     * @param locator where to look
     * @return the data
     * @throws DatasetNotFoundException when the folder or a file is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    public static LoadedDataset load(DatasetConfig config, DatasetLocator locator) throws IOException {
        DatasetLocator.Candidate folder;
        if (config.name().isPresent()) {
            folder = locator.resolve(config.name().get(), config.path().orElse(null));
        } else {
            Path path = config.path().orElseThrow(() -> new IllegalArgumentException(
                    "a dataset without a name needs a path"));
            folder = new DatasetLocator.Candidate(path.toAbsolutePath().normalize(), "dataset.path in the configuration");
            if (!Files.isDirectory(folder.path())) {
                throw new DatasetNotFoundException(config.describe(), List.of(folder.path()), "Dataset folder "
                        + folder.path() + " (dataset.path) is not an existing folder.");
            }
        }
        return get(config.format()).load(folder, config);
    }
}
