package io.qat4j.executor.runtime;

import io.qat4j.executor.artifact.ElementType;
import io.qat4j.executor.artifact.LoadedArtifact;
import io.qat4j.executor.artifact.ModelArtifact;
import io.qat4j.executor.artifact.OpNode;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.Provenance;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.EdgeIndex;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.op.AddSelfLoopsOp;
import io.qat4j.executor.op.AttentionLogitsOp;
import io.qat4j.executor.op.EdgeSoftmaxOp;
import io.qat4j.executor.op.GatherOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.GcnNormOp;
import io.qat4j.executor.op.LeakyReluOp;
import io.qat4j.executor.op.ScatterAddOp;
import io.qat4j.executor.op.SegmentPoolOp;
import io.qat4j.executor.op.WeightedAggregateOp;
import io.qat4j.executor.op.WeightedGatherOp;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.executor.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Artifacts of graph networks built with the op definitions' typed attribute builders and
 * {@link ModelArtifact#of}, written by {@code ArtifactWriter} in the tests, for the graph ops'
 * load-time validation, their runs on batches of different sizes and the fuzz seeds. Inputs, as
 * the GNN contract of issue 10 gives them to the executor: {@code nodes} INT8 {@code [4]} per
 * node, {@code edges} INT32 {@code [2]} per edge (source, target, no self-loops) and
 * {@code graph} INT32 {@code []} per node (ids 0..G-1, non-decreasing).
 *
 * <ul>
 *   <li>{@link #chain()}: op 0 {@code gather} (source rows) -> op 1 {@code scatter_add} (at the
 *       targets: GIN's sum aggregation) -> op 2 {@code segment_pool} (sum readout);</li>
 *   <li>{@link #all()}: the chain, then {@code add_self_loops}, {@code gcn_norm},
 *       {@code weighted_aggregate} (a graph convolution of the aggregate, messages not
 *       quantized), graph attention with 4 heads of one channel as Degree-Quant quantizes it (two
 *       {@code fully_connected_logits} for the per-node scores, {@code attention_logits},
 *       {@code leaky_relu}, {@code edge_softmax}, {@code weighted_gather} for the messages,
 *       {@code scatter_add}), and {@code segment_pool} mean and max readouts.</li>
 * </ul>
 */
public final class GraphModel {

    private GraphModel() {
    }

    static final int F = 4;
    static final QuantInfo INDEX = QuantInfo.perTensor(1, 0);
    static final AffineQuantParams NODES = act(0.05, -3);
    static final AffineQuantParams AGG = act(0.12, 5);
    static final AffineQuantParams POOLED = act(0.3, -10);
    static final float COEF_SCALE = 1f / 255;
    static final AffineQuantParams GCN = act(0.1, -10);
    static final int SOFTMAX_BITS = 14;
    static final double ATT = 0.01;
    static final AffineQuantParams LOGITS = act(0.05, 3);
    static final AffineQuantParams LEAKY = act(0.06, -30);
    static final AffineQuantParams MESSAGES = act(0.04, 0);
    static final AffineQuantParams GAT = act(0.08, 0);
    static final AffineQuantParams MEAN = act(0.05, 2);
    static final AffineQuantParams MAX = act(0.07, -20);

    static AffineQuantParams act(double scale, int zeroPoint) {
        return new AffineQuantParams(scale, zeroPoint, QuantRange.of(8, true, false));
    }

    static QuantInfo info(AffineQuantParams p) {
        return QuantInfo.perTensor(p.scale(), p.zeroPoint());
    }

    /** @return gather -> scatter_add -> segment_pool; outputs {@code pooled}, {@code agg} */
    public static LoadedArtifact chain() {
        return artifact(false);
    }

    /** @return every graph op; outputs {@code pooled}, {@code mean}, {@code max}, {@code alpha} */
    public static LoadedArtifact all() {
        return artifact(true);
    }

    private static LoadedArtifact artifact(boolean all) {
        List<TensorInfo> t = new ArrayList<>();
        t.add(TensorInfo.activation(0, "nodes", ElementType.INT8, new int[] {F}, 8, info(NODES)));
        t.add(TensorInfo.activation(1, "edges", ElementType.INT32, new int[] {2}, 32, INDEX));
        t.add(TensorInfo.activation(2, "graph", ElementType.INT32, new int[0], 32, INDEX));
        t.add(TensorInfo.activation(3, "h_src", ElementType.INT8, new int[] {F}, 8, info(NODES)));
        t.add(TensorInfo.activation(4, "agg", ElementType.INT8, new int[] {F}, 8, info(AGG)));
        t.add(TensorInfo.activation(5, "pooled", ElementType.INT8, new int[] {F}, 8, info(POOLED)));
        List<OpNode> ops = new ArrayList<>();
        List<byte[]> blobs = new ArrayList<>();
        ops.add(new OpNode(GatherOp.NAME, GatherOp.VERSION, "gather_src", new int[] {0, 1}, new int[] {3},
                GatherOp.attributes(EdgeIndex.SOURCE)));
        ops.add(new OpNode(ScatterAddOp.NAME, ScatterAddOp.VERSION, "gin_aggregate", new int[] {3, 1, 0}, new int[] {4},
                ScatterAddOp.attributes(EdgeIndex.TARGET, NODES.zeroPoint(), GraphOpParams.scatterAdd(NODES.scale(), AGG,
                        ActivationClamp.INT8))));
        ops.add(new OpNode(SegmentPoolOp.NAME, SegmentPoolOp.VERSION, "sum_readout", new int[] {4, 2}, new int[] {5},
                SegmentPoolOp.attributes(Reduction.SUM, 0, AGG.zeroPoint(), GraphOpParams.segmentPool(Reduction.SUM, AGG.scale(), POOLED,
                        ActivationClamp.INT8))));
        int[] outputs = {5, 4};
        if (all) {
            double alphaScale = Math.scalb(1.0, -SOFTMAX_BITS);
            t.add(TensorInfo.activation(6, "edges_loops", ElementType.INT32, new int[] {2}, 32, INDEX));
            t.add(TensorInfo.activation(7, "coef", ElementType.INT8, new int[] {1}, 8, QuantInfo.perTensor(COEF_SCALE, -128)));
            t.add(TensorInfo.activation(8, "gcn", ElementType.INT8, new int[] {F}, 8, info(GCN)));
            t.add(TensorInfo.activation(9, "logits", ElementType.INT8, new int[] {F}, 8, info(LOGITS)));
            t.add(TensorInfo.activation(10, "alpha", ElementType.INT16, new int[] {F}, 16, QuantInfo.perTensor(alphaScale, 0)));
            t.add(TensorInfo.activation(11, "gat", ElementType.INT8, new int[] {F}, 8, info(GAT)));
            t.add(TensorInfo.activation(12, "mean", ElementType.INT8, new int[] {F}, 8, info(MEAN)));
            t.add(TensorInfo.activation(13, "max", ElementType.INT8, new int[] {F}, 8, info(MAX)));
            ops.add(new OpNode(AddSelfLoopsOp.NAME, AddSelfLoopsOp.VERSION, "loops", new int[] {1, 0}, new int[] {6}, Attributes.EMPTY));
            ops.add(new OpNode(GcnNormOp.NAME, GcnNormOp.VERSION, "gcn_norm", new int[] {1, 0}, new int[] {7},
                    GcnNormOp.attributes(GraphOpParams.gcnNormScale(COEF_SCALE), -128)));
            ops.add(new OpNode(WeightedAggregateOp.NAME, WeightedAggregateOp.VERSION, "gcn_aggregate", new int[] {4, 6, 7}, new int[] {8},
                    WeightedAggregateOp.attributes(AGG.zeroPoint(), -128, GraphOpParams.weightedAggregate(COEF_SCALE, AGG.scale(), GCN,
                            ActivationClamp.INT8))));
            t.add(TensorInfo.activation(14, "leaky", ElementType.INT8, new int[] {F}, 8, info(LEAKY)));
            t.add(TensorInfo.activation(15, "messages", ElementType.INT8, new int[] {F}, 8, info(MESSAGES)));
            double[] scoreScales = {GCN.scale() * ATT, GCN.scale() * ATT, GCN.scale() * ATT, GCN.scale() * ATT};
            double[] att = new double[F];
            java.util.Arrays.fill(att, ATT);
            java.util.Random r = new java.util.Random(20261130);
            for (int k = 0; k < 2; k++) {
                String side = k == 0 ? "att_src" : "att_dst";
                byte[] w = new byte[F * F];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (byte) (r.nextInt(255) - 127);
                }
                int[] b = new int[F];
                for (int i = 0; i < F; i++) {
                    b[i] = r.nextInt(2001) - 1000;
                }
                t.add(TensorInfo.constant(16 + 2 * k, side + "/weights", ElementType.INT8, new int[] {F, F}, 8,
                        QuantInfo.symmetricPerAxis(0, att), blobs.size()));
                blobs.add(w);
                t.add(TensorInfo.constant(17 + 2 * k, side + "/bias", ElementType.INT32, new int[] {F}, 32,
                        QuantInfo.symmetricPerAxis(0, scoreScales), blobs.size()));
                blobs.add(int32(b));
                t.add(TensorInfo.activation(20 + k, side + "/scores", ElementType.INT32, new int[] {F}, 32,
                        QuantInfo.symmetricPerAxis(0, scoreScales)));
                ops.add(new OpNode(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, side, new int[] {8, 16 + 2 * k, 17 + 2 * k},
                        new int[] {20 + k}, FullyConnectedLogitsOp.attributes(GCN.zeroPoint())));
            }
            ops.add(new OpNode(AttentionLogitsOp.NAME, AttentionLogitsOp.VERSION, "att_logits", new int[] {20, 21, 6}, new int[] {9},
                    AttentionLogitsOp.attributes(GraphOpParams.scatterAdd(GCN.scale() * ATT, LOGITS, ActivationClamp.INT8))));
            ops.add(new OpNode(LeakyReluOp.NAME, LeakyReluOp.VERSION, "att_leaky", new int[] {9}, new int[] {14},
                    LeakyReluOp.attributes(LOGITS.zeroPoint(), GraphOpParams.leakyRelu(0.2, LOGITS.scale(), LEAKY, ActivationClamp.INT8))));
            ops.add(new OpNode(EdgeSoftmaxOp.NAME, EdgeSoftmaxOp.VERSION, "attention", new int[] {14, 6, 0}, new int[] {10},
                    EdgeSoftmaxOp.attributes(GraphOpParams.edgeSoftmax(F, LEAKY.scale(), SOFTMAX_BITS))));
            ops.add(new OpNode(WeightedGatherOp.NAME, WeightedGatherOp.VERSION, "gat_messages", new int[] {8, 6, 10}, new int[] {15},
                    WeightedGatherOp.attributes(EdgeIndex.SOURCE, GCN.zeroPoint(), 0, GraphOpParams.weightedAggregate(alphaScale,
                            GCN.scale(), MESSAGES, ActivationClamp.INT8))));
            ops.add(new OpNode(ScatterAddOp.NAME, ScatterAddOp.VERSION, "gat_aggregate", new int[] {15, 6, 0}, new int[] {11},
                    ScatterAddOp.attributes(EdgeIndex.TARGET, MESSAGES.zeroPoint(), GraphOpParams.scatterAdd(MESSAGES.scale(), GAT,
                            new ActivationClamp(GAT.zeroPoint(), 127)))));
            ops.add(new OpNode(SegmentPoolOp.NAME, SegmentPoolOp.VERSION, "mean_readout", new int[] {11, 2}, new int[] {12},
                    SegmentPoolOp.attributes(Reduction.MEAN, 0, GAT.zeroPoint(), GraphOpParams.segmentPool(Reduction.MEAN, GAT.scale(),
                            MEAN, ActivationClamp.INT8))));
            ops.add(new OpNode(SegmentPoolOp.NAME, SegmentPoolOp.VERSION, "max_readout", new int[] {8, 2}, new int[] {13},
                    SegmentPoolOp.attributes(Reduction.MAX, 0, GCN.zeroPoint(), GraphOpParams.segmentPool(Reduction.MAX, GCN.scale(),
                            MAX, ActivationClamp.INT8))));
            outputs = new int[] {5, 12, 13, 10};
        }
        return new LoadedArtifact(ModelArtifact.of(Provenance.EMPTY, t, ops, new int[] {0, 1, 2}, outputs), blobs);
    }

    private static byte[] int32(int[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    /**
     * @param nodes {@code N x 4} node codes
     * @param edges {@code E x 2} (source, target) pairs
     * @param graph {@code N} graph ids
     * @return the named inputs of a run
     */
    public static Map<String, Tensor> inputs(byte[] nodes, int[] edges, int[] graph) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("nodes", Tensor.int8(new int[] {nodes.length / F, F}, nodes));
        in.put("edges", Tensor.int32(new int[] {edges.length / 2, 2}, edges));
        in.put("graph", Tensor.int32(new int[] {graph.length}, graph));
        return in;
    }
}
