package io.qat4j.graph.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads any dataset of one file format from a folder into a {@link GraphDataset}: one class per
 * format ({@link PlanetoidLoader}, {@link TuLoader}, {@link GinTextLoader}, {@link SmilesCsvLoader});
 * a new format is a new class. The training module's dataset formats select a loader by name.
 *
 * <p>Every loader cleans edges by the rules of {@link CleaningReport} and logs one line per load
 * ({@link GraphDataset#loadSummary()}, through slf4j at INFO); malformed files fail with a
 * {@link GraphFormatException} naming file, line and, where one field is at fault, the field; a
 * missing file fails with a {@link java.nio.file.NoSuchFileException} naming what was looked for.
 * Implementations are immutable and thread-safe.
 */
public interface GraphLoader {

    /** @return the format's name as a config gives it, e.g. {@code tu} */
    String format();

    /**
     * @param folder the folder holding the dataset's files
     * @return the dataset
     * @throws GraphFormatException when a file is malformed or files disagree
     * @throws IOException when a file is missing or cannot be read
     */
    GraphDataset load(Path folder) throws IOException;
}
