package io.qat4j.graph.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpecs;
import java.util.HashSet;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The hand-written backward passes of every graph vertex against central finite differences
 * (DL4J's {@code GradientCheckUtil}, DOUBLE, no-op updater, state parameters excluded), with
 * quantization off: FP32 mode, and Degree-Quant mode on the never-quantizing schedule with some
 * nodes protected (which runs the row-masked quantization paths as identities). The test batch has
 * two graphs, a node of in-degree 0 and an isolated node ({@link TestGraphs#small}).
 */
class GnnGradientCheckTest extends DoublePrecisionTest {

    private static final int F = 4;

    private static final GnnQuantSettings DQ_OFF = GnnQuantSettings.degreeQuant(8, QuantSchedule.NEVER);
    /** FP32 with the batch norm frozen from the first step (its folded form). */
    private static final GnnQuantSettings FROZEN_BN = new GnnQuantSettings(GnnQuantMode.FP32, 8,
            QuantSpecs.INT8_WEIGHT_PER_CHANNEL, new QuantSchedule(Long.MAX_VALUE, -1, 0));

    private static void check(ComputationGraphConfiguration conf, INDArray labels, String what) {
        ComputationGraph net = GnnNets.init(conf);
        TestGraphs.Batch b = TestGraphs.small(DataType.DOUBLE, F, 21);
        if (conf.getVertices().values().stream().anyMatch(v -> v instanceof GinVertex)) {
            // running statistics away from (0, 1), so the frozen form differs from an identity
            for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : net.getVertices()) {
                if (v.getConfig() instanceof GinVertex) {
                    v.paramTable(false).get(GnnParams.RUNNING_MEAN).assign(Nd4j.rand(DataType.DOUBLE, 1, 6).subi(0.5));
                    v.paramTable(false).get(GnnParams.RUNNING_VAR).assign(Nd4j.rand(DataType.DOUBLE, 1, 6).addi(0.5));
                }
            }
        }
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(b.inputs(1, 4, 6)).labels(new INDArray[] {labels})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .excludeParams(new HashSet<>(GnnNets.stateParams(net)))
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, what + ": gradient check failed");
    }

    private static INDArray labels(int rows, int classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 7) % classes, 1.0);
        }
        return y;
    }

    private static ComputationGraphConfiguration nodeNet(GnnVertex... convs) {
        return GnnNets.nodeLevel(DataType.DOUBLE, new NoOp(), F, 3, 12, convs);
    }

    @Test
    void gcn() {
        for (GnnQuantSettings q : new GnnQuantSettings[] {GnnQuantSettings.fp32(), DQ_OFF}) {
            check(nodeNet(new GcnVertex.Builder().nIn(F).nOut(5).activation(Activation.RELU).quant(q).build(),
                    new GcnVertex.Builder().nIn(5).nOut(6).quant(q).build()), labels(8, 3), "GCN " + q.mode());
        }
    }

    @Test
    void gin() {
        for (GnnQuantSettings q : new GnnQuantSettings[] {GnnQuantSettings.fp32(), DQ_OFF, FROZEN_BN}) {
            check(nodeNet(new GinVertex.Builder().nIn(F).nOut(6).quant(q).build()), labels(8, 3),
                    "GIN " + q.mode() + " " + q.schedule());
        }
    }

    @Test
    void gat() {
        for (GnnQuantSettings q : new GnnQuantSettings[] {GnnQuantSettings.fp32(), DQ_OFF}) {
            check(nodeNet(new GatVertex.Builder().nIn(F).heads(2, 3, true).activation(Activation.RELU).quant(q).build(),
                    new GatVertex.Builder().nIn(6).heads(3, 2, false).quant(q).build()), labels(8, 3), "GAT " + q.mode());
        }
    }

    @Test
    void pooling() {
        for (GraphPoolVertex.Pooling pooling : GraphPoolVertex.Pooling.values()) {
            for (GnnQuantSettings q : new GnnQuantSettings[] {GnnQuantSettings.fp32(), DQ_OFF}) {
                GraphPoolVertex pool = new GraphPoolVertex.Builder().nIn(5).pooling(pooling).quant(q).build();
                check(GnnNets.graphLevel(DataType.DOUBLE, new NoOp(), F, 2, 5, pool,
                        new GcnVertex.Builder().nIn(F).nOut(5).quant(q).build()), labels(2, 2), pooling + " " + q.mode());
            }
        }
    }
}
