package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.family.cnn.Activation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The YAML spellings of enums, in particular of the quantizer enums of another module. */
class ConfigChoicesTest {

    @Test
    void granularitySpellings() {
        ConfigChoices<Granularity> g = QuantizationSchema.GRANULARITY;
        assertEquals(List.of("per-tensor", "per-channel"), g.names());
        assertEquals("per-tensor", g.yamlName(Granularity.PER_TENSOR));
        assertEquals("per-channel", g.yamlName(Granularity.PER_CHANNEL));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(Granularity.PER_CHANNEL)),
                g.match("per-channel"));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(Granularity.PER_TENSOR)),
                g.match("PER_TENSOR"));
        assertEquals(Optional.empty(), g.match("per-layer"));
    }

    @Test
    void perGroupIsRecognisedButNotOffered() {
        ConfigChoices<Granularity> g = QuantizationSchema.GRANULARITY;
        assertFalse(g.offers(Granularity.PER_GROUP));
        assertEquals(Optional.of(new ConfigChoices.Refused<>(Granularity.PER_GROUP,
                "per-group scales are not offered in the config yet")), g.match("per-group"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.yamlName(Granularity.PER_GROUP));
        assertEquals("PER_GROUP has no YAML spelling: per-group scales are not offered in the"
                + " config yet", e.getMessage());
    }

    @Test
    void observerSpellings() {
        assertEquals(List.of("minmax", "ema", "percentile"), QuantizationSchema.OBSERVER.names());
        assertEquals("minmax", QuantizationSchema.OBSERVER.yamlName(ObserverKind.MIN_MAX));
        assertEquals("ema", QuantizationSchema.OBSERVER.yamlName(ObserverKind.EMA_MIN_MAX));
        assertEquals("percentile", QuantizationSchema.OBSERVER.yamlName(ObserverKind.PERCENTILE));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(ObserverKind.EMA_MIN_MAX)),
                QuantizationSchema.OBSERVER.match("EMA"));
        assertEquals(Optional.empty(), QuantizationSchema.OBSERVER.match("min-max"));
    }

    @Test
    void weightsRefuseEma() {
        ConfigChoices<ObserverKind> w = QuantizationSchema.WEIGHT_OBSERVER;
        assertEquals(List.of("minmax", "percentile"), w.names());
        assertEquals(Optional.of(new ConfigChoices.Refused<>(ObserverKind.EMA_MIN_MAX,
                WeightQuantConfig.EMA_REFUSAL)), w.match("ema"));
        assertEquals(Optional.of(new ConfigChoices.Refused<>(ObserverKind.EMA_MIN_MAX,
                WeightQuantConfig.EMA_REFUSAL)), w.match("Ema"));
        assertThrows(IllegalArgumentException.class, () -> w.yamlName(ObserverKind.EMA_MIN_MAX));
    }

    @ParameterizedTest
    @EnumSource(ObserverKind.class)
    void everyObserverKindHasASpelling(ObserverKind kind) {
        assertTrue(QuantizationSchema.OBSERVER.offers(kind), kind::toString);
        String name = QuantizationSchema.OBSERVER.yamlName(kind);
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(kind)),
                QuantizationSchema.OBSERVER.match(name));
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void everyGranularityIsOfferedOrRefused(Granularity granularity) {
        String spelling = granularity.name().toLowerCase().replace('_', '-');
        Optional<ConfigChoices.Match<Granularity>> match =
                QuantizationSchema.GRANULARITY.match(spelling);
        assertTrue(match.isPresent(), spelling);
        assertEquals(QuantizationSchema.GRANULARITY.offers(granularity),
                match.get() instanceof ConfigChoices.Accepted<Granularity>);
    }

    @Test
    void steSpellings() {
        ConfigChoices<SteMode> ste = QuantizationSchema.STE;
        assertEquals(List.of("plain", "clipped"), ste.names());
        assertEquals("plain", ste.yamlName(SteMode.PLAIN));
        assertEquals("clipped", ste.yamlName(SteMode.CLIPPED));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(SteMode.PLAIN)),
                ste.match("plain"));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(SteMode.PLAIN)),
                ste.match("Plain"));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(SteMode.CLIPPED)),
                ste.match("CLIPPED"));
        assertEquals(Optional.empty(), ste.match("clip"));
        assertEquals(Optional.empty(), ste.match("straight-through"));
    }

    @ParameterizedTest
    @EnumSource(SteMode.class)
    void everySteModeHasASpelling(SteMode mode) {
        assertTrue(QuantizationSchema.STE.offers(mode), mode::toString);
        String name = QuantizationSchema.STE.yamlName(mode);
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(mode)),
                QuantizationSchema.STE.match(name));
    }

    @Test
    void enumsOfThisPackageUseTheirOwnSpellings() {
        ConfigChoices<Activation> activation = ConfigChoices.of(Activation.values());
        assertEquals(List.of("identity", "relu", "relu6"), activation.names());
        assertEquals("relu6", activation.yamlName(Activation.RELU6));
        assertEquals(Optional.of(new ConfigChoices.Accepted<>(Activation.IDENTITY)),
                activation.match("Identity"));
    }
}
