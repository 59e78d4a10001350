package io.qat4j.executor.kernel;

import io.qat4j.executor.kernel.gemm.IntGemm;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The executor's kernels on int8 codes as bytes that a native module can provide (the SPI of
 * {@code int8-executor-native}): two matrix products (the convolution's with its output stage,
 * {@link #weightsTimesCodesRequantized}; the dense layers', {@link #codesTimesWeights}), the convolution's
 * {@link #im2col}, and the common 2x2 max pooling ({@link #maxPool2x2}).
 *
 * <p>The products: int8 codes with int32 accumulation on the operands' own bytes, the form of
 * ONNX Runtime's MLAS and oneDNN u8s8 kernels (x86 {@code vpdpbusd}: unsigned activations times
 * signed weights, four products per 32-bit lane): activations enter as their unsigned codes
 * {@code u = x + 128} (the byte {@code x ^ 0x80}), so a product {@code w * (x - Z)} becomes
 * {@code w * u - w * (Z + 128)} and the caller folds {@code -(Z + 128) * sum_k w[o][k]} into the
 * bias once, when a layer is prepared ({@link #foldedBias}). Both products' int32 sums are exact
 * modulo {@code 2^32} like {@link IntGemm}'s (so equal to it bit for bit, and the true sums under
 * the same accumulator bound), and the output stage is {@link IntGemm#requantize}'s:
 *
 * <pre>
 *   weightsTimesCodesRequantized:  out[i][j] = requantize_i(bias[i] + sum_{k < depth} w[i][k] * (b[k][j] + 128))
 *                                  convolutions: weights [C_out, K], im2col [K, pixels], out in NCHW planes
 *   codesTimesWeights:  c[i][j] += sum_{k < depth} (x[i][k] + 128) * w[j][k]      dense layers: inputs [N, K], weights [O, K]
 * </pre>
 *
 * with the weights in layouts prepared once ({@link #padRows}, {@link #packColumns}), the same on
 * every implementation, in groups of four along {@code k} (the depth padded with zero weights to
 * {@link #paddedDepth}).
 *
 * <p>Implementations: {@link #reference()}, plain Java loops of the definition (the tests' exact
 * reference), and those found with {@link ServiceLoader} (module {@code int8-executor-native}:
 * AVX-512 VNNI and AVX2 kernels through JNI), which this module does not depend on. The
 * public methods here check every index before an implementation sees it, so a native one
 * never reads or writes outside the arrays.
 *
 * <p>Why one class of more than 400 lines: the abstract kernels, the public entry points that check
 * every index before an implementation runs, and the operand layouts both sides read
 * ({@link #padRows}, {@link #packColumns}, {@link #foldedBias}) are one contract, which a native
 * module implements as a whole; split, the checks would sit apart from the layouts they bound.
 */
public abstract class ByteKernels {

    /** Products summed per 32-bit lane by the packed layouts: {@code vpdpbusd}'s group of four. */
    public static final int GROUP = 4;
    /** Columns of {@link #packColumns}'s layout are padded to a multiple of this (a 512-bit vector pair). */
    public static final int COLUMN_ALIGN = 32;

    /** @return the implementation's name as README and the benchmarks report it ({@code native-avx512-vnni}, ...) */
    public abstract String name();

    /**
     * {@code c[cOffset + i*ldc + j] += sum_{k < depth} ((x[xOffset + i*ldx + k] ^ 0x80) & 0xFF) * W[j][k]}, {@code W}
     * packed by {@link #packColumns}. Arguments are checked by {@link #codesTimesWeights}.
     */
    protected abstract void codesTimesWeightsUnchecked(int m, int n, int depth, byte[] x, int xOffset, int ldx, byte[] packed,
                                                       int[] c, int cOffset, int ldc);

    /**
     * {@code out[p][oy][ox] = clamp(max(in[p][2oy][2ox], in[p][2oy][2ox+1], in[p][2oy+1][2ox], in[p][2oy+1][2ox+1]), actMin, actMax)}.
     * Arguments are checked by {@link #maxPool2x2}.
     */
    protected abstract void maxPool2x2Unchecked(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin,
                                                int actMax);

    /**
     * {@code col[(c*KH + ky)*KW + kx][i*OH*OW + oy*OW + ox] = input[inOffset + ((i*C + c)*H + iy)*W + ix]}, the code
     * {@code Z_in} where {@code (iy, ix)} falls in the padding. Arguments are checked by {@link #im2col}.
     *
     * @param geometry {@code {C, H, W, OH, OW, KH, KW, strideH, strideW, dilationH, dilationW, padTop, padLeft,
     *     padBottom, padRight, Z_in}} of a valid {@link Conv2dParams}
     */
    protected abstract void im2colUnchecked(int[] geometry, byte[] input, int inOffset, int images, byte[] col);

    /**
     * {@code out[outOffset + (j / plane)*imageStride + i*plane + j % plane] = requantize_{firstRow+i}(bias[firstRow + i] +
     * sum_k w[wOffset + i*paddedDepth(depth) + k] * ((b[bOffset + k*ldb + j] ^ 0x80) & 0xFF))}, the output stage of
     * {@link IntGemm#requantize} with the multiplier and shift of row {@code firstRow + i}. Arguments are checked by
     * {@link #weightsTimesCodesRequantized}.
     */
    protected abstract void weightsTimesCodesRequantizedUnchecked(int m, int n, int depth, byte[] w, int wOffset, byte[] b,
                                                                  int bOffset, int ldb, int[] bias, int[] multipliers,
                                                                  int[] shifts, int firstRow, int zOut, int actMin, int actMax,
                                                                  byte[] out, int outOffset, int plane, int imageStride);

    /**
     * 2x2 max pooling with stride 2 and no padding (TFLite {@code reference_integer_ops::MaxPool} with that
     * window), over whole planes {@code [planes, H, W]} into {@code [planes, H / 2, W / 2]} (an odd last row or
     * column is not covered by any window), with the activation clamp.
     *
     * @param planes {@code N * C}
     * @param inHeight {@code H >= 2}
     * @param inWidth {@code W >= 2}
     * @param in int8 codes {@code [planes, H, W]}
     * @param out int8 codes {@code [planes, H / 2, W / 2]}, written
     * @param actMin clamp minimum, an int8 code
     * @param actMax clamp maximum, an int8 code {@code >= actMin}
     * @throws IndexOutOfBoundsException when an array is too short or a size is out of range
     */
    public final void maxPool2x2(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin, int actMax) {
        if (planes < 0 || inHeight < 2 || inWidth < 2 || actMin < Byte.MIN_VALUE || actMax > Byte.MAX_VALUE || actMin > actMax) {
            throw new IndexOutOfBoundsException("2x2 max pooling of " + planes + " planes " + inHeight + "x" + inWidth
                    + " clamped to [" + actMin + ", " + actMax + "]: sizes must be >= 2 and the clamp within int8");
        }
        checkRange("pooling input", in.length, 0, planes, inHeight * inWidth, inHeight * inWidth);
        checkRange("pooling output", out.length, 0, planes, (inHeight / 2) * (inWidth / 2), (inHeight / 2) * (inWidth / 2));
        if (planes > 0) {
            maxPool2x2Unchecked(planes, inHeight, inWidth, in, out, actMin, actMax);
        }
    }

    /**
     * Accumulates unsigned codes times weights: {@code c[i][j] += sum_k (x[i][k] + 128) * W[j][k]}.
     *
     * @param m rows of {@code x} and {@code c}
     * @param n columns of {@code c}: rows of the unpacked {@code W}
     * @param depth {@code K}
     * @param x int8 codes, row {@code i} at {@code xOffset + i * ldx}
     * @param xOffset first code
     * @param ldx row stride of {@code x}, {@code >= depth}
     * @param packed {@code W} packed by {@link #packColumns} with these {@code n} and {@code depth}
     * @param c accumulators, row {@code i} at {@code cOffset + i * ldc}, added to
     * @param cOffset first accumulator
     * @param ldc row stride of {@code c}, {@code >= n}
     * @throws IndexOutOfBoundsException when an index falls outside its array
     */
    public final void codesTimesWeights(int m, int n, int depth, byte[] x, int xOffset, int ldx, byte[] packed, int[] c,
                                        int cOffset, int ldc) {
        checkShape(m, n, depth);
        checkStride("codes", ldx, depth);
        checkStride("accumulators", ldc, n);
        if (packed.length != packedColumnsLength(n, depth)) {
            throw new IndexOutOfBoundsException("packed weights hold " + packed.length + " bytes, " + n + " columns of depth "
                    + depth + " need " + packedColumnsLength(n, depth));
        }
        checkRange("codes", x.length, xOffset, m, ldx, depth);
        checkRange("accumulators", c.length, cOffset, m, ldc, n);
        if (m > 0 && n > 0 && depth > 0) {
            codesTimesWeightsUnchecked(m, n, depth, x, xOffset, ldx, packed, c, cOffset, ldc);
        }
    }

    /**
     * The im2col matrix of a convolution over int8 codes, the right operand of {@link #weightsTimesCodesRequantized} (gemmlowp /
     * TFLite {@code optimized_ops::Im2col}, NCHW): row {@code (c*KH + ky)*KW + kx}, column {@code i*OH*OW + oy*OW + ox}
     * holds the code of input channel {@code c} of image {@code i} at {@code iy = oy*strideH - padTop + ky*dilationH},
     * {@code ix = ox*strideW - padLeft + kx*dilationW}, and the code {@code Z_in} (the real value 0) where that lies in
     * the padding. Rows are {@code images * OH * OW} long, one after the other.
     *
     * @param p the convolution (all input channels: a group's rows are a range of them)
     * @param input int8 codes {@code [images, C, H, W]} from {@code inOffset}
     * @param inOffset first code of the first image
     * @param images images, {@code >= 0}
     * @param col {@code [C*KH*KW, images*OH*OW]}, written
     * @throws IndexOutOfBoundsException when an array is too short
     */
    public final void im2col(Conv2dParams p, byte[] input, int inOffset, int images, byte[] col) {
        Window2d win = p.window();
        int rows = p.inChannels() * win.kernelHeight() * win.kernelWidth();
        long columns = (long) images * p.outHeight() * p.outWidth();
        if (images < 0) {
            throw new IndexOutOfBoundsException("im2col of " + images + " images");
        }
        checkRange("im2col input", input.length, inOffset, images, p.inputImageSize(), p.inputImageSize());
        if (rows * columns > col.length) {
            throw new IndexOutOfBoundsException("im2col: " + rows + " rows of " + columns + " columns need " + rows * columns
                    + " bytes, the array has " + col.length);
        }
        if (images > 0) {
            int[] geometry = {p.inChannels(), p.inHeight(), p.inWidth(), p.outHeight(), p.outWidth(), win.kernelHeight(),
                win.kernelWidth(), win.strideHeight(), win.strideWidth(), win.dilationHeight(), win.dilationWidth(), win.padTop(),
                win.padLeft(), win.padBottom(), win.padRight(), p.inputZeroPoint()};
            im2colUnchecked(geometry, input, inOffset, images, col);
        }
    }

    /**
     * A convolution's matrix product and output stage in one pass (the accumulators of a strip of columns stay in
     * cache, as in gemmlowp's output pipeline and MLAS's QGEMM post-processing): for rows {@code i < m} (output
     * channels {@code firstRow + i}) and columns {@code j < n} (the im2col's pixels of consecutive images, {@code plane}
     * per image),
     *
     * <pre>
     *   acc = bias[firstRow + i] + sum_{k < depth} w[i][k] * (b[k][j] + 128)      (int32, modulo 2^32)
     *   out[outOffset + (j / plane) * imageStride + i * plane + j % plane] = the bytes of {@link IntGemm#requantize}
     *       of acc with channel firstRow + i of rq (single rounding, plus Z_out, clamped)
     * </pre>
     *
     * so that image {@code j / plane}'s output planes {@code [C_out, OH*OW]} sit {@code imageStride} apart (NCHW).
     *
     * @param m rows: output channels of this call
     * @param n columns: {@code images * plane}
     * @param depth {@code K}
     * @param w weights laid out by {@link #padRows}: row {@code i} at {@code wOffset + i * paddedDepth(depth)}
     * @param wOffset first weight
     * @param b int8 codes (an {@link #im2col} matrix), row {@code k} at {@code bOffset + k * ldb}
     * @param bOffset first code
     * @param ldb row stride of {@code b}, {@code >= n}
     * @param bias initial accumulators per channel ({@link #foldedBias}), from index {@code firstRow}
     * @param rq the output stage, channels {@code firstRow .. firstRow + m - 1} used
     * @param firstRow the channel of row 0
     * @param out int8 codes, written at the positions above
     * @param outOffset position of row 0, column 0
     * @param plane columns per image, {@code >= 1}
     * @param imageStride distance between two images' outputs, {@code >= m * plane}
     * @throws IndexOutOfBoundsException when an index falls outside its array
     */
    public final void weightsTimesCodesRequantized(int m, int n, int depth, byte[] w, int wOffset, byte[] b, int bOffset, int ldb,
                                                   int[] bias, Requantization rq, int firstRow, byte[] out, int outOffset,
                                                   int plane, int imageStride) {
        checkShape(m, n, depth);
        checkStride("codes", ldb, n);
        checkRange("weights", w.length, wOffset, m, paddedDepth(depth), paddedDepth(depth));
        checkRange("codes", b.length, bOffset, depth, ldb, n);
        if (firstRow < 0 || (long) firstRow + m > rq.channels() || (long) firstRow + m > bias.length) {
            throw new IndexOutOfBoundsException("rows " + firstRow + " .. " + (firstRow + m - 1) + " of " + rq.channels()
                    + " requantization channels and " + bias.length + " biases");
        }
        if (plane < 1 || imageStride < (long) m * plane) {
            throw new IndexOutOfBoundsException("output planes of " + plane + " columns " + imageStride + " apart cannot hold "
                    + m + " rows per image");
        }
        if (m > 0 && n > 0) {
            // the last image's last row ends after every earlier image's (imageStride >= m * plane)
            long last = outOffset + (long) ((n - 1) / plane) * imageStride + (long) (m - 1) * plane + (n - 1) % plane + 1;
            if (outOffset < 0 || last > out.length) {
                throw new IndexOutOfBoundsException("output: " + m + " rows of " + n + " columns in planes of " + plane + ", "
                        + imageStride + " apart from offset " + outOffset + " end at " + last + ", past the array's "
                        + out.length + " elements");
            }
            weightsTimesCodesRequantizedUnchecked(m, n, depth, w, wOffset, b, bOffset, ldb, bias, rq.multiplierArray(),
                    rq.shiftArray(), firstRow, rq.outputZeroPoint(), rq.activation().min(), rq.activation().max(), out,
                    outOffset, plane, imageStride);
        }
    }

    private static void checkShape(int m, int n, int depth) {
        if (m < 0 || n < 0 || depth < 0) {
            throw new IndexOutOfBoundsException("matrix product m=" + m + " n=" + n + " depth=" + depth + ": sizes must be >= 0");
        }
    }

    private static void checkStride(String what, int stride, int rowLength) {
        if (stride < rowLength) {
            throw new IndexOutOfBoundsException(what + ": row stride " + stride + " is shorter than a row of " + rowLength);
        }
    }

    /** Rows {@code 0 .. rows-1} of {@code length} elements each, {@code stride} apart from {@code offset}, inside {@code size}. */
    private static void checkRange(String what, int size, int offset, int rows, int stride, int length) {
        long last = rows == 0 || length == 0 ? offset : offset + (long) (rows - 1) * stride + length;
        if (offset < 0 || last > size) {
            throw new IndexOutOfBoundsException(what + ": " + rows + " rows of " + length + " from offset " + offset
                    + " with stride " + stride + " end at " + last + ", past the array's " + size + " elements");
        }
    }

    /**
     * @param depth {@code K}
     * @return {@code K} rounded up to a multiple of {@link #GROUP}
     */
    public static int paddedDepth(int depth) {
        return (depth + GROUP - 1) / GROUP * GROUP;
    }

    /**
     * Lays out the left operand of {@link #weightsTimesCodesRequantized}: row-major {@code [rows, paddedDepth(depth)]},
     * zeros after each row's {@code depth} weights.
     *
     * @param w weights, row-major {@code [rows, depth]}, from {@code offset}
     * @param offset first weight
     * @param rows rows
     * @param depth weights per row
     * @return the padded rows
     */
    public static byte[] padRows(byte[] w, int offset, int rows, int depth) {
        int kp = paddedDepth(depth);
        byte[] out = new byte[Math.multiplyExact(rows, kp)];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(w, offset + i * depth, out, i * kp, depth);
        }
        return out;
    }

    /**
     * @param n columns
     * @param depth {@code K}
     * @return the bytes of {@link #packColumns}'s layout
     */
    public static int packedColumnsLength(int n, int depth) {
        return Math.multiplyExact(paddedDepth(depth), (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN * COLUMN_ALIGN);
    }

    /**
     * Lays out the right operand of {@link #codesTimesWeights}: weights {@code W[j][k]} ({@code [n, depth]},
     * a dense layer's {@code [O, K]}) as {@code packed[((k / 4) * np + j) * 4 + k % 4]}, {@code np} = {@code n}
     * rounded up to {@link #COLUMN_ALIGN}, zeros in the padding: four consecutive {@code k} of a column are one
     * 32-bit lane, consecutive columns consecutive lanes.
     *
     * @param w weights, row-major {@code [n, depth]}
     * @param n rows of {@code w}: columns of the product
     * @param depth {@code K}
     * @return the packed weights
     */
    public static byte[] packColumns(byte[] w, int n, int depth) {
        int np = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN * COLUMN_ALIGN;
        byte[] out = new byte[packedColumnsLength(n, depth)];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < depth; k++) {
                out[((k / GROUP) * np + j) * GROUP + k % GROUP] = w[j * depth + k];
            }
        }
        return out;
    }

    /**
     * The bias with the activations' offset folded in: {@code bias[i] - (zIn + 128) * sum_k w[i][k]} in int
     * arithmetic (modulo {@code 2^32}, which keeps the final accumulator exact whenever the true one fits int32).
     *
     * @param bias {@code [rows]} int32
     * @param w weights, row-major {@code [rows, depth]}
     * @param rows rows
     * @param depth weights per row
     * @param zIn input zero point, an int8 code
     * @return the folded bias
     */
    public static int[] foldedBias(int[] bias, byte[] w, int rows, int depth, int zIn) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int sum = 0;
            for (int k = 0; k < depth; k++) {
                sum += w[i * depth + k];
            }
            out[i] = bias[i] - (zIn + 128) * sum;
        }
        return out;
    }

    /** @return the definition in plain Java loops: available everywhere, the exact reference of the tests */
    public static ByteKernels reference() {
        return ReferenceByteKernels.INSTANCE;
    }

    /**
     * @return the byte-level implementation the executor uses: a native one found by {@link ServiceLoader}
     *     unless {@value IntGemm#PROPERTY} names a Java path ({@code scalar}, {@code vector}); null when none
     *     is (the executor then runs {@link IntGemm#selected()} on widened operands)
     * @throws IllegalStateException when {@value IntGemm#PROPERTY}{@code =native} and no native one is available
     */
    public static ByteKernels selected() {
        return Selected.INSTANCE;
    }

    /** Holder of the selection, made on first use. */
    private static final class Selected {
        static final ByteKernels INSTANCE = select(System.getProperty(IntGemm.PROPERTY, "").trim().toLowerCase(Locale.ROOT));
    }

    static ByteKernels select(String requested) {
        if (!requested.isEmpty() && !requested.equals("auto") && !requested.equals("native")) {
            return null; // a Java path was asked for (IntGemm.select rejects unknown names)
        }
        for (ByteKernels g : ServiceLoader.load(ByteKernels.class, ByteKernels.class.getClassLoader())) {
            if (g.name() != null) {
                return g;
            }
        }
        if (requested.equals("native")) {
            throw new IllegalStateException("-D" + IntGemm.PROPERTY + "=native: no native kernels are available (add the"
                    + " int8-executor-native jar to the class path; it runs on Linux x86-64 with AVX2 or AVX-512 VNNI)");
        }
        return null;
    }

    /**
     * @return the executor's path as README and the commands report it: the native kernel's name and
     *     the Java output stage's ({@code native-avx512-vnni + vector-512}), or the Java product's alone
     */
    public static String executorPath() {
        ByteKernels bytes = selected();
        return bytes != null ? bytes.name() + " + " + IntGemm.selected().name() : IntGemm.selected().name();
    }

    @Override
    public String toString() {
        return name();
    }
}
