package io.qat4j.training.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.DatasetConfig;
import io.qat4j.training.config.binding.Section;
import java.io.IOException;
import java.util.List;

/**
 * A file format of datasets, selected by {@code dataset.format} (DESIGN.md section 8: {@code idx}
 * now; LINQS/Planetoid, TU, GIN text, SMILES CSV and GLUE TSV later): the keys it adds to the
 * {@code dataset} section with their binding and writing back, the datasets known by name in it,
 * and the loader that reads any dataset in the format from a folder. Any dataset in a format
 * trains by giving its {@code path}.
 *
 * <p>Formats are found with {@link java.util.ServiceLoader} ({@link DatasetFormats}): adding one
 * is a new class and a line in {@code META-INF/services/io.qat4j.training.data.DatasetFormat}.
 * Implementations are stateless and thread-safe.
 */
public interface DatasetFormat {

    /** @return the value of {@code dataset.format}, e.g. {@code idx} */
    String name();

    /** @return what the format holds, with its reference, for messages and listings */
    String description();

    /** @return the keys this format adds to {@code dataset}, in schema order (may be empty) */
    List<String> keys();

    /** @return the datasets a config may name that are in this format */
    List<NamedDataset> namedDatasets();

    /**
     * Binds this format's keys of {@code dataset}, with defaults.
     *
     * @param dataset the {@code dataset} section (possibly {@link Section#absent absent}, for the
     *     shorthand {@code dataset: <name>})
     * @return the settings, or null when a problem was reported
     */
    DatasetFormatSettings bind(Section dataset);

    /**
     * Writes this format's keys back with every default spelled out.
     *
     * @param settings settings bound by this format
     * @param out the {@code dataset} mapping
     */
    void write(DatasetFormatSettings settings, ObjectNode out);

    /**
     * Reads a dataset in this format, with its {@link DataOrigin} (the folder and why it was
     * chosen, every data file read with its SHA-256, examples per split, classes).
     *
     * @param location the folder holding it, and why it was chosen
     * @param config the {@code dataset} section, with this format's settings
     * @return its splits
     * @throws DatasetNotFoundException when a file is missing
     * @throws IOException when a file is malformed or cannot be read
     */
    LoadedDataset load(DatasetLocator.Candidate location, DatasetConfig config) throws IOException;

    /**
     * Whether a dataset read with these settings has a validation split, which
     * {@code training.select: best-validation-loss} needs: by default when
     * {@code dataset.validationFraction} holds some training examples out; formats that ship
     * their own split (Planetoid's 500 validation nodes) say so.
     *
     * @param config the {@code dataset} section, with this format's settings
     * @return true when the run will have a validation split
     */
    default boolean hasValidationSplit(DatasetConfig config) {
        return config.validationFraction() > 0;
    }
}
