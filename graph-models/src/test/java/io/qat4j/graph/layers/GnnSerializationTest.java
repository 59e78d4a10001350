package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A trained {@code ComputationGraph} with every graph vertex (Degree-Quant, observers and batch-norm
 * statistics moved by training) survives {@code ModelSerializer}: equal configuration, parameters
 * (observer states and running statistics among them), updater state, iteration count, and equal
 * outputs at evaluation.
 */
class GnnSerializationTest {

    @Test
    void everyVertexSurvivesModelSerializer(@TempDir Path dir) throws Exception {
        GnnQuantSettings q = GnnQuantSettings.degreeQuant(8, new QuantSchedule(2, -1, 6));
        ComputationGraph net = GnnNets.init(GnnNets.graphLevel(DataType.FLOAT, new Adam(1e-2), 5, 2, 3,
                new GraphPoolVertex.Builder().nIn(8).pooling(GraphPoolVertex.Pooling.SUM).quant(q).build(),
                new GcnVertex.Builder().nIn(5).nOut(8).quant(q).build(),
                new GinVertex.Builder().nIn(8).nOut(8).quant(q).build(),
                new GatVertex.Builder().nIn(8).heads(2, 4, true).quant(q).build()));
        TestGraphs.Batch b = TestGraphs.random(6, 9, 14, 5, 4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 6, 2);
        for (int g = 0; g < 6; g++) {
            labels.putScalar(g, g % 2, 1);
        }
        double[] cdf = b.inDegreeCdf();
        for (int step = 0; step < 8; step++) {
            net.fit(TestGraphs.dataSet(b.inputs(DegreeQuantMask.INT4.draw(cdf, step)), labels, null));
        }
        for (String v : new String[] {"conv0", "conv1", "conv2", "pool"}) {
            INDArray out = net.getVertex(v).paramTable(false).get(GnnParams.OUTPUT_RANGE);
            assertTrue(RangeObserver.initialized(out) && out.getDouble(RangeObserver.MAX) > 0, v + " observed");
        }
        assertTrue(net.getVertex("conv1").paramTable(false).get(GnnParams.RUNNING_VAR).sub(1).amaxNumber().doubleValue() > 0,
                "running statistics moved");

        File file = dir.resolve("gnn.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(net.getConfiguration(), back.getConfiguration());
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(net.getIterationCount(), back.getIterationCount());
        for (String v : new String[] {"conv0", "conv1", "conv2", "pool"}) {
            assertEquals(net.getVertex(v).paramTable(false), back.getVertex(v).paramTable(false), v);
        }
        INDArray[] in = b.inputs();
        assertEquals(net.output(false, in)[0], back.output(false, in)[0]);
    }
}
