package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The DL4J layer contract for every quantized layer and the add vertex, in MultiLayerNetwork and
 * ComputationGraph: JSON round trip, training changes the quantizer state, and ModelSerializer
 * save/restore keeps parameters, state, updater and outputs.
 */
class LayerContractTest {

    static DataSet batch(long seed, int n) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 2, 6, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        return new DataSet(x, y);
    }

    @Test
    void multiLayerConfigurationJsonRoundTrip() {
        MultiLayerConfiguration conf = TestNets.mln(DataType.FLOAT, new Adam(1e-3), new QuantSchedule(5, 100, 50), 4);
        String json = conf.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertTrue(json.contains("\"@class\" : \"io.qat4j.quant.layers.QuantConv2dLayer\""), json);
        assertEquals(json, back.toJson());
        // yaml too
        assertEquals(conf, MultiLayerConfiguration.fromYaml(conf.toYaml()));
    }

    @Test
    void graphConfigurationJsonRoundTrip() {
        ComputationGraphConfiguration conf = TestNets.graph(DataType.FLOAT, new Adam(1e-3), new QuantSchedule(5, 100, 50), 8);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(conf.toJson(), back.toJson());
    }

    @Test
    void changedSettingsBreakEquality() {
        MultiLayerConfiguration a = TestNets.mln(DataType.FLOAT, new Adam(1e-3), QuantSchedule.ALWAYS, 8);
        MultiLayerConfiguration b = TestNets.mln(DataType.FLOAT, new Adam(1e-3), QuantSchedule.ALWAYS, 4);
        assertNotEquals(a, MultiLayerConfiguration.fromJson(b.toJson()));
    }

    @Test
    void multiLayerNetworkSaveRestoreKeepsQuantizerState(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.initMln(DataType.FLOAT, new QuantSchedule(2, -1, 4), 4);
        for (int i = 0; i < 6; i++) {
            net.fit(batch(i, 8));
        }
        INDArray range = net.getLayer(0).getParam(QuantParams.OUTPUT_RANGE);
        assertEquals(6.0, range.getDouble(2), "observer saw every training batch");
        assertTrue(range.getDouble(1) > 0.9, "observed max of U(0,1) inputs");
        INDArray runVar = net.getLayer(1).getParam(QuantParams.RUNNING_VAR);
        assertNotEquals(1.0, runVar.getDouble(0), 1e-6, "running variance updated");

        File f = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(net.getIterationCount(), back.getIterationCount());
        INDArray x = batch(99, 5).getFeatures();
        assertEquals(net.output(x), back.output(x));
        // training continues identically
        net.fit(batch(7, 8));
        back.fit(batch(7, 8));
        assertEquals(net.params(), back.params());
    }

    @Test
    void graphSaveRestoreKeepsAddVertexState(@TempDir Path dir) throws Exception {
        ComputationGraph g = TestNets.initGraph(DataType.FLOAT, new QuantSchedule(1, -1, -1), 8);
        for (int i = 0; i < 4; i++) {
            g.fit(batch(i, 8));
        }
        INDArray addState = g.getVertex("add").paramTable(false).get(QuantParams.OUTPUT_RANGE);
        assertEquals(4.0, addState.getDouble(2), "add vertex observed every batch");
        assertTrue(addState.getDouble(1) > 0, "add vertex observed a positive maximum after ReLU");
        assertEquals(0.0, addState.getDouble(0), 0.0, "ReLU output minimum is 0");

        File f = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.params(), back.params());
        INDArray x = batch(5, 3).getFeatures();
        assertEquals(g.outputSingle(x), back.outputSingle(x));
    }

    @Test
    void graphAndMultiLayerNetworkAgreeOnTheSameLayers() {
        // The first layers of the graph (quantizer, conv stem) equal those of an MLN with the same params.
        QuantSchedule s = QuantSchedule.ALWAYS;
        MultiLayerNetwork net = TestNets.initMln(DataType.FLOAT, s, 8);
        ComputationGraph g = TestNets.initGraph(DataType.FLOAT, s, 8);
        g.getLayer("stem").setParams(net.getLayer(1).params().dup());
        DataSet d = batch(3, 4);
        // one training forward each to initialize the observers identically
        INDArray a = net.getLayer(0).activate(d.getFeatures(), true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        INDArray b = g.getLayer("q").activate(d.getFeatures(), true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        assertEquals(a, b);
        assertEquals(net.getLayer(0).params(), g.getLayer("q").params());
    }
}
