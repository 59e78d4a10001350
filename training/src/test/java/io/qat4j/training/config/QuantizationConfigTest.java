package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.family.cnn.CnnModelConfig;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The quantization section as quantizer values: specs and schedules for the model builder. */
class QuantizationConfigTest {

    private static QuantizationConfig quantization(String section) {
        return ExperimentConfigLoader.parse(ExperimentConfigLoaderTest.MINIMAL + section,
                "q.yaml").quantization();
    }

    @Test
    void fullConfigGivesItsSpecs() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(
                ExperimentConfigLoaderTest.resource("full.yaml"));
        QuantizationConfig q = c.quantization();

        assertEquals(new QuantSpec(4, true, true, true, Granularity.PER_TENSOR, 1,
                ObserverSpec.percentile(0.01), SteMode.PLAIN), q.weightSpec(4));
        assertEquals(new QuantSpec(8, true, true, true, Granularity.PER_TENSOR, 1,
                ObserverSpec.percentile(0.01), SteMode.PLAIN),
                q.weightSpec(((CnnModelConfig) c.model()).layers().get(0).effectiveWeightBits(q)),
                "a layer's weightBits overrides only the width");
        assertEquals(new QuantSpec(8, true, false, false, Granularity.PER_TENSOR, 1,
                ObserverSpec.ema(0.02), SteMode.PLAIN), q.activationSpec());
        assertEquals(ScheduleConfig.steps(100, 2000, 3000), q.schedule());
        assertEquals(new QuantSchedule(100, 2000, 3000), q.effectiveSchedule(1000, 10_000, "t"));
    }

    @Test
    void defaultsAreThePresetsWithTheClippedEstimator() {
        QuantizationConfig q = quantization("quantization: {}\n");
        assertTrue(q.enabled());
        assertEquals(QuantSpecs.INT8_WEIGHT_PER_CHANNEL.withSte(SteMode.CLIPPED), q.weightSpec(8));
        assertEquals(new QuantSpec(8, true, true, true, Granularity.PER_CHANNEL, 1,
                ObserverSpec.MIN_MAX, SteMode.CLIPPED), q.weightSpec(8));
        assertEquals(QuantSpecs.INT8_ACTIVATION, q.activationSpec());
        assertEquals(new QuantSpec(8, true, false, false, Granularity.PER_TENSOR, 1,
                ObserverSpec.ema(0.01), SteMode.CLIPPED), q.activationSpec());
        assertEquals(ScheduleConfig.ALWAYS, q.schedule());
        assertEquals(QuantSchedule.ALWAYS, q.effectiveSchedule(1000, 10_000, "t"));
    }

    static Stream<Arguments> weightObservers() {
        return Stream.of(
                Arguments.of("{observer: minmax}", ObserverSpec.MIN_MAX),
                Arguments.of("{observer: minmax, percentile: 0.2}", ObserverSpec.MIN_MAX),
                Arguments.of("{observer: percentile}", ObserverSpec.percentile(0.001)),
                Arguments.of("{observer: percentile, percentile: 0.25}",
                        ObserverSpec.percentile(0.25)));
    }

    @ParameterizedTest(name = "weights: {0}")
    @MethodSource("weightObservers")
    void weightObserverBecomesAnObserverSpec(String weights, ObserverSpec expected) {
        QuantizationConfig q = quantization("quantization: {weights: " + weights + "}\n");
        assertEquals(expected, q.weightSpec(8).observer());
        assertEquals(expected, q.weights().observerSpec());
    }

    static Stream<Arguments> activationObservers() {
        return Stream.of(
                Arguments.of("{observer: minmax}", ObserverSpec.MIN_MAX),
                Arguments.of("{observer: minmax, momentum: 0.5, percentile: 0.2}",
                        ObserverSpec.MIN_MAX),
                Arguments.of("{observer: ema}", ObserverSpec.ema(0.01)),
                Arguments.of("{observer: ema, momentum: 1}", ObserverSpec.ema(1.0)),
                Arguments.of("{observer: ema, momentum: 0.1, percentile: 0.2}",
                        ObserverSpec.ema(0.1)),
                Arguments.of("{observer: percentile}", ObserverSpec.percentile(0.001)),
                Arguments.of("{observer: percentile, percentile: 0, momentum: 0.3}",
                        ObserverSpec.percentile(0.0)));
    }

    @ParameterizedTest(name = "activations: {0}")
    @MethodSource("activationObservers")
    void activationObserverBecomesAnObserverSpec(String activations, ObserverSpec expected) {
        QuantizationConfig q = quantization("quantization: {activations: " + activations + "}\n");
        assertEquals(QuantSpecs.activation(8, expected).withSte(SteMode.CLIPPED),
                q.activationSpec());
        assertEquals(expected, q.activations().observerSpec());
    }

    @Test
    void granularityBitsAndEstimatorCarryOver() {
        QuantizationConfig q = quantization("""
                quantization:
                  weights: {bits: 3, granularity: per-tensor}
                  activations: {bits: 5, observer: minmax}
                  ste: plain
                """);
        assertEquals(new QuantSpec(3, true, true, true, Granularity.PER_TENSOR, 1,
                ObserverSpec.MIN_MAX, SteMode.PLAIN), q.weightSpec(3));
        assertEquals(new QuantSpec(6, true, true, true, Granularity.PER_TENSOR, 1,
                ObserverSpec.MIN_MAX, SteMode.PLAIN), q.weightSpec(6));
        assertEquals(new QuantSpec(5, true, false, false, Granularity.PER_TENSOR, 1,
                ObserverSpec.MIN_MAX, SteMode.PLAIN), q.activationSpec());
    }

    @Test
    void steSpellingsMapToModes() {
        QuantizationConfig plain = quantization("quantization: {ste: plain}\n");
        assertEquals(SteMode.PLAIN, plain.ste());
        assertEquals(SteMode.PLAIN, plain.weightSpec(8).ste());
        assertEquals(SteMode.PLAIN, plain.activationSpec().ste());
        QuantizationConfig clipped = quantization("quantization: {ste: clipped}\n");
        assertEquals(SteMode.CLIPPED, clipped.ste());
        assertEquals(SteMode.CLIPPED, clipped.weightSpec(8).ste());
        assertEquals(SteMode.CLIPPED, clipped.activationSpec().ste());
        assertEquals(SteMode.CLIPPED, quantization("quantization: {}\n").ste());
        assertEquals(SteMode.CLIPPED, QuantizationConfig.DISABLED.ste());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, 0, 1, 9, 32})
    void weightBitsOutsideTwoToEightAreRejected(int bits) {
        assertThrows(IllegalArgumentException.class,
                () -> QuantizationConfig.DISABLED.weightSpec(bits));
    }

    @Test
    void disabledQuantizationStillHasSpecsButNeverQuantizes() {
        QuantizationConfig d = QuantizationConfig.DISABLED;
        assertFalse(d.enabled());
        assertEquals(QuantSpecs.INT8_WEIGHT_PER_CHANNEL.withSte(SteMode.CLIPPED), d.weightSpec(8));
        assertEquals(QuantSpecs.INT4_WEIGHT_PER_CHANNEL.withSte(SteMode.CLIPPED), d.weightSpec(4));
        assertEquals(QuantSpecs.INT8_ACTIVATION, d.activationSpec());
        assertEquals(ScheduleConfig.ALWAYS, d.schedule());
        assertSame(QuantSchedule.NEVER, d.effectiveSchedule(1000, 10_000, "t"));
        assertFalse(d.effectiveSchedule(1000, 10_000, "t").quantizing(Long.MAX_VALUE - 1));
    }

    @Test
    void switchingQuantizationOffKeepsTheSettingsButNotTheSchedule() throws Exception {
        ExperimentConfig c = ExperimentConfigLoader.load(
                ExperimentConfigLoaderTest.resource("full.yaml"),
                List.of("quantization.enabled=false"));
        QuantizationConfig q = c.quantization();
        assertFalse(q.enabled());
        assertEquals(new QuantSpec(4, true, true, true, Granularity.PER_TENSOR, 1,
                ObserverSpec.percentile(0.01), SteMode.PLAIN), q.weightSpec(4));
        assertEquals(QuantSpecs.activation(8, ObserverSpec.ema(0.02)).withSte(SteMode.PLAIN),
                q.activationSpec());
        assertEquals(ScheduleConfig.steps(100, 2000, 3000), q.schedule());
        assertSame(QuantSchedule.NEVER, q.effectiveSchedule(1000, 10_000, "t"));
    }

    @Test
    void absentOrNullFreezeStepsAreNever() {
        QuantizationConfig absent =
                quantization("quantization: {schedule: {fp32WarmupSteps: 5}}\n");
        assertEquals(ScheduleConfig.steps(5, -1, -1), absent.schedule());
        QuantizationConfig nulls = quantization("""
                quantization:
                  schedule: {fp32WarmupSteps: 5, freezeObserversStep: null, freezeBatchNormStep: ~}
                """);
        assertEquals(ScheduleConfig.steps(5, -1, -1), nulls.schedule());
        QuantizationConfig set = quantization("""
                quantization:
                  schedule: {freezeObserversStep: 0, freezeBatchNormStep: 7}
                """);
        assertEquals(ScheduleConfig.steps(0, 0, 7), set.schedule());
        QuantSchedule resolved = set.effectiveSchedule(10, 100, "t");
        assertFalse(resolved.observing(0));
        assertTrue(resolved.batchNormFrozen(7));
    }

    @Test
    void everyNegativeFreezeStepIsNever() {
        ScheduleConfig s = ScheduleConfig.steps(3, -5, Long.MIN_VALUE);
        assertEquals(new ScheduleConfig(new SchedulePoint.Steps(3), null, null, false), s);
        assertEquals(new QuantSchedule(3, -1, -1), s.resolve(10, 100, "t"));
        assertEquals(new QuantSchedule(3, 4, -1), ScheduleConfig.steps(3, 4, -1).resolve(10, 100, "t"));
    }

    @Test
    void weightConfigRejectsWhatTheYamlCannotSay() {
        IllegalArgumentException ema = assertThrows(IllegalArgumentException.class,
                () -> new WeightQuantConfig(8, Granularity.PER_CHANNEL, ObserverKind.EMA_MIN_MAX,
                        0.001));
        assertTrue(ema.getMessage().contains("weights take their range from the current tensor"),
                ema.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> new WeightQuantConfig(8, Granularity.PER_GROUP, ObserverKind.MIN_MAX,
                        0.001));
        assertEquals("weight granularity must be one of [per-tensor, per-channel], got PER_GROUP",
                group.getMessage());
    }
}
