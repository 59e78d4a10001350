package io.qat4j.training.config.binding;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written: the located tree that the loader builds from
 * Jackson's streaming {@code YAMLParser} (Jackson's own {@code JsonNode} tree drops locations).
 * Mutable only while {@code --set} overrides are applied.
 */
public abstract sealed class YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.ScalarNode {

    private final ConfigLocation location;

    YamlNode(ConfigLocation location) {
        this.location = location;
    }

    /** @return where the value starts */
    public final ConfigLocation location() {
        return location;
    }

    /** @return the kind of value for messages, e.g. {@code a list}, {@code string 'ten'} */
    public abstract String describe();

    /** @return true for an explicit {@code null} (or {@code ~}, or nothing after the colon) */
    public boolean isNull() {
        return false;
    }

    /** A mapping; keys keep their order and their own location. */
    public static final class MapNode extends YamlNode {

        /**
         * One key of a mapping.
         *
         * @param key the key
         * @param keyLocation where the key is written
         * @param value its value
         */
        public record Entry(String key, ConfigLocation keyLocation, YamlNode value) {
        }

        private final Map<String, Entry> entries = new LinkedHashMap<>();

        MapNode(ConfigLocation location) {
            super(location);
        }

        /**
         * @param key a key
         * @return its entry, or null when the mapping does not have it
         */
        public Entry get(String key) {
            return entries.get(key);
        }

        /** @param entry an entry that replaces the one with the same key */
        public void put(Entry entry) {
            entries.put(entry.key(), entry);
        }

        /** @return the entries in the order written */
        public List<Entry> entries() {
            return List.copyOf(entries.values());
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A sequence. */
    public static final class ListNode extends YamlNode {

        private final List<YamlNode> items = new ArrayList<>();

        ListNode(ConfigLocation location) {
            super(location);
        }

        /** @return the items, modifiable while overrides are applied */
        public List<YamlNode> items() {
            return items;
        }

        @Override
        public String describe() {
            return items.isEmpty() ? "an empty list" : "a list";
        }
    }

    /** A scalar, typed as YAML 1.1 (which Jackson's YAML parser follows) resolves it. */
    public static final class ScalarNode extends YamlNode {

        /** Resolved type of a scalar. */
        public enum Kind {
            /** {@code null}, {@code ~} or nothing. */
            NULL,
            /** {@code true}/{@code false}, and YAML 1.1's {@code yes}/{@code no}/{@code on}/... */
            BOOLEAN,
            /** An integer, in {@link #integer()}. */
            INTEGER,
            /** A floating-point number, in {@link #number()}. */
            FLOAT,
            /** A string (quoted, or plain and not resolved as anything else). */
            STRING,
            /** A value already reported as a problem (e.g. an alias); not to be reported again. */
            INVALID
        }

        private final Kind kind;
        private final String text;
        private final BigInteger integer;
        private final double number;
        private final boolean bool;

        ScalarNode(ConfigLocation location, Kind kind, String text, BigInteger integer,
                double number, boolean bool) {
            super(location);
            this.kind = kind;
            this.text = text;
            this.integer = integer;
            this.number = number;
            this.bool = bool;
        }

        /** @return the resolved type */
        public Kind kind() {
            return kind;
        }

        /** @return the scalar as written (for numbers, before parsing) */
        public String text() {
            return text;
        }

        /** @return the value of an {@link Kind#INTEGER} scalar */
        public BigInteger integer() {
            return integer;
        }

        /** @return the value of a {@link Kind#FLOAT} scalar (may be infinite or NaN) */
        public double number() {
            return number;
        }

        /** @return the value of a {@link Kind#BOOLEAN} scalar */
        public boolean bool() {
            return bool;
        }

        @Override
        public boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
            return switch (kind) {
                case NULL -> "null";
                case BOOLEAN -> "boolean " + shown;
                case INTEGER -> "integer " + shown;
                case FLOAT -> "number " + shown;
                case STRING -> "string '" + shown + "'";
                case INVALID -> "an invalid value";
            };
        }
    }
}
