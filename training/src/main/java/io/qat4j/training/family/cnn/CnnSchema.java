package io.qat4j.training.family.cnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.ConfigChoices;
import io.qat4j.training.config.binding.ConfigLocation;
import io.qat4j.training.config.binding.KeyPaths;
import io.qat4j.training.config.binding.Range;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.ListNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The schema of the {@code cnn} family's {@code model} section, in one place: its keys, their
 * binding with defaults and validation (including the layer-order rules and
 * {@link ShapeInference shape inference}), and writing a {@link CnnModelConfig} back as YAML.
 *
 * <pre>{@code
 * model:
 *   family: cnn                                   # the default
 *   input: {channels: 1, height: 28, width: 28}
 *   layers:
 *     - {type: conv2d, filters: 32, kernel: 3, padding: same, batchNorm: true}
 *     - {type: maxpool, kernel: 2}
 *     - {type: output, classes: 10}
 * }</pre>
 */
final class CnnSchema {

    /** Keys of {@code model} besides {@code family}. */
    static final List<String> MODEL_KEYS = List.of("input", "layers");
    static final List<String> INPUT_KEYS = List.of("channels", "height", "width");

    /** Keys of each layer type, {@code type} first. */
    static final Map<LayerType, List<String>> LAYER_KEYS = layerKeys();

    private static final ConfigChoices<LayerType> LAYER_TYPES =
            ConfigChoices.of(LayerType.values());
    private static final ConfigChoices<Activation> ACTIVATIONS =
            ConfigChoices.of(Activation.values());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CnnSchema() {
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

    // ---------------------------------------------------------------- binding

    /**
     * @param m the {@code model} section
     * @return the model, or null when a problem was reported
     */
    static CnnModelConfig bind(Section m) {
        int before = m.problems().size();
        InputShape input = null;
        Section in = m.section("input", INPUT_KEYS, true);
        if (in != null) {
            Integer c = in.intRequired("channels", 1, CnnLimits.MAX_WIDTH);
            Integer h = in.intRequired("height", 1, CnnLimits.MAX_IMAGE_SIDE);
            Integer w = in.intRequired("width", 1, CnnLimits.MAX_IMAGE_SIDE);
            if (c != null && h != null && w != null) {
                input = new InputShape(c, h, w);
            }
        }
        List<LayerConfig> layers = layers(m, input);
        return m.problems().size() > before || input == null || layers == null ? null
                : new CnnModelConfig(input, layers);
    }

    /** A bound layer with what the cross-layer rules need. */
    private record BoundLayer(LayerType type, LayerConfig config, Section section,
            ConfigLocation location, String path) {
    }

    private static List<LayerConfig> layers(Section m, InputShape input) {
        YamlNode n = m.required("layers");
        if (n == null) {
            return null;
        }
        String path = m.path("layers");
        if (!(n instanceof ListNode list)) {
            m.reader().typeError(n, path, "a list of layers");
            return null;
        }
        if (list.items().isEmpty()) {
            m.problem(m.keyLocation("layers"), "layers", "must contain at least one layer; the"
                    + " last one must be of type `output`");
            return null;
        }
        int before = m.problems().size();
        List<BoundLayer> bound = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            bound.add(layer(m.reader(), list.items().get(i), KeyPaths.index(path, i)));
        }
        checkOutputLayer(m, bound, m.keyLocation("layers"), path);
        checkShapes(m, bound, input);
        if (m.problems().size() > before) {
            return null;
        }
        return bound.stream().map(BoundLayer::config).collect(Collectors.toList());
    }

    private static void checkOutputLayer(Section m, List<BoundLayer> bound,
            ConfigLocation listLocation, String path) {
        List<BoundLayer> outputs = bound.stream()
                .filter(b -> b.type() == LayerType.OUTPUT).collect(Collectors.toList());
        boolean allTyped = bound.stream().allMatch(b -> b.type() != null);
        if (outputs.isEmpty()) {
            if (allTyped) {
                m.problems().add(listLocation, path, "the last layer must be of type `output`"
                        + " (the classifier); there is none");
            }
            return;
        }
        BoundLayer first = outputs.get(0);
        for (BoundLayer extra : outputs.subList(1, outputs.size())) {
            m.problems().add(extra.location(), extra.path(), "a second `output` layer; the model"
                    + " must have exactly one, the last (the first is " + first.path()
                    + " at line " + first.location().line() + ")");
        }
        BoundLayer last = bound.get(bound.size() - 1);
        if (outputs.size() == 1 && last != first) {
            int after = bound.size() - 1 - bound.indexOf(first);
            m.problems().add(first.location(), first.path(), "the `output` layer must be the"
                    + " last layer, but " + after + (after == 1 ? " layer follows" : " layers"
                    + " follow") + " it");
        }
    }

    private static void checkShapes(Section m, List<BoundLayer> bound, InputShape input) {
        if (input == null) {
            return;
        }
        ActivationShape shape = ActivationShape.of(input);
        long parameters = 0;
        long activations = shape.size();
        for (BoundLayer b : bound) {
            if (b.config() == null) {
                return;
            }
            ActivationShape in = shape;
            try {
                shape = ShapeInference.next(in, b.config());
            } catch (ShapeInference.ShapeException e) {
                if (e.key() == null) {
                    m.problems().add(b.location(), b.path(), e.getMessage());
                } else {
                    b.section().problem(b.section().valueLocation(e.key()), e.key(),
                            e.getMessage());
                }
                return;
            }
            parameters += CnnLimits.parameters(in, shape, b.config());
            activations += CnnLimits.activations(in, shape, b.config());
            if (parameters > CnnLimits.MAX_PARAMETERS) {
                m.problems().add(b.location(), b.path(), "the model has " + parameters
                        + " parameters up to this layer; at most " + CnnLimits.MAX_PARAMETERS
                        + " (2^28) are allowed");
                return;
            }
            if (activations > CnnLimits.MAX_EXAMPLE_ACTIVATIONS) {
                m.problems().add(b.location(), b.path(), "one example needs " + activations
                        + " activations up to this layer; at most "
                        + CnnLimits.MAX_EXAMPLE_ACTIVATIONS + " (2^28) are allowed");
                return;
            }
        }
    }

    private static BoundLayer layer(ValueReader reader, YamlNode n, String path) {
        if (!(n instanceof MapNode map)) {
            reader.typeError(n, path, "a mapping with a `type` key");
            return new BoundLayer(null, null, null, n.location(), path);
        }
        String typePath = KeyPaths.child(path, "type");
        MapNode.Entry typeEntry = map.get("type");
        if (typeEntry == null || typeEntry.value().isNull()) {
            reader.problems().add(typeEntry == null ? map.location()
                    : typeEntry.value().location(), typePath, "missing required key `type`;"
                            + " expected one of: " + String.join(", ", LAYER_TYPES.names()));
            return new BoundLayer(null, null, null, map.location(), path);
        }
        LayerType type = reader.choice(typeEntry.value(), typePath, LAYER_TYPES, "layer type");
        if (type == null) {
            return new BoundLayer(null, null, null, map.location(), path);
        }
        Section s = Section.of(reader, map, path, LAYER_KEYS.get(type),
                "for layer type `" + type.yamlName() + "` (" + path + ")");
        int before = reader.problems().size();
        LayerConfig config = switch (type) {
            case CONV2D -> {
                Integer filters = s.intRequired("filters", 1, CnnLimits.MAX_WIDTH);
                Size2d kernel = CnnLayerValues.sizeRequired(s, "kernel");
                Size2d stride = CnnLayerValues.sizeOr(s, "stride", Size2d.square(1));
                Padding padding = CnnLayerValues.paddingOr(s, "padding", Padding.VALID);
                Size2d dilation = CnnLayerValues.sizeOr(s, "dilation", Size2d.square(1));
                Boolean batchNorm = s.boolOr("batchNorm", false);
                Activation activation = s.choiceOr("activation", Activation.RELU, ACTIVATIONS);
                OptionalInt bits = CnnLayerValues.weightBits(s);
                yield reader.problems().size() > before ? null : new Conv2dLayerConfig(filters,
                        kernel, stride, padding, dilation, batchNorm, activation, bits);
            }
            case MAXPOOL, AVGPOOL -> {
                Size2d kernel = CnnLayerValues.sizeRequired(s, "kernel");
                Size2d stride = CnnLayerValues.sizeOr(s, "stride", kernel);
                if (reader.problems().size() > before) {
                    yield null;
                }
                yield type == LayerType.MAXPOOL ? new MaxPoolLayerConfig(kernel, stride)
                        : new AvgPoolLayerConfig(kernel, stride);
            }
            case GLOBALAVGPOOL -> reader.problems().size() > before ? null
                    : new GlobalAvgPoolLayerConfig();
            case RESIDUAL -> {
                Integer filters = s.intRequired("filters", 1, CnnLimits.MAX_WIDTH);
                Integer stride = s.intOr("stride", 1, 1, CnnLimits.MAX_WINDOW);
                OptionalInt bits = CnnLayerValues.weightBits(s);
                yield reader.problems().size() > before ? null
                        : new ResidualLayerConfig(filters, stride, bits);
            }
            case FLATTEN -> reader.problems().size() > before ? null : new FlattenLayerConfig();
            case DENSE -> {
                Integer units = s.intRequired("units", 1, CnnLimits.MAX_WIDTH);
                Activation activation = s.choiceOr("activation", Activation.RELU, ACTIVATIONS);
                Boolean batchNorm = s.boolOr("batchNorm", false);
                OptionalInt bits = CnnLayerValues.weightBits(s);
                yield reader.problems().size() > before ? null
                        : new DenseLayerConfig(units, activation, batchNorm, bits);
            }
            case DROPOUT -> {
                Double rate = s.doubleRequired("rate", Range.closedOpen(0, 1));
                yield reader.problems().size() > before ? null : new DropoutLayerConfig(rate);
            }
            case OUTPUT -> {
                Integer classes = s.intRequired("classes", 2, CnnLimits.MAX_WIDTH);
                OptionalInt bits = CnnLayerValues.weightBits(s);
                yield reader.problems().size() > before ? null
                        : new OutputLayerConfig(classes, bits);
            }
        };
        return new BoundLayer(type, config, s, map.location(), path);
    }

    // ---------------------------------------------------------------- writing back

    /**
     * @param model a bound model
     * @param out the {@code model} mapping
     */
    static void write(CnnModelConfig model, ObjectNode out) {
        ObjectNode input = out.putObject("input");
        input.put("channels", model.input().channels());
        input.put("height", model.input().height());
        input.put("width", model.input().width());
        ArrayNode layers = out.putArray("layers");
        for (LayerConfig layer : model.layers()) {
            layers.add(layer(layer));
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

    private static JsonNode size(Size2d size) {
        if (size.isSquare()) {
            return NODES.numberNode(size.height());
        }
        ArrayNode pair = NODES.arrayNode();
        pair.add(size.height());
        pair.add(size.width());
        return pair;
    }
}
