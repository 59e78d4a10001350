package io.qat4j.training.family.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every size of a config is checked against an upper bound while the config is read, before
 * anything is built: the error names the key, the line and the bound (a {@code padding: 100000}
 * used to pass and die in native allocation).
 */
class SizeLimitsTest {

    /** @return a config of a dataset given by its folder (no data check), with the given lines */
    private static String config(String input, String layers, String training) {
        return "name: t\n"                                           // 1
                + "dataset: {format: idx, path: /nowhere}\n"         // 2
                + "model:\n"                                         // 3
                + "  input: " + input + "\n"                         // 4
                + "  layers:\n"                                      // 5
                + layers                                             // 6...
                + "training: " + training + "\n";
    }

    private static final String INPUT = "{channels: 1, height: 28, width: 28}";
    private static final String OUT = "    - {type: output, classes: 10}\n";
    private static final String TRAINING = "{epochs: 1, batchSize: 32}";

    private static String layer(String layer) {
        return "    - " + layer + "\n" + OUT;
    }

    static Stream<Arguments> cases() {
        int n = CnnLimits.MAX_WINDOW;
        int c = CnnLimits.MAX_WIDTH;
        return Stream.of(
                Arguments.of(config(INPUT, layer("{type: conv2d, filters: 8, kernel: 3, padding: 100000}"), TRAINING),
                        6, "model.layers[0].padding", "must be between 0 and " + n + ", got 100000"),
                Arguments.of(config(INPUT, layer("{type: conv2d, filters: 8, kernel: 5000}"), TRAINING),
                        6, "model.layers[0].kernel", "must be between 1 and " + n + ", got 5000"),
                Arguments.of(config(INPUT, layer("{type: conv2d, filters: 8, kernel: 3, stride: [1, 5000]}"), TRAINING),
                        6, "model.layers[0].stride[1]", "must be between 1 and " + n + ", got 5000"),
                Arguments.of(config(INPUT, layer("{type: conv2d, filters: 8, kernel: 3, dilation: 2000}"), TRAINING),
                        6, "model.layers[0].dilation", "must be between 1 and " + n + ", got 2000"),
                Arguments.of(config(INPUT, layer("{type: maxpool, kernel: 2, stride: 99999}"), TRAINING),
                        6, "model.layers[0].stride", "must be between 1 and " + n + ", got 99999"),
                Arguments.of(config(INPUT, layer("{type: residual, filters: 8, stride: 99999}"), TRAINING),
                        6, "model.layers[0].stride", "must be between 1 and " + n + ", got 99999"),
                Arguments.of(config(INPUT, layer("{type: conv2d, filters: 10000000, kernel: 3}"), TRAINING),
                        6, "model.layers[0].filters", "must be between 1 and " + c + ", got 10000000"),
                Arguments.of(config(INPUT, layer("{type: residual, filters: 10000000}"), TRAINING),
                        6, "model.layers[0].filters", "must be between 1 and " + c + ", got 10000000"),
                Arguments.of(config(INPUT, layer("{type: dense, units: 10000000}"), TRAINING),
                        6, "model.layers[0].units", "must be between 1 and " + c + ", got 10000000"),
                Arguments.of(config(INPUT, "    - {type: output, classes: 10000000}\n", TRAINING),
                        6, "model.layers[0].classes", "must be between 2 and " + c + ", got 10000000"),
                Arguments.of(config("{channels: 100000, height: 28, width: 28}", OUT, TRAINING),
                        4, "model.input.channels", "must be between 1 and " + c + ", got 100000"),
                Arguments.of(config("{channels: 1, height: 1000000, width: 28}", OUT, TRAINING),
                        4, "model.input.height", "must be between 1 and " + CnnLimits.MAX_IMAGE_SIDE + ", got 1000000"),
                Arguments.of(config(INPUT, OUT, "{epochs: 1, batchSize: 10000000}"),
                        7, "training.batchSize", "must be between 1 and 65536, got 10000000"),
                Arguments.of(config(INPUT, OUT, "{epochs: 2000000000, batchSize: 32}"),
                        7, "training.epochs", "must be between 1 and 100000, got 2000000000"),
                // 64x28x28 = 50,176 features into 65,536 units: 3.3e9 weights
                Arguments.of(config(INPUT, "    - {type: conv2d, filters: 64, kernel: 3, padding: same}\n"
                                + layer("{type: dense, units: 65536}"), TRAINING),
                        7, "model.layers[1]", "the model has 3288400512 parameters up to this layer;"
                                + " at most 268435456 (2^28) are allowed"),
                // 4096 channels of 512x512: 2^30 activations of one example
                Arguments.of(config("{channels: 1, height: 512, width: 512}",
                                layer("{type: conv2d, filters: 4096, kernel: 1}"), TRAINING),
                        6, "model.layers[0]", "one example needs 1074003968 activations up to this layer;"
                                + " at most 268435456 (2^28) are allowed"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("cases")
    void rejectedAtReadingWithTheBound(String yaml, int line, String path, String fragment) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.parse(yaml, "big.yaml"));
        assertEquals(1, e.problems().size(), e.getMessage());
        ConfigProblem p = e.problems().get(0);
        assertEquals(line, p.location().line(), e.getMessage());
        assertEquals(path, p.path(), e.getMessage());
        assertTrue(p.message().contains(fragment), e.getMessage());
    }
}
