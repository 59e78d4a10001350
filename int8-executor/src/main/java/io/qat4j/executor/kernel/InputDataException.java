package io.qat4j.executor.kernel;

/**
 * The data of a run break a rule an op states for them: a node index outside {@code [0, N)},
 * graph ids out of order, an in-degree or a graph larger than the int32 accumulator bound, two
 * inputs describing the same edges with different row counts. Graph ops take their structure
 * (edge lists, graph ids) as run-time inputs, so these rules cannot be checked when an artifact
 * loads; the op checks them on every run, before it computes anything, and names itself, the row
 * and the value. Everything that depends only on the artifact is checked at load instead
 * ({@code ArtifactFormatException}).
 */
public class InputDataException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the op, the row or node and the value */
    public InputDataException(String message) {
        super(message);
    }
}
