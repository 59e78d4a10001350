package io.qat4j.training.config.binding;

import java.util.Objects;

/**
 * Where a configuration value comes from: a position in a YAML source, or a {@code --set}
 * override given on the command line.
 *
 * <p>Lines and columns are 1-based, as in compiler diagnostics and in Jackson's
 * {@code JsonLocation}; 0 means "no position" (an override, or a file that cannot be read). An
 * override's {@code source} is the override as typed, e.g. {@code --set training.epochs=3}.
 *
 * @param source file name (as given to the loader) or {@code --set key=value}
 * @param line 1-based line, or 0 when there is no position
 * @param column 1-based column, or 0 when there is no position
 */
public record ConfigLocation(String source, int line, int column) {

    /** Prefix of the {@link #source()} of an override. */
    public static final String OVERRIDE_PREFIX = "--set ";

    /** Checks the components. */
    public ConfigLocation {
        Objects.requireNonNull(source, "source");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("negative line or column: " + line + ":" + column);
        }
    }

    /**
     * @param override the override as typed, without the {@code --set} prefix
     * @return the location of a command-line override
     */
    public static ConfigLocation override(String override) {
        return new ConfigLocation(OVERRIDE_PREFIX + override, 0, 0);
    }

    /** @return true when this is a {@code --set} override rather than a place in a file */
    public boolean isOverride() {
        return source.startsWith(OVERRIDE_PREFIX);
    }

    /** @return {@code source:line:column}, or just the source when there is no position */
    @Override
    public String toString() {
        return line == 0 ? source : source + ":" + line + ":" + column;
    }
}
