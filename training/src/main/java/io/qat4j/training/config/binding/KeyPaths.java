package io.qat4j.training.config.binding;

/**
 * Key paths as shown in messages: {@code model.layers[2].filters}.
 */
public final class KeyPaths {

    /** How the document itself is named in messages. */
    public static final String ROOT = "<root>";

    private KeyPaths() {
    }

    /**
     * @param parent parent path, empty for the root
     * @param key a key of the parent mapping
     * @return {@code parent.key}
     */
    public static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /**
     * @param parent path of a list
     * @param index an index
     * @return {@code parent[index]}
     */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * @param path a path, empty for the root
     * @return the path quoted for a message: {@code `training`}, or {@code the top level}
     */
    public static String describe(String path) {
        return path.isEmpty() ? "the top level" : "`" + path + "`";
    }

    /**
     * Finds where a value below a node is written.
     *
     * @param node a node, e.g. the {@code model} mapping
     * @param relativePath a key path below it, e.g. {@code layers[2].classes}
     * @return the location of that value, or of its nearest written ancestor
     */
    public static ConfigLocation locate(YamlNode node, String relativePath) {
        YamlNode current = node;
        for (String part : relativePath.split("[.\\[]")) {
            YamlNode next = null;
            if (part.endsWith("]") && current instanceof YamlNode.ListNode list) {
                int i = Integer.parseInt(part.substring(0, part.length() - 1));
                next = i < list.items().size() ? list.items().get(i) : null;
            } else if (current instanceof YamlNode.MapNode map && map.get(part) != null) {
                next = map.get(part).value();
            }
            if (next == null) {
                break;
            }
            current = next;
        }
        return current.location();
    }
}
