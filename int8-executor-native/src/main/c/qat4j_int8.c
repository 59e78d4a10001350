/*
 * qat4j's native int8 matrix products (io.qat4j.executor.kernel.ByteKernels, called through
 * io.qat4j.executor.nativekernels.NativeByteKernels): unsigned activation codes u = x + 128 times
 * signed int8 weights, int32 accumulators wrapping modulo 2^32 like Java's int arithmetic, so the
 * results equal the Java reference bit for bit.
 *
 *   weightsTimesCodesRequantized: out[i][j] = requantize_i(bias[i] + sum_k w[i][k] * (b[k][j] ^ 0x80))   w [m][kp] (kp = depth
 *     rounded up to 4), out in NCHW planes
 *   codesTimesWeights: c[i][j] += sum_k (x[i][k] ^ 0x80) * W[j][k]   W packed [kp/4][np][4] (np = n rounded up to 32)
 *
 * Kernels, chosen once from what the CPU has (__builtin_cpu_supports, which also checks that the
 * OS saves the vector registers):
 *   AVX-512 VNNI: vpdpbusd, four u8 x s8 products summed into each 32-bit lane (no saturation),
 *     8 rows x 32 columns of accumulators in 16 zmm registers, in the manner of MLAS's
 *     QgemmU8S8KernelAvx512Vnni and oneDNN's brgemm micro kernels;
 *   AVX2: the bytes zero- (codes) or sign-extended (weights) to 16 bits and vpmaddwd, two exact
 *     products per 32-bit lane (vpmaddubsw would saturate at 2^15: 255 * 127 * 2 > 32767),
 *     4 rows x 16 columns.
 * Both read the codes in groups of four along k: the convolution's im2col strip of 32 columns is
 * packed here, per call, into [kp/4][32][4] bytes (SSE2 unpacks), flipping the sign bit on the way.
 * The convolution's im2col of the codes (row copies through a padded plane) and its output stage (TFLite's
 * single-rounding requantization on even and odd lanes with vpmuldq, exact like the Java one).
 * 2x2 / stride 2 max pooling: vpmaxsb over the two rows, then over each byte pair (a 16-bit shift),
 * clamped, the even bytes narrowed (vpmovwb, AVX-512BW; vpackuswb on AVX2).
 * The file is compiled for baseline x86-64; each kernel carries its own target attribute.
 * Callers (Java) have checked every index.
 */
#include <jni.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ISA_NONE = 0, ISA_AVX2 = 1, ISA_AVX512_VNNI = 2 };
enum { STRIP = 32 };

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define AVX2_TARGET __attribute__((target("avx2")))
#define INLINE static inline __attribute__((always_inline))

static int cpu_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512vnni")) {
        return ISA_AVX512_VNNI;
    }
    if (__builtin_cpu_supports("avx2")) {
        return ISA_AVX2;
    }
    return ISA_NONE;
}

static inline int32_t load_quad(const int8_t *p) {
    int32_t q;
    memcpy(&q, p, 4);
    return q;
}

/* The last, partial group of four of a row: `count` (1..3) bytes, zeros after them (their weights are 0). */
static inline int32_t tail_quad(const int8_t *p, int count, uint32_t flip) {
    uint32_t q = 0;
    for (int t = 0; t < count; t++) {
        q |= (uint32_t) (uint8_t) (p[t] ^ (int8_t) flip) << (8 * t);
    }
    return (int32_t) q;
}

/*
 * Packs columns j0 .. j0+nc-1 (nc <= 32) of the codes b[k][j] (row stride ldb) into
 * dst[k4][32][4] = b[4*k4 + t][j0 + j] ^ 0x80 (the unsigned code), zeros outside.
 */
static void pack_codes(const int8_t *b, int ldb, int depth, int j0, int nc, uint8_t *dst) {
    int full = depth / 4;
    const __m128i flip = _mm_set1_epi8((char) 0x80);
    for (int k4 = 0; k4 < full; k4++) {
        const int8_t *r = b + (size_t) (4 * k4) * ldb + j0;
        uint8_t *d = dst + (size_t) k4 * 4 * STRIP;
        if (nc == STRIP) {
            for (int h = 0; h < 2; h++) {
                __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *) (r + 16 * h)), flip);
                __m128i x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *) (r + ldb + 16 * h)), flip);
                __m128i x2 = _mm_xor_si128(_mm_loadu_si128((const __m128i *) (r + 2 * (size_t) ldb + 16 * h)), flip);
                __m128i x3 = _mm_xor_si128(_mm_loadu_si128((const __m128i *) (r + 3 * (size_t) ldb + 16 * h)), flip);
                __m128i a0 = _mm_unpacklo_epi8(x0, x1), a1 = _mm_unpackhi_epi8(x0, x1);
                __m128i b0 = _mm_unpacklo_epi8(x2, x3), b1 = _mm_unpackhi_epi8(x2, x3);
                _mm_storeu_si128((__m128i *) (d + 64 * h), _mm_unpacklo_epi16(a0, b0));
                _mm_storeu_si128((__m128i *) (d + 64 * h + 16), _mm_unpackhi_epi16(a0, b0));
                _mm_storeu_si128((__m128i *) (d + 64 * h + 32), _mm_unpacklo_epi16(a1, b1));
                _mm_storeu_si128((__m128i *) (d + 64 * h + 48), _mm_unpackhi_epi16(a1, b1));
            }
        } else {
            memset(d, 0, 4 * STRIP);
            for (int t = 0; t < 4; t++) {
                for (int j = 0; j < nc; j++) {
                    d[4 * j + t] = (uint8_t) (r[(size_t) t * ldb + j] ^ 0x80);
                }
            }
        }
    }
    if (depth % 4 != 0) {
        uint8_t *d = dst + (size_t) full * 4 * STRIP;
        memset(d, 0, 4 * STRIP);
        for (int t = 0; t < depth % 4; t++) {
            const int8_t *r = b + (size_t) (4 * full + t) * ldb + j0;
            for (int j = 0; j < nc; j++) {
                d[4 * j + t] = (uint8_t) (r[j] ^ 0x80);
            }
        }
    }
}

/* ---------------------------------------------------------------- AVX-512 VNNI */

/* Adds acc to c[0 .. nc) (nc <= 32) in two vectors of 16 lanes. */
INLINE VNNI_TARGET void vnni_store(int32_t *c, __m512i lo, __m512i hi, int nc) {
    __mmask16 m0 = nc >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << nc) - 1);
    __mmask16 m1 = nc >= 32 ? (__mmask16) 0xFFFF : nc <= 16 ? (__mmask16) 0 : (__mmask16) ((1u << (nc - 16)) - 1);
    _mm512_mask_storeu_epi32(c, m0, _mm512_add_epi32(_mm512_maskz_loadu_epi32(m0, c), lo));
    _mm512_mask_storeu_epi32(c + 16, m1, _mm512_add_epi32(_mm512_maskz_loadu_epi32(m1, c + 16), hi));
}

/*
 * A convolution's output stage applied in the registers of a block (weightsTimesCodesRequantized): row r's
 * accumulators plus bias[r], requantized with mult[r] and shift[r], then + zout and clamped; its bytes at dst + r * ldd.
 */
typedef struct {
    const int32_t *bias, *mult, *shift;
    int32_t zout, lo, hi;
    int8_t *dst;
    size_t ldd;
} out_stage;

/* TFLite's single-rounding MultiplyByQuantizedMultiplier on 16 lanes (see requantize_one), + zout, clamped, as bytes. */
INLINE VNNI_TARGET __m128i vnni_requantize16(__m512i x, __m512i mv, __m512i rv, __m128i count, __m512i zv, __m512i lov,
                                             __m512i hiv) {
    __m512i even = _mm512_sra_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, mv), rv), count);
    __m512i odd = _mm512_sra_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), mv), rv), count);
    __m512i q = _mm512_mask_blend_epi32((__mmask16) 0xAAAA, even, _mm512_slli_epi64(odd, 32));
    q = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(q, zv), lov), hiv);
    return _mm512_cvtepi32_epi8(q);
}

/* Row r of a block through the output stage into its nc (<= 32) bytes. */
INLINE VNNI_TARGET void vnni_store_requantized(const out_stage *os, int r, __m512i lo, __m512i hi, int nc) {
    __mmask16 m0 = nc >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << nc) - 1);
    __mmask16 m1 = nc >= 32 ? (__mmask16) 0xFFFF : nc <= 16 ? (__mmask16) 0 : (__mmask16) ((1u << (nc - 16)) - 1);
    int t = 31 - os->shift[r];
    const __m512i mv = _mm512_set1_epi64((int64_t) os->mult[r]), rv = _mm512_set1_epi64((int64_t) 1 << (t - 1));
    const __m128i count = _mm_cvtsi32_si128(t);
    const __m512i zv = _mm512_set1_epi32(os->zout), lov = _mm512_set1_epi32(os->lo), hiv = _mm512_set1_epi32(os->hi);
    const __m512i b = _mm512_set1_epi32(os->bias[r]);
    int8_t *d = os->dst + (size_t) r * os->ldd;
    _mm_mask_storeu_epi8(d, m0, vnni_requantize16(_mm512_add_epi32(lo, b), mv, rv, count, zv, lov, hiv));
    _mm_mask_storeu_epi8(d + 16, m1, vnni_requantize16(_mm512_add_epi32(hi, b), mv, rv, count, zv, lov, hiv));
}

/*
 * R rows (R <= 8) x one strip of 32 columns. The unsigned operand is a vector of 16 columns x 4
 * bytes (`vec`, 2 per k4), the signed one a broadcast quad per row (weightsTimesCodesRequantized), or the
 * other way round (codesTimesWeights): `rows_unsigned` says which.
 */
INLINE VNNI_TARGET void vnni_block(int R, int rows_unsigned, int full, int tail, const int8_t *a, size_t lda,
                                   const uint8_t *vec, size_t vec_stride, int32_t *c, int ldc, int nc, const out_stage *os) {
    __m512i acc[8][2];
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
        acc[r][0] = _mm512_setzero_si512();
        acc[r][1] = _mm512_setzero_si512();
    }
    uint32_t flip = rows_unsigned ? 0x80808080u : 0u;
#define VNNI_STEP(QUAD) \
    do { \
        __m512i v0 = _mm512_loadu_si512((const void *) (vec + k * vec_stride)); \
        __m512i v1 = _mm512_loadu_si512((const void *) (vec + k * vec_stride + 64)); \
        _Pragma("GCC unroll 8") \
        for (int r = 0; r < R; r++) { \
            __m512i s = _mm512_set1_epi32(QUAD); \
            if (rows_unsigned) { \
                acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], s, v0); \
                acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], s, v1); \
            } else { \
                acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], v0, s); \
                acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], v1, s); \
            } \
        } \
    } while (0)
    int k = 0;
    for (; k < full; k++) {
        VNNI_STEP((int32_t) ((uint32_t) load_quad(a + r * lda + 4 * k) ^ flip));
    }
    if (tail != 0) {
        VNNI_STEP(tail_quad(a + r * lda + 4 * k, tail, flip));
    }
#undef VNNI_STEP
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
        if (os != NULL) {
            vnni_store_requantized(os, r, acc[r][0], acc[r][1], nc);
        } else {
            vnni_store(c + (size_t) r * ldc, acc[r][0], acc[r][1], nc);
        }
    }
}

/* Rows in blocks of 8 (the last block 1..7 rows), into accumulators c or, with os, through the output stage. */
#define VNNI_ROWS(NAME, U, OS) \
    static VNNI_TARGET void NAME(int m, int full, int tail, const int8_t *a, size_t lda, const uint8_t *vec, \
                                 size_t vec_stride, int32_t *c, int ldc, int nc, const out_stage *os_all) { \
        (void) os_all; \
        for (int i = 0; i < m; i += 8) { \
            out_stage os_i; \
            if (OS) { \
                os_i = *os_all; \
                os_i.bias += i; \
                os_i.mult += i; \
                os_i.shift += i; \
                os_i.dst += (size_t) i * os_i.ldd; \
            } \
            const int8_t *ai = a + i * lda; \
            int32_t *ci = OS ? c : c + (size_t) i * ldc; \
            const out_stage *os = OS ? &os_i : NULL; \
            switch (m - i) { \
                case 7: vnni_block(7, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 6: vnni_block(6, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 5: vnni_block(5, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 4: vnni_block(4, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 3: vnni_block(3, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 2: vnni_block(2, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                case 1: vnni_block(1, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
                default: vnni_block(8, U, full, tail, ai, lda, vec, vec_stride, ci, ldc, nc, os); break; \
            } \
        } \
    }
VNNI_ROWS(vnni_rows_1, 1, 0)
VNNI_ROWS(vnni_rows_requantized, 0, 1)

/* ---------------------------------------------------------------- AVX2 */

INLINE AVX2_TARGET void avx2_store(int32_t *c, __m256i lo, __m256i hi, int nc) {
    if (nc >= 16) {
        _mm256_storeu_si256((__m256i *) c, _mm256_add_epi32(_mm256_loadu_si256((const __m256i *) c), lo));
        _mm256_storeu_si256((__m256i *) (c + 8), _mm256_add_epi32(_mm256_loadu_si256((const __m256i *) (c + 8)), hi));
    } else {
        int32_t t[16];
        _mm256_storeu_si256((__m256i *) t, lo);
        _mm256_storeu_si256((__m256i *) (t + 8), hi);
        for (int j = 0; j < nc; j++) {
            c[j] += t[j];
        }
    }
}

/*
 * R rows (R <= 4) x 16 columns: per k4 two vectors of 8 columns x 4 bytes, split into their even
 * (k, k+2) and odd (k+1, k+3) bytes widened to 16 bits, and the row's quad likewise, then
 * vpmaddwd: w0 u0 + w2 u2 and w1 u1 + w3 u3 per lane, exact.
 */
INLINE AVX2_TARGET void avx2_block(int R, int rows_unsigned, int full, int tail, const int8_t *a, size_t lda,
                                   const uint8_t *vec, size_t vec_stride, int32_t *c, int ldc, int nc) {
    __m256i acc[4][2];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        acc[r][0] = _mm256_setzero_si256();
        acc[r][1] = _mm256_setzero_si256();
    }
    const __m256i low = _mm256_set1_epi16(0x00FF);
    uint32_t flip = rows_unsigned ? 0x80808080u : 0u;
#define AVX2_STEP(QUAD) \
    do { \
        __m256i v0 = _mm256_loadu_si256((const __m256i *) (vec + k * vec_stride)); \
        __m256i v1 = _mm256_loadu_si256((const __m256i *) (vec + k * vec_stride + 32)); \
        __m256i e0, o0, e1, o1; \
        if (rows_unsigned) { /* the vectors are signed weights: sign-extend */ \
            e0 = _mm256_srai_epi16(_mm256_slli_epi16(v0, 8), 8); \
            o0 = _mm256_srai_epi16(v0, 8); \
            e1 = _mm256_srai_epi16(_mm256_slli_epi16(v1, 8), 8); \
            o1 = _mm256_srai_epi16(v1, 8); \
        } else { /* the vectors are unsigned codes: zero-extend */ \
            e0 = _mm256_and_si256(v0, low); \
            o0 = _mm256_srli_epi16(v0, 8); \
            e1 = _mm256_and_si256(v1, low); \
            o1 = _mm256_srli_epi16(v1, 8); \
        } \
        _Pragma("GCC unroll 4") \
        for (int r = 0; r < R; r++) { \
            __m256i s = _mm256_set1_epi32(QUAD), se, so; \
            if (rows_unsigned) { \
                se = _mm256_and_si256(s, low); \
                so = _mm256_srli_epi16(s, 8); \
            } else { \
                se = _mm256_srai_epi16(_mm256_slli_epi16(s, 8), 8); \
                so = _mm256_srai_epi16(s, 8); \
            } \
            acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_add_epi32(_mm256_madd_epi16(e0, se), _mm256_madd_epi16(o0, so))); \
            acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_add_epi32(_mm256_madd_epi16(e1, se), _mm256_madd_epi16(o1, so))); \
        } \
    } while (0)
    int k = 0;
    for (; k < full; k++) {
        AVX2_STEP((int32_t) ((uint32_t) load_quad(a + r * lda + 4 * k) ^ flip));
    }
    if (tail != 0) {
        AVX2_STEP(tail_quad(a + r * lda + 4 * k, tail, flip));
    }
#undef AVX2_STEP
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) {
        avx2_store(c + (size_t) r * ldc, acc[r][0], acc[r][1], nc);
    }
}

#define AVX2_ROWS(U) \
    static AVX2_TARGET void avx2_rows_##U(int m, int full, int tail, const int8_t *a, size_t lda, const uint8_t *vec, \
                                          size_t vec_stride, int32_t *c, int ldc, int nc, const out_stage *unused) { \
        (void) unused; \
        for (int h = 0; h < 2 && nc > 16 * h; h++) { \
            const uint8_t *vh = vec + 64 * h; \
            int32_t *ch = c + 16 * h; \
            int nh = nc - 16 * h < 16 ? nc - 16 * h : 16; \
            int i = 0; \
            for (; i + 4 <= m; i += 4) { \
                avx2_block(4, U, full, tail, a + i * lda, lda, vh, vec_stride, ch + (size_t) i * ldc, ldc, nh); \
            } \
            const int8_t *ai = a + i * lda; \
            int32_t *ci = ch + (size_t) i * ldc; \
            switch (m - i) { \
                case 3: avx2_block(3, U, full, tail, ai, lda, vh, vec_stride, ci, ldc, nh); break; \
                case 2: avx2_block(2, U, full, tail, ai, lda, vh, vec_stride, ci, ldc, nh); break; \
                case 1: avx2_block(1, U, full, tail, ai, lda, vh, vec_stride, ci, ldc, nh); break; \
                default: break; \
            } \
        } \
    }
AVX2_ROWS(0)
AVX2_ROWS(1)

/* ---------------------------------------------------------------- drivers */

typedef void (*rows_fn)(int, int, int, const int8_t *, size_t, const uint8_t *, size_t, int32_t *, int, int, const out_stage *);

static void codes_times_weights(int isa, int m, int n, int depth, const int8_t *x, int ldx, const uint8_t *packed,
                                int32_t *c, int ldc) {
    int np = (n + STRIP - 1) / STRIP * STRIP;
    rows_fn rows = isa == ISA_AVX512_VNNI ? vnni_rows_1 : avx2_rows_1;
    for (int j0 = 0; j0 < n; j0 += STRIP) {
        int nc = n - j0 < STRIP ? n - j0 : STRIP;
        rows(m, depth / 4, depth % 4, x, (size_t) ldx, packed + 4 * (size_t) j0, 4 * (size_t) np, c + j0, ldc, nc, NULL);
    }
}

/* ---------------------------------------------------------------- im2col */

enum { G_C, G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_DH, G_DW, G_PT, G_PL, G_PB, G_PR, G_ZIN, G_COUNT };

/* Copies exactly n bytes (nothing outside d[0 .. n) is written), with few instructions for the short rows of small images. */
static inline void copy_exact(int8_t *restrict d, const int8_t *restrict s, size_t n) {
    if (n >= 16) {
        size_t k = 0;
        for (; k + 16 <= n; k += 16) {
            _mm_storeu_si128((__m128i *) (d + k), _mm_loadu_si128((const __m128i *) (s + k)));
        }
        if (k < n) { /* the last 16 bytes, overlapping what was just copied */
            _mm_storeu_si128((__m128i *) (d + n - 16), _mm_loadu_si128((const __m128i *) (s + n - 16)));
        }
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else {
        for (size_t k = 0; k < n; k++) {
            d[k] = s[k];
        }
    }
}

/*
 * col[(c*KH + ky)*KW + kx][i*OH*OW + oy*OW + ox] = the code at (iy, ix) of channel c of image i, Z_in in the
 * padding (ByteKernels.im2col). Otherwise than at stride 1 with the output as wide as the input (below), per
 * channel and image the plane is copied into `padded` (its border holds Z_in); at stride 1 its crop to the output
 * width per kx (`shifted`) makes each tap's row one contiguous copy.
 * padded: (H + PT + PB) * (W + PL + PR) bytes; shifted: (H + PT + PB) * OW bytes.
 */
static void im2col_codes(const int32_t *g, const int8_t *in, int images, int8_t *col, int8_t *padded, int8_t *shifted) {
    const int C = g[G_C], H = g[G_H], W = g[G_W], OH = g[G_OH], OW = g[G_OW], KH = g[G_KH], KW = g[G_KW];
    const int SH = g[G_SH], SW = g[G_SW], DH = g[G_DH], DW = g[G_DW], PT = g[G_PT], PL = g[G_PL];
    const size_t PH = (size_t) H + PT + g[G_PB], PW = (size_t) W + PL + g[G_PR];
    const size_t plane = (size_t) OH * OW, columns = plane * (size_t) images;
    const int8_t z = (int8_t) g[G_ZIN];
    if (SH == 1 && SW == 1 && OW == W) {
        /*
         * "same" width at stride 1: the crop for kx is the input plane shifted by s = kx*DW - PL columns, with
         * the |s| columns that fall outside at the code Z_in, between PT rows and PB rows of Z_in; one flat copy
         * and a few edge bytes per kx, then one contiguous copy per tap.
         */
        memset(shifted, z, PH * (size_t) W);
        const size_t hw = (size_t) H * W;
        int8_t *mid = shifted + (size_t) PT * W;
        for (int c = 0; c < C; c++) {
            for (int i = 0; i < images; i++) {
                const int8_t *src = in + ((size_t) i * C + c) * hw;
                int8_t *rows = col + (size_t) c * KH * KW * columns + (size_t) i * plane;
                for (int kx = 0; kx < KW; kx++) {
                    int sh = kx * DW - PL;
                    if (sh >= W || -sh >= W) {
                        memset(mid, z, hw);
                    } else if (sh >= 0) {
                        copy_exact(mid, src + sh, hw - (size_t) sh);
                        for (int y = 0; y < H; y++) {
                            for (int x = W - sh; x < W; x++) {
                                mid[(size_t) y * W + x] = z;
                            }
                        }
                    } else {
                        copy_exact(mid - sh, src, hw + (size_t) sh);
                        for (int y = 0; y < H; y++) {
                            for (int x = 0; x < -sh; x++) {
                                mid[(size_t) y * W + x] = z;
                            }
                        }
                    }
                    for (int ky = 0; ky < KH; ky++) {
                        copy_exact(rows + (size_t) (ky * KW + kx) * columns, shifted + (size_t) ky * DH * W, plane);
                    }
                }
            }
        }
        return;
    }
    memset(padded, z, PH * PW);
    for (int c = 0; c < C; c++) {
        for (int i = 0; i < images; i++) {
            const int8_t *src = in + ((size_t) i * C + c) * H * W;
            for (int y = 0; y < H; y++) {
                copy_exact(padded + (y + PT) * PW + PL, src + (size_t) y * W, (size_t) W);
            }
            int8_t *rows = col + (size_t) c * KH * KW * columns + (size_t) i * plane;
            if (SH == 1 && SW == 1) {
                for (int kx = 0; kx < KW; kx++) {
                    for (size_t y = 0; y < PH; y++) {
                        copy_exact(shifted + y * OW, padded + y * PW + (size_t) kx * DW, (size_t) OW);
                    }
                    for (int ky = 0; ky < KH; ky++) {
                        copy_exact(rows + (size_t) (ky * KW + kx) * columns, shifted + (size_t) ky * DH * OW, plane);
                    }
                }
            } else {
                for (int ky = 0; ky < KH; ky++) {
                    for (int kx = 0; kx < KW; kx++) {
                        int8_t *d = rows + (size_t) (ky * KW + kx) * columns;
                        for (int oy = 0; oy < OH; oy++) {
                            const int8_t *s = padded + ((size_t) oy * SH + (size_t) ky * DH) * PW + (size_t) kx * DW;
                            for (int ox = 0; ox < OW; ox++) {
                                d[(size_t) oy * OW + ox] = s[(size_t) ox * SW];
                            }
                        }
                    }
                }
            }
        }
    }
}

/* ---------------------------------------------------------------- output stage */

/*
 * o[j] = clamp(((int64) a[j] * m + 2^(t-1)) >> t + zout, lo, hi), t = 31 - shift in [1, 62] (TFLite's
 * single-rounding MultiplyByQuantizedMultiplier): the 64-bit products of even and odd lanes (vpmuldq), the
 * arithmetic shift, the low 32 bits of each result (Java's (int) cast), then int32 wrap-around adds like Java's.
 */
static inline int8_t requantize_one(int32_t a, int32_t m, int t, int32_t zout, int32_t lo, int32_t hi) {
    int64_t p = ((int64_t) a * m + ((int64_t) 1 << (t - 1))) >> t; /* gcc: >> of a signed value is arithmetic */
    int32_t q = (int32_t) ((uint32_t) (uint64_t) p + (uint32_t) zout);
    return (int8_t) (q < lo ? lo : q > hi ? hi : q);
}

/* AVX2 has no 64-bit arithmetic shift: (x ^ s) >> t logically, then ^ s, with s the sign mask of x. */
INLINE AVX2_TARGET __m256i sra_epi64_avx2(__m256i x, __m128i count) {
    __m256i sign = _mm256_cmpgt_epi64(_mm256_setzero_si256(), x);
    return _mm256_xor_si256(_mm256_srl_epi64(_mm256_xor_si256(x, sign), count), sign);
}

static AVX2_TARGET void requantize_row_avx2(const int32_t *a, int n, int32_t m, int t, int32_t zout, int32_t lo, int32_t hi,
                                            int8_t *o) {
    const __m256i mv = _mm256_set1_epi64x((int64_t) m), rv = _mm256_set1_epi64x((int64_t) 1 << (t - 1));
    const __m128i count = _mm_cvtsi32_si128(t);
    const __m256i zv = _mm256_set1_epi32(zout), lov = _mm256_set1_epi32(lo), hiv = _mm256_set1_epi32(hi);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256i x = _mm256_loadu_si256((const __m256i *) (a + j));
        __m256i even = sra_epi64_avx2(_mm256_add_epi64(_mm256_mul_epi32(x, mv), rv), count);
        __m256i odd = sra_epi64_avx2(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), mv), rv), count);
        __m256i q = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
        q = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(q, zv), lov), hiv);
        /* clamped to int8: the saturating packs are exact */
        __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64((__m128i *) (o + j), _mm_packs_epi16(w, w));
    }
    for (; j < n; j++) {
        o[j] = requantize_one(a[j], m, t, zout, lo, hi);
    }
}

/*
 * The convolution's product and output stage, strip by strip (ByteKernels.weightsTimesCodesRequantized); column j
 * goes to out[(j / plane) * image_stride + i * plane + j % plane], so a strip of 32 columns may cross from one image
 * into the next: its bytes then go through `bytes` ([m][32]) and are copied per image. AVX-512: the output stage in
 * the block's registers. AVX2: the strip's accumulators start at the bias in `tile` ([m][32], in L1) and are
 * requantized from there.
 */
static void weights_times_codes_requantized(int isa, int m, int n, int depth, const int8_t *w, const int8_t *b, int ldb,
                                            const int32_t *bias, const int32_t *mult, const int32_t *shift, int32_t zout,
                                            int32_t lo, int32_t hi, int8_t *out, int plane, size_t image_stride,
                                            uint8_t *strip, int32_t *tile, int8_t *bytes) {
    int kp = (depth + 3) & ~3;
    int seg_from[STRIP + 1], seg_len[STRIP + 1];
    size_t seg_dst[STRIP + 1];
    for (int j0 = 0; j0 < n; j0 += STRIP) {
        int nc = n - j0 < STRIP ? n - j0 : STRIP;
        int segs = 0;
        for (int j = 0; j < nc;) {
            int col = j0 + j, p = col % plane;
            int len = nc - j < plane - p ? nc - j : plane - p;
            seg_from[segs] = j;
            seg_len[segs] = len;
            seg_dst[segs++] = (size_t) (col / plane) * image_stride + (size_t) p;
            j += len;
        }
        /* one image: straight into the output planes; several: through `bytes` */
        int8_t *dst = segs == 1 ? out + seg_dst[0] : bytes;
        size_t ldd = segs == 1 ? (size_t) plane : STRIP;
        pack_codes(b, ldb, depth, j0, nc, strip);
        if (isa == ISA_AVX512_VNNI) {
            out_stage os = {bias, mult, shift, zout, lo, hi, dst, ldd};
            vnni_rows_requantized(m, kp / 4, 0, w, (size_t) kp, strip, 4 * STRIP, NULL, 0, nc, &os);
        } else {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < STRIP; j++) {
                    tile[(size_t) i * STRIP + j] = bias[i];
                }
            }
            avx2_rows_0(m, kp / 4, 0, w, (size_t) kp, strip, 4 * STRIP, tile, STRIP, nc, NULL);
            for (int i = 0; i < m; i++) {
                requantize_row_avx2(tile + (size_t) i * STRIP, nc, mult[i], 31 - shift[i], zout, lo, hi, dst + (size_t) i * ldd);
            }
        }
        if (segs > 1) {
            for (int i = 0; i < m; i++) {
                for (int q = 0; q < segs; q++) {
                    copy_exact(out + (size_t) i * plane + seg_dst[q], bytes + (size_t) i * STRIP + seg_from[q], (size_t) seg_len[q]);
                }
            }
        }
    }
}

/* ---------------------------------------------------------------- 2x2 max pooling */

static void maxpool_row_scalar(const int8_t *r0, const int8_t *r1, int8_t *o, int from, int out_w, int lo, int hi) {
    for (int ox = from; ox < out_w; ox++) {
        int a = r0[2 * ox] > r0[2 * ox + 1] ? r0[2 * ox] : r0[2 * ox + 1];
        int b = r1[2 * ox] > r1[2 * ox + 1] ? r1[2 * ox] : r1[2 * ox + 1];
        int m = a > b ? a : b;
        o[ox] = (int8_t) (m < lo ? lo : m > hi ? hi : m);
    }
}

/* 32 outputs per step from 64 bytes of each row, the last step masked. */
static VNNI_TARGET void maxpool_avx512(int planes, int in_h, int in_w, const int8_t *in, int8_t *out, int lo, int hi) {
    int out_h = in_h / 2, out_w = in_w / 2;
    __m512i vlo = _mm512_set1_epi8((char) lo), vhi = _mm512_set1_epi8((char) hi);
    for (int p = 0; p < planes; p++) {
        for (int oy = 0; oy < out_h; oy++) {
            const int8_t *r0 = in + ((size_t) p * in_h + 2 * oy) * in_w;
            const int8_t *r1 = r0 + in_w;
            int8_t *o = out + ((size_t) p * out_h + oy) * out_w;
            for (int ox = 0; ox < out_w; ox += 32) {
                int n = out_w - ox < 32 ? out_w - ox : 32;
                __mmask64 mi = n == 32 ? ~(__mmask64) 0 : (((__mmask64) 1 << (2 * n)) - 1);
                __mmask32 mo = n == 32 ? ~(__mmask32) 0 : (((__mmask32) 1 << n) - 1);
                __m512i v = _mm512_max_epi8(_mm512_maskz_loadu_epi8(mi, r0 + 2 * ox), _mm512_maskz_loadu_epi8(mi, r1 + 2 * ox));
                v = _mm512_max_epi8(v, _mm512_srli_epi16(v, 8)); /* even bytes: each window's maximum */
                v = _mm512_min_epi8(_mm512_max_epi8(v, vlo), vhi);
                _mm256_mask_storeu_epi8(o + ox, mo, _mm512_cvtepi16_epi8(v));
            }
        }
    }
}

/* 16 outputs per step from 32 bytes of each row, the rest scalar. */
static AVX2_TARGET void maxpool_avx2(int planes, int in_h, int in_w, const int8_t *in, int8_t *out, int lo, int hi) {
    int out_h = in_h / 2, out_w = in_w / 2;
    __m256i vlo = _mm256_set1_epi8((char) lo), vhi = _mm256_set1_epi8((char) hi), low = _mm256_set1_epi16(0x00FF);
    for (int p = 0; p < planes; p++) {
        for (int oy = 0; oy < out_h; oy++) {
            const int8_t *r0 = in + ((size_t) p * in_h + 2 * oy) * in_w;
            const int8_t *r1 = r0 + in_w;
            int8_t *o = out + ((size_t) p * out_h + oy) * out_w;
            int ox = 0;
            for (; ox + 16 <= out_w; ox += 16) {
                __m256i v = _mm256_max_epi8(_mm256_loadu_si256((const __m256i *) (r0 + 2 * ox)),
                                            _mm256_loadu_si256((const __m256i *) (r1 + 2 * ox)));
                v = _mm256_max_epi8(v, _mm256_srli_epi16(v, 8));
                v = _mm256_and_si256(_mm256_min_epi8(_mm256_max_epi8(v, vlo), vhi), low);
                __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(v, v), 0x08); /* 0-7 of each lane */
                _mm_storeu_si128((__m128i *) (o + ox), _mm256_castsi256_si128(packed));
            }
            maxpool_row_scalar(r0, r1, o, ox, out_w, lo, hi);
        }
    }
}

/* ---------------------------------------------------------------- JNI */

JNIEXPORT jint JNICALL Java_io_qat4j_executor_nativekernels_NativeByteKernels_cpuIsa(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return cpu_isa();
}

static void throw_oom(JNIEnv *env, const char *what) {
    jclass e = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (e != NULL) {
        (*env)->ThrowNew(env, e, what);
    }
}

JNIEXPORT void JNICALL Java_io_qat4j_executor_nativekernels_NativeByteKernels_codesTimesWeights0(
        JNIEnv *env, jclass cls, jint isa, jint m, jint n, jint depth, jbyteArray x, jint x_off, jint ldx, jbyteArray packed,
        jintArray c, jint c_off, jint ldc) {
    (void) cls;
    jbyte *px = (*env)->GetPrimitiveArrayCritical(env, x, NULL);
    jbyte *pp = px == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, packed, NULL);
    jint *pc = pp == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, c, NULL);
    if (pc != NULL) {
        codes_times_weights(isa, m, n, depth, (const int8_t *) px + x_off, ldx, (const uint8_t *) pp, (int32_t *) pc + c_off,
                            ldc);
    }
    if (pc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, c, pc, 0);
    if (pp != NULL) (*env)->ReleasePrimitiveArrayCritical(env, packed, pp, JNI_ABORT);
    if (px != NULL) (*env)->ReleasePrimitiveArrayCritical(env, x, px, JNI_ABORT);
    if (pc == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "qat4j native kernels: pinning the arrays");
    }
}

JNIEXPORT void JNICALL Java_io_qat4j_executor_nativekernels_NativeByteKernels_maxPoolTwoByTwo0(
        JNIEnv *env, jclass cls, jint isa, jint planes, jint in_h, jint in_w, jbyteArray in, jbyteArray out, jint lo, jint hi) {
    (void) cls;
    jbyte *pi = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
    jbyte *po = pi == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (po != NULL) {
        if (isa == ISA_AVX512_VNNI) {
            maxpool_avx512(planes, in_h, in_w, (const int8_t *) pi, (int8_t *) po, lo, hi);
        } else {
            maxpool_avx2(planes, in_h, in_w, (const int8_t *) pi, (int8_t *) po, lo, hi);
        }
    }
    if (po != NULL) (*env)->ReleasePrimitiveArrayCritical(env, out, po, 0);
    if (pi != NULL) (*env)->ReleasePrimitiveArrayCritical(env, in, pi, JNI_ABORT);
    if (po == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "qat4j native kernels: pinning the arrays");
    }
}

JNIEXPORT void JNICALL Java_io_qat4j_executor_nativekernels_NativeByteKernels_im2col0(
        JNIEnv *env, jclass cls, jintArray geometry, jbyteArray in, jint in_off, jint images, jbyteArray col) {
    (void) cls;
    int32_t g[G_COUNT];
    (*env)->GetIntArrayRegion(env, geometry, 0, G_COUNT, (jint *) g);
    if ((*env)->ExceptionCheck(env)) {
        return;
    }
    size_t ph = (size_t) g[G_H] + g[G_PT] + g[G_PB], pw = (size_t) g[G_W] + g[G_PL] + g[G_PR];
    int8_t *scratch = malloc(ph * pw + ph * (size_t) g[G_OW]);
    if (scratch == NULL) {
        throw_oom(env, "qat4j native kernels: im2col planes");
        return;
    }
    jbyte *pi = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
    jbyte *pc = pi == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, col, NULL);
    if (pc != NULL) {
        im2col_codes(g, (const int8_t *) pi + in_off, images, (int8_t *) pc, scratch, scratch + ph * pw);
    }
    if (pc != NULL) (*env)->ReleasePrimitiveArrayCritical(env, col, pc, 0);
    if (pi != NULL) (*env)->ReleasePrimitiveArrayCritical(env, in, pi, JNI_ABORT);
    free(scratch);
    if (pc == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "qat4j native kernels: pinning the arrays");
    }
}

JNIEXPORT void JNICALL Java_io_qat4j_executor_nativekernels_NativeByteKernels_weightsTimesCodesRequantized0(
        JNIEnv *env, jclass cls, jint isa, jint m, jint n, jint depth, jbyteArray w, jint w_off, jbyteArray b, jint b_off,
        jint ldb, jintArray bias, jintArray multipliers, jintArray shifts, jint first_row, jint zout, jint lo, jint hi,
        jbyteArray out, jint out_off, jint plane, jint image_stride) {
    (void) cls;
    size_t strip_bytes = (size_t) ((depth + 3) / 4) * 4 * STRIP;
    uint8_t *strip = aligned_alloc(64, (strip_bytes + (size_t) m * STRIP * (sizeof(int32_t) + 1) + 63) & ~(size_t) 63);
    if (strip == NULL) {
        throw_oom(env, "qat4j native kernels: im2col strip");
        return;
    }
    jbyte *pw = (*env)->GetPrimitiveArrayCritical(env, w, NULL);
    jbyte *pb = pw == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    jint *pbias = pb == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    jint *pm = pbias == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, multipliers, NULL);
    jint *ps = pm == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, shifts, NULL);
    jbyte *po = ps == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (po != NULL) {
        weights_times_codes_requantized(isa, m, n, depth, (const int8_t *) pw + w_off, (const int8_t *) pb + b_off, ldb,
                                        (const int32_t *) pbias + first_row, (const int32_t *) pm + first_row,
                                        (const int32_t *) ps + first_row, zout, lo, hi, (int8_t *) po + out_off, plane,
                                        (size_t) image_stride, strip, (int32_t *) (strip + strip_bytes),
                                        (int8_t *) (strip + strip_bytes + (size_t) m * STRIP * sizeof(int32_t)));
    }
    if (po != NULL) (*env)->ReleasePrimitiveArrayCritical(env, out, po, 0);
    if (ps != NULL) (*env)->ReleasePrimitiveArrayCritical(env, shifts, ps, JNI_ABORT);
    if (pm != NULL) (*env)->ReleasePrimitiveArrayCritical(env, multipliers, pm, JNI_ABORT);
    if (pbias != NULL) (*env)->ReleasePrimitiveArrayCritical(env, bias, pbias, JNI_ABORT);
    if (pb != NULL) (*env)->ReleasePrimitiveArrayCritical(env, b, pb, JNI_ABORT);
    if (pw != NULL) (*env)->ReleasePrimitiveArrayCritical(env, w, pw, JNI_ABORT);
    free(strip);
    if (po == NULL && !(*env)->ExceptionCheck(env)) {
        throw_oom(env, "qat4j native kernels: pinning the arrays");
    }
}
