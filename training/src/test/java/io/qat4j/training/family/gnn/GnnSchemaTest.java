package io.qat4j.training.family.gnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.layers.GnnQuantMode;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.DegreeQuantConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.QuantMethod;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code gnn} family's schema: binding, defaults, errors at key and line, writing back. */
class GnnSchemaTest {

    private static final String CONFIG = """
            name: g
            dataset: {format: planetoid, path: /tmp/none}
            model:
              family: gnn
              features: 12
              layers:
            %s
              output: {classes: 4}
            quantization: %s
            """;

    private static ExperimentConfig parse(String layers, String quantization) {
        return ExperimentConfigLoader.parse(CONFIG.formatted(layers, quantization), "g.yaml");
    }

    private static ConfigProblem onlyProblem(String layers, String quantization) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(layers, quantization));
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    @Test
    void bindsDefaultsAndWritesThemBack() {
        ExperimentConfig c = parse("""
                    - {type: gat, units: 8, heads: 4}
                    - {type: dropout, rate: 0.6}
                    - {type: gin, units: 16}
                """, "{enabled: false}");
        GnnModelConfig m = (GnnModelConfig) c.model();
        assertEquals(List.of(
                new GnnLayerConfig.Conv(GnnLayerType.GAT, 8, io.qat4j.training.family.cnn.Activation.RELU, 4, true),
                new GnnLayerConfig.Dropout(0.6),
                new GnnLayerConfig.Conv(GnnLayerType.GIN, 16, io.qat4j.training.family.cnn.Activation.RELU, 1, false)),
                m.layers());
        assertEquals(32, ((GnnLayerConfig.Conv) m.layers().get(0)).outputWidth(), "gat concatenates by default");
        assertEquals(4, m.classes());
        assertEquals(c, ExperimentConfigLoader.parse(c.toYaml(), "back.yaml"), c.toYaml());
        assertEquals(QuantMethod.QAT, c.quantization().method());
    }

    @Test
    void unknownLayerTypeIsReportedAtItsLine() {
        ConfigProblem p = onlyProblem("    - {type: gcnn, units: 8}", "{enabled: false}");
        assertEquals("model.layers[0].type", p.path());
        assertEquals(7, p.location().line());
        assertTrue(p.message().contains("gcn"), p.message());
    }

    @Test
    void concatOnAOneHeadLayerAndAMissingUnitCountAreErrors() {
        ConfigProblem concat = onlyProblem("    - {type: gcn, units: 8, concat: true}", "{enabled: false}");
        assertEquals("model.layers[0].concat", concat.path());
        assertTrue(concat.message().contains("only `gat` layers concatenate heads"), concat.message());
        ConfigProblem units = onlyProblem("    - {type: gin}", "{enabled: false}");
        assertEquals("model.layers[0].units", units.path());
        ConfigProblem heads = onlyProblem("    - {type: gcn, units: 8, heads: 2}", "{enabled: false}");
        assertEquals("model.layers[0].heads", heads.path());
    }

    @Test
    void aModelWithoutMessagePassingIsAnError() {
        ConfigProblem p = onlyProblem("    - {type: dropout, rate: 0.5}", "{enabled: false}");
        assertEquals("model.layers", p.path());
        assertTrue(p.message().contains("at least one message-passing layer"), p.message());
    }

    @Test
    void degreeQuantDefaultsFollowTheBitWidthAndAreChecked() {
        String layers = "    - {type: gcn, units: 8}";
        ExperimentConfig int8 = parse(layers, "{method: degree-quant, activations: {bits: 8}}");
        assertEquals(new DegreeQuantConfig(0.0, 0.1), int8.quantization().degreeQuant());
        ExperimentConfig int4 = parse(layers, "{method: degree-quant, activations: {bits: 4}}");
        assertEquals(new DegreeQuantConfig(0.1, 0.2), int4.quantization().degreeQuant());
        assertEquals(int4, ExperimentConfigLoader.parse(int4.toYaml(), "back.yaml"), int4.toYaml());
        assertEquals(GnnQuantMode.DEGREE_QUANT,
                GnnFamily.quantSettings(int4.quantization(), QuantSchedule.ALWAYS).mode());
        assertEquals(4, GnnFamily.quantSettings(int4.quantization(), QuantSchedule.ALWAYS).bits());
        assertEquals(GnnQuantMode.QAT, GnnFamily.quantSettings(parse(layers, "{activations: {bits: 8}}")
                .quantization(), QuantSchedule.ALWAYS).mode());
        assertEquals(GnnQuantMode.FP32, GnnFamily.quantSettings(parse(layers, "{enabled: false}")
                .quantization(), QuantSchedule.ALWAYS).mode());

        ConfigProblem order = onlyProblem(layers, "{method: degree-quant, degreeQuant: {pMin: 0.3, pMax: 0.2}}");
        assertEquals("quantization.degreeQuant.pMax", order.path());
        assertTrue(order.message().contains("pMin 0.3 exceeds pMax 0.2"), order.message());
        ConfigProblem method = onlyProblem(layers, "{method: degreequant}");
        assertEquals("quantization.method", method.path());
    }
}
