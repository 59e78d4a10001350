package io.qat4j.executor.op;

import io.qat4j.executor.tensor.Tensor;

/**
 * An op prepared for execution by its {@link OpDefinition}: attributes decoded and checked,
 * weights unpacked and laid out, constants bound. Immutable and safe for concurrent use (per-thread
 * scratch lives inside the prepared kernels).
 */
@FunctionalInterface
public interface PreparedOp {

    /**
     * Runs the op on one batch. The executor passes values whose types and per-example shapes
     * equal the op's declared input tensors and checks the outputs against the declared output
     * tensors.
     *
     * @param inputs one value per op input, in order; {@code null} at the positions of constants,
     *     which the op bound when it was prepared
     * @return one value per op output, in order, each with the leading dimension the op derives
     *     from its inputs
     */
    Tensor[] run(Tensor[] inputs);

    /**
     * {@link #run(Tensor[])} with the storage of the outputs taken from {@code buffers} where the
     * op can (ops with int8 outputs); by default it allocates its own.
     *
     * @param inputs as for {@link #run(Tensor[])}
     * @param buffers where the outputs' arrays come from
     * @return as for {@link #run(Tensor[])}
     */
    default Tensor[] run(Tensor[] inputs, OutputBuffers buffers) {
        return run(inputs);
    }
}
