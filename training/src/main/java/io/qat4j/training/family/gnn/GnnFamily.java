package io.qat4j.training.family.gnn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.graph.layers.GnnQuantSettings;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ModelConfig;
import io.qat4j.training.config.QuantMethod;
import io.qat4j.training.config.QuantizationConfig;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.data.DataSignature;
import io.qat4j.training.data.graph.GraphSignature;
import io.qat4j.training.family.DataMismatch;
import io.qat4j.training.family.ModelFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The {@code gnn} model family: node classifiers, graph classifiers and graph regressors of GCN
 * (Kipf and Welling, ICLR 2017), GIN (Xu et al., ICLR 2019) and GAT (Velickovic et al., ICLR
 * 2018) layers, in full precision, plain QAT or
 * Degree-Quant (Tailor, Fernandez-Marques, Lane, ICLR 2021). Its schema is {@link GnnSchema}, its
 * network {@link GnnNetwork}; the quantization of its layers follows {@code quantization}
 * ({@link #quantSettings}).
 *
 * <p>Registered in {@code META-INF/services/io.qat4j.training.family.ModelFamily}.
 */
public final class GnnFamily implements ModelFamily {

    /** The value of {@code model.family}. */
    public static final String NAME = "gnn";

    /** Creates the family (instantiated by {@link java.util.ServiceLoader}). */
    public GnnFamily() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "graph neural networks (GCN, GIN, GAT) with plain QAT or Degree-Quant";
    }

    @Override
    public List<String> keys() {
        return GnnSchema.MODEL_KEYS;
    }

    @Override
    public ModelConfig bind(Section model) {
        return GnnSchema.bind(model);
    }

    @Override
    public void write(ModelConfig model, ObjectNode out) {
        GnnSchema.write(gnn(model), out);
    }

    /**
     * The model must read as many node features as the graph has, predict at the data's level
     * (a {@code pool} layer for graph-level data, none for node-level data) and output as many
     * classes or regression targets as the data has.
     */
    @Override
    public List<DataMismatch> mismatches(ModelConfig model, DataSignature data, String dataName) {
        GnnModelConfig m = gnn(model);
        if (!(data instanceof GraphSignature graph)) {
            return List.of(new DataMismatch("features", dataName + " holds " + data.examples()
                    + ", but model family `" + NAME + "` trains on graphs"));
        }
        List<DataMismatch> out = new ArrayList<>();
        if (m.features() != graph.features()) {
            out.add(new DataMismatch("features", dataName + " has " + graph.features()
                    + " node features, but the model reads " + m.features()));
        }
        if (m.graphLevel() != graph.graphLevel()) {
            out.add(new DataMismatch("layers", graph.graphLevel()
                    ? dataName + " is labelled per graph (" + graph.task() + "): add a `{type: pool, op: sum|mean|max}`"
                            + " layer after the message-passing layers"
                    : dataName + " is labelled per node (" + graph.task() + "): remove the `pool` layer (and the"
                            + " dense layers after it)"));
        }
        if (m.regression() != graph.regression()) {
            out.add(new DataMismatch("output", dataName + (graph.regression()
                    ? " has " + graph.outputs() + " regression targets: write `output: {regression: "
                            + graph.outputs() + "}`"
                    : " has " + graph.outputs() + " classes: write `output: {classes: " + graph.outputs() + "}`")));
        } else if (m.outputs() != graph.outputs()) {
            String what = graph.regression() ? "regression targets" : "classes";
            out.add(new DataMismatch(graph.regression() ? "output.regression" : "output.classes", dataName + " has "
                    + graph.outputs() + " " + what + ", but the output layer has " + m.outputs()));
        }
        return out;
    }

    @Override
    public void addNetwork(ComputationGraphConfiguration.GraphBuilder graph, ExperimentConfig config,
            QuantSchedule schedule) {
        GnnNetwork.add(graph, gnn(config.model()), quantSettings(config.quantization(), schedule),
                config.quantization(), schedule);
    }

    /** @return plain QAT and Degree-Quant (Tailor et al., ICLR 2021), which protects high-in-degree nodes */
    @Override
    public Set<QuantMethod> quantMethods() {
        return Set.of(QuantMethod.QAT, QuantMethod.DEGREE_QUANT);
    }

    /**
     * The quantization of every graph layer: FP32 when {@code quantization.enabled} is false,
     * otherwise plain QAT or Degree-Quant by {@code quantization.method}, at
     * {@code quantization.activations.bits} (8 or 4, the widths the graph layers support).
     *
     * @param q the {@code quantization} section
     * @param schedule the run's quantization schedule
     * @return the settings of the graph layers
     */
    public static GnnQuantSettings quantSettings(QuantizationConfig q, QuantSchedule schedule) {
        if (!q.enabled()) {
            return GnnQuantSettings.fp32();
        }
        int bits = q.activations().bits();
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("quantization.activations.bits: graph layers quantize to 8 or 4 bits,"
                    + " got " + bits);
        }
        return q.method() == QuantMethod.DEGREE_QUANT ? GnnQuantSettings.degreeQuant(bits, schedule)
                : GnnQuantSettings.qat(bits, schedule);
    }

    private static GnnModelConfig gnn(ModelConfig model) {
        if (model instanceof GnnModelConfig m) {
            return m;
        }
        throw new IllegalArgumentException("not a model of family `" + NAME + "`: family `"
                + model.family() + "`");
    }
}
