package io.qat4j.executor.artifact;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the fields of a manifest start in the file, as {@link ArtifactReader} found them, so that
 * a check made after reading (an op definition at load, the executor's graph checks) names the
 * byte offset of what it rejects, exactly as the reader's own checks do (PNG and safetensors
 * readers report the offset of the bad chunk or header field). Knows each tensor entry, each op
 * entry with its type, version, inputs, outputs, attribute block and every attribute key, and the
 * graph inputs and outputs. A model built in memory has {@link #NONE}.
 */
public final class ManifestLocations {

    /** No locations: a model that did not come from a file. */
    public static final ManifestLocations NONE = new ManifestLocations();

    private long[] tensors = new long[0];
    private long[] ops = new long[0];
    private long[] opTypes = new long[0];
    private long[] opVersions = new long[0];
    private long[] opInputs = new long[0];
    private long[] opOutputs = new long[0];
    private long[] opAttributes = new long[0];
    private final Map<Integer, Map<String, Long>> attributeKeys = new HashMap<>();
    private long graphInputs = -1;
    private long graphOutputs = -1;

    /** Filled by {@link ManifestDecoder} while it reads, then never changed. */
    ManifestLocations() {
    }

    void tensorCount(int n) {
        tensors = filled(n);
    }

    void opCount(int n) {
        ops = filled(n);
        opTypes = filled(n);
        opVersions = filled(n);
        opInputs = filled(n);
        opOutputs = filled(n);
        opAttributes = filled(n);
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    void tensor(int i, long at) {
        tensors[i] = at;
    }

    void op(int o, long start, long type, long version, long inputs, long outputs, long attributes) {
        ops[o] = start;
        opTypes[o] = type;
        opVersions[o] = version;
        opInputs[o] = inputs;
        opOutputs[o] = outputs;
        opAttributes[o] = attributes;
    }

    void attributeKey(int o, String key, long at) {
        attributeKeys.computeIfAbsent(o, k -> new HashMap<>()).put(key, at);
    }

    void graph(long inputs, long outputs) {
        graphInputs = inputs;
        graphOutputs = outputs;
    }

    /**
     * @param field a field path as {@link ArtifactFormatException#field()} names it: {@code
     *     tensors[3].shape}, {@code ops[2]}, {@code ops[2].opVersion}, {@code ops[2].inputs[1]},
     *     {@code ops[2].attributes.pad}, {@code graphOutputs[0]}, ...
     * @return the byte offset where that field (or, when it is absent from the file, such as a
     *     missing attribute, the structure that should hold it) starts, or {@code -1} if unknown
     */
    public long of(String field) {
        int i = index(field, "tensors[");
        if (i >= 0) {
            return i < tensors.length ? tensors[i] : -1;
        }
        i = index(field, "ops[");
        if (i >= 0) {
            if (i >= ops.length) {
                return -1;
            }
            String rest = field.substring(field.indexOf(']') + 1);
            if (rest.startsWith(".opType")) {
                return opTypes[i];
            }
            if (rest.startsWith(".opVersion")) {
                return opVersions[i] >= 0 ? opVersions[i] : opTypes[i];
            }
            if (rest.startsWith(".inputs")) {
                return element(opInputs[i], rest.substring(".inputs".length()));
            }
            if (rest.startsWith(".outputs")) {
                return element(opOutputs[i], rest.substring(".outputs".length()));
            }
            if (rest.startsWith(".attributes")) {
                String key = rest.startsWith(".attributes.") ? rest.substring(".attributes.".length()) : "";
                Long at = attributeKeys.getOrDefault(i, Map.of()).get(key);
                return at != null ? at : opAttributes[i];
            }
            return ops[i];
        }
        if (field.startsWith("graphInputs")) {
            return element(graphInputs, field.substring("graphInputs".length()));
        }
        if (field.startsWith("graphOutputs")) {
            return element(graphOutputs, field.substring("graphOutputs".length()));
        }
        return -1;
    }

    /** The offset of {@code [k]} in an i32 array starting at {@code start} (its count first). */
    private static long element(long start, String index) {
        int k = index(index, "[");
        return start < 0 || k < 0 ? start : start + 4 + 4L * k;
    }

    private static int index(String field, String prefix) {
        if (!field.startsWith(prefix)) {
            return -1;
        }
        int end = field.indexOf(']', prefix.length());
        if (end <= prefix.length() || end - prefix.length() > 9) {
            return -1;
        }
        int v = 0;
        for (int k = prefix.length(); k < end; k++) {
            char c = field.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = 10 * v + (c - '0');
        }
        return v;
    }
}
