package io.qat4j.executor.arith;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact references for the fixed-point primitives, written from their mathematical definitions
 * with BigInteger / BigDecimal and nothing from the implementation (gemmlowp
 * {@code test_fixedpoint.cc} checks against a wide reference in the same way).
 */
final class ExactReference {

    static final BigInteger TWO_POW_31 = BigInteger.ONE.shiftLeft(31);
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private ExactReference() {
    }

    /** Nearest integer to the exact rational {@code a * b / 2^31}, ties toward +infinity, saturated. */
    static int srdhm(int a, int b) {
        BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        // floor division: remainder in [0, 2^31)
        BigInteger[] qr = floorDivMod(product, TWO_POW_31);
        BigInteger q = qr[0];
        int cmpHalf = qr[1].shiftLeft(1).compareTo(TWO_POW_31);
        if (cmpHalf > 0) {
            q = q.add(BigInteger.ONE); // more than half: up
        } else if (cmpHalf == 0) {
            q = q.add(BigInteger.ONE); // tie: toward +infinity, i.e. up, whatever the sign
        }
        return saturate(q);
    }

    /** Nearest integer to {@code x / 2^exponent}, ties away from zero. */
    static int rdbpot(int x, int exponent) {
        BigDecimal exact = new BigDecimal(x).divide(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
        // RoundingMode.HALF_UP is "round towards nearest neighbor unless both neighbors are
        // equidistant, in which case round up" where up means away from zero
        return exact.setScale(0, RoundingMode.HALF_UP).intValueExact();
    }

    /**
     * TFLite double-rounding {@code MultiplyByQuantizedMultiplier} from its definition:
     * {@code rdbpot(srdhm(x * 2^L, m), R)} with exact (unwrapped) left shift; the caller keeps
     * {@code x * 2^L} in range.
     */
    static int mbqm(int x, int m, int shift) {
        int left = Math.max(shift, 0);
        int right = Math.max(-shift, 0);
        long shifted = (long) x << left;
        if (shifted != (int) shifted) {
            throw new IllegalArgumentException("reference precondition: x * 2^L must fit in int32");
        }
        return rdbpot(srdhm((int) shifted, m), right);
    }

    /**
     * TFLite single-rounding {@code MultiplyByQuantizedMultiplier} from its definition: the
     * nearest integer to {@code x * m * 2^(shift - 31)}, ties toward +infinity; the caller keeps
     * the result in range.
     */
    static int mbqmSingleRounding(int x, int m, int shift) {
        BigDecimal nearest = mbqmExact(x, m, shift).add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR);
        return nearest.intValueExact();
    }

    /** The exact real value {@code x * m * 2^(shift - 31)}. */
    static BigDecimal mbqmExact(int x, int m, int shift) {
        return new BigDecimal(BigInteger.valueOf(x).multiply(BigInteger.valueOf(m))).multiply(pow2(shift - 31));
    }

    /** {@code 2^e} as an exact BigDecimal. */
    static BigDecimal pow2(int e) {
        BigDecimal p = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(e)));
        return e >= 0 ? p : BigDecimal.ONE.divide(p); // terminating: exact
    }

    private static BigInteger[] floorDivMod(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d); // truncating
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(d);
        }
        return qr;
    }

    private static int saturate(BigInteger v) {
        return v.max(INT_MIN).min(INT_MAX).intValueExact();
    }
}
