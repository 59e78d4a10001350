package io.qat4j.graph.layers.impl;

import io.qat4j.executor.quant.AffineQuantParams;
import io.qat4j.graph.GraphInputs;
import io.qat4j.graph.layers.GnnParams;
import io.qat4j.graph.layers.MessagePassing;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.graph.layers.GnnVertex;
import io.qat4j.graph.layers.ParamLayout;
import io.qat4j.quant.layers.impl.ActivationQuantization;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.layers.impl.QuantizerStats;
import io.qat4j.quant.math.FakeQuant;
import io.qat4j.quant.math.IntegerBias;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.math.WeightFakeQuant;
import io.qat4j.quant.spec.SteMode;
import java.util.Map;
import java.util.Optional;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The implementation shared by the graph vertices: parameter and gradient views from the
 * configuration's {@link ParamLayout}, reading of the graph inputs ({@link GraphInputs}), the
 * weight and (row-masked) activation quantizers, the quantized sum aggregation
 * ({@link #quantizeAggregate}), the integer model's quantizer parameters when a pass can use its kernels
 * ({@link #integerModelParams}), and DL4J's vertex plumbing. A subclass computes
 * its forward pass ({@link #forward}) and, from what that pass kept, its backward pass
 * ({@link #backward}). Intermediates are computed outside DL4J's workspaces and kept between the
 * passes; the output and the input gradients are copied into the workspaces DL4J expects (the
 * pattern of quant-layers' {@code QuantAddVertexImpl}). Gradients of the index inputs
 * ({@code edges}, {@code graph}, {@code protect}) are zero. (About 520 lines: DL4J's
 * {@code BaseGraphVertex} plumbing and the quantizers, written once here for every graph vertex.)
 *
 * @param <C> the vertex configuration
 * @param <P> what a training forward pass keeps for the backward pass
 */
public abstract class GnnVertexImpl<C extends GnnVertex, P> extends BaseGraphVertex implements QuantizerStats {

    protected final C config;
    private final INDArray params;
    private final Map<String, INDArray> paramViews;
    private INDArray gradients;
    private Map<String, INDArray> gradientViews;
    private transient double clippedFraction = Double.NaN;
    /** What the last training forward pass kept for the backward pass, null when none. */
    protected transient P pass;

    /**
     * @param graph the graph
     * @param name vertex name
     * @param vertexIndex vertex index
     * @param config configuration
     * @param paramsView the vertex's view of the graph's parameters
     * @param initializeParams initialize the parameters (state to its initial value)
     * @param dataType network data type
     */
    protected GnnVertexImpl(ComputationGraph graph, String name, int vertexIndex, C config, INDArray paramsView,
                            boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        this.params = paramsView;
        this.paramViews = config.paramLayout().views(paramsView);
        if (initializeParams) {
            for (ParamLayout.Entry e : config.paramLayout().entries()) {
                if (e.kind() == ParamLayout.Kind.STATE) {
                    paramViews.get(e.key()).assign(0);
                }
            }
            initializeParams(paramViews);
        }
    }

    /**
     * Initializes trained parameters (and state whose initial value is not 0); observer states are
     * already zero.
     *
     * @param views the parameter views
     */
    protected abstract void initializeParams(Map<String, INDArray> views);

    /**
     * The forward pass, on {@link #inputs}; in training it keeps what {@link #backward} needs.
     *
     * @param training training mode (observers, batch statistics, Degree-Quant protection)
     * @return the output
     */
    protected abstract INDArray forward(boolean training);

    /**
     * The backward pass of the last training forward pass; writes the gradient of every trained
     * parameter into {@code gradientViews}.
     *
     * @param epsilon gradient of the output, in the network's data type
     * @param gradientViews the gradient views, by parameter key
     * @return the gradient of each input; null entries become zeros (index inputs)
     */
    protected abstract INDArray[] backward(INDArray epsilon, Map<String, INDArray> gradientViews);

    /** Drops what the last training forward pass kept. */
    protected void clearPass() {
        pass = null;
    }

    /** @return the vertex's main weights as the integer model uses them, empty without weights */
    public abstract Optional<FoldedWeights> exportableWeights();

    /** @return the configuration */
    public C config() {
        return config;
    }

    /**
     * @param key a parameter key
     * @return its view
     */
    protected INDArray param(String key) {
        return paramViews.get(key);
    }

    /** @return the schedule step: the network's iteration count */
    protected long step() {
        return graph.getIterationCount();
    }

    /** @return the vertex named for messages */
    protected String where() {
        return config.getClass().getSimpleName() + " '" + vertexName + "'";
    }

    /** @return the node features, in the network's data type */
    protected INDArray nodes() {
        INDArray x = inputs[0];
        if (x.rank() != 2) {
            throw new IllegalArgumentException(where() + ": input '" + GraphInputs.NODES + "' must be [N, F], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return x.castTo(dataType);
    }

    /**
     * @param training training mode
     * @return the protected nodes of this pass: Degree-Quant's mask in training, null otherwise (and
     *     when no node is protected)
     */
    protected boolean[] protectedNodes(boolean training) {
        if (!training || !config.getQuant().protects()) {
            return null;
        }
        if (inputs.length < 3) {
            throw new IllegalStateException(where() + ": Degree-Quant needs the '" + GraphInputs.PROTECT
                    + "' input as the vertex's third input");
        }
        return GraphInputs.protectedNodes(inputs[2], inputs[0].size(0), where());
    }

    /**
     * Fake-quantizes an activation with the observer under {@code key}, leaving the rows of
     * protected nodes or edges unchanged (FP32 mode: the values unchanged).
     *
     * @param key the observer's parameter key
     * @param x the values {@code [rows, C]}
     * @param protectedRows the protected rows, or null
     * @param training training mode (the observer updates)
     * @return values, gradient mask (null: ones) and clipped fraction
     */
    protected ActivationQuantization.Result quantize(String key, INDArray x, boolean[] protectedRows, boolean training) {
        return quantize(key, x, protectedRows, training, true);
    }

    /**
     * As {@link #quantize(String, INDArray, boolean[], boolean)}, with the observer's update from
     * these rows optional (a layer that observes the tensor in another form, e.g. per edge, then
     * quantizes it per node with that range).
     *
     * @param key the observer's parameter key
     * @param x the values {@code [rows, C]}
     * @param protectedRows the protected rows, or null
     * @param training training mode
     * @param observe whether the observer updates from {@code x} (in training)
     * @return values, gradient mask (null: ones) and clipped fraction
     */
    protected ActivationQuantization.Result quantize(String key, INDArray x, boolean[] protectedRows, boolean training,
                                                     boolean observe) {
        GnnQuantSettings q = config.getQuant();
        if (!q.quantized()) {
            return new ActivationQuantization.Result(x, null, Double.NaN);
        }
        ActivationQuantization.Result r = RowMaskedQuantization.apply(x, protectedRows, q.activations(), q.schedule(),
                param(key), step(), training, observe);
        if (key.equals(GnnParams.OUTPUT_RANGE) && !Double.isNaN(r.clippedFraction())) {
            clippedFraction = r.clippedFraction();
        }
        return r;
    }

    /**
     * The quantized sum aggregation {@code Q_aggr(sum_{e: dst_e = i} m_e)} of messages quantized by
     * {@code Q_msg} (observer under {@link GnnParams#AGGREGATE_RANGE}, rows of protected nodes left
     * in float): the float sum observed and fake-quantized, then, where every summand of a row is on
     * {@code Q_msg}'s grid, the integer model's codes ({@link IntegerReductions}).
     *
     * @param messages the quantized messages: one row per edge, or per node when {@code sources} is given
     * @param sources per edge the row of {@code messages} it carries, or null (row {@code e})
     * @param targets per edge its target node
     * @param floatMessages per row of {@code messages} whether it stayed in float (protected), or null
     * @param protectedNodes the protected nodes, or null
     * @param training training mode
     * @return values, gradient mask (null: ones) and clipped fraction
     */
    protected ActivationQuantization.Result quantizeAggregate(INDArray messages, int[] sources, int[] targets,
                                                              boolean[] floatMessages, boolean[] protectedNodes,
                                                              boolean training) {
        int n = (int) inputs[0].size(0);
        INDArray sum = sources == null ? MessagePassing.scatterAddRows(messages, targets, n)
                : MessagePassing.gatherScatterAdd(messages, sources, targets, null, n);
        ActivationQuantization.Result a = quantize(GnnParams.AGGREGATE_RANGE, sum, protectedNodes, training);
        AffineQuantParams[] p = integerModelParams(GnnParams.MESSAGE_RANGE, GnnParams.AGGREGATE_RANGE);
        if (p == null) {
            return a;
        }
        INDArray values = IntegerReductions.aggregate(a.values(), messages, sources, targets, floatMessages, protectedNodes,
                p[0], p[1], where());
        return new ActivationQuantization.Result(values, a.gradMask(), a.clippedFraction());
    }

    /**
     * The quantizers under {@code keys} as the integer model has them (float32 scales,
     * {@link ActivationQuantization#float32Params}, as the exporter writes them), when this forward
     * pass can compute with the integer model's kernels: a quantized FLOAT network whose schedule
     * quantizes at this step and whose observers under {@code keys} have all seen data.
     *
     * @param keys observer parameter keys
     * @return their parameters in the order of {@code keys}, or null when the pass cannot
     */
    protected AffineQuantParams[] integerModelParams(String... keys) {
        GnnQuantSettings q = config.getQuant();
        if (!q.quantized() || !q.schedule().quantizing(step()) || dataType != DataType.FLOAT) {
            return null;
        }
        AffineQuantParams[] p = new AffineQuantParams[keys.length];
        for (int k = 0; k < keys.length; k++) {
            INDArray state = param(keys[k]);
            if (!RangeObserver.initialized(state)) {
                return null;
            }
            p[k] = ActivationQuantization.float32Params(q.activations(), state);
        }
        return p;
    }

    /**
     * Updates the observer under {@code key} from the rows {@code rows} of {@code x} (repeats
     * allowed: a row listed {@code k} times weighs {@code k} times in a percentile), in training
     * while the schedule observes.
     *
     * @param key the observer's parameter key
     * @param x the values {@code [n, C]}
     * @param rows the rows observed
     * @param training training mode
     */
    protected void observeRows(String key, INDArray x, int[] rows, boolean training) {
        GnnQuantSettings q = config.getQuant();
        if (!q.quantized() || !training || !q.schedule().observing(step()) || rows.length == 0) {
            return;
        }
        RangeObserver.observe(q.activations().observer(), MessagePassing.gatherRows(x, rows), param(key));
    }

    /**
     * Fake-quantizes a weight matrix {@code [nIn, nOut]} with one scale per output column (the
     * dense layer's convention), when the schedule quantizes.
     *
     * @param w the weights
     * @return effective weights and their clipped-STE mask (null: ones)
     */
    protected FakeQuant.Masked quantizeWeights(INDArray w) {
        GnnQuantSettings q = config.getQuant();
        if (!q.quantized() || !q.schedule().quantizing(step())) {
            return new FakeQuant.Masked(w, null);
        }
        FakeQuant.Masked m = WeightFakeQuant.apply(w.transpose(), q.weights(), q.weights().ste() == SteMode.CLIPPED);
        return new FakeQuant.Masked(m.values().transpose(), m.mask() == null ? null : m.mask().transpose());
    }

    /**
     * The bias of a dense product {@code x W + b} as the integer model adds it
     * ({@link IntegerBias#represented}), with {@code S_in} the float32 scale of the input quantizer
     * under {@code inputKey} (as exported) and {@code S_w[c]} the scale of weight column {@code c}.
     * The float bias when the layer does not quantize (FP32, warm-up) or the input quantizer has not
     * observed yet.
     *
     * @param bias the float bias {@code [1, nOut]}
     * @param inputKey the observer key of the product's input quantizer
     * @param weights the float weights {@code [nIn, nOut]}
     * @return the bias to add
     */
    protected INDArray integerBias(INDArray bias, String inputKey, INDArray weights) {
        GnnQuantSettings q = config.getQuant();
        INDArray state = param(inputKey);
        if (!q.quantized() || !q.schedule().quantizing(step()) || !RangeObserver.initialized(state)) {
            return bias;
        }
        double inputScale = ActivationQuantization.float32Params(q.activations(), state).scale();
        double[] scales = WeightFakeQuant.rowScales(weights.transpose(), q.weights()).castTo(DataType.FLOAT)
                .castTo(DataType.DOUBLE).reshape(weights.size(1)).toDoubleVector();
        return IntegerBias.represented(bias, inputScale, scales);
    }

    /**
     * Glorot (Xavier) uniform initialization, {@code U(-l, l)} with {@code l = sqrt(6 / (fanIn + fanOut))}
     * (Glorot and Bengio, AISTATS 2010; PyG's {@code glorot}), from ND4J's generator, which DL4J
     * seeds from the network's configuration.
     *
     * @param w the weight view, filled in place
     * @param fanIn inputs per output
     * @param fanOut outputs per input
     */
    protected static void glorotUniform(INDArray w, long fanIn, long fanOut) {
        uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    /** Fills {@code v} in place from {@code U(-limit, limit)} with ND4J's (seeded) generator. */
    protected static void uniform(INDArray v, double limit) {
        v.assign(Nd4j.rand(v.dataType(), v.shape()).muli(2 * limit).subi(limit));
    }

    /**
     * @return the state kept by the last training forward pass
     * @throws IllegalStateException when there was none
     */
    protected P requirePass() {
        if (pass == null) {
            throw new IllegalStateException(where() + ": backward pass without a training forward pass");
        }
        return pass;
    }

    /**
     * The node transform of GCN and GAT, {@code f = Q_feat(Q_in(x) Q_w(W))}, with what its backward
     * pass needs.
     *
     * @param input the quantized input and its mask
     * @param weights the effective weights and their mask
     * @param features the quantized features and their mask
     */
    protected record Transform(ActivationQuantization.Result input, FakeQuant.Masked weights,
                               ActivationQuantization.Result features) {
    }

    /**
     * @param x node features
     * @param protectedNodes the protected nodes, or null
     * @param training training mode
     * @return {@code Q_feat(Q_in(x) Q_w(W))} with the weights under {@link GnnParams#WEIGHT}
     */
    protected Transform transform(INDArray x, boolean[] protectedNodes, boolean training) {
        ActivationQuantization.Result xq = quantize(GnnParams.INPUT_RANGE, x, protectedNodes, training);
        FakeQuant.Masked w = quantizeWeights(param(GnnParams.WEIGHT));
        return new Transform(xq, w, quantize(GnnParams.FEATURE_RANGE, xq.values().mmul(w.values()), protectedNodes, training));
    }

    /**
     * Backward pass of {@link #transform}: writes the weight gradient.
     *
     * @param t the forward transform
     * @param gFeatures gradient of the quantized features
     * @param weightGradient the weight's gradient view, written
     * @return the gradient of {@code x}
     */
    protected static INDArray transformBackward(Transform t, INDArray gFeatures, INDArray weightGradient) {
        return linearBackward(t.input().values(), t.input().gradMask(), t.weights(),
                masked(gFeatures, t.features().gradMask()), weightGradient);
    }

    /**
     * Backward pass of {@code y = Q_in(x) Q_w(W)}: writes {@code dW = mask_w (xq^T g)} and returns
     * {@code mask_in (g Q_w(W)^T)}.
     *
     * @param xq the quantized input
     * @param inMask the input quantizer's mask, or null
     * @param w effective weights and their mask
     * @param g gradient of {@code y}
     * @param weightGradient the weight's gradient view, written
     * @return the gradient of {@code x}
     */
    protected static INDArray linearBackward(INDArray xq, INDArray inMask, FakeQuant.Masked w, INDArray g,
                                             INDArray weightGradient) {
        weightGradient.assign(masked(xq.transpose().mmul(g), w.mask()));
        return masked(g.mmul(w.values().transpose()), inMask);
    }

    /**
     * @param weightKey a weight {@code [nIn, nOut]}
     * @param bias bias per output column
     * @return the weight's integer codes per output column, scales and bias as the forward pass
     *     quantizes them, or empty in FP32 mode
     */
    protected Optional<FoldedWeights> denseWeights(String weightKey, INDArray bias) {
        return config.getQuant().quantized()
                ? Optional.of(FoldedWeights.of(param(weightKey).transpose(), config.getQuant().weights(), bias))
                : Optional.empty();
    }

    /**
     * @param g a gradient
     * @param mask a straight-through mask, or null for ones
     * @return {@code g * mask}
     */
    protected static INDArray masked(INDArray g, INDArray mask) {
        return mask == null ? g : g.mul(mask);
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

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException(where() + ": inputs not set");
        }
        INDArray out;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            clearPass();
            out = forward(training);
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException(where() + ": epsilon not set");
        }
        INDArray[] eps;
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            eps = backward(epsilon.castTo(dataType), gradientViews);
        }
        clearPass();
        Gradient g = new DefaultGradient();
        for (ParamLayout.Entry e : config.paramLayout().entries()) {
            if (e.kind() == ParamLayout.Kind.STATE) {
                gradientViews.get(e.key()).assign(0);
            }
            g.setGradientFor(e.key(), gradientViews.get(e.key()));
        }
        INDArray[] out = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = i < eps.length && eps[i] != null
                    ? workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, eps[i].castTo(inputs[i].dataType()))
                    : workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[i].dataType(), inputs[i].shape());
            if (i >= eps.length || eps[i] == null) {
                out[i].assign(0);
            }
        }
        return new Pair<>(g, out);
    }

    @Override
    public void clear() {
        super.clear();
        clearPass();
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        this.gradients = backpropGradientsViewArray;
        this.gradientViews = config.paramLayout().views(backpropGradientsViewArray);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                          int minibatchSize) {
        return null;
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropOnly) {
        return paramViews;
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
        return config.getClass().getSimpleName() + "(" + vertexName + ")";
    }
}
