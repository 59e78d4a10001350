package io.qat4j.training.config.binding;

import io.qat4j.training.config.binding.YamlNode.MapNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A mapping of the configuration being bound to a schema: reports its unknown keys (with
 * did-you-mean suggestions) when it is opened, then hands out typed values of its keys with
 * defaults, each problem located at the offending key or value. An absent optional section has
 * no node, and all its values are the defaults.
 *
 * <p>This is the binding toolkit that every schema uses (the experiment sections, each model
 * family, each dataset format); it knows no key of any schema. A schema lists its keys once, where
 * it binds and writes them.
 */
public final class Section {

    private final ValueReader reader;
    private final MapNode node;
    private final String path;
    /** Where a missing key is reported: the key of this mapping, or its start. */
    private final ConfigLocation anchor;

    private Section(ValueReader reader, MapNode node, String path, ConfigLocation anchor,
            List<String> keys, String where) {
        this.reader = reader;
        this.node = node;
        this.path = path;
        this.anchor = anchor;
        if (node != null) {
            for (MapNode.Entry e : node.entries()) {
                if (!keys.contains(e.key())) {
                    reader.problems().add(e.keyLocation(), path(e.key()), "unknown key `"
                            + e.key() + "` " + where + Suggestions.didYouMean(e.key(), keys)
                            + "; expected one of: " + String.join(", ", keys));
                }
            }
        }
    }

    /**
     * @param reader converts and reports
     * @param root the document
     * @param keys the keys allowed at the top level
     * @return the document as a section
     */
    public static Section root(ValueReader reader, MapNode root, List<String> keys) {
        return new Section(reader, root, "", root.location(), keys, "at the top level");
    }

    /**
     * Opens a mapping found somewhere in the tree, e.g. a list item.
     *
     * @param reader converts and reports
     * @param node the mapping
     * @param path its key path
     * @param keys the keys it may have
     * @param where how messages say where an unknown key is, e.g.
     *     {@code for layer type `conv2d` (model.layers[0])}
     * @return the section
     */
    public static Section of(ValueReader reader, MapNode node, String path, List<String> keys,
            String where) {
        return new Section(reader, node, path, node.location(), keys, where);
    }

    /**
     * A section whose mapping is not written: every value is its default, every required key
     * missing (reported at {@code anchor}).
     *
     * @param reader converts and reports
     * @param path its key path
     * @param anchor where missing keys are reported
     * @return the empty section
     */
    public static Section absent(ValueReader reader, String path, ConfigLocation anchor) {
        return new Section(reader, null, path, anchor, List.of(), "");
    }

    /** @return the value reader, for values below this section's keys (e.g. list items) */
    public ValueReader reader() {
        return reader;
    }

    /** @return where problems go */
    public Problems problems() {
        return reader.problems();
    }

    /** @return the mapping, or null for an absent optional section */
    public MapNode node() {
        return node;
    }

    /** @return this section's key path, empty for the root */
    public String path() {
        return path;
    }

    /** @return where the section starts (for an absent one: where its parent is) */
    public ConfigLocation location() {
        return anchor;
    }

    /**
     * @param key a key of this section
     * @return its key path
     */
    public String path(String key) {
        return KeyPaths.child(path, key);
    }

    /**
     * @param key a key
     * @return the value of the key, or null when absent or explicitly null
     */
    public YamlNode value(String key) {
        MapNode.Entry e = node == null ? null : node.get(key);
        return e == null || e.value().isNull() ? null : e.value();
    }

    /**
     * @param key a key
     * @return where the key is written, or where this section is when it is absent
     */
    public ConfigLocation keyLocation(String key) {
        MapNode.Entry e = node == null ? null : node.get(key);
        return e == null ? anchor : e.keyLocation();
    }

    /**
     * @param key a key
     * @return where its value is written, or where this section is when it is absent
     */
    public ConfigLocation valueLocation(String key) {
        MapNode.Entry e = node == null ? null : node.get(key);
        return e == null ? anchor : e.value().location();
    }

    /**
     * @param location where
     * @param key the key at fault
     * @param message what is wrong
     */
    public void problem(ConfigLocation location, String key, String message) {
        reader.problems().add(location, path(key), message);
    }

    /**
     * @param key a key
     * @return the value, or null after reporting it missing (or null)
     */
    public YamlNode required(String key) {
        return required(key, "");
    }

    /**
     * @param key a key
     * @param hint appended to the "missing" message, e.g. how to write the key
     * @return the value, or null after reporting it missing (or null)
     */
    public YamlNode required(String key, String hint) {
        MapNode.Entry e = node == null ? null : node.get(key);
        if (e == null) {
            problem(anchor, key, "missing required key `" + key + "`"
                    + (path.isEmpty() ? "" : " under `" + path + "`") + hint);
            return null;
        }
        if (e.value().isNull()) {
            problem(e.value().location(), key, "a value is required, got null");
            return null;
        }
        return e.value();
    }

    /**
     * @param key a key whose value is a mapping
     * @param keys the keys that mapping may have
     * @param isRequired whether the key must be present
     * @return the sub-section, an empty one when it is optional and absent, or null after a
     *     problem
     */
    public Section section(String key, List<String> keys, boolean isRequired) {
        YamlNode n = isRequired ? required(key) : value(key);
        if (n == null) {
            return isRequired ? null : new Section(reader, null, path(key), anchor, keys, "");
        }
        if (!(n instanceof MapNode map)) {
            reader.typeError(n, path(key), "a mapping");
            return null;
        }
        return new Section(reader, map, path(key), keyLocation(key), keys,
                "under `" + path(key) + "`");
    }

    /**
     * @param key a key
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value, or null after a problem
     */
    public Integer intRequired(String key, int min, int max) {
        YamlNode n = required(key);
        Long v = n == null ? null : reader.integer(n, path(key), min, max);
        return v == null ? null : v.intValue();
    }

    /**
     * @param key a key
     * @param defaultValue its value when absent
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value, or null after a problem
     */
    public Integer intOr(String key, int defaultValue, int min, int max) {
        YamlNode n = value(key);
        if (n == null) {
            return defaultValue;
        }
        Long v = reader.integer(n, path(key), min, max);
        return v == null ? null : v.intValue();
    }

    /**
     * @param key a key
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value, or null after a problem
     */
    public Long longRequired(String key, long min, long max) {
        YamlNode n = required(key);
        return n == null ? null : reader.integer(n, path(key), min, max);
    }

    /**
     * @param key a key
     * @param defaultValue its value when absent
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value, or null after a problem
     */
    public Long longOr(String key, long defaultValue, long min, long max) {
        YamlNode n = value(key);
        return n == null ? Long.valueOf(defaultValue) : reader.integer(n, path(key), min, max);
    }

    /**
     * @param key a key
     * @param range allowed values
     * @return the value, or null after a problem
     */
    public Double doubleRequired(String key, Range range) {
        YamlNode n = required(key);
        return n == null ? null : reader.number(n, path(key), range);
    }

    /**
     * @param key a key
     * @param defaultValue its value when absent
     * @param range allowed values
     * @return the value, or null after a problem
     */
    public Double doubleOr(String key, double defaultValue, Range range) {
        YamlNode n = value(key);
        return n == null ? Double.valueOf(defaultValue) : reader.number(n, path(key), range);
    }

    /**
     * @param key a key
     * @param defaultValue its value when absent
     * @return the value, or null after a problem
     */
    public Boolean boolOr(String key, boolean defaultValue) {
        YamlNode n = value(key);
        return n == null ? Boolean.valueOf(defaultValue) : reader.bool(n, path(key));
    }

    /**
     * @param key a key
     * @param defaultValue its value when absent
     * @return the path as written, or null after a problem
     */
    public Path pathOr(String key, Path defaultValue) {
        YamlNode n = value(key);
        return n == null ? defaultValue : reader.path(n, path(key));
    }

    /**
     * @param <E> the enum
     * @param key a key
     * @param allowed the spellings
     * @param noun what the value is, for {@code unknown <noun> `x`}
     * @return the constant, or null after a problem
     */
    public <E extends Enum<E>> E choiceRequired(String key, ConfigChoices<E> allowed,
            String noun) {
        YamlNode n = required(key);
        return n == null ? null : reader.choice(n, path(key), allowed, noun);
    }

    /**
     * @param <E> the enum
     * @param key a key
     * @param defaultValue its value when absent
     * @param allowed the spellings
     * @return the constant, or null after a problem; messages call a {@code type} key
     *     {@code <section> type} ({@code unknown optimizer type `adamx`})
     */
    public <E extends Enum<E>> E choiceOr(String key, E defaultValue, ConfigChoices<E> allowed) {
        YamlNode n = value(key);
        if (n == null) {
            return defaultValue;
        }
        String noun = key.equals("type") && !path.isEmpty()
                ? path.substring(path.lastIndexOf('.') + 1) + " type" : key;
        return reader.choice(n, path(key), allowed, noun);
    }
}
