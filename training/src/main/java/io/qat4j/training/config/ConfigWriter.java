package io.qat4j.training.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an {@link ExperimentConfig} as YAML with every default spelled out: the effective
 * configuration of a run, stored with each run and checkpoint for provenance. Reading the output
 * with {@link ExperimentConfigLoader} gives an equal record. Keys appear in schema order; strings
 * that YAML would read as something else (numbers, booleans, null) are quoted.
 */
public final class ConfigWriter {

    /** First line of every written config. */
    static final String HEADER =
            "# Effective qat4j experiment config: every default written out.\n";

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ConfigWriter() {
    }

    /**
     * @param config a configuration
     * @return it as YAML, starting with a comment line
     */
    public static String toYaml(ExperimentConfig config) {
        try {
            return HEADER + MAPPER.writeValueAsString(tree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /**
     * Writes the YAML to a file atomically: to a temporary file in the same folder, then renamed
     * over the target, so that readers never see a partial file.
     *
     * @param config a configuration
     * @param file target file; its folder must exist
     * @throws UncheckedIOException when writing fails
     */
    public static void write(ExperimentConfig config, Path file) {
        try {
            io.qat4j.executor.io.AtomicFiles.write(file, toYaml(config).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config to " + file, e);
        }
    }

    private static ObjectNode tree(ExperimentConfig c) {
        ObjectNode root = NODES.objectNode();
        root.put("name", c.name());
        root.put("seed", c.seed());

        ObjectNode dataset = root.putObject("dataset");
        dataset.put("name", c.dataset().name().yamlName());
        if (c.dataset().path().isPresent()) {
            dataset.put("path", c.dataset().path().get().toString());
        } else {
            dataset.putNull("path");
        }
        dataset.put("validationFraction", c.dataset().validationFraction());

        ObjectNode model = root.putObject("model");
        ObjectNode input = model.putObject("input");
        input.put("channels", c.model().input().channels());
        input.put("height", c.model().input().height());
        input.put("width", c.model().input().width());
        ArrayNode layers = model.putArray("layers");
        for (LayerConfig layer : c.model().layers()) {
            layers.add(layer(layer));
        }

        QuantizationConfig q = c.quantization();
        ObjectNode quantization = root.putObject("quantization");
        quantization.put("enabled", q.enabled());
        ObjectNode weights = quantization.putObject("weights");
        weights.put("bits", q.weights().bits());
        weights.put("granularity", ConfigChoices.GRANULARITY.yamlName(q.weights().granularity()));
        weights.put("observer", ConfigChoices.WEIGHT_OBSERVER.yamlName(q.weights().observer()));
        weights.put("percentile", q.weights().percentile());
        ObjectNode activations = quantization.putObject("activations");
        activations.put("bits", q.activations().bits());
        activations.put("observer", ConfigChoices.OBSERVER.yamlName(q.activations().observer()));
        activations.put("momentum", q.activations().momentum());
        activations.put("percentile", q.activations().percentile());
        quantization.put("ste", ConfigChoices.STE.yamlName(q.ste()));
        ObjectNode schedule = quantization.putObject("schedule");
        schedule.put("fp32WarmupSteps", q.schedule().fp32WarmupSteps());
        stepOrNever(schedule, "freezeObserversStep", q.schedule().freezeObserversStep());
        stepOrNever(schedule, "freezeBatchNormStep", q.schedule().freezeBatchNormStep());

        TrainingConfig t = c.training();
        ObjectNode training = root.putObject("training");
        training.put("epochs", t.epochs());
        training.put("batchSize", t.batchSize());
        ObjectNode optimizer = training.putObject("optimizer");
        optimizer.put("type", t.optimizer().type().yamlName());
        optimizer.put("learningRate", t.optimizer().learningRate());
        optimizer.put("weightDecay", t.optimizer().weightDecay());
        if (OptimizerConfig.usesMomentum(t.optimizer().type())) {
            optimizer.put("momentum", t.optimizer().momentum());
        }
        ObjectNode lr = training.putObject("lrSchedule");
        lr.put("type", t.lrSchedule().type().yamlName());
        if (t.lrSchedule() instanceof LrScheduleConfig.Cosine cosine) {
            lr.put("minLearningRate", cosine.minLearningRate());
        } else if (t.lrSchedule() instanceof LrScheduleConfig.Step step) {
            lr.put("stepSize", step.stepSize());
            lr.put("gamma", step.gamma());
        }
        training.put("checkpointEverySteps", t.checkpointEverySteps());
        training.put("logEverySteps", t.logEverySteps());
        training.put("evaluateEveryEpochs", t.evaluateEveryEpochs());

        ObjectNode output = root.putObject("output");
        output.put("dir", c.output().dir().toString());
        output.put("tensorboard", c.output().tensorboard());
        output.put("histogramsEverySteps", c.output().histogramsEverySteps());
        return root;
    }

    /** A schedule step; a negative one ("never") is written as null. */
    private static void stepOrNever(ObjectNode parent, String key, long step) {
        if (step >= 0) {
            parent.put(key, step);
        } else {
            parent.putNull(key);
        }
    }

    private static ObjectNode layer(LayerConfig layer) {
        ObjectNode n = NODES.objectNode();
        n.put("type", layer.type().yamlName());
        if (layer instanceof Conv2dLayerConfig c) {
            n.put("filters", c.filters());
            n.set("kernel", size(c.kernel()));
            n.set("stride", size(c.stride()));
            if (c.padding().mode() == PaddingMode.EXPLICIT) {
                n.put("padding", c.padding().amount());
            } else {
                n.put("padding", c.padding().mode().yamlName());
            }
            n.set("dilation", size(c.dilation()));
            n.put("batchNorm", c.batchNorm());
            n.put("activation", c.activation().yamlName());
        } else if (layer instanceof MaxPoolLayerConfig p) {
            n.set("kernel", size(p.kernel()));
            n.set("stride", size(p.stride()));
        } else if (layer instanceof AvgPoolLayerConfig p) {
            n.set("kernel", size(p.kernel()));
            n.set("stride", size(p.stride()));
        } else if (layer instanceof ResidualLayerConfig r) {
            n.put("filters", r.filters());
            n.put("stride", r.stride());
        } else if (layer instanceof DenseLayerConfig d) {
            n.put("units", d.units());
            n.put("activation", d.activation().yamlName());
            n.put("batchNorm", d.batchNorm());
        } else if (layer instanceof DropoutLayerConfig d) {
            n.put("rate", d.rate());
        } else if (layer instanceof OutputLayerConfig o) {
            n.put("classes", o.classes());
        }
        if (layer.weightBits().isPresent()) {
            n.put("weightBits", layer.weightBits().getAsInt());
        }
        return n;
    }

    private static com.fasterxml.jackson.databind.JsonNode size(Size2d size) {
        if (size.isSquare()) {
            return NODES.numberNode(size.height());
        }
        ArrayNode pair = NODES.arrayNode();
        pair.add(size.height());
        pair.add(size.width());
        return pair;
    }
}
