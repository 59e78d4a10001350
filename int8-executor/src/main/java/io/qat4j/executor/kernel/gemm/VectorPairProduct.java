package io.qat4j.executor.kernel.gemm;

import static io.qat4j.executor.kernel.gemm.VectorIntGemm.L;
import static io.qat4j.executor.kernel.gemm.VectorIntGemm.PANEL_DEPTH;
import static io.qat4j.executor.kernel.gemm.VectorIntGemm.S;
import static io.qat4j.executor.kernel.gemm.VectorIntGemm.TALL;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link IntGemm#multiplyAddBounded} on the JDK Vector API for operands whose products are small,
 * as 4-bit weights times offset 8-bit activations: two columns of {@code b} per int lane, so that
 * one {@code vpmulld} gives two products, summed in 16-bit fields for runs as long as the bound
 * allows and then widened exactly (SWAR, "SIMD within a register"; the same packing of narrow
 * products into wide lanes as gemmlowp's and MLAS's 8-bit kernels, here within the int lanes that
 * JDK 17 compiles well). A class of its own beside {@link VectorIntGemm}, whose species, panel
 * depth and int product (for the remainders) it shares; loaded with it. Its blocks are written out
 * statement by statement for the same reason as {@link VectorIntGemm}'s: each sum must be a local
 * variable of its own for the JIT to keep it in a register.
 */
final class VectorPairProduct {

    /** Per thread, one panel of {@code b} packed two columns per lane: {@link VectorIntGemm#PANEL_DEPTH} rows of 2 vectors. */
    private static final ThreadLocal<int[]> PANEL = ThreadLocal.withInitial(() -> new int[PANEL_DEPTH * 2 * L]);

    private VectorPairProduct() {
    }

    /**
     * {@link IntGemm#multiplyAddBounded} with two columns per int lane where the bound allows runs of
     * at least 2 products: per panel and block of {@code 2L} columns, {@code b}'s columns
     * {@code j + l} and {@code j + L + l} are packed into lane {@code l} as
     * {@code b[k][j + l] + 2^16 b[k][j + L + l]} ({@link #pack}); one multiplication by the broadcast
     * {@code a[i][k]} then gives both products, {@code a b_lo + 2^16 a b_hi} modulo {@code 2^32}, so a
     * {@code vpmulld} does the work of two. A run of {@code R = 32767 / maxAbsProduct} such sums keeps
     * each field within {@code [-32767, 32767]}: the low field is then its value sign-extended, the
     * high one the rest shifted down, both exact, and they are added to widened sums after every run
     * ({@link #packed4x2}). The blocks keep 27 vectors in registers, so this runs with AVX-512's 32;
     * with AVX2's 16, and for rows past the last block of 4 and columns past the last whole
     * {@code 2L}, {@code intProduct} multiplies. Measured on conv2 of the Fashion-MNIST CNN
     * ({@code 64 x 288 x 608}, 4-bit weights, runs of 16): 92-100 GMAC/s against 72-75 for the int
     * product ({@code intProduct}, {@link VectorIntGemm}).
     */
    static void multiplyAdd(IntGemm intProduct, int maxAbsProduct, int m, int n, int depth, int[] a, int aOffset, int lda,
                            int[] b, int bOffset, int ldb, int[] c, int cOffset, int ldc) {
        int run = maxAbsProduct == 0 ? PANEL_DEPTH : Math.min(PANEL_DEPTH, Short.MAX_VALUE / maxAbsProduct);
        int rows = TALL ? m - m % 4 : 0;
        int columns = n - n % (2 * L);
        if (maxAbsProduct < 0 || run < 2 || rows == 0 || columns == 0) {
            intProduct.multiplyAdd(m, n, depth, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
            return;
        }
        int[] panel = PANEL.get();
        for (int k0 = 0; k0 < depth; k0 += PANEL_DEPTH) {
            int k1 = Math.min(depth, k0 + PANEL_DEPTH);
            int j = 0;
            for (; j + 4 * L <= columns; j += 4 * L) {
                pack(b, bOffset + j, ldb, k0, k1, 2, panel);
                for (int i = 0; i < rows; i += 4) {
                    packed4x2(k0, k1, run, a, aOffset + i * lda, lda, panel, c, cOffset + i * ldc + j, ldc);
                }
            }
            if (j < columns) {
                pack(b, bOffset + j, ldb, k0, k1, 1, panel);
                for (int i = 0; i < rows; i += 4) {
                    packed4x1(k0, k1, run, a, aOffset + i * lda, lda, panel, c, cOffset + i * ldc + j, ldc);
                }
            }
        }
        if (rows < m) {
            intProduct.multiplyAdd(m - rows, n, depth, a, aOffset + rows * lda, lda, b, bOffset, ldb, c, cOffset + rows * ldc, ldc);
        }
        if (columns < n) {
            intProduct.multiplyAdd(rows, n - columns, depth, a, aOffset, lda, b, bOffset + columns, ldb, c, cOffset + columns, ldc);
        }
    }

    /**
     * {@code panel[(k - k0) * V L + v L + l] = b[k][j + 2vL + l] + 2^16 b[k][j + 2vL + L + l]} for
     * {@code k0 <= k < k1}, {@code v < V} (1 or 2), {@code l < L}, with {@code b[k][j + .]} at
     * {@code b0 + k * ldb}.
     */
    private static void pack(int[] b, int b0, int ldb, int k0, int k1, int vectors, int[] panel) {
        for (int k = k0; k < k1; k++) {
            int src = b0 + k * ldb;
            int dst = (k - k0) * vectors * L;
            for (int v = 0; v < vectors; v++) {
                IntVector low = IntVector.fromArray(S, b, src + 2 * v * L);
                IntVector high = IntVector.fromArray(S, b, src + 2 * v * L + L);
                low.add(high.lanewise(VectorOperators.LSHL, 16)).intoArray(panel, dst + v * L);
            }
        }
    }

    /**
     * {@code c[r][0 .. 4L) += sum_{k0 <= k < k1} a[r][k] b[k][0 .. 4L)} for the 4 rows at {@code a0},
     * from the packed panel of 2 vectors per row of {@code b}, in runs of {@code run} products: 8
     * vectors of packed sums and 16 of widened ones, all in registers (27 with {@code b}'s two and
     * the broadcast, of AVX-512's 32). After each run, each packed sum's low field, sign-extended,
     * and its high field (the rest shifted down) are added to the widened sums: exact while every
     * field's true sum is within {@code [-32768, 32767]}, for then {@code sums - low} is the high
     * field times {@code 2^16}, within int range.
     */
    private static void packed4x2(int k0, int k1, int run, int[] a, int a0, int lda, int[] panel, int[] c, int c0, int ldc) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        IntVector w00 = IntVector.zero(S);
        IntVector w01 = IntVector.zero(S);
        IntVector w02 = IntVector.zero(S);
        IntVector w03 = IntVector.zero(S);
        IntVector w10 = IntVector.zero(S);
        IntVector w11 = IntVector.zero(S);
        IntVector w12 = IntVector.zero(S);
        IntVector w13 = IntVector.zero(S);
        IntVector w20 = IntVector.zero(S);
        IntVector w21 = IntVector.zero(S);
        IntVector w22 = IntVector.zero(S);
        IntVector w23 = IntVector.zero(S);
        IntVector w30 = IntVector.zero(S);
        IntVector w31 = IntVector.zero(S);
        IntVector w32 = IntVector.zero(S);
        IntVector w33 = IntVector.zero(S);
        for (int r0 = k0; r0 < k1; r0 += run) {
            int r1 = Math.min(k1, r0 + run);
            IntVector s00 = IntVector.zero(S);
            IntVector s01 = IntVector.zero(S);
            IntVector s10 = IntVector.zero(S);
            IntVector s11 = IntVector.zero(S);
            IntVector s20 = IntVector.zero(S);
            IntVector s21 = IntVector.zero(S);
            IntVector s30 = IntVector.zero(S);
            IntVector s31 = IntVector.zero(S);
            for (int k = r0; k < r1; k++) {
                int p = (k - k0) * 2 * L;
                IntVector v0 = IntVector.fromArray(S, panel, p);
                IntVector v1 = IntVector.fromArray(S, panel, p + L);
                IntVector x0 = IntVector.broadcast(S, a[a0 + k]);
                s00 = s00.add(v0.mul(x0));
                s01 = s01.add(v1.mul(x0));
                IntVector x1 = IntVector.broadcast(S, a[a1 + k]);
                s10 = s10.add(v0.mul(x1));
                s11 = s11.add(v1.mul(x1));
                IntVector x2 = IntVector.broadcast(S, a[a2 + k]);
                s20 = s20.add(v0.mul(x2));
                s21 = s21.add(v1.mul(x2));
                IntVector x3 = IntVector.broadcast(S, a[a3 + k]);
                s30 = s30.add(v0.mul(x3));
                s31 = s31.add(v1.mul(x3));
            }
            IntVector l00 = s00.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w00 = w00.add(l00);
            w01 = w01.add(s00.sub(l00).lanewise(VectorOperators.ASHR, 16));
            IntVector l01 = s01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w02 = w02.add(l01);
            w03 = w03.add(s01.sub(l01).lanewise(VectorOperators.ASHR, 16));
            IntVector l10 = s10.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w10 = w10.add(l10);
            w11 = w11.add(s10.sub(l10).lanewise(VectorOperators.ASHR, 16));
            IntVector l11 = s11.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w12 = w12.add(l11);
            w13 = w13.add(s11.sub(l11).lanewise(VectorOperators.ASHR, 16));
            IntVector l20 = s20.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w20 = w20.add(l20);
            w21 = w21.add(s20.sub(l20).lanewise(VectorOperators.ASHR, 16));
            IntVector l21 = s21.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w22 = w22.add(l21);
            w23 = w23.add(s21.sub(l21).lanewise(VectorOperators.ASHR, 16));
            IntVector l30 = s30.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w30 = w30.add(l30);
            w31 = w31.add(s30.sub(l30).lanewise(VectorOperators.ASHR, 16));
            IntVector l31 = s31.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w32 = w32.add(l31);
            w33 = w33.add(s31.sub(l31).lanewise(VectorOperators.ASHR, 16));
        }
        IntVector.fromArray(S, c, c0).add(w00).intoArray(c, c0);
        IntVector.fromArray(S, c, c0 + L).add(w01).intoArray(c, c0 + L);
        IntVector.fromArray(S, c, c0 + 2 * L).add(w02).intoArray(c, c0 + 2 * L);
        IntVector.fromArray(S, c, c0 + 3 * L).add(w03).intoArray(c, c0 + 3 * L);
        IntVector.fromArray(S, c, c0 + ldc).add(w10).intoArray(c, c0 + ldc);
        IntVector.fromArray(S, c, c0 + ldc + L).add(w11).intoArray(c, c0 + ldc + L);
        IntVector.fromArray(S, c, c0 + ldc + 2 * L).add(w12).intoArray(c, c0 + ldc + 2 * L);
        IntVector.fromArray(S, c, c0 + ldc + 3 * L).add(w13).intoArray(c, c0 + ldc + 3 * L);
        IntVector.fromArray(S, c, c0 + 2 * ldc).add(w20).intoArray(c, c0 + 2 * ldc);
        IntVector.fromArray(S, c, c0 + 2 * ldc + L).add(w21).intoArray(c, c0 + 2 * ldc + L);
        IntVector.fromArray(S, c, c0 + 2 * ldc + 2 * L).add(w22).intoArray(c, c0 + 2 * ldc + 2 * L);
        IntVector.fromArray(S, c, c0 + 2 * ldc + 3 * L).add(w23).intoArray(c, c0 + 2 * ldc + 3 * L);
        IntVector.fromArray(S, c, c0 + 3 * ldc).add(w30).intoArray(c, c0 + 3 * ldc);
        IntVector.fromArray(S, c, c0 + 3 * ldc + L).add(w31).intoArray(c, c0 + 3 * ldc + L);
        IntVector.fromArray(S, c, c0 + 3 * ldc + 2 * L).add(w32).intoArray(c, c0 + 3 * ldc + 2 * L);
        IntVector.fromArray(S, c, c0 + 3 * ldc + 3 * L).add(w33).intoArray(c, c0 + 3 * ldc + 3 * L);
    }

    /** {@link #packed4x2} for one packed vector ({@code 2L} columns) per row of {@code b}. */
    private static void packed4x1(int k0, int k1, int run, int[] a, int a0, int lda, int[] panel, int[] c, int c0, int ldc) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        IntVector w00 = IntVector.zero(S);
        IntVector w01 = IntVector.zero(S);
        IntVector w10 = IntVector.zero(S);
        IntVector w11 = IntVector.zero(S);
        IntVector w20 = IntVector.zero(S);
        IntVector w21 = IntVector.zero(S);
        IntVector w30 = IntVector.zero(S);
        IntVector w31 = IntVector.zero(S);
        for (int r0 = k0; r0 < k1; r0 += run) {
            int r1 = Math.min(k1, r0 + run);
            IntVector s0 = IntVector.zero(S);
            IntVector s1 = IntVector.zero(S);
            IntVector s2 = IntVector.zero(S);
            IntVector s3 = IntVector.zero(S);
            for (int k = r0; k < r1; k++) {
                IntVector v = IntVector.fromArray(S, panel, (k - k0) * L);
                s0 = s0.add(v.mul(IntVector.broadcast(S, a[a0 + k])));
                s1 = s1.add(v.mul(IntVector.broadcast(S, a[a1 + k])));
                s2 = s2.add(v.mul(IntVector.broadcast(S, a[a2 + k])));
                s3 = s3.add(v.mul(IntVector.broadcast(S, a[a3 + k])));
            }
            IntVector l0 = s0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w00 = w00.add(l0);
            w01 = w01.add(s0.sub(l0).lanewise(VectorOperators.ASHR, 16));
            IntVector l1 = s1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w10 = w10.add(l1);
            w11 = w11.add(s1.sub(l1).lanewise(VectorOperators.ASHR, 16));
            IntVector l2 = s2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w20 = w20.add(l2);
            w21 = w21.add(s2.sub(l2).lanewise(VectorOperators.ASHR, 16));
            IntVector l3 = s3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            w30 = w30.add(l3);
            w31 = w31.add(s3.sub(l3).lanewise(VectorOperators.ASHR, 16));
        }
        IntVector.fromArray(S, c, c0).add(w00).intoArray(c, c0);
        IntVector.fromArray(S, c, c0 + L).add(w01).intoArray(c, c0 + L);
        IntVector.fromArray(S, c, c0 + ldc).add(w10).intoArray(c, c0 + ldc);
        IntVector.fromArray(S, c, c0 + ldc + L).add(w11).intoArray(c, c0 + ldc + L);
        IntVector.fromArray(S, c, c0 + 2 * ldc).add(w20).intoArray(c, c0 + 2 * ldc);
        IntVector.fromArray(S, c, c0 + 2 * ldc + L).add(w21).intoArray(c, c0 + 2 * ldc + L);
        IntVector.fromArray(S, c, c0 + 3 * ldc).add(w30).intoArray(c, c0 + 3 * ldc);
        IntVector.fromArray(S, c, c0 + 3 * ldc + L).add(w31).intoArray(c, c0 + 3 * ldc + L);
    }
}
