package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import java.util.List;
import java.util.Map;

/**
 * The schema of the {@code training} section (with {@code optimizer} and {@code lrSchedule}),
 * shared by every model family: its keys, their binding with defaults and validation, and writing
 * a {@link TrainingConfig} back.
 */
final class TrainingSchema {

    static final List<String> KEYS = List.of("epochs", "batchSize", "optimizer", "lrSchedule",
            "checkpointEverySteps", "logEverySteps", "evaluateEveryEpochs", "select");
    static final List<String> OPTIMIZER_KEYS = List.of("type", "learningRate", "weightDecay", "momentum");
    static final List<String> LR_SCHEDULE_KEYS = List.of("type", "minLearningRate", "stepSize", "stepEpochs",
            "gamma");

    /** Keys that apply to each learning-rate schedule besides {@code type}. */
    private static final Map<LrScheduleType, List<String>> LR_SCHEDULE_PARAMS = Map.of(
            LrScheduleType.CONSTANT, List.of(),
            LrScheduleType.COSINE, List.of("minLearningRate"),
            LrScheduleType.STEP, List.of("stepSize", "stepEpochs", "gamma"));

    private static final ConfigChoices<OptimizerType> OPTIMIZERS = ConfigChoices.of(OptimizerType.values());
    private static final ConfigChoices<LrScheduleType> LR_SCHEDULES = ConfigChoices.of(LrScheduleType.values());
    private static final ConfigChoices<ModelSelection> SELECTIONS = ConfigChoices.of(ModelSelection.values());

    private TrainingSchema() {
    }

    /**
     * @param root the document
     * @return the section (all defaults when absent), or null when a problem was reported
     */
    static TrainingConfig bind(Section root) {
        Section t = root.section("training", KEYS, false);
        if (t == null) {
            return null;
        }
        int before = t.problems().size();
        TrainingConfig d = TrainingConfig.DEFAULT;
        Integer epochs = t.intOr("epochs", d.epochs(), 1, TrainingConfig.MAX_EPOCHS);
        Integer batchSize = t.intOr("batchSize", d.batchSize(), 1, TrainingConfig.MAX_BATCH_SIZE);
        OptimizerConfig optimizer = optimizer(t);
        LrScheduleConfig lrSchedule = lrSchedule(t, optimizer);
        Integer checkpoint = t.intOr("checkpointEverySteps", d.checkpointEverySteps(), 1, Integer.MAX_VALUE);
        Integer log = t.intOr("logEverySteps", d.logEverySteps(), 1, Integer.MAX_VALUE);
        Integer evaluate = t.intOr("evaluateEveryEpochs", d.evaluateEveryEpochs(), 1, Integer.MAX_VALUE);
        ModelSelection select = t.choiceOr("select", d.select(), SELECTIONS);
        if (select == ModelSelection.BEST_VALIDATION_LOSS && evaluate != null && evaluate != 1) {
            t.problem(t.valueLocation("evaluateEveryEpochs"), "evaluateEveryEpochs", "must be 1 with select `"
                    + select.yamlName() + "` (" + t.path("select") + "), which compares every epoch's validation"
                    + " loss; got " + evaluate);
        }
        if (t.problems().size() > before) {
            return null;
        }
        return new TrainingConfig(epochs, batchSize, optimizer, lrSchedule, checkpoint, log, evaluate, select);
    }

    private static OptimizerConfig optimizer(Section t) {
        YamlNode n = t.value("optimizer");
        if (n instanceof ScalarNode) {
            OptimizerType type = t.reader().choice(n, t.path("optimizer"), OPTIMIZERS, "optimizer type");
            return type == null ? null : new OptimizerConfig(type,
                    OptimizerConfig.DEFAULT_LEARNING_RATE, OptimizerConfig.defaultWeightDecay(type),
                    OptimizerConfig.defaultMomentum(type));
        }
        Section o = t.section("optimizer", OPTIMIZER_KEYS, false);
        if (o == null) {
            return null;
        }
        int before = o.problems().size();
        OptimizerType type = o.choiceOr("type", OptimizerType.ADAM, OPTIMIZERS);
        Double learningRate = o.doubleOr("learningRate", OptimizerConfig.DEFAULT_LEARNING_RATE,
                Range.greaterThan(0));
        Double weightDecay = o.doubleOr("weightDecay",
                type == null ? 0.0 : OptimizerConfig.defaultWeightDecay(type), Range.atLeast(0));
        Double momentum = null;
        if (type != null && !OptimizerConfig.usesMomentum(type) && o.value("momentum") != null) {
            o.problem(o.valueLocation("momentum"), "momentum", "applies only to optimizer types sgd"
                    + " and nesterovs, not to " + type.yamlName() + " (which keeps its own moment"
                    + " estimates); remove it or change " + o.path("type"));
        } else {
            momentum = o.doubleOr("momentum",
                    type == null ? 0.0 : OptimizerConfig.defaultMomentum(type), Range.closedOpen(0, 1));
        }
        if (o.problems().size() > before) {
            return null;
        }
        return new OptimizerConfig(type, learningRate, weightDecay, momentum);
    }

    private static LrScheduleConfig lrSchedule(Section t, OptimizerConfig optimizer) {
        YamlNode n = t.value("lrSchedule");
        String path = t.path("lrSchedule");
        if (n instanceof ScalarNode) {
            LrScheduleType type = t.reader().choice(n, path, LR_SCHEDULES, "lrSchedule type");
            if (type == LrScheduleType.STEP) {
                t.problems().add(n.location(), KeyPaths.child(path, "stepSize"), "missing required key"
                        + " `stepSize` or `stepEpochs` for lrSchedule type `step`; write {type: step, stepSize: N}"
                        + " (optimizer steps) or {type: step, stepEpochs: N} (epochs)");
                return null;
            }
            return type == null ? null : type == LrScheduleType.COSINE
                    ? new LrScheduleConfig.Cosine(0) : new LrScheduleConfig.Constant();
        }
        Section s = t.section("lrSchedule", LR_SCHEDULE_KEYS, false);
        if (s == null) {
            return null;
        }
        int before = s.problems().size();
        LrScheduleType type = s.choiceOr("type", LrScheduleType.CONSTANT, LR_SCHEDULES);
        if (type == null) {
            return null;
        }
        List<String> params = LR_SCHEDULE_PARAMS.get(type);
        for (String key : LR_SCHEDULE_KEYS) {
            if (!key.equals("type") && !params.contains(key) && s.value(key) != null) {
                s.problem(s.keyLocation(key), key, "does not apply to lrSchedule type `"
                        + type.yamlName() + "`" + (params.isEmpty() ? ", which takes no parameters"
                                : ", which takes: " + String.join(", ", params)));
            }
        }
        LrScheduleConfig result = switch (type) {
            case CONSTANT -> new LrScheduleConfig.Constant();
            case COSINE -> {
                Double min = s.doubleOr("minLearningRate", 0.0, Range.atLeast(0));
                if (min != null && optimizer != null && min > optimizer.learningRate()) {
                    s.problem(s.valueLocation("minLearningRate"), "minLearningRate",
                            "must not exceed training.optimizer.learningRate ("
                                    + optimizer.learningRate() + "), got " + min);
                }
                yield min == null ? null : new LrScheduleConfig.Cosine(min);
            }
            case STEP -> step(s);
        };
        return s.problems().size() > before ? null : result;
    }

    /** Binds a step schedule: its interval as exactly one of {@code stepSize} (steps) and {@code stepEpochs}. */
    private static LrScheduleConfig.Step step(Section s) {
        Double gamma = s.doubleOr("gamma", LrScheduleConfig.Step.DEFAULT_GAMMA, Range.openClosed(0, 1));
        boolean steps = s.value("stepSize") != null;
        boolean epochs = s.value("stepEpochs") != null;
        if (steps && epochs) {
            s.problem(s.keyLocation("stepEpochs"), "stepEpochs", "give the interval of lrSchedule type `step`"
                    + " once: `stepSize` (optimizer steps) or `stepEpochs` (epochs), not both");
            return null;
        }
        if (epochs) {
            Long every = s.longRequired("stepEpochs", 1, TrainingConfig.MAX_EPOCHS);
            return every == null || gamma == null ? null : LrScheduleConfig.Step.everyEpochs(every, gamma);
        }
        YamlNode n = s.required("stepSize", ": lrSchedule type `step` decays every `stepSize` optimizer steps or"
                + " every `stepEpochs` epochs; give one of them");
        Long every = n == null ? null : s.reader().integer(n, s.path("stepSize"), 1, Long.MAX_VALUE);
        return every == null || gamma == null ? null : new LrScheduleConfig.Step(every, gamma);
    }

    /**
     * @param t a bound section
     * @param out the {@code training} mapping to fill, every default written out
     */
    static void write(TrainingConfig t, ObjectNode out) {
        out.put("epochs", t.epochs());
        out.put("batchSize", t.batchSize());
        ObjectNode optimizer = out.putObject("optimizer");
        optimizer.put("type", t.optimizer().type().yamlName());
        optimizer.put("learningRate", t.optimizer().learningRate());
        optimizer.put("weightDecay", t.optimizer().weightDecay());
        if (OptimizerConfig.usesMomentum(t.optimizer().type())) {
            optimizer.put("momentum", t.optimizer().momentum());
        }
        ObjectNode lr = out.putObject("lrSchedule");
        lr.put("type", t.lrSchedule().type().yamlName());
        if (t.lrSchedule() instanceof LrScheduleConfig.Cosine cosine) {
            lr.put("minLearningRate", cosine.minLearningRate());
        } else if (t.lrSchedule() instanceof LrScheduleConfig.Step step) {
            lr.put(step.inEpochs() ? "stepEpochs" : "stepSize", step.every());
            lr.put("gamma", step.gamma());
        }
        out.put("checkpointEverySteps", t.checkpointEverySteps());
        out.put("logEverySteps", t.logEverySteps());
        out.put("evaluateEveryEpochs", t.evaluateEveryEpochs());
        out.put("select", t.select().yamlName());
    }
}
