package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.graph.GraphInputs;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import io.qat4j.quant.spec.SteMode;
import java.lang.reflect.Proxy;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.L2Regularization;

/**
 * The configurations of the graph vertices: JSON round trip in every mode, the
 * {@link QuantizedLayer} contract (specs, every observer named, a schedule copy of the same class,
 * export of an untrained vertex refused with the vertex's name), validation messages and DL4J's input-type checks.
 */
class GnnVertexContractTest {

    private static final QuantSchedule SCHEDULE = new QuantSchedule(10, 200, 150);

    private static List<GnnQuantSettings> settings() {
        return List.of(GnnQuantSettings.fp32(), GnnQuantSettings.qat(8, SCHEDULE), GnnQuantSettings.qat(4, SCHEDULE),
                GnnQuantSettings.degreeQuant(8, SCHEDULE), GnnQuantSettings.degreeQuant(4, SCHEDULE),
                new GnnQuantSettings(GnnQuantMode.DEGREE_QUANT, 8, QuantSpecs.INT8_WEIGHT_PER_TENSOR, SCHEDULE));
    }

    private static ComputationGraphConfiguration everyVertex(GnnQuantSettings q) {
        GnnVertex[] convs = {
            new GcnVertex.Builder().nIn(5).nOut(8).activation(Activation.RELU).quant(q)
                    .regularization(List.of(new L2Regularization(2e-4))).build(),
            new GinVertex.Builder().nIn(8).nOut(8).trainEps(false).batchNorm(0.2, 1e-4).quant(q).build(),
            new GatVertex.Builder().nIn(8).heads(2, 4, true).attentionDropout(0.6).activation(Activation.RELU).quant(q)
                    .biasUpdater(new Adam(0.1)).build()};
        return GnnNets.graphLevel(DataType.FLOAT, new Adam(5e-3), 5, 3, 1,
                new GraphPoolVertex.Builder().nIn(8).pooling(GraphPoolVertex.Pooling.MAX).quant(q).build(), convs);
    }

    @Test
    void everyConfigurationSurvivesJson() {
        for (GnnQuantSettings q : settings()) {
            ComputationGraphConfiguration conf = everyVertex(q);
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
            assertEquals(conf, back, "JSON round trip, " + q);
            assertEquals(conf.toJson(), back.toJson());
            GcnVertex gcn = (GcnVertex) back.getVertices().get("conv0");
            assertEquals(new Adam(5e-3), gcn.getUpdater(), "inherited updater survives");
            assertEquals(List.of(new L2Regularization(2e-4)), gcn.getRegularization());
            assertEquals(0.6, ((GatVertex) back.getVertices().get("conv2")).getAttentionDropout());
        }
        assertNotEquals(everyVertex(GnnQuantSettings.qat(8, SCHEDULE)), everyVertex(GnnQuantSettings.degreeQuant(8, SCHEDULE)));
    }

    @Test
    void theQuantizedLayerContract() {
        ComputationGraph net = GnnNets.init(everyVertex(GnnQuantSettings.degreeQuant(4, SCHEDULE)));
        for (String name : new String[] {"conv0", "conv1", "conv2", "pool"}) {
            QuantizedLayer q = QuantizedLayer.of(net.getVertex(name)).orElseThrow();
            GnnVertex v = (GnnVertex) q;
            assertEquals(SCHEDULE, q.schedule());
            QuantizedLayer.OutputQuantizer out = q.outputQuantizer().orElseThrow();
            assertEquals(GnnParams.OUTPUT_RANGE, out.stateParam());
            assertEquals(ObserverKind.PERCENTILE, out.spec().observer().kind());
            assertEquals(0.01, out.spec().observer().percentile());
            assertEquals(SteMode.CLIPPED, out.spec().ste());
            assertEquals(4, out.spec().bits());
            assertEquals(v.observerKeys().size(), q.activationQuantizers().size(), name);
            assertEquals(out, q.activationQuantizers().get(0), "output quantizer first");
            for (QuantizedLayer.OutputQuantizer a : q.activationQuantizers()) {
                assertEquals(3, net.getVertex(name).paramTable(false).get(a.stateParam()).length(), a.stateParam());
            }
            assertEquals(!name.equals("pool"), q.weightSpec().isPresent(), name);
            assertEquals(!name.equals("pool"), q.exportableWeights(net.getVertex(name)).isPresent(), name);
            QuantizedLayer never = q.withSchedule(QuantSchedule.NEVER);
            assertEquals(q.getClass(), never.getClass());
            assertEquals(QuantSchedule.NEVER, never.schedule());
            assertEquals(SCHEDULE, q.schedule(), "the original is unchanged");
        }
        assertEquals(List.of(GnnParams.INPUT_RANGE, GnnParams.FEATURE_RANGE, GnnParams.NORM_RANGE, GnnParams.MESSAGE_RANGE,
                GnnParams.AGGREGATE_RANGE, GnnParams.OUTPUT_RANGE), ((GnnVertex) net.getVertex("conv0").getConfig()).observerKeys());
        ComputationGraph fp32 = Schedules.withSchedule(net, QuantSchedule.NEVER);
        assertEquals(net.params(), fp32.params());
        assertEquals(QuantSchedule.NEVER, QuantizedLayer.of(fp32.getVertex("conv1")).orElseThrow().schedule());

        for (String name : new String[] {"conv0", "conv1", "conv2", "pool"}) {
            GraphVertex vertex = net.getVertex(name);
            ExportContext ctx = (ExportContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ExportContext.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "vertex" -> vertex;
                        case "name" -> name;
                        default -> throw new AssertionError("the export asked for " + method.getName());
                    });
            // untrained, so no quantizer has a range: the export refuses before it adds anything (GnnExportTest exports
            // trained ones)
            RuntimeException ex = assertThrows(RuntimeException.class, () -> QuantizedLayer.of(vertex).orElseThrow().exportTo(ctx));
            assertTrue(ex instanceof IllegalStateException && ex.getMessage().contains("'" + name + "'")
                    && ex.getMessage().contains("never observed data"), ex.toString());
        }
    }

    @Test
    void fp32LayersKeepNoObserverState() {
        ComputationGraph net = GnnNets.init(everyVertex(GnnQuantSettings.fp32()));
        for (String name : new String[] {"conv0", "conv1", "conv2", "pool"}) {
            QuantizedLayer q = QuantizedLayer.of(net.getVertex(name)).orElseThrow();
            assertTrue(q.outputQuantizer().isEmpty() && q.activationQuantizers().isEmpty() && q.weightSpec().isEmpty(), name);
            assertTrue(net.getVertex(name).paramTable(false).keySet().stream().noneMatch(k -> k.endsWith("Range")), name);
        }
        assertEquals(0, net.getVertex("pool").numParams());
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        IllegalArgumentException act = assertThrows(IllegalArgumentException.class,
                () -> new GcnVertex.Builder().nIn(3).nOut(4).activation(Activation.TANH).build());
        assertTrue(act.getMessage().contains("GcnVertex") && act.getMessage().contains("TANH"), act.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GinVertex.Builder().nIn(3).build())
                .getMessage().contains("nOut"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new GatVertex.Builder().nIn(3).heads(2, 4, true).attentionDropout(1.0).build()).getMessage()
                .contains("dropout"));
        assertThrows(IllegalArgumentException.class, () -> GnnQuantSettings.qat(6, SCHEDULE));
        assertThrows(IllegalArgumentException.class, () -> new GnnQuantSettings(GnnQuantMode.QAT, 8,
                QuantSpecs.INT8_ACTIVATION, SCHEDULE));
        assertThrows(IllegalArgumentException.class, () -> new GnnQuantSettings(GnnQuantMode.QAT, 8,
                QuantSpecs.weight(8, Granularity.PER_TENSOR).withGranularity(Granularity.PER_GROUP), SCHEDULE));
        assertThrows(IllegalStateException.class, () -> GnnQuantSettings.fp32().activations());
    }

    @Test
    void inputTypesAndWiringAreChecked() {
        // nIn differs from the node features
        Exception wrongWidth = assertThrows(Exception.class, () -> GnnNets.nodeLevel(DataType.FLOAT, new NoOp(), 6, 2, 1,
                new GcnVertex.Builder().nIn(5).nOut(4).build()));
        assertTrue(wrongWidth.getMessage().contains("nIn = 5"), wrongWidth.getMessage());
        // Degree-Quant without the protect input
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().updater(new NoOp());
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(GraphInputs.ORDER)
                .addVertex("conv", new GcnVertex.Builder().nIn(5).nOut(4).quant(GnnQuantSettings.degreeQuant(8, SCHEDULE))
                        .build(), GraphInputs.NODES, GraphInputs.EDGES)
                .setOutputs("conv").setInputTypes(GraphInputs.inputTypes(5)).allowDisconnected(true);
        Exception noProtect = assertThrows(Exception.class, () -> GnnVertex.inheritGlobalConfig(global, g).build());
        assertTrue(noProtect.getMessage().contains("inputs"), noProtect.getMessage());
        // no updater
        ComputationGraphConfiguration noUpdater = global.graphBuilder().addInputs(GraphInputs.ORDER)
                .addVertex("conv", new GcnVertex.Builder().nIn(5).nOut(4).build(), GraphInputs.NODES, GraphInputs.EDGES)
                .setOutputs("conv").allowDisconnected(true).build();
        IllegalStateException ex = assertThrows(IllegalStateException.class, () -> GnnNets.init(noUpdater));
        assertTrue(ex.getMessage().contains("GcnVertex 'conv'") && ex.getMessage().contains("inheritGlobalConfig"),
                ex.getMessage());
    }
}
