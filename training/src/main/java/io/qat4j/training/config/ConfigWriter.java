package io.qat4j.training.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.qat4j.executor.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes an {@link ExperimentConfig} as YAML with every default spelled out: the effective
 * configuration of a run, stored with each run and checkpoint for provenance. Reading the output
 * with {@link ExperimentConfigLoader} gives an equal record. Each section is written by its schema,
 * next to where it is bound ({@link ExperimentSchema}); keys appear in schema order; strings that
 * YAML would read as something else (numbers, booleans, null) are quoted.
 */
public final class ConfigWriter {

    /** First line of every written config. */
    static final String HEADER =
            "# Effective qat4j experiment config: every default written out.\n";

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private ConfigWriter() {
    }

    /**
     * @param config a configuration
     * @return it as YAML, starting with a comment line
     */
    public static String toYaml(ExperimentConfig config) {
        try {
            return HEADER + MAPPER.writeValueAsString(tree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /**
     * Writes the YAML to a file atomically: to a temporary file in the same folder, then renamed
     * over the target, so that readers never see a partial file.
     *
     * @param config a configuration
     * @param file target file; its folder must exist
     * @throws UncheckedIOException when writing fails
     */
    public static void write(ExperimentConfig config, Path file) {
        try {
            AtomicFiles.write(file, toYaml(config).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config to " + file, e);
        }
    }

    private static ObjectNode tree(ExperimentConfig c) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ExperimentSchema.write(c, root);
        return root;
    }
}
