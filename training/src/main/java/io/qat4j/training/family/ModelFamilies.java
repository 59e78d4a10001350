package io.qat4j.training.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.ModelConfig;
import io.qat4j.training.config.binding.Section;
import io.qat4j.training.config.binding.ValueReader;
import io.qat4j.training.config.binding.YamlNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of {@link ModelFamily model families}, found with {@link ServiceLoader}, and the
 * binding of the {@code model} section: its {@code family} key (default {@value #DEFAULT}) selects
 * the family whose schema binds the rest.
 *
 * <p>A family that DESIGN.md announces but this version does not have ({@link #PLANNED}:
 * {@code transformer}) is not registered, so that nothing pretends to work:
 * {@code family: transformer} is an error at its line saying that it is not available in this version
 * and which families are, rather than an unknown value with a misleading did-you-mean
 * ({@code cnn}). A registered family of that name takes precedence over the announcement.
 */
public final class ModelFamilies {

    /** The family of a {@code model} section without {@code family}: today's CNN schema. */
    public static final String DEFAULT = "cnn";

    /** The {@code model} key that selects the family. */
    public static final String FAMILY_KEY = "family";

    /** Families announced for later versions (DESIGN.md section 8), by name: what they build. */
    static final Map<String, String> PLANNED = Map.of(
            "transformer", "BERT-style transformers with Q-BERT quantization");

    private static final Map<String, ModelFamily> REGISTERED = load();

    private ModelFamilies() {
    }

    private static Map<String, ModelFamily> load() {
        Map<String, ModelFamily> byName = new LinkedHashMap<>();
        for (ModelFamily f : ServiceLoader.load(ModelFamily.class, ModelFamily.class.getClassLoader())) {
            ModelFamily previous = byName.putIfAbsent(f.name(), f);
            if (previous != null) {
                throw new IllegalStateException("two model families named `" + f.name() + "`: "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        if (!byName.containsKey(DEFAULT)) {
            throw new IllegalStateException("the default model family `" + DEFAULT
                    + "` is not registered (META-INF/services/" + ModelFamily.class.getName() + ")");
        }
        return Collections.unmodifiableMap(byName);
    }

    /** @return the names of the registered families, in registration order */
    public static List<String> names() {
        return new ArrayList<>(REGISTERED.keySet());
    }

    /**
     * @param name a family name
     * @return the registered family of that name
     */
    public static Optional<ModelFamily> find(String name) {
        return Optional.ofNullable(REGISTERED.get(name));
    }

    /**
     * @param model a bound model
     * @return its family
     * @throws IllegalArgumentException when the family is not registered
     */
    public static ModelFamily of(ModelConfig model) {
        return find(model.family()).orElseThrow(() -> new IllegalArgumentException(
                "model family `" + model.family() + "` is not registered"));
    }

    /**
     * Binds the {@code model} section of a document: {@code family}, then the family's keys.
     *
     * @param root the document
     * @return the model, or null when a problem was reported
     */
    public static ModelConfig bind(Section root) {
        YamlNode n = root.required("model");
        if (n == null) {
            return null;
        }
        if (!(n instanceof MapNode map)) {
            root.reader().typeError(n, root.path("model"), "a mapping");
            return null;
        }
        MapNode.Entry familyEntry = map.get(FAMILY_KEY);
        ModelFamily family = familyEntry == null || familyEntry.value().isNull()
                ? REGISTERED.get(DEFAULT)
                : family(root.reader(), familyEntry.value(), root.path("model") + "." + FAMILY_KEY);
        if (family == null) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        keys.add(FAMILY_KEY);
        keys.addAll(family.keys());
        return family.bind(root.section("model", keys, true));
    }

    private static ModelFamily family(ValueReader reader, YamlNode n, String path) {
        String planned = n instanceof YamlNode.ScalarNode s && !REGISTERED.containsKey(s.text().strip())
                ? PLANNED.get(s.text().strip()) : null;
        if (planned != null) {
            reader.problems().add(n.location(), path, "model family `" + ((YamlNode.ScalarNode) n).text().strip()
                    + "` (" + planned + ") is not available in this version; available: "
                    + String.join(", ", REGISTERED.keySet()));
            return null;
        }
        return reader.registered(n, path, REGISTERED, "model family", "");
    }

    /**
     * Writes the {@code model} section: {@code family}, then the family's keys.
     *
     * @param model a bound model
     * @param out the {@code model} mapping to fill
     */
    public static void write(ModelConfig model, ObjectNode out) {
        out.put(FAMILY_KEY, model.family());
        of(model).write(model, out);
    }
}
