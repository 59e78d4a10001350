package io.qat4j.executor.kernel;

/**
 * A {@link Conv2d} layer with its weights prepared once, for repeated inference: the same integer
 * results as {@link Conv2d#run} (TFLite {@code reference_integer_ops::ConvPerChannel},
 * {@code conv.h}, and {@code DepthwiseConvPerChannel}, {@code depthwise_conv.h}, for NCHW and
 * general groups),
 *
 * <pre>
 *   acc[n][o][oy][ox] = bias[o] + sum_{ic, ky, kx} w[o][ic][ky][kx] * (x[n][g*Cg + ic][iy][ix] - Z_in)
 *     iy = oy * strideH - padTop + ky * dilationH,  ix = ox * strideW - padLeft + kx * dilationW
 *   y = clamp(multiplyByQuantizedMultiplier(acc, m[o], shift[o]) + Z_out, actMin, actMax)
 * </pre>
 *
 * computed as a matrix product in the manner of gemmlowp / TFLite's optimized {@code im2col}
 * convolution: for a chunk of images the input, minus {@code Z_in}, is copied into a buffer padded
 * with zeros (a padded position holds the real value 0, the code {@code Z_in}, and contributes
 * {@code w * (Z_in - Z_in) = 0}), from which the {@code im2col} matrix
 * {@code c[g*K + (ic*KH + ky)*KW + kx][p]}, {@code p = (n, oy, ox)}, is gathered without branches;
 * its rows are stored two columns per int ({@code c[k][j] + 2^16 c[k][j + H]}, {@code H} = half the
 * columns of the chunk). Every output channel then takes
 * {@code acc[p] = bias[o] + sum_k w[o][k] c[g*K + k][p]} with the multiplication-free,
 * magnitude-grouped product of {@link WeightGroups} (weights unpacked and grouped once, here),
 * and the output stage writes the int8 plane.
 *
 * <p>Layouts: input {@code [N, C_in, H, W]}, weights {@code [C_out, C_in / groups, KH, KW]} (int8,
 * or packed 4-bit, see {@link PackedInt4}), bias {@code [C_out]} int32 with scale
 * {@code S_in * S_w[o]} or {@code null}, output {@code [N, C_out, OH, OW]}.
 *
 * <p>Accumulator bound: {@code |acc| <= 128 * 255 * K + |bias[o]| <= 2^31 - 1} with
 * {@code K = Cg * KH * KW}; the product part is checked by {@link Conv2dParams}, the bias when the
 * layer is prepared. Intermediate sums of the grouped product are exact modulo {@code 2^32}, so the
 * final accumulator is the same int32 as the direct sum (see {@link WeightGroups}).
 *
 * <p>Thread safety: immutable; the scratch buffers (im2col matrix, padded plane, accumulator rows)
 * are per thread, so one instance serves concurrent {@link #run} calls.
 */
public final class PreparedConv2d {

    /** Target number of im2col columns per chunk of whole images (longer rows vectorize better). */
    private static final int TARGET_COLUMNS = 512;
    /** Cap on the im2col elements of a chunk of several images (keeps it near the L2 cache). */
    private static final int MAX_CHUNK_ELEMENTS = 1 << 18;

    private final Conv2dParams p;
    private final int[] bias;
    private final WeightGroups groups;
    private final int rowsTotal; // C_in * KH * KW im2col rows, plus one zero row
    private final int plane; // OH * OW
    private final int imagesPerChunk;
    private final int paddedHeight;
    private final int paddedWidth;
    private final ThreadLocal<Scratch> scratch;

    private PreparedConv2d(Conv2dParams p, byte[] weights, int[] bias) {
        this.p = p;
        int outC = p.outChannels();
        KernelChecks.checkBias(bias, outC, p.productBound(), p.requantization().shiftArray());
        this.bias = bias == null ? new int[outC] : java.util.Arrays.copyOf(bias, outC);
        Window2d win = p.window();
        int taps = win.kernelHeight() * win.kernelWidth();
        this.rowsTotal = p.inChannels() * taps + 1;
        int groupIn = p.inChannels() / p.groups();
        int outPerGroup = outC / p.groups();
        int[] rowBase = new int[outC];
        for (int o = 0; o < outC; o++) {
            rowBase[o] = (o / outPerGroup) * groupIn * taps;
        }
        this.groups = WeightGroups.of(weights, outC, p.filterSize(), rowBase, rowsTotal - 1);
        this.plane = p.outHeight() * p.outWidth();
        this.imagesPerChunk = imagesPerChunk(rowsTotal, plane);
        this.paddedHeight = p.inHeight() + win.padTop() + win.padBottom();
        this.paddedWidth = p.inWidth() + win.padLeft() + win.padRight();
        KernelChecks.checkedSize("im2col", rowsTotal, imagesPerChunk, plane);
        KernelChecks.checkedSize("padded input", paddedHeight, paddedWidth);
        this.scratch = ThreadLocal.withInitial(this::newScratch);
    }

    /** Images per im2col chunk: about {@link #TARGET_COLUMNS} columns, at most {@link #MAX_CHUNK_ELEMENTS} elements. */
    private static int imagesPerChunk(long rows, long plane) {
        return (int) Math.max(1, Math.min(TARGET_COLUMNS / plane, MAX_CHUNK_ELEMENTS / rows / plane));
    }

    /**
     * The bytes of one thread's scratch buffers (allocated on the thread's first run), computed
     * from the parameters alone, so that a loader can bound them before preparing anything.
     *
     * @param p parameters
     * @return the scratch bytes per thread
     */
    public static long scratchBytes(Conv2dParams p) {
        Window2d win = p.window();
        long taps = (long) win.kernelHeight() * win.kernelWidth();
        long rows = p.inChannels() * taps + 1;
        long plane = (long) p.outHeight() * p.outWidth();
        long columns = imagesPerChunk(rows, plane) * plane;
        long half = (columns + 1) / 2;
        long paddedHeight = (long) p.inHeight() + win.padTop() + win.padBottom();
        long paddedWidth = (long) p.inWidth() + win.padLeft() + win.padRight();
        // the ints of Scratch: col, gatherRows, six half-rows, padded, shifted
        return Integer.BYTES * (rows * half + taps * columns + 6 * half + paddedHeight * paddedWidth + paddedHeight * p.outWidth());
    }

    /**
     * Prepares a layer with int8 weights.
     *
     * @param p parameters
     * @param weights {@code [C_out, C_in / groups, KH, KW]} int8, copied
     * @param bias {@code [C_out]} int32, or null; copied
     * @return the prepared layer
     * @throws IllegalArgumentException on a short weight array or a bias over the accumulator bound
     */
    public static PreparedConv2d of(Conv2dParams p, byte[] weights, int[] bias) {
        KernelChecks.checkLength(weights, (long) p.outChannels() * p.filterSize(), "weights");
        return new PreparedConv2d(p, weights, bias);
    }

    /**
     * Prepares a layer with 4-bit packed weights, unpacked here once: the results are identical to
     * {@link #of} on the unpacked weights.
     *
     * @param p parameters
     * @param packedWeights {@code [C_out, C_in / groups, KH, KW]} packed with {@link PackedInt4}
     * @param bias {@code [C_out]} int32, or null; copied
     * @return the prepared layer
     * @throws IllegalArgumentException on a short weight array or a bias over the accumulator bound
     */
    public static PreparedConv2d ofPacked4(Conv2dParams p, byte[] packedWeights, int[] bias) {
        int count = p.outChannels() * p.filterSize();
        KernelChecks.checkLength(packedWeights, PackedInt4.packedLength(count), "packed weights");
        return new PreparedConv2d(p, PackedInt4.unpack(packedWeights, count), bias);
    }

    /** @return the parameters */
    public Conv2dParams params() {
        return p;
    }

    /**
     * Runs the convolution.
     *
     * @param batches {@code N}, >= 1
     * @param input {@code [N, C_in, H, W]} int8
     * @param output {@code [N, C_out, OH, OW]} int8, written
     */
    public void run(int batches, byte[] input, byte[] output) {
        run(batches, input, output, scratch.get());
    }

    /** {@link #run} with buffers of its own, for a layer used once ({@link Conv2d#run}). */
    void runOnce(int batches, byte[] input, byte[] output) {
        run(batches, input, output, newScratch());
    }

    private void run(int batches, byte[] input, byte[] output, Scratch s) {
        KernelChecks.checkLength(input, KernelChecks.batchSize(batches, p.inputImageSize(), "input"), "input");
        KernelChecks.checkLength(output, KernelChecks.batchSize(batches, p.outputImageSize(), "output"), "output");
        for (int n0 = 0; n0 < batches; n0 += imagesPerChunk) {
            int images = Math.min(imagesPerChunk, batches - n0);
            int columns = images * plane;
            int half = (columns + 1) / 2;
            im2col(input, n0, images, half, s);
            for (int o = 0; o < p.outChannels(); o++) {
                // |acc| <= 128*255*K + |bias[o]| < 2^31 (Conv2dParams; bias checked when prepared)
                groups.accumulate(o, s.col, bias[o], s.g, s.runLo, s.runHi, s.accLo, s.accHi, half);
                outputStage(o, n0, images, half, s, output);
            }
        }
    }

    /**
     * Fills the packed {@code col[(c*KH + ky)*KW + kx][j] = v[j] + 2^16 v[half + j]} for all input
     * channels {@code c}, where {@code v[i*OH*OW + oy*OW + ox] = x[n0 + i][c][iy][ix] - Z_in}, 0 at
     * padded positions and past the last column.
     */
    private void im2col(byte[] input, int n0, int images, int half, Scratch s) {
        Window2d win = p.window();
        int inC = p.inChannels();
        int inH = p.inHeight();
        int inW = p.inWidth();
        int outH = p.outHeight();
        int outW = p.outWidth();
        int kH = win.kernelHeight();
        int kW = win.kernelWidth();
        int strideH = win.strideHeight();
        int strideW = win.strideWidth();
        int dilH = win.dilationHeight();
        int dilW = win.dilationWidth();
        int padTop = win.padTop();
        int padLeft = win.padLeft();
        int pw = paddedWidth;
        int zIn = p.inputZeroPoint();
        int columns = images * plane;
        int[] pad = s.padded; // the border stays 0: only the interior is ever written
        int[] high = s.high;
        high[half - 1] = 0; // stays 0 when the column count is odd
        for (int c = 0; c < inC; c++) {
            for (int i = 0; i < images; i++) {
                int in = ((n0 + i) * inC + c) * inH * inW;
                for (int y = 0; y < inH; y++) {
                    int dst = (y + padTop) * pw + padLeft;
                    int src = in + y * inW;
                    for (int x = 0; x < inW; x++) {
                        pad[dst + x] = input[src + x] - zIn; // r = S(q - Z); |x - Z_in| <= 255
                    }
                }
                if (strideW == 1 && strideH == 1) {
                    // per kx, the padded image cropped to the output width; each tap's rows are then
                    // one contiguous range of it
                    int[] shifted = s.shifted;
                    for (int kx = 0; kx < kW; kx++) {
                        for (int y = 0; y < paddedHeight; y++) {
                            System.arraycopy(pad, y * pw + kx * dilW, shifted, y * outW, outW);
                        }
                        for (int ky = 0; ky < kH; ky++) {
                            System.arraycopy(shifted, ky * dilH * outW, s.gatherRows[ky * kW + kx], i * plane, plane);
                        }
                    }
                } else {
                    for (int ky = 0; ky < kH; ky++) {
                        for (int kx = 0; kx < kW; kx++) {
                            int[] row = s.gatherRows[ky * kW + kx];
                            for (int oy = 0; oy < outH; oy++) {
                                int src = (oy * strideH + ky * dilH) * pw + kx * dilW;
                                int dst = i * plane + oy * outW;
                                for (int ox = 0; ox < outW; ox++) {
                                    row[dst + ox] = pad[src + ox * strideW];
                                }
                            }
                        }
                    }
                }
            }
            for (int t = 0; t < kH * kW; t++) {
                System.arraycopy(s.gatherRows[t], half, high, 0, columns - half);
                pack(s.col[c * kH * kW + t], s.gatherRows[t], high, half);
            }
        }
    }

    /** {@code row[j] = lo[j] + 2^16 hi[j]}; {@code |lo|, |hi| <= 255}. */
    private static void pack(int[] row, int[] lo, int[] hi, int n) {
        for (int j = 0; j < n; j++) {
            row[j] = lo[j] + (hi[j] << 16);
        }
    }

    /** Requantizes output channel {@code o} of images {@code n0 .. n0 + images - 1}. */
    private void outputStage(int o, int n0, int images, int half, Scratch s, byte[] output) {
        Requantization rq = p.requantization();
        int multiplier = rq.multiplierArray()[o];
        int shift = rq.shiftArray()[o];
        int zOut = rq.outputZeroPoint();
        int actMin = rq.activation().min();
        int actMax = rq.activation().max();
        int outC = p.outChannels();
        for (int i = 0; i < images; i++) {
            int from = i * plane; // columns [from, from + plane) of the chunk
            int to = from + plane;
            int outBase = ((n0 + i) * outC + o) * plane;
            if (from < half) { // low columns: accLo[j] is column j
                OutputStage.requantize(s.accLo, from, Math.min(to, half) - from, multiplier, shift, zOut, actMin,
                        actMax, output, outBase);
            }
            if (to > half) { // high columns: accHi[j] is column half + j
                int first = Math.max(from, half);
                OutputStage.requantize(s.accHi, first - half, to - first, multiplier, shift, zOut, actMin, actMax,
                        output, outBase + first - from);
            }
        }
    }

    private Scratch newScratch() {
        int half = (imagesPerChunk * plane + 1) / 2;
        Window2d win = p.window();
        return new Scratch(rowsTotal, win.kernelHeight() * win.kernelWidth(), imagesPerChunk * plane, half,
                paddedHeight * paddedWidth, paddedHeight * p.outWidth());
    }

    /**
     * Per-thread buffers. A static class: a thread's value must not reference the layer (and so
     * its ThreadLocal), or the value would never become collectable.
     */
    private static final class Scratch {
        final int[][] col; // packed im2col rows; the last row is the all-zero row and is never written
        final int[][] gatherRows; // one unpacked row per kernel tap
        final int[] high;
        final int[] padded;
        final int[] shifted; // the padded image cropped to the output width
        final int[] g;
        final int[] runLo;
        final int[] runHi;
        final int[] accLo;
        final int[] accHi;

        Scratch(int rows, int taps, int columns, int half, int paddedSize, int shiftedSize) {
            col = new int[rows][half];
            gatherRows = new int[taps][columns];
            high = new int[half];
            padded = new int[paddedSize];
            shifted = new int[shiftedSize];
            g = new int[half];
            runLo = new int[half];
            runHi = new int[half];
            accLo = new int[half];
            accHi = new int[half];
        }
    }
}
