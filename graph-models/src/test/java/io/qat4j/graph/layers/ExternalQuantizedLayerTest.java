package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.quant.Rounding;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.CommonAttributes;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

        // x2 teacher-forced: the exact integer ADD on the fake-quantized input codes equals the
        // fake-quantized output code except within the proven delta of a rounding boundary, and
        // there differs by one; on the executor's own input codes it equals the executor exactly
        Map<String, Object> trace = ex.trace(ex.quantizeInput(x.dup('c').data().asFloat()), n);
        byte[] inCodes = (byte[]) trace.get("c1");
        byte[] outCodes = (byte[]) trace.get("x2");
        int[] fqIn = codes(fq.get("c1"), tensor(art, "c1"));
        int[] fqOut = codes(fq.get("x2"), tensor(art, "x2"));
        double ratio = tensor(art, "c1").quant().scale(0) / tensor(art, "x2").quant().scale(0);
        int zone = 0;
        for (int i = 0; i < outCodes.length; i++) {
            assertEquals(outCodes[i], exactAdd(add, inCodes[i], ratio).code(), "x2 code " + i + " on the executor's inputs");
            ExactAdd r = exactAdd(add, fqIn[i], ratio);
            assertTrue(r.delta() < 0.5, "x2 element " + i + ": bound " + r.delta());
            zone += r.boundaryDistance() <= r.delta() ? 1 : 0;
            int diff = Math.abs(r.code() - fqOut[i]);
            assertTrue(diff == 0 || diff == 1 && r.boundaryDistance() <= r.delta(), "x2 element " + i + ": reference " + r.code()
                    + ", fake quantization " + fqOut[i] + ", r is " + r.boundaryDistance() + " from a rounding boundary, bound "
                    + r.delta());
        }
        System.out.printf("x2: %d of %d codes within delta of a rounding boundary%n", zone, outCodes.length);

        // predictions: where they differ, the fake-quantized top-1 margin is within the two logits' proven bounds
        Int8Executor.Output out = ex.run(x.dup('c').data().asFloat(), n);
        INDArray probabilities = g.outputSingle(false, x);
        INDArray logits = fakeQuantLogits(g, fq.get("d"));
        double[] bound = logitBounds(art, (byte[]) trace.get("d"), codes(fq.get("d"), tensor(art, "d")), out);
        int k = out.classes();
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int f = probabilities.getRow(i).argMax().getInt(0);
            int e = out.predictions()[i];
            for (int c = 0; c < k; c++) {
                double diff = Math.abs(logits.getDouble(i, c) - out.logits()[i * k + c]);
                assertTrue(diff <= bound[i * k + c], "logit " + i + "/" + c + " differs by " + diff + ", bound " + bound[i * k + c]);
            }
            agree += e == f ? 1 : 0;
            double margin = logits.getDouble(i, f) - logits.getDouble(i, e);
            assertTrue(e == f || margin <= bound[i * k + f] + bound[i * k + e], "example " + i + ": margin " + margin
                    + " of the fake-quantized class " + f + " over the executor's " + e + " exceeds the logits' bounds");
        }
        System.out.printf("prediction agreement %d/%d%n", agree, n);
    }

    /** Float unit roundoff. */
    private static final double U = 0x1p-24;
    /** Relative error of a Q31 multiplier against the real ratio of double scales (mantissa rounding to 31 bits, two double roundings). */
    private static final double RHO = 0x1p-31 + 0x1p-51;
    /** Inflation of a bound evaluated in double. */
    private static final double SAFETY = 1 + 0x1p-40;

    /** Higham's {@code gamma_n = n u / (1 - n u)}. */
    private static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * The exact integer ADD of one code to itself and its proven distance to the fake-quantized value.
     *
     * @param code reference output code
     * @param boundaryDistance distance of the exact pre-rounding value {@code r} to the nearest {@code k + 1/2}
     * @param delta bound on {@code |v - r|} for the fake-quantized float value {@code v}
     */
    private record ExactAdd(int code, double boundaryDistance, double delta) {
    }

    /**
     * TFLite's quantized ADD of {@code q} to itself, from the op's attributes, in exact long
     * arithmetic: {@code R_j = round((q - Z) 2^L M_j)} (nearest, ties up, as
     * {@code MultiplyByQuantizedMultiplier}), {@code r = (R_1 + R_2) M_out}. Bound (the derivation of
     * quant-layers' {@code ExactInt8Reference}): the ideal is {@code r* = 2 S_in (q - Z) / S_out};
     * {@code |r - r*| <= M_out (1/2 + 1/2) + ((1 + rho)^2 - 1) 2 |q - Z| S_in / S_out} (each
     * {@code R_j} rounds once, each of the three Q31 multipliers is within {@code rho} of its real
     * ratio); the fake-quantized {@code v = fl(fl(2 x) / fl(S_out))} with {@code x = fl((q - Z) fl(S_in))}
     * has 4 roundings ({@code 2 x} is exact): {@code |v - r*| <= gamma_4 2 |q - Z| S_in / S_out}.
     */
    private static ExactAdd exactAdd(OpNode add, int q, double inOverOut) {
        Attributes a = add.attributes();
        int shiftLeft = (int) a.ints(AddOp.LEFT_SHIFT.name())[0];
        long d1 = q - a.ints(AddOp.INPUT1_ZERO_POINT.name())[0];
        long d2 = q - a.ints(AddOp.INPUT2_ZERO_POINT.name())[0];
        long sum = requantize(d1 << shiftLeft, a.ints(AddOp.INPUT1_MULTIPLIER.name())[0], a.ints(AddOp.INPUT1_SHIFT.name())[0])[0]
                + requantize(d2 << shiftLeft, a.ints(AddOp.INPUT2_MULTIPLIER.name())[0], a.ints(AddOp.INPUT2_SHIFT.name())[0])[0];
        long mOut = a.ints(AddOp.OUTPUT_MULTIPLIER.name())[0];
        long sOut = a.ints(AddOp.OUTPUT_SHIFT.name())[0];
        long[] r = requantize(sum, mOut, sOut);
        long[] clamp = a.ints(CommonAttributes.CLAMP.name());
        int code = (int) Math.max(clamp[0], Math.min(clamp[1], r[0] + a.ints(CommonAttributes.OUTPUT_ZERO_POINT.name())[0]));
        double distance = Math.scalb((double) r[1], (int) sOut - 31);
        double delta = SAFETY * (Math.scalb((double) mOut, (int) sOut - 31)
                + ((1 + RHO) * (1 + RHO) - 1 + gamma(4)) * (Math.abs(d1) + Math.abs(d2)) * inOverOut);
        return new ExactAdd(code, distance, delta);
    }

    /** {@code {round(x m 2^(shift - 31)), |x m - (floor + 1/2) 2^(31 - shift)|}}, nearest with ties up, exact. */
    private static long[] requantize(long x, long m, long shift) {
        int t = (int) (31 - shift);
        long p = x * m;
        long frac = p - ((p >> t) << t);
        return new long[] {(p + (1L << (t - 1))) >> t, Math.abs(frac - (1L << (t - 1)))};
    }

    /** The fake-quantized logits, before the softmax: {@code h W_q + b} with the output layer's quantized weights. */
    private static INDArray fakeQuantLogits(ComputationGraph g, INDArray hidden) {
        var out = g.getLayer("out");
        var fw = ((io.qat4j.quant.layers.impl.QuantOutputLayerImpl) out).foldedWeights();
        INDArray w = Nd4j.create(DataType.FLOAT, fw.codes()[0].length, fw.codes().length);
        for (int c = 0; c < fw.codes().length; c++) {
            for (int k = 0; k < fw.codes()[c].length; k++) {
                w.putScalar(k, c, fw.codes()[c][k] * fw.scales()[c]);
            }
        }
        return hidden.castTo(DataType.FLOAT).mmul(w).addiRowVector(out.getParam("b"));
    }

    /**
     * Proven bound on {@code |L_e - L_f|} per logit, from the artifact's int8 weights {@code w} and
     * int32 bias {@code bq} of the logits op, with {@code S = S_in S_w[c]}:
     * {@code S |sum (q_e - q_f) w|} (the two models' input codes, an exact integer) +
     * {@code S (1/2 + (|bq| + 1) 2^-51)} (the int32 bias rounding) +
     * {@code gamma_{n+4} S (sum |(q_f - Z) w| + |bq| + 1)} (the float logits: 2 roundings per input,
     * 1 per weight, {@code n} in the dot product, 1 for the bias) +
     * {@code (u + 2^-52) S |acc_e + bq|} (the executor's dequantization to float).
     */
    private static double[] logitBounds(LoadedArtifact art, byte[] executorCodes, int[] fakeCodes, Int8Executor.Output out) {
        OpNode op = art.model().ops().get(art.model().ops().size() - 1);
        TensorInfo in = art.model().tensors().stream().filter(t -> t.id() == op.input(0)).findFirst().orElseThrow();
        TensorInfo weights = art.model().tensors().stream().filter(t -> t.id() == op.input(1)).findFirst().orElseThrow();
        TensorInfo biasInfo = art.model().tensors().stream().filter(t -> t.id() == op.input(2)).findFirst().orElseThrow();
        TensorInfo logits = art.model().tensors().stream().filter(t -> t.id() == op.output(0)).findFirst().orElseThrow();
        assertEquals(ElementType.INT8, weights.type(), "8-bit weights are stored one per byte");
        byte[] w = art.data(weights);
        ByteBuffer biasBytes = ByteBuffer.wrap(art.data(biasInfo)).order(ByteOrder.LITTLE_ENDIAN);
        int classes = out.classes();
        int k = in.elementCount();
        int z = in.quant().zeroPoint(0);
        double[] bound = new double[out.batch() * classes];
        for (int c = 0; c < classes; c++) {
            long bq = biasBytes.getInt(4 * c);
            double s = logits.quant().scale(c);
            for (int b = 0; b < out.batch(); b++) {
                long moved = 0;
                long sumAbs = 0;
                for (int i = 0; i < k; i++) {
                    moved += (long) (executorCodes[b * k + i] - fakeCodes[b * k + i]) * w[c * k + i];
                    sumAbs += Math.abs((long) (fakeCodes[b * k + i] - z) * w[c * k + i]);
                }
                bound[b * classes + c] = SAFETY * s * (Math.abs(moved) + 0.5 + (Math.abs(bq) + 1) * 0x1p-51
                        + gamma(k + 4) * (sumAbs + Math.abs(bq) + 1) + (U + 0x1p-52) * Math.abs(out.accumulators()[b * classes + c]));
            }
        }
        return bound;
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
