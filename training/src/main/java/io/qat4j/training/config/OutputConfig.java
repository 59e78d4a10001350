package io.qat4j.training.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code output} section: where a run writes (checkpoints, TensorBoard events, the effective
 * config, the report) and how much.
 *
 * @param dir parent folder of runs, as written (default {@code runs}); a run goes into
 *     {@code <dir>/<name>}
 * @param tensorboard whether TensorBoard event files are written (default true)
 * @param histogramsEverySteps steps between weight/activation histograms, {@code >= 1}
 *     (default 500)
 */
public record OutputConfig(Path dir, boolean tensorboard, int histogramsEverySteps) {

    /** All defaults. */
    public static final OutputConfig DEFAULT = new OutputConfig(Path.of("runs"), true, 500);

    /** Checks that the folder is present. */
    public OutputConfig {
        Objects.requireNonNull(dir, "dir");
    }
}
