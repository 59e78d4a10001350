package io.qat4j.executor.artifact;

import java.io.IOException;

/**
 * A malformed, corrupt, truncated or unsupported artifact. The message names what is wrong, the
 * field ({@code "tensors[3].shape"}, {@code "blobs[1].offset"}, {@code "manifestCrc32c"},
 * {@code "ops[2].attributes.pad"}, ...) and the byte offset in the file where that field starts;
 * a model built in memory has no offsets, and its message says the problem was found at load.
 */
public class ArtifactFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String field;
    private final long offset;
    private final String problem;

    /**
     * @param source the file the artifact came from, or {@code null} for bytes in memory
     * @param field the name of the offending field
     * @param offset the byte offset of that field in the file
     * @param problem what is wrong
     */
    public ArtifactFormatException(String source, String field, long offset, String problem) {
        this(source, field, offset, problem, null);
    }

    /**
     * @param source the file the artifact came from, or {@code null} for bytes in memory
     * @param field the name of the offending field
     * @param offset the byte offset of that field in the file, or {@code -1} when the model did not
     *     come from a file
     * @param problem what is wrong
     * @param cause the underlying exception, or {@code null}
     */
    public ArtifactFormatException(String source, String field, long offset, String problem, Throwable cause) {
        super((source == null ? "" : source + ": ") + problem + " (field " + field + (offset >= 0 ? " at byte offset " + offset
                : ", found at load") + ")", cause);
        this.source = source;
        this.field = field;
        this.offset = offset;
        this.problem = problem;
    }

    /** @return the file the artifact came from, or {@code null} for bytes in memory */
    public String source() {
        return source;
    }

    /** @return the name of the offending field */
    public String field() {
        return field;
    }

    /** @return the byte offset of the offending field in the file, or {@code -1} for a model that did not come from a file */
    public long offset() {
        return offset;
    }

    /** @return what is wrong, without the location */
    public String problem() {
        return problem;
    }
}
