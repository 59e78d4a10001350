package io.qat4j.training.config;

import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.ConfigProblem;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Overrides;
import io.qat4j.training.config.binding.Problems;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlTreeReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an experiment configuration from YAML, applies {@code --set} overrides, fills in defaults
 * and validates everything before any work starts (DESIGN.md section 2).
 *
 * <p>Every problem is a {@link ConfigException} whose message names the source, line and column,
 * and the key path, one line per problem, e.g.
 * {@code fashion-mnist-w8a8.yaml:14:15: quantization.weights.bits: must be between 2 and 8, got 9}.
 * All problems that can be found are reported together (unknown keys with did-you-mean
 * suggestions, wrong types, out-of-range and unknown enumerated values, missing keys at the line of
 * their parent, duplicate keys, cross-field rules); only a YAML syntax error or an empty document
 * stops the reading at once. Problems of {@code --set} overrides are located at the override, e.g.
 * {@code --set training.epohcs=3: training.epohcs: unknown key `epohcs` under `training`; did you
 * mean `epochs`? ...}.
 *
 * <p>The YAML is read with Jackson's streaming {@code YAMLParser} (YAML 1.1 scalars:
 * {@code yes}/{@code no} are booleans, {@code 1e-3} a number) into a tree that keeps every
 * location, then bound by hand; there is no reflection. Thread-safe: all methods are static and
 * stateless.
 */
public final class ExperimentConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentConfigLoader.class);

    private ExperimentConfigLoader() {
    }

    /**
     * @param file a YAML file (UTF-8)
     * @return the validated configuration
     * @throws ConfigException when the file cannot be read or the configuration is invalid
     */
    public static ExperimentConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * @param file a YAML file (UTF-8); messages name it as given
     * @param overrides {@code key.path=value} strings applied in order after reading, as given to
     *     {@code --set} on the command line
     * @return the validated configuration
     * @throws ConfigException when the file cannot be read or the configuration is invalid
     */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        String source = file.toString();
        String text;
        try {
            // UTF-8 takes at most 4 bytes per character: a longer file cannot be a config
            long bytes = Files.size(file);
            if (bytes > 4L * YamlTreeReader.MAX_DOCUMENT_CHARS) {
                throw fileProblem(source, "config file is " + bytes + " bytes long; a config may have"
                        + " at most " + YamlTreeReader.MAX_DOCUMENT_CHARS + " characters");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fileProblem(source, "config file not found");
        } catch (CharacterCodingException e) {
            throw fileProblem(source, "config file is not UTF-8 text");
        } catch (IOException e) {
            throw fileProblem(source, "cannot read config file: " + e);
        }
        ExperimentConfig config = parse(text, source, overrides);
        LOG.debug("loaded experiment config {} from {} with overrides {}", config.name(), source,
                overrides);
        return config;
    }

    /**
     * @param yaml YAML text
     * @param sourceName name of the source in messages, e.g. the file name
     * @return the validated configuration
     * @throws ConfigException when the configuration is invalid
     */
    public static ExperimentConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, List.of());
    }

    /**
     * @param yaml YAML text
     * @param sourceName name of the source in messages, e.g. the file name
     * @param overrides {@code key.path=value} strings applied in order after reading
     * @return the validated configuration
     * @throws ConfigException when the configuration is invalid
     */
    public static ExperimentConfig parse(String yaml, String sourceName, List<String> overrides) {
        Problems problems = new Problems();
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        YamlNode.MapNode root = YamlTreeReader.readDocument(text, sourceName, problems);
        if (root == null) {
            throw problems.exception();
        }
        Overrides.apply(root, List.copyOf(overrides), problems);
        ExperimentConfig config = ExperimentSchema.bind(root, new ValueReader(problems));
        problems.throwIfAny();
        return config;
    }

    private static ConfigException fileProblem(String source, String message) {
        return new ConfigException(
                new ConfigProblem(new ConfigLocation(source, 0, 0), KeyPaths.ROOT, message));
    }
}
