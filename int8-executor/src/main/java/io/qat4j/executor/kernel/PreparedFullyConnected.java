package io.qat4j.executor.kernel;

import io.qat4j.executor.arith.FixedPoint;
import io.qat4j.executor.kernel.gemm.IntGemm;

/**
 * A {@link FullyConnected} layer with its weights prepared once, for repeated inference: the same
 * integer results as {@link FullyConnected#run} and {@link FullyConnected#accumulators} (TFLite
 * {@code reference_integer_ops::FullyConnected} / {@code FullyConnectedPerChannel},
 * {@code fully_connected.h}; gemmlowp's int32 accumulation with an output stage),
 *
 * <pre>
 *   acc[n][o] = sum_k w[o][k] * (x[n][k] - Z_in) + bias[o]
 *   y[n][o]   = clamp(multiplyByQuantizedMultiplier(acc, m[o], shift[o]) + Z_out, actMin, actMax)
 * </pre>
 *
 * evaluated by {@link IntGemm} on up to {@code BLOCK} examples at a time, the offset inputs
 * {@code x - Z_in} as its left operand and the transposed weights {@code wT[k][o] = w[o][k]}
 * (widened once, here) as its right one, so that the vectors run over the output features:
 *
 * <pre>
 *   acc[n][0 .. O) = bias[0 .. O);   acc[n][0 .. O) += sum_k (x[n][k] - Z_in) * wT[k][0 .. O)
 * </pre>
 *
 * <p>With native kernels ({@link ByteKernels#selected()}) the inputs are not copied at all:
 * {@link ByteKernels#codesTimesWeights} reads the codes as unsigned {@code x + 128} against the
 * weights packed once ({@link ByteKernels#packColumns}), from accumulators that start at the bias with
 * the offset folded in ({@link ByteKernels#foldedBias}); the same int32 results.
 *
 * <p>Layouts: input {@code [N, K]}, weights {@code [O, K]} (int8, or packed 4-bit, see
 * {@link PackedInt4}), bias {@code [O]} int32 with scale {@code S_in * S_w[o]} or {@code null},
 * output {@code [N, O]}.
 *
 * <p>Accumulator bound: {@code |acc| <= 128 * 255 * K + |bias[o]| <= 2^31 - 1}; the product part
 * is checked by {@link FullyConnectedParams}, the bias (with the left shift of the requantization,
 * when there is one) when the layer is prepared.
 *
 * <p>Thread safety: immutable; the block of offset inputs and accumulators is a buffer per thread,
 * grown to at most {@link #scratchBytes} (allocated per call before, 800 KB per batch of 64 in
 * the Fashion-MNIST CNN's dense layer), so one instance serves concurrent calls.
 */
public final class PreparedFullyConnected {

    /** Examples per block. */
    static final int BLOCK = 64;

    private final FullyConnectedParams p;
    private final int[] bias;
    /** {@code wT[k][o] = w[o][k]}, row-major {@code [K, O]}: the product's right operand. */
    private final int[] transposed;
    private final IntGemm gemm;
    /** The Java path's bound on its products, {@link KernelChecks#maxAbsOffsetProduct}. */
    private final int maxAbsProduct;
    /** Native byte kernels, or null: the Java path on {@link #transposed}. */
    private final ByteKernels bytes;
    /** With {@link #bytes}: the weights packed for it, and the folded bias. */
    private final byte[] packedWeights;
    private final int[] foldedBias;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private PreparedFullyConnected(FullyConnectedParams p, byte[] weights, int[] bias, IntGemm gemm, ByteKernels bytes) {
        this.p = p;
        int depth = p.inputDepth();
        int outDepth = p.outputDepth();
        Requantization rq = p.requantization();
        KernelChecks.checkBias(bias, outDepth, p.productBound(), rq == null ? null : rq.shiftArray());
        this.bias = bias == null ? new int[outDepth] : java.util.Arrays.copyOf(bias, outDepth);
        this.gemm = gemm;
        this.bytes = bytes;
        this.maxAbsProduct = KernelChecks.maxAbsOffsetProduct(weights, outDepth * depth, p.inputZeroPoint());
        if (bytes != null) {
            transposed = null;
            packedWeights = ByteKernels.packColumns(weights, outDepth, depth);
            foldedBias = ByteKernels.foldedBias(this.bias, weights, outDepth, depth, p.inputZeroPoint());
            return;
        }
        packedWeights = null;
        foldedBias = null;
        transposed = new int[depth * outDepth + IntGemm.B_SLACK]; // slack: whole-vector loads at the last columns
        for (int o = 0; o < outDepth; o++) {
            for (int k = 0; k < depth; k++) {
                transposed[k * outDepth + o] = weights[o * depth + k];
            }
        }
    }

    /**
     * Prepares a layer with int8 weights.
     *
     * @param p parameters
     * @param weights {@code [O, K]} int8, copied
     * @param bias {@code [O]} int32, or null; copied
     * @return the prepared layer
     * @throws IllegalArgumentException on a short weight array or a bias over the accumulator bound
     */
    public static PreparedFullyConnected of(FullyConnectedParams p, byte[] weights, int[] bias) {
        return of(p, weights, bias, IntGemm.selected(), ByteKernels.selected());
    }

    /**
     * {@link #of} with given kernels (tests run every implementation the dispatch can choose).
     *
     * @param p parameters
     * @param weights {@code [O, K]} int8, copied
     * @param bias {@code [O]} int32, or null; copied
     * @param gemm the Java product
     * @param bytes native byte kernels, or null for the Java path
     * @return the prepared layer
     */
    static PreparedFullyConnected of(FullyConnectedParams p, byte[] weights, int[] bias, IntGemm gemm, ByteKernels bytes) {
        KernelChecks.checkLength(weights, (long) p.outputDepth() * p.inputDepth(), "weights");
        return new PreparedFullyConnected(p, weights, bias, gemm, bytes);
    }

    /**
     * Prepares a layer with 4-bit packed weights, unpacked here once: the results are identical to
     * {@link #of} on the unpacked weights.
     *
     * @param p parameters
     * @param packedWeights {@code [O, K]} packed with {@link PackedInt4} (flat, rows not byte-aligned)
     * @param bias {@code [O]} int32, or null; copied
     * @return the prepared layer
     * @throws IllegalArgumentException on a short weight array or a bias over the accumulator bound
     */
    public static PreparedFullyConnected ofPacked4(FullyConnectedParams p, byte[] packedWeights, int[] bias) {
        int count = p.outputDepth() * p.inputDepth();
        KernelChecks.checkLength(packedWeights, PackedInt4.packedLength(count), "packed weights");
        return new PreparedFullyConnected(p, PackedInt4.unpack(packedWeights, count), bias, IntGemm.selected(),
                ByteKernels.selected());
    }

    /** @return the parameters */
    public FullyConnectedParams params() {
        return p;
    }

    /**
     * The bytes of one thread's buffers at their largest, computed from the parameters alone, so
     * that a loader can bound them before preparing anything.
     *
     * @param p parameters
     * @return {@link #BLOCK} rows of accumulators and of offset inputs, as ints
     */
    public static long scratchBytes(FullyConnectedParams p) {
        return 4L * BLOCK * ((long) p.outputDepth() + p.inputDepth());
    }

    /**
     * Runs the layer with a requantized int8 output.
     *
     * @param batches {@code N}, >= 1
     * @param input {@code [N, K]} int8
     * @param output {@code [N, O]} int8, written
     * @throws IllegalArgumentException when the layer has no requantization, or on short arrays
     */
    public void run(int batches, byte[] input, byte[] output) {
        checkRun(batches, input, output);
        compute(batches, input, output, null, scratch.get());
    }

    private void checkRun(int batches, byte[] input, byte[] output) {
        if (p.requantization() == null) {
            throw new IllegalArgumentException("this layer has no requantization; use accumulators()");
        }
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputDepth(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputDepth(), "output"), "output");
    }

    /** {@link #run} with buffers of its own, for a layer used once ({@link FullyConnected#run}). */
    void runOnce(int batches, byte[] input, byte[] output) {
        checkRun(batches, input, output);
        compute(batches, input, output, null, new Scratch());
    }

    /**
     * Runs the layer without requantization: the int32 accumulators
     * {@code sum_k w[o][k] (x[n][k] - Z_in) + bias[o]}, real value {@code S_in S_w[o] acc} (the
     * final logits; {@code p.requantization()} is ignored).
     *
     * @param batches {@code N}, >= 1
     * @param input {@code [N, K]} int8
     * @param output {@code [N, O]} int32, written
     */
    public void accumulators(int batches, byte[] input, int[] output) {
        checkAccumulators(batches, input, output);
        compute(batches, input, null, output, scratch.get());
    }

    private void checkAccumulators(int batches, byte[] input, int[] output) {
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputDepth(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputDepth(), "output"), "output");
    }

    /** {@link #accumulators} with buffers of its own, for a layer used once ({@link FullyConnected#accumulators}). */
    void accumulatorsOnce(int batches, byte[] input, int[] output) {
        checkAccumulators(batches, input, output);
        compute(batches, input, null, output, new Scratch());
    }

    /** Writes {@code codesOut} (requantized) or {@code accOut} (raw accumulators), whichever is non-null. */
    private void compute(int batches, byte[] input, byte[] codesOut, int[] accOut, Scratch s) {
        int depth = p.inputDepth();
        int outDepth = p.outputDepth();
        int zIn = p.inputZeroPoint();
        int rows = Math.min(BLOCK, batches);
        int[] acc = s.acc(rows * outDepth);
        int[] start = bytes != null ? foldedBias : bias;
        int[] x = bytes != null ? null : s.x(rows * depth); // the Java path's offset inputs
        for (int n0 = 0; n0 < batches; n0 += BLOCK) {
            int count = Math.min(BLOCK, batches - n0);
            for (int j = 0; j < count; j++) {
                System.arraycopy(start, 0, acc, j * outDepth, outDepth);
            }
            // |acc| <= 128*255*K + |bias[o]| <= 2^31 - 1 (FullyConnectedParams; bias checked when prepared): the
            // int32 sums (with the folded bias, modulo 2^32) are the true ones
            if (bytes != null) {
                bytes.codesTimesWeights(count, outDepth, depth, input, n0 * depth, depth, packedWeights, acc, 0, outDepth);
            } else {
                for (int i = 0; i < count * depth; i++) {
                    x[i] = input[n0 * depth + i] - zIn; // r = S(q - Z): x - Z_in in [-255, 255]
                }
                gemm.multiplyAddBounded(maxAbsProduct, count, outDepth, depth, x, 0, depth, transposed, 0, outDepth, acc, 0,
                        outDepth);
            }
            store(acc, count, n0, codesOut, accOut);
        }
    }


    /** Rows {@code n0 .. n0 + count - 1} of the output from {@code acc[0 .. count)[O]}. */
    private void store(int[] acc, int count, int n0, byte[] codesOut, int[] accOut) {
        int outDepth = p.outputDepth();
        if (accOut != null) {
            System.arraycopy(acc, 0, accOut, n0 * outDepth, count * outDepth);
            return;
        }
        Requantization rq = p.requantization();
        int[] multipliers = rq.multiplierArray();
        int[] shifts = rq.shiftArray();
        int zOut = rq.outputZeroPoint();
        int actMin = rq.activation().min();
        int actMax = rq.activation().max();
        for (int n = 0; n < count; n++) {
            for (int o = 0; o < outDepth; o++) {
                // q_y = Z_out + acc * S_in * S_w[o] / S_out
                int q = FixedPoint.multiplyByQuantizedMultiplier(acc[n * outDepth + o], multipliers[o], shifts[o]) + zOut;
                codesOut[(n0 + n) * outDepth + o] = (byte) Math.max(actMin, Math.min(actMax, q));
            }
        }
    }

    /**
     * Per-thread buffers, grown on demand. A static class: a thread's value must not reference the
     * layer (and so its ThreadLocal), or the value would never become collectable.
     */
    private static final class Scratch {
        private int[] acc = new int[0];
        private int[] x = new int[0];

        int[] acc(int size) {
            if (acc.length < size) {
                acc = new int[size];
            }
            return acc;
        }

        int[] x(int size) {
            if (x.length < size) {
                x = new int[size];
            }
            return x;
        }
    }
}
