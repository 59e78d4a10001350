package io.qat4j.quant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ArtifactReader;
import io.qat4j.executor.artifact.ArtifactWriter;
import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.quant.Rounding;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AveragePool2dOp;
import io.qat4j.executor.op.GlobalAveragePoolOp;
import io.qat4j.quant.layers.ActivationQuantizerLayer;
import io.qat4j.quant.layers.InputScales;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantConv2dLayer;
import io.qat4j.quant.layers.QuantDenseLayer;
import io.qat4j.quant.layers.QuantLayerSettings;
import io.qat4j.quant.layers.QuantOutputLayer;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import io.qat4j.quant.spec.QuantSpecs;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Exported artifacts run on the int8 executor and reproduce the fake-quantized network, with
 * tolerances proven in {@link ExactInt8Reference} instead of measured: op by op against an exact
 * integer reference fed the fake-quantized codes, and end to end within bounds propagated through
 * the artifact.
 */
public class Int8ExporterTest {

    /** Input shape of {@link #net}. */
    public static final int[] SHAPE = {2, 8, 8};

    /**
     * Every exportable operator: conv-bn-relu, max pool, conv-relu6, avg pool + quantizer, residual add, GAP, dense, dropout.
     *
     * @param bits weight bit width
     * @return the network, trained for 40 steps on a learnable rule
     */
    public static ComputationGraph net(int bits) {
        QuantSchedule s = new QuantSchedule(0, -1, 30);
        QuantSpec w = QuantSpecs.weight(bits, Granularity.PER_CHANNEL);
        QuantSpec a = QuantSpecs.INT8_ACTIVATION;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(5e-3)).weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(a, s), "in")
                .addLayer("c1", new QuantConv2dLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).quant(QuantLayerSettings.of(w, a, true, s)).build(), "q")
                .addLayer("mp", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("c2", new QuantConv2dLayer.Builder(3, 3).nOut(6).stride(1, 1).padding(1, 1)
                        .activation(Activation.RELU6).quant(QuantLayerSettings.of(w, a, false, s)).build(), "mp")
                .addLayer("c3", new QuantConv2dLayer.Builder(3, 3).nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).quant(QuantLayerSettings.of(w, a, true, s)).build(), "c2")
                .addVertex("add", new io.qat4j.quant.layers.QuantAddVertex(a, s, Activation.RELU), "c3", "mp")
                .addLayer("ap", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build(), "add")
                .addLayer("apq", new ActivationQuantizerLayer(a, s), "ap")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "apq")
                .addLayer("gapq", new ActivationQuantizerLayer(a, s), "gap")
                .addLayer("d", new QuantDenseLayer.Builder().nOut(12).activation(Activation.RELU)
                        .quant(QuantLayerSettings.of(w, a, true, s)).build(), "gapq")
                .addLayer("drop", new DropoutLayer.Builder(0.9).build(), "d")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX)
                        .quant(QuantLayerSettings.of(w, null, false, s)).build(), "drop")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SHAPE[1], SHAPE[2], SHAPE[0]))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(9);
        for (int i = 0; i < 40; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, SHAPE[0], SHAPE[1], SHAPE[2]);
            // a learnable rule: the class is the quadrant of the brightest mean region
            INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 4);
            for (int b = 0; b < 16; b++) {
                y.putScalar(b, (int) (x.getDouble(b, 0, 0, 0) * 4) % 4, 1f);
            }
            g.fit(new DataSet(x, y));
        }
        return g;
    }

    /**
     * End to end: the executor's codes of every layer differ from the fake-quantized ones by at most
     * the bound propagated layer by layer from the artifact ({@link ExactInt8Reference#propagate}:
     * a difference of {@code D} input codes moves a conv/dense output by at most
     * {@code floor(M D ||w_row||_1 + delta) + 1} codes, a max pool by {@code D}, an average pool and
     * the add as derived there); the int32 logits by at most {@code D ||w_row||_1}, the dequantized
     * logits by that times {@code S_in S_w} plus the proven float errors of both sides. A prediction
     * that differs is then only possible where the fake-quantized top-1 margin (logit of its class
     * minus logit of the executor's class) is within the sum of the two logits' bounds: if
     * {@code |L_e - L_f| <= B} per class, {@code L_f[f] - L_f[e] <= (L_e[f] + B_f) - (L_e[e] - B_e) <= B_f + B_e}
     * because the executor chose {@code e}. The agreement is printed, not thresholded.
     */
    @ParameterizedTest(name = "{0}-bit weights")
    @ValueSource(ints = {8, 4})
    void executorReproducesTheFakeQuantizedNetwork(int bits) throws Exception {
        ComputationGraph g = net(bits);
        LoadedArtifact art = Int8Exporter.export(g, SHAPE, Provenance.builder().put(Provenance.SEED, "5").build());
        // round trip through the file format
        LoadedArtifact back = ArtifactReader.read(ArtifactWriter.toBytes(art));
        assertEquals(art.model(), back.model());
        long packed = back.model().tensors().stream().filter(t -> t.type() == ElementType.INT4_PACKED).count();
        assertEquals(bits <= 4 ? 5 : 0, packed, "weights of <= 4 bits are packed");
        assertTrue(back.model().ops().stream().anyMatch(o -> o.opType().equals(AddOp.NAME)));
        assertTrue(back.model().ops().stream().anyMatch(o -> o.opType().equals(AveragePool2dOp.NAME)));
        assertTrue(back.model().ops().stream().anyMatch(o -> o.opType().equals(GlobalAveragePoolOp.NAME)));
        Int8Executor ex = Int8Executor.of(back, "test");
        ExactInt8Reference ref = new ExactInt8Reference(back);

        int n = 400;
        Nd4j.getRandom().setSeed(77);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, SHAPE[0], SHAPE[1], SHAPE[2]);

        // the propagated bound of every int8 tensor, from the artifact alone
        java.util.Map<Integer, Integer> bound = new java.util.HashMap<>();
        bound.put(back.model().graphInputs()[0], 0); // the executor quantizes the input as the training quantizer
        OpNode logitsOp = null;
        for (OpNode op : back.model().ops()) {
            int[] in = java.util.Arrays.stream(op.inputs()).filter(bound::containsKey).map(bound::get).toArray();
            if (op.opType().equals(FullyConnectedLogitsOp.NAME)) {
                logitsOp = op;
                bound.put(op.output(0), in[0]);
            } else {
                bound.put(op.output(0), ref.propagate(op, in));
            }
        }
        for (LayerAgreement l : LayerAgreement.compare(g, ex, x)) {
            int id = tensorNamed(back, l.layer()).id();
            System.out.printf("%d-bit %-5s codes differ %.4f%% (max %d, propagated bound %d)%n", bits, l.layer(),
                    100 * l.differingShare(), l.maxDifference(), bound.get(id));
            assertTrue(l.maxDifference() <= bound.get(id), l.layer() + ": codes differ by up to " + l.maxDifference()
                    + ", the propagated bound is " + bound.get(id));
        }

        // logits: executor against fake quantization, within the propagated bound
        Int8Executor.Output out = ex.run(x.dup('c').data().asFloat(), n);
        INDArray fq = g.outputSingle(false, x);
        INDArray pre = preSoftmax(g, x);
        String hidden = ref.tensor(logitsOp.input(0)).name();
        ExactInt8Reference.LogitResult lf = ref.logits(logitsOp, codes(g.feedForward(x, false).get(hidden),
                ref.tensor(logitsOp.input(0))), n);
        int[][] w = ref.weights(logitsOp);
        int k = w.length;
        int dIn = bound.get(logitsOp.input(0));
        double[] logitBound = new double[n * k];
        double worstUse = 0;
        for (int i = 0; i < n * k; i++) {
            int c = i % k;
            long accBound = dIn * ExactInt8Reference.l1(w[c]);
            assertTrue(Math.abs(out.accumulators()[i] - lf.accumulators()[i]) <= accBound, "logit accumulator " + i + ": "
                    + out.accumulators()[i] + " vs " + lf.accumulators()[i] + ", bound " + accBound);
            logitBound[i] = lf.scales()[c] * accBound * ExactInt8Reference.SAFETY + lf.fakeQuantBound()[i]
                    + ExactInt8Reference.dequantizationBound(out.accumulators()[i], lf.scales()[c]);
            double diff = Math.abs(pre.getDouble(i / k, c) - out.logits()[i]);
            worstUse = Math.max(worstUse, diff / logitBound[i]);
            assertTrue(diff <= logitBound[i], "logit " + i + " differs by " + diff + ", bound " + logitBound[i]);
        }
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int f = fq.getRow(i).argMax().getInt(0);
            int e = out.predictions()[i];
            if (e == f) {
                agree++;
                continue;
            }
            double margin = pre.getDouble(i, f) - pre.getDouble(i, e);
            assertTrue(margin <= logitBound[i * k + f] + logitBound[i * k + e], "example " + i + ": fake quantization predicts "
                    + f + " by a margin " + margin + " over the executor's " + e + ", beyond the logits' bounds");
        }
        System.out.printf("%d-bit: agreement %d/%d; logits use at most %.3g of their propagated bound (input D = %d)%n",
                bits, agree, n, worstUse, dIn);
    }

    @Test
    void executorIsSafeForConcurrentInference() throws Exception {
        Int8Executor ex = Int8Executor.of(Int8Exporter.export(net(8), SHAPE, Provenance.EMPTY), "test");
        Nd4j.getRandom().setSeed(3);
        float[] x = Nd4j.rand(DataType.FLOAT, 64, SHAPE[0], SHAPE[1], SHAPE[2]).dup('c').data().asFloat();
        Int8Executor.Output expected = ex.run(x, 64);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Int8Executor.Output>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 16; t++) {
                fs.add(pool.submit(() -> ex.run(x, 64)));
            }
            for (var f : fs) {
                Int8Executor.Output o = f.get();
                assertTrue(java.util.Arrays.equals(expected.accumulators(), o.accumulators()));
                assertTrue(java.util.Arrays.equals(expected.predictions(), o.predictions()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inputQuantizationRoundsLikeTheTrainingQuantizer() throws Exception {
        ComputationGraph g = net(8);
        Int8Executor ex = Int8Executor.of(Int8Exporter.export(g, SHAPE, Provenance.EMPTY), "test");
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, SHAPE[0], SHAPE[1], SHAPE[2]).muli(3).subi(1);
        INDArray fq = g.getLayer("q").activate(x, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        byte[] q = ex.quantizeInput(x.dup('c').data().asFloat());
        var p = io.qat4j.quant.layers.OutputQuantizers.params(g.getVertex("q")).orElseThrow();
        float[] f = fq.dup('c').data().asFloat();
        for (int i = 0; i < q.length; i++) {
            assertEquals(f[i], (q[i] - p.zeroPoint()) * (float) p.scale(), 0f, "element " + i);
        }
    }

    /**
     * Teacher-forced, op by op: every int8 op of the artifact, fed the fake-quantized network's
     * codes of its inputs, is computed by {@link ExactInt8Reference} (exact accumulators and the
     * exact value {@code r} before output rounding). The proven claim (see there): the reference code
     * equals the fake-quantized output code except where {@code r} lies within the proven
     * {@code delta} of a rounding boundary, and there they differ by exactly one; max pooling is
     * exact. The executor, running that op alone on the same codes, must equal the reference
     * exactly; for the first op its input is the graph input, whose codes the executor itself
     * produces, so its full-graph trace is compared too. The logits: exact int32 equality with the
     * executor, and the fake-quantized float logits within their proven bound. The number of codes
     * in the boundary zone is printed, not thresholded.
     */
    @ParameterizedTest(name = "{0}-bit weights")
    @ValueSource(ints = {8, 4})
    void eachInt8OpMatchesItsExactReferenceOnTheFakeQuantizedInputs(int bits) throws Exception {
        ComputationGraph g = net(bits);
        LoadedArtifact art = Int8Exporter.export(g, SHAPE, Provenance.EMPTY);
        Int8Executor ex = Int8Executor.of(art, "test");
        ExactInt8Reference ref = new ExactInt8Reference(art);
        int n = 400;
        Nd4j.getRandom().setSeed(78);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, SHAPE[0], SHAPE[1], SHAPE[2]);
        java.util.Map<String, Object> trace = ex.trace(ex.quantizeInput(x.dup('c').data().asFloat()), n);
        assertEquals(java.util.List.of("input", "c1", "mp", "c2", "c3", "add", "apq", "gapq", "d", "out"),
                java.util.List.copyOf(trace.keySet()));
        java.util.Map<String, INDArray> acts = g.feedForward(x, false);
        // the graph input's tensor is the input quantizer's output
        java.util.function.Function<TensorInfo, int[]> fakeCodes = t -> codes(acts.get(t.name().equals("input") ? "q" : t.name()), t);
        assertTrue(java.util.Arrays.equals(toInts((byte[]) trace.get("input")), fakeCodes.apply(tensorNamed(art, "input"))),
                "the executor quantizes the input as the training quantizer");
        java.util.Set<String> checked = new java.util.LinkedHashSet<>();
        for (OpNode op : art.model().ops()) {
            java.util.List<int[]> in = new java.util.ArrayList<>();
            for (int id : op.inputs()) {
                TensorInfo t = ref.tensor(id);
                in.add(t.isConstant() ? null : fakeCodes.apply(t));
            }
            TensorInfo outTensor = ref.tensor(op.output(0));
            if (op.opType().equals(FullyConnectedLogitsOp.NAME)) {
                ExactInt8Reference.LogitResult r = ref.logits(op, in.get(0), n);
                int[] alone = ref.runAlone(op, in, n).ints();
                INDArray pre = preSoftmax(g, x);
                int k = r.scales().length;
                for (int i = 0; i < alone.length; i++) {
                    assertEquals(r.accumulators()[i], alone[i], "logit accumulator " + i);
                    double diff = Math.abs(pre.getDouble(i / k, i % k) - r.scales()[i % k] * r.accumulators()[i]);
                    assertTrue(diff <= r.fakeQuantBound()[i], "fake-quantized logit " + i + " is " + diff
                            + " from the exact one, bound " + r.fakeQuantBound()[i]);
                }
                checked.add(outTensor.name());
                continue;
            }
            ExactInt8Reference.Int8Result r = ref.evaluate(op, in, n);
            assertTrue(java.util.Arrays.equals(r.codes(), toInts(ref.runAlone(op, in, n).bytes())),
                    op.name() + ": the executor running the op alone differs from the reference");
            if (op.input(0) == art.model().graphInputs()[0]) {
                assertTrue(java.util.Arrays.equals(r.codes(), toInts((byte[]) trace.get(outTensor.name()))),
                        op.name() + ": the executor's trace differs from the reference");
            }
            int[] fake = fakeCodes.apply(outTensor);
            long zone = 0;
            long differing = 0;
            double worstDelta = 0;
            for (int i = 0; i < fake.length; i++) {
                assertTrue(r.delta()[i] < 0.5, op.name() + " element " + i + ": bound " + r.delta()[i] + " is not below 1/2");
                worstDelta = Math.max(worstDelta, r.delta()[i]);
                boolean nearBoundary = r.boundaryDistance()[i] <= r.delta()[i];
                zone += nearBoundary ? 1 : 0;
                int diff = Math.abs(r.codes()[i] - fake[i]);
                if (diff != 0) {
                    differing++;
                    assertTrue(diff == 1 && nearBoundary, op.name() + " element " + i + ": reference " + r.codes()[i]
                            + ", fake quantization " + fake[i] + "; r is " + r.boundaryDistance()[i]
                            + " from a rounding boundary, the proven bound is " + r.delta()[i]);
                }
            }
            System.out.printf("%d-bit %-14s %-16s %d codes: %d within delta (max %.3g) of a rounding boundary, %d differ%n",
                    bits, op.name(), op.opType(), fake.length, zone, worstDelta, differing);
            checked.add(outTensor.name());
        }
        assertEquals(java.util.List.of("c1", "mp", "c2", "c3", "add", "apq", "gapq", "d", "out"), java.util.List.copyOf(checked),
                "every op checked");
    }

    /** {@code clamp(round(a / S) + Z)}: the codes of fake-quantized values, with the artifact's scale and zero point. */
    static int[] codes(INDArray a, TensorInfo t) {
        float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(-128, Math.min(127,
                    Rounding.quantizeFloat(v[i], (float) t.quant().scale(0), t.quant().zeroPoint(0), -128, 127)));
        }
        return out;
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i];
        }
        return out;
    }

    private static TensorInfo tensorNamed(LoadedArtifact art, String name) {
        return art.model().tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * With its input scale bound ({@link InputScales#bind}), the fake-quantized output layer adds the
     * integer model's bias and computes the integer logits {@code S_in S_w (acc + bq)} on its input
     * codes within the float error alone ({@code integerBiasBound}, no half unit of bias rounding);
     * with its float bias it does not (biases set a fraction of a unit away from every integer). One
     * bind lasts: after training steps that move the upstream range, the logits are still the
     * integer ones of the new export.
     */
    @Test
    void aBoundInputScaleMakesTheFakeQuantizedLogitsTheIntegerOnes() throws Exception {
        QuantSchedule s = QuantSchedule.ALWAYS;
        QuantSpec w = QuantSpecs.weight(4, Granularity.PER_CHANNEL);
        QuantSpec a = QuantSpecs.activation(4, io.qat4j.quant.spec.ObserverSpec.EMA);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(1e-2)).weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(a, s), "in")
                .addLayer("d", new QuantDenseLayer.Builder().nIn(10).nOut(16).activation(Activation.RELU)
                        .quant(QuantLayerSettings.of(w, a, false, s)).build(), "q")
                .addLayer("drop", new DropoutLayer.Builder(0.9).build(), "d")
                .addLayer("out", new QuantOutputLayer.Builder(new org.nd4j.linalg.lossfunctions.impl.LossMSE())
                        .nOut(5).activation(Activation.IDENTITY).quant(QuantLayerSettings.of(w, null, false, s)).build(), "drop")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(10))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(4);
        for (int i = 0; i < 20; i++) {
            g.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 32, 10), Nd4j.rand(DataType.FLOAT, 32, 5)));
        }
        LoadedArtifact art = Int8Exporter.export(g, new int[] {10}, Provenance.builder().build());
        TensorInfo biasTensor = art.model().tensors().get(logitsOp(art).input(2));
        float[] b = new float[5];
        for (int c = 0; c < 5; c++) { // 0.3 to 0.7 of a unit S_in S_w[c] from the nearest integer
            b[c] = (float) ((c - 2 + 0.3 + 0.1 * c) * biasTensor.quant().scale(c));
        }
        g.getLayer("out").setParam("b", Nd4j.createFromArray(b).reshape(1, 5));
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 200, 10);
        // nothing has bound this network's scales before
        double worst = worstLogitOverIntegerBound(g, x);
        assertTrue(worst > 1, "float biases: every logit within the float error bound of the integer one (" + worst + ")");
        InputScales.bind(g);
        worst = worstLogitOverIntegerBound(g, x);
        assertTrue(worst <= 1, "bound input scale: a logit is " + worst + " times the float error bound from the integer one");
        double scaleBefore = OutputQuantizers.params(g.getVertex("d")).orElseThrow().scale();
        for (int i = 0; i < 5; i++) { // larger inputs widen the range of "d"
            g.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 32, 10).muli(4), Nd4j.rand(DataType.FLOAT, 32, 5)));
        }
        double scaleAfter = OutputQuantizers.params(g.getVertex("d")).orElseThrow().scale();
        assertNotEquals(scaleBefore, scaleAfter, "the steps did not move the input scale of the output layer");
        worst = worstLogitOverIntegerBound(g, x);
        assertTrue(worst <= 1, "after training without a new bind: a logit is " + worst
                + " times the float error bound from the integer one");
    }

    /**
     * @return the largest distance of a fake-quant logit of {@code g} from the exact integer logit of
     *     its export on the same input codes, in units of that logit's float error bound
     */
    private static double worstLogitOverIntegerBound(ComputationGraph g, INDArray x) {
        LoadedArtifact art = Int8Exporter.export(g, new int[] {10}, Provenance.builder().build());
        ExactInt8Reference ref = new ExactInt8Reference(art);
        OpNode logitsOp = logitsOp(art);
        int n = (int) x.size(0);
        java.util.Map<String, INDArray> acts = g.feedForward(x, false);
        ExactInt8Reference.LogitResult exact = ref.logits(logitsOp, codes(acts.get("drop"), ref.tensor(logitsOp.input(0))), n);
        double worst = 0;
        for (int i = 0; i < n * 5; i++) {
            int c = i % 5;
            double diff = Math.abs(acts.get("out").getDouble(i / 5, c) - exact.scales()[c] * exact.accumulators()[i]);
            worst = Math.max(worst, diff / exact.integerBiasBound()[i]);
        }
        return worst;
    }

    private static OpNode logitsOp(LoadedArtifact art) {
        return art.model().ops().stream().filter(o -> o.opType().equals(FullyConnectedLogitsOp.NAME)).findFirst().orElseThrow();
    }

    @Test
    void layerAgreementsOfSeveralBatchesAddUpPerLayer() {
        java.util.List<LayerAgreement> a = java.util.List.of(new LayerAgreement("c1", 100, 2, 1), new LayerAgreement("d", 10, 0, 0));
        java.util.List<LayerAgreement> b = java.util.List.of(new LayerAgreement("c1", 50, 3, 2), new LayerAgreement("d", 5, 1, 1));
        assertEquals(java.util.List.of(new LayerAgreement("c1", 150, 5, 2), new LayerAgreement("d", 15, 1, 1)),
                LayerAgreement.total(java.util.List.of(a, b)));
        assertEquals(5.0 / 150, LayerAgreement.total(java.util.List.of(a, b)).get(0).differingShare(), 1e-15);
    }

    /** Fake-quant logits before the softmax: the output layer's preactivation. */
    static INDArray preSoftmax(ComputationGraph g, INDArray x) {
        INDArray hidden = g.feedForward(x, false).get("drop");
        var out = g.getLayer("out");
        var fw = ((io.qat4j.quant.layers.impl.QuantOutputLayerImpl) out).foldedWeights();
        INDArray w = Nd4j.create(DataType.FLOAT, fw.codes()[0].length, fw.codes().length);
        for (int c = 0; c < fw.codes().length; c++) {
            for (int k = 0; k < fw.codes()[c].length; k++) {
                w.putScalar(k, c, fw.codes()[c][k] * fw.scales()[c]);
            }
        }
        return hidden.mmul(w).addiRowVector(out.getParam("b"));
    }

    @Test
    void untrainedObserversAreRejectedWithTheVertexName() {
        QuantSchedule s = QuantSchedule.ALWAYS;
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(QuantSpecs.INT8_ACTIVATION, s), "in")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX)
                        .quant(QuantLayerSettings.of(QuantSpecs.INT8_WEIGHT_PER_CHANNEL, null, false, s)).build(), "q")
                .setOutputs("out").setInputTypes(InputType.convolutional(2, 2, 1)).build());
        g.init();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Int8Exporter.export(g, new int[] {1, 2, 2}, Provenance.EMPTY));
        assertTrue(e.getMessage().contains("'q'"), e.getMessage());
    }

    @Test
    void unsupportedLayersAreRejectedWithTheVertexName() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("q", new ActivationQuantizerLayer(QuantSpecs.INT8_ACTIVATION, QuantSchedule.ALWAYS), "in")
                .addLayer("tanh", new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.TANH), "q")
                .addLayer("out", new QuantOutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX)
                        .quant(QuantLayerSettings.of(QuantSpecs.INT8_WEIGHT_PER_CHANNEL, null, false, QuantSchedule.ALWAYS)).build(), "tanh")
                .setOutputs("out").setInputTypes(InputType.convolutional(2, 2, 1)).build());
        g.init();
        g.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 2, 1, 2, 2), Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}})));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Int8Exporter.export(g, new int[] {1, 2, 2}, Provenance.EMPTY));
        assertTrue(e.getMessage().contains("'tanh'"), e.getMessage());
    }
}
