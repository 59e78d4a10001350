package io.qat4j.training.config;

/**
 * Key paths as shown in messages: {@code model.layers[2].filters}.
 */
final class KeyPaths {

    /** How the document itself is named in messages. */
    static final String ROOT = "<root>";

    private KeyPaths() {
    }

    /**
     * @param parent parent path, empty for the root
     * @param key a key of the parent mapping
     * @return {@code parent.key}
     */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /**
     * @param parent path of a list
     * @param index an index
     * @return {@code parent[index]}
     */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * @param path a path, empty for the root
     * @return the path quoted for a message: {@code `training`}, or {@code the top level}
     */
    static String describe(String path) {
        return path.isEmpty() ? "the top level" : "`" + path + "`";
    }
}
