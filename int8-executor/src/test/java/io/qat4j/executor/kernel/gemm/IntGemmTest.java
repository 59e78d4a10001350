package io.qat4j.executor.kernel.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IntGemm}, as gemmlowp tests its kernels: every implementation the dispatch can choose
 * (the scalar one always; the Vector API's, which the build's tests run with, asserted present so
 * that its path is covered) against an exact {@code long} reference, on boundary values (every
 * product at its extreme {@code +-255 * 128}, depths around the vector path's panel of 256, the
 * largest depth whose sum still fits int32, row and column counts leaving every remainder of the
 * register blocks) and on seeded random geometries with offsets and strides.
 */
class IntGemmTest {

    static Stream<IntGemm> implementations() {
        List<IntGemm> all = new ArrayList<>(List.of(IntGemm.scalar()));
        IntGemm v = IntGemm.vector();
        if (v != null) {
            all.add(v);
        }
        return all.stream();
    }

    /** The exact sum in 64 bits, then checked to fit the int32 accumulator. */
    private static int[] reference(int m, int n, int depth, int[] a, int aOff, int lda, int[] b, int bOff, int ldb,
                                   int[] c, int cOff, int ldc) {
        int[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long s = c[cOff + i * ldc + j];
                for (int k = 0; k < depth; k++) {
                    s += (long) a[aOff + i * lda + k] * (long) b[bOff + k * ldb + j];
                }
                assertEquals(s, (int) s, "test data within the int32 accumulator bound");
                out[cOff + i * ldc + j] = (int) s;
            }
        }
        return out;
    }

    private static void check(IntGemm g, int m, int n, int depth, int[] a, int aOff, int lda, int[] b, int bOff,
                              int ldb, int[] c, int cOff, int ldc, String what) {
        int[] expected = reference(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        int[] actual = c.clone();
        g.multiplyAdd(m, n, depth, a, aOff, lda, b, bOff, ldb, actual, cOff, ldc);
        assertArrayEquals(expected, actual, g.name() + ": " + what);
    }

    @Test
    void theBuildsTestsRunTheVectorPath() {
        assertNotNull(IntGemm.vector(), "the tests run with --add-modules jdk.incubator.vector on a CPU with 256-bit"
                + " vectors, so the vector path must be available and tested");
        assertTrue(IntGemm.selected().name().startsWith("vector-"), IntGemm.selected().name());
        System.out.println("IntGemm path under test: " + IntGemm.selected().name());
    }

    @Test
    void thePropertyChoosesAndRejects() {
        assertSame(IntGemm.scalar(), IntGemm.select("scalar"));
        assertEquals(IntGemm.vector() == null ? "scalar" : IntGemm.vector().name(), IntGemm.select("").name());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IntGemm.select("avx"));
        assertTrue(e.getMessage().contains("qat4j.gemm=avx") && e.getMessage().contains("scalar or vector"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void extremeProductsAroundThePanelBoundary(IntGemm g) {
        for (int depth : new int[] {1, 255, 256, 257, 515}) {
            for (int sign : new int[] {1, -1}) {
                int m = 5;
                int n = 37;
                int[] a = new int[m * depth];
                int[] b = new int[depth * n];
                java.util.Arrays.fill(a, 255 * sign);
                java.util.Arrays.fill(b, -128);
                int[] c = new int[m * n];
                java.util.Arrays.fill(c, -7);
                check(g, m, n, depth, a, 0, depth, b, 0, n, c, 0, n, "all products " + (-255 * 128 * sign) + ", depth " + depth);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void theLargestSumThatFitsInt32IsExact(IntGemm g) {
        int depth = Integer.MAX_VALUE / (255 * 128); // 65792 products of 32640: 2147450880
        for (int sign : new int[] {1, -1}) {
            int[] a = new int[depth];
            int[] b = new int[depth * 33];
            java.util.Arrays.fill(a, 255 * sign);
            java.util.Arrays.fill(b, 128);
            int[] c = new int[33];
            g.multiplyAdd(1, 33, depth, a, 0, depth, b, 0, 33, c, 0, 33);
            for (int v : c) {
                assertEquals(sign * (long) depth * 255 * 128, v, g.name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void everyRemainderOfTheRegisterBlocks(IntGemm g) {
        SplittableRandom r = new SplittableRandom(11);
        for (int m = 1; m <= 9; m++) {
            for (int n = 1; n <= 40; n++) {
                int depth = 1 + r.nextInt(20);
                int[] a = codes(r, m * depth, 255);
                int[] b = codes(r, depth * n, 128);
                int[] c = new int[m * n];
                check(g, m, n, depth, a, 0, depth, b, 0, n, c, 0, n, m + "x" + n + "x" + depth);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void seededRandomGeometriesWithOffsetsAndStrides(IntGemm g) {
        SplittableRandom r = new SplittableRandom(29);
        for (int t = 0; t < 60; t++) {
            int m = 1 + r.nextInt(70);
            int n = 1 + r.nextInt(300);
            int depth = 1 + r.nextInt(t % 5 == 0 ? 1500 : 300);
            // offset inputs in [-255, 255], weights in [-128, 127]
            Operands o = Operands.random(r, m, n, depth, 255, 128);
            check(g, m, n, depth, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, o.c, o.cOff, o.ldc,
                    "case " + t + ": " + m + "x" + n + "x" + depth);
        }
    }

    /**
     * {@code multiplyAddBounded} against the exact reference: every product at {@code +-bound} (the
     * vector path's 16-bit runs then reach their limit, {@code 32767 / bound} products of
     * {@code bound}) for the 4-bit-weight bound {@code 8 * 255} and others that give runs of 2 to
     * 256 products, at depths around the run lengths and the panel, with every remainder of the
     * packed blocks' rows and columns; then seeded random geometries with offsets and strides and
     * operands within the bound.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void boundedProductsGiveTheExactSums(IntGemm g) {
        int[][] factors = {{8, 255}, {8, 127}, {2, 1}, {1, 1}, {64, 255}, {127, 129}, {128, 255}, {0, 255}};
        for (int[] f : factors) {
            int bound = f[0] * f[1];
            for (int depth : new int[] {1, 2, 15, 16, 17, 33, 256, 257, 515}) {
                for (int sign : new int[] {1, -1}) {
                    int m = 9;
                    int n = 4 * 16 + 2 * 16 + 3; // a block of 4 vectors, one of 2, a remainder (16 lanes; 8 with AVX2)
                    int[] a = new int[m * depth];
                    int[] b = new int[depth * n];
                    java.util.Arrays.fill(a, -f[0]);
                    java.util.Arrays.fill(b, -f[1] * sign);
                    int[] c = new int[m * n];
                    java.util.Arrays.fill(c, 3);
                    checkBounded(g, bound, m, n, depth, a, 0, depth, b, 0, n, c, 0, n,
                            "all products " + bound * sign + ", depth " + depth);
                }
            }
        }
        SplittableRandom r = new SplittableRandom(41);
        for (int t = 0; t < 80; t++) {
            int[] f = factors[t % factors.length];
            int m = 1 + r.nextInt(40);
            int n = 1 + r.nextInt(200);
            int depth = 1 + r.nextInt(t % 4 == 0 ? 700 : 80);
            Operands o = Operands.random(r, m, n, depth, f[0], f[1]);
            checkBounded(g, f[0] * f[1], m, n, depth, o.a, o.aOff, o.lda, o.b, o.bOff, o.ldb, o.c, o.cOff, o.ldc,
                    "case " + t + ": " + m + "x" + n + "x" + depth + ", bound " + f[0] + " * " + f[1]);
        }
    }

    private static void checkBounded(IntGemm g, int bound, int m, int n, int depth, int[] a, int aOff, int lda, int[] b,
                                     int bOff, int ldb, int[] c, int cOff, int ldc, String what) {
        int[] expected = reference(m, n, depth, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        int[] actual = c.clone();
        g.multiplyAddBounded(bound, m, n, depth, a, aOff, lda, b, bOff, ldb, actual, cOff, ldc);
        assertArrayEquals(expected, actual, g.name() + ": " + what);
    }

    /**
     * {@code requantize} against an exact {@link BigInteger} reference of its contract,
     * {@code clamp(floor((acc m + 2^(T - 1)) / 2^T) + Z_out)} with {@code T = 31 - shift}: boundary
     * accumulators ({@code 0, +-2^i + {-2..2}}, the int32 extremes) under boundary multipliers
     * ({@code 0, 1, 2^30, 2^30 + 1, 2^31 - 1}) and every shift, random ones under random Q31
     * multipliers, zero points and clamps at the int8 extremes, offsets, and counts that leave every
     * remainder of the vector length. Pairs whose exact result leaves the int32 range (the contract's
     * precondition) are skipped.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void requantizeEqualsTheExactReferenceOnBoundaryAndRandomValues(IntGemm g) {
        List<Integer> boundary = new ArrayList<>(List.of(0, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1,
                Integer.MAX_VALUE - 1));
        for (int i = 0; i <= 30; i++) {
            for (int d = -2; d <= 2; d++) {
                boundary.add((1 << i) + d);
                boundary.add(-(1 << i) + d);
            }
        }
        int[] multipliers = {0, 1, 1 << 30, (1 << 30) + 1, Integer.MAX_VALUE};
        int[][] outputs = {{-128, -128, 127}, {0, -128, 127}, {-128, -128, 127}, {127, -128, 127}, {5, 5, 127}, {-3, -10, 6}};
        for (int m : multipliers) {
            for (int shift = -31; shift <= 30; shift++) {
                for (int[] o : outputs) {
                    checkRequantize(g, boundary.stream().mapToInt(Integer::intValue).toArray(), m, shift, o[0], o[1], o[2],
                            "m " + m + ", shift " + shift);
                }
            }
        }
        SplittableRandom r = new SplittableRandom(31);
        for (int t = 0; t < 300; t++) {
            int n = 1 + r.nextInt(70);
            int[] acc = new int[n];
            for (int i = 0; i < n; i++) {
                acc[i] = t % 3 == 0 ? r.nextInt() : r.nextInt(2_000_001) - 1_000_000;
            }
            int m = (1 << 30) + r.nextInt(1 << 30);
            int shift = -31 + r.nextInt(t % 4 == 0 ? 62 : 32);
            int z = r.nextInt(256) - 128;
            int lo = r.nextInt(256) - 128;
            int hi = lo + r.nextInt(128 - lo);
            checkRequantize(g, acc, m, shift, z, lo, hi, "case " + t);
        }
    }

    private static void checkRequantize(IntGemm g, int[] accs, int m, int shift, int zOut, int lo, int hi, String what) {
        int total = 31 - shift;
        List<Integer> kept = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (int a : accs) {
            BigInteger q = BigInteger.valueOf(a).multiply(BigInteger.valueOf(m)).add(BigInteger.ONE.shiftLeft(total - 1))
                    .shiftRight(total); // shiftRight of a BigInteger is floor division
            if (q.bitLength() > 30) {
                continue; // beyond the contract: the caller's accumulator and multiplier keep the result small
            }
            kept.add(a);
            expected.add(Math.max(lo, Math.min(hi, q.intValue() + zOut)));
        }
        int accOffset = 3;
        int outOffset = 5;
        int[] acc = new int[accOffset + kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            acc[accOffset + i] = kept.get(i);
        }
        byte[] out = new byte[outOffset + kept.size() + 2];
        java.util.Arrays.fill(out, (byte) 77);
        g.requantize(acc, accOffset, kept.size(), m, shift, zOut, lo, hi, out, outOffset);
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(expected.get(i).intValue(), out[outOffset + i], g.name() + " " + what + ": acc " + kept.get(i));
        }
        for (int i : new int[] {0, outOffset - 1, outOffset + kept.size(), outOffset + kept.size() + 1}) {
            assertEquals(77, out[i], g.name() + " " + what + ": byte " + i + " outside the range is untouched");
        }
    }

    /**
     * {@link IntGemm#paddedColumns}: at least the columns asked for, fewer than two vectors more, a
     * fixed point; and a product over the padded columns, whose extra columns hold any values
     * (here extreme ones), gives the reference's sums in the columns asked for.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void paddedColumnsGiveTheSameSumsInTheColumnsAskedFor(IntGemm g) {
        SplittableRandom r = new SplittableRandom(41);
        for (int n = 1; n <= 200; n++) {
            int pitch = g.paddedColumns(n);
            assertTrue(pitch >= n && pitch < n + 64 && g.paddedColumns(pitch) == pitch, g.name() + ": " + n + " -> " + pitch);
            if (n % 7 != 0) {
                continue;
            }
            int m = 1 + r.nextInt(20);
            int depth = 1 + r.nextInt(300);
            int[] a = codes(r, m * depth, 128);
            int[] b = new int[depth * pitch + IntGemm.B_SLACK];
            int[] bNarrow = new int[depth * n];
            for (int k = 0; k < depth; k++) {
                for (int j = 0; j < pitch; j++) {
                    b[k * pitch + j] = j < n ? r.nextInt(511) - 255 : (j % 2 == 0 ? 255 : -255);
                }
                System.arraycopy(b, k * pitch, bNarrow, k * n, n);
            }
            int[] expected = reference(m, n, depth, a, 0, depth, bNarrow, 0, n, new int[m * n], 0, n);
            int[] c = new int[m * pitch];
            g.multiplyAdd(m, pitch, depth, a, 0, depth, b, 0, pitch, c, 0, pitch);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(expected[i * n + j], c[i * pitch + j], g.name() + ": n " + n + ", row " + i + ", column " + j);
                }
            }
        }
    }

    /**
     * The 2 x 2 max pooling against loops over its definition: every code at its extremes (planes
     * of -128 and 127 only, clamps at the ends and inside), then seeded random planes of odd and
     * even sizes, rows shorter and longer than a vector, whose last stretch ends before, at and
     * past a vector, with bytes after the output that must stay untouched. The scalar
     * implementation leaves the pooling to its caller and writes nothing.
     */
    @ParameterizedTest
    @MethodSource("implementations")
    void maxPool2x2EqualsItsDefinition(IntGemm g) {
        SplittableRandom r = new SplittableRandom(37);
        int[][] shapes = {{1, 2, 2}, {3, 28, 28}, {5, 14, 14}, {2, 7, 7}, {4, 3, 5}, {2, 2, 130}, {3, 9, 64}, {1, 4, 66},
                          {2, 5, 127}, {6, 2, 2}, {1, 64, 2}};
        for (int t = 0; t < 60 + shapes.length; t++) {
            int[] shape = t < shapes.length ? shapes[t] : new int[] {1 + r.nextInt(6), 2 + r.nextInt(40), 2 + r.nextInt(150)};
            int planes = shape[0];
            int h = shape[1];
            int w = shape[2];
            byte[] in = new byte[planes * h * w];
            for (int i = 0; i < in.length; i++) {
                int u = r.nextInt(8);
                in[i] = (byte) (t % 5 == 0 ? (u < 4 ? -128 : 127) : u == 0 ? -128 : u == 1 ? 127 : r.nextInt(256) - 128);
            }
            int lo = t % 3 == 0 ? -128 : r.nextInt(256) - 128;
            int hi = t % 3 == 0 ? 127 : lo + r.nextInt(128 - lo);
            int outH = h / 2;
            int outW = w / 2;
            byte[] expected = new byte[planes * outH * outW + 3];
            java.util.Arrays.fill(expected, (byte) 77);
            for (int p = 0; p < planes; p++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int max = Byte.MIN_VALUE;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                max = Math.max(max, in[(p * h + 2 * oy + dy) * w + 2 * ox + dx]);
                            }
                        }
                        expected[(p * outH + oy) * outW + ox] = (byte) Math.max(lo, Math.min(hi, max));
                    }
                }
            }
            byte[] out = new byte[expected.length];
            java.util.Arrays.fill(out, (byte) 77);
            String what = g.name() + " " + planes + "x" + h + "x" + w + " clamp [" + lo + ", " + hi + "]";
            if (g.maxPool2x2(planes, h, w, in, out, lo, hi)) {
                assertArrayEquals(expected, out, what);
            } else {
                assertSame(IntGemm.scalar(), g, what + ": only the scalar implementation leaves the pooling to its caller");
                assertTrue(allEqual(out, (byte) 77), what
                        + ": nothing written");
            }
        }
    }

    private static boolean allEqual(byte[] a, byte v) {
        for (byte b : a) {
            if (b != v) {
                return false;
            }
        }
        return true;
    }

    /** Integers in {@code [-limit, limit]} (weights: {@code [-128, 127]}), each extreme on a tenth of the values. */
    /**
     * Operands of an {@code m x n x depth} product at random offsets and row strides, entries of
     * {@code a} and {@code b} by {@link #codes} within the limits, {@code c} random (the bias, and the
     * guard cells that must stay).
     */
    private record Operands(int[] a, int aOff, int lda, int[] b, int bOff, int ldb, int[] c, int cOff, int ldc) {
        static Operands random(SplittableRandom r, int m, int n, int depth, int aLimit, int bLimit) {
            int lda = depth + r.nextInt(5);
            int ldb = n + r.nextInt(40);
            int ldc = n + r.nextInt(9);
            int aOff = r.nextInt(17);
            int bOff = r.nextInt(33);
            int cOff = r.nextInt(5);
            int[] a = codes(r, aOff + (m - 1) * lda + depth + r.nextInt(3), aLimit);
            int[] b = codes(r, bOff + (depth - 1) * ldb + n + r.nextInt(3), bLimit);
            int[] c = new int[cOff + (m - 1) * ldc + n + 2];
            for (int i = 0; i < c.length; i++) {
                c[i] = r.nextInt(2_000_001) - 1_000_000;
            }
            return new Operands(a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    private static int[] codes(SplittableRandom r, int count, int limit) {
        int[] v = new int[count];
        int lo = limit == 128 ? -128 : -limit;
        int hi = limit == 128 ? 127 : limit;
        for (int i = 0; i < count; i++) {
            int u = r.nextInt(20);
            v[i] = u == 0 ? lo : u == 1 ? hi : lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }
}
