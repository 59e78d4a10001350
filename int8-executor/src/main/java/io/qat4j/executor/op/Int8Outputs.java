package io.qat4j.executor.op;

import io.qat4j.executor.artifact.TensorInfo;
import io.qat4j.executor.tensor.Tensor;

/**
 * The run-time shell of an op with one INT8 output whose leading dimension is its first input's;
 * the output's array comes from the executor's {@link OutputBuffers}.
 */
final class Int8Outputs {

    private Int8Outputs() {
    }

    /** The kernel call: reads the inputs, writes {@code leading x outputSize} codes into {@code y}. */
    @FunctionalInterface
    interface Kernel {
        void run(int leading, Tensor[] inputs, byte[] y);
    }

    /**
     * @param output the declared output tensor
     * @param kernel the kernel call; it writes every element of {@code y}
     * @return a prepared op that takes the output's array from the executor's buffers (or
     *     allocates it) and calls the kernel
     */
    static PreparedOp of(TensorInfo output, Kernel kernel) {
        int[] shape = output.shape();
        int size = output.elementCount();
        return new PreparedOp() {
            @Override
            public Tensor[] run(Tensor[] inputs) {
                return run(inputs, OutputBuffers.FRESH);
            }

            @Override
            public Tensor[] run(Tensor[] inputs, OutputBuffers buffers) {
                int n = inputs[0].leading();
                byte[] y = buffers.int8(0, Math.multiplyExact(n, size));
                kernel.run(n, inputs, y);
                return new Tensor[] {Tensor.int8(Tensor.withLeading(n, shape), y)};
            }
        };
    }
}
