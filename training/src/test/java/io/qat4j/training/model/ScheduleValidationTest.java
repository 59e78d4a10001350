package io.qat4j.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.binding.ConfigException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quantization schedule is resolved against the run's length where the network is built, and
 * a schedule that would silently train in float (a warm-up as long as the run, README's old
 * {@code --set training.epochs=2} of W4A8) or never reach a freeze it asks for is an error that
 * says so with the numbers.
 */
class ScheduleValidationTest {

    private static final String BASE = String.join("\n",
            "name: s",
            "dataset: fashion-mnist",
            "model:",
            "  input: {channels: 1, height: 28, width: 28}",
            "  layers:",
            "    - {type: conv2d, filters: 4, kernel: 3}",
            "    - {type: output, classes: 10}",
            "training: {epochs: 8, batchSize: 128}",
            "quantization:",
            "  schedule:",
            "");

    private static ExperimentConfig config(String schedule, String... overrides) {
        return ExperimentConfigLoader.parse(BASE + schedule, "s.yaml", List.of(overrides));
    }

    @Test
    void warmUpAsLongAsTheRunIsAnErrorWithTheNumbers() {
        ExperimentConfig c = config("    fp32WarmupSteps: 938\n", "training.epochs=2");
        ConfigException e = assertThrows(ConfigException.class, () -> new NetworkBuilder(c, 469));
        assertTrue(e.getMessage().contains("2 epochs x 469 batches = 938 steps"), e.getMessage());
        assertTrue(e.getMessage().contains("quantization.schedule.fp32Warmup: the float warm-up {steps: 938} ends at"
                + " step 938, but the run ends after step 937"), e.getMessage());
        assertTrue(e.getMessage().contains("never fake-quantize"), e.getMessage());
        assertTrue(e.getMessage().contains("allowFloatOnly"), e.getMessage());
    }

    @Test
    void floatOnlyRunIsAllowedWhenAskedFor() {
        ExperimentConfig c = config("    fp32WarmupSteps: 938\n    allowFloatOnly: true\n", "training.epochs=2");
        QuantSchedule s = new NetworkBuilder(c, 469).schedule();
        assertEquals(938, s.fp32WarmupSteps());
        assertEquals(QuantSchedule.Phase.FLOAT_WARMUP, s.phase(937));
    }

    @Test
    void freezeThatTheRunNeverReachesIsAnError() {
        ExperimentConfig c = config("    fp32WarmupSteps: 100\n    freezeObserversStep: 3283\n", "training.epochs=2");
        ConfigException e = assertThrows(ConfigException.class, () -> new NetworkBuilder(c, 469));
        assertTrue(e.getMessage().contains("quantization.schedule.freezeObservers: resolves to step 3283, but the run"
                + " ends after step 937"), e.getMessage());
        assertTrue(e.getMessage().contains("observers would never freeze"), e.getMessage());
    }

    @Test
    void freezingBatchNormBeforeQuantizationStartsIsAnErrorAtItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config("    fp32WarmupSteps: 938\n    freezeBatchNormStep: 10\n"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("s.yaml:12:"), e.getMessage());
        assertTrue(e.getMessage().contains("quantization.schedule.freezeBatchNormStep: must be at or after"
                + " fp32WarmupSteps"), e.getMessage());
    }

    @Test
    void fractionsAndEpochsResolveAgainstTheRun() {
        ExperimentConfig c = config("    fp32Warmup: 0.25\n    freezeObservers: {epochs: 7}\n"
                + "    freezeBatchNorm: {fraction: 0.875}\n");
        assertEquals(new QuantSchedule(938, 3283, 3283), new NetworkBuilder(c, 469).schedule());
        ExperimentConfig quick = config("    fp32Warmup: 0.25\n    freezeObservers: 0.875\n"
                + "    freezeBatchNorm: 0.875\n", "training.epochs=2");
        // floor(0.25 * 938) = 234, floor(0.875 * 938) = floor(820.75) = 820
        QuantSchedule s = new NetworkBuilder(quick, 469).schedule();
        assertEquals(new QuantSchedule(234, 820, 820), s);
        assertEquals(QuantSchedule.Phase.FLOAT_WARMUP, s.phase(233));
        assertEquals(QuantSchedule.Phase.QUANTIZING, s.phase(234));
        assertEquals(QuantSchedule.Phase.FROZEN, s.phase(937));
    }

    @Test
    void mixedUnitsAreOrderedAfterResolution() {
        ExperimentConfig c = config("    fp32Warmup: {epochs: 2}\n    freezeObservers: 0.1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new NetworkBuilder(c, 469));
        assertTrue(e.getMessage().contains("quantization.schedule.freezeObservers: resolves to step 375, before"
                + " quantization.schedule.fp32Warmup ends at step 938"), e.getMessage());
    }

    @Test
    void runLongerThanTheStepCounterIsAnError() {
        ExperimentConfig c = config("    fp32Warmup: 0\n", "training.epochs=100000");
        ConfigException e = assertThrows(ConfigException.class, () -> new NetworkBuilder(c, 60_000));
        assertTrue(e.getMessage().contains("training.epochs: 100000 epochs x 60000 batches = 6000000000 steps;"
                + " a run may have at most 2147483647"), e.getMessage());
    }

    static Stream<Arguments> badPoints() {
        return Stream.of(
                Arguments.of("    fp32Warmup: 938\n", 11,
                        "quantization.schedule.fp32Warmup: a plain number is a fraction of the run, in [0, 1], got 938;"
                                + " for a number of steps write {steps: 938}"),
                Arguments.of("    fp32Warmup: 1.5\n", 11,
                        "quantization.schedule.fp32Warmup: must be in [0, 1], got 1.5"),
                Arguments.of("    freezeObservers: {steps: 10, epochs: 2}\n", 11,
                        "quantization.schedule.freezeObservers: expected exactly one of steps, epochs or fraction,"
                                + " got steps and epochs"),
                Arguments.of("    freezeObservers: {epoch: 2}\n", 11,
                        "unknown key `epoch` under `quantization.schedule.freezeObservers` (did you mean `epochs`?)"),
                Arguments.of("    fp32Warmup: 0.1\n    fp32WarmupSteps: 5\n", 12,
                        "quantization.schedule.fp32WarmupSteps: give either quantization.schedule.fp32Warmup or"
                                + " quantization.schedule.fp32WarmupSteps"),
                Arguments.of("    fp32Warmup: {fraction: 0.5}\n    freezeBatchNorm: 0.25\n", 12,
                        "quantization.schedule.freezeBatchNorm: must be at or after fp32Warmup ({fraction: 0.5}), got"
                                + " {fraction: 0.25}"),
                Arguments.of("    fp32Warmup: [1]\n", 11,
                        "quantization.schedule.fp32Warmup: expected a fraction of the run in [0, 1] or one of {steps: N},"
                                + " {epochs: N}, {fraction: F}"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badPoints")
    void badPointIsAnErrorAtItsLine(String schedule, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(schedule));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("s.yaml:" + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void disabledQuantizationNeverQuantizesWithoutComplaint() {
        ExperimentConfig c = config("    fp32WarmupSteps: 938\n", "training.epochs=2", "quantization.enabled=false");
        assertEquals(QuantSchedule.NEVER, new NetworkBuilder(c, 469).schedule());
    }
}
