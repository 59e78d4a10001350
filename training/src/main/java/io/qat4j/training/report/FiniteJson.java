package io.qat4j.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.executor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the run's JSON files ({@code metrics.json}, {@code report.json}) as standard JSON (RFC
 * 8259 has no NaN or infinity): a number that could not be computed, such as a score that does not
 * apply to the task or the mean loss of an epoch without a step, is written as {@code null}, never
 * as Jackson's default string {@code "NaN"}.
 */
public final class FiniteJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FiniteJson() {
    }

    /**
     * Replaces every NaN or infinite number in a tree by {@code null}, in place.
     *
     * @param node a JSON tree
     * @return the same tree
     */
    public static JsonNode nullNonFinite(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> bad = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (nonFinite(e.getValue())) {
                    bad.add(e.getKey());
                } else {
                    nullNonFinite(e.getValue());
                }
            }
            bad.forEach(o::putNull);
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (nonFinite(a.get(i))) {
                    a.setNull(i);
                } else {
                    nullNonFinite(a.get(i));
                }
            }
        }
        return node;
    }

    private static boolean nonFinite(JsonNode n) {
        return n.isNumber() && (n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue());
    }

    /**
     * Writes a tree atomically, pretty-printed, with non-finite numbers as {@code null}.
     *
     * @param file target
     * @param node the tree
     * @throws IOException when writing fails
     */
    public static void write(Path file, JsonNode node) throws IOException {
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(nullNonFinite(node)));
    }
}
