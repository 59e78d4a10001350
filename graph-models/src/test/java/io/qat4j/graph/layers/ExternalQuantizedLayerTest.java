package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.quant.Rounding;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.op.AddOp;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.layers.ActivationQuantizerLayer;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.Schedules;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A quantized layer defined outside {@code quant-layers} ({@link DoublingQuantizerLayer}, which
 * implements {@link QuantizedLayer} and is registered nowhere) takes part in everything the
 * built-in ones do: it trains in a {@code ComputationGraph}, its configuration survives JSON,
 * monitoring finds its output quantizer, {@link Schedules} switches it to the float schedule, and
 * {@link Int8Exporter} exports it; the int8 executor then reproduces the fake-quantized network.
 */
class ExternalQuantizedLayerTest {

    private static final int[] SHAPE = {2, 8, 8};
    private static final QuantSchedule SCHEDULE = new QuantSchedule(5, -1, 20);

    private static ComputationGraphConfiguration conf() {
        QuantSpec w = QuantSpecs.weight(8, Granularity.PER_CHANNEL);
        QuantSpec a = QuantSpecs.INT8_ACTIVATION;
        return new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).updater(new Adam(5e-3))
                .weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(a, SCHEDULE), "in")
                .addLayer("c1", new QuantConv2dLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).quant(QuantLayerSettings.of(w, a, true, SCHEDULE)).build(), "q")
                .addLayer("x2", new DoublingQuantizerLayer(a, SCHEDULE), "c1")
                .addLayer("d", new QuantDenseLayer.Builder().nOut(12).activation(Activation.RELU)
                        .quant(QuantLayerSettings.of(w, a, false, SCHEDULE)).build(), "x2")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX)
                        .quant(QuantLayerSettings.of(w, null, false, SCHEDULE)).build(), "d")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SHAPE[1], SHAPE[2], SHAPE[0]))
                .build();
    }

    /** Inputs whose class is the quadrant with the brightest mean (a rule the network can learn). */
    private static DataSet batch(int n) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n, SHAPE[0], SHAPE[1], SHAPE[2]);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 4);
        for (int b = 0; b < n; b++) {
            int best = 0;
            double bestMean = Double.NEGATIVE_INFINITY;
            for (int quadrant = 0; quadrant < 4; quadrant++) {
                int r = quadrant / 2 * 4;
                int c = quadrant % 2 * 4;
                double mean = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(r, r + 4),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(c, c + 4)).meanNumber().doubleValue();
                if (mean > bestMean) {
                    bestMean = mean;
                    best = quadrant;
                }
            }
            y.putScalar(b, best, 1f);
        }
        return new DataSet(x, y);
    }

    @Test
    void aLayerDefinedOutsideQuantLayersTrainsSwitchesScheduleAndRunsOnTheExecutor() throws Exception {
        ComputationGraphConfiguration conf = conf();
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()), "JSON round trip");
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(9);
        for (int i = 0; i < 40; i++) {
            g.fit(batch(16));
        }
        assertTrue(OutputQuantizers.params(g.getVertex("x2")).isPresent(), "monitoring finds its trained output quantizer");

        Nd4j.getRandom().setSeed(77);
        int n = 200;
        INDArray x = batch(n).getFeatures();
        Map<String, INDArray> fq = g.feedForward(x, false);

        // the float copy: every quantizer, the external one included, on the never-quantizing schedule
        ComputationGraph fp32 = Schedules.withSchedule(g, QuantSchedule.NEVER);
        assertEquals(QuantSchedule.NEVER, QuantizedLayer.of(fp32.getVertex("x2")).orElseThrow().schedule());
        assertEquals(SCHEDULE, QuantizedLayer.of(g.getVertex("x2")).orElseThrow().schedule(), "the original is unchanged");
        Map<String, INDArray> fl = fp32.feedForward(x, false);
        assertEquals(fl.get("c1").mul(2), fl.get("x2"), "float copy: x2 is exactly twice its input");
        assertNotEquals(fq.get("c1").mul(2), fq.get("x2"), "fake-quantized: x2 is requantized");

        LoadedArtifact art = ArtifactReader.read(ArtifactWriter.toBytes(Int8Exporter.export(g, SHAPE, Provenance.EMPTY)));
        OpNode add = art.model().ops().stream().filter(o -> o.name().equals("x2")).findFirst().orElseThrow();
        assertEquals(AddOp.NAME, add.opType());
        assertEquals(add.inputs()[0], add.inputs()[1], "x2 adds its input to itself");
        Int8Executor ex = Int8Executor.of(art, "test");

        // where the executor's input codes of x2 equal the fake-quantized ones, both compute the nearest
        // code to 2 S_in (q - Z_in) / S_out (float rounding, resp. a Q31 rescale, far below one code):
        // they can differ only across a rounding boundary, by one code
        Map<String, Object> trace = ex.trace(ex.quantizeInput(x.dup('c').data().asFloat()), n);
        byte[] inCodes = (byte[]) trace.get("c1");
        byte[] outCodes = (byte[]) trace.get("x2");
        int[] fqIn = codes(fq.get("c1"), tensor(art, "c1"));
        int[] fqOut = codes(fq.get("x2"), tensor(art, "x2"));
        int compared = 0;
        for (int i = 0; i < outCodes.length; i++) {
            if (inCodes[i] == fqIn[i]) {
                compared++;
                assertTrue(Math.abs(outCodes[i] - fqOut[i]) <= 1, "x2 code " + i + ": " + outCodes[i] + " vs " + fqOut[i]);
            }
        }
        assertTrue(compared > outCodes.length / 2, "most input codes agree: " + compared + " of " + outCodes.length);

        // predictions agree as in Int8ExporterTest (same operators, same criterion)
        Int8Executor.Output out = ex.run(x.dup('c').data().asFloat(), n);
        INDArray probabilities = g.outputSingle(false, x);
        int agree = 0;
        for (int i = 0; i < n; i++) {
            agree += out.predictions()[i] == probabilities.getRow(i).argMax().getInt(0) ? 1 : 0;
        }
        assertTrue(agree >= 0.97 * n, "prediction agreement " + agree + "/" + n);
    }

    private static TensorInfo tensor(LoadedArtifact art, String name) {
        return art.model().tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code clamp(round(a / S) + Z)}: the codes of fake-quantized values with the artifact's parameters. */
    private static int[] codes(INDArray a, TensorInfo t) {
        float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(-128, Math.min(127, Rounding.quantizeFloat(v[i], (float) t.quant().scale(0), t.quant().zeroPoint(0), -128, 127)));
        }
        return out;
    }
}
