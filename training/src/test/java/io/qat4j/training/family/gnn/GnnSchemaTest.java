package io.qat4j.training.family.gnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.layers.GnnQuantMode;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.DegreeQuantConfig;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ExperimentConfigLoader;
import io.qat4j.training.config.QuantMethod;
import io.qat4j.training.config.binding.ConfigException;
import io.qat4j.training.config.binding.ConfigProblem;
import java.util.List;
import java.util.OptionalInt;
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
                new GnnLayerConfig.Conv(GnnLayerType.GAT, 8, io.qat4j.training.family.cnn.Activation.RELU, 4, true,
                        OptionalInt.empty()),
                new GnnLayerConfig.Dropout(0.6),
                new GnnLayerConfig.Conv(GnnLayerType.GIN, 16, io.qat4j.training.family.cnn.Activation.RELU, 1, false,
                        OptionalInt.empty())),
                m.layers());
        assertEquals(32, ((GnnLayerConfig.Conv) m.layers().get(0)).outputWidth(), "gat concatenates by default");
        assertEquals(4, m.outputs());
        assertEquals(false, m.regression() || m.graphLevel());
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
    void ginTakesNoActivationOtherThanItsReLU() {
        ConfigProblem p = onlyProblem("    - {type: gcn, units: 8}\n    - {type: gin, units: 8, activation: identity}",
                "{enabled: false}");
        assertEquals("model.layers[1].activation", p.path());
        assertEquals(8, p.location().line());
        assertTrue(p.message().contains("`gin` ends in ReLU"), p.message());
        GnnModelConfig m = (GnnModelConfig) parse("    - {type: gin, units: 8, activation: relu}", "{enabled: false}")
                .model();
        assertEquals(new GnnLayerConfig.Conv(GnnLayerType.GIN, 8, io.qat4j.training.family.cnn.Activation.RELU, 1,
                false, OptionalInt.empty()), m.layers().get(0));
    }

    @Test
    void aLayersBitsOverrideTheNetworksWidthForThatLayerOnly() {
        ExperimentConfig c = parse("    - {type: gin, units: 8, bits: 8}\n    - {type: gin, units: 8}",
                "{method: degree-quant, activations: {bits: 4}}");
        GnnModelConfig m = (GnnModelConfig) c.model();
        GnnQuantSettings network = GnnFamily.quantSettings(c.quantization(), QuantSchedule.ALWAYS);
        GnnQuantSettings first = ((GnnLayerConfig.Conv) m.layers().get(0)).quant(network);
        assertEquals(8, first.bits());
        assertEquals(8, first.weights().bits());
        assertEquals(ObserverSpec.percentile(GnnQuantSettings.PERCENTILE_INT8), first.activations().observer(),
                "the observer follows the layer's width");
        assertEquals(network, ((GnnLayerConfig.Conv) m.layers().get(1)).quant(network));
        assertEquals(4, network.weights().bits());
        assertEquals(c, ExperimentConfigLoader.parse(c.toYaml(), "back.yaml"), c.toYaml());

        ConfigProblem six = onlyProblem("    - {type: gcn, units: 8, bits: 6}", "{activations: {bits: 4}}");
        assertEquals("model.layers[0].bits", six.path());
        assertEquals(7, six.location().line());
        assertTrue(six.message().contains("8 or 4 bits, got 6"), six.message());
        ConfigProblem two = onlyProblem("    - {type: gcn, units: 8, bits: 2}", "{activations: {bits: 4}}");
        assertEquals("model.layers[0].bits", two.path());
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

    private static final String GRAPH_LEVEL = """
            name: g
            dataset: {format: tu, path: /tmp/none, fold: 3}
            model:
              family: gnn
              features: 7
              layers:
            %s
              output: %s
            """;

    private static ConfigException graphLevelProblems(String layers, String output) {
        return assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.parse(GRAPH_LEVEL.formatted(layers, output), "g.yaml"));
    }

    @Test
    void graphLevelLayersBindAndWriteBack() {
        ExperimentConfig c = ExperimentConfigLoader.parse(GRAPH_LEVEL.formatted("""
                    - {type: gin, units: 16}
                    - {type: pool, op: sum}
                    - {type: dense, units: 8}
                    - {type: dropout, rate: 0.5}
                """, "{regression: 2}"), "g.yaml");
        GnnModelConfig m = (GnnModelConfig) c.model();
        assertEquals(new GnnLayerConfig.Pool(GnnPoolOp.SUM), m.layers().get(1));
        assertEquals(new GnnLayerConfig.Dense(8, io.qat4j.training.family.cnn.Activation.RELU), m.layers().get(2));
        assertTrue(m.graphLevel() && m.regression());
        assertEquals(2, m.outputs());
        assertEquals(c, ExperimentConfigLoader.parse(c.toYaml(), "back.yaml"), c.toYaml());
    }

    @Test
    void misplacedPoolAndDenseLayersAreErrorsAtTheirLines() {
        ConfigException twice = graphLevelProblems("""
                    - {type: gin, units: 16}
                    - {type: pool, op: sum}
                    - {type: pool, op: max}
                """, "{classes: 2}");
        assertEquals(1, twice.problems().size(), twice.getMessage());
        assertEquals("model.layers[2].type", twice.problems().get(0).path());
        assertEquals(9, twice.problems().get(0).location().line());
        assertTrue(twice.problems().get(0).message().contains("a second `pool`"), twice.getMessage());

        ConfigException convAfter = graphLevelProblems("""
                    - {type: gin, units: 16}
                    - {type: pool, op: mean}
                    - {type: gcn, units: 16}
                """, "{classes: 2}");
        assertEquals("model.layers[2].type", convAfter.problems().get(0).path());
        assertTrue(convAfter.problems().get(0).message().contains("after `pool`"), convAfter.getMessage());

        ConfigException poolFirst = graphLevelProblems("""
                    - {type: pool, op: mean}
                    - {type: gin, units: 16}
                """, "{classes: 2}");
        assertEquals("model.layers[0].type", poolFirst.problems().get(0).path());
        assertEquals(7, poolFirst.problems().get(0).location().line());

        ConfigException denseOnNodes = graphLevelProblems("""
                    - {type: gin, units: 16}
                    - {type: dense, units: 16}
                """, "{classes: 2}");
        assertEquals("model.layers[1].type", denseOnNodes.problems().get(0).path());
        assertTrue(denseOnNodes.problems().get(0).message().contains("after a `{type: pool}`"),
                denseOnNodes.getMessage());

        ConfigException badOp = graphLevelProblems("    - {type: gin, units: 16}\n    - {type: pool, op: avg}",
                "{classes: 2}");
        assertEquals("model.layers[1].op", badOp.problems().get(0).path());
    }

    @Test
    void regressionNeedsAPoolAndOneOutputKind() {
        ConfigException noPool = graphLevelProblems("    - {type: gin, units: 16}", "{regression: 1}");
        assertEquals("model.output.regression", noPool.problems().get(0).path());
        assertEquals(8, noPool.problems().get(0).location().line());
        assertTrue(noPool.problems().get(0).message().contains("add a `{type: pool"), noPool.getMessage());
        ConfigException both = graphLevelProblems("    - {type: gin, units: 16}\n    - {type: pool, op: sum}",
                "{regression: 1, classes: 2}");
        assertEquals("model.output.regression", both.problems().get(0).path());
        assertTrue(both.problems().get(0).message().contains("not both"), both.getMessage());
    }

    @Test
    void theFoldMustBeBelowTheFoldCount() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.parse("""
                name: g
                dataset: {format: tu, path: /tmp/none, folds: 5, fold: 5}
                model:
                  family: gnn
                  features: 7
                  layers: [{type: gin, units: 16}, {type: pool, op: sum}]
                  output: {classes: 2}
                """, "g.yaml"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("dataset.fold", e.problems().get(0).path());
        assertEquals(2, e.problems().get(0).location().line());
        assertTrue(e.problems().get(0).message().contains("must be below `folds` (5)"), e.getMessage());
        ConfigException oneHot = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.parse("""
                name: g
                dataset: {format: gin-text, path: /tmp/none, nodeFeatures: degree-one-hot}
                model:
                  family: gnn
                  features: 7
                  layers: [{type: gin, units: 16}, {type: pool, op: sum}]
                  output: {classes: 2}
                """, "g.yaml"));
        assertEquals("dataset.maxDegree", oneHot.problems().get(0).path());
    }
}
