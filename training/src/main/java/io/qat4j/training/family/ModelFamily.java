package io.qat4j.training.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ModelConfig;
import io.qat4j.training.config.QuantMethod;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.data.DataSignature;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * A model family, selected by {@code model.family} (DESIGN.md section 8: {@code cnn}, later
 * {@code gnn} and {@code transformer}): the schema of its {@code model} section and everything
 * that follows from it, defined once in the family's own package: the keys, their binding with
 * defaults and validation, writing the bound model back as YAML (the effective
 * {@code config.yaml} of a run), shape inference, the check against the data, and building the
 * DL4J network.
 *
 * <p>Families are found with {@link java.util.ServiceLoader} ({@link ModelFamilies}): adding one
 * is a new class and a line in
 * {@code META-INF/services/io.qat4j.training.family.ModelFamily}, not an edit of a switch.
 * Implementations are stateless and thread-safe.
 */
public interface ModelFamily {

    /** @return the value of {@code model.family} that selects this family, e.g. {@code cnn} */
    String name();

    /** @return what the family builds, for messages and listings */
    String description();

    /** @return the keys of the {@code model} section besides {@code family}, in schema order */
    List<String> keys();

    /**
     * Binds the {@code model} section, filling in defaults and reporting every problem through
     * the section at the offending key or value.
     *
     * @param model the {@code model} section, opened with {@code family} and {@link #keys()}
     * @return the model, or null when a problem was reported
     */
    ModelConfig bind(Section model);

    /**
     * Writes a bound model back with every default spelled out, in schema order, so that binding
     * the output gives an equal record.
     *
     * @param model a model of this family
     * @param out the {@code model} mapping, which already holds {@code family}
     */
    void write(ModelConfig model, ObjectNode out);

    /**
     * Compares the model with the data it is to be trained on.
     *
     * @param model a model of this family
     * @param data what the examples look like
     * @param dataName how messages name the dataset, e.g. {@code dataset `fashion-mnist`}
     * @return every disagreement, each naming the model key at fault and both values; empty when
     *     the model fits the data
     */
    List<DataMismatch> mismatches(ModelConfig model, DataSignature data, String dataName);

    /**
     * Adds the network of a model of this family to a graph whose global settings (seed, updater,
     * regularization, workspaces) are set: the input {@code NetworkBuilder.INPUT}, the layers,
     * the output layer {@code NetworkBuilder.OUTPUT} and the input types.
     *
     * @param graph the graph being built
     * @param config the experiment, whose {@link ExperimentConfig#model()} is of this family
     * @param schedule the quantization schedule of the run in steps, for every quantized layer
     *     ({@code QuantSchedule.NEVER} when quantization is disabled), resolved by the
     *     {@code NetworkBuilder} from {@code quantization.schedule} and the run's length
     */
    void addNetwork(ComputationGraphConfiguration.GraphBuilder graph, ExperimentConfig config,
            QuantSchedule schedule);

    /**
     * The {@code quantization.method}s this family trains with; a config asking a family for another
     * is an error at the line of {@code quantization.method}.
     *
     * @return the supported methods; every family supports {@link QuantMethod#QAT}
     */
    default Set<QuantMethod> quantMethods() {
        return Set.of(QuantMethod.QAT);
    }
}
