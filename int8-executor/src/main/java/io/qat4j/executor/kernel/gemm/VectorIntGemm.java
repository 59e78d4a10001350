package io.qat4j.executor.kernel.gemm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link IntGemm} on the JDK Vector API's int lanes ({@code IntVector.SPECIES_PREFERRED}: 16 lanes
 * with AVX-512, 8 with AVX2), register-blocked in the manner of BLIS / gemmlowp micro kernels: a
 * block of rows of {@code c} by 2 vectors of columns stays in vector registers (8 rows with 32
 * registers, AVX-512; 4 rows with 16, AVX2) while {@code k} runs over a panel of 256 rows of
 * {@code b}; per {@code k}, two loads of {@code b}, one broadcast of {@code a} per row and two
 * multiply-adds per row ({@code vpmulld}, {@code vpaddd}). The panel, two vectors wide, stays in
 * the L1 cache while every block of rows passes over it; the block's sums are then added to
 * {@code c}. Leftover rows run in blocks of 4 and 1, leftover columns (fewer than two vectors) one
 * vector at a time, the last one partly ({@link #block4x1}). Int arithmetic is exact modulo {@code 2^32}, so
 * the result is {@link ScalarIntGemm}'s bit for bit.
 *
 * <p>The blocks are written out rather than looped over rows: each accumulator must be a local
 * variable of its own for the JIT to keep it in a register, so the 8-, 4- and 1-row blocks repeat
 * the same statements.
 *
 * <p>Loaded only by reflection from {@link IntGemm#vector()}, after checking that the JVM has
 * module {@code jdk.incubator.vector}.
 */
final class VectorIntGemm extends IntGemm {

    static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Whether 8-row blocks fit the registers: 16 accumulators, 2 rows of {@code b} and a broadcast need 32 (AVX-512). */
    static final boolean TALL = L >= 16;
    /** Bytes of {@link #L} lanes, a quarter of {@link #S}'s size. */
    private static final VectorSpecies<Byte> BS = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));
    /**
     * Whether {@link #requantize} runs on vectors: with 512-bit vectors, where the 64-bit lane
     * multiplication is one instruction (AVX-512DQ {@code vpmullq}, which every AVX-512 server CPU
     * has). AVX2 has no 64-bit lane multiplication, so with 256-bit vectors the scalar loop runs
     * (not measured against an emulated vector one).
     */
    private static final boolean VECTOR_REQUANTIZE = S.vectorBitSize() >= 512;
    /** Bytes per vector of the pooling: as many as {@link #S} holds. */
    private static final VectorSpecies<Byte> POOL_IN = VectorSpecies.of(byte.class, S.vectorShape());
    /** Bytes of half the size: one output per pair. */
    private static final VectorSpecies<Byte> POOL_OUT = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    /** Rows of {@code b} per panel: 256 rows of 2 vectors are 32 KB with AVX-512 (an L1 data cache). */
    static final int PANEL_DEPTH = 256;

    /** Public for {@link IntGemm#vector()}'s reflective construction. */
    public VectorIntGemm() {
    }

    @Override
    public String name() {
        return L >= 8 ? "vector-" + S.vectorBitSize() : null;
    }

    /**
     * {@link IntGemm#requantize} on vectors: per {@link #L} accumulators, read as {@code L / 2}
     * longs whose low and high halves are two accumulators, each half sign-extended by shifts,
     * {@code (acc * m + 2^(T - 1)) >> T} exactly as the scalar loop, the two int results put back
     * into one long (so only reinterpretations and lane-wise operations, which JDK 17 compiles to
     * single instructions, where its widening and narrowing conversions ran as Java fallbacks), zero
     * point added, clamped and narrowed to bytes; the last {@code n mod L} by the scalar loop.
     */
    @Override
    public void requantize(int[] acc, int accOffset, int n, int multiplier, int shift, int zOut, int actMin, int actMax,
                           byte[] out, int outOffset) {
        int i = 0;
        if (VECTOR_REQUANTIZE) {
            int total = 31 - shift;
            long round = 1L << (total - 1);
            for (; i + L <= n; i += L) {
                LongVector pairs = IntVector.fromArray(S, acc, accOffset + i).reinterpretAsLongs();
                LongVector even = pairs.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32);
                LongVector odd = pairs.lanewise(VectorOperators.ASHR, 32);
                even = even.mul(multiplier).add(round).lanewise(VectorOperators.ASHR, total);
                odd = odd.mul(multiplier).add(round).lanewise(VectorOperators.ASHR, total);
                IntVector q = even.and(0xFFFF_FFFFL).or(odd.lanewise(VectorOperators.LSHL, 32)).reinterpretAsInts();
                q = q.add(zOut).max(actMin).min(actMax);
                ((ByteVector) q.convertShape(VectorOperators.I2B, BS, 0)).intoArray(out, outOffset + i);
            }
        }
        super.requantize(acc, accOffset + i, n - i, multiplier, shift, zOut, actMin, actMax, out, outOffset + i);
    }

    /**
     * {@link IntGemm#maxPool2x2} on vectors of {@code 2P} input columns ({@code P} = 32 with AVX-512):
     * per output row and such a stretch, the lane-wise maximum of the two input rows, read as
     * {@code P} shorts whose low and high bytes are two adjacent columns (both sign-extended by
     * shifts), the maximum of each pair, clamped, narrowed to {@code P} bytes and stored. A stretch
     * past the end of the row writes its extra lanes into the following rows' outputs, which later
     * stretches overwrite; where a stretch would read past the input or write past the output the
     * scalar loop does the rest.
     */
    @Override
    public boolean maxPool2x2(int planes, int inHeight, int inWidth, byte[] in, byte[] out, int actMin, int actMax) {
        int width = POOL_IN.length();
        int pairs = width / 2;
        int outH = inHeight / 2;
        int outW = inWidth / 2;
        int outEnd = planes * outH * outW;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < outH; oy++) {
                int src = (p * inHeight + 2 * oy) * inWidth;
                int dst = (p * outH + oy) * outW;
                for (int ox = 0; ox < outW; ox += pairs) {
                    if (src + 2 * ox + inWidth + width <= in.length && dst + ox + pairs <= outEnd) {
                        ByteVector top = ByteVector.fromArray(POOL_IN, in, src + 2 * ox);
                        ByteVector bottom = ByteVector.fromArray(POOL_IN, in, src + 2 * ox + inWidth);
                        ShortVector columns = top.max(bottom).reinterpretAsShorts();
                        ShortVector even = columns.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
                        ShortVector odd = columns.lanewise(VectorOperators.ASHR, 8);
                        ShortVector max = even.max(odd).max((short) actMin).min((short) actMax);
                        ((ByteVector) max.convertShape(VectorOperators.S2B, POOL_OUT, 0)).intoArray(out, dst + ox);
                    } else {
                        for (int x = ox; x < Math.min(outW, ox + pairs); x++) {
                            int a = src + 2 * x;
                            int m = Math.max(Math.max(in[a], in[a + 1]), Math.max(in[a + inWidth], in[a + inWidth + 1]));
                            out[dst + x] = (byte) Math.max(actMin, Math.min(actMax, m));
                        }
                    }
                }
            }
        }
        return true;
    }

    /** @return {@code n} rounded up to the two vectors of columns of {@link #block8x2} */
    @Override
    public int paddedColumns(int n) {
        return (int) Math.min(Integer.MAX_VALUE, ((long) n + 2 * L - 1) / (2 * L) * (2 * L));
    }

    @Override
    public void multiplyAdd(int m, int n, int depth, int[] a, int aOffset, int lda, int[] b, int bOffset, int ldb,
                            int[] c, int cOffset, int ldc) {
        for (int k0 = 0; k0 < depth; k0 += PANEL_DEPTH) {
            int k1 = Math.min(depth, k0 + PANEL_DEPTH);
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int i = 0;
                if (TALL) {
                    for (; i + 8 <= m; i += 8) {
                        block8x2(k0, k1, a, aOffset + i * lda, lda, b, bOffset + j, ldb, c, cOffset + i * ldc + j, ldc);
                    }
                }
                for (; i + 4 <= m; i += 4) {
                    block4x2(k0, k1, a, aOffset + i * lda, lda, b, bOffset + j, ldb, c, cOffset + i * ldc + j, ldc);
                }
                for (; i < m; i++) {
                    block1x2(k0, k1, a, aOffset + i * lda, lda, b, bOffset + j, ldb, c, cOffset + i * ldc + j, ldc);
                }
            }
            for (; j < n; j += L) {
                int valid = Math.min(L, n - j);
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    block4x1(k0, k1, a, aOffset + i * lda, lda, b, bOffset + j, ldb, c, cOffset + i * ldc + j, ldc, valid);
                }
                for (; i < m; i++) {
                    block1x1(k0, k1, a, aOffset + i * lda, lda, b, bOffset + j, ldb, c, cOffset + i * ldc + j, ldc, valid);
                }
            }
        }
    }

    /** {@link IntGemm#multiplyAddBounded} by {@link VectorPairProduct}: two columns per int lane where the bound allows. */
    @Override
    public void multiplyAddBounded(int maxAbsProduct, int m, int n, int depth, int[] a, int aOffset, int lda, int[] b,
                                   int bOffset, int ldb, int[] c, int cOffset, int ldc) {
        VectorPairProduct.multiplyAdd(this, maxAbsProduct, m, n, depth, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    }

    /** {@code c[r][0 .. 2L) += sum_{k0 <= k < k1} a[r][k] b[k][0 .. 2L)} for the 8 rows at {@code a0}, {@code r < 8}. */
    private static void block8x2(int k0, int k1, int[] a, int a0, int lda, int[] b, int b0, int ldb, int[] c, int c0, int ldc) {
        IntVector s00 = IntVector.zero(S);
        IntVector s01 = IntVector.zero(S);
        IntVector s10 = IntVector.zero(S);
        IntVector s11 = IntVector.zero(S);
        IntVector s20 = IntVector.zero(S);
        IntVector s21 = IntVector.zero(S);
        IntVector s30 = IntVector.zero(S);
        IntVector s31 = IntVector.zero(S);
        IntVector s40 = IntVector.zero(S);
        IntVector s41 = IntVector.zero(S);
        IntVector s50 = IntVector.zero(S);
        IntVector s51 = IntVector.zero(S);
        IntVector s60 = IntVector.zero(S);
        IntVector s61 = IntVector.zero(S);
        IntVector s70 = IntVector.zero(S);
        IntVector s71 = IntVector.zero(S);
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int k = k0; k < k1; k++) {
            int bk = b0 + k * ldb;
            IntVector v0 = IntVector.fromArray(S, b, bk);
            IntVector v1 = IntVector.fromArray(S, b, bk + L);
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
            IntVector x4 = IntVector.broadcast(S, a[a4 + k]);
            s40 = s40.add(v0.mul(x4));
            s41 = s41.add(v1.mul(x4));
            IntVector x5 = IntVector.broadcast(S, a[a5 + k]);
            s50 = s50.add(v0.mul(x5));
            s51 = s51.add(v1.mul(x5));
            IntVector x6 = IntVector.broadcast(S, a[a6 + k]);
            s60 = s60.add(v0.mul(x6));
            s61 = s61.add(v1.mul(x6));
            IntVector x7 = IntVector.broadcast(S, a[a7 + k]);
            s70 = s70.add(v0.mul(x7));
            s71 = s71.add(v1.mul(x7));
        }
        IntVector.fromArray(S, c, c0).add(s00).intoArray(c, c0);
        IntVector.fromArray(S, c, c0 + L).add(s01).intoArray(c, c0 + L);
        IntVector.fromArray(S, c, c0 + 1 * ldc).add(s10).intoArray(c, c0 + 1 * ldc);
        IntVector.fromArray(S, c, c0 + 1 * ldc + L).add(s11).intoArray(c, c0 + 1 * ldc + L);
        IntVector.fromArray(S, c, c0 + 2 * ldc).add(s20).intoArray(c, c0 + 2 * ldc);
        IntVector.fromArray(S, c, c0 + 2 * ldc + L).add(s21).intoArray(c, c0 + 2 * ldc + L);
        IntVector.fromArray(S, c, c0 + 3 * ldc).add(s30).intoArray(c, c0 + 3 * ldc);
        IntVector.fromArray(S, c, c0 + 3 * ldc + L).add(s31).intoArray(c, c0 + 3 * ldc + L);
        IntVector.fromArray(S, c, c0 + 4 * ldc).add(s40).intoArray(c, c0 + 4 * ldc);
        IntVector.fromArray(S, c, c0 + 4 * ldc + L).add(s41).intoArray(c, c0 + 4 * ldc + L);
        IntVector.fromArray(S, c, c0 + 5 * ldc).add(s50).intoArray(c, c0 + 5 * ldc);
        IntVector.fromArray(S, c, c0 + 5 * ldc + L).add(s51).intoArray(c, c0 + 5 * ldc + L);
        IntVector.fromArray(S, c, c0 + 6 * ldc).add(s60).intoArray(c, c0 + 6 * ldc);
        IntVector.fromArray(S, c, c0 + 6 * ldc + L).add(s61).intoArray(c, c0 + 6 * ldc + L);
        IntVector.fromArray(S, c, c0 + 7 * ldc).add(s70).intoArray(c, c0 + 7 * ldc);
        IntVector.fromArray(S, c, c0 + 7 * ldc + L).add(s71).intoArray(c, c0 + 7 * ldc + L);
    }

    /** {@code c[r][0 .. 2L) += sum_{k0 <= k < k1} a[r][k] b[k][0 .. 2L)} for the 4 rows at {@code a0}, {@code r < 4}. */
    private static void block4x2(int k0, int k1, int[] a, int a0, int lda, int[] b, int b0, int ldb, int[] c, int c0, int ldc) {
        IntVector s00 = IntVector.zero(S);
        IntVector s01 = IntVector.zero(S);
        IntVector s10 = IntVector.zero(S);
        IntVector s11 = IntVector.zero(S);
        IntVector s20 = IntVector.zero(S);
        IntVector s21 = IntVector.zero(S);
        IntVector s30 = IntVector.zero(S);
        IntVector s31 = IntVector.zero(S);
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int k = k0; k < k1; k++) {
            int bk = b0 + k * ldb;
            IntVector v0 = IntVector.fromArray(S, b, bk);
            IntVector v1 = IntVector.fromArray(S, b, bk + L);
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
        IntVector.fromArray(S, c, c0).add(s00).intoArray(c, c0);
        IntVector.fromArray(S, c, c0 + L).add(s01).intoArray(c, c0 + L);
        IntVector.fromArray(S, c, c0 + 1 * ldc).add(s10).intoArray(c, c0 + 1 * ldc);
        IntVector.fromArray(S, c, c0 + 1 * ldc + L).add(s11).intoArray(c, c0 + 1 * ldc + L);
        IntVector.fromArray(S, c, c0 + 2 * ldc).add(s20).intoArray(c, c0 + 2 * ldc);
        IntVector.fromArray(S, c, c0 + 2 * ldc + L).add(s21).intoArray(c, c0 + 2 * ldc + L);
        IntVector.fromArray(S, c, c0 + 3 * ldc).add(s30).intoArray(c, c0 + 3 * ldc);
        IntVector.fromArray(S, c, c0 + 3 * ldc + L).add(s31).intoArray(c, c0 + 3 * ldc + L);
    }

    /** {@code c[0][0 .. 2L) += sum_{k0 <= k < k1} a[0][k] b[k][0 .. 2L)} for the one row at {@code a0}. */
    private static void block1x2(int k0, int k1, int[] a, int a0, int lda, int[] b, int b0, int ldb, int[] c, int c0, int ldc) {
        IntVector s00 = IntVector.zero(S);
        IntVector s01 = IntVector.zero(S);
        for (int k = k0; k < k1; k++) {
            int bk = b0 + k * ldb;
            IntVector v0 = IntVector.fromArray(S, b, bk);
            IntVector v1 = IntVector.fromArray(S, b, bk + L);
            IntVector x0 = IntVector.broadcast(S, a[a0 + k]);
            s00 = s00.add(v0.mul(x0));
            s01 = s01.add(v1.mul(x0));
        }
        IntVector.fromArray(S, c, c0).add(s00).intoArray(c, c0);
        IntVector.fromArray(S, c, c0 + L).add(s01).intoArray(c, c0 + L);
    }

    /**
     * {@link #block4x2} for one vector of columns of which the first {@code valid} are {@code c}'s.
     * The loop over {@code k} loads whole vectors of {@code b} when the array holds them (the lanes
     * past {@code valid} then read the next columns or row, whose products are never stored): JDK
     * 17 compiles masked array loads to scalar code, so the mask is used only where a whole vector
     * would run past the array's end. The partial row of {@code c} is then added lane by lane.
     */
    private static void block4x1(int k0, int k1, int[] a, int a0, int lda, int[] b, int b0, int ldb, int[] c, int c0, int ldc, int valid) {
        IntVector s00 = IntVector.zero(S);
        IntVector s10 = IntVector.zero(S);
        IntVector s20 = IntVector.zero(S);
        IntVector s30 = IntVector.zero(S);
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        boolean whole = wholeLoads(b, b0, k1, ldb);
        VectorMask<Integer> mask = S.indexInRange(0, valid);
        for (int k = k0; k < k1; k++) {
            IntVector v0 = whole ? IntVector.fromArray(S, b, b0 + k * ldb) : IntVector.fromArray(S, b, b0 + k * ldb, mask);
            IntVector x0 = IntVector.broadcast(S, a[a0 + k]);
            s00 = s00.add(v0.mul(x0));
            IntVector x1 = IntVector.broadcast(S, a[a1 + k]);
            s10 = s10.add(v0.mul(x1));
            IntVector x2 = IntVector.broadcast(S, a[a2 + k]);
            s20 = s20.add(v0.mul(x2));
            IntVector x3 = IntVector.broadcast(S, a[a3 + k]);
            s30 = s30.add(v0.mul(x3));
        }
        addTo(s00, c, c0, valid);
        addTo(s10, c, c0 + ldc, valid);
        addTo(s20, c, c0 + 2 * ldc, valid);
        addTo(s30, c, c0 + 3 * ldc, valid);
    }

    /** {@link #block1x2} for one vector of columns of which the first {@code valid} are {@code c}'s; see {@link #block4x1}. */
    private static void block1x1(int k0, int k1, int[] a, int a0, int lda, int[] b, int b0, int ldb, int[] c, int c0, int ldc, int valid) {
        IntVector s00 = IntVector.zero(S);
        boolean whole = wholeLoads(b, b0, k1, ldb);
        VectorMask<Integer> mask = S.indexInRange(0, valid);
        for (int k = k0; k < k1; k++) {
            IntVector v0 = whole ? IntVector.fromArray(S, b, b0 + k * ldb) : IntVector.fromArray(S, b, b0 + k * ldb, mask);
            IntVector x0 = IntVector.broadcast(S, a[a0 + k]);
            s00 = s00.add(v0.mul(x0));
        }
        addTo(s00, c, c0, valid);
    }

    /** @return whether a whole vector can be loaded at {@code b0 + k * ldb} for every {@code k < k1} */
    private static boolean wholeLoads(int[] b, int b0, int k1, int ldb) {
        return (long) b0 + (long) (k1 - 1) * ldb + L <= b.length;
    }

    /** {@code c[c0 + l] += sum[l]} for {@code l < valid}. */
    private static void addTo(IntVector sum, int[] c, int c0, int valid) {
        if (valid == L) {
            IntVector.fromArray(S, c, c0).add(sum).intoArray(c, c0);
        } else {
            for (int l = 0; l < valid; l++) {
                c[c0 + l] += sum.lane(l);
            }
        }
    }
}
