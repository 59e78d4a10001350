package io.qat4j.training.config;

/**
 * The {@code model} section of an experiment, as bound by its model family
 * ({@code model.family}, DESIGN.md section 8: {@code cnn}, later {@code gnn} and
 * {@code transformer}). Each family has its own record, defined with its schema in the family's
 * package (e.g. {@code io.qat4j.training.family.cnn.CnnModelConfig}); what every consumer of a run
 * needs, whatever the family, is here.
 */
public interface ModelConfig {

    /** @return the family's name, the YAML value of {@code model.family} */
    String family();

    /**
     * @return the shape of one input example without the batch axis, as the exporter and the
     *     int8 executor take it (e.g. {@code {channels, height, width}} for images)
     */
    int[] exampleShape();
}
