package io.qat4j.training.config.binding;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.qat4j.training.config.binding.YamlNode.ListNode;
import io.qat4j.training.config.binding.YamlNode.MapNode;
import io.qat4j.training.config.binding.YamlNode.ScalarNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds the located {@link YamlNode} tree from Jackson's streaming {@link YAMLParser}, which
 * reports the line and column of every token. Also reports what a tree of Jackson's would hide:
 * duplicate keys (the first one is kept), aliases (not supported: a config must read as written,
 * and an alias is never expanded, so anchors cannot multiply a document), several documents in
 * one file, and an empty file. A YAML syntax error stops the reading; it is reported at
 * SnakeYAML's problem mark with the key path read last.
 *
 * <p>Hostile input meets limits, each an error at a line that stops the reading: a document of
 * more than {@value #MAX_DOCUMENT_CHARS} characters is not parsed, mappings and lists nested more
 * than {@value #MAX_DEPTH} levels deep are reported at the first value too deep (the tree is
 * built recursively, so this also bounds the stack), and a mapping key that is not a scalar (a
 * complex key {@code ? [a, b]}, which YAML allows and a config cannot use) is reported as such
 * rather than as Jackson's "Expected a field name". The limits are this reader's own: Jackson
 * 2.15's {@code YAMLParser} does not apply {@code StreamReadConstraints.maxNestingDepth} (10,000
 * nested {@code [} reached this reader's recursion and overflowed the stack), and
 * {@code maxDocumentLength} only exists from Jackson 2.16.
 */
public final class YamlTreeReader {

    /**
     * Deepest nesting of mappings and lists a config may have (the root mapping is level 1). The
     * deepest config key path of the shipped schemas has 5 levels.
     */
    public static final int MAX_DEPTH = 64;
    /** Longest config document, in characters: a config of this project is a few kilobytes. */
    public static final int MAX_DOCUMENT_CHARS = 1 << 20;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    /**
     * How Jackson's {@code YAMLParser} (2.15) starts its message when a mapping key is not a
     * scalar: the only way it reports a complex key.
     */
    private static final String NON_SCALAR_KEY = "Expected a field name";

    private final Problems problems;
    private final Function<JsonLocation, ConfigLocation> locator;
    private final String sourceName;
    private YAMLParser parser;
    /** The key path read last, to say where a syntax error happened. */
    private String lastPath = "";
    /** Mappings and lists open around the value being read; the root value is at depth 1. */
    private int depth;

    private YamlTreeReader(Problems problems, String sourceName,
            Function<JsonLocation, ConfigLocation> locator) {
        this.problems = problems;
        this.sourceName = sourceName;
        this.locator = locator;
    }

    /**
     * Reads a whole config document.
     *
     * @param yaml the text
     * @param sourceName file name for messages
     * @param problems where problems go
     * @return the root mapping, or null when a problem makes the document unusable (syntax
     *     error, empty, not a mapping)
     */
    public static MapNode readDocument(String yaml, String sourceName, Problems problems) {
        YamlTreeReader reader = new YamlTreeReader(problems, sourceName,
                l -> new ConfigLocation(sourceName, Math.max(1, l.getLineNr()),
                        Math.max(1, l.getColumnNr())));
        ConfigLocation start = new ConfigLocation(sourceName, 1, 1);
        YamlNode root = reader.read(yaml, start, "");
        if (root == null) {
            return null;
        }
        if (root.isNull()) {
            problems.add(start, "", "the config is empty; expected a mapping with the keys name,"
                    + " dataset, model and optionally seed, quantization, training, output");
            return null;
        }
        if (!(root instanceof MapNode map)) {
            problems.add(root.location(), "", "the top level must be a mapping of keys (name,"
                    + " dataset, model, ...), got " + root.describe());
            return null;
        }
        return map;
    }

    /**
     * Reads the value of a {@code --set key=value} override; every node gets the override's
     * location.
     *
     * @param text the value as typed (may be empty, which means null)
     * @param location the override
     * @param path the key path being set, for messages
     * @param problems where problems go
     * @return the value, or null after a problem
     */
    public static YamlNode readValue(String text, ConfigLocation location, String path,
            Problems problems) {
        YamlTreeReader reader = new YamlTreeReader(problems, location.source(), l -> location);
        return reader.read(text, location, path);
    }

    private YamlNode read(String text, ConfigLocation start, String rootPath) {
        lastPath = rootPath;
        if (text.length() > MAX_DOCUMENT_CHARS) {
            problems.add(start, rootPath, "the YAML text is " + text.length() + " characters long;"
                    + " a config may have at most " + MAX_DOCUMENT_CHARS + " characters");
            return null;
        }
        try (YAMLParser p = FACTORY.createParser(text)) {
            parser = p;
            JsonToken first = p.nextToken();
            if (first == null) {
                return new ScalarNode(start, ScalarNode.Kind.NULL, "", null, 0, false);
            }
            YamlNode root = value(first, rootPath);
            JsonToken next = p.nextToken();
            if (next != null) {
                problems.add(location(), rootPath, "more than one YAML document (`---`); an"
                        + " experiment config is a single document");
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            syntaxError(e, start);
            return null;
        } catch (TooDeep e) {
            return null;
        } catch (IOException | RuntimeException e) {
            problems.add(start, lastPath, "cannot read YAML: " + e.getMessage());
            return null;
        }
    }

    private YamlNode value(JsonToken token, String path) throws IOException {
        if (token == null) {
            throw new IllegalStateException("unexpected end of the YAML document");
        }
        ConfigLocation here = location();
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && depth == MAX_DEPTH) {
            problems.add(here, path, "mappings and lists are nested more than " + MAX_DEPTH
                    + " levels deep here; a config needs a handful");
            throw new TooDeep();
        }
        switch (token) {
            case START_OBJECT: {
                depth++;
                MapNode map = new MapNode(here);
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
                    if (t != JsonToken.FIELD_NAME) {
                        throw new IllegalStateException("expected a key, got " + t);
                    }
                    String key = parser.currentName();
                    ConfigLocation keyLocation = location();
                    String childPath = KeyPaths.child(path, key);
                    lastPath = childPath;
                    YamlNode child = value(parser.nextToken(), childPath);
                    MapNode.Entry previous = map.get(key);
                    if (previous != null) {
                        problems.add(keyLocation, childPath, "duplicate key `" + key
                                + "`; it is already set at line " + previous.keyLocation().line());
                    } else {
                        map.put(new MapNode.Entry(key, keyLocation, child));
                    }
                }
                depth--;
                return map;
            }
            case START_ARRAY: {
                depth++;
                ListNode list = new ListNode(here);
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    String itemPath = KeyPaths.index(path, list.items().size());
                    lastPath = itemPath;
                    list.items().add(value(t, itemPath));
                }
                depth--;
                return list;
            }
            case VALUE_STRING:
                if (parser.isCurrentAlias()) {
                    problems.add(here, path, "YAML aliases (`*" + parser.getText() + "`) are not"
                            + " supported in experiment configs; write the value out");
                    return scalar(here, ScalarNode.Kind.INVALID, null, 0);
                }
                return scalar(here, ScalarNode.Kind.STRING, null, 0);
            case VALUE_NUMBER_INT:
                try {
                    return scalar(here, ScalarNode.Kind.INTEGER, parser.getBigIntegerValue(), 0);
                } catch (IOException | NumberFormatException e) {
                    return scalar(here, ScalarNode.Kind.STRING, null, 0);
                }
            case VALUE_NUMBER_FLOAT:
                return floatScalar(here);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new ScalarNode(here, ScalarNode.Kind.BOOLEAN, parser.getText(), null, 0,
                        token == JsonToken.VALUE_TRUE);
            case VALUE_NULL:
                return scalar(here, ScalarNode.Kind.NULL, null, 0);
            default:
                // VALUE_EMBEDDED_OBJECT (binary !!binary scalars) and anything else
                problems.add(here, path, "unsupported YAML value (" + token + ")");
                return scalar(here, ScalarNode.Kind.INVALID, null, 0);
        }
    }

    private ScalarNode floatScalar(ConfigLocation here) throws IOException {
        String text = parser.getText();
        String t = text.strip();
        double special = switch (t) {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF" -> Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN" -> Double.NaN;
            default -> 0;
        };
        if (special != 0) {
            return scalar(here, ScalarNode.Kind.FLOAT, null, special);
        }
        try {
            return scalar(here, ScalarNode.Kind.FLOAT, null, parser.getDoubleValue());
        } catch (IOException | NumberFormatException e) {
            try {
                return scalar(here, ScalarNode.Kind.FLOAT, null,
                        Double.parseDouble(t.replace("_", "")));
            } catch (NumberFormatException e2) {
                return scalar(here, ScalarNode.Kind.STRING, null, 0);
            }
        }
    }

    private ScalarNode scalar(ConfigLocation here, ScalarNode.Kind kind, BigInteger integer,
            double number) throws IOException {
        String text = parser.getText();
        return new ScalarNode(here, kind, text == null ? "" : text, integer, number, false);
    }

    private ConfigLocation location() {
        return locator.apply(parser.currentTokenLocation());
    }

    private void syntaxError(JsonProcessingException e, ConfigLocation start) {
        MarkedYAMLException marked = null;
        for (Throwable t = e; t != null && marked == null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m) {
                marked = m;
            }
        }
        ConfigLocation where;
        String message;
        if (marked != null && marked.getProblemMark() != null) {
            where = markLocation(marked.getProblemMark(), start);
            message = oneLine(marked.getProblem());
            if (marked.getContext() != null) {
                message += " (" + oneLine(marked.getContext());
                Mark context = marked.getContextMark();
                if (context != null && !start.isOverride()) {
                    message += " started at line " + (context.getLine() + 1) + ", column "
                            + (context.getColumn() + 1);
                }
                message += ")";
            }
        } else {
            JsonLocation l = e.getLocation();
            where = l == null ? start : locator.apply(l);
            message = oneLine(e.getOriginalMessage());
            if (message.startsWith(NON_SCALAR_KEY)) {
                problems.add(where, lastPath, "mapping keys must be plain scalars (a name such as"
                        + " `epochs`); a list or mapping as a key (`? [a, b]`) is not supported");
                return;
            }
        }
        problems.add(where, lastPath, "YAML syntax error: " + message);
    }

    /** Stops the reading after the depth limit has been reported. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooDeep() {
            super(null, null, false, false);
        }
    }

    private ConfigLocation markLocation(Mark mark, ConfigLocation start) {
        if (start.isOverride()) {
            return start;
        }
        return new ConfigLocation(sourceName, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
