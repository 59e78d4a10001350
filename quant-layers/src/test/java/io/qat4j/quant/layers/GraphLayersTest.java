package io.qat4j.quant.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.ObserverSpec;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The activation quantizer, the quantized output layer and the quantized add vertex inside a
 * ComputationGraph: gradient check with quantization off, STE backward and hand-computed forward
 * with quantization on.
 */
class GraphLayersTest extends DoublePrecisionTest {

    /** in -> quantizer -> (dense a, dense b) -> add(relu) -> quantized output */
    private static ComputationGraph graph(QuantSchedule s, Activation addAct) {
        QuantLayerSettings dense = QuantLayerSettings.of(QuantSpecs.INT8_WEIGHT_PER_CHANNEL,
                QuantSpecs.activation(8, ObserverSpec.MIN_MAX), false, s);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3)
                .updater(new NoOp()).graphBuilder()
                .addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(QuantSpecs.activation(8, ObserverSpec.MIN_MAX), s), "in")
                .addLayer("a", new QuantDenseLayer.Builder().nOut(5).activation(Activation.TANH).quant(dense).build(), "q")
                .addLayer("b", new QuantDenseLayer.Builder().nOut(5).activation(Activation.SIGMOID).quant(dense).build(), "q")
                .addVertex("add", new QuantAddVertex(QuantSpecs.activation(8, ObserverSpec.MIN_MAX), s, addAct), "a", "b")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX)
                        .quant(QuantLayerSettings.of(QuantSpecs.INT4_WEIGHT_PER_CHANNEL, null, false, s)).build(), "add")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(4))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return y;
    }

    @Test
    void graphGradientCheckWithQuantizationOff() {
        ComputationGraph g = graph(QuantSchedule.NEVER, Activation.IDENTITY);
        Set<String> state = new HashSet<>();
        for (GraphVertex v : g.getVertices()) {
            if (v.numParams() > 0) {
                v.paramTable(false).keySet().stream().filter(QuantParams::isState).forEach(k -> state.add(v.getVertexName() + "_" + k));
            }
        }
        Nd4j.getRandom().setSeed(4);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {Nd4j.randn(DataType.DOUBLE, 6, 4)}).labels(new INDArray[] {labels(6)})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).excludeParams(state)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, "gradient check failed");
    }

    @Test
    void addVertexForwardIsFakeQuantOfReluSumAndItsBackwardIsClipped() {
        ComputationGraph g = graph(QuantSchedule.ALWAYS, Activation.RELU);
        GraphVertex add = g.getVertex("add");
        INDArray a = Nd4j.createFromArray(new double[][] {{-1.0, 0.2, 0.5, 2.0, 0.3}});
        INDArray b = Nd4j.createFromArray(new double[][] {{0.5, 0.1, -0.2, 1.0, 0.0}});
        add.setInputs(a, b);
        INDArray out = add.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        // first batch: range [0, 3] (relu of the sum), then fake quant
        AffineQuantParams p = AffineQuantParams.asymmetric(0.0, 3.0, QuantRange.of(8, true, false));
        double[] sum = {0, 0.3, 0.3, 3.0, 0.3};
        for (int i = 0; i < 5; i++) {
            assertEquals(p.dequantize(p.quantize(sum[i])), out.getDouble(0, i), 1e-12);
        }
        // now freeze the range at [0, 1]: 3.0 is clamped (gradient 0), -0.5 is cut by ReLU (gradient 0)
        add.paramTable(false).get(QuantParams.OUTPUT_RANGE).assign(Nd4j.createFromArray(0.0, 1.0, 5.0));
        ComputationGraph frozen = graph(new QuantSchedule(0, 0, -1), Activation.RELU);
        GraphVertex fadd = frozen.getVertex("add");
        fadd.paramTable(false).get(QuantParams.OUTPUT_RANGE).assign(Nd4j.createFromArray(0.0, 1.0, 5.0));
        fadd.setInputs(a, b);
        fadd.doForward(true, LayerWorkspaceMgr.noWorkspaces());
        fadd.setEpsilon(Nd4j.ones(DataType.DOUBLE, 1, 5));
        INDArray[] eps = fadd.doBackward(false, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        assertEquals(2, eps.length);
        double[] expected = {0, 1, 1, 0, 1};
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], eps[0].getDouble(0, i), 0.0, "input a, element " + i);
            assertEquals(expected[i], eps[1].getDouble(0, i), 0.0, "input b, element " + i);
        }
    }

    @Test
    void outputLayerWeightGradientIsStraightThrough() {
        QuantLayerSettings w4 = QuantLayerSettings.of(QuantSpecs.INT4_WEIGHT_PER_CHANNEL, null, false, QuantSchedule.ALWAYS);
        ComputationGraph q = twoLayer(new QuantOutputLayer.Builder(new org.nd4j.linalg.lossfunctions.impl.LossMSE())
                .nOut(3).activation(Activation.IDENTITY).quant(w4).build());
        ComputationGraph s = twoLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3)
                .activation(Activation.IDENTITY).build());
        s.getLayer("d").setParams(q.getLayer("d").params());
        INDArray w = q.getLayer("o").getParam("W");
        s.getLayer("o").setParam("W", WeightFakeQuant.apply(w.transpose(), QuantSpecs.INT4_WEIGHT_PER_CHANNEL, false).values().transpose());
        s.getLayer("o").setParam("b", q.getLayer("o").getParam("b"));
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 5, 3);
        q.setInputs(x);
        q.setLabels(y);
        q.computeGradientAndScore();
        s.setInputs(x);
        s.setLabels(y);
        s.computeGradientAndScore();
        assertEquals(s.score(), q.score(), 1e-12);
        Gradient gq = q.gradient();
        Gradient gs = s.gradient();
        assertTrue(gq.getGradientFor("o_W").equalsWithEps(gs.getGradientFor("o_W"), 1e-10));
        assertTrue(gq.getGradientFor("d_W").equalsWithEps(gs.getGradientFor("d_W"), 1e-10), "epsilon through quantized W");
    }

    private static ComputationGraph twoLayer(org.deeplearning4j.nn.conf.layers.Layer out) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(8)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("d", new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("o", out, "d")
                .setOutputs("o").setInputTypes(InputType.feedForward(4)).build());
        g.init();
        return g;
    }
}
