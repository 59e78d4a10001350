package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.quant.spec.Granularity;
import io.qat4j.quant.spec.ObserverKind;
import io.qat4j.quant.spec.QuantSchedule;
import io.qat4j.quant.spec.SteMode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.YamlNode;
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

    static final List<String> KEYS = List.of("enabled", "weights", "activations", "ste", "schedule");
    static final List<String> WEIGHTS_KEYS = List.of("bits", "granularity", "observer", "percentile");
    static final List<String> ACTIVATIONS_KEYS = List.of("bits", "observer", "momentum", "percentile");
    static final List<String> SCHEDULE_KEYS =
            List.of("fp32WarmupSteps", "freezeObserversStep", "freezeBatchNormStep");

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

        QuantSchedule schedule = null;
        Section sc = q.section("schedule", SCHEDULE_KEYS, false);
        if (sc != null) {
            int sb = q.problems().size();
            Long warmup = sc.longOr("fp32WarmupSteps", 0L, 0, Long.MAX_VALUE);
            Long freezeObservers = stepOrNever(sc, "freezeObserversStep");
            Long freezeBatchNorm = stepOrNever(sc, "freezeBatchNormStep");
            if (q.problems().size() == sb) {
                if (freezeObservers >= 0 && freezeObservers < warmup) {
                    sc.problem(sc.valueLocation("freezeObserversStep"), "freezeObserversStep",
                            "must be >= " + sc.path("fp32WarmupSteps") + " (" + warmup + "), got "
                                    + freezeObservers + ": observer ranges cannot be"
                                    + " frozen before fake quantization starts");
                } else {
                    schedule = new QuantSchedule(warmup, freezeObservers, freezeBatchNorm);
                }
            }
        }
        if (q.problems().size() > before) {
            return null;
        }
        return new QuantizationConfig(enabled, weights, activations, ste, schedule);
    }

    /** @return a step {@code >= 0}, -1 ("never") when absent or null, or null after a problem */
    private static Long stepOrNever(Section s, String key) {
        YamlNode n = s.value(key);
        return n == null ? Long.valueOf(-1) : s.reader().integer(n, s.path(key), 0, Long.MAX_VALUE);
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
        ObjectNode schedule = out.putObject("schedule");
        schedule.put("fp32WarmupSteps", q.schedule().fp32WarmupSteps());
        stepOrNever(schedule, "freezeObserversStep", q.schedule().freezeObserversStep());
        stepOrNever(schedule, "freezeBatchNormStep", q.schedule().freezeBatchNormStep());
    }

    /** A schedule step; a negative one ("never") is written as null. */
    private static void stepOrNever(ObjectNode parent, String key, long step) {
        if (step >= 0) {
            parent.put(key, step);
        } else {
            parent.putNull(key);
        }
    }
}
