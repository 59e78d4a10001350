package io.qat4j.training.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qat4j.training.config.binding.Section;
import java.nio.file.Path;
import java.util.List;

/**
 * The schema of the {@code output} section: its keys, their binding with defaults, and writing an
 * {@link OutputConfig} back.
 */
final class OutputSchema {

    static final List<String> KEYS = List.of("dir", "tensorboard", "histogramsEverySteps");

    private OutputSchema() {
    }

    /**
     * @param root the document
     * @return the section (all defaults when absent), or null when a problem was reported
     */
    static OutputConfig bind(Section root) {
        Section o = root.section("output", KEYS, false);
        if (o == null) {
            return null;
        }
        int before = o.problems().size();
        OutputConfig d = OutputConfig.DEFAULT;
        Path dir = o.pathOr("dir", d.dir());
        Boolean tensorboard = o.boolOr("tensorboard", d.tensorboard());
        Integer histograms = o.intOr("histogramsEverySteps", d.histogramsEverySteps(), 1, Integer.MAX_VALUE);
        return o.problems().size() > before ? null : new OutputConfig(dir, tensorboard, histograms);
    }

    /**
     * @param output a bound section
     * @param out the {@code output} mapping to fill
     */
    static void write(OutputConfig output, ObjectNode out) {
        out.put("dir", output.dir().toString());
        out.put("tensorboard", output.tensorboard());
        out.put("histogramsEverySteps", output.histogramsEverySteps());
    }
}
