package io.qat4j.training.family.cnn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.training.config.ExperimentConfig;
import io.qat4j.training.config.ModelConfig;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.data.DataSignature;
import io.qat4j.training.data.ImageSignature;
import io.qat4j.training.family.DataMismatch;
import io.qat4j.training.family.ModelFamily;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The {@code cnn} model family, the default of {@code model.family}: sequential convolutional and
 * dense networks with quantized residual blocks on image classification data (Jacob et al.,
 * CVPR 2018; He et al., CVPR 2016). Its schema is {@link CnnSchema}, its records
 * {@link CnnModelConfig} and the {@link LayerConfig layers}, its shape inference
 * {@link ShapeInference} and its network {@link CnnNetwork}.
 *
 * <p>Registered in {@code META-INF/services/io.qat4j.training.family.ModelFamily}.
 */
public final class CnnFamily implements ModelFamily {

    /** The value of {@code model.family}. */
    public static final String NAME = "cnn";

    /** Creates the family (instantiated by {@link java.util.ServiceLoader}). */
    public CnnFamily() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "convolutional and dense networks on images";
    }

    @Override
    public List<String> keys() {
        return CnnSchema.MODEL_KEYS;
    }

    @Override
    public ModelConfig bind(Section model) {
        return CnnSchema.bind(model);
    }

    @Override
    public void write(ModelConfig model, ObjectNode out) {
        CnnSchema.write(cnn(model), out);
    }

    /**
     * The model input must have the images' shape and the output layer as many classes as the
     * labels.
     */
    @Override
    public List<DataMismatch> mismatches(ModelConfig model, DataSignature data, String dataName) {
        CnnModelConfig m = cnn(model);
        if (!(data instanceof ImageSignature images)) {
            return List.of(new DataMismatch("input", dataName + " holds " + data.examples()
                    + ", but model family `" + NAME + "` trains on images"));
        }
        List<DataMismatch> out = new ArrayList<>();
        InputShape in = m.input();
        if (in.channels() != images.channels() || in.height() != images.height()
                || in.width() != images.width()) {
            out.add(new DataMismatch("input", dataName + " has " + images.shape()
                    + " images (channels x height x width), but the model input is " + in));
        }
        int classes = m.outputLayer().classes();
        if (classes != images.classCount()) {
            out.add(new DataMismatch("layers[" + (m.layers().size() - 1) + "].classes", dataName
                    + " has " + images.classCount() + " classes, but the output layer has "
                    + classes));
        }
        return out;
    }

    @Override
    public void addNetwork(ComputationGraphConfiguration.GraphBuilder graph,
            ExperimentConfig config, QuantSchedule schedule) {
        CnnNetwork.add(graph, cnn(config.model()), config.quantization(), schedule);
    }

    private static CnnModelConfig cnn(ModelConfig model) {
        if (model instanceof CnnModelConfig m) {
            return m;
        }
        throw new IllegalArgumentException("not a model of family `" + NAME + "`: family `"
                + model.family() + "`");
    }
}
