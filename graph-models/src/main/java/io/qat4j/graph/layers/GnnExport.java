package io.qat4j.graph.layers;

import io.qat4j.executor.arith.QuantizedMultiplier;
import io.qat4j.executor.artifact.Attributes;
import io.qat4j.executor.artifact.QuantInfo;
import io.qat4j.executor.kernel.ActivationClamp;
import io.qat4j.executor.kernel.AddParams;
import io.qat4j.executor.kernel.BiasRequantizeParams;
import io.qat4j.executor.kernel.ChannelAffineParams;
import io.qat4j.executor.kernel.EdgeIndex;
import io.qat4j.executor.kernel.SegmentPoolParams.Reduction;
import io.qat4j.executor.op.AddOp;
import io.qat4j.executor.op.AddSelfLoopsOp;
import io.qat4j.executor.op.AttentionLogitsOp;
import io.qat4j.executor.op.BiasRequantizeOp;
import io.qat4j.executor.op.ChannelAffineOp;
import io.qat4j.executor.op.EdgeSoftmaxOp;
import io.qat4j.executor.op.FullyConnectedLogitsOp;
import io.qat4j.executor.op.FullyConnectedOp;
import io.qat4j.executor.op.GatherOp;
import io.qat4j.executor.op.GcnNormOp;
import io.qat4j.executor.op.LeakyReluOp;
import io.qat4j.executor.op.ScatterAddOp;
import io.qat4j.executor.op.SegmentPoolOp;
import io.qat4j.executor.op.WeightedGatherOp;
import io.qat4j.executor.prep.ActivationClamps;
import io.qat4j.executor.prep.AddRescale;
import io.qat4j.executor.prep.GraphOpParams;
import io.qat4j.executor.prep.OutputMultipliers;
import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.executor.quant.QuantRange;
import io.qat4j.graph.layers.impl.GnnVertexImpl;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.RangeObserver;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One graph vertex's int8 export in progress: the vertex's quantizer parameters, its graph inputs
 * as the executor takes them, and the executor's graph ops (issue 10; Tailor et al., ICLR 2021, for
 * which tensors are quantized; Jacob et al., CVPR 2018, section 2.2, for the requantizations),
 * each method adding one op and returning its int8 value. Every quantizer of the fake-quantized
 * vertex becomes the output quantization of the op that computes its tensor, so the executor
 * rounds where training rounded; tensors are named {@code <vertex>/<tensor>}, the vertex's output
 * {@code <vertex>} (the name the per-layer comparison looks for).
 */
public final class GnnExport {

    /** Per-row shape of an edge list: source, target. */
    static final int[] EDGE_ROW = {2};
    /** Per-row shape of graph ids. */
    static final int[] GRAPH_ROW = {};

    private final ExportContext ctx;
    private final GnnVertex config;

    GnnExport(ExportContext ctx, GnnVertex config) {
        this.ctx = ctx;
        this.config = config;
    }

    /** @return the export context */
    public ExportContext context() {
        return ctx;
    }

    /** @return the vertex's implementation, for its exportable weights */
    GnnVertexImpl<?, ?> impl() {
        return (GnnVertexImpl<?, ?>) ctx.vertex();
    }

    /**
     * @param suffix a tensor's role
     * @return {@code <vertex>/<suffix>}
     */
    public String tensor(String suffix) {
        return ctx.name() + "/" + suffix;
    }

    /**
     * @param key an observer's parameter key
     * @return the affine parameters its state implies, with the float32 scale the forward pass
     *     rounds with (so that {@code gcn_norm}, which rounds exactly, meets ties as training did)
     * @throws IllegalStateException naming the vertex and quantizer when it never observed data
     */
    public AffineQuantParams params(String key) {
        INDArray state = ctx.vertex().paramTable(false).get(key);
        if (state == null || !RangeObserver.initialized(state)) {
            throw new IllegalStateException(config.kind() + " '" + ctx.name() + "': quantizer '" + key
                    + "' has never observed data: train (or calibrate) the network before exporting");
        }
        return ActivationQuantization.float32Params(config.getQuant().activations(), state);
    }

    /**
     * The vertex's node features (input 0) quantized with {@code p}: on the network's {@code nodes}
     * input, the artifact's quantized input; after another vertex, its int8 output requantized to
     * {@code p} (unless already on that grid).
     *
     * @param p the quantizer's parameters
     * @param role the tensor's role, for its name
     * @return the value
     */
    public Int8Value nodes(AffineQuantParams p, String role) {
        if (ctx.inputIsGraphInput(0)) {
            return ctx.defineGraphInput(0, p);
        }
        Int8Value in = ctx.input(0);
        if (in.params().scale() == p.scale() && in.params().zeroPoint() == p.zeroPoint()) {
            return in;
        }
        return biasRequantize(tensor(role), in, new double[in.size()], p, ActivationClamps.none(p));
    }

    /**
     * {@code bias_requantize}: {@code clamp(round((S_in (x - Z_in) + b) / S_out) + Z_out)}.
     *
     * @param name output tensor name
     * @param in input
     * @param bias real bias per channel
     * @param out output quantization
     * @param clamp the activation as a clamp
     * @return the output
     */
    public Int8Value biasRequantize(String name, Int8Value in, double[] bias, AffineQuantParams out, ActivationClamp clamp) {
        BiasRequantizeParams p = GraphOpParams.biasRequantize(in.params().zeroPoint(), in.params().scale(), bias, out, clamp);
        int b = ctx.addInt32Constant(name + "/bias", p.bias(), QuantInfo.perTensor(Math.scalb(in.params().scale(), -p.biasShift()), 0));
        return op(BiasRequantizeOp.NAME, BiasRequantizeOp.VERSION, name, new int[] {in.id(), b}, in.shape(), out,
                BiasRequantizeOp.attributes(p));
    }

    /**
     * {@code channel_affine}: {@code clamp(round((a_c S_in (x - Z_in) + t_c) / S_out) + Z_out)} per
     * channel, no activation (a batch norm at inference after a ReLU).
     *
     * @param name output tensor name
     * @param in input {@code [C]} per row
     * @param a the per-channel factors
     * @param t the per-channel offsets
     * @param out output quantization
     * @return the output
     */
    public Int8Value channelAffine(String name, Int8Value in, double[] a, double[] t, AffineQuantParams out) {
        ChannelAffineParams p = GraphOpParams.channelAffine(a, t, in.params(), out, ActivationClamps.none(out));
        return op(ChannelAffineOp.NAME, ChannelAffineOp.VERSION, name, new int[] {in.id()}, in.shape(), out, ChannelAffineOp.attributes(p));
    }

    /**
     * {@code fully_connected} with per-channel weights.
     *
     * @param name the output's name; the weights are {@code <name>/weights}, the bias {@code <name>/bias}
     * @param in input {@code [K]} per row
     * @param fw weights {@code [O][K]}, scales and bias
     * @param clamp the activation as a clamp
     * @param out output quantization
     * @return the output {@code [O]} per row
     */
    public Int8Value dense(String name, Int8Value in, FoldedWeights fw, ActivationClamp clamp, AffineQuantParams out) {
        int o = fw.codes().length;
        int w = ctx.addWeights(name + "/weights", fw, new int[] {o, in.size()});
        int b = ctx.addBias(name + "/bias", fw, in.params().scale());
        return op(FullyConnectedOp.NAME, FullyConnectedOp.VERSION, name, new int[] {in.id(), w, b}, new int[] {o}, out,
                FullyConnectedOp.attributes(in.params().zeroPoint(),
                        OutputMultipliers.requantization(in.params().scale(), fw.scales(), out, clamp)));
    }

    /** @return the network's edge list (input 1), INT32 {@code [2]} per edge */
    public int edges() {
        return ctx.indexInput(1, EDGE_ROW);
    }

    /**
     * @param input the vertex input holding the graph ids
     * @return the network's graph ids, INT32 {@code []} per node
     */
    public int graphIds(int input) {
        return ctx.indexInput(input, GRAPH_ROW);
    }

    /**
     * {@code add_self_loops}.
     *
     * @param edges the edge list
     * @param size a value with one row per node
     * @return the edges then one loop per node, INT32 {@code [2]} per row
     */
    public int selfLoops(int edges, Int8Value size) {
        int id = ctx.addInt32Activation(tensor("edges_loops"), EDGE_ROW, QuantInfo.perTensor(1, 0));
        ctx.addOp(AddSelfLoopsOp.NAME, AddSelfLoopsOp.VERSION, tensor("edges_loops"), new int[] {edges, size.id()}, new int[] {id},
                Attributes.EMPTY);
        return id;
    }

    /**
     * {@code gcn_norm}: the coefficients of the edges, then of the self-loops, with the scale the
     * op rounds with ({@link GraphOpParams#gcnNormScale}).
     *
     * @param edges the edge list without loops
     * @param size a value with one row per node
     * @param p the coefficients' quantizer
     * @return INT8 {@code [1]} per edge and loop
     */
    public Int8Value gcnNorm(int edges, Int8Value size, AffineQuantParams p) {
        QuantizedMultiplier scale = GraphOpParams.gcnNormScale(p.scale());
        AffineQuantParams exact = new AffineQuantParams(scale.realValue(), p.zeroPoint(), p.range());
        return op(GcnNormOp.NAME, GcnNormOp.VERSION, tensor("norm"), new int[] {edges, size.id()}, new int[] {1}, exact,
                GcnNormOp.attributes(scale, p.zeroPoint()));
    }

    /**
     * {@code weighted_gather}: {@code Q(w_e x[src_e])} per edge.
     *
     * @param role the tensor's role
     * @param x node values
     * @param index the edge list
     * @param weights one weight per edge (and head)
     * @param out output quantization
     * @return the messages
     */
    public Int8Value weightedGather(String role, Int8Value x, int index, Int8Value weights, AffineQuantParams out) {
        return op(WeightedGatherOp.NAME, WeightedGatherOp.VERSION, tensor(role), new int[] {x.id(), index, weights.id()}, x.shape(), out,
                WeightedGatherOp.attributes(EdgeIndex.SOURCE, x.params().zeroPoint(), weights.params().zeroPoint(),
                        GraphOpParams.weightedAggregate(weights.params().scale(), x.params().scale(), out, ActivationClamps.none(out))));
    }

    /**
     * {@code gather}: the rows of the edges' sources (a copy of codes).
     *
     * @param x node values
     * @param index the edge list
     * @return per edge, the source's row
     */
    public Int8Value gatherSources(Int8Value x, int index) {
        return op(GatherOp.NAME, GatherOp.VERSION, tensor("sources"), new int[] {x.id(), index}, x.shape(), x.params(),
                GatherOp.attributes(EdgeIndex.SOURCE));
    }

    /**
     * {@code scatter_add}: the messages summed per target, requantized.
     *
     * @param role the tensor's role
     * @param messages per edge
     * @param index the edge list
     * @param size a value with one row per node
     * @param out output quantization
     * @return per node
     */
    public Int8Value scatterAdd(String role, Int8Value messages, int index, Int8Value size, AffineQuantParams out) {
        return op(ScatterAddOp.NAME, ScatterAddOp.VERSION, tensor(role), new int[] {messages.id(), index, size.id()}, messages.shape(), out,
                ScatterAddOp.attributes(EdgeIndex.TARGET, messages.params().zeroPoint(),
                        GraphOpParams.scatterAdd(messages.params().scale(), out, ActivationClamps.none(out))));
    }

    /**
     * {@code segment_pool}, named after the vertex.
     *
     * @param reduction sum, mean or max
     * @param x node values
     * @param graphIds the graph ids
     * @param out output quantization
     * @return per graph
     */
    public Int8Value segmentPool(Reduction reduction, Int8Value x, int graphIds, AffineQuantParams out) {
        return op(SegmentPoolOp.NAME, SegmentPoolOp.VERSION, ctx.name(), new int[] {x.id(), graphIds}, x.shape(), out,
                SegmentPoolOp.attributes(reduction, 0, x.params().zeroPoint(),
                        GraphOpParams.segmentPool(reduction, x.params().scale(), out, ActivationClamps.none(out))));
    }

    /**
     * {@code fully_connected_logits}: per node, one int32 attention score per head,
     * {@code sum_j a_h[offset + j] (f_h,j - Z_f)} over the head's {@code C} channels, with the
     * scale {@code S_f S_a} (the attention vectors quantized per tensor, so one scale for every head).
     *
     * @param role the tensor's role
     * @param f the features, {@code [H * C]} per node
     * @param attention the attention vectors {@code [H][2C]}, one scale
     * @param offset 0 for the target half {@code a[:C]}, {@code C} for the source half
     * @return the scores' tensor id, INT32 {@code [H]} per node
     */
    public int attentionScores(String role, Int8Value f, FoldedWeights attention, int offset) {
        int heads = attention.codes().length;
        int c = f.size() / heads;
        int[][] codes = new int[heads][f.size()];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(attention.codes()[h], offset, codes[h], h * c, c);
        }
        FoldedWeights blocks = new FoldedWeights(codes, attention.scales(), new double[heads], attention.bits());
        String name = tensor(role);
        int w = ctx.addWeights(name + "/weights", blocks, new int[] {heads, f.size()});
        int b = ctx.addBias(name + "/bias", blocks, f.params().scale());
        int id = ctx.addInt32Activation(name, new int[] {heads},
                QuantInfo.perTensor(f.params().scale() * attention.scales()[0], 0));
        ctx.addOp(FullyConnectedLogitsOp.NAME, FullyConnectedLogitsOp.VERSION, name, new int[] {f.id(), w, b}, new int[] {id},
                FullyConnectedLogitsOp.attributes(f.params().zeroPoint()));
        return id;
    }

    /**
     * {@code attention_logits}: {@code Q(s_src[src] + s_dst[dst])} per edge and head.
     *
     * @param sourceScores INT32 {@code [H]} per node
     * @param targetScores INT32 {@code [H]} per node, of the same scale
     * @param scoreScale the scores' scale {@code S_f S_a}
     * @param index the edge list
     * @param heads attention heads
     * @param out the logits' quantization
     * @return INT8 {@code [H]} per edge
     */
    public Int8Value attentionLogits(int sourceScores, int targetScores, double scoreScale, int index, int heads, AffineQuantParams out) {
        return op(AttentionLogitsOp.NAME, AttentionLogitsOp.VERSION, tensor("logits"), new int[] {sourceScores, targetScores, index},
                new int[] {heads}, out, AttentionLogitsOp.attributes(GraphOpParams.attentionLogits(scoreScale, out)));
    }

    /**
     * {@code leaky_relu} onto the input's own grid: codes {@code >= Z} unchanged, those below
     * {@code Z + round(slope (x - Z))}.
     *
     * @param role the tensor's role
     * @param x the input
     * @param slope the negative slope
     * @return the output, quantized as {@code x}
     */
    public Int8Value leakyRelu(String role, Int8Value x, double slope) {
        AffineQuantParams p = x.params();
        return op(LeakyReluOp.NAME, LeakyReluOp.VERSION, tensor(role), new int[] {x.id()}, x.shape(), p,
                LeakyReluOp.attributes(p.zeroPoint(), GraphOpParams.leakyRelu(slope, p.scale(), p, ActivationClamps.none(p))));
    }

    /**
     * {@code edge_softmax} to INT16 codes of the fixed scale {@code 2^-k}.
     *
     * @param logits per edge and head
     * @param index the edge list
     * @param size a value with one row per node
     * @param fractionBits {@code k}
     * @return the attention coefficients, INT16 {@code [H]} per edge, scale {@code 2^-k}, zero
     *     point 0, codes {@code [0, 2^k]} (a weight operand of {@link #weightedGather})
     */
    public Int8Value edgeSoftmax(Int8Value logits, int index, Int8Value size, int fractionBits) {
        String name = tensor("attention");
        AffineQuantParams alpha = new AffineQuantParams(Math.scalb(1.0, -fractionBits), 0, new QuantRange(0, 1 << fractionBits));
        int id = ctx.addInt16Activation(name, logits.shape(), QuantInfo.perTensor(alpha.scale(), 0));
        ctx.addOp(EdgeSoftmaxOp.NAME, EdgeSoftmaxOp.VERSION, name, new int[] {logits.id(), index, size.id()}, new int[] {id},
                EdgeSoftmaxOp.attributes(GraphOpParams.edgeSoftmax(logits.size(), logits.params().scale(), fractionBits)));
        return new Int8Value(id, logits.shape(), alpha);
    }

    /**
     * {@code add}: {@code Q(a + w b)}, each input rescaled to a common scale (TFLite's quantized
     * {@code ADD}, with {@code b}'s scale times {@code |w|}); version 2 of the op when
     * {@code w < 0} subtracts {@code b}.
     *
     * @param role the tensor's role
     * @param a first input
     * @param b second input, of the same shape
     * @param weightB the real factor of {@code b}
     * @param out output quantization
     * @return the sum
     */
    public Int8Value add(String role, Int8Value a, Int8Value b, double weightB, AffineQuantParams out) {
        AddParams p = AddRescale.weighted(a.params(), b.params(), weightB, out, ActivationClamps.none(out));
        return op(AddOp.NAME, AddOp.versionFor(p), tensor(role), new int[] {a.id(), b.id()}, a.shape(), out,
                AddOp.attributes(p));
    }

    /**
     * Adds an op with one INT8 output.
     *
     * @param opType the op's name
     * @param version its version
     * @param name the op's and its output's name
     * @param inputs input tensor ids
     * @param shape the output's per-row shape
     * @param out the output's quantization
     * @param attributes the op's attributes
     * @return the output
     */
    Int8Value op(String opType, int version, String name, int[] inputs, int[] shape, AffineQuantParams out, Attributes attributes) {
        int o = ctx.addActivation(name, shape, out);
        ctx.addOp(opType, version, name, inputs, new int[] {o}, attributes);
        return new Int8Value(o, shape, out);
    }

    /**
     * @param fw folded weights
     * @return the same codes and scales without a bias (a linear map whose bias is added later)
     */
    static FoldedWeights withoutBias(FoldedWeights fw) {
        return new FoldedWeights(fw.codes(), fw.scales(), new double[fw.codes().length], fw.bits());
    }

}
