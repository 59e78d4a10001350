package io.qat4j.executor.nativekernels;

import io.qat4j.executor.kernel.ByteKernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * {@link ByteKernels} in native code through JNI ({@code src/main/c/qat4j_int8.c}): the AVX-512
 * kernels (products with VNNI's {@code vpdpbusd}, a convolution's output stage on 64-bit lanes in the
 * product's registers, pooling with AVX-512BW; the im2col by row copies) where the CPU has
 * AVX-512 F, BW, VL and VNNI, else the AVX2 ones (products with {@code vpmaddwd} on bytes widened to
 * 16 bits), chosen by the CPU's own feature flags; bit-identical to {@link ByteKernels#reference()}
 * (int32 sums modulo {@code 2^32}).
 *
 * <p>Found by {@link java.util.ServiceLoader} when this module's jar is on the class path. The
 * library ({@code libqat4j_int8.so}, Linux x86-64, built by the module's build with gcc) is copied
 * from the jar to a temporary file, loaded, and the file deleted at once. {@link #name()} is null
 * (the executor then keeps its Java path) when the platform is not Linux x86-64, when loading fails
 * (logged) or when the CPU has neither AVX2 nor AVX-512 VNNI. System property {@value #ISA_PROPERTY}
 * ({@code avx2}) limits the choice, as tests do to run the AVX2 kernel on an AVX-512 machine.
 */
public final class NativeByteKernels extends ByteKernels {

    /** System property limiting the kernel: {@code auto} (default, the best the CPU has) or {@code avx2}. */
    public static final String ISA_PROPERTY = "qat4j.native.isa";

    static final int ISA_NONE = 0;
    static final int ISA_AVX2 = 1;
    static final int ISA_AVX512_VNNI = 2;

    private static final String LIBRARY = "/io/qat4j/executor/nativekernels/linux-x86-64/libqat4j_int8.so";

    private final int isa;

    /** The kernel the CPU and {@value #ISA_PROPERTY} allow; unavailable ({@link #name()} null) when none. */
    public NativeByteKernels() {
        this(requestedIsa());
    }

    private NativeByteKernels(int isa) {
        this.isa = isa;
    }

    /**
     * @param isaName {@code avx512-vnni} or {@code avx2}
     * @return that kernel, or null when this CPU (or platform) cannot run it
     * @throws IllegalArgumentException on another name
     */
    public static NativeByteKernels forIsa(String isaName) {
        int wanted = switch (isaName) {
            case "avx512-vnni" -> ISA_AVX512_VNNI;
            case "avx2" -> ISA_AVX2;
            default -> throw new IllegalArgumentException("unknown kernel " + isaName + ": expected avx512-vnni or avx2");
        };
        return Library.CPU_ISA >= wanted ? new NativeByteKernels(wanted) : null;
    }

    private static int requestedIsa() {
        String p = System.getProperty(ISA_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "", "auto" -> Library.CPU_ISA;
            case "avx2" -> Math.min(Library.CPU_ISA, ISA_AVX2);
            default -> throw new IllegalStateException("-D" + ISA_PROPERTY + "=" + p + ": expected auto or avx2");
        };
    }

    /** @return why the native kernels are unavailable, or null when they are loaded */
    public static String unavailableReason() {
        return Library.REASON;
    }

    @Override
    public String name() {
        return switch (isa) {
            case ISA_AVX512_VNNI -> "native-avx512-vnni";
            case ISA_AVX2 -> "native-avx2";
            default -> null;
        };
    }

    @Override
    protected void codesTimesWeightsUnchecked(int m, int n, int depth, byte[] x, int xOffset, int ldx, byte[] packed, int[] c,
                                              int cOffset, int ldc) {
        codesTimesWeights0(isa, m, n, depth, x, xOffset, ldx, packed, c, cOffset, ldc);
    }

    @Override
    protected void maxPool2x2Unchecked(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin, int actMax) {
        maxPoolTwoByTwo0(isa, planes, inHeight, inWidth, in, out, actMin, actMax);
    }

    @Override
    protected void im2colUnchecked(int[] geometry, byte[] input, int inOffset, int images, byte[] col) {
        im2col0(geometry, input, inOffset, images, col);
    }

    @Override
    protected void weightsTimesCodesRequantizedUnchecked(int m, int n, int depth, byte[] w, int wOffset, byte[] b, int bOffset,
                                                         int ldb, int[] bias, int[] multipliers, int[] shifts, int firstRow,
                                                         int zOut, int actMin, int actMax, byte[] out, int outOffset, int plane,
                                                         int imageStride) {
        weightsTimesCodesRequantized0(isa, m, n, depth, w, wOffset, b, bOffset, ldb, bias, multipliers, shifts, firstRow, zOut,
                actMin, actMax, out, outOffset, plane, imageStride);
    }

    private static native int cpuIsa();

    private static native void im2col0(int[] geometry, byte[] input, int inOffset, int images, byte[] col);

    private static native void weightsTimesCodesRequantized0(int isa, int m, int n, int depth, byte[] w, int wOffset, byte[] b,
                                                             int bOffset, int ldb, int[] bias, int[] multipliers, int[] shifts,
                                                             int firstRow, int zOut, int actMin, int actMax, byte[] out,
                                                             int outOffset, int plane, int imageStride);

    private static native void maxPoolTwoByTwo0(int isa, int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin,
                                            int actMax);

    private static native void codesTimesWeights0(int isa, int m, int n, int depth, byte[] x, int xOffset, int ldx,
                                                  byte[] packed, int[] c, int cOffset, int ldc);

    /** Loads the library once; {@link #CPU_ISA} is {@link #ISA_NONE} and {@link #REASON} says why when it cannot. */
    private static final class Library {
        static final String REASON;
        static final int CPU_ISA;

        static {
            String reason = load();
            int isa = ISA_NONE;
            if (reason == null) {
                isa = cpuIsa();
                if (isa == ISA_NONE) {
                    reason = "the CPU has neither AVX2 nor AVX-512 VNNI";
                }
            } else {
                System.getLogger(NativeByteKernels.class.getName()).log(System.Logger.Level.WARNING,
                        "qat4j native kernels unavailable, the executor uses its Java path: " + reason);
            }
            REASON = reason;
            CPU_ISA = isa;
        }

        /** @return null when loaded, else the reason */
        private static String load() {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
                return "built for Linux x86-64, this is " + os + " " + arch;
            }
            Path tmp = null;
            try (InputStream in = NativeByteKernels.class.getResourceAsStream(LIBRARY)) {
                if (in == null) {
                    return "resource " + LIBRARY + " missing from the jar";
                }
                tmp = Files.createTempFile("libqat4j_int8", ".so");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                System.load(tmp.toAbsolutePath().toString());
                return null;
            } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
                return "loading " + LIBRARY + ": " + e;
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp); // the loaded mapping stays valid
                    } catch (IOException ignored) {
                        tmp.toFile().deleteOnExit();
                    }
                }
            }
        }
    }
}
