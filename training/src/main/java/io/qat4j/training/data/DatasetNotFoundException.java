package io.qat4j.training.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dataset, or one of its files, is not where qat4j looked for it.
 *
 * <p>Thrown by {@link DatasetLocator} and by loaders such as {@link FashionMnist}. The message
 * lists every place that was searched and says how to obtain the data; {@link #searched()}
 * gives the same places programmatically (DESIGN.md section 6, "Running where users run").
 */
public final class DatasetNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String datasetName;
    private final List<Path> searched;

    /**
     * @param datasetName the dataset's name, e.g. {@code fashion-mnist}
     * @param searched every path that was tried, in the order tried
     * @param message the full, human-readable message (places and how to get the data)
     */
    public DatasetNotFoundException(String datasetName, List<Path> searched, String message) {
        super(message);
        this.datasetName = Objects.requireNonNull(datasetName, "datasetName");
        this.searched = List.copyOf(searched);
    }

    /** @return the name of the dataset that was not found */
    public String datasetName() {
        return datasetName;
    }

    /** @return every path that was tried, in the order tried (immutable) */
    public List<Path> searched() {
        return searched;
    }
}
