package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import java.math.BigInteger;
import java.util.List;

/**
 * The schema of the {@code quantization} section, shared by every model family: its keys, their
 * binding with defaults and validation, and writing a {@link QuantizationConfig} back. Follows the
 * arithmetic contract of DESIGN.md section 3 and the observers and straight-through estimators of
 * section 4 (Jacob et al., CVPR 2018; PyTorch {@code torch.ao.quantization}).
 *
 * <p>The quantizer enums of {@code io.qat4j.quant.spec} know nothing of YAML; their spellings are
 * the tables {@link #GRANULARITY}, {@link #OBSERVER}, {@link #WEIGHT_OBSERVER} and {@link #STE}.
 */
final class QuantizationSchema {

    static final List<String> KEYS = List.of("enabled", "weights", "activations", "ste", "schedule", "method",
            "degreeQuant");
    static final List<String> DEGREE_QUANT_KEYS = List.of("pMin", "pMax");
    static final List<String> WEIGHTS_KEYS = List.of("bits", "granularity", "observer", "percentile");
    static final List<String> ACTIVATIONS_KEYS = List.of("bits", "observer", "momentum", "percentile");
    static final List<String> SCHEDULE_KEYS = List.of("fp32Warmup", "freezeObservers", "freezeBatchNorm",
            "allowFloatOnly", "fp32WarmupSteps", "freezeObserversStep", "freezeBatchNormStep");
    /** Keys of a schedule point written as a mapping; exactly one is given. */
    static final List<String> POINT_KEYS = List.of("steps", "epochs", "fraction");

    /** {@code quantization.weights.granularity}: {@code per-tensor}, {@code per-channel}. */
    static final ConfigChoices<Granularity> GRANULARITY = ConfigChoices.<Granularity>builder()
            .offer(Granularity.PER_TENSOR, "per-tensor")
            .offer(Granularity.PER_CHANNEL, "per-channel")
            .refuse(Granularity.PER_GROUP, "per-group",
                    "per-group scales are not offered in the config yet")
            .build();

    /** Observer kinds: {@code minmax}, {@code ema}, {@code percentile}. */
    static final ConfigChoices<ObserverKind> OBSERVER = ConfigChoices.<ObserverKind>builder()
            .offer(ObserverKind.MIN_MAX, "minmax")
            .offer(ObserverKind.EMA_MIN_MAX, "ema")
            .offer(ObserverKind.PERCENTILE, "percentile")
            .build();

    /** Observer kinds weights may use: {@link #OBSERVER} without {@code ema}. */
    static final ConfigChoices<ObserverKind> WEIGHT_OBSERVER = ConfigChoices.<ObserverKind>builder()
            .offer(ObserverKind.MIN_MAX, "minmax")
            .offer(ObserverKind.PERCENTILE, "percentile")
            .refuse(ObserverKind.EMA_MIN_MAX, "ema", WeightQuantConfig.EMA_REFUSAL)
            .build();

    /** {@code quantization.ste}: {@code plain}, {@code clipped}. */
    static final ConfigChoices<SteMode> STE = ConfigChoices.<SteMode>builder()
            .offer(SteMode.PLAIN, "plain")
            .offer(SteMode.CLIPPED, "clipped")
            .build();

    /** {@code quantization.method}: {@code qat}, {@code degree-quant}. */
    static final ConfigChoices<QuantMethod> METHOD = ConfigChoices.of(QuantMethod.values());

    private static final int MIN_BITS = WeightQuantConfig.MIN_BITS;
    private static final int MAX_BITS = WeightQuantConfig.MAX_BITS;

    private QuantizationSchema() {
    }

    /**
     * @param root the document
     * @return the section ({@link QuantizationConfig#DISABLED} when absent), or null when a
     *     problem was reported
     */
    static QuantizationConfig bind(Section root) {
        if (root.value("quantization") == null) {
            return QuantizationConfig.DISABLED;
        }
        Section q = root.section("quantization", KEYS, false);
        if (q == null) {
            return null;
        }
        int before = q.problems().size();
        Boolean enabled = q.boolOr("enabled", true);

        WeightQuantConfig weights = null;
        Section w = q.section("weights", WEIGHTS_KEYS, false);
        if (w != null) {
            int wb = q.problems().size();
            Integer bits = w.intOr("bits", WeightQuantConfig.DEFAULT_BITS, MIN_BITS, MAX_BITS);
            Granularity granularity = w.choiceOr("granularity", Granularity.PER_CHANNEL, GRANULARITY);
            ObserverKind observer = w.choiceOr("observer", ObserverKind.MIN_MAX, WEIGHT_OBSERVER);
            Double percentile = w.doubleOr("percentile", WeightQuantConfig.DEFAULT_PERCENTILE,
                    Range.closedOpen(0, 0.5));
            if (q.problems().size() == wb) {
                weights = new WeightQuantConfig(bits, granularity, observer, percentile);
            }
        }

        ActivationQuantConfig activations = null;
        Section a = q.section("activations", ACTIVATIONS_KEYS, false);
        if (a != null) {
            int ab = q.problems().size();
            Integer bits = a.intOr("bits", ActivationQuantConfig.DEFAULT_BITS, MIN_BITS, MAX_BITS);
            ObserverKind observer = a.choiceOr("observer", ObserverKind.EMA_MIN_MAX, OBSERVER);
            Double momentum = a.doubleOr("momentum", ActivationQuantConfig.DEFAULT_MOMENTUM,
                    Range.openClosed(0, 1));
            Double percentile = a.doubleOr("percentile", ActivationQuantConfig.DEFAULT_PERCENTILE,
                    Range.closedOpen(0, 0.5));
            if (q.problems().size() == ab) {
                activations = new ActivationQuantConfig(bits, observer, momentum, percentile);
            }
        }

        SteMode ste = q.choiceOr("ste", SteMode.CLIPPED, STE);

        ScheduleConfig schedule = null;
        Section sc = q.section("schedule", SCHEDULE_KEYS, false);
        if (sc != null) {
            schedule = schedule(sc);
        }
        QuantMethod method = q.choiceOr("method", QuantMethod.QAT, METHOD);
        DegreeQuantConfig degreeQuant = activations == null ? null : degreeQuant(q, activations.bits());
        if (q.problems().size() > before) {
            return null;
        }
        return new QuantizationConfig(enabled, weights, activations, ste, schedule, method, degreeQuant);
    }

    /** Binds {@code quantization.degreeQuant}, defaults per activation width, {@code pMin <= pMax}. */
    private static DegreeQuantConfig degreeQuant(Section q, int bits) {
        DegreeQuantConfig defaults = DegreeQuantConfig.defaultFor(bits);
        Section d = q.section("degreeQuant", DEGREE_QUANT_KEYS, false);
        if (d == null) {
            return null;
        }
        Double pMin = d.doubleOr("pMin", defaults.pMin(), Range.closed(0, 1));
        Double pMax = d.doubleOr("pMax", defaults.pMax(), Range.closed(0, 1));
        if (pMin == null || pMax == null) {
            return null;
        }
        if (pMin > pMax) {
            String key = d.value("pMax") != null ? "pMax" : "pMin";
            d.problem(d.valueLocation(key), key, "pMin " + pMin + " exceeds pMax " + pMax
                    + "; Degree-Quant needs pMin <= pMax");
            return null;
        }
        return new DegreeQuantConfig(pMin, pMax);
    }

    /**
     * Binds {@code quantization.schedule}: each point under its key ({@code fp32Warmup}, ...) or,
     * in steps, under the key of earlier versions ({@code fp32WarmupSteps}, ...), not both.
     * Points written in the same unit are ordered here, at their line; points of different units
     * are ordered when the run's length is known ({@link ScheduleConfig#resolve}).
     *
     * @return the schedule, or null after a problem
     */
    private static ScheduleConfig schedule(Section sc) {
        int before = sc.problems().size();
        SchedulePoint warmup = point(sc, "fp32Warmup", "fp32WarmupSteps", SchedulePoint.START);
        SchedulePoint observers = point(sc, "freezeObservers", "freezeObserversStep", null);
        SchedulePoint batchNorm = point(sc, "freezeBatchNorm", "freezeBatchNormStep", null);
        Boolean allowFloatOnly = sc.boolOr("allowFloatOnly", false);
        if (sc.problems().size() > before) {
            return null;
        }
        checkOrder(sc, "freezeObservers", "freezeObserversStep", observers, warmup, "observer ranges");
        checkOrder(sc, "freezeBatchNorm", "freezeBatchNormStep", batchNorm, warmup, "batch-norm statistics");
        return sc.problems().size() > before ? null
                : new ScheduleConfig(warmup, observers, batchNorm, allowFloatOnly);
    }

    /** A freeze point written in the warm-up's unit must not come before the warm-up ends. */
    private static void checkOrder(Section sc, String key, String stepsKey, SchedulePoint freeze,
            SchedulePoint warmup, String what) {
        if (freeze == null || freeze.getClass() != warmup.getClass()) {
            return;
        }
        // in one unit every point resolves monotonically, whatever the run's length
        long run = 1L << 40;
        if (freeze.step(1, run) < warmup.step(1, run)) {
            String written = sc.value(key) != null ? key : stepsKey;
            String warmupKey = sc.value("fp32Warmup") != null ? "fp32Warmup" : "fp32WarmupSteps";
            sc.problem(sc.valueLocation(written), written, "must be at or after " + warmupKey + " ("
                    + warmup.yaml() + "), got " + freeze.yaml() + ": " + what + " cannot be frozen"
                    + " before fake quantization starts");
        }
    }

    /**
     * @return the point under {@code key} (a fraction, or {@code {steps|epochs|fraction: N}}) or
     *     under {@code stepsKey} (steps), {@code absent} when neither is given, null ("never") for
     *     an explicit null of a freeze; null after a problem
     */
    private static SchedulePoint point(Section sc, String key, String stepsKey, SchedulePoint absent) {
        YamlNode n = sc.value(key);
        YamlNode steps = sc.value(stepsKey);
        if (n != null && steps != null) {
            sc.problem(sc.keyLocation(stepsKey), stepsKey, "give either " + sc.path(key) + " or "
                    + sc.path(stepsKey) + " (the same point in steps), not both");
            return null;
        }
        boolean isWarmup = absent != null;
        if (steps != null) {
            if (steps.isNull() && !isWarmup) {
                return null;
            }
            Long v = sc.reader().integer(steps, sc.path(stepsKey), 0, Long.MAX_VALUE);
            return v == null ? null : new SchedulePoint.Steps(v);
        }
        if (n == null) {
            return absent;
        }
        if (n.isNull() && !isWarmup) {
            return null;
        }
        String path = sc.path(key);
        if (n instanceof ScalarNode s && (s.kind() == ScalarNode.Kind.INTEGER || s.kind() == ScalarNode.Kind.FLOAT)) {
            if (s.kind() == ScalarNode.Kind.INTEGER && s.integer().signum() > 0 && !s.integer().equals(BigInteger.ONE)) {
                sc.problem(n.location(), key, "a plain number is a fraction of the run, in [0, 1], got "
                        + s.integer() + "; for a number of steps write {steps: " + s.integer() + "}, for"
                        + " epochs {epochs: N}");
                return null;
            }
            Double f = sc.reader().number(n, path, Range.closed(0, 1));
            return f == null ? null : new SchedulePoint.Fraction(f);
        }
        if (n instanceof MapNode map) {
            int before = sc.problems().size();
            Section p = Section.of(sc.reader(), map, path, POINT_KEYS, "under `" + path + "`");
            List<String> given = POINT_KEYS.stream().filter(k -> p.value(k) != null).toList();
            if (given.isEmpty() && sc.problems().size() > before) {
                return null; // only unknown keys, reported
            }
            if (given.size() != 1) {
                sc.problem(n.location(), key, "expected exactly one of steps, epochs or fraction, got "
                        + (given.isEmpty() ? "none" : String.join(" and ", given)));
                return null;
            }
            return switch (given.get(0)) {
                case "steps" -> {
                    Long v = p.longRequired("steps", 0, Long.MAX_VALUE);
                    yield v == null ? null : new SchedulePoint.Steps(v);
                }
                case "epochs" -> {
                    Long v = p.longRequired("epochs", 0, TrainingConfig.MAX_EPOCHS);
                    yield v == null ? null : new SchedulePoint.Epochs(v);
                }
                default -> {
                    Double v = p.doubleRequired("fraction", Range.closed(0, 1));
                    yield v == null ? null : new SchedulePoint.Fraction(v);
                }
            };
        }
        sc.reader().typeError(n, path, "a fraction of the run in [0, 1] or one of {steps: N}, {epochs: N},"
                + " {fraction: F}" + (isWarmup ? "" : ", or null for never"));
        return null;
    }

    /**
     * @param q a bound section
     * @param out the {@code quantization} mapping to fill, every default written out
     */
    static void write(QuantizationConfig q, ObjectNode out) {
        out.put("enabled", q.enabled());
        ObjectNode weights = out.putObject("weights");
        weights.put("bits", q.weights().bits());
        weights.put("granularity", GRANULARITY.yamlName(q.weights().granularity()));
        weights.put("observer", WEIGHT_OBSERVER.yamlName(q.weights().observer()));
        weights.put("percentile", q.weights().percentile());
        ObjectNode activations = out.putObject("activations");
        activations.put("bits", q.activations().bits());
        activations.put("observer", OBSERVER.yamlName(q.activations().observer()));
        activations.put("momentum", q.activations().momentum());
        activations.put("percentile", q.activations().percentile());
        out.put("ste", STE.yamlName(q.ste()));
        out.put("method", METHOD.yamlName(q.method()));
        ObjectNode dq = out.putObject("degreeQuant");
        dq.put("pMin", q.degreeQuant().pMin());
        dq.put("pMax", q.degreeQuant().pMax());
        ObjectNode schedule = out.putObject("schedule");
        point(schedule, "fp32Warmup", q.schedule().fp32Warmup());
        point(schedule, "freezeObservers", q.schedule().freezeObservers());
        point(schedule, "freezeBatchNorm", q.schedule().freezeBatchNorm());
        schedule.put("allowFloatOnly", q.schedule().allowFloatOnly());
    }

    /** A schedule point as a one-key mapping; null ("never") is written as null. */
    private static void point(ObjectNode parent, String key, SchedulePoint point) {
        if (point instanceof SchedulePoint.Steps s) {
            parent.putObject(key).put("steps", s.steps());
        } else if (point instanceof SchedulePoint.Epochs e) {
            parent.putObject(key).put("epochs", e.epochs());
        } else if (point instanceof SchedulePoint.Fraction f) {
            parent.putObject(key).put("fraction", f.fraction());
        } else {
            parent.putNull(key);
        }
    }
}
