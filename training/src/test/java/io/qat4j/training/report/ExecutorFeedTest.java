package io.qat4j.training.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.InputDataException;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.executor.runtime.Int8Executor;
import io.qat4j.executor.tensor.Tensor;
import io.qat4j.quant.export.Int8Exporter;
import io.qat4j.quant.export.LayerAgreement;
import io.qat4j.training.eval.Evaluator;
import io.qat4j.training.model.NetworkBuilder;
import io.qat4j.training.train.LocalTrainerTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The int8 executor fed by input name: a two-input artifact from data whose inputs come in another
 * order and include one the artifact does not take, INT32 inputs, the errors, and a CNN artifact,
 * whose outputs equal the classifier API's bit for bit.
 */
class ExecutorFeedTest {

    private static final QuantRange INT8 = QuantRange.of(8, true, false);
    private static final AffineQuantParams A = new AffineQuantParams(0.5, -3, INT8);
    private static final AffineQuantParams B = new AffineQuantParams(0.25, 2, INT8);
    private static final AffineQuantParams SUM = new AffineQuantParams(0.5, 1, INT8);

    /** {@code sum = a + b}, both INT8 {@code [3]} per example: the executor's {@code add} op. */
    private static Int8Executor addArtifact() throws Exception {
        List<TensorInfo> tensors = List.of(
                TensorInfo.activation(0, "a", ElementType.INT8, new int[] {3}, 8, QuantInfo.perTensor(A.scale(), A.zeroPoint())),
                TensorInfo.activation(1, "b", ElementType.INT8, new int[] {3}, 8, QuantInfo.perTensor(B.scale(), B.zeroPoint())),
                TensorInfo.activation(2, "sum", ElementType.INT8, new int[] {3}, 8,
                        QuantInfo.perTensor(SUM.scale(), SUM.zeroPoint())));
        OpNode add = new OpNode(AddOp.NAME, AddOp.VERSION, "sum", new int[] {0, 1}, new int[] {2},
                AddOp.attributes(AddRescale.params(A, B, SUM, ActivationClamp.INT8)));
        ModelArtifact m = ModelArtifact.of(Provenance.EMPTY, tensors, List.of(add), new int[] {0, 1}, new int[] {2});
        return Int8Executor.of(new LoadedArtifact(m, List.of()), "add artifact");
    }

    /**
     * The artifact's inputs {@code a} and {@code b} are taken by name from data whose inputs are
     * {@code b, protect, a}; {@code protect} is not passed; values that are exact multiples of the
     * scales become exactly their codes; the output is the executor's, dequantized.
     */
    @Test
    void inputsAreMatchedByNameAndAnInputTheArtifactDoesNotTakeIsNotPassed() throws Exception {
        Int8Executor ex = addArtifact();
        ExecutorFeed feed = new ExecutorFeed(ex, List.of("b", "protect", "a"));
        INDArray a = Nd4j.createFromArray(new float[][] {{0, 1.5f, -2}, {3, -0.5f, 10}});
        INDArray b = Nd4j.createFromArray(new float[][] {{0.25f, -1, 2.5f}, {0, 0.75f, -3}});
        INDArray protect = Nd4j.ones(DataType.FLOAT, 2, 1);
        INDArray[] features = {b, protect, a};

        Map<String, Tensor> in = feed.inputs(features);
        assertEquals(List.of("a", "b"), List.copyOf(in.keySet()));
        // q = x / S + Z: a with S 0.5, Z -3; b with S 0.25, Z 2
        assertArrayEquals(new byte[] {-3, 0, -7, 3, -4, 17}, in.get("a").bytes());
        assertArrayEquals(new byte[] {3, -2, 12, 2, 5, -10}, in.get("b").bytes());
        assertArrayEquals(new int[] {2, 3}, in.get("a").shape());

        byte[] sum = ex.run(in).get("sum").bytes();
        float[] expected = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            expected[i] = (float) ((sum[i] - SUM.zeroPoint()) * SUM.scale());
        }
        INDArray out = feed.run(features);
        assertArrayEquals(new long[] {2, 3}, out.shape());
        assertArrayEquals(expected, out.data().asFloat());
        // the add is the sum to within its output's rounding: a check that the inputs went to the right names
        assertTrue(out.sub(a.add(b)).amaxNumber().doubleValue() <= SUM.scale(), out + " vs " + a.add(b));
    }

    @Test
    void anArtifactInputTheDataLacksAndArraysOfAnotherShapeAreErrorsNamingThem() throws Exception {
        Int8Executor ex = addArtifact();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new ExecutorFeed(ex, List.of("b", "nodes")));
        assertTrue(missing.getMessage().contains("'a'") && missing.getMessage().contains("[b, nodes]"), missing.getMessage());
        ExecutorFeed feed = new ExecutorFeed(ex, List.of("a", "b"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> feed.inputs(new INDArray[] {Nd4j.zeros(DataType.FLOAT, 2, 4), Nd4j.zeros(DataType.FLOAT, 2, 3)}));
        assertTrue(shape.getMessage().contains("input 'a'") && shape.getMessage().contains("[3]"), shape.getMessage());
    }

    /** Edge indices {@code [E, 2]} and graph ids {@code [N, 1]} become INT32 tensors of their integers. */
    @Test
    void int32InputsTakeTheIntegersAndRefuseFractions() {
        TensorInfo edges = TensorInfo.activation(0, "edges", ElementType.INT32, new int[] {2}, 32, QuantInfo.perTensor(1, 0));
        Tensor t = ExecutorFeed.tensor("edges", Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}, {2, 16777215}}), edges);
        assertEquals(ElementType.INT32, t.type());
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new int[] {0, 1, 1, 0, 2, 16777215}, t.ints());

        TensorInfo graph = TensorInfo.activation(1, "graph", ElementType.INT32, new int[] {}, 32, QuantInfo.perTensor(1, 0));
        Tensor ids = ExecutorFeed.tensor("graph", Nd4j.createFromArray(new float[][] {{0}, {0}, {1}}), graph);
        assertArrayEquals(new int[] {3}, ids.shape());
        assertArrayEquals(new int[] {0, 0, 1}, ids.ints());

        InputDataException fraction = assertThrows(InputDataException.class,
                () -> ExecutorFeed.tensor("edges", Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0.5f}}), edges));
        assertTrue(fraction.getMessage().contains("'edges'") && fraction.getMessage().contains("row 1")
                && fraction.getMessage().contains("0.5"), fraction.getMessage());
        InputDataException nan = assertThrows(InputDataException.class,
                () -> ExecutorFeed.tensor("graph", Nd4j.createFromArray(new float[][] {{0}, {Float.NaN}}), graph));
        assertTrue(nan.getMessage().contains("'graph'") && nan.getMessage().contains("row 1") && nan.getMessage().contains("NaN"),
                nan.getMessage());
        InputDataException range = assertThrows(InputDataException.class,
                () -> ExecutorFeed.tensor("edges", Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}, {3e9f, 0}}), edges));
        assertTrue(range.getMessage().contains("row 2") && range.getMessage().contains("3.0E9")
                && range.getMessage().contains("int32 range"), range.getMessage());
    }

    /**
     * A W8A8 CNN exported by the exporter: fed by name (its one input {@code input}), the executor
     * gives the classifier API's input codes, dequantized logits and predictions bit for bit, and
     * the per-layer comparison the same figures.
     */
    @Test
    void aCnnArtifactGivesTheClassifierApisOutputsBitForBit(@TempDir Path dir) throws Exception {
        ComputationGraph net = new NetworkBuilder(LocalTrainerTest.config(dir, "feed", "quantization.weights.bits=8",
                "quantization.schedule={fp32WarmupSteps: 0, freezeObserversStep: 14, freezeBatchNormStep: 12}"), 6).build();
        Nd4j.getRandom().setSeed(5);
        for (int step = 0; step < 4; step++) {
            INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
            for (int r = 0; r < 16; r++) {
                y.putScalar(r, (r + step) % 10, 1);
            }
            net.fit(new MultiDataSet(Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28), y));
        }
        Int8Executor ex = Int8Executor.of(Int8Exporter.export(net, new int[] {1, 28, 28}, Provenance.EMPTY), "cnn");
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 1, 28, 28);
        float[] pixels = x.dup('c').data().asFloat();
        ExecutorFeed feed = new ExecutorFeed(ex, List.of(NetworkBuilder.INPUT));

        assertArrayEquals(ex.quantizeInput(pixels), feed.inputs(new INDArray[] {x}).get(NetworkBuilder.INPUT).bytes());
        Int8Executor.Output classifier = ex.run(pixels, 20);
        INDArray out = feed.run(new INDArray[] {x});
        assertArrayEquals(new long[] {20, 10}, out.shape());
        assertArrayEquals(classifier.logits(), out.data().asFloat());
        for (int r = 0; r < 20; r++) {
            assertEquals(classifier.predictions()[r], Evaluator.argMax(out.getRow(r).toDoubleVector()), "example " + r);
        }
        assertEquals(LayerAgreement.compare(net, ex, x),
                LayerAgreement.compare(net, ex, feed.inputs(new INDArray[] {x}), x));
    }
}
