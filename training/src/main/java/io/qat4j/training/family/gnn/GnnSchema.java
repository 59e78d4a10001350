package io.qat4j.training.family.gnn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.ListNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import io.qat4j.training.family.cnn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The schema of the {@code gnn} family's {@code model} section, in one place: its keys, their
 * binding with defaults and validation, and writing a {@link GnnModelConfig} back as YAML.
 *
 * <pre>{@code
 * model:
 *   family: gnn
 *   features: 1433                               # node features of the data
 *   layers:
 *     - {type: dropout, rate: 0.5}
 *     - {type: gcn, units: 16, activation: relu}  # gin and gat too; gat: heads, concat; any: bits (8 or 4)
 *     - {type: dropout, rate: 0.5}
 *     - {type: gcn, units: 16, activation: identity}
 *   output: {classes: 7}                          # softmax read-out per node
 * }</pre>
 *
 * <p>Graph-level tasks (graph classification, graph regression) pool after the message-passing
 * layers, then may add dense layers and dropout on the graph rows, as camlsys/degree-quant's
 * REDDIT-BINARY GIN (five GIN layers, global mean pool, Linear-ReLU-Dropout(0.5)-Linear):
 * <pre>{@code
 *   layers:
 *     - {type: gin, units: 64}                    # five times
 *     - {type: pool, op: mean}                    # sum | mean | max
 *     - {type: dense, units: 64, activation: relu}
 *     - {type: dropout, rate: 0.5}
 *   output: {classes: 2}                          # or {regression: T}: identity, mean squared error
 * }</pre>
 * At most one {@code pool}, after a message-passing layer; no message passing after it (the rows
 * are graphs); {@code dense} only after it; {@code regression} only with it (per-node regression
 * is not a task of this family). Whether the data is graph-level is checked against the dataset
 * ({@link GnnFamily#mismatches}).
 */
final class GnnSchema {

    /** Keys of {@code model} besides {@code family}. */
    static final List<String> MODEL_KEYS = List.of("features", "layers", "output");
    private static final String MULTI_HEAD_TYPES = Arrays.stream(GnnLayerType.values())
            .filter(GnnLayerType::multiHead).map(t -> "`" + t.yamlName() + "`")
            .collect(Collectors.joining(" or "));
    static final List<String> CONV_KEYS = List.of("type", "units", "activation", "heads", "concat", "bits");
    static final List<String> DROPOUT_KEYS = List.of("type", "rate");
    static final List<String> POOL_KEYS = List.of("type", "op");
    static final List<String> DENSE_KEYS = List.of("type", "units", "activation");
    static final List<String> OUTPUT_KEYS = List.of("classes", "regression");

    /** Largest width of features, units and classes. */
    static final int MAX_WIDTH = 1 << 16;
    /** Largest number of attention heads. */
    static final int MAX_HEADS = 64;

    private static final ConfigChoices<GnnLayerType> LAYER_TYPES = ConfigChoices.of(GnnLayerType.values());
    private static final ConfigChoices<Activation> ACTIVATIONS = ConfigChoices.of(Activation.values());
    private static final ConfigChoices<GnnPoolOp> POOL_OPS = ConfigChoices.of(GnnPoolOp.values());

    private GnnSchema() {
    }

    /**
     * @param m the {@code model} section
     * @return the model, or null when a problem was reported
     */
    static GnnModelConfig bind(Section m) {
        int before = m.problems().size();
        Integer features = m.intRequired("features", 1, MAX_WIDTH);
        List<GnnLayerConfig> layers = layers(m);
        Section out = m.section("output", OUTPUT_KEYS, true);
        if (out == null) {
            return null;
        }
        boolean regression = out.value("regression") != null;
        Integer outputs;
        if (regression && out.value("classes") != null) {
            out.problem(out.keyLocation("regression"), "regression", "an output has `classes` or `regression`,"
                    + " not both");
            outputs = null;
        } else if (regression) {
            outputs = out.intRequired("regression", 1, MAX_WIDTH);
            if (layers != null && layers.stream().noneMatch(l -> l instanceof GnnLayerConfig.Pool)) {
                out.problem(out.keyLocation("regression"), "regression", "a regression output predicts per graph:"
                        + " add a `{type: pool, op: sum|mean|max}` layer after the message-passing layers");
            }
        } else {
            outputs = out.intRequired("classes", 2, MAX_WIDTH);
        }
        if (m.problems().size() > before || features == null || layers == null || outputs == null) {
            return null;
        }
        return new GnnModelConfig(features, layers, outputs, regression);
    }

    private static List<GnnLayerConfig> layers(Section m) {
        YamlNode n = m.required("layers");
        if (n == null) {
            return null;
        }
        String path = m.path("layers");
        if (!(n instanceof ListNode list)) {
            m.reader().typeError(n, path, "a list of layers");
            return null;
        }
        int before = m.problems().size();
        List<GnnLayerConfig> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            out.add(layer(m.reader(), list.items().get(i), KeyPaths.index(path, i)));
        }
        if (m.problems().size() == before && out.stream().noneMatch(l -> l instanceof GnnLayerConfig.Conv)) {
            m.problem(m.keyLocation("layers"), "layers", "must contain at least one message-passing layer"
                    + " (gcn, gin or gat)");
        }
        if (m.problems().size() == before) {
            checkOrder(m.reader(), list, path, out);
        }
        return m.problems().size() > before ? null : out;
    }

    /** Pool once, after message passing; nothing but dense and dropout after it; dense only after it. */
    private static void checkOrder(ValueReader reader, ListNode list, String path, List<GnnLayerConfig> layers) {
        int pool = -1;
        boolean conv = false;
        for (int i = 0; i < layers.size(); i++) {
            GnnLayerConfig l = layers.get(i);
            String at = KeyPaths.child(KeyPaths.index(path, i), "type");
            String problem = null;
            if (l instanceof GnnLayerConfig.Pool) {
                problem = pool >= 0 ? "a second `pool` (layers[" + pool + "] pools already): the rows are graphs"
                        : conv ? null : "`pool` reads node states: put a message-passing layer (gcn, gin or gat)"
                                + " before it";
                pool = pool >= 0 ? pool : i;
            } else if (l instanceof GnnLayerConfig.Conv c) {
                conv = true;
                problem = pool < 0 ? null : "`" + c.type().yamlName() + "` after `pool` (layers[" + pool
                        + "]): message passing needs node rows, and after pooling the rows are graphs";
            } else if (l instanceof GnnLayerConfig.Dense && pool < 0) {
                problem = "`dense` reads pooled graph rows: put it after a `{type: pool}` layer (node-level"
                        + " models end in the output's read-out per node)";
            }
            if (problem != null) {
                reader.problems().add(((MapNode) list.items().get(i)).get("type").value().location(), at, problem);
            }
        }
    }

    private static GnnLayerConfig layer(ValueReader reader, YamlNode n, String path) {
        if (!(n instanceof MapNode map)) {
            reader.typeError(n, path, "a mapping with a `type` key");
            return null;
        }
        String typePath = KeyPaths.child(path, "type");
        MapNode.Entry typeEntry = map.get("type");
        if (typeEntry == null || typeEntry.value().isNull()) {
            reader.problems().add(typeEntry == null ? map.location() : typeEntry.value().location(), typePath,
                    "missing required key `type`; expected one of: " + String.join(", ", LAYER_TYPES.names()));
            return null;
        }
        GnnLayerType type = reader.choice(typeEntry.value(), typePath, LAYER_TYPES, "layer type");
        if (type == null) {
            return null;
        }
        List<String> keys = switch (type) {
            case DROPOUT -> DROPOUT_KEYS;
            case POOL -> POOL_KEYS;
            case DENSE -> DENSE_KEYS;
            default -> CONV_KEYS;
        };
        Section s = Section.of(reader, map, path, keys, "for layer type `" + type.yamlName() + "` (" + path + ")");
        int before = reader.problems().size();
        if (type == GnnLayerType.DROPOUT) {
            Double rate = s.doubleRequired("rate", Range.closedOpen(0, 1));
            return reader.problems().size() > before ? null : new GnnLayerConfig.Dropout(rate);
        }
        if (type == GnnLayerType.POOL) {
            GnnPoolOp op = s.choiceRequired("op", POOL_OPS, "pool op");
            return reader.problems().size() > before ? null : new GnnLayerConfig.Pool(op);
        }
        if (type == GnnLayerType.DENSE) {
            Integer units = s.intRequired("units", 1, MAX_WIDTH);
            Activation activation = s.choiceOr("activation", Activation.RELU, ACTIVATIONS);
            return reader.problems().size() > before ? null : new GnnLayerConfig.Dense(units, activation);
        }
        Integer units = s.intRequired("units", 1, MAX_WIDTH);
        Activation activation = s.choiceOr("activation", Activation.RELU, ACTIVATIONS);
        if (activation != null && activation != Activation.RELU && !type.choosesActivation()) {
            s.problem(s.valueLocation("activation"), "activation", "`" + type.yamlName()
                    + "` ends in ReLU (its MLP's last activation); omit `activation` or write `relu`");
        }
        boolean multiHead = type.multiHead();
        Integer heads = s.intOr("heads", 1, 1, multiHead ? MAX_HEADS : 1);
        Boolean concat = s.boolOr("concat", multiHead);
        if (concat != null && concat && !multiHead) {
            s.problem(s.valueLocation("concat"), "concat", "only " + MULTI_HEAD_TYPES + " layers concatenate heads; `"
                    + type.yamlName() + "` has one head");
        }
        OptionalInt bits = bits(s);
        return reader.problems().size() > before ? null
                : new GnnLayerConfig.Conv(type, units, activation, heads, concat, bits);
    }

    /** @return a message-passing layer's {@code bits}, 8 or 4, empty when absent, or null after a problem */
    private static OptionalInt bits(Section s) {
        YamlNode n = s.value("bits");
        if (n == null) {
            return OptionalInt.empty();
        }
        Long v = s.reader().integer(n, s.path("bits"), 4, 8);
        if (v != null && v != 4 && v != 8) {
            s.problem(s.valueLocation("bits"), "bits", "graph layers quantize to 8 or 4 bits, got " + v);
            return null;
        }
        return v == null ? null : OptionalInt.of(v.intValue());
    }

    /**
     * @param model a bound model
     * @param out the {@code model} mapping
     */
    static void write(GnnModelConfig model, ObjectNode out) {
        out.put("features", model.features());
        ArrayNode layers = out.putArray("layers");
        for (GnnLayerConfig layer : model.layers()) {
            ObjectNode n = layers.addObject();
            n.put("type", layer.type().yamlName());
            if (layer instanceof GnnLayerConfig.Conv c) {
                n.put("units", c.units());
                n.put("activation", c.activation().yamlName());
                n.put("heads", c.heads());
                n.put("concat", c.concat());
                c.bits().ifPresent(b -> n.put("bits", b));
            } else if (layer instanceof GnnLayerConfig.Dropout d) {
                n.put("rate", d.rate());
            } else if (layer instanceof GnnLayerConfig.Pool p) {
                n.put("op", p.op().yamlName());
            } else if (layer instanceof GnnLayerConfig.Dense d) {
                n.put("units", d.units());
                n.put("activation", d.activation().yamlName());
            }
        }
        ObjectNode output = out.putObject("output");
        output.put(model.regression() ? "regression" : "classes", model.outputs());
    }
}
