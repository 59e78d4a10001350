package io.qat4j.executor.kernel;

import io.qat4j.executor.kernel.gemm.IntGemm;

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
 * convolution: for a chunk of images the input, minus {@code Z_in}, is copied into a plane padded
 * with zeros (a padded position holds the real value 0, the code {@code Z_in}, and contributes
 * {@code w * (Z_in - Z_in) = 0}), from which the {@code im2col} matrix
 * {@code col[g*K + (ic*KH + ky)*KW + kx][p]}, {@code p = (n, oy, ox)}, is gathered without
 * branches; per group, {@code acc = bias + W_g col_g} by {@link IntGemm} (weights
 * {@code [C_out / groups, K]} as its left operand, widened to int once here), and the output stage
 * writes the int8 planes.
 *
 * <p>Two paths give these bytes. With native kernels ({@link ByteKernels#selected()}) the whole
 * chunk runs on them: {@link ByteKernels#im2col} of the int8 codes themselves (a padded position
 * the code {@code Z_in}), then {@link ByteKernels#weightsTimesCodesRequantized} multiplying them as
 * unsigned codes {@code x + 128} against the weights padded to groups of four, from accumulators
 * that start at the bias with the offset folded in ({@link ByteKernels#foldedBias}:
 * {@code bias - (Z_in + 128) sum_k w}), and requantizing into the output planes; without
 * them the im2col holds {@code x - Z_in} widened to ints for {@link IntGemm}, which also
 * requantizes.
 *
 * <p>Layouts: input {@code [N, C_in, H, W]}, weights {@code [C_out, C_in / groups, KH, KW]} (int8,
 * or packed 4-bit, see {@link PackedInt4}), bias {@code [C_out]} int32 with scale
 * {@code S_in * S_w[o]} or {@code null}, output {@code [N, C_out, OH, OW]}.
 *
 * <p>Accumulator bound: {@code |acc| <= 128 * 255 * K + |bias[o]| <= 2^31 - 1} with
 * {@code K = Cg * KH * KW}; the product part is checked by {@link Conv2dParams}, the bias when the
 * layer is prepared; under it every int32 sum of the matrix product is the true one.
 *
 * <p>Thread safety: immutable; the scratch buffers (im2col matrix, padded plane, accumulators) are
 * per thread, so one instance serves concurrent {@link #run} calls.
 */
public final class PreparedConv2d {

    /** Target number of im2col columns per chunk of whole images (longer rows vectorize better). */
    private static final int TARGET_COLUMNS = 512;
    /** Cap on the im2col elements of a chunk of several images (keeps it near the L2 cache). */
    private static final int MAX_CHUNK_ELEMENTS = 1 << 18;

    private final Conv2dParams p;
    private final int[] bias;
    /** {@code w[o][k]} as ints, row-major {@code [C_out, K]}: the product's left operand. */
    private final int[] weights;
    private final IntGemm gemm;
    /** The Java path's bound on its products, {@link KernelChecks#maxAbsOffsetProduct}. */
    private final int maxAbsProduct;
    /** Native byte kernels, or null: the Java path on {@link #weights}. */
    private final ByteKernels bytes;
    /** With {@link #bytes}: {@code w[o][k]} padded to {@link ByteKernels#paddedDepth} per row, and the folded bias. */
    private final byte[] paddedWeights;
    private final int[] foldedBias;
    private final int depth; // K = C_in / groups * KH * KW
    private final int rowsTotal; // C_in * KH * KW im2col rows
    private final int plane; // OH * OW
    private final int imagesPerChunk;
    /** Row length of a whole chunk's im2col and accumulators: its columns, on the Java path padded ({@link IntGemm#paddedColumns}). */
    private final int chunkPitch;
    private final int paddedHeight;
    private final int paddedWidth;
    /** Whether the Java path's im2col builds its crops from the image widened whole ({@link #sameWidthCrops(Conv2dParams)}). */
    private final boolean sameWidthCrops;
    private final ThreadLocal<Scratch> scratch;

    private PreparedConv2d(Conv2dParams p, byte[] weights, int[] bias, IntGemm gemm, ByteKernels bytes) {
        this.p = p;
        int outC = p.outChannels();
        KernelChecks.checkBias(bias, outC, p.productBound(), p.requantization().shiftArray());
        this.bias = bias == null ? new int[outC] : java.util.Arrays.copyOf(bias, outC);
        this.gemm = gemm;
        this.bytes = bytes;
        this.depth = p.filterSize();
        this.maxAbsProduct = KernelChecks.maxAbsOffsetProduct(weights, outC * depth, p.inputZeroPoint());
        if (bytes != null) {
            this.weights = null;
            this.paddedWeights = ByteKernels.padRows(weights, 0, outC, depth);
            this.foldedBias = ByteKernels.foldedBias(this.bias, weights, outC, depth, p.inputZeroPoint());
        } else {
            this.paddedWeights = null;
            this.foldedBias = null;
            this.weights = new int[outC * depth];
            for (int i = 0; i < this.weights.length; i++) {
                this.weights[i] = weights[i];
            }
        }
        Window2d win = p.window();
        this.rowsTotal = p.inChannels() * win.kernelHeight() * win.kernelWidth();
        this.plane = p.outHeight() * p.outWidth();
        this.imagesPerChunk = imagesPerChunk(rowsTotal, plane);
        this.paddedHeight = p.inHeight() + win.padTop() + win.padBottom();
        this.paddedWidth = p.inWidth() + win.padLeft() + win.padRight();
        this.sameWidthCrops = sameWidthCrops(p);
        int chunkColumns = KernelChecks.checkedSize("im2col columns", imagesPerChunk, plane);
        this.chunkPitch = bytes != null ? chunkColumns : gemm.paddedColumns(chunkColumns);
        KernelChecks.checkedSize("im2col", rowsTotal, chunkPitch);
        KernelChecks.checkedSize("padded input", paddedHeight, paddedWidth);
        this.scratch = ThreadLocal.withInitial(this::newScratch);
    }

    /** Images per im2col chunk: about {@link #TARGET_COLUMNS} columns, at most {@link #MAX_CHUNK_ELEMENTS} elements. */
    private static int imagesPerChunk(long rows, long plane) {
        return (int) Math.max(1, Math.min(TARGET_COLUMNS / plane, MAX_CHUNK_ELEMENTS / rows / plane));
    }

    /**
     * @param p parameters
     * @return whether the convolution has stride 1 and an output as wide as its input ("same"
     *     width), with less padding than the input's width on either side: then each kx's crop of the
     *     padded image is the image itself moved by {@code kx * dilW - padLeft} columns, one copy of
     *     the whole image and a few zeros per row, and the padded plane is not needed
     */
    private static boolean sameWidthCrops(Conv2dParams p) {
        Window2d win = p.window();
        return win.strideHeight() == 1 && win.strideWidth() == 1 && p.outWidth() == p.inWidth()
                && win.padLeft() < p.inWidth() && win.padRight() < p.inWidth();
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
        long rows = p.inChannels() * taps;
        long plane = (long) p.outHeight() * p.outWidth();
        long chunk = imagesPerChunk(rows, plane) * plane;
        long columns = chunk > Integer.MAX_VALUE ? chunk : IntGemm.selected().paddedColumns((int) chunk);
        long paddedHeight = (long) p.inHeight() + win.padTop() + win.padBottom();
        long paddedWidth = (long) p.inWidth() + win.padLeft() + win.padRight();
        // the ints of Scratch on the Java path: col, acc, the widened image or the padded plane, shifted (the
        // native path's bytes are fewer)
        long inputPlane = sameWidthCrops(p) ? (long) p.inHeight() * p.inWidth() : paddedHeight * paddedWidth;
        return 4L * (rows * columns + IntGemm.B_SLACK + p.outChannels() * columns + inputPlane + paddedHeight * p.outWidth());
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
        return of(p, weights, bias, IntGemm.selected(), ByteKernels.selected());
    }

    /**
     * {@link #of} with given kernels (tests run every implementation the dispatch can choose).
     *
     * @param p parameters
     * @param weights {@code [C_out, C_in / groups, KH, KW]} int8, copied
     * @param bias {@code [C_out]} int32, or null; copied
     * @param gemm the Java product (and the output stage)
     * @param bytes native byte kernels, or null for the Java path
     * @return the prepared layer
     */
    static PreparedConv2d of(Conv2dParams p, byte[] weights, int[] bias, IntGemm gemm, ByteKernels bytes) {
        KernelChecks.checkLength(weights, (long) p.outChannels() * p.filterSize(), "weights");
        return new PreparedConv2d(p, weights, bias, gemm, bytes);
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
        return new PreparedConv2d(p, PackedInt4.unpack(packedWeights, count), bias, IntGemm.selected(), ByteKernels.selected());
    }

    /** @return the path that runs the matrix product: the native kernel's name, else the Java product's */
    public String kernelName() {
        return bytes != null ? bytes.name() : gemm.name();
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
        int outC = p.outChannels();
        int outPerGroup = outC / p.groups();
        for (int n0 = 0; n0 < batches; n0 += imagesPerChunk) {
            int images = Math.min(imagesPerChunk, batches - n0);
            int columns = images * plane;
            // |acc| <= 128*255*K + |bias[o]| < 2^31 (Conv2dParams; bias checked when prepared): the int32 sums
            // (with the folded bias, modulo 2^32) are the true ones
            if (bytes != null) {
                bytes.im2col(p, input, n0 * p.inputImageSize(), images, s.colCodes);
                int kp = ByteKernels.paddedDepth(depth);
                for (int g = 0; g < p.groups(); g++) {
                    bytes.weightsTimesCodesRequantized(outPerGroup, columns, depth, paddedWeights, g * outPerGroup * kp, s.colCodes,
                            g * depth * columns, columns, foldedBias, p.requantization(), g * outPerGroup, output,
                            (n0 * outC + g * outPerGroup) * plane, plane, outC * plane);
                }
            } else {
                // rows of the im2col and the accumulators padded to whole register blocks: the product
                // computes the padding's columns (from whatever they hold) rather than a slower remainder
                int pitch = gemm.paddedColumns(columns);
                for (int o = 0; o < outC; o++) {
                    java.util.Arrays.fill(s.acc, o * pitch, (o + 1) * pitch, bias[o]);
                }
                im2col(input, n0, images, pitch, s);
                for (int g = 0; g < p.groups(); g++) {
                    gemm.multiplyAddBounded(maxAbsProduct, outPerGroup, pitch, depth, weights, g * outPerGroup * depth, depth,
                            s.col, g * depth * pitch, pitch, s.acc, g * outPerGroup * pitch, pitch);
                }
                for (int o = 0; o < outC; o++) {
                    outputStage(o, n0, images, pitch, s, output);
                }
            }
        }
    }

    /**
     * The Java path's im2col ({@link ByteKernels#im2col} on the codes, as ints minus {@code Z_in}):
     * {@code col[(c*KH + ky)*KW + kx][i*OH*OW + oy*OW + ox] = x[n0 + i][c][iy][ix] - Z_in}, 0 at padded
     * positions, rows {@code columns} ints apart (the columns of {@code images} images, perhaps
     * padded), through a padded plane and, at stride 1, its crops to the output width (one
     * contiguous copy per tap).
     */
    private void im2col(byte[] input, int n0, int images, int columns, Scratch s) {
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
        int pw = paddedWidth;
        for (int c = 0; c < inC; c++) {
            for (int i = 0; i < images; i++) {
                int in = ((n0 + i) * inC + c) * inH * inW;
                int rowBase = c * kH * kW;
                if (sameWidthCrops) {
                    s.widenImage(input, in, inH * inW, p.inputZeroPoint());
                } else {
                    for (int y = 0; y < inH; y++) {
                        s.copyIntoPlane(input, in + y * inW, (y + win.padTop()) * pw + win.padLeft(), inW, p.inputZeroPoint());
                    }
                }
                if (strideW == 1 && strideH == 1) {
                    // per kx, the padded image cropped to the output width; each tap's rows are then
                    // one contiguous range of it
                    for (int kx = 0; kx < kW; kx++) {
                        if (sameWidthCrops) {
                            s.shiftImage(inH, inW, win.padTop(), kx * dilW - win.padLeft());
                        } else {
                            for (int y = 0; y < paddedHeight; y++) {
                                System.arraycopy(s.padded, y * pw + kx * dilW, s.shifted, y * outW, outW);
                            }
                        }
                        for (int ky = 0; ky < kH; ky++) {
                            System.arraycopy(s.shifted, ky * dilH * outW, s.col, (rowBase + ky * kW + kx) * columns + i * plane, plane);
                        }
                    }
                } else {
                    for (int ky = 0; ky < kH; ky++) {
                        for (int kx = 0; kx < kW; kx++) {
                            int row = (rowBase + ky * kW + kx) * columns + i * plane;
                            for (int oy = 0; oy < outH; oy++) {
                                s.copyStrided((oy * strideH + ky * dilH) * pw + kx * dilW, strideW, row + oy * outW, outW);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Requantizes output channel {@code o} of images {@code n0 .. n0 + images - 1} from {@code acc[o]}, rows {@code columns} apart. */
    private void outputStage(int o, int n0, int images, int columns, Scratch s, byte[] output) {
        Requantization rq = p.requantization();
        int outC = p.outChannels();
        for (int i = 0; i < images; i++) {
            gemm.requantize(s.acc, o * columns + i * plane, plane, rq.multiplierArray()[o], rq.shiftArray()[o],
                    rq.outputZeroPoint(), rq.activation().min(), rq.activation().max(), output, ((n0 + i) * outC + o) * plane);
        }
    }

    private Scratch newScratch() {
        return new Scratch(bytes != null, rowsTotal * chunkPitch, p.outChannels() * chunkPitch,
                sameWidthCrops ? p.inHeight() * p.inWidth() : 0, sameWidthCrops ? 0 : paddedHeight * paddedWidth,
                paddedHeight * p.outWidth());
    }

    /**
     * Per-thread buffers. A static class: a thread's value must not reference the layer (and so
     * its ThreadLocal), or the value would never become collectable.
     */
    private static final class Scratch {
        /** The Java path's accumulators {@code [C_out][columns]}, columns padded as the im2col's. */
        final int[] acc;
        /** The native path: the im2col of the codes. */
        final byte[] colCodes;
        /** The Java path: {@code x - Z_in} as ints, 0 at padded positions. */
        final int[] col; // im2col rows of one chunk's columns
        /** One input image's plane, {@code x - Z_in}, for the crops at stride 1 and "same" width (else empty). */
        final int[] image;
        final int[] padded; // the border stays 0: only the interior is ever written (empty with the image)
        /** The padded image cropped to the output width. */
        final int[] shifted;

        Scratch(boolean codes, int colSize, int accSize, int imageSize, int paddedSize, int shiftedSize) {
            if (codes) {
                colCodes = new byte[colSize];
                acc = col = image = padded = shifted = null;
            } else {
                acc = new int[accSize];
                col = new int[colSize + IntGemm.B_SLACK]; // slack: whole-vector loads at the last columns
                image = new int[imageSize];
                padded = new int[paddedSize];
                shifted = new int[shiftedSize];
                colCodes = null;
            }
        }

        /** One input image's plane into {@link #image}, minus the zero point. */
        void widenImage(byte[] input, int src, int count, int zIn) {
            for (int x = 0; x < count; x++) {
                image[x] = input[src + x] - zIn; // r = S(q - Z); |x - Z_in| <= 255
            }
        }

        /**
         * The crop of the padded image for a shift {@code d} ({@code kx * dilW - padLeft}) when the
         * output is as wide as the input: {@code shifted[(y + padTop) * width + x] = image[y][x + d]},
         * 0 where {@code x + d} is outside {@code [0, width)}: one copy of the image moved by
         * {@code d}, then the {@code |d|} columns that took their neighbours' values set to 0. The
         * rows of padding above and below are never written.
         */
        void shiftImage(int rows, int width, int padTop, int d) {
            int top = padTop * width;
            System.arraycopy(image, Math.max(0, d), shifted, top + Math.max(0, -d), rows * width - Math.abs(d));
            int from = d < 0 ? 0 : width - d;
            int to = d < 0 ? -d : width;
            for (int y = 0; y < rows; y++) {
                for (int x = from; x < to; x++) {
                    shifted[top + y * width + x] = 0;
                }
            }
        }

        /** One row of an input plane into the padded plane, minus the zero point. */
        void copyIntoPlane(byte[] input, int src, int dst, int count, int zIn) {
            for (int x = 0; x < count; x++) {
                padded[dst + x] = input[src + x] - zIn; // r = S(q - Z); |x - Z_in| <= 255
            }
        }

        /** {@code count} elements of the padded plane, {@code stride} apart from {@code src}, into one im2col row. */
        void copyStrided(int src, int stride, int dst, int count) {
            for (int x = 0; x < count; x++) {
                col[dst + x] = padded[src + x * stride];
            }
        }
    }

}
