package io.qat4j.training.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.data.ImageSignature;
import io.qat4j.training.family.cnn.CnnFamily;
import io.qat4j.training.family.cnn.CnnModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of model families and the {@code model.family} key. */
class ModelFamiliesTest {

    private static final String CONFIG = """
            name: f
            dataset: {format: idx, path: /data/x}
            model:
              %s
              input: {channels: 3, height: 16, width: 16}
              layers:
                - {type: conv2d, filters: 4, kernel: 3}
                - {type: output, classes: 5}
            """;

    @Test
    void cnnIsRegisteredAndTheDefault() {
        assertEquals(List.of("cnn", "gnn"), ModelFamilies.names());
        assertInstanceOf(CnnFamily.class, ModelFamilies.find("cnn").orElseThrow());
        assertFalse(ModelFamilies.find("transformer").isPresent(), "announced families are not registered");
        assertTrue(ModelFamilies.PLANNED.keySet().stream().allMatch(p -> ModelFamilies.find(p).isEmpty()));
        ExperimentConfig implicit = ExperimentConfigLoader.parse(CONFIG.formatted("# no family"), "a.yaml");
        ExperimentConfig explicit = ExperimentConfigLoader.parse(CONFIG.formatted("family: cnn"), "b.yaml");
        assertEquals(implicit, explicit);
        assertEquals("cnn", implicit.model().family());
        assertTrue(implicit.toYaml().contains("model:\n  family: cnn\n  input:"), implicit.toYaml());
        assertEquals(List.of(3, 16, 16), java.util.Arrays.stream(implicit.model().exampleShape()).boxed().toList());
    }

    @Test
    void cnnFamilyComparesTheModelWithTheData() {
        ExperimentConfig c = ExperimentConfigLoader.parse(CONFIG.formatted("family: cnn"), "c.yaml");
        ModelFamily cnn = ModelFamilies.of(c.model());
        assertEquals(List.of(), cnn.mismatches(c.model(), new ImageSignature(3, 16, 16, 5), "d"));
        assertEquals(List.of(
                new DataMismatch("input", "d has 1x16x16 images (channels x height x width), but the model"
                        + " input is 3x16x16"),
                new DataMismatch("layers[1].classes", "d has 2 classes, but the output layer has 5")),
                cnn.mismatches(c.model(), new ImageSignature(1, 16, 16, 2), "d"));
        assertEquals(5, ((CnnModelConfig) c.model()).outputLayer().classes());
    }
}
