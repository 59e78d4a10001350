package io.qat4j.training.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qat4j.training.config.binding.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One malformed configuration per case: each must fail with a {@link ConfigException} whose
 * message has a line naming the source and the line (or the {@code --set} override), the key path
 * and what is wrong.
 */
class MalformedConfigTest {

    private static final String SOURCE = "bad.yaml";

    /** A valid config; the cases edit it line by line (line numbers in the comments). */
    private static final String BASE = String.join("\n",
            "name: t",                                            // 1
            "dataset:",                                           // 2
            "  name: fashion-mnist",                              // 3
            "model:",                                             // 4
            "  input: {channels: 1, height: 28, width: 28}",      // 5
            "  layers:",                                          // 6
            "    - {type: conv2d, filters: 8, kernel: 3}",        // 7
            "    - {type: maxpool, kernel: 2}",                   // 8
            "    - {type: output, classes: 10}",                  // 9
            "quantization:",                                      // 10
            "  weights: {bits: 8}",                               // 11
            "  activations: {bits: 8}",                           // 12
            "training:",                                          // 13
            "  epochs: 2",                                        // 14
            "  batchSize: 32",                                    // 15
            "  optimizer: {type: adam, learningRate: 0.001}",     // 16
            "");

    /**
     * @param edits 1-based line number, replacement text (may hold several lines; {@code #}
     *     blanks a line without shifting the others)
     * @return BASE with the lines replaced
     */
    private static String edit(Object... edits) {
        List<String> lines = new ArrayList<>(Arrays.asList(BASE.split("\n", -1)));
        Map<Integer, String> byLine = new TreeMap<>();
        for (int i = 0; i < edits.length; i += 2) {
            byLine.put((Integer) edits[i], (String) edits[i + 1]);
        }
        byLine.forEach((line, text) -> lines.set(line - 1, text));
        return String.join("\n", lines);
    }

    private static Arguments file(String name, String yaml, String path, int line,
            String fragment) {
        return Arguments.of(name, yaml, List.of(), path, SOURCE + ":" + line + ":", line,
                fragment);
    }

    private static Arguments override(String name, String override, String path,
            String fragment) {
        return Arguments.of(name, BASE, List.of(override), path, "--set " + override + ":", 0,
                fragment);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                file("unknown top-level key", edit(1, "name: t\nfoo: 1"), "foo", 2,
                        "unknown key `foo` at the top level; expected one of: name, seed"),
                file("unknown nested key with suggestion", edit(14, "  epohcs: 2"),
                        "training.epohcs", 14, "unknown key `epohcs` under `training` (did you"
                                + " mean `epochs`?); expected one of: epochs, batchSize"),
                file("snake_case key suggests camelCase", edit(15, "  batch_size: 32"),
                        "training.batch_size", 15, "did you mean `batchSize`?"),
                file("weight bits 0", edit(11, "  weights: {bits: 0}"),
                        "quantization.weights.bits", 11, "must be between 2 and 8, got 0"),
                file("activation bits 9", edit(12, "  activations: {bits: 9}"),
                        "quantization.activations.bits", 12, "must be between 2 and 8, got 9"),
                file("layer weightBits 1", edit(7, "    - {type: conv2d, filters: 8, kernel: 3,"
                        + " weightBits: 1}"), "model.layers[0].weightBits", 7,
                        "must be between 2 and 8, got 1"),
                file("negative learning rate", edit(16, "  optimizer: {type: adam, learningRate:"
                        + " -0.001}"), "training.optimizer.learningRate", 16,
                        "must be > 0, got -0.001"),
                file("zero learning rate", edit(16, "  optimizer: {type: adam, learningRate: 0}"),
                        "training.optimizer.learningRate", 16, "must be > 0, got 0"),
                file("degree-quant with the cnn family", edit(12, "  activations: {bits: 8}\n"
                        + "  method: degree-quant"), "quantization.method", 13, "`degree-quant` is not a"
                                + " method of model family `cnn`, which supports: qat"),
                file("step schedule in steps and epochs", edit(16, "  optimizer: {type: adam, learningRate:"
                        + " 0.001}\n  lrSchedule: {type: step, stepSize: 10, stepEpochs: 5}"),
                        "training.lrSchedule.stepEpochs", 17, "give the interval of lrSchedule type `step`"
                                + " once: `stepSize` (optimizer steps) or `stepEpochs` (epochs), not both"),
                file("step schedule without an interval", edit(16, "  optimizer: {type: adam, learningRate:"
                        + " 0.001}\n  lrSchedule: {type: step, gamma: 0.5}"), "training.lrSchedule.stepSize", 17,
                        "missing required key `stepSize` under `training.lrSchedule`: lrSchedule type `step`"
                                + " decays every `stepSize` optimizer steps or every `stepEpochs` epochs"),
                file("step schedule of 0 epochs", edit(16, "  optimizer: {type: adam, learningRate:"
                        + " 0.001}\n  lrSchedule: {type: step, stepEpochs: 0}"), "training.lrSchedule.stepEpochs",
                        17, "must be between 1 and 100000, got 0"),
                file("model selection without a validation split", edit(15, "  batchSize: 32\n"
                        + "  select: best-validation-loss"), "training.select", 16, "`best-validation-loss` ranks"
                                + " epochs by their validation loss, but dataset `fashion-mnist` (format idx)"
                                + " has no validation split; set dataset.validationFraction above 0"),
                file("model selection evaluating every other epoch", edit(3, "  {name: fashion-mnist,"
                        + " validationFraction: 0.1}", 15, "  batchSize: 32\n  select: best-validation-loss\n"
                        + "  evaluateEveryEpochs: 2"), "training.evaluateEveryEpochs", 17, "must be 1 with select"
                                + " `best-validation-loss` (training.select), which compares every epoch's"
                                + " validation loss; got 2"),
                file("missing dataset", edit(2, "#", 3, "#"), "dataset", 1,
                        "missing required key `dataset`"),
                file("missing dataset.name", edit(3, "  path: /data"), "dataset.name", 2,
                        "missing required key `name` under `dataset`"),
                file("null dataset.name", edit(3, "  name: null"), "dataset.name", 3,
                        "a value is required, got null"),
                file("unknown dataset", edit(3, "  name: fashion-mnst"), "dataset.name", 3,
                        "unknown dataset `fashion-mnst` (did you mean `fashion-mnist`?); expected"
                                + " one of: fashion-mnist (or, for any dataset in a known format,"
                                + " `format` (idx, planetoid, tu, gin-text, smiles-csv) and `path`)"),
                file("unknown dataset format", edit(3, "  {name: fashion-mnist,"
                        + " format: glue-tsv}"), "dataset.format", 3, "unknown dataset format `glue-tsv`;"
                                + " expected one of: idx, planetoid, tu, gin-text, smiles-csv"),
                file("dataset format without a path", edit(2, "dataset: {format: idx}", 3, "#"),
                        "dataset.path", 2, "missing required key `path` under `dataset`: a"
                                + " dataset given by its `format` needs the folder that holds it"),
                file("dataset name that is not a folder name", edit(2, "dataset: {format: idx,"
                        + " name: ../x}", 3, "#"), "dataset.name", 2,
                        "must be a plain folder name"),
                file("key of the dataset's format misspelt", edit(3, "  name: fashion-mnist\n"
                        + "  trainImage: x"), "dataset.trainImage", 4, "unknown key `trainImage`"
                                + " under `dataset` (did you mean `trainImages`?); expected one of:"
                                + " name, format, path, validationFraction, trainImages"),
                file("model family transformer is not available yet", edit(4, "model:\n  family:"
                        + " transformer"), "model.family", 5, "model family `transformer`"
                                + " (BERT-style transformers with Q-BERT quantization) is not"
                                + " available in this version; available: cnn, gnn"),
                file("unknown model family", edit(4, "model:\n  family: cnnn"), "model.family", 5,
                        "unknown model family `cnnn` (did you mean `cnn`?); expected one of: cnn, gnn"),
                file("key of another family", edit(5, "  input: {channels: 1, height: 28,"
                        + " width: 28}\n  heads: 4"), "model.heads", 6, "unknown key `heads` under"
                                + " `model`; expected one of: family, input, layers"),
                file("unknown layer type", edit(8, "    - {type: pool, kernel: 2}"),
                        "model.layers[1].type", 8, "unknown layer type `pool`"),
                file("missing layer type", edit(8, "    - {kernel: 2}"), "model.layers[1].type", 8,
                        "missing required key `type`; expected one of: conv2d, maxpool"),
                file("missing filters", edit(7, "    - {type: conv2d, kernel: 3}"),
                        "model.layers[0].filters", 7, "missing required key `filters`"),
                file("filters 0", edit(7, "    - {type: conv2d, filters: 0, kernel: 3}"),
                        "model.layers[0].filters", 7, "must be between 1 and 65536, got 0"),
                file("unknown key for the layer type", edit(7, "    - {type: conv2d, filters: 8,"
                        + " kernel: 3, units: 4}"), "model.layers[0].units", 7,
                        "unknown key `units` for layer type `conv2d`"),
                file("string where integer expected", edit(15, "  batchSize: ten"),
                        "training.batchSize", 15, "expected an integer, got string 'ten'"),
                file("fraction where integer expected", edit(14, "  epochs: 2.5"),
                        "training.epochs", 14, "expected an integer, got number 2.5"),
                file("list where mapping expected", edit(5, "  input: [1, 28, 28]"),
                        "model.input", 5, "expected a mapping, got a list"),
                file("mapping where list expected", edit(6, "  layers: {type: flatten}", 7, "#",
                        8, "#", 9, "#"), "model.layers", 6, "expected a list of layers, got a"
                                + " mapping"),
                file("quoted boolean", edit(11, "  enabled: 'true'"), "quantization.enabled", 11,
                        "expected a boolean (true or false), got string 'true'"),
                file("bad granularity", edit(11, "  weights: {bits: 8, granularity: per-layer}"),
                        "quantization.weights.granularity", 11,
                        "unknown granularity `per-layer`; expected one of: per-tensor,"
                                + " per-channel"),
                file("bad activation observer", edit(12, "  activations: {observer: mean}"),
                        "quantization.activations.observer", 12,
                        "expected one of: minmax, ema, percentile"),
                file("ema observer for weights", edit(11, "  weights: {observer: ema}"),
                        "quantization.weights.observer", 11,
                        "unknown observer `ema`; expected one of: minmax, percentile"),
                file("ema observer for weights says why", edit(11, "  weights: {observer: ema}"),
                        "quantization.weights.observer", 11, "expected one of: minmax,"
                                + " percentile (`ema` is for activations only: weights take their"
                                + " range from the current tensor"),
                file("per-group granularity is not offered yet", edit(11, "  weights: {bits: 8,"
                        + " granularity: per-group}"), "quantization.weights.granularity", 11,
                        "unknown granularity `per-group`; expected one of: per-tensor, per-channel"
                                + " (per-group scales are not offered in the config yet)"),
                file("unknown ste", edit(12, "  activations: {bits: 8}\n  ste: clip"),
                        "quantization.ste", 13, "unknown ste `clip` (did you mean `clipped`?);"
                                + " expected one of: plain, clipped"),
                file("ste of the wrong type", edit(12, "  activations: {bits: 8}\n  ste: [plain]"),
                        "quantization.ste", 13, "expected one of: plain, clipped, got a list"),
                file("negative freeze step", edit(12, "  activations: {bits: 8}\n  schedule:"
                        + " {freezeBatchNormStep: -1}"),
                        "quantization.schedule.freezeBatchNormStep", 13, "must be >= 0, got -1"),
                file("momentum out of range", edit(12, "  activations: {momentum: 0}"),
                        "quantization.activations.momentum", 12, "must be in (0, 1], got 0"),
                file("dropout rate 1.0", edit(8, "    - {type: dropout, rate: 1.0}"),
                        "model.layers[1].rate", 8, "must be in [0, 1), got 1.0"),
                file("output layer not last", edit(8, "    - {type: output, classes: 10}",
                        9, "    - {type: dropout, rate: 0.5}"), "model.layers[1]", 8,
                        "the `output` layer must be the last layer, but 1 layer follows it"),
                file("two output layers", edit(8, "    - {type: output, classes: 10}"),
                        "model.layers[2]", 9, "a second `output` layer; the model must have"
                                + " exactly one, the last (the first is model.layers[1]"
                                + " at line 8)"),
                file("no output layer", edit(9, "    - {type: dense, units: 10}"), "model.layers",
                        6, "the last layer must be of type `output`"),
                file("empty layers", edit(6, "  layers: []", 7, "#", 8, "#", 9, "#"),
                        "model.layers", 6, "must contain at least one layer"),
                file("batchSize 0", edit(15, "  batchSize: 0"), "training.batchSize", 15,
                        "must be between 1 and 65536, got 0"),
                file("maxpool bigger than its input", edit(8, "    - {type: maxpool, kernel: 27}"),
                        "model.layers[1].kernel", 8, "maxpool kernel 27x27 is larger than its"
                                + " 26x26 input"),
                file("conv kernel bigger than the input", edit(5, "  input: {channels: 1, height:"
                        + " 2, width: 2}", 2, "dataset: {format: idx, path: /data/tiny}", 3, "#"),
                        "model.layers[0].kernel", 7,
                        "conv2d kernel 3x3 does not fit its input of 2x2"),
                file("spatial layer after flatten", edit(8, "    - {type: flatten}",
                        9, "    - {type: maxpool, kernel: 2}\n    - {type: output, classes: 10}"),
                        "model.layers[2]", 9, "needs a spatial input"),
                file("input shape differs from the dataset's", edit(5, "  input: {channels: 3,"
                        + " height: 28, width: 28}"), "model.input", 5,
                        "dataset `fashion-mnist` has 1x28x28 images"),
                file("classes differ from the dataset's", edit(9, "    - {type: output, classes:"
                        + " 7}"), "model.layers[2].classes", 9,
                        "dataset `fashion-mnist` has 10 classes, but the output layer has 7"),
                file("run name with a space", edit(1, "name: my run"), "name", 1,
                        "must consist of letters, digits"),
                file("freezeObserversStep before fp32WarmupSteps", edit(12, "  activations: {bits:"
                        + " 8}\n  schedule: {fp32WarmupSteps: 100, freezeObserversStep: 10}"),
                        "quantization.schedule.freezeObserversStep", 13,
                        "must be at or after fp32WarmupSteps ({steps: 100}), got {steps: 10}: observer"
                                + " ranges cannot be frozen before fake quantization starts"),
                file("unknown optimizer type", edit(16, "  optimizer: {type: adamx}"),
                        "training.optimizer.type", 16, "unknown optimizer type `adamx` (did you"
                                + " mean `adam`?); expected one of: adam, sgd, nesterovs, adamw"),
                file("unknown padding", edit(7, "    - {type: conv2d, filters: 8, kernel: 3,"
                        + " padding: sam}"), "model.layers[0].padding", 7, "unknown padding `sam`"
                                + " (did you mean `same`?); expected same, valid or an integer"),
                file("kernel list of three", edit(7, "    - {type: conv2d, filters: 8, kernel:"
                        + " [3, 3, 3]}"), "model.layers[0].kernel", 7,
                        "expected an integer or a list [height, width], got a list of 3 items"),
                file("momentum with adam", edit(16, "  optimizer: {type: adam, momentum: 0.9}"),
                        "training.optimizer.momentum", 16,
                        "applies only to optimizer types sgd and nesterovs, not to adam"),
                file("lrSchedule key of another type", edit(16, "  optimizer: adam\n  lrSchedule:"
                        + " {type: cosine, gamma: 0.5}"), "training.lrSchedule.gamma", 17,
                        "does not apply to lrSchedule type `cosine`, which takes: minLearningRate"),
                file("step schedule without stepSize", edit(16, "  lrSchedule:\n    type: step"),
                        "training.lrSchedule.stepSize", 16,
                        "missing required key `stepSize` under `training.lrSchedule`"),
                file("bad YAML syntax", edit(14, "  epochs: 2: 3"), "training.epochs", 14,
                        "YAML syntax error: mapping values are not allowed here"),
                file("tab indentation", edit(15, "\tbatchSize: 32"), "training.epochs", 15,
                        "YAML syntax error"),
                file("duplicate key", edit(15, "  epochs: 3"), "training.epochs", 15,
                        "duplicate key `epochs`; it is already set at line 14"),
                file("alias", edit(15, "  batchSize: &b 32\n  logEverySteps: *b"),
                        "training.logEverySteps", 16, "YAML aliases (`*b`) are not supported"),
                file("two documents", BASE + "---\nname: u\n", "<root>", 18,
                        "more than one YAML document"),
                file("empty file", "", "<root>", 1, "the config is empty"),
                file("only a comment", "# nothing yet\n", "<root>", 1, "the config is empty"),
                file("top level is a list", "- name: t\n", "<root>", 1,
                        "the top level must be a mapping"),
                override("bad --set path", "training.epohcs=3", "training.epohcs",
                        "unknown key `epohcs` under `training` (did you mean `epochs`?)"),
                override("bad --set value", "quantization.weights.bits=9",
                        "quantization.weights.bits", "must be between 2 and 8, got 9"),
                override("--set ema observer for weights", "quantization.weights.observer=EMA",
                        "quantization.weights.observer", "unknown observer `EMA`; expected one of:"
                                + " minmax, percentile (`ema` is for activations only: weights"
                                + " take their range from the current tensor"),
                override("--set unknown ste", "quantization.ste=straight",
                        "quantization.ste", "unknown ste `straight`; expected one of: plain,"
                                + " clipped"),
                override("--set string for an integer", "model.layers[0].filters=many",
                        "model.layers[0].filters", "expected an integer, got string 'many'"),
                override("--set index out of range", "model.layers[5].filters=3",
                        "model.layers[5]", "index 5 is out of range: `model.layers` has 3 items"),
                override("--set without =", "training.epochs", "training.epochs",
                        "expected key.path=value"),
                override("--set below a scalar", "training.epochs.max=3", "training.epochs.max",
                        "`training.epochs` is integer 2, not a mapping"),
                override("--set unknown section", "trainig.epochs=3", "trainig",
                        "unknown key `trainig` at the top level (did you mean `training`?)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejected(String name, String yaml, List<String> overrides, String path,
            String location, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfigLoader.parse(yaml, SOURCE, overrides));
        String message = e.getMessage();
        boolean found = message.lines().map(String::strip).anyMatch(l ->
                l.startsWith(location) && l.contains(" " + path + ": ") && l.contains(fragment));
        assertTrue(found, () -> "expected a line starting with '" + location + "', naming '"
                + path + "' and containing '" + fragment + "' in:\n" + message);
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals(path)
                && p.location().line() == line), () -> "no problem at " + path + " line " + line
                        + ": " + e.problems());
    }
}
