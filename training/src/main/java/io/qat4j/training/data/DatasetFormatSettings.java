package io.qat4j.training.data;

/**
 * The values of the keys of {@code dataset} that belong to its format (for example the file
 * names of the {@code idx} format), bound by {@link DatasetFormat#bind} and written back by
 * {@link DatasetFormat#write}. Implementations are records, so that equal settings are equal.
 */
public interface DatasetFormatSettings {
}
