package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * FLOAT networks run the element-wise tail of the quantized layers in fused loops; DOUBLE networks
 * run the ND4J-operation path. Both must compute the same function and gradients: the same network
 * with the same parameters is run in both types and compared (quantization off, so that no
 * rounding boundary separates them; the fake quantization loop itself is compared bit for bit in
 * {@code FloatKernelsTest}).
 */
class FusedPathEquivalenceTest {

    @ParameterizedTest(name = "batch-norm frozen from step {0}")
    @ValueSource(longs = {-1, 0})
    void fusedFloatPathMatchesNd4jDoublePath(long freezeBn) {
        QuantSchedule s = new QuantSchedule(Long.MAX_VALUE, -1, freezeBn);
        MultiLayerConfiguration cf = TestNets.mln(DataType.FLOAT, new NoOp(), s, 8);
        MultiLayerConfiguration cd = TestNets.mln(DataType.DOUBLE, new NoOp(), s, 8);
        MultiLayerNetwork f = new MultiLayerNetwork(cf);
        f.init();
        MultiLayerNetwork d = new MultiLayerNetwork(cd);
        d.init();
        // non-trivial batch-norm parameters and statistics
        for (int i = 0; i < f.getnLayers(); i++) {
            Map<String, INDArray> p = f.getLayer(i).paramTable();
            if (p.containsKey(QuantParams.GAMMA)) {
                Nd4j.getRandom().setSeed(i);
                p.get(QuantParams.GAMMA).assign(Nd4j.rand(DataType.FLOAT, p.get(QuantParams.GAMMA).shape()).addi(0.5));
                p.get(QuantParams.BETA).assign(Nd4j.randn(DataType.FLOAT, p.get(QuantParams.BETA).shape()).muli(0.2));
                p.get(QuantParams.RUNNING_MEAN).assign(Nd4j.randn(DataType.FLOAT, p.get(QuantParams.BETA).shape()).muli(0.2));
                p.get(QuantParams.RUNNING_VAR).assign(Nd4j.rand(DataType.FLOAT, p.get(QuantParams.BETA).shape()).addi(0.5));
            }
        }
        d.setParams(f.params().castTo(DataType.DOUBLE));
        DataSet batch = LayerContractTest.batch(11, 6);
        f.setInput(batch.getFeatures());
        f.setLabels(batch.getLabels());
        d.setInput(batch.getFeatures().castTo(DataType.DOUBLE));
        d.setLabels(batch.getLabels().castTo(DataType.DOUBLE));
        f.computeGradientAndScore();
        d.computeGradientAndScore();
        assertEquals(d.score(), f.score(), 1e-4 * Math.max(1, Math.abs(d.score())));
        Gradient gf = f.gradient();
        Gradient gd = d.gradient();
        for (String key : gd.gradientForVariable().keySet()) {
            INDArray a = gf.getGradientFor(key).castTo(DataType.DOUBLE);
            INDArray b = gd.getGradientFor(key);
            double scale = Math.max(1e-3, b.norm2Number().doubleValue());
            double diff = a.sub(b).norm2Number().doubleValue();
            assertTrue(diff <= 2e-4 * scale, key + ": |float - double| = " + diff + " vs |double| = " + scale);
        }
        // running statistics updated identically (batch-statistics case)
        for (int i = 0; i < f.getnLayers(); i++) {
            INDArray rv = f.getLayer(i).paramTable().get(QuantParams.RUNNING_VAR);
            if (rv != null) {
                assertArrayEquals(d.getLayer(i).getParam(QuantParams.RUNNING_VAR).toDoubleVector(),
                        rv.castTo(DataType.DOUBLE).toDoubleVector(), 1e-4);
            }
        }
    }
}
