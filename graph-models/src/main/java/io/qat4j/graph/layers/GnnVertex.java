package io.qat4j.graph.layers;

import io.qat4j.graph.layers.impl.GnnVertexImpl;
import io.qat4j.quant.export.ExportContext;
import io.qat4j.quant.export.Int8Value;
import io.qat4j.quant.layers.QuantizedLayer;
import io.qat4j.quant.layers.impl.FoldedWeights;
import io.qat4j.quant.math.RangeObserver;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.QuantSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The configuration shared by qat4j's graph-layer vertices ({@link GcnVertex}, {@link GinVertex},
 * {@link GatVertex}, {@link GraphPoolVertex}): their {@link GnnQuantSettings}, their training
 * settings, and the {@link QuantizedLayer} contract, so that monitoring, {@code Schedules},
 * TensorBoard and Spark's worker merge treat them like every quantized layer.
 *
 * <p>Parameters follow a {@link ParamLayout}: trained weights and biases with the vertex's updater
 * and regularization, and state (every activation quantizer's observer {@code [min, max,
 * batchesSeen]}, batch-norm running statistics) with a no-op updater, all in the vertex's view of
 * the network's flat parameters (the pattern of quant-layers' {@code QuantAddVertex}). DL4J hands
 * the global updater only to its own {@code SameDiffVertex}, so a graph vertex carries its own:
 * set it on the vertex, or call {@link #inheritGlobalConfig} with the network's
 * {@code NeuralNetConfiguration.Builder} before {@code build()}.
 *
 * <p>Export to the int8 executor ({@link #exportTo}) goes through the executor's graph operators
 * ({@link GnnExport}); a vertex in FP32 mode has no integer form and refuses, naming itself.
 * (Just over 400 lines: DL4J's
 * {@code GraphVertex} and {@code TrainingConfig} plumbing, written once here for every graph vertex.)
 */
public abstract class GnnVertex extends GraphVertex implements TrainingConfig, QuantizedLayer {

    protected long nIn;
    protected GnnQuantSettings quant = GnnQuantSettings.fp32();
    protected IUpdater updater;
    protected IUpdater biasUpdater;
    protected List<Regularization> regularization = new ArrayList<>();
    protected List<Regularization> regularizationBias = new ArrayList<>();
    protected String name;

    /** @return input features per node */
    public long getNIn() {
        return nIn;
    }

    /** @param nIn input features per node */
    public void setNIn(long nIn) {
        this.nIn = nIn;
    }

    /** @return the quantization settings */
    public GnnQuantSettings getQuant() {
        return quant;
    }

    /** @param quant the quantization settings */
    public void setQuant(GnnQuantSettings quant) {
        this.quant = Objects.requireNonNull(quant, "quant");
    }

    /** @return the updater of trained parameters, null until set or inherited */
    public IUpdater getUpdater() {
        return updater;
    }

    /** @param updater the updater of trained parameters */
    public void setUpdater(IUpdater updater) {
        this.updater = updater;
    }

    /** @return the updater of biases, null for {@link #getUpdater()} */
    public IUpdater getBiasUpdater() {
        return biasUpdater;
    }

    /** @param biasUpdater the updater of biases, null for the weights' */
    public void setBiasUpdater(IUpdater biasUpdater) {
        this.biasUpdater = biasUpdater;
    }

    /** @return regularization of weights */
    public List<Regularization> getRegularization() {
        return regularization;
    }

    /** @param regularization regularization of weights (e.g. {@code L2Regularization}, PyTorch's {@code weight_decay}) */
    public void setRegularization(List<Regularization> regularization) {
        this.regularization = regularization == null ? new ArrayList<>() : new ArrayList<>(regularization);
    }

    /** @return regularization of biases */
    public List<Regularization> getRegularizationBias() {
        return regularizationBias;
    }

    /** @param regularizationBias regularization of biases */
    public void setRegularizationBias(List<Regularization> regularizationBias) {
        this.regularizationBias = regularizationBias == null ? new ArrayList<>() : new ArrayList<>(regularizationBias);
    }

    /**
     * Takes the updaters and regularization of a network's global configuration where this vertex
     * has none (what DL4J does for its {@code SameDiffVertex}).
     *
     * @param global the network's configuration builder
     */
    public void applyGlobalConfig(NeuralNetConfiguration.Builder global) {
        if (updater == null) {
            updater = global.getIUpdater();
        }
        if (biasUpdater == null) {
            biasUpdater = global.getBiasUpdater();
        }
        if (regularization.isEmpty() && global.getRegularization() != null) {
            regularization = new ArrayList<>(global.getRegularization());
        }
        if (regularizationBias.isEmpty() && global.getRegularizationBias() != null) {
            regularizationBias = new ArrayList<>(global.getRegularizationBias());
        }
    }

    /**
     * Applies {@link #applyGlobalConfig} to every graph vertex of a graph builder.
     *
     * @param global the network's configuration builder (the one {@code graphBuilder()} was called on)
     * @param graph the graph builder, before {@code build()}
     * @return the graph builder
     */
    public static ComputationGraphConfiguration.GraphBuilder inheritGlobalConfig(NeuralNetConfiguration.Builder global,
            ComputationGraphConfiguration.GraphBuilder graph) {
        for (GraphVertex v : graph.getVertices().values()) {
            if (v instanceof GnnVertex g) {
                g.applyGlobalConfig(global);
            }
        }
        return graph;
    }

    /** @return a short name of the vertex kind for messages, e.g. {@code GcnVertex} */
    protected String kind() {
        return getClass().getSimpleName();
    }

    /** @return the vertex named for messages, e.g. {@code GcnVertex 'gcn1'} */
    public String describe() {
        return kind() + " '" + (name == null ? "?" : name) + "'";
    }

    /** @return the parameters of this configuration, in the order of its flat view */
    public abstract ParamLayout paramLayout();

    /**
     * @return the keys of the observer states of the activation quantizers, in order; the output
     *     quantizer's ({@link GnnParams#OUTPUT_RANGE}) among them; empty in FP32 mode
     */
    public abstract List<String> observerKeys();

    /**
     * Adds an observer state for each key (quantized modes only) to a layout.
     *
     * @param b the layout builder
     * @return the builder
     */
    protected ParamLayout.Builder addObservers(ParamLayout.Builder b) {
        for (String key : observerKeys()) {
            b.add(key, ParamLayout.Kind.STATE, RangeObserver.STATE_SIZE);
        }
        return b;
    }

    /**
     * @param graph the graph
     * @param vertexName the vertex name
     * @param idx the vertex index
     * @param paramsView the vertex's parameter view
     * @param initializeParams whether to initialize the parameters
     * @param dataType network data type
     * @return the implementation
     */
    protected abstract GnnVertexImpl<?, ?> createImpl(ComputationGraph graph, String vertexName, int idx,
                                                  INDArray paramsView, boolean initializeParams, DataType dataType);

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String vertexName, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        this.name = vertexName;
        if (updater == null && paramLayout().entries().stream().anyMatch(e -> e.kind() != ParamLayout.Kind.STATE)) {
            throw new IllegalStateException(describe() + ": no updater; set one on the vertex or call"
                    + " GnnVertex.inheritGlobalConfig(builder, graphBuilder) before build()");
        }
        return createImpl(graph, vertexName, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public long numParams(boolean backprop) {
        return paramLayout().numParams();
    }

    // ---- QuantizedLayer

    @Override
    public QuantSchedule schedule() {
        return quant.schedule();
    }

    @Override
    public Optional<QuantSpec> weightSpec() {
        boolean hasWeights = paramLayout().entries().stream().anyMatch(e -> e.kind() == ParamLayout.Kind.WEIGHT);
        return quant.quantized() && hasWeights ? Optional.of(quant.weights()) : Optional.empty();
    }

    @Override
    public Optional<OutputQuantizer> outputQuantizer() {
        return quant.quantized()
                ? Optional.of(new OutputQuantizer(quant.activations(), GnnParams.OUTPUT_RANGE)) : Optional.empty();
    }

    @Override
    public List<OutputQuantizer> activationQuantizers() {
        List<OutputQuantizer> out = new ArrayList<>();
        outputQuantizer().ifPresent(out::add);
        for (String key : observerKeys()) {
            if (!key.equals(GnnParams.OUTPUT_RANGE)) {
                out.add(new OutputQuantizer(quant.activations(), key));
            }
        }
        return out;
    }

    @Override
    public GnnVertex withSchedule(QuantSchedule newSchedule) {
        GnnVertex copy = clone();
        copy.setQuant(quant.withSchedule(newSchedule));
        return copy;
    }

    @Override
    public Optional<FoldedWeights> exportableWeights(org.deeplearning4j.nn.graph.vertex.GraphVertex vertex) {
        return ((GnnVertexImpl<?, ?>) vertex).exportableWeights();
    }

    /**
     * Adds the vertex's integer form to the artifact ({@link #export}) and registers its output.
     *
     * @throws UnsupportedOperationException in FP32 mode, naming the vertex
     */
    @Override
    public void exportTo(ExportContext context) {
        if (!quant.quantized()) {
            throw new UnsupportedOperationException(kind() + " '" + context.name() + "' is in FP32 mode, which has no integer"
                    + " form: train it with QAT or Degree-Quant to export it");
        }
        context.setOutput(export(new GnnExport(context, this)));
    }

    /**
     * The vertex's integer form, through the executor's ops; at evaluation no node is protected,
     * so Degree-Quant exports as QAT does, with its own (percentile) ranges.
     *
     * @param e the export of this vertex
     * @return its int8 output, named after the vertex
     */
    protected abstract Int8Value export(GnnExport e);

    // ---- TrainingConfig

    @Override
    public String getLayerName() {
        return name;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return switch (paramLayout().kind(paramName)) {
            case WEIGHT -> regularization;
            case BIAS -> regularizationBias;
            case STATE -> List.of();
        };
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return switch (paramLayout().kind(paramName)) {
            case WEIGHT -> updater;
            case BIAS -> biasUpdater != null ? biasUpdater : updater;
            case STATE -> new NoOp();
        };
    }

    @Override
    public GradientNormalization getGradientNormalization() {
        return GradientNormalization.None;
    }

    @Override
    public double getGradientNormalizationThreshold() {
        return 0;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(name, getClass(), inputTypes[0], out)
                .standardMemory(paramLayout().numParams(), 0)
                .workingMemory(0, 0, MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public abstract GnnVertex clone();

    /**
     * Copies the settings of this base class into a clone.
     *
     * @param copy a new instance of the same class
     * @param <T> its type
     * @return the copy
     */
    protected <T extends GnnVertex> T copyBaseInto(T copy) {
        copy.nIn = nIn;
        copy.quant = quant;
        copy.updater = updater == null ? null : updater.clone();
        copy.biasUpdater = biasUpdater == null ? null : biasUpdater.clone();
        copy.regularization = new ArrayList<>(regularization);
        copy.regularizationBias = new ArrayList<>(regularizationBias);
        copy.name = name;
        return copy;
    }

    /**
     * @param o another vertex of the same class
     * @return whether the settings of this base class are equal
     */
    protected boolean baseEquals(GnnVertex o) {
        return nIn == o.nIn && quant.equals(o.quant) && Objects.equals(updater, o.updater) && Objects.equals(biasUpdater, o.biasUpdater)
                && regularization.equals(o.regularization) && regularizationBias.equals(o.regularizationBias);
    }

    /** @return a hash of the settings of this base class */
    protected int baseHashCode() {
        return Objects.hash(nIn, quant, updater, biasUpdater, regularization, regularizationBias);
    }

    /**
     * Checks the vertex's own settings.
     *
     * @throws IllegalArgumentException naming the setting
     */
    protected abstract void validate();

    /**
     * @param value a size
     * @param what its name
     * @throws IllegalArgumentException unless positive
     */
    protected void requirePositive(long value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(kind() + ": " + what + " must be positive, got " + value);
        }
    }

    /**
     * @param activation an output activation
     * @throws IllegalArgumentException unless IDENTITY or RELU (what the integer model applies as a clamp)
     */
    protected void requireClampActivation(Activation activation) {
        if (activation != Activation.IDENTITY && activation != Activation.RELU) {
            throw new IllegalArgumentException(kind() + ": activation must be IDENTITY or RELU (a clamp in the integer"
                    + " model), got " + activation);
        }
    }

    /**
     * Checks the node-feature input type of a vertex.
     *
     * @param expectedWidth expected feature count
     * @param vertexInputs the input types
     * @param min fewest inputs
     * @param max most inputs
     * @return the node-feature input type
     * @throws org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException on a mismatch
     */
    protected InputType checkInputs(long expectedWidth, InputType[] vertexInputs, int min, int max) {
        if (vertexInputs.length < min || vertexInputs.length > max) {
            throw new org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException(describe() + " takes " + min + " to " + max
                    + " inputs, got " + vertexInputs.length);
        }
        InputType nodes = vertexInputs[0];
        if (nodes.getType() != InputType.Type.FF || nodes.arrayElementsPerExample() != expectedWidth) {
            throw new org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException(describe() + ": node features must be"
                    + " feed-forward of size nIn = " + expectedWidth + ", got " + nodes);
        }
        return nodes;
    }
}
