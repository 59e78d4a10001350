package io.qat4j.quant.export;

/**
 * Exports vertices of one configuration class that cannot implement
 * {@link io.qat4j.quant.layers.QuantizedLayer} itself (DL4J's own layers: pooling, dropout).
 * Implementations are discovered with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.qat4j.quant.export.Int8ExportHandler} of any jar on the class path.
 * The exporter looks handlers up by the exact configuration class.
 */
public interface Int8ExportHandler {

    /** @return the configuration class ({@code Layer} or {@code GraphVertex} configuration) this handler exports */
    Class<?> configurationClass();

    /**
     * Adds one vertex to the int8 graph, as {@link io.qat4j.quant.layers.QuantizedLayer#exportTo} does.
     *
     * @param configuration the vertex's configuration, an instance of {@link #configurationClass()}
     * @param context the export in progress, seen from that vertex
     * @throws UnsupportedOperationException when this configuration has no integer form (naming the vertex)
     */
    void exportTo(Object configuration, ExportContext context);
}
