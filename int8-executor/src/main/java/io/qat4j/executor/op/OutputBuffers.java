package io.qat4j.executor.op;

/**
 * Where a prepared op takes the storage of its outputs. The executor hands each op, per thread,
 * the arrays of the previous run for the tensors that no caller keeps (every activation between
 * the graph's inputs and outputs), so that a run allocates nothing but its outputs; an op writes
 * every element of an array it is given (it may hold the previous run's values).
 */
@FunctionalInterface
public interface OutputBuffers {

    /** New arrays every time: for runs whose tensors a caller keeps (traces). */
    OutputBuffers FRESH = (output, length) -> new byte[length];

    /**
     * @param output the op's output position
     * @param length the elements needed
     * @return an int8 array of exactly {@code length} elements, to be overwritten entirely
     */
    byte[] int8(int output, int length);
}
