package io.qat4j.executor.artifact;

/**
 * A broken invariant of an artifact record, raised by the record constructors and the blob
 * checks. Callers see an {@link IllegalArgumentException}; the reader catches it and turns it
 * into an {@link ArtifactFormatException} with the byte offset of {@link #field}.
 */
final class InvariantViolation extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Path of the field, e.g. {@code "shape[1]"}, {@code "ops[2].inputs[0]"}, {@code "blobs[1]"}. */
    final String field;
    /** What is wrong. */
    final String problem;
    /** For a bad value inside blob data: the blob index, else -1. */
    final int blob;
    /** For a bad value inside blob data: the byte position within the blob. */
    final long blobPosition;

    InvariantViolation(String field, String problem) {
        this(field, problem, -1, 0);
    }

    InvariantViolation(String field, String problem, int blob, long blobPosition) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
        this.blob = blob;
        this.blobPosition = blobPosition;
    }
}
