package io.qat4j.training.config;

import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.config.YamlNode.ListNode;
import io.qat4j.training.config.YamlNode.MapNode;
import io.qat4j.training.config.YamlNode.ScalarNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Binds a located YAML tree to the {@link ExperimentConfig} records by hand, section by section,
 * filling in defaults and recording every problem with the key path and the location of the
 * offending key or value. A section with a problem yields null, so that rules depending on it are
 * skipped instead of producing follow-up errors.
 *
 * <p>This class is the schema: the key lists below are the only keys accepted.
 */
final class ConfigBinder {

    static final List<String> ROOT_KEYS =
            List.of("name", "seed", "dataset", "model", "quantization", "training", "output");
    static final List<String> DATASET_KEYS = List.of("name", "path", "validationFraction");
    static final List<String> MODEL_KEYS = List.of("input", "layers");
    static final List<String> INPUT_KEYS = List.of("channels", "height", "width");
    static final List<String> QUANTIZATION_KEYS =
            List.of("enabled", "weights", "activations", "ste", "schedule");
    static final List<String> WEIGHTS_KEYS =
            List.of("bits", "granularity", "observer", "percentile");
    static final List<String> ACTIVATIONS_KEYS =
            List.of("bits", "observer", "momentum", "percentile");
    static final List<String> SCHEDULE_KEYS =
            List.of("fp32WarmupSteps", "freezeObserversStep", "freezeBatchNormStep");
    static final List<String> TRAINING_KEYS = List.of("epochs", "batchSize", "optimizer",
            "lrSchedule", "checkpointEverySteps", "logEverySteps", "evaluateEveryEpochs");
    static final List<String> OPTIMIZER_KEYS =
            List.of("type", "learningRate", "weightDecay", "momentum");
    static final List<String> LR_SCHEDULE_KEYS =
            List.of("type", "minLearningRate", "stepSize", "gamma");
    static final List<String> OUTPUT_KEYS = List.of("dir", "tensorboard", "histogramsEverySteps");

    /** Keys of each layer type, {@code type} first. */
    static final Map<LayerType, List<String>> LAYER_KEYS = layerKeys();

    /** Keys that apply to each learning-rate schedule besides {@code type}. */
    private static final Map<LrScheduleType, List<String>> LR_SCHEDULE_PARAMS = Map.of(
            LrScheduleType.CONSTANT, List.of(),
            LrScheduleType.COSINE, List.of("minLearningRate"),
            LrScheduleType.STEP, List.of("stepSize", "gamma"));

    private static final int MIN_BITS = 2;
    private static final int MAX_BITS = 8;

    private final Problems problems;

    ConfigBinder(Problems problems) {
        this.problems = problems;
    }

    private static Map<LayerType, List<String>> layerKeys() {
        Map<LayerType, List<String>> m = new EnumMap<>(LayerType.class);
        m.put(LayerType.CONV2D, List.of("type", "filters", "kernel", "stride", "padding",
                "dilation", "batchNorm", "activation", "weightBits"));
        m.put(LayerType.MAXPOOL, List.of("type", "kernel", "stride"));
        m.put(LayerType.AVGPOOL, List.of("type", "kernel", "stride"));
        m.put(LayerType.GLOBALAVGPOOL, List.of("type"));
        m.put(LayerType.RESIDUAL, List.of("type", "filters", "stride", "weightBits"));
        m.put(LayerType.FLATTEN, List.of("type"));
        m.put(LayerType.DENSE, List.of("type", "units", "activation", "batchNorm", "weightBits"));
        m.put(LayerType.DROPOUT, List.of("type", "rate"));
        m.put(LayerType.OUTPUT, List.of("type", "classes", "weightBits"));
        return m;
    }

    // ---------------------------------------------------------------- sections

    /**
     * @param root the document
     * @return the configuration, or null when any problem was recorded
     */
    ExperimentConfig bind(MapNode root) {
        int before = problems.size();
        Section s = new Section(root, "", root.location(), ROOT_KEYS, "at the top level");
        String name = runName(s);
        Long seed = s.longOr("seed", ExperimentConfig.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        DatasetConfig dataset = dataset(s);
        ModelConfig model = model(s, dataset == null ? null : dataset.name());
        QuantizationConfig quantization = quantization(s);
        TrainingConfig training = training(s);
        OutputConfig output = output(s);
        if (problems.size() > before) {
            return null;
        }
        return new ExperimentConfig(name, seed, dataset, model, quantization, training, output);
    }

    private String runName(Section s) {
        YamlNode n = s.required("name");
        if (n == null) {
            return null;
        }
        String name = text(n, s.path("name"));
        if (name != null && (!ExperimentConfig.NAME_PATTERN.matcher(name).matches()
                || name.equals(".") || name.equals(".."))) {
            problems.add(n.location(), s.path("name"), "must consist of letters, digits, `.`, `_`"
                    + " and `-` (it names the run folder), got '" + name + "'");
            return null;
        }
        return name;
    }

    private DatasetConfig dataset(Section root) {
        YamlNode shorthand = root.value("dataset");
        if (shorthand instanceof ScalarNode) {
            DatasetKind kind = choice(shorthand, root.path("dataset"), DatasetKind.values(),
                    "dataset");
            return kind == null ? null : new DatasetConfig(kind, Optional.empty(),
                    DatasetConfig.DEFAULT_VALIDATION_FRACTION);
        }
        Section d = root.section("dataset", DATASET_KEYS, true);
        if (d == null) {
            return null;
        }
        int before = problems.size();
        DatasetKind kind = d.choiceRequired("name", DatasetKind.values(), "dataset");
        Optional<Path> path = Optional.empty();
        YamlNode p = d.value("path");
        if (p != null) {
            path = Optional.ofNullable(path(p, d.path("path")));
        }
        Double fraction = d.doubleOr("validationFraction",
                DatasetConfig.DEFAULT_VALIDATION_FRACTION, Range.closed(0, 0.5));
        return problems.size() > before ? null : new DatasetConfig(kind, path, fraction);
    }

    private ModelConfig model(Section root, DatasetKind dataset) {
        Section m = root.section("model", MODEL_KEYS, true);
        if (m == null) {
            return null;
        }
        int before = problems.size();
        InputShape input = null;
        Section in = m.section("input", INPUT_KEYS, true);
        if (in != null) {
            Integer c = in.intRequired("channels", 1, Integer.MAX_VALUE);
            Integer h = in.intRequired("height", 1, Integer.MAX_VALUE);
            Integer w = in.intRequired("width", 1, Integer.MAX_VALUE);
            if (c != null && h != null && w != null) {
                input = new InputShape(c, h, w);
                Optional<InputShape> expected =
                        dataset == null ? Optional.empty() : dataset.imageShape();
                if (expected.isPresent() && !expected.get().equals(input)) {
                    problems.add(in.node.location(), m.path("input"), "dataset `"
                            + dataset.yamlName() + "` has " + expected.get()
                            + " images (channels x height x width), but the model input is "
                            + input);
                }
            }
        }
        List<LayerConfig> layers = layers(m, input, dataset);
        return problems.size() > before || input == null || layers == null ? null
                : new ModelConfig(input, layers);
    }

    /** A bound layer with what the cross-layer rules need. */
    private record BoundLayer(LayerType type, LayerConfig config, Section section,
            ConfigLocation location, String path) {
    }

    private List<LayerConfig> layers(Section m, InputShape input, DatasetKind dataset) {
        YamlNode n = m.required("layers");
        if (n == null) {
            return null;
        }
        String path = m.path("layers");
        if (!(n instanceof ListNode list)) {
            typeError(n, path, "a list of layers");
            return null;
        }
        if (list.items().isEmpty()) {
            problems.add(m.keyLocation("layers"), path, "must contain at least one layer; the"
                    + " last one must be of type `output`");
            return null;
        }
        int before = problems.size();
        List<BoundLayer> bound = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            bound.add(layer(list.items().get(i), KeyPaths.index(path, i)));
        }
        checkOutputLayer(bound, m.keyLocation("layers"), path);
        checkShapes(bound, input);
        if (dataset != null && dataset.classes().isPresent()) {
            for (BoundLayer b : bound) {
                if (b.config() instanceof OutputLayerConfig o
                        && o.classes() != dataset.classes().getAsInt()) {
                    problems.add(b.section().valueLocation("classes"), b.section().path("classes"),
                            "dataset `" + dataset.yamlName() + "` has "
                                    + dataset.classes().getAsInt()
                                    + " classes, but the output layer has " + o.classes());
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return bound.stream().map(BoundLayer::config).collect(Collectors.toList());
    }

    private void checkOutputLayer(List<BoundLayer> bound, ConfigLocation listLocation,
            String path) {
        List<BoundLayer> outputs = bound.stream()
                .filter(b -> b.type() == LayerType.OUTPUT).collect(Collectors.toList());
        boolean allTyped = bound.stream().allMatch(b -> b.type() != null);
        if (outputs.isEmpty()) {
            if (allTyped) {
                problems.add(listLocation, path, "the last layer must be of type `output` (the"
                        + " classifier); there is none");
            }
            return;
        }
        BoundLayer first = outputs.get(0);
        for (BoundLayer extra : outputs.subList(1, outputs.size())) {
            problems.add(extra.location(), extra.path(), "a second `output` layer; the model must"
                    + " have exactly one, the last (the first is " + first.path() + " at line "
                    + first.location().line() + ")");
        }
        BoundLayer last = bound.get(bound.size() - 1);
        if (outputs.size() == 1 && last != first) {
            int after = bound.size() - 1 - bound.indexOf(first);
            problems.add(first.location(), first.path(), "the `output` layer must be the last"
                    + " layer, but " + after + (after == 1 ? " layer follows" : " layers follow")
                    + " it");
        }
    }

    private void checkShapes(List<BoundLayer> bound, InputShape input) {
        if (input == null) {
            return;
        }
        ActivationShape shape = ActivationShape.of(input);
        for (BoundLayer b : bound) {
            if (b.config() == null) {
                return;
            }
            try {
                shape = ShapeInference.next(shape, b.config());
            } catch (ShapeInference.ShapeException e) {
                if (e.key() == null) {
                    problems.add(b.location(), b.path(), e.getMessage());
                } else {
                    problems.add(b.section().valueLocation(e.key()), b.section().path(e.key()),
                            e.getMessage());
                }
                return;
            }
        }
    }

    private BoundLayer layer(YamlNode n, String path) {
        if (!(n instanceof MapNode map)) {
            typeError(n, path, "a mapping with a `type` key");
            return new BoundLayer(null, null, null, n.location(), path);
        }
        String typePath = KeyPaths.child(path, "type");
        MapNode.Entry typeEntry = map.get("type");
        List<String> typeNames = ConfigChoices.of(LayerType.values()).names();
        if (typeEntry == null || typeEntry.value().isNull()) {
            problems.add(typeEntry == null ? map.location() : typeEntry.value().location(),
                    typePath, "missing required key `type`; expected one of: "
                            + String.join(", ", typeNames));
            return new BoundLayer(null, null, null, map.location(), path);
        }
        LayerType type = choice(typeEntry.value(), typePath, LayerType.values(), "layer type");
        if (type == null) {
            return new BoundLayer(null, null, null, map.location(), path);
        }
        Section s = new Section(map, path, map.location(), LAYER_KEYS.get(type),
                "for layer type `" + type.yamlName() + "` (" + path + ")");
        int before = problems.size();
        LayerConfig config = switch (type) {
            case CONV2D -> {
                Integer filters = s.intRequired("filters", 1, Integer.MAX_VALUE);
                Size2d kernel = s.sizeRequired("kernel");
                Size2d stride = s.sizeOr("stride", Size2d.square(1));
                Padding padding = s.paddingOr("padding", Padding.VALID);
                Size2d dilation = s.sizeOr("dilation", Size2d.square(1));
                Boolean batchNorm = s.boolOr("batchNorm", false);
                Activation activation = s.choiceOr("activation", Activation.RELU,
                        Activation.values());
                OptionalInt bits = s.weightBits();
                yield problems.size() > before ? null : new Conv2dLayerConfig(filters, kernel,
                        stride, padding, dilation, batchNorm, activation, bits);
            }
            case MAXPOOL, AVGPOOL -> {
                Size2d kernel = s.sizeRequired("kernel");
                Size2d stride = s.sizeOr("stride", kernel);
                if (problems.size() > before) {
                    yield null;
                }
                yield type == LayerType.MAXPOOL ? new MaxPoolLayerConfig(kernel, stride)
                        : new AvgPoolLayerConfig(kernel, stride);
            }
            case GLOBALAVGPOOL -> problems.size() > before ? null : new GlobalAvgPoolLayerConfig();
            case RESIDUAL -> {
                Integer filters = s.intRequired("filters", 1, Integer.MAX_VALUE);
                Integer stride = s.intOr("stride", 1, 1, Integer.MAX_VALUE);
                OptionalInt bits = s.weightBits();
                yield problems.size() > before ? null
                        : new ResidualLayerConfig(filters, stride, bits);
            }
            case FLATTEN -> problems.size() > before ? null : new FlattenLayerConfig();
            case DENSE -> {
                Integer units = s.intRequired("units", 1, Integer.MAX_VALUE);
                Activation activation = s.choiceOr("activation", Activation.RELU,
                        Activation.values());
                Boolean batchNorm = s.boolOr("batchNorm", false);
                OptionalInt bits = s.weightBits();
                yield problems.size() > before ? null
                        : new DenseLayerConfig(units, activation, batchNorm, bits);
            }
            case DROPOUT -> {
                Double rate = s.doubleRequired("rate", Range.closedOpen(0, 1));
                yield problems.size() > before ? null : new DropoutLayerConfig(rate);
            }
            case OUTPUT -> {
                Integer classes = s.intRequired("classes", 2, Integer.MAX_VALUE);
                OptionalInt bits = s.weightBits();
                yield problems.size() > before ? null : new OutputLayerConfig(classes, bits);
            }
        };
        return new BoundLayer(type, config, s, map.location(), path);
    }

    private QuantizationConfig quantization(Section root) {
        if (root.value("quantization") == null) {
            return QuantizationConfig.DISABLED;
        }
        Section q = root.section("quantization", QUANTIZATION_KEYS, false);
        if (q == null) {
            return null;
        }
        int before = problems.size();
        Boolean enabled = q.boolOr("enabled", true);

        WeightQuantConfig weights = null;
        Section w = q.section("weights", WEIGHTS_KEYS, false);
        if (w != null) {
            int wb = problems.size();
            Integer bits = w.intOr("bits", WeightQuantConfig.DEFAULT_BITS, MIN_BITS, MAX_BITS);
            Granularity granularity = w.choiceOr("granularity", Granularity.PER_CHANNEL,
                    ConfigChoices.GRANULARITY);
            ObserverKind observer = w.choiceOr("observer", ObserverKind.MIN_MAX,
                    ConfigChoices.WEIGHT_OBSERVER);
            Double percentile = w.doubleOr("percentile", WeightQuantConfig.DEFAULT_PERCENTILE,
                    Range.closedOpen(0, 0.5));
            if (problems.size() == wb) {
                weights = new WeightQuantConfig(bits, granularity, observer, percentile);
            }
        }

        ActivationQuantConfig activations = null;
        Section a = q.section("activations", ACTIVATIONS_KEYS, false);
        if (a != null) {
            int ab = problems.size();
            Integer bits = a.intOr("bits", ActivationQuantConfig.DEFAULT_BITS, MIN_BITS, MAX_BITS);
            ObserverKind observer = a.choiceOr("observer", ObserverKind.EMA_MIN_MAX,
                    ConfigChoices.OBSERVER);
            Double momentum = a.doubleOr("momentum", ActivationQuantConfig.DEFAULT_MOMENTUM,
                    Range.openClosed(0, 1));
            Double percentile = a.doubleOr("percentile", ActivationQuantConfig.DEFAULT_PERCENTILE,
                    Range.closedOpen(0, 0.5));
            if (problems.size() == ab) {
                activations = new ActivationQuantConfig(bits, observer, momentum, percentile);
            }
        }

        SteMode ste = q.choiceOr("ste", SteMode.CLIPPED, ConfigChoices.STE);

        QuantSchedule schedule = null;
        Section sc = q.section("schedule", SCHEDULE_KEYS, false);
        if (sc != null) {
            int sb = problems.size();
            Long warmup = sc.longOr("fp32WarmupSteps", 0L, 0, Long.MAX_VALUE);
            Long freezeObservers = sc.stepOrNever("freezeObserversStep");
            Long freezeBatchNorm = sc.stepOrNever("freezeBatchNormStep");
            if (problems.size() == sb) {
                if (freezeObservers >= 0 && freezeObservers < warmup) {
                    problems.add(sc.valueLocation("freezeObserversStep"),
                            sc.path("freezeObserversStep"), "must be >= "
                                    + sc.path("fp32WarmupSteps") + " (" + warmup + "), got "
                                    + freezeObservers + ": observer ranges cannot be"
                                    + " frozen before fake quantization starts");
                } else {
                    schedule = new QuantSchedule(warmup, freezeObservers, freezeBatchNorm);
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new QuantizationConfig(enabled, weights, activations, ste, schedule);
    }

    private TrainingConfig training(Section root) {
        Section t = root.section("training", TRAINING_KEYS, false);
        if (t == null) {
            return null;
        }
        int before = problems.size();
        TrainingConfig d = TrainingConfig.DEFAULT;
        Integer epochs = t.intOr("epochs", d.epochs(), 1, Integer.MAX_VALUE);
        Integer batchSize = t.intOr("batchSize", d.batchSize(), 1, Integer.MAX_VALUE);
        OptimizerConfig optimizer = optimizer(t);
        LrScheduleConfig lrSchedule = lrSchedule(t, optimizer);
        Integer checkpoint = t.intOr("checkpointEverySteps", d.checkpointEverySteps(), 1,
                Integer.MAX_VALUE);
        Integer log = t.intOr("logEverySteps", d.logEverySteps(), 1, Integer.MAX_VALUE);
        Integer evaluate = t.intOr("evaluateEveryEpochs", d.evaluateEveryEpochs(), 1,
                Integer.MAX_VALUE);
        if (problems.size() > before) {
            return null;
        }
        return new TrainingConfig(epochs, batchSize, optimizer, lrSchedule, checkpoint, log,
                evaluate);
    }

    private OptimizerConfig optimizer(Section t) {
        YamlNode n = t.value("optimizer");
        String path = t.path("optimizer");
        if (n instanceof ScalarNode) {
            OptimizerType type = choice(n, path, OptimizerType.values(), "optimizer type");
            return type == null ? null : new OptimizerConfig(type,
                    OptimizerConfig.DEFAULT_LEARNING_RATE, OptimizerConfig.defaultWeightDecay(type),
                    OptimizerConfig.defaultMomentum(type));
        }
        Section o = t.section("optimizer", OPTIMIZER_KEYS, false);
        if (o == null) {
            return null;
        }
        int before = problems.size();
        OptimizerType type = o.choiceOr("type", OptimizerType.ADAM, OptimizerType.values());
        Double learningRate = o.doubleOr("learningRate", OptimizerConfig.DEFAULT_LEARNING_RATE,
                Range.greaterThan(0));
        Double weightDecay = o.doubleOr("weightDecay",
                type == null ? 0.0 : OptimizerConfig.defaultWeightDecay(type), Range.atLeast(0));
        Double momentum = null;
        if (type != null && !OptimizerConfig.usesMomentum(type) && o.value("momentum") != null) {
            problems.add(o.valueLocation("momentum"), o.path("momentum"), "applies only to"
                    + " optimizer types sgd and nesterovs, not to " + type.yamlName() + " (which"
                    + " keeps its own moment estimates); remove it or change " + o.path("type"));
        } else {
            momentum = o.doubleOr("momentum",
                    type == null ? 0.0 : OptimizerConfig.defaultMomentum(type),
                    Range.closedOpen(0, 1));
        }
        if (problems.size() > before) {
            return null;
        }
        return new OptimizerConfig(type, learningRate, weightDecay, momentum);
    }

    private LrScheduleConfig lrSchedule(Section t, OptimizerConfig optimizer) {
        YamlNode n = t.value("lrSchedule");
        String path = t.path("lrSchedule");
        if (n instanceof ScalarNode) {
            LrScheduleType type = choice(n, path, LrScheduleType.values(), "lrSchedule type");
            if (type == LrScheduleType.STEP) {
                problems.add(n.location(), KeyPaths.child(path, "stepSize"), "missing required key"
                        + " `stepSize` for lrSchedule type `step`; write"
                        + " {type: step, stepSize: N}");
                return null;
            }
            return type == null ? null : type == LrScheduleType.COSINE
                    ? new LrScheduleConfig.Cosine(0) : new LrScheduleConfig.Constant();
        }
        Section s = t.section("lrSchedule", LR_SCHEDULE_KEYS, false);
        if (s == null) {
            return null;
        }
        int before = problems.size();
        LrScheduleType type = s.choiceOr("type", LrScheduleType.CONSTANT, LrScheduleType.values());
        if (type == null) {
            return null;
        }
        List<String> params = LR_SCHEDULE_PARAMS.get(type);
        for (String key : LR_SCHEDULE_KEYS) {
            if (!key.equals("type") && !params.contains(key) && s.value(key) != null) {
                problems.add(s.keyLocation(key), s.path(key), "does not apply to lrSchedule type `"
                        + type.yamlName() + "`" + (params.isEmpty() ? ", which takes no parameters"
                                : ", which takes: " + String.join(", ", params)));
            }
        }
        LrScheduleConfig result = switch (type) {
            case CONSTANT -> new LrScheduleConfig.Constant();
            case COSINE -> {
                Double min = s.doubleOr("minLearningRate", 0.0, Range.atLeast(0));
                if (min != null && optimizer != null && min > optimizer.learningRate()) {
                    problems.add(s.valueLocation("minLearningRate"), s.path("minLearningRate"),
                            "must not exceed training.optimizer.learningRate ("
                                    + optimizer.learningRate() + "), got " + min);
                }
                yield min == null ? null : new LrScheduleConfig.Cosine(min);
            }
            case STEP -> {
                Long stepSize = s.longRequired("stepSize", 1, Long.MAX_VALUE);
                Double gamma = s.doubleOr("gamma", LrScheduleConfig.Step.DEFAULT_GAMMA,
                        Range.openClosed(0, 1));
                yield stepSize == null || gamma == null ? null
                        : new LrScheduleConfig.Step(stepSize, gamma);
            }
        };
        return problems.size() > before ? null : result;
    }

    private OutputConfig output(Section root) {
        Section o = root.section("output", OUTPUT_KEYS, false);
        if (o == null) {
            return null;
        }
        int before = problems.size();
        OutputConfig d = OutputConfig.DEFAULT;
        Path dir = d.dir();
        YamlNode n = o.value("dir");
        if (n != null) {
            dir = path(n, o.path("dir"));
        }
        Boolean tensorboard = o.boolOr("tensorboard", d.tensorboard());
        Integer histograms = o.intOr("histogramsEverySteps", d.histogramsEverySteps(), 1,
                Integer.MAX_VALUE);
        return problems.size() > before ? null : new OutputConfig(dir, tensorboard, histograms);
    }

    // ---------------------------------------------------------------- scalar conversions

    private void typeError(YamlNode n, String path, String expected) {
        if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.INVALID) {
            problems.silentFailure();
            return;
        }
        problems.add(n.location(), path, "expected " + expected + ", got " + n.describe());
    }

    private Long integer(YamlNode n, String path, long min, long max) {
        BigInteger value = null;
        if (n instanceof ScalarNode s) {
            if (s.kind() == ScalarNode.Kind.INTEGER) {
                value = s.integer();
            } else if (s.kind() == ScalarNode.Kind.FLOAT && Double.isFinite(s.number())
                    && s.number() == Math.rint(s.number())) {
                value = new BigDecimal(s.number()).toBigInteger();
            }
        }
        if (value == null) {
            typeError(n, path, "an integer");
            return null;
        }
        String got = ((ScalarNode) n).text();
        boolean unbounded = max == Long.MAX_VALUE || max == Integer.MAX_VALUE;
        if (value.compareTo(BigInteger.valueOf(min)) < 0) {
            problems.add(n.location(), path, (unbounded ? "must be >= " + min
                    : "must be between " + min + " and " + max) + ", got " + got);
            return null;
        }
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(n.location(), path, (unbounded ? "is too large (at most " + max + ")"
                    : "must be between " + min + " and " + max) + ", got " + got);
            return null;
        }
        return value.longValue();
    }

    private Double number(YamlNode n, String path, Range range) {
        Double value = null;
        if (n instanceof ScalarNode s) {
            if (s.kind() == ScalarNode.Kind.INTEGER) {
                value = s.integer().doubleValue();
            } else if (s.kind() == ScalarNode.Kind.FLOAT) {
                value = s.number();
            }
        }
        if (value == null) {
            typeError(n, path, "a number");
            return null;
        }
        String got = ((ScalarNode) n).text();
        if (!Double.isFinite(value)) {
            problems.add(n.location(), path, "must be a finite number, got " + got);
            return null;
        }
        if (!range.contains(value)) {
            problems.add(n.location(), path, range.message() + ", got " + got);
            return null;
        }
        return value;
    }

    private Boolean bool(YamlNode n, String path) {
        if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.BOOLEAN) {
            return s.bool();
        }
        typeError(n, path, "a boolean (true or false)");
        return null;
    }

    private String text(YamlNode n, String path) {
        if (n instanceof ScalarNode s && s.kind() != ScalarNode.Kind.NULL
                && s.kind() != ScalarNode.Kind.INVALID && !s.text().isEmpty()) {
            return s.text();
        }
        typeError(n, path, "a non-empty string");
        return null;
    }

    private Path path(YamlNode n, String path) {
        String text = text(n, path);
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problems.add(n.location(), path, "not a valid path: " + e.getMessage());
            return null;
        }
    }

    private <E extends Enum<E> & ConfigChoice> E choice(YamlNode n, String path, E[] allowed,
            String noun) {
        return choice(n, path, ConfigChoices.of(allowed), noun);
    }

    private <E extends Enum<E>> E choice(YamlNode n, String path, ConfigChoices<E> allowed,
            String noun) {
        List<String> names = allowed.names();
        if (!(n instanceof ScalarNode s) || s.kind() == ScalarNode.Kind.NULL
                || s.kind() == ScalarNode.Kind.INVALID) {
            typeError(n, path, "one of: " + String.join(", ", names));
            return null;
        }
        String text = s.text().strip();
        Optional<ConfigChoices.Match<E>> match = allowed.match(text);
        if (match.isPresent() && match.get() instanceof ConfigChoices.Accepted<E> accepted) {
            return accepted.value();
        }
        String why = match.isPresent() && match.get() instanceof ConfigChoices.Refused<E> refused
                ? " (" + refused.reason() + ")" : "";
        problems.add(n.location(), path, "unknown " + noun + " `" + text + "`"
                + (why.isEmpty() ? Suggestions.didYouMean(text, names) : "")
                + "; expected one of: " + String.join(", ", names) + why);
        return null;
    }

    private Size2d size(YamlNode n, String path) {
        if (n instanceof ListNode list) {
            if (list.items().size() != 2) {
                problems.add(n.location(), path, "expected an integer or a list [height, width],"
                        + " got a list of " + list.items().size() + " items");
                return null;
            }
            Long h = integer(list.items().get(0), KeyPaths.index(path, 0), 1, Integer.MAX_VALUE);
            Long w = integer(list.items().get(1), KeyPaths.index(path, 1), 1, Integer.MAX_VALUE);
            return h == null || w == null ? null : new Size2d(h.intValue(), w.intValue());
        }
        if (n instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.INTEGER
                || s.kind() == ScalarNode.Kind.FLOAT)) {
            Long v = integer(n, path, 1, Integer.MAX_VALUE);
            return v == null ? null : Size2d.square(v.intValue());
        }
        typeError(n, path, "an integer or a list [height, width]");
        return null;
    }

    private Padding padding(YamlNode n, String path) {
        if (n instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.INTEGER
                || s.kind() == ScalarNode.Kind.FLOAT)) {
            Long v = integer(n, path, 0, Integer.MAX_VALUE);
            return v == null ? null : Padding.explicit(v.intValue());
        }
        if (n instanceof ScalarNode s && s.kind() == ScalarNode.Kind.STRING) {
            String text = s.text().strip();
            if (text.equalsIgnoreCase(PaddingMode.SAME.yamlName())) {
                return Padding.SAME;
            }
            if (text.equalsIgnoreCase(PaddingMode.VALID.yamlName())) {
                return Padding.VALID;
            }
            problems.add(n.location(), path, "unknown padding `" + text + "`"
                    + Suggestions.didYouMean(text, List.of("same", "valid"))
                    + "; expected same, valid or an integer >= 0");
            return null;
        }
        typeError(n, path, "`same`, `valid` or an integer >= 0");
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /** An interval of allowed real values, and how to say it. */
    private record Range(double low, boolean lowClosed, double high, boolean highClosed) {

        static Range closed(double low, double high) {
            return new Range(low, true, high, true);
        }

        static Range closedOpen(double low, double high) {
            return new Range(low, true, high, false);
        }

        static Range openClosed(double low, double high) {
            return new Range(low, false, high, true);
        }

        static Range atLeast(double low) {
            return new Range(low, true, Double.POSITIVE_INFINITY, false);
        }

        static Range greaterThan(double low) {
            return new Range(low, false, Double.POSITIVE_INFINITY, false);
        }

        boolean contains(double v) {
            return (lowClosed ? v >= low : v > low) && (highClosed ? v <= high : v < high);
        }

        String message() {
            if (high == Double.POSITIVE_INFINITY) {
                return "must be " + (lowClosed ? ">= " : "> ") + format(low);
            }
            return "must be in " + (lowClosed ? "[" : "(") + format(low) + ", " + format(high)
                    + (highClosed ? "]" : ")");
        }

        private static String format(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /**
     * A mapping being bound: reports its unknown keys on creation, then hands out typed values
     * of its keys with defaults. An absent optional section has no node, and all its values are
     * the defaults.
     */
    private final class Section {

        final MapNode node;
        final String path;
        /** Where a missing key is reported: the key of this mapping, or its start. */
        final ConfigLocation anchor;

        Section(MapNode node, String path, ConfigLocation anchor, List<String> keys,
                String where) {
            this.node = node;
            this.path = path;
            this.anchor = anchor;
            if (node != null) {
                for (MapNode.Entry e : node.entries()) {
                    if (!keys.contains(e.key())) {
                        problems.add(e.keyLocation(), path(e.key()), "unknown key `" + e.key()
                                + "` " + where + Suggestions.didYouMean(e.key(), keys)
                                + "; expected one of: " + String.join(", ", keys));
                    }
                }
            }
        }

        String path(String key) {
            return KeyPaths.child(path, key);
        }

        /** @return the value of the key, or null when absent or explicitly null */
        YamlNode value(String key) {
            MapNode.Entry e = node == null ? null : node.get(key);
            return e == null || e.value().isNull() ? null : e.value();
        }

        ConfigLocation keyLocation(String key) {
            MapNode.Entry e = node == null ? null : node.get(key);
            return e == null ? anchor : e.keyLocation();
        }

        ConfigLocation valueLocation(String key) {
            MapNode.Entry e = node == null ? null : node.get(key);
            return e == null ? anchor : e.value().location();
        }

        /** @return the value, or null after reporting it missing */
        YamlNode required(String key) {
            MapNode.Entry e = node == null ? null : node.get(key);
            if (e == null) {
                problems.add(anchor, path(key), "missing required key `" + key + "`"
                        + (path.isEmpty() ? "" : " under `" + path + "`"));
                return null;
            }
            if (e.value().isNull()) {
                problems.add(e.value().location(), path(key), "a value is required, got null");
                return null;
            }
            return e.value();
        }

        /**
         * @return the sub-section, an empty one when it is optional and absent, or null after a
         *     problem
         */
        Section section(String key, List<String> keys, boolean isRequired) {
            YamlNode n = isRequired ? required(key) : value(key);
            if (n == null) {
                return isRequired ? null : new Section(null, path(key), anchor, keys, "");
            }
            if (!(n instanceof MapNode map)) {
                typeError(n, path(key), "a mapping");
                return null;
            }
            return new Section(map, path(key), keyLocation(key), keys,
                    "under `" + path(key) + "`");
        }

        Integer intRequired(String key, int min, int max) {
            YamlNode n = required(key);
            Long v = n == null ? null : integer(n, path(key), min, max);
            return v == null ? null : v.intValue();
        }

        Integer intOr(String key, int defaultValue, int min, int max) {
            YamlNode n = value(key);
            if (n == null) {
                return defaultValue;
            }
            Long v = integer(n, path(key), min, max);
            return v == null ? null : v.intValue();
        }

        Long longRequired(String key, long min, long max) {
            YamlNode n = required(key);
            return n == null ? null : integer(n, path(key), min, max);
        }

        Long longOr(String key, long defaultValue, long min, long max) {
            YamlNode n = value(key);
            return n == null ? Long.valueOf(defaultValue) : integer(n, path(key), min, max);
        }

        /**
         * @return a step {@code >= 0}, -1 ("never") when absent or null, or null after a problem
         */
        Long stepOrNever(String key) {
            YamlNode n = value(key);
            return n == null ? Long.valueOf(-1) : integer(n, path(key), 0, Long.MAX_VALUE);
        }

        /** @return {@code weightBits} in 2..8, empty when absent, or null after a problem */
        OptionalInt weightBits() {
            YamlNode n = value("weightBits");
            if (n == null) {
                return OptionalInt.empty();
            }
            Long v = integer(n, path("weightBits"), MIN_BITS, MAX_BITS);
            return v == null ? null : OptionalInt.of(v.intValue());
        }

        Double doubleRequired(String key, Range range) {
            YamlNode n = required(key);
            return n == null ? null : number(n, path(key), range);
        }

        Double doubleOr(String key, double defaultValue, Range range) {
            YamlNode n = value(key);
            return n == null ? Double.valueOf(defaultValue) : number(n, path(key), range);
        }

        Boolean boolOr(String key, boolean defaultValue) {
            YamlNode n = value(key);
            return n == null ? Boolean.valueOf(defaultValue) : bool(n, path(key));
        }

        <E extends Enum<E> & ConfigChoice> E choiceRequired(String key, E[] allowed,
                String noun) {
            YamlNode n = required(key);
            return n == null ? null : choice(n, path(key), allowed, noun);
        }

        <E extends Enum<E> & ConfigChoice> E choiceOr(String key, E defaultValue, E[] allowed) {
            return choiceOr(key, defaultValue, ConfigChoices.of(allowed));
        }

        <E extends Enum<E>> E choiceOr(String key, E defaultValue, ConfigChoices<E> allowed) {
            YamlNode n = value(key);
            if (n == null) {
                return defaultValue;
            }
            // "unknown optimizer type `adamx`" rather than "unknown type `adamx`"
            String noun = key.equals("type") && !path.isEmpty()
                    ? path.substring(path.lastIndexOf('.') + 1) + " type" : key;
            return choice(n, path(key), allowed, noun);
        }

        Size2d sizeRequired(String key) {
            YamlNode n = required(key);
            return n == null ? null : size(n, path(key));
        }

        Size2d sizeOr(String key, Size2d defaultValue) {
            YamlNode n = value(key);
            return n == null ? defaultValue : size(n, path(key));
        }

        Padding paddingOr(String key, Padding defaultValue) {
            YamlNode n = value(key);
            return n == null ? defaultValue : padding(n, path(key));
        }
    }
}
