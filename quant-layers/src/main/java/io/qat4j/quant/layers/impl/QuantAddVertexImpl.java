package io.qat4j.quant.layers.impl;

import io.qat4j.quant.layers.QuantAddVertex;
import io.qat4j.quant.layers.QuantParams;
import io.qat4j.quant.math.RangeObserver;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Implementation of {@link QuantAddVertex}: forward {@code Q_a(act(a + b))}; backward passes the
 * (masked, activation-differentiated) gradient to both inputs.
 */
public class QuantAddVertexImpl extends BaseGraphVertex implements QuantizerStats {

    private final QuantAddVertex config;
    private final INDArray params;
    private final INDArray state;
    private INDArray gradients;
    private INDArray gradientState;
    private transient INDArray preActivation;
    private transient INDArray mask;
    private transient double clippedFraction = Double.NaN;

    /**
     * @param graph the graph
     * @param name vertex name
     * @param vertexIndex vertex index
     * @param config configuration
     * @param paramsView the vertex's view of the graph's parameters (3 values)
     * @param initializeParams zero the observer state
     * @param dataType network data type
     */
    public QuantAddVertexImpl(ComputationGraph graph, String name, int vertexIndex, QuantAddVertex config,
                              INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        this.params = paramsView;
        this.state = paramsView.reshape(paramsView.length()).get(NDArrayIndex.interval(0, RangeObserver.STATE_SIZE));
        if (initializeParams) {
            state.assign(0);
        }
    }

    @Override
    public double clippedFraction() {
        return clippedFraction;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    private IActivation activation() {
        return config.getActivation().getActivationFunction();
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("QuantAddVertex " + vertexName + ": inputs not set");
        }
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray sum = inputs[0].castTo(dataType).add(inputs[1].castTo(dataType));
            INDArray a = activation().getActivation(sum.dup(), training);
            ActivationQuantization.Result m = ActivationQuantization.apply(a, config.getSpec(), config.getSchedule(), state,
                    graph.getIterationCount(), training, true);
            preActivation = training ? sum : null;
            mask = training ? m.gradMask() : null;
            clippedFraction = m.clippedFraction();
            out = m.values();
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("QuantAddVertex " + vertexName + ": epsilon not set");
        }
        INDArray eps;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray pre = preActivation != null ? preActivation
                    : inputs[0].castTo(dataType).add(inputs[1].castTo(dataType));
            INDArray dA = mask == null ? epsilon.dup() : epsilon.mul(mask);
            eps = activation().backprop(pre.dup(), dA).getFirst();
        }
        preActivation = null;
        mask = null;
        Gradient g = new DefaultGradient();
        if (gradientState != null) {
            gradientState.assign(0);
            g.setGradientFor(QuantParams.OUTPUT_RANGE, gradientState);
        }
        INDArray e0 = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps);
        INDArray e1 = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps);
        return new Pair<>(g, new INDArray[] {e0, e1});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        this.gradients = backpropGradientsViewArray;
        this.gradientState = backpropGradientsViewArray.reshape(backpropGradientsViewArray.length())
                .get(NDArrayIndex.interval(0, RangeObserver.STATE_SIZE));
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return maskArrays == null || maskArrays.length == 0 ? null : new Pair<>(maskArrays[0], currentMaskState);
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropOnly) {
        return Map.of(QuantParams.OUTPUT_RANGE, state);
    }

    @Override
    public TrainingConfig getConfig() {
        return config;
    }

    @Override
    public INDArray params() {
        return params;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradients;
    }

    @Override
    public String toString() {
        return "QuantAddVertex(" + vertexName + ")";
    }
}
