package io.qat4j.graph.layers.impl;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.GraphPoolVertex;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.quant.layers.OutputQuantizers;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSpec;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Implementation of {@link GraphPoolVertex}: {@code out[g] = Q_out(pool_{i: graph_i = g} x_i)}.
 * Sum is a scatter-add by graph id; mean divides it by the node count of each graph; max keeps, per
 * graph and channel, the first node holding the maximum. In inference, when the vertex feeding it
 * quantizes, the pooled codes are the integer model's ({@link IntegerReductions#pool}). Backward:
 * sum gathers the gradient of each graph back to its nodes ({@link MessagePassing#gatherRows}, the
 * adjoint of the scatter-add), mean divides it by the node count first, max routes it to the kept
 * node only.
 */
public class GraphPoolVertexImpl extends GnnVertexImpl<GraphPoolVertex, GraphPoolVertexImpl.Pass> {

    /** What the backward pass needs from a training forward pass. */
    record Pass(int[] graphIds, int numNodes, double[] counts, int[] argmax, INDArray outMask) {
    }

    /** Created by {@link GraphPoolVertex}'s {@code instantiate}, with the arguments of {@link GnnVertexImpl}'s constructor. */
    public GraphPoolVertexImpl(ComputationGraph graph, String name, int vertexIndex, GraphPoolVertex config,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, config, paramsView, initializeParams, dataType);
    }

    @Override
    protected void initializeParams(Map<String, INDArray> views) {
        // observer state only, zeroed by the base class
    }

    @Override
    protected INDArray forward(boolean training) {
        INDArray x = nodes();
        int n = (int) x.size(0);
        int[] ids = GraphInputs.graphIds(inputs[1], n, where());
        int graphs = n == 0 ? 0 : ids[n - 1] + 1;
        double[] counts = new double[graphs];
        for (int id : ids) {
            counts[id]++;
        }
        INDArray pooled;
        int[] argmax = null;
        switch (config.getPooling()) {
            case SUM -> pooled = MessagePassing.scatterAddRows(x, ids, graphs);
            case MEAN -> pooled = MessagePassing.scatterAddRows(x, ids, graphs)
                    .diviColumnVector(HeapArrays.column(counts, dataType));
            case MAX -> {
                int f = (int) x.size(1);
                double[] v = HeapArrays.doubles(x);
                double[] out = new double[graphs * f];
                argmax = new int[graphs * f];
                java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
                for (int i = 0; i < n; i++) {
                    int g = ids[i] * f;
                    for (int c = 0; c < f; c++) {
                if (v[i * f + c] > out[g + c]) {
                            out[g + c] = v[i * f + c];
                            argmax[g + c] = i;
                        }
                    }
                }
                pooled = HeapArrays.matrix(out, graphs, f, dataType);
            }
            default -> throw new IllegalStateException("unknown pooling " + config.getPooling());
        }
        ActivationQuantization.Result out = quantize(GnnParams.OUTPUT_RANGE, pooled, null, training);
        Optional<AffineQuantParams> in = training ? Optional.empty() : inputGrid();
        AffineQuantParams[] p = integerModelParams(GnnParams.OUTPUT_RANGE);
        if (in.isPresent() && p != null) {
            out = new ActivationQuantization.Result(IntegerReductions.pool(out.values(), x, ids, config.reduction(), in.get(), p[0],
                    where()), out.gradMask(), out.clippedFraction());
        }
        if (training) {
            pass = new Pass(ids, n, counts, argmax, out.gradMask());
        }
        return out.values();
    }

    /**
     * @return the grid of the codes that enter: the output quantizer of the vertex feeding
     *     {@code nodes}, with the float32 scale, when it quantizes at this step
     */
    private Optional<AffineQuantParams> inputGrid() {
        GraphVertex v = graph.getVertices()[getInputVertices()[0].getVertexIndex()];
        Optional<QuantSpec> spec = OutputQuantizers.spec(v);
        Optional<INDArray> state = OutputQuantizers.state(v);
        if (spec.isEmpty() || state.isEmpty() || !RangeObserver.initialized(state.get())
                || !QuantizedLayer.of(v).orElseThrow().schedule().quantizing(step())) {
            return Optional.empty();
        }
        return Optional.of(ActivationQuantization.float32Params(spec.get(), state.get()));
    }

    @Override
    protected INDArray[] backward(INDArray epsilon, Map<String, INDArray> gradientViews) {
        Pass p = requirePass();
        INDArray g = masked(epsilon, p.outMask());
        INDArray gx = switch (config.getPooling()) {
            case SUM -> MessagePassing.gatherRows(g, p.graphIds());
            case MEAN -> MessagePassing.gatherRows(g.divColumnVector(HeapArrays.column(p.counts(), dataType)), p.graphIds());
            case MAX -> {
                int f = (int) g.size(1);
                double[] gv = HeapArrays.doubles(g);
                double[] out = new double[p.numNodes() * f];
                for (int k = 0; k < gv.length; k++) {
                    out[p.argmax()[k] * f + k % f] += gv[k];
                }
                yield HeapArrays.matrix(out, p.numNodes(), f, dataType);
            }
        };
        return new INDArray[] {gx, null};
    }

    @Override
    public Optional<FoldedWeights> exportableWeights() {
        return Optional.empty();
    }
}
